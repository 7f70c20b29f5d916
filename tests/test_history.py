"""The published-tables workbook: written by openpyxl, read back with calamine by label."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl

from pipeline.core import statutory
from pipeline.core.cell_names import FIGURES_SHEET, SHEETS
from pipeline.core.model import FIGURES, YearTables, empty_tables
from pipeline.core.records import Lineage
from pipeline.workbooks import layout
from pipeline.workbooks.published import (
    FIGURE_VALUE_HEADER,
    LINEAGE_SHEET,
    REGISTER_LINEAGE_SHEET,
    read_published,
    write_published,
)
from tests import seed_tables as st

NATURAL = statutory.NATURAL_PERSON[1]


def distinct_tables(year=2021) -> YearTables:
    """Every cell a different number, so a value read from the wrong cell is noticed."""
    t = empty_tables(year, "published")
    n = 1
    for tbl in ("A", "B", "C"):
        for key in t.table(tbl):
            t.table(tbl)[key] = n
            n += 1
    t.a[("fees", "amount")] = 1.25
    t.figures = {"items_published": 980, "interpretations": 10}
    return t


def test_round_trip_of_the_sample_and_the_seed(tmp_path):
    for y, made in ((2022, st.sample_2022), (2023, st.seed_2023)):
        a, b, c = made()
        t = YearTables(y, "published", a, b, c, dict(st.SAMPLE_FIGURES[y], answered_late=0))
        path = tmp_path / f"{y}.xlsx"
        write_published(path, t, title=f"{y}年汇总报表")
        back, findings = read_published(path, y)
        assert findings == []
        assert back == t


def test_round_trip_of_distinct_values(tmp_path):
    t = distinct_tables()
    write_published(tmp_path / "t.xlsx", t, title="2021年已公开报表")
    back, findings = read_published(tmp_path / "t.xlsx", 2021)
    assert findings == [] and back == t
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]  # no temporary file left


def test_sheets_and_official_labels(tmp_path):
    write_published(tmp_path / "t.xlsx", distinct_tables(), title="标题")
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames == [SHEETS["A"], SHEETS["B"], SHEETS["C"], FIGURES_SHEET]
    texts = {c.value for ws in wb for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)}
    assert statutory.TABLE_B_CORNER in texts
    assert {r.label for r in statutory.TABLE_B_ROWS} <= texts
    assert {b.header for b in statutory.TABLE_A_BLOCKS} <= texts
    assert {label for _, label in statutory.CASE_RESULTS} <= texts
    assert {statutory.PART_HEADINGS[k] for k in ("proactive", "applications", "appeals")} <= texts
    assert {FIGURES["items_published"], FIGURES["interpretations"]} <= texts
    assert not texts & set(statutory.SUPERSEDED_LABELS)


def test_blank_form_reads_as_not_filled(tmp_path):
    write_published(tmp_path / "b.xlsx", distinct_tables(), title="请填写", blank=True)
    t, findings = read_published(tmp_path / "b.xlsx", 2020)
    assert t.year == 2020 and t.source == "published"
    for tbl in ("A", "B", "C"):
        assert set(t.table(tbl).values()) == {None}
    assert t.figures == {"items_published": None, "interpretations": None}
    assert sorted(f.rule for f in findings) == ["HI004", "HI004", "HI006", "HI006", "HI006"]
    wb = openpyxl.load_workbook(tmp_path / "b.xlsx")
    assert all(c.value is None for c in wb[SHEETS["B"]]["D"][5:])


def _write_rearranged(path, t: YearTables) -> None:
    """A hand-made published workbook: blocks reordered, blank rows inserted, columns moved,
    half-width brackets typed in a few labels."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEETS["A"]
    r = 3
    for block in reversed(statutory.TABLE_A_BLOCKS):
        ws.cell(r, 2, block.header)
        ws.cell(r + 2, 2, statutory.INFO_CONTENT)     # a blank row between header and columns
        for j, (_, label) in enumerate(block.columns, start=3):
            ws.cell(r + 2, j, label)
        r += 3
        for row_key, label in block.rows:
            ws.cell(r, 2, label)
            for j, (col_key, _) in enumerate(block.columns, start=3):
                ws.cell(r, j, t.a[(row_key, col_key)])
            r += 2                                       # a blank row after every row
    ws = wb.create_sheet(SHEETS["B"])
    cols = list(reversed(statutory.TABLE_B_COLUMNS))     # the total column first
    for j, (_, label) in enumerate(cols, start=3):
        ws.cell(2, j, label)
    for i, key in enumerate(statutory.TABLE_B_NUMERIC_ROWS):
        r = 4 + i + (i >= 10)                            # a blank row in the middle
        ws.cell(r, 1, statutory.TABLE_B_ROW[key].label.replace("（", "(").replace("）", ")"))
        for j, (col_key, _) in enumerate(cols, start=3):
            ws.cell(r, j, t.b[(key, col_key)])
    ws = wb.create_sheet(SHEETS["C"])
    for i, (group, label) in enumerate(reversed(statutory.TABLE_C_GROUPS)):
        top = 2 + 5 * i                                  # the groups stacked, not side by side
        ws.cell(top, 3, label)
        for j, (col_key, col_label) in enumerate(statutory.TABLE_C_COLUMNS, start=3):
            ws.cell(top + 1, j, col_label)
            ws.cell(top + 3, j, t.c[(group, col_key)])   # a blank row before the numbers
    ws = wb.create_sheet(FIGURES_SHEET)
    ws.cell(5, 3, FIGURE_VALUE_HEADER)
    ws.cell(7, 2, FIGURES["interpretations"])
    ws.cell(7, 3, t.figures["interpretations"])
    ws.cell(9, 2, FIGURES["items_published"])
    ws.cell(9, 3, t.figures["items_published"])
    wb.save(path)


