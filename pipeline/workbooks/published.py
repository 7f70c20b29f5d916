"""The published-tables workbook: a year's three tables and headline figures, laid out like the
report.

Prior years exist only as published reports, so the office types them once into this workbook;
the consolidated result of a workbook year is written in the very same layout. One writer and one
reader serve both. The reader finds every number by its official labels, never by position, so a
sheet with inserted rows or moved blocks still reads.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from pipeline.core import statutory
from pipeline.core.atomic import atomic_path
from pipeline.core.cell_names import (
    _TABLE_CELLS,
    FIGURES_SHEET,
    SHEETS,
    TABLE_HEADINGS,
    cell_labels,
    where,
)
from pipeline.core.findings import Finding, finding
from pipeline.core.model import FIGURES, HISTORY_FIGURES, YearTables, empty_tables
from pipeline.core.numbers import as_stored
from pipeline.core.records import Lineage
from pipeline.core.sheet_cells import cell_order, put_cell
from pipeline.workbooks import sheet_reading

LINEAGE_SHEET = "数据来源"


REGISTER_LINEAGE_SHEET = "台账来源"


FIGURE_LABEL_HEADER = "项目"


FIGURE_VALUE_HEADER = "数值"


LINEAGE_HEADS = ("表格", "行", "列", "来源", "合计")  # header rows (台账来源: no 来源)


LINEAGE_KEYS = ("单位", "季度", "文件")


REGISTER_LINEAGE_KEYS = (*LINEAGE_KEYS, "工作表", "单元格")


_EMPTY_MARKS = ("/", "／", "无")


_THIN = Side(style="thin")


_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


_WRAP = Alignment(wrap_text=True, vertical="center")


_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


_BOLD = Font(bold=True)


def _label(ws, row: int, col: int, text: str, *, to_row: int | None = None,
           to_col: int | None = None, center: bool = False, bold: bool = False) -> None:
    cell = put_cell(ws, row, col, text)
    cell.alignment = _CENTER if center else _WRAP
    cell.border = _BORDER
    if bold:
        cell.font = _BOLD
    if (to_row or row) != row or (to_col or col) != col:
        ws.merge_cells(start_row=row, start_column=col, end_row=to_row or row,
                       end_column=to_col or col)
        for r in range(row, (to_row or row) + 1):
            for c in range(col, (to_col or col) + 1):
                ws.cell(r, c).border = _BORDER


def _number(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row, col, value)
    cell.border = _BORDER
    cell.alignment = _CENTER


def _heading(ws, title: str, heading: str, width: int) -> None:
    _label(ws, 1, 1, title, to_col=width, center=True, bold=True)
    _label(ws, 2, 1, heading, to_col=width, bold=True)


def _widths(ws, widths: dict[str, float]) -> None:
    """Column widths, and print the sheet on one page wide."""
    for letter, w in widths.items():
        ws.column_dimensions[letter].width = w
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if len(widths) > 4:
        ws.page_setup.orientation = "landscape"


def _write_a(ws, tables: YearTables, title: str, blank: bool) -> None:
    _heading(ws, title, TABLE_HEADINGS["A"], 4)
    r = 3
    for block in statutory.TABLE_A_BLOCKS:
        _label(ws, r, 1, block.header, to_col=4, center=True, bold=True)
        _label(ws, r + 1, 1, statutory.INFO_CONTENT, center=True)
        for j, (_, col_label) in enumerate(block.columns, start=2):
            _label(ws, r + 1, j, col_label, center=True)
        r += 2
        for row_key, row_label in block.rows:
            _label(ws, r, 1, row_label, center=True)
            for j, (col_key, _) in enumerate(block.columns, start=2):
                _number(ws, r, j, None if blank else tables.a.get((row_key, col_key)))
            r += 1
    _widths(ws, {"A": 26, "B": 26, "C": 26, "D": 26})


_B_FIRST_VALUE_COL = 4  # columns A–C hold the three levels of row labels


def _write_b(ws, tables: YearTables, title: str, blank: bool) -> None:
    last_col = _B_FIRST_VALUE_COL + len(statutory.TABLE_B_COLUMNS) - 1
    _heading(ws, title, TABLE_HEADINGS["B"], last_col)
    _label(ws, 3, 1, statutory.TABLE_B_CORNER, to_row=5, to_col=3, center=True)
    _label(ws, 3, 4, statutory.APPLICANT_HEADER, to_col=last_col, center=True)
    legal = statutory.LEGAL_PERSON_COLUMNS
    _label(ws, 4, 4, statutory.NATURAL_PERSON[1], to_row=5, center=True)
    _label(ws, 4, 5, statutory.LEGAL_PERSON_GROUP, to_col=4 + len(legal), center=True)
    for j, (_, col_label) in enumerate(legal, start=5):
        _label(ws, 5, j, col_label, center=True)
    _label(ws, 4, last_col, statutory.TOTAL[1], to_row=5, center=True)
    rows = {key: 6 + i for i, key in enumerate(statutory.TABLE_B_NUMERIC_ROWS)}
    for row in statutory.TABLE_B_ROWS:
        if row.group:
            children = row.children or tuple(
                r.key for r in statutory.TABLE_B_ROWS if r.parent == row.key)
            first, last = rows[children[0]], rows[children[-1]]
            _label(ws, first, 1 + row.level, row.label, to_row=last, center=True)
            continue
        r = rows[row.key]
        _label(ws, r, 1 + row.level, row.label, to_col=3)
        if len(row.label) > 24:  # the two long （六） items wrap onto a second line
            ws.row_dimensions[r].height = 30
        for j, (col_key, _) in enumerate(statutory.TABLE_B_COLUMNS, start=_B_FIRST_VALUE_COL):
            _number(ws, r, j, None if blank else tables.b.get((row.key, col_key)))
    _widths(ws, {"A": 16, "B": 16, "C": 48} | {
        get_column_letter(j): 11 for j in range(_B_FIRST_VALUE_COL, last_col + 1)})


def _write_c(ws, tables: YearTables, title: str, blank: bool) -> None:
    n = len(statutory.TABLE_C_COLUMNS)
    last_col = n * len(statutory.TABLE_C_GROUPS)
    _heading(ws, title, TABLE_HEADINGS["C"], last_col)
    _label(ws, 3, 1, statutory.REVIEW[1], to_row=4, to_col=n, center=True)
    _label(ws, 3, n + 1, statutory.LITIGATION, to_col=last_col, center=True)
    for i, (group, group_label) in enumerate(statutory.TABLE_C_GROUPS):
        first = 1 + i * n
        if group != statutory.REVIEW[0]:
            _label(ws, 4, first, group_label, to_col=first + n - 1, center=True)
        for j, (col_key, col_label) in enumerate(statutory.TABLE_C_COLUMNS, start=first):
            _label(ws, 5, j, col_label, center=True)
            _number(ws, 6, j, None if blank else tables.c.get((group, col_key)))
    _widths(ws, {get_column_letter(j): 11 for j in range(1, last_col + 1)})


def _write_figures(ws, tables: YearTables, title: str, blank: bool) -> None:
    _heading(ws, title, FIGURES_SHEET, 2)
    _label(ws, 3, 1, FIGURE_LABEL_HEADER, center=True, bold=True)
    _label(ws, 3, 2, FIGURE_VALUE_HEADER, center=True, bold=True)
    keys = [k for k in FIGURES if k in HISTORY_FIGURES or (not blank and k in tables.figures)]
    for r, key in enumerate(keys, start=4):
        _label(ws, r, 1, FIGURES[key])
        _number(ws, r, 2, None if blank else tables.figures.get(key))
    _widths(ws, {"A": 30, "B": 14})


_REGISTER_TABLES = ("B", "C")  # counted from register rows (applications, cases)


_LINEAGE_NOTE = ("每行一个季度报表文件，每列一个取自报表固定单元格（见“来源”）的汇总表单元格，"
                 "各文件的数相加等于“合计”。由台账逐行计入的单元格见“{register}”；"
                 "没有非零来源的单元格不列出（为0或空白，见各表）。")


_REGISTER_NOTE = ("每行一条台账记录，每列一个由台账逐行计入的汇总表单元格，各行的数相加等于“合计”。"
                  "没有非零来源的单元格不列出（为0或空白，见各表）。")


_NOTHING_NONZERO = "（本年没有这类非零数字，所以本表只有表头。）"


_LINEAGE_VALUE_WIDTH = 14


def _lineage_columns(lineage: list[Lineage]) -> dict[tuple[str, str, str], list[Lineage]]:
    """The non-zero contributions of each table cell, cells in table order (A, B, C, official
    cell order); cells with none are left out. A blank (None) contributes nothing."""
    by_cell: dict[tuple[str, str, str], list[Lineage]] = defaultdict(list)
    for x in lineage:
        if x.value:
            by_cell[(x.tbl, x.row_key, x.col_key)].append(x)
    return {(tbl, *key): by_cell[(tbl, *key)] for tbl, keys in _TABLE_CELLS.items()
            for key in keys if (tbl, *key) in by_cell}


def _fixed_place(xs: list[Lineage]) -> str | None:
    """`sheet!cell` when every contribution comes from the same cell (a template grid)."""
    places = {(x.sheet, x.cell) for x in xs}
    sheet, cell = places.pop()
    return f"{sheet}!{cell}" if not places and sheet and cell else None


def _sum_by(xs: list[Lineage], key) -> dict[tuple, int | float]:
    out: dict[tuple, int | float] = defaultdict(int)
    for x in xs:
        out[key(x)] += x.value
    return out


def _file_key(x: Lineage) -> tuple:
    return x.unit, x.quarter, x.file


def _register_key(x: Lineage) -> tuple:
    return x.unit, x.quarter, x.file, x.sheet, x.cell


def _source_order(key: tuple) -> tuple:
    """By file, then sheet and cell (A9 before A10), then unit and quarter."""
    unit, quarter, file, *place = key
    sheet, cell = place or (None, None)
    return file or "", sheet or "", cell_order(cell), unit or "", quarter or 0


def write_matrix(ws, note: str, keys: dict[str, float], heads: list[tuple[str, list, float]],
                  cols: list[dict[tuple, int | float]], order=_source_order) -> None:
    """A note, header rows (name, one value per column, row height) named in the last key
    column, a row naming the key columns (name: width), then one row per key in source order
    with each column's sum, blank where none. Frozen below the headers, filterable."""
    k = len(keys)
    _label(ws, 1, 1, note, to_row=len(heads), to_col=k - 1)
    for r, (name, values, height) in enumerate(heads, start=1):
        _label(ws, r, k, name, center=True, bold=True)
        for j, v in enumerate(values, start=k + 1):
            if isinstance(v, str):
                _label(ws, r, j, v, center=True)
            else:
                _number(ws, r, j, v)
        ws.row_dimensions[r].height = height
    top = len(heads) + 1
    for j, (text, width) in enumerate(keys.items(), start=1):
        _label(ws, top, j, text, center=True, bold=True)
        ws.column_dimensions[get_column_letter(j)].width = width
    rows = sorted(dict.fromkeys(key for col in cols for key in col), key=order)
    for r, key in enumerate(rows, start=top + 1):
        for j, v in enumerate(key, start=1):
            put_cell(ws, r, j, v)
        for j, col in enumerate(cols, start=k + 1):
            if key in col:
                ws.cell(r, j, col[key])
    if not cols:  # say so, rather than leave a reader wondering whether something broke
        put_cell(ws, top + 1, 1, _NOTHING_NONZERO)
    ws.freeze_panes = ws.cell(top + 1, k + 1).coordinate
    ws.auto_filter.ref = f"A{top}:{get_column_letter(k + len(cols))}{top + len(rows)}"
    for j in range(k + 1, k + len(cols) + 1):
        ws.column_dimensions[get_column_letter(j)].width = _LINEAGE_VALUE_WIDTH


