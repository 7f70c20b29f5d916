"""A workbook's identity (基本信息) and its officer's confirmation (填报确认): whether it
belongs where it lies, who vouched for it, and whether anyone has typed into it."""

from __future__ import annotations

import functools

from pipeline.core import normalize
from pipeline.core.config import Config
from pipeline.core.records import Header
from pipeline.workbooks import filenames, layout, scanned
from pipeline.workbooks.registers import _ERROR_RULE, _parse_cell
from pipeline.workbooks.sheet_reading import (
    _UNUSABLE,
    Sheet,
    _Context,
    _formula_value,
    _labels_ok,
    _SheetReader,
    register_rows,
)

_PHONE_DIGITS = range(7, 21)


def _read_confirmation(sheet: Sheet | None, ctx: _Context) -> dict[str, object]:
    """The 填报确认 block of the header sheet: officer, phone, date and declaration (each None
    when blank or wrong). A confirming declaration needs the other three."""
    values: dict[str, object] = dict.fromkeys(c.key for c in layout.CONFIRM_FIELDS)
    if sheet is None or not _labels_ok(sheet, layout.CONFIRM_LABEL_CELLS.items(), ctx):
        return values
    lists = layout.choice_lists(ctx.cfg)
    errored: set[str] = set()
    for column in layout.CONFIRM_FIELDS:
        cell = layout.CONFIRM_CELLS[column.key]
        raw = sheet.cell(cell)
        label = f"“{column.label}”"
        if type(raw) is scanned.Formula:
            raw = _formula_value(raw, sheet.name, cell, label, column.kind, ctx)
            if raw is _UNUSABLE:
                errored.add(column.key)
                continue
        parsed = _parse_cell(raw, column, lists, ctx.year)
        if parsed.error:
            errored.add(column.key)
            ctx.add(_ERROR_RULE[column.kind], sheet=sheet.name, cell=cell, label=label,
                    detail=parsed.error)
        else:
            values[column.key] = parsed.value
    declaration = values["declaration"]
    if declaration not in layout.CONFIRMING:
        return values
    declarations = dict(layout.DECLARATIONS)
    for column in layout.CONFIRM_FIELDS[:3]:
        if values[column.key] is None and column.key not in errored:
            ctx.add("ST001", sheet=sheet.name, cell=layout.CONFIRM_CELLS[column.key],
                    choice=declarations[declaration], field=column.label,
                    filling=declarations[layout.FILLING])
    phone = values["phone"]
    if phone is not None and sum(ch.isdigit() for ch in str(phone)) not in _PHONE_DIGITS:
        ctx.add("ST002", sheet=sheet.name, cell=layout.CONFIRM_CELLS["phone"])
        values["phone"] = None
    day = values["date"]
    start = filenames.quarter_start(ctx.year, ctx.quarter)
    end = filenames.quarter_end(ctx.year + 1, ctx.quarter)
    if day is not None and not start <= day <= end:
        ctx.add("ST003", sheet=sheet.name, cell=layout.CONFIRM_CELLS["date"],
                value=day.isoformat(), start=start.isoformat(), end=end.isoformat())
        values["date"] = None
    return values


def _touched(sheets: _SheetReader, cfg: Config) -> bool:
    """Whether any input differs from the template as issued (its fingerprint on the hidden
    lists sheet); a workbook whose inputs cannot all be read counts as touched."""
    lists = sheets.peek(layout.SHEET_LISTS)
    header = sheets.peek(layout.SHEET_HEADER)
    stored = normalize.clean_text(lists.cell(layout.FINGERPRINT_CELL)) if lists else ""
    grids = [sheets.peek(g.sheet) for g in layout.grids(cfg)]
    registers = [sheets.peek(r.sheet) for r in layout.REGISTERS]
    if not stored or header is None or None in grids or None in registers:
        return True
    grid_values = [v for g, sheet in zip(layout.grids(cfg), grids, strict=True)
                   for v in sheet.values(g.input_positions)]
    rows = [list(register_rows(sheet, reg))
            for reg, sheet in zip(layout.REGISTERS, registers, strict=True)]
    confirmation = [header.cell(c) for c in layout.CONFIRM_CELLS.values()]
    return layout.fingerprint(grid_values, rows, confirmation) != stored




