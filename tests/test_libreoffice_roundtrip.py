"""A filled template saved by LibreOffice reads back exactly, dropdowns and protection intact.

Officers open the workbook in Excel, WPS or LibreOffice and save it; the program that saved it
must not matter. Runs in CI (LibreOffice is required there, see tests/lo.py).
"""

from __future__ import annotations

import shutil
from datetime import date

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from pipeline.workbooks import filenames, layout
from pipeline.workbooks.reading import ingest_file
from pipeline.workbooks.template import QuarterData, write_workbook
from tests.lo import convert

UNIT, YEAR, QUARTER = "街道本级", 2023, 3


def _inputs(config) -> dict[tuple[str, str, str], object]:
    """A different number in every input cell of every grid. Values fall along each row, so a
    category's channels stay below its distinct count; amounts get a fraction."""
    out: dict[tuple[str, str, str], object] = {}
    for grid in layout.grids(config):
        for inp in grid.inputs:
            n = 900 - len(out)
            out[(inp.topic, inp.key, inp.dim)] = n + 0.25 if inp.kind == layout.AMOUNT else n
    return out


APPLICATIONS = [
    {"app_id": "2023-010", "received": date(2023, 7, 3), "channel": "信函",
     "applicant_class": "自然人", "name": "测试甲", "phone": "13000000001",
     "id_number": "110000000000000001", "summary": "测试摘要甲",
     "correction_sent": date(2023, 7, 5), "correction_received": date(2023, 7, 9),
     "extended": "是", "consult_days": 3, "answered": date(2023, 8, 1),
     "outcome": "（一）予以公开", "fee": 12.5, "remark": "测试备注甲"},
    {"app_id": "0012", "received": date(2022, 12, 28), "channel": "网络平台",
     "applicant_class": "商业企业", "extended": "否", "consult_days": 0,
     "answered": date(2023, 7, 20), "outcome": "（三）不予公开：4.保护第三方合法权益", "fee": 0},
    {"app_id": "2023-011", "received": date(2023, 9, 20), "channel": "电子邮件",
     "applicant_class": "社会公益组织"},
]
CASES = [
    {"case_id": "2023-F01", "kind": "行政复议", "received": date(2023, 8, 2), "result": "结果维持"},
    {"case_id": "2023-S01", "kind": "复议后起诉", "received": date(2023, 9, 1), "result": "尚未审结"},
]


@pytest.fixture(scope="module")
def saved(config, tmp_path_factory):
    """(original path, its workbooks root, LibreOffice-saved path, its workbooks root)."""
    tmp = tmp_path_factory.mktemp("lo")
    orig_root, lo_root = tmp / "original", tmp / "libreoffice"
    original = write_workbook(config, filenames.quarter_path(orig_root, YEAR, QUARTER, UNIT), UNIT,
                              YEAR, QUARTER, data=QuarterData(
                                  inputs=_inputs(config), applications=APPLICATIONS, cases=CASES))
    converted = convert(original, "xlsx", tmp / "converted", tmp / "lo-profile")
    target = filenames.quarter_path(lo_root, YEAR, QUARTER, UNIT)
    target.parent.mkdir(parents=True)
    shutil.copy(converted, target)
    assert target.read_bytes() != original.read_bytes()  # really rewritten by LibreOffice
    return original, orig_root, target, lo_root


def test_reads_back_exactly_after_a_libreoffice_save(config, saved):
    original, orig_root, target, lo_root = saved
    before = ingest_file(config, orig_root, original)
    after = ingest_file(config, lo_root, target)
    assert (before.findings, after.findings) == ([], [])
    assert after.accepted and after.header == before.header
    # same relative path and cells, so records compare whole, lineage included
    assert after.facts == before.facts
    assert after.applications == before.applications
    assert after.cases == before.cases
    # and they are what was typed, not just the same mistake twice
    assert {(f.topic, f.key, f.dim): f.value for f in after.facts} == _inputs(config)
    apps = {a.app_id: a for a in after.applications}
    assert sorted(apps) == ["0012", "2023-010", "2023-011"]
    a = apps["2023-010"]
    assert (a.received, a.channel, a.applicant_class, a.correction_sent, a.correction_received,
            a.extended, a.consult_days, a.answered, a.outcome, a.fee) == (
        date(2023, 7, 3), "信函", "natural", date(2023, 7, 5), date(2023, 7, 9), True, 3,
        date(2023, 8, 1), "disclosed", 12.5)
    b = apps["0012"]
    assert (b.received, b.answered, b.outcome, b.applicant_class) == (
        date(2022, 12, 28), date(2023, 7, 20), "withheld_4", "business")
    assert (apps["2023-011"].answered, apps["2023-011"].outcome) == (None, None)
    assert [(c.case_id, c.kind, c.received, c.result) for c in after.cases] == [
        ("2023-F01", "review", date(2023, 8, 2), "upheld"),
        ("2023-S01", "suit_after_review", date(2023, 9, 1), "pending")]


def _cells(sqref) -> frozenset[str]:
    return frozenset(f"{get_column_letter(col)}{row}"
                     for rng in sqref.ranges for row, col in rng.cells)


def _validations(ws) -> set[tuple]:
    """Each validation as what it does and where, whatever ranges the saving program wrote.
    LibreOffice also writes an operator and upper bound where they mean nothing (lists,
    one-sided comparisons); those are left out."""
    out = set()
    for dv in ws.data_validations.dataValidation:
        operator = None if dv.type == "list" else dv.operator or "between"
        upper = dv.formula2 if operator in ("between", "notBetween") else None
        out.add((dv.type, operator, dv.formula1, upper, bool(dv.allow_blank),
                 bool(dv.showErrorMessage), dv.errorStyle, dv.error, _cells(dv.sqref)))
    return out


def test_dropdowns_and_protection_survive_a_libreoffice_save(config, saved):
    original, _, target, _ = saved
    before, after = openpyxl.load_workbook(original), openpyxl.load_workbook(target)
    assert after.sheetnames == before.sheetnames == list(layout.SHEETS)
    for name in layout.SHEETS:
        ws = after[name]
        assert ws.protection.sheet, name
        assert _validations(ws) == _validations(before[name]), name
        assert ws.sheet_state == ("hidden" if name == layout.SHEET_LISTS else "visible")
    outcome = next(dv for dv in after[layout.SHEET_APPLICATIONS].data_validations.dataValidation
                   if dv.formula1 == "list_outcome")
    n = layout.APPLICATIONS.letter("outcome")
    assert _cells(outcome.sqref) == {f"{n}{r}" for r in range(layout.FIRST_ROW,
                                                              layout.APPLICATIONS.last_row + 1)}
    # the named lists still point at the hidden sheet and hold the same choices
    lists = after[layout.SHEET_LISTS]
    for name, choice in layout.choice_lists(config).items():
        sheet, cells = after.defined_names[name].attr_text.replace("'", "").split("!")
        assert sheet == layout.SHEET_LISTS
        assert [c.value for (c,) in lists[cells.replace("$", "")]] == [t for _, t in choice.items]
    # input cells stay unlocked, labels locked
    for grid in layout.grids(config):
        ws = after[grid.sheet]
        assert not any(ws[inp.cell].protection.locked for inp in grid.inputs), grid.sheet
        assert all(ws[cell].protection.locked for cell, _ in grid.labels), grid.sheet
    apps = after[layout.SHEET_APPLICATIONS]
    assert not apps[f"A{layout.APPLICATIONS.last_row}"].protection.locked
    assert apps[f"A{layout.HEADER_ROW}"].protection.locked
