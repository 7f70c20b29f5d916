"""Reading quarter workbooks: round trip, cell errors with rule and cell, identity checks."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import zipfile
from datetime import date

import openpyxl
import pytest

from pipeline.core.findings import all_rules
from pipeline.core.records import Source
from pipeline.workbooks import filenames, folders, layout, sheet_reading
from pipeline.workbooks.reading import ingest_file
from pipeline.workbooks.template import QuarterData, write_workbook
from tests.lo import convert
from tests.reading_year import ingest_year

UNIT = "街道本级"


def _write(config, root, data=None, unit=UNIT, year=2023, quarter=2, path=None):
    path = path or filenames.quarter_path(root, year, quarter, unit)
    return write_workbook(config, path, unit, year, quarter, data=data)


def _full_inputs(config):
    """A value in every numeric cell, each different so a misplaced read would show."""
    inputs = {}
    n = 0
    for cat in config.categories:
        n += 10
        inputs[("disclosure", cat, "")] = n
        for j, ch in enumerate(config.channels):
            inputs[("disclosure", cat, ch)] = n - j - 1
    for i, form in enumerate(config.interpretation_forms):
        inputs[("interpretation", form, "")] = i + 1
    for i, (row, col) in enumerate([("rules", "made"), ("rules", "repealed"), ("rules", "in_force"),
                                    ("normative", "made"), ("normative", "repealed"),
                                    ("normative", "in_force"), ("licensing", "decisions"),
                                    ("penalty", "decisions"), ("coercion", "decisions")]):
        inputs[("article20", row, col)] = i
    inputs[("article20", "fees", "amount")] = 1.25
    for i, key in enumerate(("self_inspections", "items_screened", "problems_found",
                             "problems_fixed", "trainings", "complaints", "board_updates")):
        inputs[("supervision", key, "")] = 100 + i
    return inputs


def _by_rule(findings):
    return {(f.rule, f.sheet, f.cell) for f in findings}


def _messages(findings, rule):
    return [f.message for f in findings if f.rule == rule]


# --- Round trip ---------------------------------------------------------------------------------

def test_reads_back_exactly_what_was_written(config, tmp_path):
    inputs = _full_inputs(config)
    data = QuarterData(inputs=inputs, applications=[{
        "app_id": "2023-009", "received": date(2023, 4, 3), "channel": "电子邮件",
        "applicant_class": "社会公益组织", "name": "测试丙", "phone": "13000000002",
        "id_number": "110000000000000002", "summary": "测试摘要丙",
        "correction_sent": date(2023, 4, 6), "correction_received": date(2023, 4, 10),
        "extended": "是", "consult_days": 5, "answered": date(2023, 5, 30),
        "outcome": "（三）不予公开：4.保护第三方合法权益", "fee": 12.5, "remark": "测试备注丙",
    }], cases=[{"case_id": "2023-S01", "kind": "复议后起诉", "received": date(2023, 6, 1),
                "result": "尚未审结"}])
    path = _write(config, tmp_path, data)
    result = ingest_file(config, tmp_path, path)
    assert result.findings == []
    assert result.accepted
    assert (result.header.unit, result.header.year, result.header.quarter,
            result.header.version) == (UNIT, 2023, 2, "2025.1")
    assert {(f.topic, f.key, f.dim): f.value for f in result.facts} == inputs
    assert all((f.unit, f.year, f.quarter) == (UNIT, 2023, 2) for f in result.facts)
    rel = "2023/第2季度/2023年第2季度-街道本级.xlsx"
    sources = {(f.topic, f.key, f.dim): f.source for f in result.facts}
    assert sources[("disclosure", "党建工作", "")] == Source(rel, "主动公开", "B4")
    assert sources[("disclosure", "党建工作", "政府网站")] == Source(rel, "主动公开", "C4")
    assert sources[("disclosure", "其他", "政务公开栏")] == Source(rel, "主动公开", "H13")
    assert sources[("interpretation", "会议", "")] == Source(rel, "政策解读", "B4")
    assert sources[("article20", "normative", "in_force")] == Source(rel, "第二十条", "D6")
    assert sources[("article20", "fees", "amount")] == Source(rel, "第二十条", "B16")
    assert sources[("supervision", "board_updates", "")] == Source(rel, "管理与监督", "B10")
    (app,) = result.applications
    assert (app.app_id, app.received, app.channel, app.applicant_class, app.correction_sent,
            app.correction_received, app.extended, app.consult_days, app.answered, app.outcome,
            app.fee) == ("2023-009", date(2023, 4, 3), "电子邮件", "nonprofit", date(2023, 4, 6),
                         date(2023, 4, 10), True, 5, date(2023, 5, 30), "withheld_4", 12.5)
    assert app.source == Source(rel, "依申请公开台账", "A4")
    assert app.cells["outcome"] == "N4" and app.cells["fee"] == "O4"
    assert not {"name", "phone", "id_number", "summary", "remark"} & set(app.cells)
    text = repr(result)
    for personal in ("测试丙", "13000000002", "110000000000000002", "测试摘要丙", "测试备注丙"):
        assert personal not in text
    (case,) = result.cases
    assert (case.case_id, case.kind, case.received, case.result, case.quarter) == (
        "2023-S01", "suit_after_review", date(2023, 6, 1), "pending", 2)
    assert case.source == Source(rel, "复议诉讼台账", "A4")


def test_typed_text_is_normalised(config, tmp_path):
    inputs = {("disclosure", "党建工作", ""): " １２ ", ("disclosure", "党建工作", "政府网站"): "12",
              ("article20", "fees", "amount"): "０．５", ("interpretation", "会议", ""): 3.0}
    data = QuarterData(inputs=inputs, applications=[{
        "app_id": 17, "received": "2023年4月3日", "channel": " 信函 ",
        "applicant_class": "自然人", "answered": "2023/4/20", "outcome": "予以公开"}])
    result = ingest_file(config, tmp_path, _write(config, tmp_path, data))
    values = {(f.topic, f.key, f.dim): f.value for f in result.facts}
    assert values[("disclosure", "党建工作", "")] == 12
    assert values[("disclosure", "党建工作", "政府网站")] == 12
    assert values[("article20", "fees", "amount")] == 0.5
    assert values[("interpretation", "会议", "")] == 3
    (app,) = result.applications
    assert (app.app_id, app.received, app.channel, app.answered, app.outcome) == (
        "17", date(2023, 4, 3), "信函", date(2023, 4, 20), "disclosed")


# --- Cell errors --------------------------------------------------------------------------------

def test_blank_and_nothing_marks_are_not_filled_notes(config, tmp_path):
    inputs = {("disclosure", "党建工作", ""): "无", ("disclosure", "党建工作", "政府网站"): "／",
              ("disclosure", "党建工作", "三务公开平台"): 0}
    result = ingest_file(config, tmp_path, _write(config, tmp_path, QuarterData(inputs=inputs)))
    notes = {(f.cell, f.severity) for f in result.findings
             if f.rule == "IN101" and f.sheet == "主动公开"}
    assert ("B4", "note") in notes and ("C4", "note") in notes and ("E4", "note") in notes
    assert ("D4", "note") not in notes  # a typed 0 is a value
    values = {(f.key, f.dim): f.value for f in result.facts if f.topic == "disclosure"}
    assert values[("党建工作", "")] is None and values[("党建工作", "三务公开平台")] == 0
    msg = next(f.message for f in result.findings if f.cell == "B4" and f.rule == "IN101")
    assert "“无”" in msg and "填0" in msg


def test_bad_numbers_are_errors_naming_the_cell(config, tmp_path):
    inputs = {("disclosure", "党建工作", ""): "约100", ("interpretation", "会议", ""): -1,
              ("supervision", "trainings", ""): "2次", ("article20", "rules", "made"): 1.5,
              ("article20", "fees", "amount"): "-0.5"}
    result = ingest_file(config, tmp_path, _write(config, tmp_path, QuarterData(inputs=inputs)))
    found = _by_rule(result.findings)
    assert ("IN102", "主动公开", "B4") in found
    assert ("IN102", "政策解读", "B4") in found
    assert ("IN102", "管理与监督", "B8") in found
    assert ("IN102", "第二十条", "B5") in found
    assert ("IN102", "第二十条", "B16") in found
    msg = next(f.message for f in result.findings if f.cell == "B4" and f.sheet == "主动公开")
    assert "约100" in msg and "阿拉伯数字" in msg and "党建工作" in msg
    keys = {(f.topic, f.key) for f in result.facts}
    assert ("interpretation", "会议") not in keys  # a wrong value is not read as a number


def test_channel_above_distinct_and_uncovered_items(config, tmp_path):
    inputs = {k: 0 for k in _full_inputs(config) if k[0] == "disclosure"}
    inputs[("disclosure", "财政预算", "")] = 5
    inputs[("disclosure", "财政预算", "政府网站")] = 7
    inputs[("disclosure", "行政审批", "")] = 4
    inputs[("disclosure", "行政审批", "政府网站")] = 1
    result = ingest_file(config, tmp_path, _write(config, tmp_path, QuarterData(inputs=inputs)))
    found = {(f.rule, f.severity, f.cell) for f in result.findings if f.sheet == "主动公开"}
    assert found == {("IN301", "error", "C5"), ("IN302", "warning", "B6")}


def _register_findings(config, tmp_path, rows, cases=()):
    data = QuarterData(applications=rows, cases=list(cases))
    result = ingest_file(config, tmp_path, _write(config, tmp_path, data))
    return result, {(f.rule, f.cell) for f in result.findings
                    if f.sheet in ("依申请公开台账", "复议诉讼台账")}


def test_register_errors_name_rule_and_cell(config, tmp_path):
    ok = {"received": date(2023, 4, 3), "applicant_class": "自然人"}
    rows = [
        {"app_id": "A-1", "channel": "信函"},                                          # row 4
        {**ok, "app_id": "A-2", "answered": date(2023, 4, 1), "outcome": "（一）予以公开"},  # 5
        {**ok, "app_id": "A-3", "received": date(2021, 6, 1)},                         # 6
        {**ok, "app_id": "A-4", "answered": date(2023, 7, 2), "outcome": "（一）予以公开"},  # 7
        # (A-4 answered after the quarter's end: legal, the workbook was filled in later)
        {"name": "只有姓名"},                                                            # 8
        {**ok, "app_id": "A-2"},                                                        # 9
        {**ok, "app_id": "A-5", "answered": date(2023, 5, 2)},                          # 10
        {**ok, "app_id": "A-6", "outcome": "不予公开", "channel": "微信"},                  # 11
        {**ok, "app_id": "A-7", "received": "2023-02-30", "applicant_class": "个人"},     # 12
        {**ok, "app_id": "A-8", "correction_sent": date(2023, 4, 9),
         "correction_received": date(2023, 4, 8)},                                     # 13
        {**ok, "app_id": "A-9", "consult_days": "三天", "fee": -5, "extended": "可能"},   # 14
    ]
    result, found = _register_findings(config, tmp_path, rows)
    assert found == {
        ("IN201", "B4"), ("IN201", "D4"),     # no received date, no applicant class
        ("IN202", "M5"),                      # answered before received
        ("IN203", "B6"),                      # received before the previous year
        ("IN204", "A8"),                      # content without an ID
        ("IN205", "A9"),                      # the same ID twice
        ("IN206", "N10"),                     # answered, no outcome
        ("IN104", "N11"), ("IN104", "C11"),   # ambiguous outcome, unknown channel
        ("IN103", "B12"), ("IN104", "D12"),   # impossible date, class typed by hand
        ("IN202", "J13"),                     # corrected before the correction notice
        ("IN102", "L14"), ("IN102", "O14"), ("IN104", "K14"),  # words, negative, not 是/否
    }
    assert all(f.severity == "error" for f in result.findings if f.sheet == "依申请公开台账")
    messages = {f.cell: f.message for f in result.findings}
    assert "申请“A-1”" in messages["B4"] and "收到日期" in messages["B4"]
    assert "2023-05-06" in messages["B4"]
    assert "答复日期（2023-04-01）早于收到日期（2023-04-03）" in messages["M5"]
    assert "2022-01-01 至 2023-06-30" in messages["B6"]
    assert "不能确定" in messages["N11"]
    # rows with problems are still listed (with the bad cell read as blank), the duplicate is not
    ids = [a.app_id for a in result.applications]
    assert ids == ["A-1", "A-2", "A-3", "A-4", "A-5", "A-6", "A-7", "A-8", "A-9"]
    a7 = result.applications[6]
    assert a7.received is None and a7.applicant_class is None
    assert "只有姓名" not in repr(result)  # a personal cell is never quoted back


def test_case_register_errors(config, tmp_path):
    cases = [{"case_id": "F-1", "result": "结果维持"},
             {"case_id": "F-2", "kind": "行政诉讼", "received": date(2023, 5, 1)}]
    result, found = _register_findings(config, tmp_path, [], cases)
    assert found == {("IN201", "B4"), ("IN201", "C4"), ("IN104", "B5")}
    assert [(c.case_id, c.kind, c.result) for c in result.cases] == [
        ("F-1", None, "upheld"), ("F-2", None, None)]


# --- Identity and structure ---------------------------------------------------------------------

def test_file_outside_the_quarter_folders_is_not_read(config, tmp_path):
    path = _write(config, tmp_path, path=tmp_path / "2023" / "2023年第2季度-街道本级.xlsx")
    result = ingest_year(config, tmp_path, 2023)
    assert result.files == ["2023/2023年第2季度-街道本级.xlsx"]
    (f,) = result.findings
    assert (f.rule, f.file) == ("ID101", "2023/2023年第2季度-街道本级.xlsx")
    assert "workbooks/2023/第2季度/2023年第2季度-街道本级.xlsx" in f.message
    assert result.facts == [] and result.headers == []
    assert path.is_file()


def test_header_must_agree_with_the_file_name(config, tmp_path):
    # 青松社区's second-quarter workbook saved as its first-quarter file
    wrong = filenames.quarter_path(tmp_path, 2023, 1, "青松社区")
    _write(config, tmp_path, unit="青松社区", quarter=2, path=wrong)
    result = ingest_file(config, tmp_path, wrong)
    (f,) = result.findings
    assert f.rule == "ID103" and f.severity == "error"
    assert "青松社区 2023年第2季度" in f.message and "青松社区 2023年第1季度" in f.message
    assert "workbooks/2023/第2季度/2023年第2季度-青松社区.xlsx" in f.message
    assert not result.accepted and result.facts == []


def test_unit_must_be_in_the_configuration(config, tmp_path):
    path = _write(config, tmp_path, unit="未知社区")
    result = ingest_file(config, tmp_path, path)
    assert [(f.rule, f.sheet, f.cell) for f in result.findings] == [("ID102", "基本信息", "B4")]
    assert "街道本级" in result.findings[0].message and not result.accepted


def test_two_files_for_one_unit_quarter_keep_neither(config, tmp_path):
    original = _write(config, tmp_path, QuarterData(inputs={("interpretation", "会议", ""): 4}))
    copy = original.with_name("2023年第2季度-街道本级 - 副本.xlsx")
    shutil.copy(original, copy)
    _write(config, tmp_path, QuarterData(inputs={("interpretation", "会议", ""): 2}),
           unit="青松社区")
    result = ingest_year(config, tmp_path, 2023)
    dup = [f for f in result.findings if f.rule == "ID105"]
    assert sorted(f.file for f in dup) == ["2023/第2季度/2023年第2季度-街道本级 - 副本.xlsx",
                                           "2023/第2季度/2023年第2季度-街道本级.xlsx"]
    assert "街道本级2023年第2季度有 2 个报表文件" in dup[0].message
    assert {f.rule for f in result.findings if f.file.endswith("副本.xlsx")} == {"ID103", "ID105"}
    assert [h.unit for h in result.headers] == ["青松社区"]
    assert {f.unit for f in result.facts} == {"青松社区"}


def test_old_template_version_names_the_init_command(config, tmp_path):
    path = _write(config, tmp_path, quarter=3)
    wb = openpyxl.load_workbook(path)
    wb["基本信息"]["B7"] = "2019.1"
    wb.save(path)
    result = ingest_file(config, tmp_path, path)
    (f,) = result.findings
    assert (f.rule, f.sheet, f.cell) == ("ID104", "基本信息", "B7")
    assert "xxgk init --year 2023 --quarter 3" in f.message and "抄" in f.message
    assert not result.accepted


def test_tampered_header_is_reported(config, tmp_path):
    path = _write(config, tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["基本信息"]["B6"] = "第二季度"
    wb.save(path)
    (f,) = ingest_file(config, tmp_path, path).findings
    assert (f.rule, f.cell) == ("ID106", "B6") and "第二季度" in f.message


def test_missing_sheet_is_a_finding_and_the_rest_is_read(config, tmp_path):
    path = _write(config, tmp_path, QuarterData(inputs=_full_inputs(config)))
    wb = openpyxl.load_workbook(path)
    del wb["政策解读"]
    wb.save(path)
    result = ingest_file(config, tmp_path, path)
    assert [(f.rule, f.sheet) for f in result.findings] == [("IN002", "政策解读")]
    assert "xxgk init --year 2023 --quarter 2" in result.findings[0].message
    topics = {f.topic for f in result.facts}
    assert topics == {"disclosure", "article20", "supervision"}


def test_inserted_row_is_caught_and_that_sheet_skipped(config, tmp_path):
    path = _write(config, tmp_path, QuarterData(inputs=_full_inputs(config)))
    wb = openpyxl.load_workbook(path)
    wb["主动公开"].insert_rows(6)
    wb.save(path)
    result = ingest_file(config, tmp_path, path)
    (f,) = result.findings
    assert (f.rule, f.sheet, f.cell) == ("IN003", "主动公开", "A6")
    assert "行政审批" in f.message and "空白" in f.message
    assert not [x for x in result.facts if x.topic == "disclosure"]
    assert [x for x in result.facts if x.topic == "supervision"]


def test_unreadable_file_does_not_stop_the_others(config, tmp_path):
    bad = filenames.quarter_path(tmp_path, 2023, 1, "青松社区")
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"this is not a spreadsheet")
    _write(config, tmp_path, QuarterData(inputs={("interpretation", "会议", ""): 4}), quarter=1)
    result = ingest_year(config, tmp_path, 2023)
    assert [(f.rule, f.file) for f in result.findings if f.severity == "error"] == [
        ("IN001", "2023/第1季度/2023年第1季度-青松社区.xlsx")]
    assert [h.unit for h in result.headers] == [UNIT]


def test_skips_published_tables_report_text_and_lock_files(config, tmp_path):
    year_dir = tmp_path / "2023"
    _write(config, tmp_path, quarter=1)
    for name in ("2023年已公开报表.xlsx", "2023年年报文字.xlsx", "第1季度/~$2023年第1季度-街道本级.xlsx",
                 "第1季度/.~lock.2023年第1季度-街道本级.xlsx#", "第1季度/说明.docx"):
        (year_dir / name).write_bytes(b"junk")
    result = ingest_year(config, tmp_path, 2023)
    assert result.files == ["2023/第1季度/2023年第1季度-街道本级.xlsx"]
    assert not [f for f in result.findings if f.severity == "error"]


def test_empty_year_folder_gives_an_empty_result(config, tmp_path):
    result = ingest_year(config, tmp_path, 2030)
    assert (result.year, result.files, result.facts, result.findings) == (2030, [], [], [])


def test_rules_are_declared_with_chinese_titles():
    ours = {r.id: r for r in all_rules() if r.id[:2] in ("IN", "ID")}
    assert {"IN001", "IN002", "IN003", "IN101", "IN102", "IN103", "IN104", "IN201", "IN202",
            "IN203", "IN204", "IN205", "IN206", "IN301", "IN302", "ID101", "ID102", "ID103",
            "ID104", "ID105", "ID106"} <= set(ours)
    assert ours["IN101"].severity == "note" and ours["IN101"].title == "未填写"
    assert all(r.severity == "error" for k, r in ours.items() if k.startswith("ID"))


def test_reads_xls_and_ods_saved_by_another_program(config, tmp_path):
    src = _write(config, tmp_path / "src", QuarterData(
        inputs={("interpretation", "会议", ""): 4},
        applications=[{"app_id": "X-1", "received": date(2023, 4, 3), "applicant_class": "自然人",
                       "answered": date(2023, 4, 20), "outcome": "（一）予以公开"}]))
    out = tmp_path / "converted"
    for fmt in ("xls", "ods"):
        convert(src, fmt, out, tmp_path / "lo-profile")
    root = tmp_path / "workbooks"
    for fmt in ("xls", "ods"):
        unit = "明德社区" if fmt == "xls" else "和顺社区"
        target = filenames.quarter_path(root, 2023, 2, unit).with_suffix(f".{fmt}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(out / f"{src.stem}.{fmt}", target)
    result = ingest_year(config, root, 2023)
    # the copies still say 街道本级 inside, so their names disagree with the header
    assert sorted(f.rule for f in result.findings) == ["ID103", "ID103", "ID105", "ID105"]
    sheet = sheet_reading.read_sheet(sheet_reading.open_workbook(
        filenames.quarter_path(root, 2023, 2, "明德社区").with_suffix(".xls")), "政策解读")
    assert sheet.cell("B4") == 4
    direct = ingest_file(config, tmp_path / "src", out / f"{src.stem}.ods")
    assert direct.header.unit == UNIT


def test_a_sheet_calamine_opened_is_too_large_by_its_used_area():
    """.xls and .ods are not looked inside before opening: their used area is checked here,
    for quarter workbooks and for the published tables and report text alike."""
    from types import SimpleNamespace

    from pipeline.workbooks.sheet_reading import _too_large

    assert _too_large(SimpleNamespace(end=(1048575, 0))) == ("A1048576", 1048576, 1)
    assert _too_large(SimpleNamespace(end=(99, 25))) is None      # 100 × 26: fine
    assert _too_large(SimpleNamespace(end=None)) is None          # an empty sheet


# --- Formulas and error values in input cells ----------------------------------------------------

def _sheet_part(sheet: str) -> str:
    """The zip member of a template sheet (openpyxl numbers them in sheet order)."""
    return f"xl/worksheets/sheet{layout.SHEETS.index(sheet) + 1}.xml"


def _save_results(path, sheet: str, results: dict[str, str]) -> None:
    """Give formulas openpyxl wrote (with no result) a saved result, as Excel saves them:
    cell -> the <v> text; one starting with # is an error value (t="e")."""
    part = _sheet_part(sheet)
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    xml = members[part].decode()
    for cell, value in results.items():
        kind = ' t="e"' if value.startswith("#") else ""
        xml, n = re.subn(rf'(<c r="{cell}"[^>]*?)(?: t="\w+")?>(<f>[^<]*</f>)<v\s*/?>(?:</v>)?',
                         rf"\1{kind}>\2<v>{value}</v>", xml)
        assert n == 1, cell
    members[part] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)


