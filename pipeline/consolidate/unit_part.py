"""One unit's part of a year: its quarterly records added up into table cells, with the cell
every number came from. Flows add up over quarters; stocks are read at the year's end; table
three comes from the application register, table four from the case register."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from pipeline.core import statutory
from pipeline.core.cell_names import TABLE_HEADINGS
from pipeline.core.findings import Finding
from pipeline.core.numbers import as_stored
from pipeline.core.records import Application, Case, Fact, Header, Lineage, Source
from pipeline.review.deadlines import assess_register, at_row
from pipeline.workbooks import layout, reading
from pipeline.workbooks.reading import FileResult

_OUTCOMES = frozenset(r.key for r in statutory.OUTCOME_ROWS)


_CLASSES = statutory.APPLICANT_CLASS_LABELS


_GROUPS = dict(statutory.TABLE_C_GROUPS)


_RESULTS = dict(statutory.CASE_RESULTS)


_TOTAL = statutory.TOTAL[0]


_STOCK_LABEL = statutory.table_a_column_label(*sorted(statutory.STOCK_CELLS)[0])


def _src(source: Source | None) -> tuple[str | None, str | None, str | None]:
    return (source.file, source.sheet, source.cell) if source else (None, None, None)


class _Tally:
    """Adds values into table cells (one unit's sums) and keeps one lineage row per
    contribution."""

    def __init__(self, year: int):
        self.year = year
        self.cells: dict[tuple[str, tuple[str, str]], int | float] = {}
        self.lineage: list[Lineage] = []

    def add(self, tbl: str, key: tuple[str, str], value, unit: str, quarter: int,
            where: tuple[str | None, str | None, str | None]) -> None:
        """`where`: the file, sheet and cell the value came from."""
        cell = (tbl, key)
        self.cells[cell] = as_stored(self.cells.get(cell, 0) + (value or 0))
        self.lineage.append(Lineage(self.year, tbl, key[0], key[1], unit, quarter, *where,
                                    value))


def _table_a(tally: _Tally, facts: list[Fact]) -> None:
    """Flows add up; a stock is the unit's latest stated one (a quarter declared empty leaves
    it blank: unchanged), or its latest quarter's when it never stated one."""
    cells = frozenset(statutory.TABLE_A_CELLS)
    stocks: dict[tuple[str, tuple[str, str]], Fact] = {}
    for f in facts:
        key = (f.key, f.dim)
        if f.topic != "article20" or key not in cells:
            continue
        if key in statutory.STOCK_CELLS:
            best = stocks.get((f.unit, key))
            if best is None or (f.value is not None, f.quarter) > (best.value is not None,
                                                                   best.quarter):
                stocks[(f.unit, key)] = f
            continue
        tally.add("A", key, f.value, f.unit, f.quarter, (f.file, f.sheet, f.cell))
    for f in stocks.values():
        tally.add("A", (f.key, f.dim), f.value, f.unit, f.quarter, (f.file, f.sheet, f.cell))


_FIELD_LABELS = {"received": "收到日期", "applicant_class": "申请人类型", "kind": "案件类型"}


def _shown(field: str, value) -> str:
    if field == "applicant_class":
        return _CLASSES.get(value, str(value))
    if field == "kind":
        return _GROUPS.get(value, str(value))
    return str(value)


def _where_field(rec, field: str) -> tuple[str, str, str]:
    file, sheet, cell = _src(rec.source)
    cell = getattr(rec, "cells", {}).get(field, cell)
    return file or "", sheet or "", cell or ""


def collapse(rows: list, ident: str, fixed: tuple[str, ...], what: str
             ) -> tuple[list, list[Finding]]:
    """Rows of one register listed again quarter after quarter: the latest quarter's row wins.

    Fields in `fixed` cannot change once registered: differing values are an error naming both
    cells, and a value left blank in the latest row is taken from an earlier one.
    """
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for rec in sorted(rows, key=lambda r: r.quarter):
        groups[(rec.unit, getattr(rec, ident))].append(rec)
    out, findings = [], []
    for recs in groups.values():
        latest = recs[-1]
        for name in fixed:
            known = [r for r in recs if getattr(r, name) is not None]
            if not known:
                continue
            last = known[-1]
            for r in known[:-1]:
                if getattr(r, name) != getattr(last, name):
                    fa, sa, ca = _where_field(r, name)
                    fb, sb, cb = _where_field(last, name)
                    findings.append(at_row(
                        "CS002", last, what=what, ident=getattr(last, ident),
                        field=_FIELD_LABELS[name], file_a=fa, sheet_a=sa, cell_a=ca,
                        value_a=_shown(name, getattr(r, name)), file_b=fb, sheet_b=sb,
                        cell_b=cb, value_b=_shown(name, getattr(last, name))))
                    break
            if getattr(latest, name) is None:
                latest = replace(latest, **{name: getattr(last, name)})
        out.append(latest)
    return out, findings


