"""The one door to the speed machinery: how a check reads its years' workbooks.

For each year a `Reader` gives every unit's part (consolidate.unit_part.UnitPart) and the
findings read from the unit's files, exactly what reading every file and working out every unit
gives (build.plain.PlainReader, which the tests hold it to), and it writes the store. Behind the
door: the parse cache, the process pool, and reruns that redo only the units whose files
changed (pipeline.speed.incremental), with the store updated in one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pipeline import store
from pipeline.consolidate.unit_part import UnitPart
from pipeline.core.config import Config
from pipeline.core.findings import Finding
from pipeline.speed import cache, incremental, parsing, process_pool
from pipeline.workbooks import folders


@dataclass
class YearUnits:
    """What reading a year's quarter workbooks gives."""

    files: list[str]          # the year's workbooks, in order
    parts: list[UnitPart]     # every unit with files, in order of its first file
    findings: list[Finding]   # read from the files, in the order of the files
    as_of: date               # the day open applications were judged on


class Reader:
    """Reads a check's years fast, and writes the store (a new one, or an update of the one a
    run of this xxgk and configuration left). Used as a context manager: leaving it without
    `finish` leaves the store as it was."""

    def __init__(self, cfg: Config, workbooks_dir: Path, store_file: Path, cache_dir: Path):
        self.cfg, self.workbooks_dir, self.cache_dir = cfg, workbooks_dir, cache_dir
        self._hashed_ns = time.time_ns()
        self._before = incremental.previous(cfg, store.read_state(store_file), workbooks_dir)
        self._kept: dict[int, set[str]] | None = None if self._before is None else {}
        self._checked: set[str] = set()  # workbooks whose digest this run took
        self._writer = store.Writer(store_file, update=self._before is not None)
        self._paused = process_pool.collector_paused()

    def __enter__(self) -> Reader:
        self._paused.__enter__()  # a run makes ~100 records a workbook and no cycles
        return self

    def __exit__(self, *exc) -> None:
        self._writer.__exit__(*exc)
        self._paused.__exit__(*exc)

    def year(self, year: int, walked: folders.Walk) -> YearUnits:
        """Every unit's part of a year with quarter workbooks (`walked`: its folder's walk)."""
        read = incremental.read_year(self.cfg, self.workbooks_dir, year, walked,
                                     parsing.cache_path(self.cache_dir, year), self._before,
                                     self._writer)
        self._checked |= read.checked
        if self._kept is not None:
            self._kept[year] = {o.unit for o in read.owned if not o.fresh}
        findings = incremental.file_order(read.files, (f for o in read.owned for f in o.findings))
        return YearUnits(read.files, [o.part for o in read.owned], findings, read.as_of)

    def finish(self, content: store.StoreContent, walks: Mapping[int, folders.Walk], *,
               version: str, report_year: int, command: str, started: datetime,
               review: Callable | None = None) -> None:
        """Write the run's tables and commit; `walks`: every year folder the run read, whose
        files' signatures let the next run skip unchanged ones."""
        content.kept = self._kept
        content.input_files = self._signatures(walks)
        content.state = incremental.state(self.cfg, self._hashed_ns)
        self._writer.finish(content, version=version, report_year=report_year, command=command,
                            started=started, review=review)

    def _signatures(self, walks: Mapping[int, folders.Walk]) -> list[tuple]:
        """(path, sha256, size, device, inode, mtime_ns) of every file of the years' folders
        (as walked when the run began; what is not a regular file was skipped there)."""
        out = []
        for y, walked in walks.items():
            for parts, path in walked.files:
                rel = "/".join((str(y), *parts))
                sha, size, (device, inode, mtime_ns, _) = cache.signed_digest(
                    path, checked=rel in self._checked)
                out.append((rel, sha, size, device, inode, mtime_ns))
        return out
