"""A district's checks across its organs: organs with no or incomplete returns, organs whose
tables have errors, and the district's published figures against the sum of its organs."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.cell_names import _TABLE_CELLS, SHEETS, where
from pipeline.core.findings import Finding, finding
from pipeline.core.model import YearTables
from pipeline.core.numbers import as_written
from pipeline.review.returns import Completeness

TABLES = ("A", "B", "C")


@dataclass(frozen=True)
class OrganYear:
    """What the district needs to know of one organ's year."""
    name: str
    short_name: str
    tables: YearTables | None  # None: no data at all for the year
    done: Completeness | None
    findings_file: str  # where the organ's own findings are, for the message


def district_sum(parts: dict[str, YearTables], year: int) -> YearTables:
    """The district's tables: each cell the sum of the organs' cells. A cell an organ left
    blank (None) leaves the district's cell blank: silence is not zero."""
    total = YearTables(year, "workbooks")
    for tbl in TABLES:
        cells = total.table(tbl)
        for key in _TABLE_CELLS[tbl]:
            values = [p.table(tbl).get(key) for p in parts.values()]
            cells[key] = None if not parts or None in values else sum(values)
    figures = {k for p in parts.values() for k in p.figures}
    for k in sorted(figures):
        values = [p.figures.get(k) for p in parts.values()]
        total.figures[k] = None if None in values else sum(values)
    return total


def organ_findings(organs: list[OrganYear], year: int) -> list[Finding]:
    """DS001–DS003: organs without data, with returns not all confirmed, with errors."""
    out = []
    for o in organs:
        if o.tables is None or o.done is None:
            out.append(finding("DS001", unit=o.short_name, year=year, this_year=year, organ=o.name,
                               short=o.short_name))
            continue
        if o.done.unconfirmed:
            out.append(finding("DS002", unit=o.short_name, year=year, this_year=year, organ=o.name,
                               summary=o.done.summary(),
                               missing=f"{o.done.unconfirmed}本报表未确认"))
        if o.done.errors:
            out.append(finding("DS003", unit=o.short_name, year=year, this_year=year, organ=o.name,
                               errors=o.done.errors, findings_file=o.findings_file))
    return out


def published_findings(published: YearTables, total: YearTables, parts: dict[str, YearTables],
                       file: str, year: int) -> list[Finding]:
    """DS004: every cell of the district's published tables that is not the organs' sum (a
    cell blank on either side is not compared)."""
    out = []
    for tbl in TABLES:
        for key, value in published.table(tbl).items():
            summed = total.table(tbl).get(key)
            if value is None or summed is None or value == summed:
                continue
            shares = "、".join(f"{short} {as_written(p.table(tbl).get(key))}"
                               for short, p in parts.items())
            out.append(finding("DS004", file=file, sheet=SHEETS[tbl], year=year, source=file,
                               place=where(tbl, *key),
                               published=as_written(value), total=as_written(summed),
                               parts=shares))
    return out