def _formula_findings(result):
    return {(f.rule, f.severity, f.sheet, f.cell): f.message for f in result.findings
            if f.rule in ("IN105", "IN106", "IN110", "IN111", "IN112")}


def test_formulas_and_error_values_in_grid_cells(config, tmp_path):
    inputs = {("disclosure", "党建工作", ""): "=2+3",
              ("disclosure", "党建工作", "政府网站"): "=1/0",
              ("disclosure", "党建工作", "三务公开平台"): '=HYPERLINK("http://example.com",3)',
              ("disclosure", "党建工作", "街道和社区公众号"): "=cmd|' /C calc'!A0",
              ("disclosure", "党建工作", "信息公示栏"): "#N/A",
              ("interpretation", "会议", ""): "=SUM(B5:B6)+1",
              ("interpretation", "图文", ""): 2}
    path = _write(config, tmp_path, QuarterData(inputs=inputs))
    _save_results(path, "主动公开", {"B4": "5", "C4": "#DIV/0!", "D4": "3", "E4": "#REF!"})
    _save_results(path, "政策解读", {"B4": "3"})
    result = ingest_file(config, tmp_path, path)
    found = _formula_findings(result)
    assert set(found) == {("IN111", "warning", "主动公开", "B4"),
                          ("IN110", "error", "主动公开", "C4"),
                          ("IN112", "error", "主动公开", "D4"),
                          ("IN112", "error", "主动公开", "E4"),
                          ("IN110", "error", "主动公开", "F4"),
                          ("IN111", "warning", "政策解读", "B4")}
    assert found[("IN111", "warning", "主动公开", "B4")] == (
        "“党建工作”的本季度公开条数（去重）是公式“=2+3”，已按文件中保存的计算结果 5 读取。"
        "报表中请直接填写数字本身，不要用公式：被引用的单元格一改，结果就会跟着变，别人也看不出数字从何而来。")
    assert found[("IN110", "error", "主动公开", "C4")] == (
        "“党建工作”在“政府网站”公开的条数是错误值 #DIV/0!（除数为 0），由公式“=1/0”算出，"
        "未读取，也不会当作空白或 0。请删除公式或错误值，直接填写数字（没有请填 0）。")
    assert "使用了函数 HYPERLINK" in found[("IN112", "error", "主动公开", "D4")]
    assert "DDE" in found[("IN112", "error", "主动公开", "E4")]
    assert "#N/A（查找不到数据），未读取" in found[("IN110", "error", "主动公开", "F4")]
    values = {(f.topic, f.key, f.dim): f.value for f in result.facts}
    assert values[("disclosure", "党建工作", "")] == 5  # the saved result of plain arithmetic
    assert values[("interpretation", "会议", "")] == 3
    for dim in ("政府网站", "三务公开平台", "街道和社区公众号", "信息公示栏"):  # none read as blank
        assert ("disclosure", "党建工作", dim) not in values
    assert not [f for f in result.findings if f.rule == "IN101" and f.sheet == "主动公开"
                and f.cell in ("C4", "D4", "E4", "F4")]