def _unusable(app: Application, year: int) -> str | None:
    """Why an application cannot be placed in table B, or None."""
    missing = [_FIELD_LABELS[field] for field, bad in (
        ("received", app.received is None),
        ("applicant_class", app.applicant_class not in _CLASSES)) if bad]
    if missing:
        return f"缺少{'、'.join(missing)}"
    if app.received.year > year:
        return f"的收到日期 {app.received} 晚于{year}年"
    return None


def _table_b(tally: _Tally, apps: list[Application], year: int
             ) -> tuple[list[Application], list[Application], list[Finding]]:
    """Count each application once on entry (new or carried in) and once on exit (a result or
    carried out). Returns the applications closed this year, those carried in, and findings.
    """
    table = TABLE_HEADINGS["B"]
    carried_out = statutory.TABLE_B_ROW["carried_out"].label
    closed, carried_in, out = [], [], []
    for app in apps:
        problem = _unusable(app, year)
        if problem:
            out.append(at_row("CS003", app, ident=app.app_id, problem=problem, table=table))
            continue
        if app.answered is not None and app.answered.year < year:
            out.append(at_row("CS005", app, ident=app.app_id, value=app.answered,
                                this_year=year, table=table))
            continue
        outcome = app.outcome if app.outcome in _OUTCOMES else None
        if (app.answered is None) != (outcome is None):
            problem = ("已填答复日期，但未选或选错办理结果" if outcome is None
                       else "已选办理结果，但未填答复日期")
            out.append(at_row("CS004", app, ident=app.app_id, problem=problem,
                                carried_out=carried_out, table=table))
        is_closed = outcome is not None and app.answered is not None and app.answered.year == year
        entry = "new" if app.received.year == year else "carried_in"
        rows = (entry, outcome, "results_total") if is_closed else (entry, "carried_out")
        for row in rows:
            for col in (app.applicant_class, _TOTAL):
                tally.add("B", (row, col), 1, app.unit, app.quarter, _src(app.source))
        if is_closed:
            closed.append(app)
        if entry == "carried_in":
            carried_in.append(app)
    return closed, carried_in, out


def _table_c(tally: _Tally, cases: list[Case]) -> list[Finding]:
    table = TABLE_HEADINGS["C"]
    out = []
    for case in cases:
        if case.kind not in _GROUPS:
            out.append(at_row("CS006", case, ident=case.case_id,
                                choices="、".join(f"“{v}”" for v in _GROUPS.values()),
                                table=table))
            continue
        result = case.result
        if result not in _RESULTS:
            result = "pending"
            out.append(at_row("CS007", case, ident=case.case_id, pending=_RESULTS[result],
                                table=table))
        for col in (result, _TOTAL):
            tally.add("C", (case.kind, col), 1, case.unit, case.quarter, _src(case.source))
    return out


# The sums of facts the figures and the report text use: (topic, key, dim) -> the sum of the
# filled values (a key is there only when at least one value was filled). Items per channel
# are summed over all categories (key ""); table A facts go to the tables, not here.
FactSums = dict[tuple[str, str, str], "int | float"]


_SUMMED_TOPICS = frozenset({"disclosure", "interpretation", "supervision"})


def fact_sums(facts: list[Fact]) -> FactSums:
    sums: FactSums = {}
    for f in facts:
        if f.value is not None and f.topic in _SUMMED_TOPICS:
            k = (f.topic, "" if f.topic == "disclosure" and f.dim else f.key, f.dim)
            sums[k] = as_stored(sums.get(k, 0) + f.value)
    return sums


class Registered(NamedTuple):
    """An application as a unit registered it, for the check across units (CS009)."""

    app_id: str
    received: str  # ISO date
    applicant_class: str
    file: str
    sheet: str
    cell: str


class Later(NamedTuple):
    """A register cell whose date lies after the day the year is judged on (a fourth
    quarter's application answered in January; or a date in the future, CS010)."""

    day: str  # ISO date
    what: str
    ident: str
    column: str
    file: str
    sheet: str
    cell: str


