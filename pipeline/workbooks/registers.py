"""The two registers (台账): one row per application or case, read column by column, with the
checks a row must pass."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from pipeline.core import normalize
from pipeline.core.records import Application, Case
from pipeline.core.rules.workbooks import MAX_CONSULT_DAYS, MAX_FEE
from pipeline.workbooks import filenames, layout, scanned
from pipeline.workbooks.layout import Register
from pipeline.workbooks.sheet_reading import (
    _UNUSABLE,
    _Context,
    _formula_value,
    _labels_ok,
    _merged,
    _parse_number,
    _SheetReader,
    register_rows,
)

_MISSING_HINTS = {layout.CHOICE: "请从下拉列表中选择。"}  # a date's hint names the file's year


def _parse_cell(raw, column: layout.Column, lists, year: int | None) -> normalize.Parsed:
    if column.kind == layout.DATE:
        return normalize.parse_date(raw, year)
    if column.kind == layout.OUTCOME:
        return normalize.parse_outcome(raw)
    if column.kind == layout.CHOICE:
        return normalize.parse_choice(raw, lists[column.choices].items)
    if column.kind in (layout.COUNT, layout.AMOUNT):
        return _parse_number(raw, column.kind)
    return normalize.parse_text(raw)


_ERROR_RULE = {layout.DATE: "IN103", layout.CHOICE: "IN104", layout.OUTCOME: "IN104",
               layout.COUNT: "IN102", layout.AMOUNT: "IN102"}


def _read_register(sheets: _SheetReader, register: Register, what: str, ctx: _Context,
                   ) -> Iterator[tuple[dict, dict[str, str], set[str]]]:
    """(values by column key, cell by column key, keys of cells already reported) of each
    usable register row.

    Only non-personal columns are parsed; personal cells are looked at only to tell an empty
    row from a filled one. A bad cell is reported and read as None."""
    sheet = sheets.get(register.sheet)
    if sheet is None or not _labels_ok(sheet, register.header_cells, ctx):
        return
    lists = layout.choice_lists(ctx.cfg)
    id_col = register.columns[0]
    seen: dict[str, int] = {}
    numbered: list[int] = []  # rows holding only a pre-printed sequence number (IN208)
    ranges: set[str] = set()
    start, end = date(ctx.year - 1, 1, 1), filenames.quarter_end(ctx.year, ctx.quarter)
    for row, cells in register_rows(sheet, register):
        addresses = {c.key: f"{letter}{row}" for letter, c in zip(register.letters,
                                                                  register.columns, strict=True)
                     if not c.personal}
        merged = (_merged(sheet, {a: f"{what}的“{register.column(k).label}”"
                                  for k, a in addresses.items()}, ctx, ranges)
                  if sheet.merges_rows((row,)) else set())
        if addresses[id_col.key] in merged:
            continue
        if type(cells[0]) is scanned.Formula:
            cells[0] = _formula_value(cells[0], sheet.name, addresses[id_col.key],
                                      f"{what}的“{id_col.label}”", id_col.kind, ctx)
            if cells[0] is _UNUSABLE:
                continue
        if _sequence_number(cells[0]) and _only_first(cells):
            numbered.append(row)
            continue
        ident = normalize.parse_text(cells[0]).value
        hidden = None
        if ident is not None and not ident.isascii():
            raw = cells[0]
            hidden = normalize.invisible(raw if type(raw) is str else ident)
            ident = normalize.identity(ident) or None
            if ident is None and _only_first(cells):  # nothing visible in the whole row
                continue
        if ident is None:
            ctx.add("IN204", sheet=sheet.name, cell=addresses[id_col.key], column=id_col.label,
                    example=f"{ctx.year}-001")
            continue
        if ident in seen:
            ctx.add("IN205", sheet=sheet.name, cell=addresses[id_col.key], column=id_col.label,
                    ident=ident, first=seen[ident])
            continue
        seen[ident] = row
        if hidden:
            ctx.add("IN207", sheet=sheet.name, cell=addresses[id_col.key], column=id_col.label,
                    ident=ident, chars=normalize.describe_invisible(hidden))
        values: dict[str, object] = {id_col.key: ident}
        errored: set[str] = set()
        for column, raw in zip(register.columns[1:], cells[1:], strict=True):
            if column.personal:
                continue
            cell = addresses[column.key]
            label = f"{what}“{ident}”的“{column.label}”"
            if type(raw) is scanned.Formula and cell not in merged:
                raw = _formula_value(raw, sheet.name, cell, label, column.kind, ctx)
            if cell in merged or raw is _UNUSABLE:
                errored.add(column.key)
                values[column.key] = None
                continue
            parsed = _parse_cell(raw, column, lists, ctx.year)
            values[column.key] = parsed.value
            if parsed.error:
                errored.add(column.key)
                ctx.add(_ERROR_RULE[column.kind], sheet=sheet.name, cell=cell,
                        label=label, detail=parsed.error)
            elif column.kind == layout.DATE and parsed.value and (
                    parsed.value < start
                    or parsed.value > end and column.key not in LATER_DATES):
                errored.add(column.key)
                ctx.add("IN203", sheet=sheet.name, cell=cell, what=what, ident=ident,
                        column=column.label, value=parsed.value.isoformat(),
                        start=start.isoformat(),
                        end="今天" if column.key in LATER_DATES else end.isoformat())
        yield values, addresses, errored
    if numbered:
        ctx.add("IN208", sheet=sheet.name, cell=f"{register.letters[0]}{numbered[0]}",
                count=len(numbered), first=numbered[0], last=numbered[-1],
                column=id_col.label, what=what)


# Register dates that may lie after the quarter's end: an application received in December
# is answered in January, and the fourth quarter's workbook is filled in then. A date after
# today is still wrong: consolidate.combine reports it (CS010), where today is known (a
# parse is cached whatever the day).
LATER_DATES = frozenset({"answered", "correction_sent", "correction_received"})


_SEQUENCE = re.compile(r"[1-9][0-9]{0,3}")


def _sequence_number(raw) -> bool:
    """A plain positive integer below 10,000, as officers number the rows of an empty
    register (1, 2, 3 … typed, or filled down, before anything else)."""
    if type(raw) is float:
        return raw.is_integer() and 1 <= raw < 10_000
    if type(raw) is int:
        return 1 <= raw < 10_000
    return (type(raw) is str
            and _SEQUENCE.fullmatch(normalize.identity(normalize.clean_text(raw))) is not None)


def _only_first(cells: list) -> bool:
    """Nothing but the first cell of a register row is filled."""
    return not any(normalize.clean_text(v) for v in cells[1:])


def _require(values: dict, keys, register: Register, what: str, addresses, errored,
             ctx: _Context) -> None:
    """A blank required cell (one not already reported as wrong) is an error naming it."""
    for key in keys:
        if values.get(key) is None and key not in errored:
            column = register.column(key)
            ctx.add("IN201", sheet=register.sheet, cell=addresses[key], what=what,
                    ident=values[register.columns[0].key], column=column.label,
                    hint=(normalize.hint_date(ctx.year) if column.kind == layout.DATE
                          else _MISSING_HINTS[column.kind]))


# Date pairs that must not run backwards: (earlier, later).
_APPLICATION_ORDER = (("received", "answered"), ("received", "correction_sent"),
                      ("correction_sent", "correction_received"),
                      ("correction_received", "answered"))


APPLICATION_LIMITS = (("consult_days", MAX_CONSULT_DAYS, "IN209"), ("fee", MAX_FEE, "IN210"))


def _check_application(v: dict, addresses, errored, ctx: _Context) -> None:
    reg = layout.APPLICATIONS
    for key, limit, rule in APPLICATION_LIMITS:
        if v.get(key) is not None and v[key] > limit:
            ctx.add(rule, sheet=reg.sheet, cell=addresses[key], ident=v["app_id"],
                    column=reg.column(key).label, value=normalize.clean_text(v[key]))
            v[key] = None
            errored.add(key)
    _require(v, ("received", "applicant_class"), reg, "申请", addresses, errored, ctx)
    for earlier, later in _APPLICATION_ORDER:
        if v.get(earlier) and v.get(later) and v[later] < v[earlier]:
            ctx.add("IN202", sheet=reg.sheet, cell=addresses[later], what="申请",
                    ident=v["app_id"], later=reg.column(later).label,
                    later_value=v[later].isoformat(), earlier=reg.column(earlier).label,
                    earlier_value=v[earlier].isoformat())
    pair = ("answered", "outcome")
    blank = [k for k in pair if v.get(k) is None]
    if len(blank) == 1 and not errored & set(pair):
        (missing,) = blank
        (filled,) = set(pair) - {missing}
        ctx.add("IN206", sheet=reg.sheet, cell=addresses[missing], ident=v["app_id"],
                filled=reg.column(filled).label, missing=reg.column(missing).label)


def _read_applications(sheets: _SheetReader, ctx: _Context) -> list[Application]:
    reg = layout.APPLICATIONS
    out = []
    for v, addresses, errored in _read_register(sheets, reg, "申请", ctx):
        _check_application(v, addresses, errored, ctx)
        out.append(Application(
            ctx.unit, ctx.year, ctx.quarter, v["app_id"], v["received"], v["channel"],
            v["applicant_class"], correction_sent=v["correction_sent"],
            correction_received=v["correction_received"], extended=v["extended"] == layout.YES,
            # a wrong or absurd number of consultation days (reported) leaves it unknown
            consult_days=None if "consult_days" in errored else v["consult_days"] or 0,
            answered=v["answered"], outcome=v["outcome"],
            fee=v["fee"] or 0.0, source=ctx.source(reg.sheet, addresses["app_id"]),
            cells=addresses))
    return out


def _read_cases(sheets: _SheetReader, ctx: _Context) -> list[Case]:
    reg = layout.CASES
    out = []
    for v, addresses, errored in _read_register(sheets, reg, "案件", ctx):
        _require(v, ("kind", "received"), reg, "案件", addresses, errored, ctx)
        out.append(Case(ctx.unit, ctx.year, ctx.quarter, v["case_id"], v["kind"], v["received"],
                        v["result"], source=ctx.source(reg.sheet, addresses["case_id"])))
    return out