def _read_header(sheets: _SheetReader, ctx: _Context) -> Header | None:
    sheet = sheets.get(layout.SHEET_HEADER)
    if sheet is None or not _labels_ok(sheet, layout.HEADER_LABEL_CELLS.items(), ctx):
        return None
    labels = dict(layout.HEADER_FIELDS)
    values = {}
    for key, cell in layout.HEADER_CELLS.items():
        raw = sheet.cell(cell)
        parsed = (normalize.parse_count(raw) if key in ("year", "quarter")
                  else normalize.parse_text(raw))
        if not parsed.ok or (key == "quarter" and parsed.value not in (1, 2, 3, 4)):
            ctx.add("ID106", sheet=sheet.name, cell=cell, label=labels[key],
                    value=normalize.shown(raw) or "空白")
            return None
        values[key] = parsed.value
    return Header(values["unit"], values["year"], values["quarter"], values["version"], ctx.file)


def _expected_path(header: Header) -> str:
    """Where the header says the file belongs (worked out only for a finding: ~6 µs)."""
    return f"workbooks/{filenames.quarter_path('', header.year, header.quarter, header.unit).as_posix()}"


@functools.cache
def _units_by_identity(units: tuple[str, ...]) -> dict[str, str]:
    """normalize.identity of each configured unit name -> the name as configured."""
    return {normalize.identity(u): u for u in units}


def configured_unit(cfg: Config, name: str) -> str | None:
    """The configured unit a header's name means (full-width or compatibility forms allowed),
    None when it is none of them or holds an invisible character."""
    if name in cfg.units:
        return name
    if normalize.invisible(name):
        return None
    return _units_by_identity(cfg.units).get(normalize.identity(name))


def _identity_ok(header: Header, named: tuple[int, int, str] | None, ctx: _Context
                 ) -> str | None:
    """The unit, as the configuration spells it, when the header's unit/year/quarter agree
    with the file's place and name, the unit is known and the template version is
    supported; else None. Names are compared in normalize.identity form (full-width and
    compatibility forms); one holding an invisible character is refused, naming it."""
    sheet = layout.SHEET_HEADER
    cells = layout.HEADER_CELLS
    if header.version not in layout.SUPPORTED_VERSIONS:
        ctx.add("ID104", sheet=sheet, cell=cells["version"], version=header.version,
                supported="、".join(layout.SUPPORTED_VERSIONS), file_year=header.year,
                file_quarter=header.quarter)
        return None
    folder = ctx.file.split("/", 1)[0]
    if folder.isdigit() and len(folder) == 4 and int(folder) != header.year:
        ctx.add("ID107", sheet=sheet, cell=cells["year"], inside=header.year, folder=folder,
                file_quarter=header.quarter)
        return None
    units = _units_by_identity(ctx.cfg.units)
    hidden = normalize.invisible(header.unit)
    if hidden:
        same = units.get(normalize.identity(header.unit))
        ctx.add("ID120", sheet=sheet, cell=cells["unit"], name=header.unit,
                chars=normalize.describe_invisible(hidden),
                known=f"；去掉后是名单中的“{same}”" if same else "", file_year=header.year,
                file_quarter=header.quarter)
        return None
    if named is None:
        ctx.add("ID101", expected=f"根据表内基本信息，这张表应保存为 {_expected_path(header)}。")
        return None
    y, q, u = named
    hidden = normalize.invisible(u)
    if hidden:
        ctx.add("ID121", name=u, chars=normalize.describe_invisible(hidden),
                expected=_expected_path(header))
        return None
    if (y, q) != (header.year, header.quarter) or (
            u != header.unit and normalize.identity(u) != normalize.identity(header.unit)):
        ctx.add("ID103", sheet=sheet, inside=f"{header.unit} {header.year}年第{header.quarter}季度",
                outside=f"{u} {y}年第{q}季度", expected=_expected_path(header))
        return None
    unit = header.unit if header.unit in ctx.cfg.units else units.get(
        normalize.identity(header.unit))
    if unit is None:
        ctx.add("ID102", sheet=sheet, cell=cells["unit"], name=header.unit,
                units="、".join(ctx.cfg.units))
    return unit