def test_cells_are_found_by_label_not_position(tmp_path):
    t = distinct_tables()
    _write_rearranged(tmp_path / "moved.xlsx", t)
    back, findings = read_published(tmp_path / "moved.xlsx", 2021)
    assert findings == []
    assert back == t


def test_blank_dash_none_and_text_cells(tmp_path):
    t = distinct_tables()
    path = tmp_path / "t.xlsx"
    write_published(path, t, title="标题")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEETS["B"]]
    # Row 6 is the first row (new applications); columns D (natural persons) to J (total).
    assert ws["A6"].value == statutory.TABLE_B_ROW["new"].label
    ws["D6"], ws["E6"], ws["F6"], ws["G6"] = None, "/", "无", "3条"
    wb.save(path)
    back, findings = read_published(path, 2021, file="2021/2021年已公开报表.xlsx")
    assert [back.b[("new", k)] for k in ("natural", "business", "research", "nonprofit")] == [
        None, None, None, None]
    got = sorted((f.rule, f.severity, f.cell) for f in findings)
    assert got == [("HI004", "warning", "D6"), ("HI004", "warning", "E6"),
                   ("HI004", "warning", "F6"), ("HI005", "error", "G6")]
    text = next(f for f in findings if f.rule == "HI005")
    assert "3条" in text.message and text.file == "2021/2021年已公开报表.xlsx"
    assert text.sheet == SHEETS["B"] and text.year == 2021
    assert statutory.TABLE_B_ROW["new"].label in text.message


def test_missing_label_and_missing_sheet(tmp_path):
    path = tmp_path / "t.xlsx"
    write_published(path, distinct_tables(), title="标题")
    wb = openpyxl.load_workbook(path)
    wb[SHEETS["B"]]["A7"] = "上年结转"                  # the official label was shortened
    del wb[SHEETS["C"]]
    wb.save(path)
    back, findings = read_published(path, 2021)
    assert sorted(f.rule for f in findings) == ["HI002", "HI003"]
    assert all(back.b[("carried_in", k)] is None for k, _ in statutory.TABLE_B_COLUMNS)
    assert set(back.c.values()) == {None}
    assert back.b[("new", "natural")] is not None


