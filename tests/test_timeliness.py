"""One absurd register row through the real check: it is reported at its cell, the other
answers are still counted, and the report text may no longer call every answer timely."""

from __future__ import annotations

from datetime import datetime

import openpyxl

from pipeline.build import checking
from pipeline.core import statutory
from tests.shared import copy_tree

OFFICE_Q2 = "2023/第2季度/2023年第2季度-街道本级.xlsx"


def test_one_absurd_row_degrades_only_itself(tmp_path, config, sample_workbooks):
    workbooks, outputs = tmp_path / "workbooks", tmp_path / "outputs"
    copy_tree(sample_workbooks.root, workbooks)
    wb = openpyxl.load_workbook(workbooks / OFFICE_Q2)
    ws = wb["依申请公开台账"]
    ws["L4"] = 100000  # 2023-001 (answered in 10 working days): 100000 days of consultation
    # a second application, answered in 2 working days (Thu 2023-06-01 → Mon 06-05)
    for col, value in zip("ABCDKLMNO", ("2023-002", datetime(2023, 6, 1), "信函", "自然人", "否",
                                        0, datetime(2023, 6, 5),
                                        statutory.outcome_choice("disclosed"), 0), strict=True):
        ws[f"{col}5"] = value
    wb.save(workbooks / OFFICE_Q2)

    result = checking.check(config, workbooks, outputs, 2023)

    figures = result.tables[2023].figures
    assert (figures["answered_on_time"], figures["answered_late"],
            figures["answered_unknown"]) == (1, 0, 1)
    assert result.tables[2023].b[("results_total", "total")] == 2  # the tables keep both
    found = [(f.rule, f.severity, f.file, f.sheet, f.cell) for f in result.findings
             if f.rule.startswith(("DL", "TX", "IN2"))]
    # 100000 days is more than a year's working days: unusable where it is read (IN209),
    # so that row's timeliness is unknown and nothing else is
    assert found == [
        ("IN209", "error", OFFICE_Q2, "依申请公开台账", "L4"),
        ("TX036", "error", "2023/2023年年报文字.xlsx", "年报文字", None)]
    tx036 = next(f for f in result.findings if f.rule == "TX036")
    assert "均已按时限要求答复" in tx036.message
    assert "有1件已答复的申请未能核对是否按时答复" in tx036.message