@dataclass
class UnitPart:
    """What one unit's records of a year add to the year. Every rule of consolidation looks at
    one unit's records at a time, so after one workbook changed only its unit is worked out
    again; the year is the sum of its units' parts (see combine).

    The summary (headers to findings, registered and later) is kept between runs; lineage,
    register and cases are written to the store once and not kept."""

    unit: str
    headers: list[Header]
    cells: dict[tuple[str, tuple[str, str]], int | float]  # (table, cell) -> the unit's sum
    sums: FactSums
    fee: int | float                  # fees of the applications closed this year
    on_time: tuple[int, int, int]     # of those: answered on time, late, not known
    carried_in: list[tuple[str, str]]  # (application ID, unit) counted as carried in
    findings: list[Finding]
    lineage: list[Lineage] = field(default_factory=list)
    register: list[tuple[Application, int | None, bool | None]] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    # Kept between runs, for the checks across units and against today (see combine):
    registered: list[Registered] = field(default_factory=list)
    later: list[Later] = field(default_factory=list)


def consolidate_unit(year: int, unit: str, headers: list[Header], facts: list[Fact],
                     applications: list[Application], cases: list[Case], as_of: date
                     ) -> UnitPart:
    """One unit's part of the year, from its accepted records of that year."""
    tally = _Tally(year)
    findings: list[Finding] = []
    _table_a(tally, facts)

    later = _later(applications, cases, as_of)
    apps, found = collapse(applications, "app_id", ("received", "applicant_class"), "申请")
    findings += found
    if later:
        apps = [_as_of_view(a, as_of) for a in apps]
    register, found = assess_register(apps, as_of)
    findings += found
    closed, carried_in, found = _table_b(tally, apps, year)
    findings += found

    case_rows, found = collapse(cases, "case_id", ("kind",), "案件")
    findings += found
    findings += _table_c(tally, case_rows)

    on_time = {(a.unit, a.app_id): ok for a, _, ok in register}
    flags = [on_time[(a.unit, a.app_id)] for a in closed]
    return UnitPart(unit, headers, tally.cells, fact_sums(facts),
                    as_stored(sum(a.fee for a in closed)),
                    (flags.count(True), flags.count(False), flags.count(None)),
                    [(a.app_id, a.unit) for a in carried_in], findings,
                    tally.lineage, register, case_rows, registered=_registered(apps),
                    later=later)


_LATER_FIELDS = {"received": "收到日期", "correction_sent": "补正通知日期",
                 "correction_received": "补正后收到日期", "answered": "答复日期"}


def _later(applications: list[Application], cases: list[Case], as_of: date) -> list[Later]:
    """Every register cell dated after `as_of`, in the order of the records."""
    out = []
    for what, fields, records in (("申请", _LATER_FIELDS, applications),
                                  ("案件", {"received": "收到日期"}, cases)):
        for rec in records:
            for name, label in fields.items():
                day = getattr(rec, name)
                if day is not None and day > as_of:
                    file, sheet, cell = _where_field(rec, name)
                    if what == "案件":  # a case keeps the cell of its ID: same row
                        cell = layout.CASES.letter(name) + cell.lstrip(_LETTERS)
                    out.append(Later(day.isoformat(), what, getattr(rec, _IDENT[what]), label,
                                     file, sheet, cell))
    return out


_IDENT = {"申请": "app_id", "案件": "case_id"}


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _as_of_view(app: Application, as_of: date) -> Application:
    """The application as it stood on `as_of`: what is dated after it had not happened yet
    (an answer in January leaves it open on 31 December; a date in the future is an error,
    CS010, and not used). Its received date is kept: the tables need it."""
    gone = {name: None for name in ("correction_sent", "correction_received", "answered")
            if getattr(app, name) is not None and getattr(app, name) > as_of}
    if "answered" in gone:
        gone["outcome"] = None
    return replace(app, **gone) if gone else app


def _registered(apps: list[Application]) -> list[Registered]:
    out = []
    for a in apps:
        if a.received is not None and a.applicant_class is not None:
            file, sheet, cell = _where_field(a, "app_id")
            out.append(Registered(a.app_id, a.received.isoformat(), a.applicant_class, file,
                                  sheet, cell))
    return out


def year_as_of(year: int) -> date:
    """The day a year's open applications are judged on: 31 December, or today while the year
    runs."""
    return min(date(year, 12, 31), date.today())


def part_from_files(year: int, unit: str, results: Sequence[FileResult], as_of: date
                    ) -> UnitPart:
    """A unit's part of the year from the reading of its files (a unit-quarter with two files
    keeps neither, see reading.reject_duplicates)."""
    reading.reject_duplicates(results)
    accepted = [r for r in results if r.accepted]
    return consolidate_unit(
        year, unit, [r.header for r in accepted], [f for r in accepted for f in r.facts],
        [a for r in accepted for a in r.applications], [c for r in accepted for c in r.cases],
        as_of)
