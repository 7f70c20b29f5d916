"""A check: workbooks → reading → each unit's part → the year → review → store, for every year.

Every year up to the report year is rebuilt from its inputs (quarter workbooks, or else the
published tables of that year), so the store always has the history the charts and rule 6 need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline import __version__
from pipeline.build.outputs_folder import cache_dir, findings_paths, store_path
from pipeline.build.plain import PlainReader
from pipeline.consolidate import year_total
from pipeline.core.config import Config
from pipeline.core.findings import Finding, finding
from pipeline.core.model import YearTables
from pipeline.outputs.findings_file import write_findings
from pipeline.report import office_text
from pipeline.report.model import build_report_model
from pipeline.review import returns, table_rules
from pipeline.speed.reader import Reader
from pipeline.store import StoreContent
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


def check(cfg: Config, workbooks_dir: Path, outputs_dir: Path, year: int, *,
          command: str = "check", plain: bool = False, organ: str = "") -> CheckResult:
    """Read, consolidate and review every year up to `year`; write the store and the year's
    findings under outputs/.

    The workbooks are read through speed.reader.Reader (parse cache, process pool, reruns that
    redo only the units whose workbooks changed); `plain` reads them one by one instead
    (build.plain), which gives the same result."""
    started = datetime.now()
    result = CheckResult(year)
    content = result.content
    years = [y for y in available_years(workbooks_dir) if y <= year]
    if year not in years:
        years.append(year)
    walks = {y: folders.walk(workbooks_dir / str(y)) for y in years}  # the files this run reads
    read = (PlainReader if plain else Reader)(cfg, workbooks_dir, store_path(outputs_dir, organ),
                                              cache_dir(outputs_dir, organ))
    with read as reader:
        previous: YearTables | None = None
        for y in years:
            result.findings += folders.skipped_findings(walks[y], y)
            tables, year_findings = _year_tables(cfg, reader, workbooks_dir, y, walks[y],
                                                 previous, content)
            if tables is None:
                if y == year:
                    result.findings.append(finding("ID001", year=y, folder=str(workbooks_dir)))
                continue
            partial = (tables.source == "workbooks"
                       and returns.completeness(y, content.submissions, 0).partial)
            year_findings += table_rules.review_year(tables, previous, partial=partial,
                                                      organ_kind=cfg.organ.kind)
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

        def review_text(con) -> list[Finding]:
            """The report text as it will be written, reviewed against the tables (TX rules)."""
            if year not in result.tables:
                return []
            return list(build_report_model(con, cfg, year).findings)

        reader.finish(content, walks, version=__version__, report_year=year, command=command,
                      started=started, review=review_text)
    xlsx, js = findings_paths(outputs_dir, year, organ)
    write_findings(xlsx, js, result.findings)
    return result


def _year_tables(cfg: Config, reader: Reader | PlainReader, workbooks_dir: Path, y: int,
                 walked: folders.Walk, previous: YearTables | None, content: StoreContent
                 ) -> tuple[YearTables | None, list[Finding]]:
    """The year's tables from its quarter workbooks (every unit's part, added up), else from
    its published tables; and the findings of reading them."""
    if has_quarter_workbooks(workbooks_dir, y):
        units = reader.year(y, walked)
        tables, sums, findings = year_total.combine(cfg, y, units.parts, previous, units.as_of)
        content.submissions += returns.submissions(
            cfg, y, [h for p in units.parts for h in p.headers],
            [*units.findings, *(f for p in units.parts for f in p.findings)])
        content.fact_sums += [(y, *k, v) for k, v in sums.items()]
        return tables, [*units.findings, *findings]
    p = published_path(workbooks_dir, y)
    if p.is_file():
        tables, found = published.read_published(p, y, file=f"{y}/{p.name}")
        return tables, list(found)
    return None, []
