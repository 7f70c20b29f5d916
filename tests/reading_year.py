"""Reading one year's workbooks in one call, for tests of reading: what `xxgk check` reads
through speed.reader.Reader, gathered into one result (the package itself never needs this)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.config import Config
from pipeline.core.findings import Finding
from pipeline.core.records import Application, Case, Fact, Header
from pipeline.speed.parsing import cache_path, read_files
from pipeline.workbooks.folders import skipped_findings, walk, year_paths
from pipeline.workbooks.reading import reject_duplicates


@dataclass
class IngestResult:
    year: int
    headers: list[Header] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def ingest_year(cfg: Config, workbooks_dir: str | Path, year: int, *,
                cache_dir: Path | None = None, progress: bool = False) -> IngestResult:
    """Read every workbook of a year; a unit-quarter with two files keeps neither.

    With `cache_dir` (outputs/cache), parses are cached in its <year>.sqlite (see read_files);
    `progress` shows a progress bar even when stderr is not a terminal."""
    walked = walk(os.path.join(workbooks_dir, str(year)))
    results = read_files(cfg, workbooks_dir,
                         [Path(p) for p in year_paths(workbooks_dir, year, walked)],
                         cache_dir=None if cache_dir is None else cache_path(cache_dir, year),
                         progress=progress)
    reject_duplicates(results)
    out = IngestResult(year, files=[r.file for r in results],
                       findings=skipped_findings(walked, year))
    for r in results:
        out.findings += r.findings
        if r.accepted:
            out.headers.append(r.header)
            out.facts += r.facts
            out.applications += r.applications
            out.cases += r.cases
    return out
