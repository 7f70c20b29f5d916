"""One run of the pipeline: workbooks → ingestion → consolidation and review → store → notebooks.

Every year up to the report year is rebuilt from its inputs (quarter workbooks, or else the
published tables of that year), so the store always has the history the charts and rule 6 need.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline import __version__
from pipeline.build.outputs_folder import CACHE_DIR, findings_paths, remove_leftovers, store_path
from pipeline.consolidate import year_total
from pipeline.core.config import Config
from pipeline.core.findings import Finding, finding
from pipeline.core.model import YearTables
from pipeline.outputs.findings_file import write_findings
from pipeline.report import office_text
from pipeline.report.model import build_report_model
from pipeline.review import returns, table_rules
from pipeline.speed import cache, incremental, parsing, process_pool
from pipeline.store import StoreContent, Writer, read_state
from pipeline.workbooks import folders, published
from pipeline.workbooks.filenames import published_path


def available_years(workbooks_dir: Path) -> list[int]:
    if not workbooks_dir.is_dir():
        return []
    return sorted(int(p.name) for p in workbooks_dir.iterdir()
                  if p.is_dir() and re.fullmatch(r"\d{4}", p.name))


def has_quarter_workbooks(workbooks_dir: Path, year: int) -> bool:
    return any((workbooks_dir / str(year)).glob("第*季度/*"))


@dataclass
class CheckResult:
    """What a check found and made; `content` is what went into the store besides the units'
    rows (read them from the store)."""

    year: int
    findings: list[Finding] = field(default_factory=list)
    tables: dict[int, YearTables] = field(default_factory=dict)
    content: StoreContent = field(default_factory=StoreContent)

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    def completeness(self) -> returns.Completeness:
        """How far the report year's returns go (a year from published tables is whole)."""
        tables = self.tables.get(self.year)
        if tables is not None and tables.source == "published":
            return returns.published(self.year)
        return returns.completeness(self.year, self.content.submissions, self.errors)


def _hash_inputs(walks: dict[int, folders.Walk], checked: set[str]) -> list[tuple]:
    """(path, sha256, size, device, inode, mtime_ns) of every regular file of the years'
    folders (as walked when the run began: what is not a regular file, such as a FIFO that
    would block a read, is skipped there); the digests of those `checked` (relative names)
    were taken by this run already."""
    out = []
    for y, walked in walks.items():
        for parts, path in walked.files:
            rel = "/".join((str(y), *parts))
            sha, size, (device, inode, mtime_ns, _) = cache.signed_digest(
                path, checked=rel in checked)
            out.append((rel, sha, size, device, inode, mtime_ns))
    return out


def check(cfg: Config, workbooks_dir: Path, outputs_dir: Path, year: int, *,
          command: str = "check") -> CheckResult:
    """Read, consolidate and review every year up to `year`; write the store and the year's
    findings under outputs/. A rerun reads and works out again only the units whose
    workbooks changed (pipeline.incremental)."""
    with process_pool.collector_paused():  # a run makes ~100 records per workbook and no cycles
        return _check(cfg, workbooks_dir, outputs_dir, year, command)


def _check(cfg: Config, workbooks_dir: Path, outputs_dir: Path, year: int,
           command: str) -> CheckResult:
    started = datetime.now()
    hashed_ns = time.time_ns()
    remove_leftovers(outputs_dir)
    result = CheckResult(year)
    content = result.content
    before = incremental.previous(cfg, read_state(store_path(outputs_dir)),
                                  workbooks_dir)
    content.kept = None if before is None else {}
    years = [y for y in available_years(workbooks_dir) if y <= year]
    if year not in years:
        years.append(year)
    walks = {y: folders.walk(workbooks_dir / str(y)) for y in years}  # the files this run reads
    with Writer(store_path(outputs_dir), update=before is not None) as writer:
        previous: YearTables | None = None
        checked: set[str] = set()  # workbooks whose digest this run took
        for y in years:
            result.findings += folders.skipped_findings(walks[y], y)
            tables, year_findings = _year_tables(cfg, workbooks_dir, outputs_dir, y, previous,
                                                 content, before, checked, writer, walks[y])
            if tables is None:
                if y == year:
                    result.findings.append(finding("ID001", year=y, folder=str(workbooks_dir)))
                continue
            partial = (tables.source == "workbooks"
                       and returns.completeness(y, content.submissions, 0).partial)
            year_findings += table_rules.review_year(tables, previous, partial=partial)
            p_path = office_text.paragraphs_path(workbooks_dir, y)
            if p_path.is_file():
                rows, p_findings = office_text.read_paragraphs(p_path, y)
                content.paragraphs += rows
                year_findings += p_findings
            result.findings += year_findings
            content.years.append(tables)
            result.tables[y] = tables
            previous = tables
        content.findings = result.findings
        content.input_files = _hash_inputs(walks, checked)
        content.state = incremental.state(cfg, hashed_ns)

        def review_text(con) -> list[Finding]:
            """The report text as it will be written, reviewed against the tables (TX rules)."""
            if year not in result.tables:
                return []
            return list(build_report_model(con, cfg, year).findings)

        writer.finish(content, version=__version__, report_year=year, command=command,
                      started=started, review=review_text)
    xlsx, js = findings_paths(outputs_dir, year)
    write_findings(xlsx, js, result.findings)
    return result


def _year_tables(cfg, workbooks_dir, outputs_dir, y, previous, content, before, checked, writer,
                 walked):
    """The year's tables from its quarter workbooks (the rows of the units worked out again
    go to `writer`), else from its published tables."""
    if has_quarter_workbooks(workbooks_dir, y):
        read = incremental.read_year(cfg, workbooks_dir, y, walked,
                                     parsing.cache_path(outputs_dir / CACHE_DIR, y), before,
                                     writer)
        checked.update(read.checked)
        parts = [o.part for o in read.owned]
        tables, sums, findings = year_total.combine(cfg, y, parts, previous, read.as_of)
        read_findings = incremental.file_order(read.files,
                                               (f for o in read.owned for f in o.findings))
        content.submissions += returns.submissions(
            cfg, y, [h for p in parts for h in p.headers],
            [*read_findings, *(f for p in parts for f in p.findings)])
        content.fact_sums += [(y, *k, v) for k, v in sums.items()]
        if content.kept is not None:
            content.kept[y] = {o.unit for o in read.owned if not o.fresh}
        return tables, [*read_findings, *findings]
    p = published_path(workbooks_dir, y)
    if p.is_file():
        tables, found = published.read_published(p, y, file=f"{y}/{p.name}")
        return tables, list(found)
    return None, []