def test_formulas_and_error_values_in_register_cells(config, tmp_path):
    ok = {"applicant_class": "自然人", "channel": "信函"}
    rows = [{**ok, "app_id": "A-1", "received": "=DATE(2023,4,3)", "consult_days": "#VALUE!",
             "fee": "=2.5*2"},
            {**ok, "app_id": '="A-"&"2"', "received": date(2023, 4, 3)},
            {**ok, "app_id": "A-3", "received": date(2023, 4, 3), "answered": "=B6+5"}]
    path = _write(config, tmp_path, QuarterData(applications=rows))
    _save_results(path, "依申请公开台账", {"B4": "45019", "O4": "5"})  # M6: no result
    result = ingest_file(config, tmp_path, path)
    found = _formula_findings(result)
    assert set(found) == {("IN112", "error", "依申请公开台账", "B4"),
                          ("IN110", "error", "依申请公开台账", "L4"),
                          ("IN111", "warning", "依申请公开台账", "O4"),
                          ("IN112", "error", "依申请公开台账", "A5"),
                          ("IN105", "error", "依申请公开台账", "M6")}
    assert found[("IN112", "error", "依申请公开台账", "B4")] == (
        "申请“A-1”的“收到日期”是公式“=DATE(2023,4,3)”（使用了函数 DATE），未读取。"
        "公式中只有对本表单元格的简单加减乘除会按结果读取；为安全起见，其他公式一律不读取。"
        "请删除公式，直接填写日期（如 2023-05-06）。")
    assert "#VALUE!" in found[("IN110", "error", "依申请公开台账", "L4")]
    a1, a3 = result.applications  # the row whose ID is a formula is not read
    assert (a1.app_id, a1.received, a1.consult_days, a1.fee) == ("A-1", None, None, 5.0)  # unusable days: unknown
    assert (a3.app_id, a3.answered) == ("A-3", None)
    # a cell already reported is not reported again as missing
    assert not [f for f in result.findings if f.rule == "IN201" and f.cell == "B4"]