def _write_lineage(wb: Workbook, tables: YearTables, lineage: list[Lineage]) -> None:
    """Where each number of the tables came from, every non-zero contribution listed once:
    cells taken from one fixed cell of the quarter workbooks in a matrix of source files
    (数据来源), cells counted from register rows in a matrix of those rows (台账来源). One
    row per contribution was too slow at city scale (issue 7). Zero and blank contributions
    are left out; the store's lineage table keeps every one."""
    columns = _lineage_columns(lineage)
    places = {c: _fixed_place(xs) for c, xs in columns.items()}
    fixed = {c: c[0] not in _REGISTER_TABLES and places[c] is not None for c in columns}
    by_file = [c for c in columns if fixed[c]]
    by_row = [c for c in columns if not fixed[c]]

    def heads(cells, *more: tuple[str, list, float]) -> list[tuple[str, list, float]]:
        labels = [cell_labels(*c) for c in cells]
        return [(LINEAGE_HEADS[0], [SHEETS[c[0]] for c in cells], 30),
                (LINEAGE_HEADS[1], [row for row, _ in labels], 90),
                (LINEAGE_HEADS[2], [col for _, col in labels], 48), *more,
                (LINEAGE_HEADS[4], [tables.table(c[0]).get(c[1:]) for c in cells], 20)]

    write_matrix(wb.create_sheet(LINEAGE_SHEET),
                  _LINEAGE_NOTE.format(register=REGISTER_LINEAGE_SHEET),
                  dict(zip(LINEAGE_KEYS, (14, 6, 44), strict=True)),
                  heads(by_file, (LINEAGE_HEADS[3], [places[c] for c in by_file], 30)),
                  [_sum_by(columns[c], _file_key) for c in by_file])
    write_matrix(wb.create_sheet(REGISTER_LINEAGE_SHEET), _REGISTER_NOTE,
                  dict(zip(REGISTER_LINEAGE_KEYS, (14, 6, 44, 16, 8), strict=True)),
                  heads(by_row), [_sum_by(columns[c], _register_key) for c in by_row])


