"""A year from its units' parts: the sum of the parts, the headline figures, and the checks
that look across units (missing fourth quarters, carry-over from last year, an application in
two units' registers, dates after today)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from pipeline.consolidate.unit_part import (
    _CLASSES,
    _STOCK_LABEL,
    _TOTAL,
    FactSums,
    Registered,
    UnitPart,
)
from pipeline.core import statutory
from pipeline.core.config import Config
from pipeline.core.findings import Finding, finding
from pipeline.core.model import YearTables, empty_tables
from pipeline.core.numbers import as_stored
from pipeline.core.records import SUPERVISION_KEYS, Header

QUARTERS = (1, 2, 3, 4)


def _latest_quarters(headers: list[Header]) -> dict[str, int]:
    latest: dict[str, int] = {}
    for h in headers:
        latest[h.unit] = max(latest.get(h.unit, 0), h.quarter)
    return latest


def _missing_q4(cfg: Config, year: int, headers: list[Header],
                latest: dict[str, int]) -> list[Finding]:
    have_q4 = {h.unit for h in headers if h.quarter == 4}
    out = []
    for unit in cfg.units:
        if unit in have_q4:
            continue
        q = latest.get(unit)
        taken = f"取自第{q}季度报表" if q else "无从取得，按0计"
        out.append(finding("CS001", unit=unit, year=year, who=unit, this_year=year, taken=taken,
                           stock=_STOCK_LABEL))
    return out


def _figures(sums: FactSums, parts: list[UnitPart]) -> dict[str, int | float | None]:
    """The headline figures from the year's sums of facts and its applications."""
    per_category: dict[str, float] = defaultdict(float)
    totals: dict[str, float] = defaultdict(float)
    for (topic, key, dim), v in sums.items():
        if topic == "disclosure" and dim == "":
            per_category[key] += v
            totals["items_published"] += v
        elif topic == "interpretation":
            totals["interpretations"] += v
        elif topic == "supervision" and key in SUPERVISION_KEYS:
            totals[key] += v
    figures = {k: as_stored(totals[k]) for k in ("items_published", "interpretations",
                                                 *SUPERVISION_KEYS)}
    figures["categories_published"] = sum(1 for v in per_category.values() if v > 0)
    figures["fee_charged_yuan"] = as_stored(sum(p.fee for p in parts))
    # The answers that could be judged, and apart from them those whose dates or consultation
    # days could not be counted (each has its finding): one bad row leaves the others counted.
    for i, key in enumerate(("answered_on_time", "answered_late", "answered_unknown")):
        figures[key] = sum(p.on_time[i] for p in parts)
    return figures


def add_sums(parts: list[UnitPart]) -> FactSums:
    """The year's sums of filled facts (the store keeps them for the report text)."""
    sums: dict = defaultdict(int)
    for part in parts:
        for k, v in part.sums.items():
            sums[k] += v
    return {k: as_stored(v) for k, v in sums.items()}


def _carried_in_check(year: int, previous: YearTables, carried_in: list[tuple[str, str]]
                      ) -> list[Finding]:
    """Rule 6 at register level: list the applications counted as carried in, so the office
    can see which one is missing or extra."""
    expected = previous.b.get(("carried_out", _TOTAL)) or 0
    if expected == len(carried_in):
        return []
    listed = "：" + "、".join(f"{a}（{u}）" for a, u in carried_in) if carried_in else ""
    return [finding("CS008", year=year, carried_out=statutory.TABLE_B_ROW["carried_out"].label,
                    expected=as_stored(expected), found=len(carried_in), listed=listed)]


def _registered_twice(year: int, parts: list[UnitPart]) -> list[Finding]:
    """An application (same ID, received date and applicant class) in several units'
    registers is counted by each: an error at each of their cells, naming them all (CS009),
    as two files of one unit-quarter are each reported (ID105)."""
    by_key: dict[tuple[str, str, str], list[tuple[str, Registered]]] = defaultdict(list)
    for part in parts:
        for r in part.registered:
            by_key[(r.app_id, r.received, r.applicant_class)].append((part.unit, r))
    out = []
    for (ident, received, cls), places in by_key.items():
        if len(places) < 2:
            continue
        named = "、".join(f"{unit}（{r.file}“{r.sheet}”{r.cell}）" for unit, r in places)
        out += [finding("CS009", unit=unit, file=r.file, sheet=r.sheet, cell=r.cell, year=year,
                        ident=ident, received=received, applicant=_CLASSES.get(cls, cls),
                        count=len(places), places=named)
                for unit, r in places]
    return out


def _in_the_future(year: int, parts: list[UnitPart], today: date) -> list[Finding]:
    """Register dates after today: an error at each cell (CS010). Checked here, not where the
    cell is read, because parses and parts are kept whatever the day."""
    out = []
    for part in parts:
        for x in part.later:
            if date.fromisoformat(x.day) > today:
                out.append(finding("CS010", unit=part.unit, file=x.file, sheet=x.sheet,
                                   cell=x.cell, year=year, what=x.what, ident=x.ident,
                                   column=x.column, value=x.day, today=today.isoformat()))
    return out


def combine(cfg: Config, year: int, parts: list[UnitPart], previous: YearTables | None,
            as_of: date, today: date | None = None
            ) -> tuple[YearTables, FactSums, list[Finding]]:
    """The year's tables and figures from its units' parts, the year's sums of facts, and the
    findings: the year's (missing fourth quarters) before the units' own, then those across
    units and against `today` (the real one unless given), rule 6 at register level last."""
    tables = empty_tables(year, "workbooks")
    for tbl in ("A", "B", "C"):
        cells = tables.table(tbl)
        cells.update(dict.fromkeys(cells, 0))
    findings: list[Finding] = []
    if as_of >= date(year, 12, 31):
        headers = [h for p in parts for h in p.headers]
        findings += _missing_q4(cfg, year, headers, _latest_quarters(headers))
    by_table = {tbl: tables.table(tbl) for tbl in ("A", "B", "C")}
    for part in parts:
        for (tbl, key), v in part.cells.items():
            cells = by_table[tbl]
            cells[key] = as_stored(cells[key] + v)
        # a year the calendar lacks is one finding for the year, not one per unit
        findings += (f for f in part.findings if f.rule != "DL001" or f not in findings)
    findings += _registered_twice(year, parts)
    findings += _in_the_future(year, parts, today or date.today())
    sums = add_sums(parts)
    tables.figures = _figures(sums, parts)
    if previous is not None:
        findings += _carried_in_check(year, previous,
                                      [a for p in parts for a in p.carried_in])
    return tables, sums, findings