def test_a_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook")
    t, findings = read_published(path, 2021)
    assert [f.rule for f in findings] == ["HI001"] and set(t.b.values()) == {None}


def _with_entity(src: Path, dst: Path) -> None:
    """A copy of an .xlsx whose workbook part declares an XML entity (a "billion laughs")."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/workbook.xml":
                head, _, body = data.rpartition(b"?>")  # after the declaration, if any
                data = head + _ + b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + body
            zout.writestr(info, data)


def test_published_tables_pass_the_same_safety_checks_as_quarter_workbooks(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    t, findings = read_published(empty, 2021)
    assert [f.rule for f in findings] == ["HI001"] and "文件是空的" in findings[0].message
    assert set(t.b.values()) == {None}
    good = tmp_path / "good.xlsx"
    write_published(good, YearTables(2021, "published", *st.seed_2023(),
                                     figures=dict(st.SAMPLE_FIGURES[2023])), title="2021年")
    assert read_published(good, 2021)[1] == []
    bad = tmp_path / "entity.xlsx"
    _with_entity(good, bad)
    t, findings = read_published(bad, 2021)
    assert [f.rule for f in findings] == ["HI001"] and "XML 实体" in findings[0].message
    assert set(t.a.values()) == {None}


F1 = "2023/第1季度/2023年第1季度-街道本级.xlsx"
F2 = "2023/第2季度/2023年第2季度-青松社区.xlsx"
GRID, APPS, CASES = layout.SHEET_ARTICLE20, layout.SHEET_APPLICATIONS, layout.SHEET_CASES
TOTAL = statutory.TOTAL[1]
FORMULA_LIKE = "=HYPERLINK()"  # a unit name typed in a workbook: written as text, never run


def _lineage() -> list[Lineage]:
    """Two files: a grid cell from one fixed cell, a zero and a blank grid cell, a grid cell
    from two different cells, an application cell fed by three register rows, a case."""
    def x(tbl, row, col, file, sheet, cell, value):
        unit, q = ("街道本级", 1) if file == F1 else (FORMULA_LIKE, 2)
        return Lineage(2023, tbl, row, col, unit, q, file, sheet, cell, value)

    return [x("A", "rules", "made", F1, GRID, "B5", 2), x("A", "rules", "made", F2, GRID, "B5", 3),
            x("A", "rules", "repealed", F1, GRID, "C5", 0),
            x("A", "rules", "repealed", F2, GRID, "C5", 0),
            x("A", "normative", "made", F1, GRID, "B6", None),
            x("A", "penalty", "decisions", F1, GRID, "C9", 1),
            x("A", "penalty", "decisions", F2, GRID, "C10", 1),
            *(x("B", "new", col, f, APPS, cell, 1) for f, cell in ((F1, "A10"), (F1, "A6"),
                                                                  (F2, "A5"))
              for col in ("natural", "total")),
            x("B", "new", "business", F1, APPS, "A7", 0),
            x("C", "review", "upheld", F2, CASES, "A5", 1),
            x("C", "review", "total", F2, CASES, "A5", 1)]


def _lineage_tables() -> YearTables:
    t = distinct_tables(2023)
    t.a.update({("rules", "made"): 5, ("rules", "repealed"): 0, ("normative", "made"): 0,
                ("penalty", "decisions"): 2})
    t.b.update({("new", "natural"): 3, ("new", "total"): 3, ("new", "business"): 0})
    t.c.update({("review", "upheld"): 1, ("review", "total"): 1})
    return t


def _block(ws, rows: range, first_col: int) -> list[list]:
    return [[ws.cell(r, c).value for c in range(first_col, ws.max_column + 1)] for r in rows]


def test_lineage_sheet_is_a_matrix_of_files_for_grid_cells(tmp_path):
    t = _lineage_tables()
    path = tmp_path / "out.xlsx"
    write_published(path, t, title="2023年汇总报表", lineage=_lineage())
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[-2:] == [LINEAGE_SHEET, REGISTER_LINEAGE_SHEET]
    ws = wb[LINEAGE_SHEET]
    assert REGISTER_LINEAGE_SHEET in ws["A1"].value and "A1:B5" in ws.merged_cells
    # Only the grid cell with one fixed source: zero, blank and row-by-row cells are not here.
    assert _block(ws, range(1, 6), 3) == [
        ["表格", SHEETS["A"]],
        ["行", statutory.TABLE_A_ROW_LABELS["rules"]],
        ["列", statutory.table_a_column_label("rules", "made")],
        ["来源", f"{GRID}!B5"],
        ["合计", 5]]
    assert _block(ws, range(6, ws.max_row + 1), 1) == [
        ["单位", "季度", "文件", None],
        ["街道本级", 1, F1, 2],
        [FORMULA_LIKE, 2, F2, 3]]
    assert ws["D7"].value + ws["D8"].value == ws["D5"].value
    assert ws["A8"].data_type == "s" and ws["A8"].quotePrefix
    assert ws.freeze_panes == "D7" and ws.auto_filter.ref == "A6:D8"
    back, findings = read_published(path, 2023)   # the extra sheets do not disturb reading
    assert findings == [] and back == t


def test_register_lineage_sheet_is_a_matrix_of_register_rows(tmp_path):
    path = tmp_path / "out.xlsx"
    write_published(path, _lineage_tables(), title="2023年汇总报表", lineage=_lineage())
    ws = openpyxl.load_workbook(path)[REGISTER_LINEAGE_SHEET]
    new = statutory.TABLE_B_ROW["new"].label
    review = dict(statutory.TABLE_C_GROUPS)["review"]
    assert _block(ws, range(1, 5), 5) == [
        ["表格", SHEETS["A"], SHEETS["B"], SHEETS["B"], SHEETS["C"], SHEETS["C"]],
        ["行", statutory.TABLE_A_ROW_LABELS["penalty"], new, new, review, review],
        ["列", statutory.table_a_column_label("penalty", "decisions"), NATURAL, TOTAL,
         dict(statutory.CASE_RESULTS)["upheld"], TOTAL],
        ["合计", 2, 3, 3, 1, 1]]
    rows = _block(ws, range(5, ws.max_row + 1), 1)
    assert rows == [
        ["单位", "季度", "文件", "工作表", "单元格", None, None, None, None, None],
        ["街道本级", 1, F1, APPS, "A6", None, 1, 1, None, None],   # A6 before A10
        ["街道本级", 1, F1, APPS, "A10", None, 1, 1, None, None],
        ["街道本级", 1, F1, GRID, "C9", 1, None, None, None, None],
        [FORMULA_LIKE, 2, F2, APPS, "A5", None, 1, 1, None, None],
        [FORMULA_LIKE, 2, F2, CASES, "A5", None, None, None, 1, 1],
        [FORMULA_LIKE, 2, F2, GRID, "C10", 1, None, None, None, None]]
    assert [sum(r[j] or 0 for r in rows[1:]) for j in range(5, 10)] == [2, 3, 3, 1, 1]
    assert all(ws.cell(r, 1).data_type == "s" for r in range(6, 12))
    assert ws.freeze_panes == "F6" and ws.auto_filter.ref == "A5:J11"


def test_lineage_sheets_without_contributions_keep_their_shape(tmp_path):
    path = tmp_path / "out.xlsx"
    write_published(path, distinct_tables(2023), title="标题", lineage=[])
    wb = openpyxl.load_workbook(path)
    ws, reg = wb[LINEAGE_SHEET], wb[REGISTER_LINEAGE_SHEET]
    assert [c.value for c in ws[6]] == ["单位", "季度", "文件"] and ws.max_row == 7
    assert [c.value for c in reg[5]] == ["单位", "季度", "文件", "工作表", "单元格"]
    assert reg.max_row == 6 and reg.auto_filter.ref == "A5:E5"
    # an empty sheet says why it is empty, below the headers, once
    for sheet, row in ((ws, 7), (reg, 6)):
        assert "本表只有表头" in sheet.cell(row, 1).value
        assert [c.value for c in sheet[row]][1:] == [None] * (sheet.max_column - 1)
