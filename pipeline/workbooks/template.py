"""Writing the quarter workbooks the staff fill in (openpyxl), from pipeline.workbooks.layout.

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
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core import normalize, statutory
from pipeline.core.atomic import atomic_path
from pipeline.core.config import Config
from pipeline.workbooks import layout
from pipeline.workbooks.layout import Grid, Register

RegisterRow = dict[str, object]  # column key (layout) -> cell value as a person would type it


@dataclass
class QuarterData:
    """Values to put into a workbook (the sample and the tests fill workbooks with these).

    `inputs` is keyed like a Fact: (topic, key, dim); values are written as given, so text such
    as "无" or "１２" can be written to test the reader."""

    inputs: dict[tuple[str, str, str], object] = field(default_factory=dict)
    applications: list[RegisterRow] = field(default_factory=list)
    cases: list[RegisterRow] = field(default_factory=list)
    confirmation: dict[str, object] = field(default_factory=dict)  # layout.CONFIRM_FIELDS key


def issued_fingerprint(cfg: Config, open_applications: Sequence[RegisterRow] = ()) -> str:
    """The fingerprint (layout.fingerprint) of a template as `write_workbook` issues it: every
    input blank but the carried applications."""
    grid_values = [None for grid in layout.grids(cfg) for _ in grid.inputs]
    reg = layout.APPLICATIONS
    carried = [(layout.FIRST_ROW + i, [row.get(c.key) for c in reg.columns])
               for i, row in enumerate(open_applications)]
    return layout.fingerprint(grid_values, [carried, []], [None] * len(layout.CONFIRM_FIELDS))


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


def _date_hint(year: int) -> str:
    """How to type a date, with an example of the template's own year."""
    return f"请按 {year}-05-06 的格式填写日期。"


def _validation(kind: str, lists_name: str | None = None, *, year: int) -> DataValidation:
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
                            error=f"{_date_hint(year)}日期应在2000年至2099年之间。")
    dv.errorStyle = "stop"
    dv.errorTitle = "填写有误"
    dv.showErrorMessage = True
    return dv


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
        f"三、日期按 {year}-05-06 的格式填写。有下拉箭头的单元格请从列表中选择。",
        f"四、“{layout.SHEET_DISCLOSURE}”：同一条信息在多个渠道发布的，在“{layout.DISTINCT_HEADER}”列"
        "只计一次；各渠道列分别填写在该渠道发布的条数。",
        f"五、“{layout.SHEET_ARTICLE20}”：{layout.article20_grid(cfg).note}",
        f"六、“{reg.sheet}”：每件申请占一行。上季度未办结的申请已预先列在本表中（编号不变），请更新其"
        "办理情况；尚未办结的，答复日期和办理结果留空。",
        "七、申请人姓名、联系电话、证件号码和申请内容只保存在本报表中，不会进入汇总表和年度报告。",
        f"八、全部填好后，在“{layout.SHEET_HEADER}”工作表下方的“填报确认”中填写填报人、联系电话、填报日期，"
        f"并选择“{dict(layout.DECLARATIONS)[layout.DONE]}”。本季度没有任何事项的，"
        f"选择“{dict(layout.DECLARATIONS)[layout.NOTHING]}”即可，各表可以不填。没有确认的报表不计入年度报告。",
        "九、填好后保存，文件名不要改，交回本单位的报表协调人。",
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


def _header_sheet(ws: Worksheet, cfg: Config, unit: str, year: int, quarter: int) -> None:
    """The workbook's identity (locked) and, below it, the confirmation the officer fills."""
    _title(ws, _sheet_title(unit, year, quarter, layout.HEADER_TITLE), layout.HEADER_NOTE, 3)
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
    title = ws.cell(layout.CONFIRM_TITLE_ROW, 1, layout.CONFIRM_TITLE)
    title.font = _BOLD
    ws.merge_cells(start_row=layout.CONFIRM_TITLE_ROW, start_column=1,
                   end_row=layout.CONFIRM_TITLE_ROW, end_column=3)
    month = quarter * 3 % 12 + 1
    hint_year = year + (quarter == 4)
    for (label_cell, label), column in zip(layout.CONFIRM_LABEL_CELLS.items(),
                                           layout.CONFIRM_FIELDS, strict=True):
        ws[label_cell] = label
        ws[label_cell].border = _BORDER
        ws[label_cell].font = _BOLD
        cell = ws[layout.CONFIRM_CELLS[column.key]]
        _input(cell, _CELL_FORMAT.get(column.kind))
        if column.kind != layout.TEXT:
            dv = _validation(column.kind, column.choices, year=year)
            dv.add(cell.coordinate)
            ws.add_data_validation(dv)
        hint = ws.cell(cell.row, cell.column + 1,
                       layout.CONFIRM_HINTS[column.key].format(year=hint_year, month=month))
        hint.alignment = _WRAP
        ws.row_dimensions[cell.row].height = 2 * _LINE_HEIGHT
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 56
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
        by_kind.setdefault(inp.kind, _validation(inp.kind, year=year)).add(inp.cell)
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
    # the note spans the columns of the first printed page
    first_page = (register.index(register.page_break_after) + 1 if register.page_break_after
                  else len(register.columns))
    _title(ws, _sheet_title(unit, year, quarter, register.title), register.note, first_page)
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
            dv = _validation(column.kind, column.choices, year=year)
            dv.add(f"{letter}{layout.FIRST_ROW}:{letter}{last}")
            ws.add_data_validation(dv)
    for i, values in enumerate(rows):
        for j, column in enumerate(register.columns, start=1):
            ws.cell(layout.FIRST_ROW + i, j, values.get(column.key))
    wrap = Alignment(wrap_text=True, vertical="center")
    for row in range(layout.FIRST_ROW, last + 1):  # long outcomes and summaries wrap
        for key in ("outcome", "summary"):
            if key in register._indexes:
                ws.cell(row, register.index(key) + 1).alignment = wrap
    ws.freeze_panes = f"B{layout.FIRST_ROW}"
    _protect(ws)
    _print_register(ws, register, last, _sheet_title(unit, year, quarter, register.title))