def write_published(path: str | Path, tables: YearTables, *, title: str,
                    lineage: list[Lineage] | None = None, blank: bool = False,
                    more: Callable[[Workbook], None] | None = None) -> None:
    """Write the tables (or, with blank=True, an empty form to type a published report into);
    `more` adds the caller's sheets (a district's 各机关数据)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEETS["A"]
    _write_a(ws, tables, title, blank)
    _write_b(wb.create_sheet(SHEETS["B"]), tables, title, blank)
    _write_c(wb.create_sheet(SHEETS["C"]), tables, title, blank)
    _write_figures(wb.create_sheet(FIGURES_SHEET), tables, title, blank)
    if lineage is not None:
        _write_lineage(wb, tables, lineage)
    if more is not None:
        more(wb)
    with atomic_path(path) as tmp:
        wb.save(tmp)


_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", "．": "."})


_SPACES = re.compile(r"\s+")


def _norm(v) -> str | None:
    """Label text as compared: no spaces, full-width brackets and colons."""
    if not isinstance(v, str):
        return None
    return _SPACES.sub("", v).translate(_HALF_TO_FULL)


class _Sheet:
    """A sheet's cells as a grid from A1, with label search and located findings."""

    def __init__(self, grid: list[list], name: str, file: str, year: int,
                 findings: list[Finding]):
        self.grid, self.name, self.file, self.year = grid, name, file, year
        self.findings = findings
        self.labels: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                text = _norm(v)
                if text:
                    self.labels[text].append((r, c))

    def find(self, label: str, *, what: str, after_row: int = -1, min_col: int = 0,
             row: int | None = None) -> tuple[int, int] | None:
        """First cell (row-major) whose text is `label`; a finding when there is none."""
        for r, c in self.labels.get(_norm(label), ()):
            if r > after_row and c >= min_col and (row is None or r == row):
                return r, c
        self.add("HI003", what=what, label=label)
        return None

    def add(self, rule: str, r: int | None = None, c: int | None = None, **fields) -> None:
        cell = f"{get_column_letter(c + 1)}{r + 1}" if r is not None else None
        self.findings.append(finding(rule, file=self.file, sheet=self.name, cell=cell,
                                     year=self.year, **fields))

    def value(self, r: int, c: int, place: str):
        """The number at (r, c); blank, "/" and "无" give None and a finding, as does text."""
        v = self.grid[r][c] if r < len(self.grid) and c < len(self.grid[r]) else ""
        if isinstance(v, bool) or isinstance(v, date | datetime | time | timedelta):
            self.add("HI005", r, c, where=place, text=v)
            return None
        if isinstance(v, int | float):
            return as_stored(v)
        text = str(v).strip()
        if not text:
            self.add("HI004", r, c, where=place, state="为空")
        elif text in _EMPTY_MARKS:
            self.add("HI004", r, c, where=place, state=f"填的是“{text}”")
        else:
            self.add("HI005", r, c, where=place, text=text)
        return None