@pytest.mark.parametrize("fmt", ["xlsx:Calc MS Excel 2007 XML", "ods"])
def test_formulas_saved_by_libreoffice_are_read_as_their_results_say(config, tmp_path, fmt):
    """A person typed formulas and saved with LibreOffice (as .xlsx, or as .ods, whose
    formulas and errors are found in content.xml): the results and the error are the ones
    LibreOffice computed and wrote, not made up by this test."""
    inputs = {("disclosure", "党建工作", ""): "=2+3", ("disclosure", "党建工作", "政府网站"): "=1/0",
              ("disclosure", "党建工作", "三务公开平台"): "=ROUND(2.4,0)"}
    src = _write(config, tmp_path / "src", QuarterData(inputs=inputs))
    saved = convert(src, fmt, tmp_path / "out", tmp_path / "profile")
    path = filenames.quarter_path(tmp_path / "wb", 2023, 2, UNIT).with_suffix(saved.suffix)
    path.parent.mkdir(parents=True)
    shutil.copy(saved, path)
    result = ingest_file(config, tmp_path / "wb", path)
    found = _formula_findings(result)
    assert set(found) == {("IN111", "warning", "主动公开", "B4"),
                          ("IN110", "error", "主动公开", "C4"),
                          ("IN112", "error", "主动公开", "D4")}
    assert "#DIV/0!" in found[("IN110", "error", "主动公开", "C4")]
    values = {(f.key, f.dim): f.value for f in result.facts if f.topic == "disclosure"}
    assert values[("党建工作", "")] == 5
    assert ("党建工作", "政府网站") not in values and ("党建工作", "三务公开平台") not in values


