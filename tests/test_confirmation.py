"""The 填报确认 an officer fills, and what it makes of blank cells: an untouched template is
未填, a return declared complete may not leave a cell blank, a quarter declared empty counts
its blank flows as 0 and keeps its stocks."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from pipeline.workbooks import filenames, layout, reading
from pipeline.workbooks.template import write_workbook
from tests import officer
from tests.consolidation import consolidate_year

UNIT = "青松社区"


@pytest.fixture
def issued(config, tmp_path):
    """A template of 2024 Q1 as `xxgk init` issues it."""
    path = filenames.quarter_path(tmp_path, 2024, 1, UNIT)
    write_workbook(config, path, UNIT, 2024, 1)
    return path


def read(config, path):
    root = path.parents[2]
    return reading.ingest_file(config, root, path)


def rules(result):
    return [(f.rule, f.sheet, f.cell) for f in result.findings]


def test_an_issued_template_is_untouched_and_says_nothing_cell_by_cell(config, issued):
    result = read(config, issued)
    assert result.accepted and result.header.touched is False
    assert result.header.declaration is None
    assert result.findings == []  # not one IN101 per blank cell: the return is 未填 as a whole
    assert all(f.value is None for f in result.facts)  # and silence is not a zero


def test_opened_and_saved_unchanged_it_is_still_untouched(config, issued):
    wb = openpyxl.load_workbook(issued)
    wb.save(issued)
    assert read(config, issued).header.touched is False


def test_one_typed_cell_makes_it_touched_and_the_blanks_are_noted(config, issued):
    sheet, cell = officer.grid_cell(config, "disclosure", "党建工作")
    officer.type_into(issued, {sheet: {cell: 4}})
    result = read(config, issued)
    assert result.header.touched is True
    blanks = [f for f in result.findings if f.rule == "IN101"]
    assert len(blanks) == len(result.facts) - 1 and all(f.severity == "note" for f in blanks)


def test_a_confirmed_return_is_read_with_its_officer(config, issued):
    officer.fill_and_confirm(config, issued, officer="张某", phone="0472-1234567",
                             day=date(2024, 4, 9))
    result = read(config, issued)
    h = result.header
    assert (h.declaration, h.officer, h.officer_phone, h.confirmed_on) == (
        "done", "张某", "0472-1234567", date(2024, 4, 9))
    assert result.findings == []


def test_a_confirmed_return_may_not_leave_a_cell_blank(config, issued):
    cells = officer.every_input(config)
    sheet, cell = officer.grid_cell(config, "interpretation", "会议")
    cells[sheet][cell] = None
    officer.type_into(issued, {**cells, **officer.confirmation()})
    result = read(config, issued)
    assert rules(result) == [("IN108", sheet, cell)]
    f = result.findings[0]
    assert f.severity == "error" and "已确认“本季度填报完毕”" in f.message
    assert "没有的请填0" in f.message and "尚未填完" in f.message


@pytest.mark.parametrize("missing, cell", [("officer", "officer"), ("phone", "phone"),
                                           ("day", "date")])
def test_a_confirmation_needs_who_how_to_reach_and_when(config, issued, missing, cell):
    officer.fill_and_confirm(config, issued, **{missing: None})
    result = read(config, issued)
    assert rules(result) == [("ST001", layout.SHEET_HEADER, layout.CONFIRM_CELLS[cell])]
    assert "已选择“本季度填报完毕”" in result.findings[0].message


def test_a_phone_that_is_not_one_and_a_date_before_the_quarter(config, issued):
    officer.fill_and_confirm(config, issued, phone="无", day=date(2023, 12, 1))
    result = read(config, issued)
    assert rules(result) == [("ST001", layout.SHEET_HEADER, layout.CONFIRM_CELLS["phone"]),
                             ("ST003", layout.SHEET_HEADER, layout.CONFIRM_CELLS["date"])]
    officer.fill_and_confirm(config, issued, phone="12345")
    assert rules(read(config, issued)) == [
        ("ST002", layout.SHEET_HEADER, layout.CONFIRM_CELLS["phone"])]


def test_a_quarter_declared_empty_counts_its_blank_flows_as_zero(config, issued):
    officer.type_into(issued, officer.confirmation(layout.NOTHING))
    result = read(config, issued)
    assert result.findings == [] and result.header.declaration == "nothing"
    stocks = {(f.key, f.dim) for f in result.facts if f.dim == "in_force"}
    assert stocks == {("rules", "in_force"), ("normative", "in_force")}
    assert all(f.value is None for f in result.facts if f.dim == "in_force")  # unchanged
    assert all(f.value == 0 for f in result.facts if f.dim != "in_force")  # vouched zeros


def test_a_quarter_declared_empty_holds_no_event(config, issued):
    sheet, cell = officer.grid_cell(config, "disclosure", "党建工作")
    officer.type_into(issued, {sheet: {cell: 2}, **officer.confirmation(layout.NOTHING)})
    wb = openpyxl.load_workbook(issued)
    reg = wb[layout.SHEET_APPLICATIONS]
    reg["A4"], reg["B4"], reg["D4"] = "2024-001", date(2024, 2, 1), "自然人"
    wb.save(issued)
    result = read(config, issued)
    st = [r for r in rules(result) if r[0] == "ST004"]
    assert st == [("ST004", sheet, cell), ("ST004", layout.SHEET_APPLICATIONS, "A4")]
    message = next(f.message for f in result.findings if f.rule == "ST004")
    assert "选择了“本季度无新增事项”" in message and f"{cell} 1 个单元格填有数字" in message


def test_a_stock_a_quarter_declared_empty_left_blank_stays_as_it_was(config, tmp_path):
    """Q3 states 3 normative documents in force; Q4 declares nothing new and leaves it blank:
    the year ends with 3, not 0."""
    results = []
    for q in (3, 4):
        path = filenames.quarter_path(tmp_path, 2024, q, "街道本级")
        write_workbook(config, path, "街道本级", 2024, q)
        if q == 3:
            sheet, cell = officer.grid_cell(config, "article20", "normative", "in_force")
            officer.fill_and_confirm(config, path, {sheet: {cell: 3}}, day=date(2024, 10, 8))
        else:
            officer.type_into(path, officer.confirmation(layout.NOTHING, day=date(2025, 1, 8)))
        results.append(reading.ingest_file(config, tmp_path, path))
    c = consolidate_year(config, 2024, [r.header for r in results],
                         [f for r in results for f in r.facts], [], [], None,
                         as_of=date(2024, 12, 31))
    assert c.tables.a[("normative", "in_force")] == 3
    assert c.tables.a[("normative", "made")] == 0
