"""The quarter workbook template: protection, dropdowns, validations, init and roll-forward."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date

import openpyxl
import pytest

from pipeline.workbooks import filenames, reading
from pipeline.workbooks.issue import init_year
from pipeline.workbooks.template import QuarterData, write_workbook


@pytest.fixture(scope="module")
def blank(config, tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "blank.xlsx"
    write_workbook(config, path, "青松社区", 2023, 2)
    return openpyxl.load_workbook(path)


@pytest.fixture
def two_units(config):
    """The configuration with two units, to keep the roll-forward tests quick."""
    return dataclasses.replace(config, units=("街道本级", "明德社区"))


def _validations(ws):
    return list(ws.data_validations.dataValidation)


def _validation_at(ws, cell):
    found = [dv for dv in _validations(ws) if cell in dv.sqref]
    assert len(found) == 1, cell
    return found[0]


def _list_values(wb, name):
    """The texts a defined name points to, read from the hidden sheet."""
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    return [row[0].value for row in wb[sheet][ref.replace("$", "")]]


def test_sheets_in_chinese_in_order_with_the_lists_hidden(blank):
    assert blank.sheetnames == ["填表说明", "基本信息", "主动公开", "政策解读", "第二十条",
                                "依申请公开台账", "复议诉讼台账", "管理与监督", "下拉选项"]
    assert blank["下拉选项"].sheet_state == "hidden"
    assert all(blank[s].sheet_state == "visible" for s in blank.sheetnames[:-1])


def test_header_carries_unit_year_quarter_version_and_is_locked(blank):
    ws = blank["基本信息"]
    assert [ws["A4"].value, ws["A5"].value, ws["A6"].value, ws["A7"].value] == [
        "填报单位", "年度", "季度", "报表版本"]
    assert [ws["B4"].value, ws["B5"].value, ws["B6"].value, ws["B7"].value] == [
        "青松社区", 2023, 2, "2025.1"]
    assert ws.protection.sheet and ws.protection.password is None
    assert ws["B4"].protection.locked


def test_every_sheet_protected_inputs_unlocked_labels_locked(blank):
    for name in blank.sheetnames:
        assert blank[name].protection.sheet, name
    ws = blank["主动公开"]
    assert ws["A4"].value == "党建工作" and ws["A4"].protection.locked
    assert ws["B3"].value == "本季度公开条数（去重）" and ws["B3"].protection.locked
    assert ws["C3"].value == "政府网站"
    assert not ws["B4"].protection.locked and not ws["H13"].protection.locked
    reg = blank["依申请公开台账"]
    assert reg["A3"].protection.locked and not reg["A4"].protection.locked
    assert not reg["P103"].protection.locked


def test_disclosure_note_explains_distinct_counting(blank):
    note = blank["主动公开"]["A2"].value
    assert "只计一次" in note and "本季度公开条数（去重）" in note


def test_article20_uses_statutory_rows_and_quarter_wording(blank):
    ws = blank["第二十条"]
    assert ws["A3"].value == "第二十条第（一）项"
    assert [ws["A4"].value, ws["B4"].value, ws["C4"].value, ws["D4"].value] == [
        "信息内容", "本季制发件数", "本季废止件数", "季末现行有效件数"]
    assert [ws["A5"].value, ws["A6"].value] == ["规章", "行政规范性文件"]
    assert ws["A16"].value == "行政事业性收费"
    assert ws["B15"].value == "本季收费金额（单位：万元）"


def test_registers_have_the_columns_in_order(blank):
    reg = blank["依申请公开台账"]
    assert [c.value for c in reg[3]] == [
        "申请编号", "收到日期", "收到方式", "申请人类型", "申请人姓名", "联系电话", "证件号码",
        "申请内容摘要", "补正通知日期", "补正后收到日期", "是否延期", "征求第三方意见天数", "答复日期",
        "办理结果", "收取信息处理费（元）", "备注"]
    cases = blank["复议诉讼台账"]
    assert [c.value for c in cases[3]] == ["案件编号", "案件类型", "收到日期", "结果", "备注"]


def test_closed_lists_are_stop_dropdowns_behind_defined_names(blank):
    reg = blank["依申请公开台账"]
    expected = {
        "C4": ["当面申请", "信函", "网络平台", "电子邮件", "传真", "其他"],
        "D4": ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
        "K50": ["是", "否"],
    }
    for cell, values in expected.items():
        dv = _validation_at(reg, cell)
        assert dv.type == "list" and dv.errorStyle == "stop" and dv.showErrorMessage
        assert _list_values(blank, dv.formula1) == values
    outcomes = _list_values(blank, _validation_at(reg, "N4").formula1)
    assert len(outcomes) == 21
    assert outcomes[0] == "（一）予以公开"
    assert "（四）无法提供：1.本机关不掌握相关政府信息" in outcomes
    assert outcomes[-1] == "（六）其他处理：3.其他"
    cases = blank["复议诉讼台账"]
    assert _list_values(blank, _validation_at(cases, "B4").formula1) == [
        "行政复议", "未经复议直接起诉", "复议后起诉"]
    assert _list_values(blank, _validation_at(cases, "D30").formula1) == [
        "结果维持", "结果纠正", "其他结果", "尚未审结"]


def test_numbers_and_dates_are_validated(blank):
    count = _validation_at(blank["主动公开"], "B4")
    assert (count.type, count.operator, count.formula1, count.errorStyle) == (
        "whole", "greaterThanOrEqual", "0", "stop")
    assert "0" in count.error
    amount = _validation_at(blank["第二十条"], "B16")
    assert (amount.type, amount.operator, amount.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert _validation_at(blank["第二十条"], "B5").type == "whole"
    reg = blank["依申请公开台账"]
    for cell in ("B4", "I4", "J4", "M4"):
        assert _validation_at(reg, cell).type == "date"
    assert reg["B4"].number_format == "yyyy-mm-dd"
    assert _validation_at(reg, "L4").type == "whole"
    assert _validation_at(reg, "O4").type == "decimal"
    assert reg["F4"].number_format == "@"  # phones and ID numbers stay text
    assert _validation_at(blank["管理与监督"], "B10").type == "whole"


def test_frozen_headers_widths_and_a4_print_setup(blank):
    for name in ("主动公开", "政策解读", "第二十条", "依申请公开台账", "复议诉讼台账", "管理与监督"):
        ws = blank[name]
        assert ws.freeze_panes == "B4", name
        assert ws.page_setup.paperSize == 9  # A4
        registers = ("依申请公开台账", "复议诉讼台账")
        assert ws.print_title_rows == ("$3:$3" if name in registers else "$1:$3")
    reg = blank["依申请公开台账"]
    assert reg.page_setup.orientation == "landscape" and reg.page_setup.scale == 100
    assert reg.print_title_cols == "$A:$A"
    assert reg.print_area == "'依申请公开台账'!$A$1:$P$103"  # every prepared row
    assert [b.id for b in reg.col_breaks.brk] == [8]  # after 申请内容摘要 (H)
    assert blank["主动公开"].column_dimensions["A"].width >= 10


def test_instructions_have_an_example_register_row(blank):
    ws = blank["填表说明"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("填0" in t for t in texts)
    assert "申请编号" in texts and "（一）予以公开" in texts and "2023-001" in texts


def test_instructions_print_at_full_size_on_portrait_a4(blank):
    ws = blank["填表说明"]
    assert ws.max_column == 2 and ws.page_setup.orientation == "portrait"
    # Two columns of ~90 places print on A4 without shrinking (portrait takes ~95 at 100 %).
    assert sum(ws.column_dimensions[c].width for c in "AB") <= 95
    merged = {str(r) for r in ws.merged_cells.ranges}
    longest = max(range(1, 12), key=lambda r: len(str(ws.cell(r, 1).value or "")))
    assert f"A{longest}:B{longest}" in merged and ws.cell(longest, 1).alignment.wrap_text
    assert ws.row_dimensions[longest].height >= 32  # two lines or more, not clipped to one


def test_write_workbook_never_overwrites(config, tmp_path):
    path = tmp_path / "x.xlsx"
    write_workbook(config, path, "街道本级", 2023, 1)
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        write_workbook(config, path, "街道本级", 2023, 2)
    assert path.read_bytes() == before


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_init_year_writes_every_unit_and_quarter_and_never_overwrites(config, tmp_path):
    done = init_year(config, tmp_path, 2024)
    written, skipped = done.written, done.skipped
    assert len(written) == 28 and skipped == [] and done.refreshed == []
    first = tmp_path / "2024" / "第1季度" / "2024年第1季度-街道本级.xlsx"
    assert first in written
    assert (tmp_path / "2024" / "第4季度" / "2024年第4季度-友谊社区.xlsx").is_file()
    wb = openpyxl.load_workbook(first)
    wb["主动公开"]["B4"] = 5  # someone has started filling it
    wb.save(first)
    digest = _sha(first)
    again = init_year(config, tmp_path, 2024)
    assert again.written == [] and len(again.skipped) == 28 and again.refreshed == []
    assert _sha(first) == digest


def test_init_one_quarter_only(two_units, tmp_path):
    written = init_year(two_units, tmp_path, 2024, quarter=3).written
    assert len(written) == 2
    assert all(p.parent.name == "第3季度" for p in written)


def _app(app_id, received, answered=None, outcome=None, name="测试甲", cls="自然人"):
    return {"app_id": app_id, "received": received, "channel": "信函", "applicant_class": cls,
            "name": name, "phone": "13000000001", "id_number": "110000000000000001",
            "summary": "测试申请内容", "extended": "是", "consult_days": 3, "answered": answered,
            "outcome": outcome, "remark": "测试备注"}


def test_q1_starts_with_applications_open_at_the_end_of_last_year(two_units, tmp_path):
    config = two_units
    q4 = filenames.quarter_path(tmp_path, 2023, 4, "街道本级")
    write_workbook(config, q4, "街道本级", 2023, 4, data=QuarterData(applications=[
        _app("2023-005", date(2023, 12, 20), name="测试乙", cls="商业企业"),
        _app("2023-004", date(2023, 11, 2), date(2023, 11, 20), "（一）予以公开"),
    ]))
    written = init_year(config, tmp_path, 2024).written
    q1 = filenames.quarter_path(tmp_path, 2024, 1, "街道本级")
    assert q1 in written
    reg = openpyxl.load_workbook(q1)["依申请公开台账"]
    assert reg["A4"].value == "2023-005"
    assert reg["D4"].value == "商业企业"
    assert reg["E4"].value == "测试乙"  # personal columns travel between workbooks
    assert reg["F4"].value == "13000000001"
    assert reg["K4"].value == "是" and reg["L4"].value == 3
    assert reg["M4"].value is None and reg["N4"].value is None
    assert reg["A5"].value is None  # the answered one is not carried
    # a quarter created in the same call does not inherit from the one just created
    q2 = openpyxl.load_workbook(filenames.quarter_path(tmp_path, 2024, 2, "街道本级"))
    assert q2["依申请公开台账"]["A4"].value is None
    other = openpyxl.load_workbook(filenames.quarter_path(tmp_path, 2024, 1, "明德社区"))
    assert other["依申请公开台账"]["A4"].value is None
    apps = reading.ingest_file(config, tmp_path, q1).applications
    assert [(a.app_id, a.year, a.quarter, a.received, a.applicant_class, a.extended,
             a.consult_days, a.answered, a.outcome) for a in apps] == [
        ("2023-005", 2024, 1, date(2023, 12, 20), "business", True, 3, None, None)]


def test_init_a_later_quarter_carries_what_was_open_at_the_end_of_the_previous(two_units,
                                                                              tmp_path):
    config = two_units
    q1 = filenames.quarter_path(tmp_path, 2024, 1, "明德社区")
    write_workbook(config, q1, "明德社区", 2024, 1, data=QuarterData(applications=[
        _app("2024-001", date(2024, 3, 25)),
        _app("2024-002", date(2024, 3, 26), date(2024, 3, 28), "（一）予以公开"),
        _app("2024-003", date(2024, 3, 27), date(2024, 3, 29)),  # answer date, no outcome yet
    ]))
    done = init_year(config, tmp_path, 2024, quarter=2)
    q2 = filenames.quarter_path(tmp_path, 2024, 2, "明德社区")
    assert q2 in done.written and done.skipped == []
    # 街道本级 has no first quarter yet: nothing could be carried, and init says so
    assert done.waiting == [("街道本级", 2)]
    reg = openpyxl.load_workbook(q2)["依申请公开台账"]
    assert [reg["A4"].value, reg["A5"].value, reg["A6"].value] == ["2024-001", "2024-003", None]
    assert reg["B4"].value.date() == date(2024, 3, 25)


def test_quarter_path_follows_the_folder_convention(tmp_path):
    assert filenames.quarter_path(tmp_path, 2023, 1, "街道本级") == (
        tmp_path / "2023" / "第1季度" / "2023年第1季度-街道本级.xlsx")


@pytest.mark.parametrize("rel, expected", [
    ("2023/第1季度/2023年第1季度-街道本级.xlsx", (2023, 1, "街道本级")),
    ("2023/第4季度/2023年第4季度-青松社区.xls", (2023, 4, "青松社区")),
    ("2023/第2季度/2023年第2季度-和顺社区.ODS", (2023, 2, "和顺社区")),
    ("/data/workbooks/2022/第3季度/2022年第3季度-街道本级.xlsx", (2022, 3, "街道本级")),
    ("2023/第1季度/2023年第2季度-街道本级.xlsx", None),   # folder and name disagree
    ("2022/第1季度/2023年第1季度-街道本级.xlsx", None),
    ("2023/2023年第1季度-街道本级.xlsx", None),          # no quarter folder
    ("2023/第5季度/2023年第5季度-街道本级.xlsx", None),
    ("2023/第1季度/2023年第1季度-街道本级.csv", None),
    ("2023/第1季度/街道本级.xlsx", None),
    ("2023/2023年已公开报表.xlsx", None),
])
def test_parse_quarter_path(rel, expected):
    assert filenames.parse_quarter_path(rel) == expected


def test_quarter_end():
    assert [filenames.quarter_end(2024, q) for q in (1, 2, 3, 4)] == [
        date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)]


def test_an_untouched_template_is_refreshed_with_what_the_quarter_before_left_open(
        two_units, tmp_path):
    """`init --year 2024` made all four quarters blank up front; once the first quarter comes
    back with an open application, `init --quarter 2` writes it into the second quarter's
    template nobody has typed into yet, and never into one a person has."""
    config = two_units
    init_year(config, tmp_path, 2024)
    q1 = filenames.quarter_path(tmp_path, 2024, 1, "街道本级")
    q2 = filenames.quarter_path(tmp_path, 2024, 2, "街道本级")
    other_q2 = filenames.quarter_path(tmp_path, 2024, 2, "明德社区")
    untouched_other = _sha(other_q2)
    wb = openpyxl.load_workbook(q1)
    for cell, value in zip("ABCDE", ("2024-007", date(2024, 3, 28), "信函", "自然人", "测试丙"),
                           strict=True):
        wb["依申请公开台账"][f"{cell}4"] = value
    wb.save(q1)

    done = init_year(config, tmp_path, 2024, quarter=2)
    assert done.refreshed == [(q2, 1)] and done.written == []
    assert done.skipped == [other_q2] and _sha(other_q2) == untouched_other
    reg = openpyxl.load_workbook(q2)["依申请公开台账"]
    assert (reg["A4"].value, reg["E4"].value) == ("2024-007", "测试丙")
    result = reading.ingest_file(config, tmp_path, q2)
    assert result.header.touched is False  # still as issued: the officer has not typed yet

    # Run again: nothing new to carry, nothing rewritten.
    digest = _sha(q2)
    assert init_year(config, tmp_path, 2024, quarter=2).refreshed == []
    assert _sha(q2) == digest

    # Once the officer has typed into the second quarter, it is never written again, even
    # when the first quarter leaves more open.
    wb = openpyxl.load_workbook(q2)
    wb["主动公开"]["B4"] = 2
    wb.save(q2)
    wb = openpyxl.load_workbook(q1)
    for cell, value in zip("ABCD", ("2024-008", date(2024, 3, 29), "信函", "自然人"), strict=True):
        wb["依申请公开台账"][f"{cell}5"] = value
    wb.save(q1)
    typed = _sha(q2)
    done = init_year(config, tmp_path, 2024, quarter=2)
    assert done.refreshed == [] and q2 in done.skipped and _sha(q2) == typed