def _positions_a(s: _Sheet) -> dict[tuple[str, str], tuple[int, int]]:
    out = {}
    for block in statutory.TABLE_A_BLOCKS:
        head = s.find(block.header, what="栏目")
        if head is None:
            continue
        info = s.find(statutory.INFO_CONTENT, what=f"{block.header}的表头", after_row=head[0])
        if info is None:
            continue
        cols = {k: s.find(label, what=f"{block.header}的列", row=info[0], min_col=info[1] + 1)
                for k, label in block.columns}
        rows = {k: s.find(label, what="行", after_row=info[0]) for k, label in block.rows}
        out.update({(rk, ck): (rows[rk][0], cols[ck][1]) for rk in rows for ck in cols
                    if rows[rk] and cols[ck]})
    return out


def _positions_b(s: _Sheet) -> dict[tuple[str, str], tuple[int, int]]:
    rows = {k: s.find(statutory.TABLE_B_ROW[k].label, what="行")
            for k in statutory.TABLE_B_NUMERIC_ROWS}
    cols = {k: s.find(label, what="列") for k, label in statutory.TABLE_B_COLUMNS}
    return {(rk, ck): (rows[rk][0], cols[ck][1]) for rk in rows for ck in cols
            if rows[rk] and cols[ck]}


def _positions_c(s: _Sheet) -> dict[tuple[str, str], tuple[int, int]]:
    out = {}
    for group, group_label in statutory.TABLE_C_GROUPS:
        head = s.find(group_label, what="栏目")
        if head is None:
            continue
        first_key, first_label = statutory.TABLE_C_COLUMNS[0]
        start = s.find(first_label, what=f"{group_label}的列", after_row=head[0], min_col=head[1])
        if start is None:
            continue
        cols = {first_key: start[1]}
        for key, label in statutory.TABLE_C_COLUMNS[1:]:
            found = s.find(label, what=f"{group_label}的列", row=start[0], min_col=start[1])
            if found:
                cols[key] = found[1]
        value_row = next((r for r in range(start[0] + 1, len(s.grid))
                          if any(_filled(s.grid[r], c) for c in cols.values())), start[0] + 1)
        out.update({(group, k): (value_row, c) for k, c in cols.items()})
    return out


