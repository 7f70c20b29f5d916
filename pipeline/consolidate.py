"""From the units' quarterly records to one year's tables, figures and lineage.

Flows add up over quarters and units; stocks (documents in force) are read at the year's end;
table B comes from the application register, table C from the case register. A blank input
counts as 0 here (ingestion already said it was blank). Every table cell ends up a number, and
every number can be traced back to the workbook cells it came from.

A register row the tables cannot use as typed (a missing date or class, answer without outcome)
gets a note saying how it was counted; the error itself is reported where the cell is read
(ingestion), so one mistake is not counted as two errors.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from pipeline import layout, statutory
from pipeline.config import Config
from pipeline.deadlines import assess_register, at_row
from pipeline.findings import Finding, define, finding
from pipeline.history import TABLE_HEADINGS
from pipeline.model import YearTables, empty_tables
from pipeline.records import SUPERVISION_KEYS, Application, Case, Fact, Header, Source
from pipeline.store import Lineage

QUARTERS = (1, 2, 3, 4)

define("CS001", "warning", "缺少第4季度报表",
       "{who}没有{this_year}年第4季度报表，“{stock}”{taken}。年度汇总须以第4季度末为准，"
       "请补交第4季度报表后重新运行。")
define("CS002", "error", "台账中不应改变的内容前后不一致",
       "{what}{ident}的{field}前后不一致：{file_a}“{sheet_a}”{cell_a}为“{value_a}”，"
       "{file_b}“{sheet_b}”{cell_b}为“{value_b}”。{field}登记后不会改变，请改正填错的一处"
       "（暂按最新季度计入）。")
define("CS003", "note", "申请无法计入表格",
       "申请 {ident} {problem}，未计入{table}。改正台账后重新运行即可计入。")
define("CS004", "note", "申请暂按未办结计入",
       "申请 {ident} {problem}，暂按“{carried_out}”计入{table}。补填后重新运行。")
define("CS005", "error", "上年已办结的申请列入了本年台账",
       "申请 {ident} 的答复日期为 {value}，早于{this_year}年，上年已办结的申请不应列入本年台账，"
       "未计入{table}。请核对答复日期；日期无误的，请从本年台账中删去这一行。")
define("CS006", "note", "案件无法计入表格",
       "案件 {ident} 未填写或填错了案件类型（应为{choices}之一），未计入{table}。"
       "改正台账后重新运行即可计入。")
define("CS007", "warning", "案件未填写结果",
       "案件 {ident} 未填写结果，按“{pending}”计入{table}。已审结的请填写结果。")
define("CS008", "note", "上年结转的申请与本年台账对不上",
       "上年“{carried_out}”共{expected}件，本年台账中上年收到的申请共{found}件{listed}。"
       "上年未办结的申请应沿用原编号和收到日期列入本年第1季度台账；请补列缺少的申请，"
       "或核对上年的报告。")

define("CS009", "error", "同一申请登记在几个单位的台账中",
       "申请 {ident}（收到日期 {received}，申请人类型“{applicant}”）同时登记在{count}个单位的台账中："
       "{places}，在表二中被计算了{count}次。同一件申请只由办理它的单位登记：请从没有办理它的单位的"
       "台账中删去这一行（各季度的台账都要删去）；如果是不同的申请，请给它们改用不同的编号。")
define("CS010", "error", "台账日期晚于今天",
       "{what} {ident} 的{column}为 {value}，晚于今天（{today}）。请核对年、月是否写错；"
       "尚未发生的事项不要预先登记。第4季度收到、次年1月答复的申请，答复日期照实填写即可。")


@dataclass
class Consolidation:
    tables: YearTables
    lineage: list[Lineage]
    applications: list[tuple[Application, int | None, bool | None]]
    cases: list[Case]
    findings: list[Finding]


_OUTCOMES = frozenset(r.key for r in statutory.OUTCOME_ROWS)
_CLASSES = statutory.APPLICANT_CLASS_LABELS
_GROUPS = dict(statutory.TABLE_C_GROUPS)
_RESULTS = dict(statutory.CASE_RESULTS)
_TOTAL = statutory.TOTAL[0]
_STOCK_LABEL = statutory.table_a_column_label(*sorted(statutory.STOCK_CELLS)[0])


def _number(v):
    """Sums of integral floats are shown as integers; amounts are rounded off float noise."""
    if type(v) is int:  # a count: nothing to round (~100 calls a workbook)
        return v
    v = round(v, 6)
    return int(v) if float(v).is_integer() else v


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
        self.cells[cell] = _number(self.cells.get(cell, 0) + (value or 0))
        self.lineage.append(Lineage(self.year, tbl, key[0], key[1], unit, quarter, *where,
                                    value))


# --- Table A -----------------------------------------------------------------------------------

def _latest_quarters(headers: list[Header]) -> dict[str, int]:
    latest: dict[str, int] = {}
    for h in headers:
        latest[h.unit] = max(latest.get(h.unit, 0), h.quarter)
    return latest


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


# --- Registers ---------------------------------------------------------------------------------

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


# --- One unit ----------------------------------------------------------------------------------

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
            sums[k] = _number(sums.get(k, 0) + f.value)
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
                    _number(sum(a.fee for a in closed)),
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


# --- The year ----------------------------------------------------------------------------------

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
    figures = {k: _number(totals[k]) for k in ("items_published", "interpretations",
                                                 *SUPERVISION_KEYS)}
    figures["categories_published"] = sum(1 for v in per_category.values() if v > 0)
    figures["fee_charged_yuan"] = _number(sum(p.fee for p in parts))
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
    return {k: _number(v) for k, v in sums.items()}


def _carried_in_check(year: int, previous: YearTables, carried_in: list[tuple[str, str]]
                      ) -> list[Finding]:
    """Rule 6 at register level: list the applications counted as carried in, so the office
    can see which one is missing or extra."""
    expected = previous.b.get(("carried_out", _TOTAL)) or 0
    if expected == len(carried_in):
        return []
    listed = "：" + "、".join(f"{a}（{u}）" for a, u in carried_in) if carried_in else ""
    return [finding("CS008", year=year, carried_out=statutory.TABLE_B_ROW["carried_out"].label,
                    expected=_number(expected), found=len(carried_in), listed=listed)]


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
            cells[key] = _number(cells[key] + v)
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


def year_as_of(year: int) -> date:
    """The day a year's open applications are judged on: 31 December, or today while the year
    runs."""
    return min(date(year, 12, 31), date.today())