# --- Sheets the template does not have -------------------------------------------------------------

def test_numbers_in_an_extra_visible_sheet_are_flagged_and_not_read(config, tmp_path):
    inputs = _full_inputs(config)
    path = _write(config, tmp_path, QuarterData(inputs=inputs))
    wb = openpyxl.load_workbook(path)
    copy = wb.copy_worksheet(wb["主动公开"])
    copy.title = "主动公开 (2)"
    copy["B4"] = 999
    notes = wb.create_sheet("说明")
    notes["A1"] = "本季度数字已与办公室核对"  # text only: a note, nothing lost
    scratch = wb.create_sheet("Sheet1")
    scratch["C7"] = "合计"
    scratch["D9"] = 17
    wb.save(path)
    result = ingest_file(config, tmp_path, path)
    found = [(f.rule, f.severity, f.sheet, f.cell) for f in result.findings]
    assert found == [("IN017", "warning", "主动公开 (2)", "B4"),
                     ("IN017", "warning", "Sheet1", "D9")]
    assert "工作表“Sheet1”不属于报表模板" in result.findings[1].message
    assert "单元格 D9" in result.findings[1].message
    assert {(f.topic, f.key, f.dim): f.value for f in result.facts} == inputs


# --- Dates -----------------------------------------------------------------------------------------

