"""Writing the quarter workbooks the staff fill in (openpyxl), from pipeline.layout.

Only the input cells are unlocked; every closed list is a dropdown that refuses other text;
counts, amounts and dates are validated as the person types. A new quarter's register starts
with the applications still open at the end of the previous quarter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import ingest, layout, normalize, statutory
from pipeline.atomic import atomic_path
from pipeline.config import Config
from pipeline.layout import Grid, Register
from pipeline.records import Application

RegisterRow = dict[str, object]  # column key (layout) -> cell value as a person would type it


@dataclass
class QuarterData:
    """Values to put into a workbook (the sample and the tests fill workbooks with these).

    `inputs` is keyed like a Fact: (topic, key, dim); values are written as given, so text such
    as "无" or "１２" can be written to test the reader."""

    inputs: dict[tuple[str, str, str], object] = field(default_factory=dict)
    applications: list[RegisterRow] = field(default_factory=list)
    cases: list[RegisterRow] = field(default_factory=list)


# --- Styles ------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_UNLOCKED = Protection(locked=False)
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
_CELL_FORMAT = {layout.DATE: DATE_FORMAT, layout.TEXT: TEXT_FORMAT, layout.COUNT: "0",
                layout.AMOUNT: "0.00"}
_FIRST_DATE, _LAST_DATE = date(2000, 1, 1), date(2099, 12, 31)


_INSTRUCTION_WIDTHS = (24, 66)  # 填表说明: column A (names), column B (examples)
_INSTRUCTION_LINE = sum(_INSTRUCTION_WIDTHS) - 6  # display places per line of merged text
_LINE_HEIGHT = 16  # points per line of 11-point text


def _display_width(text: str) -> int:
    """Column width for a text: CJK characters take two places."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


def _fit_width(texts: Iterable[str], lo: int = 8, hi: int = 40) -> int:
    return max(lo, min(hi, max((_display_width(t) for t in texts), default=0) + 2))


