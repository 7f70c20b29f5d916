"""The published-tables workbook: written by openpyxl, read back with calamine by label."""

from __future__ import annotations

import openpyxl

from pipeline import statutory
from pipeline.history import (
    FIGURE_VALUE_HEADER,
    FIGURES_SHEET,
    LINEAGE_SHEET,
    SHEETS,
    read_published,
    write_published,
)
from pipeline.model import FIGURES, YearTables, empty_tables
from pipeline.store import Lineage
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


def test_lineage_sheet_lists_every_contribution(tmp_path):
    t = YearTables(2023, "workbooks", *st.seed_2023(), figures=dict(st.SAMPLE_FIGURES[2023]))
    file = "2023/第2季度/2023年第2季度-街道本级.xlsx"
    lineage = [Lineage(2023, "B", "new", "natural", "街道本级", 2, file, "依申请公开台账", "A5", 1),
               Lineage(2023, "B", "new", "natural", "青松社区", 3, "f.xlsx", "=HYPERLINK()",
                       "A6", 1)]
    path = tmp_path / "out.xlsx"
    write_published(path, t, title="2023年汇总报表", lineage=lineage)
    ws = openpyxl.load_workbook(path)[LINEAGE_SHEET]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    n_cells = (len(statutory.TABLE_A_CELLS) + len(statutory.TABLE_B_CELLS)
               + len(statutory.TABLE_C_CELLS))
    assert len(rows) == n_cells + 1          # one cell has two contributions
    new_natural = [r for r in rows if r[1] == statutory.TABLE_B_ROW["new"].label
                   and r[2] == NATURAL]
    assert new_natural == [
        (SHEETS["B"], statutory.TABLE_B_ROW["new"].label, NATURAL, 1, "街道本级", 2, file,
         "依申请公开台账", "A5", 1),
        (SHEETS["B"], statutory.TABLE_B_ROW["new"].label, NATURAL, 1, "青松社区", 3, "f.xlsx",
         "=HYPERLINK()", "A6", 1)]
    # A numbered outcome is named with its group, not by "1." alone.
    assert (SHEETS["B"], statutory.outcome_choice("unavailable_1"), NATURAL, 1) in [
        r[:4] for r in rows]
    formula_like = next(c for row in ws.iter_rows() for c in row if c.value == "=HYPERLINK()")
    assert formula_like.data_type == "s"
    back, findings = read_published(path, 2023)   # the extra sheet does not disturb reading
    assert findings == [] and back.b == t.b
