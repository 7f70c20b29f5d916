"""Reading the quarter workbooks into records, with the cell every value came from.

Files are read with python-calamine (.xlsx, .xls, .ods) and never written. Bad input never
raises: every problem becomes a finding naming the file, sheet and cell, and the other files
are still read. Personal columns of the application register are never read into records.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook, PasswordError

from pipeline.core import normalize, statutory
from pipeline.core.config import Config
from pipeline.core.findings import Finding, finding
from pipeline.core.records import Application, Case, Fact, Header
from pipeline.core.rules.workbooks import GRID_COUNT_IMPOSSIBLE, GRID_COUNT_LARGE
from pipeline.workbooks import filenames, layout, safety, scanned
from pipeline.workbooks.folders import relative_name
from pipeline.workbooks.identity import _identity_ok, _read_confirmation, _read_header, _touched
from pipeline.workbooks.layout import Grid
from pipeline.workbooks.registers import _read_applications, _read_cases
from pipeline.workbooks.sheet_reading import (
    _INTERRUPTS,
    _OPEN_ERRORS,
    _UNUSABLE,
    _Context,
    _formula_value,
    _labels_ok,
    _merged,
    _parse_number,
    _SheetReader,
    open_workbook,
)


@dataclass
class FileResult:
    """One workbook: its header as written inside (if readable), whether its identity was
    accepted, and the records and findings read from it (no records unless accepted)."""

    file: str
    header: Header | None = None
    accepted: bool = False
    facts: list[Fact] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def ingest_file(cfg: Config, workbooks_dir: str | Path, path: str | Path) -> FileResult:
    """Read one quarter's workbook (path as given, like open()); every problem becomes a
    finding, nothing is raised."""
    path = Path(path)
    ctx = _Context(cfg, relative_name(workbooks_dir, path))
    named = filenames.parse_quarter_path(ctx.file)
    if named:
        ctx.year, ctx.quarter, ctx.unit = named
    result = FileResult(ctx.file, findings=ctx.findings)
    scan = safety.scan_file(path)  # before any parser: size, format, bombs, formulas
    for problem in scan.problems:
        ctx.add(problem.rule, **problem.fields)
    if scan.refused:
        return result
    try:
        with open_workbook(path, scan) as workbook:
            _read_workbook(workbook, named, ctx, result, scan)
    except BaseException as exc:  # noqa: B036 - an unreadable file is a finding, never a crash
        if isinstance(exc, _INTERRUPTS):
            raise
        result.accepted = False
        result.facts, result.applications, result.cases = [], [], []
        if isinstance(exc, PasswordError):
            ctx.add("IN005")
        else:
            ctx.add("IN001", reason=_OPEN_ERRORS.get(type(exc).__name__, type(exc).__name__))
    return result


def _read_workbook(workbook: CalamineWorkbook, named, ctx: _Context, result: FileResult,
                   scan: scanned.Scan) -> None:
    sheets = _SheetReader(workbook, ctx, scan)
    result.header = _read_header(sheets, ctx)
    unit = None if result.header is None else _identity_ok(result.header, named, ctx)
    if unit is None:
        return
    if unit != result.header.unit:  # written another way (full-width, compatibility forms)
        result.header = dataclasses.replace(result.header, unit=unit)
    result.accepted = True
    ctx.unit, ctx.year, ctx.quarter = (result.header.unit, result.header.year,
                                       result.header.quarter)
    confirmation = _read_confirmation(sheets.get(layout.SHEET_HEADER), ctx)
    ctx.declaration = confirmation["declaration"]
    for name, cell, hidden in safety.extra_sheets_with_data(workbook, layout.SHEETS,
                                                            scan.oversized):
        ctx.add("IN011" if hidden else "IN017", sheet=name, cell=cell, name=name, at=cell)
    for grid in layout.grids(ctx.cfg):
        result.facts += _read_grid(sheets, grid, ctx)
    _check_channels(result.facts, layout.disclosure_grid(ctx.cfg), ctx)
    result.applications = _read_applications(sheets, ctx)
    result.cases = _read_cases(sheets, ctx)
    touched = _touched(sheets, ctx.cfg)
    if not touched:  # an untouched template is 未填 as a whole, not a list of blank cells
        ctx.findings[:] = [f for f in ctx.findings if f.rule != "IN101"]
    if ctx.declaration == layout.NOTHING:
        _contradictions(result, ctx)
    result.header = dataclasses.replace(result.header, touched=touched, officer=confirmation["officer"],
                            officer_phone=confirmation["phone"], confirmed_on=confirmation["date"],
                            declaration=ctx.declaration)


def _read_grid(sheets: _SheetReader, grid: Grid, ctx: _Context) -> list[Fact]:
    sheet = sheets.get(grid.sheet)
    if sheet is None or not _labels_ok(sheet, grid.labels, ctx):
        return []
    merged = (_merged(sheet, {inp.cell: inp.label for inp in grid.inputs}, ctx)
              if sheet.merges_rows(grid.input_rows) else set())
    facts = []
    unit, year, quarter, file = ctx.unit, ctx.year, ctx.quarter, ctx.file
    formula = scanned.Formula
    for inp, raw in zip(grid.inputs, sheet.values(grid.input_positions), strict=True):
        if inp.cell in merged:
            continue
        # a number, the common case, is never a formula: one type test, no call
        if type(raw) is formula:
            raw = _formula_value(raw, grid.sheet, inp.cell, inp.label, inp.kind, ctx)
            if raw is _UNUSABLE:
                continue
        parsed = _parse_number(raw, inp.kind)
        if parsed.error:
            ctx.add("IN102", sheet=grid.sheet, cell=inp.cell, label=inp.label, detail=parsed.error)
            continue
        value = parsed.value
        if parsed.blank:
            value = _blank(raw, grid.sheet, inp, ctx)
        elif parsed.value > GRID_COUNT_LARGE and inp.kind == layout.COUNT and _too_large_count(
                parsed.value, grid.sheet, inp, ctx):
            continue
        # tuple.__new__ skips the NamedTuple's Python-level __new__ (~0.1 µs a fact)
        facts.append(tuple.__new__(Fact, (unit, year, quarter, inp.topic, inp.key, inp.dim,
                                          value, file, grid.sheet, inp.cell)))
    return facts


def _blank(raw, sheet: str, inp: layout.InputCell, ctx: _Context) -> int | None:
    """What a blank input cell means, as its officer declared: in a quarter declared empty a
    flow is 0 and a stock is unchanged (None: the latest stated stock counts); in a return
    declared complete it is an error (IN108); otherwise a note that it is not filled yet."""
    if ctx.declaration == layout.NOTHING:
        stock = inp.topic == "article20" and (inp.key, inp.dim) in statutory.STOCK_CELLS
        return None if stock else 0
    text = normalize.clean_text(raw)
    what = f"“{text}”" if text else "空白"
    if ctx.declaration == layout.DONE:
        declarations = dict(layout.DECLARATIONS)
        ctx.add("IN108", sheet=sheet, cell=inp.cell, label=inp.label, what=what,
                done=declarations[layout.DONE], filling=declarations[layout.FILLING])
    else:
        ctx.add("IN101", sheet=sheet, cell=inp.cell, label=inp.label, what=what)
    return None


def _too_large_count(value: int, sheet: str, inp, ctx: _Context) -> bool:
    """A count above GRID_COUNT_LARGE is reported; True when it is impossible (not read)."""
    impossible = value > GRID_COUNT_IMPOSSIBLE
    ctx.add("IN304" if impossible else "IN303", sheet=sheet, cell=inp.cell, label=inp.label,
            value=value)
    return impossible


def _check_channels(facts: list[Fact], grid: Grid, ctx: _Context) -> None:
    """Per category: no channel above the distinct count, and the channels cover it."""
    by_key: dict[tuple[str, str], Fact] = {(f.key, f.dim): f for f in facts
                                           if f.topic == "disclosure"}
    for category in ctx.cfg.categories:
        distinct = by_key.get((category, ""))
        channels = [by_key.get((category, ch)) for ch in ctx.cfg.channels]
        if distinct is None or distinct.value is None or any(
                f is None or f.value is None for f in channels):
            continue
        for f in channels:
            if f.value > distinct.value:
                ctx.add("IN301", sheet=grid.sheet, cell=f.cell, category=category,
                        channel=f.dim, count=f.value, distinct=distinct.value)
        total = sum(f.value for f in channels)
        if total < distinct.value:
            ctx.add("IN302", sheet=grid.sheet, cell=distinct.cell, category=category,
                    total=total, distinct=distinct.value)


def reject_duplicates(results: Sequence[FileResult]) -> None:
    """A unit-quarter with two files keeps neither (ID105 on each)."""
    by_identity: dict[tuple[str, int, int], list[FileResult]] = {}
    for r in results:
        if r.header is not None:
            by_identity.setdefault((r.header.unit, r.header.year, r.header.quarter), []).append(r)
    for (unit, y, q), group in by_identity.items():
        if len(group) > 1:
            files = "、".join(r.file for r in group)
            for r in group:
                r.accepted = False
                r.findings.append(finding("ID105", unit=unit, file=r.file, year=y, name=unit,
                                          file_year=y, file_quarter=q, count=len(group),
                                          files=files))


def _contradictions(result: FileResult, ctx: _Context) -> None:
    """A quarter declared empty (本季度无新增事项) holds no event: no number typed into a flow
    cell, no application or case received in the quarter (ST004, once per sheet)."""
    declarations = dict(layout.DECLARATIONS)
    words = {"nothing": declarations[layout.NOTHING], "done": declarations[layout.DONE]}
    typed: dict[str, list[Fact]] = {}
    for f in result.facts:
        if f.value and not (f.topic == "article20" and (f.key, f.dim) in statutory.STOCK_CELLS):
            typed.setdefault(f.sheet, []).append(f)
    for sheet, facts in typed.items():
        cells = "、".join(f.cell for f in facts[:3]) + ("等" if len(facts) > 3 else "")
        ctx.add("ST004", sheet=sheet, cell=facts[0].cell,
                what=f"工作表“{sheet}”的 {cells} {len(facts)} 个单元格填有数字", **words)
    start = filenames.quarter_start(ctx.year, ctx.quarter)
    for what, records in (("申请", result.applications), ("案件", result.cases)):
        new = [r for r in records if r.received and start <= r.received]
        if new:
            r = new[0]
            ident = getattr(r, "app_id", None) or getattr(r, "case_id", "")
            ctx.add("ST004", sheet=r.source.sheet, cell=r.source.cell,
                    what=f"台账中登记了本季度收到的{what}“{ident}”等 {len(new)} 件", **words)


def owner(result: FileResult) -> str:
    """The unit a file belongs to: the one its header names; else the one its name names;
    else "" (files that cannot be placed)."""
    if result.header is not None:
        return result.header.unit
    named = filenames.parse_quarter_path(result.file)
    return named[2] if named else ""