def _protect(ws: Worksheet) -> None:
    """Sheet protection without a password: labels cannot be changed by accident, column
    widths and row heights can."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _print_setup(ws: Worksheet, landscape: bool, title_rows: str | None) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows


def _title(ws: Worksheet, text: str, note: str, width: int) -> None:
    ws.cell(layout.TITLE_ROW, 1, text).font = _TITLE_FONT
    note_cell = ws.cell(layout.NOTE_ROW, 1, note)
    note_cell.alignment = _WRAP
    ws.merge_cells(start_row=layout.NOTE_ROW, start_column=1, end_row=layout.NOTE_ROW,
                   end_column=max(width, 2))
    ws.row_dimensions[layout.NOTE_ROW].height = 48
    ws.row_dimensions[layout.HEADER_ROW].height = 36


def _heading(cell) -> None:
    cell.font = _BOLD
    cell.fill = _HEADER_FILL
    cell.alignment = _CENTER
    cell.border = _BORDER


def _input(cell, number_format: str | None = None) -> None:
    cell.protection = _UNLOCKED
    cell.fill = _INPUT_FILL
    cell.border = _BORDER
    if number_format:
        cell.number_format = number_format


def _validation(kind: str, lists_name: str | None = None) -> DataValidation:
    """A stop-style validation for one kind of cell, with a Chinese message."""
    if kind in (layout.CHOICE, layout.OUTCOME):
        dv = DataValidation(type="list", formula1=lists_name, allow_blank=True,
                            error="请从下拉列表中选择，不要手工输入其他内容。")
    elif kind == layout.COUNT:
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                            allow_blank=True, error=normalize.HINT_COUNT)
    elif kind == layout.AMOUNT:
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                            allow_blank=True, error=normalize.HINT_AMOUNT)
    else:
        dv = DataValidation(type="date", operator="between",
                            formula1=str(int(to_excel(_FIRST_DATE))),
                            formula2=str(int(to_excel(_LAST_DATE))), allow_blank=True,
                            error=f"{normalize.HINT_DATE}日期应在2000年至2099年之间。")
    dv.errorStyle = "stop"
    dv.errorTitle = "填写有误"
    dv.showErrorMessage = True
    return dv


# --- Sheets ------------------------------------------------------------------------------------

def _sheet_title(unit: str, year: int, quarter: int, title: str) -> str:
    return f"{unit} {year}年第{quarter}季度 {title}"


def _instructions(ws: Worksheet, cfg: Config, unit: str, year: int, quarter: int) -> None:
    reg = layout.APPLICATIONS
    outcome_example = statutory.outcome_choice(statutory.OUTCOME_ROWS[0].key)
    lines = (
        f"{cfg.organ.name} 政府信息公开季度报表",
        f"填报单位：{unit}    统计期间：{year}年第{quarter}季度（报表版本 {layout.TEMPLATE_VERSION}）",
        "",
        "一、只在浅黄色单元格中填写，其余单元格已锁定。不要增删工作表、不要插入或删除行列、不要改标题。",
        "二、数字只填阿拉伯数字。本季度没有发生的请填0，不要留空，也不要写“无”“/”“-”“约”“条”等文字。",
        "三、日期按 2023-05-06 的格式填写。有下拉箭头的单元格请从列表中选择。",
        f"四、“{layout.SHEET_DISCLOSURE}”：同一条信息在多个渠道发布的，在“{layout.DISTINCT_HEADER}”列"
        "只计一次；各渠道列分别填写在该渠道发布的条数。",
        f"五、“{layout.SHEET_ARTICLE20}”：{layout.article20_grid(cfg).note}",
        f"六、“{reg.sheet}”：每件申请占一行。上季度未办结的申请，本季度再登记一行，编号不变，"
        "填写最新情况；尚未办结的，答复日期和办理结果留空。",
        "七、申请人姓名、联系电话、证件号码和申请内容只保存在本报表中，不会进入汇总表和年度报告。",
        f"八、文件名和存放位置不要改：workbooks/{year}/{layout.quarter_dir_name(quarter)}/"
        f"{layout.quarter_file_name(year, quarter, unit)}。",
        "",
        f"“{reg.sheet}”填写示例（仅供参考，请在“{reg.sheet}”工作表中填写）：",
    )
    # Two columns (a register column's name, its example) under text spanning both, so the
    # sheet prints on portrait A4 at full size. Heights are set: no program fits the height of
    # a merged cell to its wrapped text.
    for j, width in enumerate(_INSTRUCTION_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    for i, text in enumerate(lines, start=1):
        ws.cell(i, 1, text).alignment = _WRAP
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=2)
        lines_needed = -(-_display_width(text) // _INSTRUCTION_LINE)
        ws.row_dimensions[i].height = _LINE_HEIGHT * max(1, lines_needed)
    ws.cell(1, 1).font = _TITLE_FONT
    ws.row_dimensions[1].height = 2 * _LINE_HEIGHT
    example: RegisterRow = {
        "app_id": f"{year}-001", "received": date(year, quarter * 3 - 2, 5),
        "channel": cfg.application_channels[0],
        "applicant_class": statutory.APPLICANT_CLASS_LABELS["natural"],
        "name": "张某（示例）", "phone": "（示例）", "id_number": "（示例）",
        "summary": "申请公开某项目资金使用情况（示例）",
        "extended": layout.choice_lists(cfg)["list_yes_no"].text(layout.NO), "consult_days": 0,
        "answered": date(year, quarter * 3 - 2, 19), "outcome": outcome_example, "fee": 0,
        "remark": "示例",
    }
    head = len(lines) + 1
    _heading(ws.cell(head, 1, "栏目"))
    _heading(ws.cell(head, 2, "填写示例"))
    for i, column in enumerate(reg.columns, start=head + 1):
        ws.cell(i, 1, column.label).border = _BORDER
        ws.cell(i, 1).alignment = _WRAP
        cell = ws.cell(i, 2, example.get(column.key))
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="left", vertical="center")
        if column.kind == layout.DATE:
            cell.number_format = DATE_FORMAT
    _protect(ws)
    _print_setup(ws, landscape=False, title_rows=None)


def _header_sheet(ws: Worksheet, unit: str, year: int, quarter: int) -> None:
    _title(ws, _sheet_title(unit, year, quarter, layout.HEADER_TITLE), layout.HEADER_NOTE, 2)
    for j, label in enumerate(layout.HEADER_COLUMN_LABELS, start=1):
        _heading(ws.cell(layout.HEADER_ROW, j, label))
    values = {"unit": unit, "year": year, "quarter": quarter, "version": layout.TEMPLATE_VERSION}
    for cell, label in layout.HEADER_LABEL_CELLS.items():
        ws[cell] = label
        ws[cell].border = _BORDER
    for key, cell in layout.HEADER_CELLS.items():
        ws[cell] = values[key]
        ws[cell].border = _BORDER
        ws[cell].number_format = TEXT_FORMAT if key == "version" else "General"
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 24
    _protect(ws)
    _print_setup(ws, landscape=False, title_rows=None)


def _grid_sheet(ws: Worksheet, grid: Grid, values: dict, unit: str, year: int,
                quarter: int) -> None:
    columns = {ws[cell].column for cell, _ in grid.labels}
    input_rows = {ws[inp.cell].row for inp in grid.inputs}
    _title(ws, _sheet_title(unit, year, quarter, grid.title), grid.note, max(columns))
    for cell, text in grid.labels:
        ws[cell] = text
        ws[cell].border = _BORDER
        if not (ws[cell].column == 1 and ws[cell].row in input_rows):  # row labels stay plain
            _heading(ws[cell])
    for merged in grid.merges:
        ws.merge_cells(merged)
        ws[merged.split(":")[0]].alignment = Alignment(horizontal="left", vertical="center")
    for cell, text in grid.hints:
        ws[cell] = text
        ws[cell].alignment = _WRAP
    by_kind: dict[str, DataValidation] = {}
    for inp in grid.inputs:
        ws[inp.cell] = values.get((inp.topic, inp.key, inp.dim))
        _input(ws[inp.cell], _CELL_FORMAT[inp.kind])
        by_kind.setdefault(inp.kind, _validation(inp.kind)).add(inp.cell)
    for dv in by_kind.values():
        ws.add_data_validation(dv)
    first_col = [t for c, t in grid.labels if ws[c].column == 1 and ws[c].row > layout.HEADER_ROW]
    ws.column_dimensions["A"].width = _fit_width(first_col, hi=24)
    for col in sorted(columns - {1}):
        texts = [t for c, t in grid.labels if ws[c].column == col]
        ws.column_dimensions[ws.cell(1, col).column_letter].width = _fit_width(texts, lo=12, hi=28)
    if grid.hints:
        ws.column_dimensions[ws[grid.hints[0][0]].column_letter].width = _fit_width(
            t for _, t in grid.hints)
    ws.freeze_panes = f"B{layout.FIRST_ROW}"
    _protect(ws)
    _print_setup(ws, landscape=len(columns) > 4, title_rows=f"{layout.TITLE_ROW}:{layout.HEADER_ROW}")


def _register_sheet(ws: Worksheet, register: Register, rows: Sequence[RegisterRow], unit: str,
                    year: int, quarter: int) -> None:
    _title(ws, _sheet_title(unit, year, quarter, register.title), register.note,
           len(register.columns))
    last = max(register.last_row, layout.FIRST_ROW + len(rows) - 1)
    for j, column in enumerate(register.columns, start=1):
        _heading(ws.cell(layout.HEADER_ROW, j, column.label))
        letter = register.letter(column.key)
        ws.column_dimensions[letter].width = column.width
        first = ws.cell(layout.FIRST_ROW, j)
        _input(first, _CELL_FORMAT.get(column.kind))
        for row in range(layout.FIRST_ROW + 1, last + 1):
            # copying the style array is much faster than setting four styles per cell
            ws.cell(row, j)._style = copy(first._style)
        if column.kind != layout.TEXT:
            dv = _validation(column.kind, column.choices)
            dv.add(f"{letter}{layout.FIRST_ROW}:{letter}{last}")
            ws.add_data_validation(dv)
    for i, values in enumerate(rows):
        for j, column in enumerate(register.columns, start=1):
            ws.cell(layout.FIRST_ROW + i, j, values.get(column.key))
    ws.freeze_panes = f"B{layout.FIRST_ROW}"
    _protect(ws)
    _print_setup(ws, landscape=True, title_rows=f"{layout.TITLE_ROW}:{layout.HEADER_ROW}")


def _lists_sheet(wb: Workbook, ws: Worksheet, cfg: Config) -> None:
    """The closed lists on a hidden, locked sheet, each behind a defined name."""
    for j, choice in enumerate(layout.choice_lists(cfg).values(), start=1):
        ws.cell(1, j, choice.header).font = _BOLD
        for i, (_, text) in enumerate(choice.items):
            ws.cell(layout.FIRST_LIST_ROW + i, j, text)
        ws.column_dimensions[ws.cell(1, j).column_letter].width = _fit_width(
            (t for _, t in choice.items), hi=60)
        wb.defined_names[choice.name] = DefinedName(
            choice.name, attr_text=layout.list_range(cfg, choice.name))
    ws.sheet_state = "hidden"
    _protect(ws)


# --- Workbooks ---------------------------------------------------------------------------------

def write_workbook(cfg: Config, path: str | Path, unit: str, year: int, quarter: int, *,
                   data: QuarterData | None = None,
                   open_applications: Sequence[RegisterRow] = ()) -> Path:
    """Write one quarter's workbook (through pipeline.atomic); never over an existing file.

    `open_applications` (register rows carried from the previous quarter) come first in the
    application register, then the rows of `data`."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"报表 {path} 已存在，不会覆盖。")
    data = data or QuarterData()
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {name: wb.create_sheet(name) for name in layout.SHEETS}
    _instructions(sheets[layout.SHEET_INSTRUCTIONS], cfg, unit, year, quarter)
    _header_sheet(sheets[layout.SHEET_HEADER], unit, year, quarter)
    for grid in layout.grids(cfg):
        _grid_sheet(sheets[grid.sheet], grid, data.inputs, unit, year, quarter)
    _register_sheet(sheets[layout.SHEET_APPLICATIONS], layout.APPLICATIONS,
                    [*open_applications, *data.applications], unit, year, quarter)
    _register_sheet(sheets[layout.SHEET_CASES], layout.CASES, data.cases, unit, year, quarter)
    _lists_sheet(wb, sheets[layout.SHEET_LISTS], cfg)
    wb.active = 0
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _previous(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def _existing_workbook(workbooks_dir: Path, year: int, quarter: int, unit: str) -> Path | None:
    """The unit's workbook for a quarter, whichever spreadsheet format it was saved in."""
    base = layout.quarter_path(workbooks_dir, year, quarter, unit)
    for suffix in layout.WORKBOOK_SUFFIXES:
        if base.with_suffix(suffix).is_file():
            return base.with_suffix(suffix)
    return None


def _personal_cells(path: Path, app_ids: set[str]) -> dict[str, RegisterRow]:
    """The personal columns of some applications, copied as typed, to carry them into the next
    workbook. They go from workbook to workbook only, never into records."""
    reg = layout.APPLICATIONS
    out: dict[str, RegisterRow] = {}
    with ingest.open_workbook(path) as wb:
        sheet = ingest.read_sheet(wb, reg.sheet)
    for _, cells in ingest.register_rows(sheet, reg):
        app_id = normalize.parse_text(cells[0]).value
        if app_id in app_ids and app_id not in out:
            out[app_id] = {c.key: v for c, v in zip(reg.columns, cells, strict=True)
                           if c.personal}
    return out


def carried_row(cfg: Config, app: Application, personal: RegisterRow) -> RegisterRow:
    """An open application as a register row of the next quarter (answer and outcome blank)."""
    lists = layout.choice_lists(cfg)
    return {
        **personal,
        "app_id": app.app_id, "received": app.received, "channel": app.channel,
        "applicant_class": (statutory.APPLICANT_CLASS_LABELS.get(app.applicant_class)
                            if app.applicant_class else None),
        "correction_sent": app.correction_sent, "correction_received": app.correction_received,
        "extended": lists["list_yes_no"].text(layout.YES if app.extended else layout.NO),
        "consult_days": app.consult_days, "fee": app.fee,
    }


def open_at_end(cfg: Config, workbooks_dir: str | Path, year: int, quarter: int,
                unit: str) -> list[RegisterRow]:
    """Register rows of the unit's applications still open (no answer date or no outcome) in
    its workbook of year/quarter; none if that workbook is missing or unreadable."""
    path = _existing_workbook(Path(workbooks_dir), year, quarter, unit)
    if path is None:
        return []
    result = ingest.ingest_file(cfg, workbooks_dir, path)
    still_open = [a for a in result.applications if a.answered is None or a.outcome is None]
    if not still_open:
        return []
    personal = _personal_cells(path, {a.app_id for a in still_open})
    return [carried_row(cfg, a, personal.get(a.app_id, {})) for a in still_open]


def init_year(cfg: Config, workbooks_dir: str | Path, year: int,
              quarter: int | None = None) -> tuple[list[Path], list[Path]]:
    """Blank workbooks for every unit and quarter of a year (or one quarter); an existing file is
    never overwritten (it is listed as skipped).

    Each new workbook's register starts with the applications still open at the end of the
    previous quarter (Q1: the previous year's Q4), read from that quarter's workbook, unless that
    workbook was itself only just created by this call."""
    workbooks_dir = Path(workbooks_dir)
    written: list[Path] = []
    skipped: list[Path] = []
    for q in (quarter,) if quarter else (1, 2, 3, 4):
        for unit in cfg.units:
            existing = _existing_workbook(workbooks_dir, year, q, unit)
            if existing:
                skipped.append(existing)
                continue
            path = layout.quarter_path(workbooks_dir, year, q, unit)
            prev_year, prev_q = _previous(year, q)
            prev = layout.quarter_path(workbooks_dir, prev_year, prev_q, unit)
            carried = [] if prev in written else open_at_end(cfg, workbooks_dir, prev_year,
                                                              prev_q, unit)
            written.append(write_workbook(cfg, path, unit, year, q, open_applications=carried))
    return written, skipped
