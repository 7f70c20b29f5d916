"""The plain path: read each workbook, work out each unit. It gives what speed.reader.Reader
gives (the tests hold the two to each other) and is kept as the plain statement of what a
check reads, for reading and for those tests; the runs use the Reader."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from pipeline import store
from pipeline.consolidate import unit_part
from pipeline.core.config import Config
from pipeline.speed.reader import YearUnits
from pipeline.workbooks import folders, reading


class PlainReader:
    """The same interface as speed.reader.Reader, one file after another, no cache, no pool,
    a new store every time."""

    def __init__(self, cfg: Config, workbooks_dir: Path, store_file: Path, cache_dir: Path):
        self.cfg, self.workbooks_dir, self.store_file = cfg, workbooks_dir, store_file
        self.rows = store.StoreContent()

    def __enter__(self) -> PlainReader:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def year(self, year: int, walked: folders.Walk) -> YearUnits:
        paths = folders.year_paths(self.workbooks_dir, year, walked)
        results = [reading.ingest_file(self.cfg, self.workbooks_dir, p) for p in paths]
        by_unit: dict[str, list[reading.FileResult]] = {}
        for result in results:
            by_unit.setdefault(reading.owner(result), []).append(result)
        as_of = unit_part.year_as_of(year)
        parts = [unit_part.part_from_files(year, unit, unit_results, as_of)
                 for unit, unit_results in by_unit.items()]
        for unit_results, part in zip(by_unit.values(), parts, strict=True):
            self.rows.facts += [f for r in unit_results if r.accepted for f in r.facts]
            self.rows.applications += part.register
            self.rows.cases += part.cases
            self.rows.lineage += part.lineage
        return YearUnits([r.file for r in results], parts,
                         [f for r in results for f in r.findings], as_of)

    def finish(self, content: store.StoreContent, walks: Mapping[int, folders.Walk], *,
               version: str, report_year: int, command: str, started: datetime,
               review: Callable | None = None) -> None:
        content.facts, content.applications = self.rows.facts, self.rows.applications
        content.cases, content.lineage = self.rows.cases, self.rows.lineage
        store.write_store(self.store_file, content, version=version, report_year=report_year,
                          command=command, started=started, review=review)