def _print_register(ws: Worksheet, register: Register, last: int, title: str) -> None:
    """A4 landscape at full size, every prepared row inside the print area, the column
    headings and the ID column repeated on every page, the halves of a row side by side."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.scale = 100
    ws.page_setup.pageOrder = "overThenDown"
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_area = f"A1:{register.letters[-1]}{last}"
    ws.print_title_rows = f"{layout.HEADER_ROW}:{layout.HEADER_ROW}"
    ws.print_title_cols = f"{register.letters[0]}:{register.letters[0]}"
    if register.page_break_after:
        ws.col_breaks.append(Break(id=register.index(register.page_break_after) + 1))
    ws.oddHeader.center.text = title
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _lists_sheet(wb: Workbook, ws: Worksheet, cfg: Config, fingerprint: str) -> None:
    """The closed lists on a hidden, locked sheet, each behind a defined name, and the
    fingerprint of the template as issued."""
    for j, choice in enumerate(layout.choice_lists(cfg).values(), start=1):
        ws.cell(1, j, choice.header).font = _BOLD
        for i, (_, text) in enumerate(choice.items):
            ws.cell(layout.FIRST_LIST_ROW + i, j, text)
        ws.column_dimensions[ws.cell(1, j).column_letter].width = _fit_width(
            (t for _, t in choice.items), hi=60)
        wb.defined_names[choice.name] = DefinedName(
            choice.name, attr_text=layout.list_range(cfg, choice.name))
    ws.cell(1, layout.FINGERPRINT_COLUMN, layout.FINGERPRINT_LABEL).font = _BOLD
    ws[layout.FINGERPRINT_CELL] = fingerprint
    ws.sheet_state = "hidden"
    _protect(ws)


def write_workbook(cfg: Config, path: str | Path, unit: str, year: int, quarter: int, *,
                   data: QuarterData | None = None,
                   open_applications: Sequence[RegisterRow] = (),
                   replace: bool = False) -> Path:
    """Write one quarter's workbook (through pipeline.core.atomic); never over an existing file
    unless `replace` (init_year refreshes an untouched template so).

    `open_applications` (register rows carried from the previous quarter) come first in the
    application register, then the rows of `data`."""
    path = Path(path)
    if path.exists() and not replace:
        raise FileExistsError(f"报表 {path} 已存在，不会覆盖。")
    data = data or QuarterData()
    issued = issued_fingerprint(cfg, open_applications)
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {name: wb.create_sheet(name) for name in layout.SHEETS}
    _instructions(sheets[layout.SHEET_INSTRUCTIONS], cfg, unit, year, quarter)
    _header_sheet(sheets[layout.SHEET_HEADER], cfg, unit, year, quarter)
    for grid in layout.grids(cfg):
        _grid_sheet(sheets[grid.sheet], grid, data.inputs, unit, year, quarter)
    _register_sheet(sheets[layout.SHEET_APPLICATIONS], layout.APPLICATIONS,
                    [*open_applications, *data.applications], unit, year, quarter)
    _register_sheet(sheets[layout.SHEET_CASES], layout.CASES, data.cases, unit, year, quarter)
    for key, value in data.confirmation.items():
        sheets[layout.SHEET_HEADER][layout.CONFIRM_CELLS[key]] = value
    _lists_sheet(wb, sheets[layout.SHEET_LISTS], cfg, issued)
    wb.active = 0
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
