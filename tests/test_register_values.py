"""Register rows and values that are not what they seem: pre-printed sequence numbers, values
no sub-district can have, and dates after the quarter's end (a fourth quarter's application
answered in January)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from pipeline.build import checking
from pipeline.consolidate.unit_part import consolidate_unit
from pipeline.consolidate.year_total import combine
from pipeline.core import statutory
from pipeline.core.records import Application, Case, Header, Source
from pipeline.workbooks import filenames, layout
from pipeline.workbooks.reading import ingest_file
from pipeline.workbooks.template import QuarterData, write_workbook

APPS = layout.SHEET_APPLICATIONS
CASES = layout.SHEET_CASES
OK = {"received": date(2023, 4, 3), "applicant_class": "自然人"}
UNIT = "街道本级"


def _read(config, root, applications=(), cases=(), inputs=None, year=2023, quarter=2):
    path = filenames.quarter_path(root, year, quarter, UNIT)
    write_workbook(config, path, UNIT, year, quarter,
                   data=QuarterData(inputs=inputs or {}, applications=list(applications),
                                    cases=list(cases)))
    return ingest_file(config, root, path)


def _found(result, sheets=(APPS, CASES)):
    return [(f.rule, f.sheet, f.cell) for f in result.findings if f.sheet in sheets]


# --- Pre-printed sequence numbers --------------------------------------------------------------

def test_rows_holding_only_a_sequence_number_are_empty_rows_with_one_note(config, tmp_path):
    rows = [{**OK, "app_id": 1}]                                   # row 4: a real application
    rows += [{"app_id": n} for n in range(2, 48)]                  # rows 5–50: numbers
    rows += [{"app_id": "2023-003"}]                               # row 51: an ID, nothing else
    rows += [{"app_id": str(n)} for n in range(48, 56)]            # rows 52–59: numbers as text
    rows += [{"app_id": "５６"}]                                    # row 60: full-width
    rows += [{"app_id": 57, "name": "某某"}]                         # row 61: a personal cell too
    result = _read(config, tmp_path, rows, cases=[{"case_id": n} for n in (1, 2, 3)])
    assert sorted(_found(result)) == sorted([
        ("IN208", APPS, "A5"),
        ("IN201", APPS, "B51"), ("IN201", APPS, "D51"),            # reported as before
        ("IN201", APPS, "B61"), ("IN201", APPS, "D61"),
        ("IN208", CASES, "A4")])
    note = next(f for f in result.findings if f.rule == "IN208" and f.sheet == APPS)
    assert note.severity == "note"
    assert "本表有 55 行（第5行至第60行之间）只在“申请编号”列填了序号" in note.message
    assert "补填收到日期" in note.message
    assert [a.app_id for a in result.applications] == ["1", "2023-003", "57"]
    assert result.cases == []


@pytest.mark.parametrize("number", [0, 10000, "001", 2.5, -3, "1.0"])
def test_only_plain_positive_integers_below_10000_are_sequence_numbers(config, tmp_path, number):
    result = _read(config, tmp_path, [{"app_id": number}])
    assert [r for r, _, _ in _found(result)] == ["IN201", "IN201"]


def test_9999_is_still_a_sequence_number(config, tmp_path):
    result = _read(config, tmp_path, [{"app_id": 9999}])
    assert _found(result) == [("IN208", APPS, "A4")] and result.applications == []


# --- Values no sub-district can have -----------------------------------------------------------

def test_absurd_consultation_days_and_fees_are_errors_and_not_used(config, tmp_path):
    reg = layout.APPLICATIONS
    rows = [{**OK, "app_id": "A-1", "consult_days": 250, "fee": 100000},      # the limits: fine
            {**OK, "app_id": "A-2", "consult_days": 251, "fee": 100000.01},
            {**OK, "app_id": "A-3", "consult_days": 100000, "fee": 1e8}]
    result = _read(config, tmp_path, rows)
    cd, fee = reg.letter("consult_days"), reg.letter("fee")
    assert sorted(_found(result)) == [("IN209", APPS, f"{cd}5"), ("IN209", APPS, f"{cd}6"),
                                      ("IN210", APPS, f"{fee}5"), ("IN210", APPS, f"{fee}6")]
    assert all(f.severity == "error" for f in result.findings if f.rule in ("IN209", "IN210"))
    messages = {f.cell: f.message for f in result.findings}
    assert "“征求第三方意见天数”为 100000 天" in messages[f"{cd}6"]
    assert "250 天" in messages[f"{cd}6"] and "是否按时答复暂无法核对" in messages[f"{cd}6"]
    assert "为 100000000 元，超过 100000 元" in messages[f"{fee}6"]
    values = [(a.app_id, a.consult_days, a.fee) for a in result.applications]
    # an unusable number of days is not known (None), so the answer's timeliness is not judged
    assert values == [("A-1", 250, 100000.0), ("A-2", None, 0.0), ("A-3", None, 0.0)]


def test_grid_counts_far_beyond_a_sub_district_are_flagged(config, tmp_path):
    grids = {g.sheet: g for g in layout.grids(config)}
    interp = grids[layout.SHEET_INTERPRETATION].inputs
    supervision = grids[layout.SHEET_SUPERVISION].inputs
    fees = next(i for i in grids[layout.SHEET_ARTICLE20].inputs if i.kind == layout.AMOUNT)
    inputs = {(interp[0].topic, interp[0].key, interp[0].dim): 100000,      # the limit: fine
              (interp[1].topic, interp[1].key, interp[1].dim): 100001,      # warning, counted
              (supervision[1].topic, supervision[1].key, ""): 10_000_000,   # error, not counted
              (fees.topic, fees.key, fees.dim): 2_000_000.5}                # an amount: not a count
    result = _read(config, tmp_path, inputs=inputs)
    flagged = [(f.rule, f.severity, f.sheet, f.cell) for f in result.findings
               if f.rule in ("IN303", "IN304")]
    assert flagged == [
        ("IN303", "warning", layout.SHEET_INTERPRETATION, interp[1].cell),
        ("IN304", "error", layout.SHEET_SUPERVISION, supervision[1].cell)]
    message = next(f.message for f in result.findings if f.rule == "IN304")
    assert "“筛查公开内容条数”为 10000000，超过 1000000" in message
    facts = {(f.sheet, f.cell): f.value for f in result.facts}
    assert facts[(layout.SHEET_INTERPRETATION, interp[1].cell)] == 100001
    assert (layout.SHEET_SUPERVISION, supervision[1].cell) not in facts
    assert facts[(layout.SHEET_ARTICLE20, fees.cell)] == 2_000_000.5


# --- Dates after the quarter's end -------------------------------------------------------------

def test_answer_and_correction_dates_may_fall_after_the_quarters_end(config, tmp_path):
    reg = layout.APPLICATIONS
    rows = [{**OK, "app_id": "A-1", "correction_sent": date(2023, 6, 28),
             "correction_received": date(2023, 7, 3), "answered": date(2023, 7, 20),
             "outcome": "（一）予以公开"},                                   # legal: filled later
            {**OK, "app_id": "A-2", "received": date(2023, 7, 1)},        # received: not legal
            {**OK, "app_id": "A-3", "received": date(2022, 3, 1),
             "answered": date(2021, 12, 30), "outcome": "（一）予以公开"}]   # before the window
    result = _read(config, tmp_path, rows)
    # (A-3's answer, before its received date, is also IN202 there)
    assert sorted(x for x in _found(result) if x[0] != "IN202") == [
        ("IN203", APPS, f"{reg.letter('received')}5"), ("IN203", APPS, f"{reg.letter('answered')}6")]
    messages = {f.cell: f.message for f in result.findings if f.rule == "IN203"}
    assert "不在 2022-01-01 至 2023-06-30 之内" in messages[f"{reg.letter('received')}5"]
    assert "不在 2022-01-01 至 今天 之内" in messages[f"{reg.letter('answered')}6"]
    a1 = result.applications[0]
    assert (a1.correction_received, a1.answered) == (date(2023, 7, 3), date(2023, 7, 20))


def _q4_app(app_id, received, answered, row, cls="natural", outcome="disclosed"):
    file = "2023/第4季度/2023年第4季度-街道本级.xlsx"
    return Application(UNIT, 2023, 4, app_id, received, "信函", cls, answered=answered,
                       outcome=outcome, source=Source(file, APPS, f"A{row}"),
                       cells={"answered": f"M{row}", "received": f"B{row}"})


def test_a_date_after_today_is_an_error_where_today_is_known(config):
    """A part is kept whatever the day: a date is judged against today in combine."""
    apps = [_q4_app("2023-050", date(2023, 12, 20), date(2024, 1, 10), row=4),
            _q4_app("2023-051", date(2023, 12, 21), date(2024, 3, 1), row=5)]
    cases = [Case(UNIT, 2023, 4, "F-1", "review", date(2099, 1, 1), "pending",
                  Source("2023/第4季度/2023年第4季度-街道本级.xlsx", CASES, "A7"))]
    headers = [Header(UNIT, 2023, q, "2024.1", f"2023/第{q}季度/2023年第{q}季度-街道本级.xlsx")
               for q in (1, 2, 3, 4)]
    part = consolidate_unit(2023, UNIT, headers, [], apps, cases, date(2023, 12, 31))
    _, _, found = combine(config, 2023, [part], None, date(2023, 12, 31), today=date(2024, 2, 1))
    future = [(f.rule, f.severity, f.file, f.sheet, f.cell) for f in found if f.rule == "CS010"]
    file = "2023/第4季度/2023年第4季度-街道本级.xlsx"
    assert future == [("CS010", "error", file, APPS, "M5"), ("CS010", "error", file, CASES, "C7")]
    message = next(f.message for f in found if f.cell == "M5")
    assert "申请 2023-051 的答复日期为 2024-03-01，晚于今天（2024-02-01）" in message
    _, _, later = combine(config, 2023, [part], None, date(2023, 12, 31), today=date(2024, 3, 1))
    assert [f.cell for f in later if f.rule == "CS010"] == ["C7"]
    # on 31 December both were open: carried out, whatever was typed later
    b = combine(config, 2023, [part], None, date(2023, 12, 31))[0].b
    assert b[("carried_out", "natural")] == 2 and b[("results_total", "total")] == 0
    assert [(a.app_id, a.answered, a.outcome) for a, _, _ in part.register] == [
        ("2023-050", None, None), ("2023-051", None, None)]


# --- End to end: answered in January, in both years' registers ---------------------------------

def _hashes(root):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_a_fourth_quarter_application_answered_in_january(config, tmp_path):
    """Received 2023-12-20, answered 2024-01-10: in the 2023 Q4 workbook (filled in January)
    and again in the 2024 Q1 one. 2023 carries it out; 2024 carries it in and closes it."""
    row = {"app_id": "2023-050", "received": date(2023, 12, 20), "channel": "信函",
           "applicant_class": "自然人", "answered": date(2024, 1, 10),
           "outcome": "（一）予以公开"}
    workbooks = tmp_path / "workbooks"
    for year, quarter in ((2023, 4), (2024, 1)):
        write_workbook(config, filenames.quarter_path(workbooks, year, quarter, UNIT), UNIT, year,
                       quarter, data=QuarterData(applications=[row]))
    before = _hashes(workbooks)

    result = checking.check(config, workbooks, tmp_path / "outputs", 2024)

    assert [f for f in result.findings if f.severity == "error"] == []
    assert [f for f in result.findings if f.rule in ("IN203", "CS008", "CS010")] == []
    b23, b24 = result.tables[2023].b, result.tables[2024].b
    total = statutory.TOTAL[0]
    # 2023: one new application (自然人), not closed in 2023: 四、结转下年度
    assert b23[("new", "natural")] == 1 and b23[("new", total)] == 1
    assert b23[("carried_out", "natural")] == 1 and b23[("carried_out", total)] == 1
    assert b23[("disclosed", total)] == 0 and b23[("results_total", total)] == 0
    assert b23[("carried_in", total)] == 0
    # 2024: 二、上年结转, closed as 予以公开
    assert b24[("carried_in", "natural")] == 1 and b24[("carried_in", total)] == 1
    assert b24[("new", total)] == 0
    assert b24[("disclosed", "natural")] == 1 and b24[("disclosed", total)] == 1
    assert b24[("results_total", "natural")] == 1 and b24[("results_total", total)] == 1
    assert b24[("carried_out", total)] == 0
    assert _hashes(workbooks) == before