def _filled(row: list, c: int) -> bool:
    return c < len(row) and not (isinstance(row[c], str) and not row[c].strip())


def _read_figures(s: _Sheet) -> dict[str, int | float | None]:
    header = s.find(FIGURE_VALUE_HEADER, what="表头")
    if header is None:
        return {}
    out = {}
    for key, label in FIGURES.items():
        hits = [rc for rc in s.labels.get(_norm(label), ()) if rc[0] > header[0]]
        if not hits and key in HISTORY_FIGURES:
            s.add("HI003", what="项目", label=label)
        if hits:
            out[key] = s.value(hits[0][0], header[1], f"{FIGURES_SHEET}“{label}”")
    return out


_LOCATORS = {"A": _positions_a, "B": _positions_b, "C": _positions_c}


def read_published(path: str | Path, year: int, *, file: str | None = None
                   ) -> tuple[YearTables, list[Finding]]:
    """Read a published-tables (or consolidated) workbook. `file` names it in findings
    (default: the file name). Cells that cannot be read stay None, each with a finding."""
    path = Path(path)
    file = file or path.name
    tables = empty_tables(year, "published")
    findings: list[Finding] = []
    if not path.is_file():
        return tables, [finding("HI001", file=file, year=year, reason="文件不存在")]
    grids, reason = sheet_reading.read_grids(path, [*SHEETS.values(), FIGURES_SHEET])
    if reason is not None:
        return tables, [finding("HI001", file=file, year=year, reason=reason)]

    def sheet(name: str) -> _Sheet | None:
        if name not in grids:
            findings.append(finding("HI002", file=file, year=year, name=name))
            return None
        return _Sheet(grids[name], name, file, year, findings)

    for tbl, locate in _LOCATORS.items():
        s = sheet(SHEETS[tbl])
        if s is None:
            continue
        cells = tables.table(tbl)
        start = len(findings)
        for key, (r, c) in locate(s).items():
            cells[key] = s.value(r, c, where(tbl, *key))
        blanks = [f for f in findings[start:] if f.rule == "HI004"]
        if len(blanks) == len(cells):  # an untouched form: one finding, not one per cell
            findings[start:] = [f for f in findings[start:] if f.rule != "HI004"]
            findings.append(finding("HI006", file=file, sheet=s.name, year=year,
                                    heading=TABLE_HEADINGS[tbl]))
    s = sheet(FIGURES_SHEET)
    if s is not None:
        tables.figures = _read_figures(s)
    return tables, findings
