"""The findings workbook and JSON."""

from __future__ import annotations

import json
import os
import zipfile

import openpyxl
from python_calamine import CalamineWorkbook

from pipeline.core.findings import Finding
from pipeline.outputs.findings_file import (
    HEADERS,
    findings_json,
    write_findings,
    write_findings_xlsx,
)

F = [
    Finding("RV103", "warning", "变化过大", sheet="主要数据", year=2023),
    Finding("IN001", "error", "填的是“=cmd()”，请改为数字。", unit="青松社区",
            file="2023/第1季度/b.xlsx", sheet="主动公开", cell="B10", year=2023),
    Finding("IN101", "note", "未填写", unit="青松社区", file="2023/第1季度/a.xlsx",
            sheet="主动公开", cell="C5", year=2023),
    Finding("IN002", "error", "+1", unit="明德社区", file="2023/第1季度/b.xlsx",
            sheet="主动公开", cell="B9", year=2023),
    Finding("IN003", "error", "错误", unit="和顺社区", file="2023/第1季度/a.xlsx",
            sheet="主动公开", cell="A1", year=2023),
]


def test_workbook_rows_sorted_by_severity_then_file(tmp_path):
    path = tmp_path / "审核结果.xlsx"
    write_findings_xlsx(path, F)
    ws = openpyxl.load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert [(r[0], r[1], r[5]) for r in rows[1:]] == [
        ("错误", "IN003", "A1"), ("错误", "IN002", "B9"), ("错误", "IN001", "B10"),
        ("警告", "RV103", None), ("提示", "IN101", "C5")]
    assert rows[4] == ("警告", "RV103", None, None, "主要数据", None, "变化过大")
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:G6"


def test_a_message_quoting_a_formula_stays_text(tmp_path):
    path = tmp_path / "r.xlsx"
    write_findings_xlsx(path, F)
    ws = openpyxl.load_workbook(path).active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in cells)
    plus = next(c for c in cells if c.value == "+1")
    assert plus.quotePrefix
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "=cmd()" in sheet
    values = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert any("=cmd()" in str(v) for row in values for v in row)


def test_json_is_readable_chinese_in_a_stable_order(tmp_path):
    text = findings_json(F)
    assert "青松社区" in text and "\\u" not in text
    data = json.loads(text)
    assert [d["rule"] for d in data] == ["IN003", "IN002", "IN001", "RV103", "IN101"]
    assert set(data[0]) == {"rule", "severity", "message", "unit", "file", "sheet", "cell",
                            "year"}
    assert findings_json(list(reversed(F))) == text
    write_findings(tmp_path / "r.xlsx", tmp_path / "r.json", F)
    assert (tmp_path / "r.json").read_bytes() == text.encode("utf-8")


def test_no_findings_gives_a_header_only_workbook_and_an_empty_list(tmp_path):
    write_findings_xlsx(tmp_path / "e.xlsx", [])
    rows = list(openpyxl.load_workbook(tmp_path / "e.xlsx").active.iter_rows(values_only=True))
    assert rows == [HEADERS]
    assert json.loads(findings_json([])) == []


def test_findings_files_are_rewritten_only_when_what_they_hold_changes(tmp_path):
    xlsx, js = tmp_path / "r.xlsx", tmp_path / "r.json"
    write_findings(xlsx, js, F)
    first = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (xlsx, js)}

    write_findings(xlsx, js, list(reversed(F)))  # the same findings
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (xlsx, js)} == first

    write_findings(xlsx, js, F[:2])  # one fewer: both written anew
    assert json.loads(js.read_text(encoding="utf-8"))[0]["rule"] == "IN001"
    rows = list(openpyxl.load_workbook(xlsx).active.iter_rows(values_only=True))
    assert len(rows) == 3

    # the workbook saved over by someone (later than the JSON): written anew
    later = js.stat().st_mtime_ns + 10**9
    xlsx.write_bytes(b"edited")
    os.utime(xlsx, ns=(later, later))
    write_findings(xlsx, js, F[:2])
    assert len(list(openpyxl.load_workbook(xlsx).active.iter_rows())) == 3

    xlsx.unlink()  # a missing workbook is written
    write_findings(xlsx, js, F[:2])
    assert xlsx.is_file()
