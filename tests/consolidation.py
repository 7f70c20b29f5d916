"""A year consolidated from records in one process, for tests: the units' parts
(consolidate_unit) added up by combine, as `xxgk check` does with the parts its workers make."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipeline.consolidate.unit_part import consolidate_unit, year_as_of
from pipeline.consolidate.year_total import combine
from pipeline.core.config import Config
from pipeline.core.findings import Finding
from pipeline.core.model import YearTables
from pipeline.core.records import Application, Case, Fact, Header, Lineage


@dataclass
class Consolidation:
    tables: YearTables
    lineage: list[Lineage]
    applications: list[tuple[Application, int | None, bool | None]]
    cases: list[Case]
    findings: list[Finding]


def by_unit(year: int, headers: list[Header], facts: list[Fact],
            applications: list[Application], cases: list[Case]) -> dict[str, tuple]:
    """The year's accepted records grouped by unit, units in order of first appearance:
    unit -> (headers, facts, applications, cases)."""
    groups: dict[str, tuple[list, list, list, list]] = {}
    for i, records in enumerate((headers, facts, applications, cases)):
        for r in records:
            if r.year == year:
                groups.setdefault(r.unit, ([], [], [], []))[i].append(r)
    return groups


def consolidate_year(cfg: Config, year: int, headers: list[Header], facts: list[Fact],
                     applications: list[Application], cases: list[Case],
                     previous: YearTables | None, *, as_of: date | None = None
                     ) -> Consolidation:
    """The year's tables from its records (records of other years are ignored).

    `as_of` is the day open applications are judged on: 31 December, or today while the year
    runs. `previous` (last year's tables) is used to name the applications behind a break of
    rule 6; the review of the tables themselves (review.review_year) is the caller's, as for
    every year.
    """
    as_of = as_of or year_as_of(year)
    parts = [consolidate_unit(year, unit, *records, as_of)
             for unit, records in by_unit(year, headers, facts, applications, cases).items()]
    tables, _, findings = combine(cfg, year, parts, previous, as_of)
    return Consolidation(tables, [x for p in parts for x in p.lineage],
                         [r for p in parts for r in p.register],
                         [c for p in parts for c in p.cases], findings)