def test_register_dates_in_everyday_forms_and_the_files_own_year(config, tmp_path):
    ok = {"applicant_class": "自然人", "channel": "信函"}
    rows = [{**ok, "app_id": "B-1", "received": "2024年3月5号", "answered": "二〇二四年三月十五日"},
            {**ok, "app_id": "B-2", "received": "3月5日"},
            {**ok, "app_id": "B-3"}]
    path = _write(config, tmp_path, QuarterData(applications=rows), year=2024)
    result = ingest_file(config, tmp_path, path)
    (error,) = [f for f in result.findings if f.rule == "IN103"]
    assert error.cell == "B5"
    assert "没有写年份" in error.message and "2024-05-06" in error.message
    (missing,) = [f for f in result.findings if f.rule == "IN201"]
    assert missing.cell == "B6" and missing.message.endswith("请按 2024-05-06 的格式填写日期。")
    b1 = result.applications[0]
    assert (b1.received, b1.answered) == (date(2024, 3, 5), date(2024, 3, 15))


# --- What is not a regular file in the workbooks folder --------------------------------------------

def _in_time(fn, seconds: float = 60):
    """fn() in a daemon thread: a call that blocks (a FIFO opened for reading waits for a
    writer for ever) fails the test instead of hanging it."""
    done: list = []
    thread = threading.Thread(target=lambda: done.append(fn()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert done, f"still waiting after {seconds} s"
    return done[0]


def test_entries_that_are_not_files_are_skipped_and_reported(config, tmp_path):
    good = _write(config, tmp_path, QuarterData(inputs=_full_inputs(config)))
    q2 = good.parent
    os.mkfifo(q2 / "2023年第2季度-青松社区.xlsx")
    (q2 / "2023年第2季度-和顺社区.xlsx").mkdir()
    (q2 / "2023年第2季度-明德社区.xlsx").symlink_to(q2 / "已删除.xlsx")
    (tmp_path / "2023" / "链接").symlink_to(q2, target_is_directory=True)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(q2 / "s.xlsx"))
    try:
        walked = _in_time(lambda: folders.walk(tmp_path / "2023"))
        result = _in_time(lambda: ingest_year(config, tmp_path, 2023))
    finally:
        sock.close()
    assert [parts for parts, _ in walked.files] == [("第2季度", "2023年第2季度-街道本级.xlsx")]
    assert result.files == ["2023/第2季度/2023年第2季度-街道本级.xlsx"]
    skipped = {f.file: f for f in result.findings if f.rule == "IN014"}
    assert {f.file: f.message.split("，")[0] for f in skipped.values()} == {
        "2023/第2季度/2023年第2季度-青松社区.xlsx": "这是命名管道（FIFO）",
        "2023/第2季度/2023年第2季度-和顺社区.xlsx": "这是一个文件夹（名称像报表文件）",
        "2023/第2季度/2023年第2季度-明德社区.xlsx": "这是失效的快捷方式（符号链接）",
        "2023/第2季度/s.xlsx": "这是套接字（socket）",
        "2023/链接": "这是指向文件夹的快捷方式（符号链接）"}
    assert all(f.severity == "warning" and f.year == 2023 for f in skipped.values())
    assert "已跳过，没有打开" in skipped["2023/第2季度/2023年第2季度-青松社区.xlsx"].message
    assert len(result.findings) == 5  # the workbook itself reads clean
    assert [h.unit for h in result.headers] == [UNIT]


def test_a_folder_that_cannot_be_listed_is_reported(config, tmp_path, monkeypatch):
    locked = tmp_path / "2023" / "第3季度"
    locked.mkdir(parents=True)
    listing = os.scandir

    def scandir(path):
        if os.fspath(path) == os.fspath(locked):
            raise PermissionError(13, "Permission denied")
        return listing(path)

    monkeypatch.setattr(folders.os, "scandir", scandir)
    (f,) = ingest_year(config, tmp_path, 2023).findings
    assert (f.rule, f.file) == ("IN014", "2023/第3季度")
    assert "无法打开的文件夹（PermissionError）" in f.message
