"""Consolidation of hand-built records into a year's tables, figures and lineage."""

from __future__ import annotations

from datetime import date

from pipeline.core import statutory
from pipeline.core.model import YearTables
from pipeline.core.records import Application, Case, Fact, Header, Source
from pipeline.review.table_rules import review_year
from tests import seed_tables as st
from tests.consolidation import consolidate_year

YEAR_END = date(2023, 12, 31)


def file_of(year, q, unit):
    return f"{year}/第{q}季度/{year}年第{q}季度-{unit}.xlsx"


def headers_for(cfg, year, quarters=(1, 2, 3, 4), skip=()):
    return [Header(u, year, q, "v1", file_of(year, q, u)) for u in cfg.units for q in quarters
            if (u, q) not in skip]


def fact(unit, year, q, topic, key, dim, value, cell="B5", sheet="表"):
    return Fact(unit, year, q, topic, key, dim, value, file_of(year, q, unit), sheet, cell)


def article20(unit, year, q, values=None):
    """All ten table A cells of one workbook; `values` overrides some (default 0)."""
    values = values or {}
    return [fact(unit, year, q, "article20", r, c, values.get((r, c), 0), sheet="第二十条",
                 cell=f"{chr(66 + i)}5") for i, (r, c) in enumerate(statutory.TABLE_A_CELLS)]


def application(unit, year, q, app_id, received, cls, answered=None, outcome=None, row=5,
                **kw):
    src = Source(file_of(year, q, unit), "依申请公开台账", f"A{row}")
    return Application(unit, year, q, app_id, received, "网络平台", cls, answered=answered,
                       outcome=outcome, source=src,
                       cells={"received": f"C{row}", "applicant_class": f"E{row}"}, **kw)


def case(unit, year, q, case_id, kind, result, row=5):
    return Case(unit, year, q, case_id, kind, date(year, 8, 1), result,
                Source(file_of(year, q, unit), "复议诉讼台账", f"A{row}"))


def tables_of(year, made, source="workbooks", figures=None):
    a, b, c = made()
    return YearTables(year, source, a, b, c, figures or {})


# --- The sample years --------------------------------------------------------------------------

def seed_2023_records(cfg):
    """Records equivalent to the seed's 2023 workbooks (numbers typed by hand)."""
    u = "街道本级"
    facts = [f for q in (1, 2, 3, 4) for f in article20(u, 2023, q)]
    facts += article20("青松社区", 2023, 4, {("normative", "made"): None})  # blank → 0
    items = {1: {"党建工作": 300, "财政预算": 40, "行政审批": 2}, 2: {"公共服务": 500},
             3: {"便民事项": 200, "社会救助": 100},
             4: {"养老服务": 100, "医疗卫生": 50, "食品安全": 50, "其他": 0}}
    for q, per_cat in items.items():
        for cat, n in per_cat.items():
            facts.append(fact(u, 2023, q, "disclosure", cat, "", n))
            facts.append(fact(u, 2023, q, "disclosure", cat, "政府网站", 999))  # not items
    facts.append(fact("青松社区", 2023, 1, "disclosure", "党建工作", "", None))
    facts += [fact(u, 2023, q, "interpretation", "会议", "", 4) for q in (1, 2, 3, 4)]
    for q, key, n in ((2, "self_inspections", 1), (4, "self_inspections", 1),
                      (2, "items_screened", 500), (4, "items_screened", 523),
                      (4, "problems_found", 9), (4, "problems_fixed", 9), (1, "complaints", 0),
                      (4, "complaints", None)):
        facts.append(fact(u, 2023, q, "supervision", key, "", n))
    apps = [application(u, 2023, 2, "2023-001", date(2023, 5, 8), "natural",
                        date(2023, 5, 22), "unavailable_1")]
    return headers_for(cfg, 2023), facts, apps, []


def sample_2022_records(cfg):
    u = "街道本级"
    facts = article20(u, 2022, 4)
    apps = [
        application(u, 2022, 1, "2021-007", date(2021, 12, 20), "natural", date(2022, 1, 10),
                    "disclosed", row=5),
        application(u, 2022, 1, "2022-001", date(2022, 3, 14), "natural", date(2022, 3, 30),
                    "disclosed", row=6),
        application(u, 2022, 2, "2022-002", date(2022, 6, 20), "business", row=5),
        application(u, 2022, 3, "2022-002", date(2022, 6, 20), "business", date(2022, 7, 12),
                    "partial", row=5),
        application(u, 2022, 3, "2022-003", date(2022, 9, 5), "natural", date(2022, 9, 15),
                    "other_3", row=6),
    ]
    cases = [case(u, 2022, 3, "2022-F01", "review", "upheld")]
    return headers_for(cfg, 2022), facts, apps, cases


def test_seed_2023_consolidates_to_the_published_tables(config):
    headers, facts, apps, cases = seed_2023_records(config)
    prev = tables_of(2022, st.sample_2022, figures=dict(st.SAMPLE_FIGURES[2022]))
    c = consolidate_year(config, 2023, headers, facts, apps, cases, prev, as_of=YEAR_END)
    a, b, cc = st.seed_2023()
    assert (c.tables.a, c.tables.b, c.tables.c) == (a, b, cc)
    assert c.tables.source == "workbooks" and c.tables.year == 2023
    expected = dict(st.SAMPLE_FIGURES[2023], trainings=0, board_updates=0,
                    answered_on_time=1, answered_late=0, answered_unknown=0)
    assert c.tables.figures == expected
    assert c.findings == []
    assert [(x.app_id, wd, ok) for x, wd, ok in c.applications] == [("2023-001", 10, True)]


def test_every_cell_is_a_number_even_without_any_record(config):
    c = consolidate_year(config, 2023, [], [], [], [], None, as_of=date(2023, 6, 30))
    for tbl in ("A", "B", "C"):
        assert all(v == 0 and v is not None for v in c.tables.table(tbl).values())
    assert c.findings == [] and c.lineage == []


def test_sample_2022_consolidates_and_joins_2021(config):
    headers, facts, apps, cases = sample_2022_records(config)
    prev = tables_of(2021, st.sample_2021, "published")
    c = consolidate_year(config, 2022, headers, facts, apps, cases, prev,
                         as_of=date(2022, 12, 31))
    a, b, cc = st.sample_2022()
    assert (c.tables.a, c.tables.b, c.tables.c) == (a, b, cc)
    assert c.findings == []
    # 2022-002 listed twice collapses to its Q3 row.
    register = {x.app_id: (x.quarter, x.outcome, wd, ok) for x, wd, ok in c.applications}
    # 2021-007: 2021-12-20 → 2022-01-10: Dec 21–24 (4), Dec 27–31 (9), Jan 1–3 2022 holiday,
    # Jan 4–7 (13), Jan 10 (14). 2022-002: Mon Jun 20 → Tue Jul 12: Jun 21–24 (4),
    # Jun 27 – Jul 1 (9), Jul 4–8 (14), Jul 11–12 (16).
    assert register["2021-007"] == (1, "disclosed", 14, True)
    assert register["2022-002"] == (3, "partial", 16, True)
    assert len(c.applications) == 4 and [k.case_id for k in c.cases] == ["2022-F01"]
    assert review_year(c.tables, prev) == []


def test_a_carried_in_mismatch_names_the_applications(config):
    headers, facts, apps, cases = sample_2022_records(config)
    prev = tables_of(2021, st.sample_2021, "published")
    prev.b[("carried_out", "total")] = 2                   # last year said two were carried
    prev.b[("carried_out", "research")] = 1
    c = consolidate_year(config, 2022, headers, facts, apps, cases, prev,
                         as_of=date(2022, 12, 31))
    [f] = c.findings
    assert (f.rule, f.severity, f.year) == ("CS008", "note", 2022)
    assert "共2件" in f.message and "共1件：2021-007（街道本级）" in f.message
    # The rule itself is the review's (run by the caller for every year alike).
    assert sorted(x.rule for x in review_year(c.tables, prev)) == ["RV006", "RV006"]


def test_a_lost_carried_in_application(config):
    headers, facts, apps, cases = sample_2022_records(config)
    apps = [x for x in apps if x.app_id != "2021-007"]
    prev = tables_of(2021, st.sample_2021, "published")
    c = consolidate_year(config, 2022, headers, facts, apps, cases, prev,
                         as_of=date(2022, 12, 31))
    assert [f.rule for f in c.findings] == ["CS008"]
    assert "共1件" in c.findings[0].message and "共0件。" in c.findings[0].message


# --- Table A ------------------------------------------------------------------------------------

def test_flows_add_up_and_stocks_are_read_at_year_end(config):
    u, v = "街道本级", "青松社区"
    facts = (article20(u, 2023, 1, {("normative", "made"): 2, ("normative", "in_force"): 5})
             + article20(u, 2023, 3, {("normative", "made"): 1, ("normative", "in_force"): 6})
             + article20(u, 2023, 4, {("normative", "in_force"): 7,
                                      ("fees", "amount"): 0.1})
             + article20(v, 2023, 2, {("normative", "in_force"): 9, ("fees", "amount"): 0.2,
                                      ("licensing", "decisions"): None})
             + article20(v, 2023, 3, {("normative", "in_force"): 2, ("penalty", "decisions"): 3}))
    headers = headers_for(config, 2023, skip={(v, 4), (v, 1)})
    c = consolidate_year(config, 2023, headers, facts, [], [], None, as_of=YEAR_END)
    a = c.tables.a
    assert a[("normative", "made")] == 3            # 2 + 1
    assert a[("normative", "in_force")] == 9        # 7 (街道本级 Q4) + 2 (青松社区 Q3, its latest)
    assert a[("fees", "amount")] == 0.3             # 0.1 + 0.2 without float noise
    assert a[("penalty", "decisions")] == 3
    assert a[("licensing", "decisions")] == 0       # blank counts as 0
    missing_q4 = [f for f in c.findings if f.rule == "CS001"]
    assert [(f.unit, f.severity) for f in missing_q4] == [(v, "warning")]
    assert "第3季度" in missing_q4[0].message
    lin = [(x.unit, x.quarter, x.value) for x in c.lineage
           if (x.tbl, x.row_key, x.col_key) == ("A", "normative", "in_force")]
    assert sorted(lin) == [(u, 4, 7), (v, 3, 2)]
    blank = [x for x in c.lineage if (x.row_key, x.col_key) == ("licensing", "decisions")
             and (x.unit, x.quarter) == (v, 2)]
    assert [(x.value, x.file, x.sheet) for x in blank] == [
        (None, file_of(2023, 2, v), "第二十条")]


def test_missing_q4_is_not_reported_while_the_year_runs(config):
    headers = headers_for(config, 2023, quarters=(1, 2))
    c = consolidate_year(config, 2023, headers, [], [], [], None, as_of=date(2023, 7, 10))
    assert c.findings == []


def test_a_unit_without_any_workbook_is_reported_at_year_end(config):
    headers = headers_for(config, 2023, skip={("友谊社区", q) for q in (1, 2, 3, 4)})
    c = consolidate_year(config, 2023, headers, [], [], [], None, as_of=YEAR_END)
    assert [(f.rule, f.unit) for f in c.findings] == [("CS001", "友谊社区")]
    assert "按0计" in c.findings[0].message


def test_records_of_other_years_are_ignored(config):
    facts = article20("街道本级", 2022, 4, {("penalty", "decisions"): 5})
    apps = [application("街道本级", 2022, 1, "2022-001", date(2022, 3, 1), "natural")]
    c = consolidate_year(config, 2023, headers_for(config, 2023), facts, apps, [], None,
                         as_of=YEAR_END)
    assert c.tables.a[("penalty", "decisions")] == 0 and c.tables.b[("new", "total")] == 0


# --- Table B and the register -----------------------------------------------------------------

def test_open_at_year_end_is_carried_out_even_if_answered_in_january(config):
    u = "街道本级"
    apps = [application(u, 2023, 4, "2023-009", date(2023, 12, 20), "research",
                        date(2024, 1, 5), "disclosed"),
            application(u, 2023, 4, "2023-010", date(2023, 12, 27), "nonprofit", row=6)]
    c = consolidate_year(config, 2023, headers_for(config, 2023), [], apps, [], None,
                         as_of=YEAR_END)
    b = c.tables.b
    assert b[("carried_out", "research")] == 1 and b[("carried_out", "nonprofit")] == 1
    assert b[("carried_out", "total")] == 2 and b[("new", "total")] == 2
    assert b[("disclosed", "total")] == 0 and b[("results_total", "total")] == 0
    assert c.tables.figures["answered_on_time"] == 0


def test_conflicting_received_date_names_both_cells(config):
    u = "街道本级"
    apps = [application(u, 2023, 2, "2023-002", date(2023, 6, 20), "business", row=7),
            application(u, 2023, 3, "2023-002", date(2023, 6, 21), "business",
                        date(2023, 7, 3), "disclosed", row=4)]
    c = consolidate_year(config, 2023, headers_for(config, 2023), [], apps, [], None,
                         as_of=YEAR_END)
    errors = [f for f in c.findings if f.rule == "CS002"]
    assert len(errors) == 1 and errors[0].severity == "error"
    msg = errors[0].message
    assert file_of(2023, 2, u) in msg and "C7" in msg and "2023-06-20" in msg
    assert file_of(2023, 3, u) in msg and "C4" in msg and "2023-06-21" in msg
    assert (errors[0].file, errors[0].cell) == (file_of(2023, 3, u), "A4")
    assert c.tables.b[("new", "business")] == 1  # counted once, from the latest row


def test_conflicting_applicant_class_is_shown_by_its_label(config):
    u = "街道本级"
    apps = [application(u, 2023, 1, "2023-003", date(2023, 3, 1), "natural"),
            application(u, 2023, 2, "2023-003", date(2023, 3, 1), "business",
                        date(2023, 3, 20), "disclosed")]
    c = consolidate_year(config, 2023, headers_for(config, 2023), [], apps, [], None,
                         as_of=YEAR_END)
    [err] = [f for f in c.findings if f.rule == "CS002"]
    labels = statutory.APPLICANT_CLASS_LABELS
    assert labels["natural"] in err.message and labels["business"] in err.message


def test_a_blank_fixed_field_in_the_latest_row_is_taken_from_an_earlier_row(config):
    u = "街道本级"
    apps = [application(u, 2023, 1, "2023-004", date(2023, 3, 1), "legal_service"),
            application(u, 2023, 2, "2023-004", None, None, date(2023, 3, 20), "disclosed")]
    c = consolidate_year(config, 2023, headers_for(config, 2023), [], apps, [], None,
                         as_of=YEAR_END)
    assert [f.rule for f in c.findings] == []
    assert c.tables.b[("disclosed", "legal_service")] == 1
    assert c.applications[0][0].received == date(2023, 3, 1)


def test_unusable_applications_are_reported_and_left_out(config):
    u = "街道本级"
    apps = [application(u, 2023, 1, "2023-005", date(2023, 3, 1), None, row=5),
            application(u, 2023, 1, "2023-006", date(2024, 1, 3), "natural", row=6),
            application(u, 2023, 1, "2023-007", date(2022, 11, 1), "natural",
                        date(2022, 12, 1), "disclosed", row=7),
            application(u, 2023, 1, "2023-008", date(2023, 3, 1), "natural",
                        outcome="disclosed", row=8)]
    c = consolidate_year(config, 2023, headers_for(config, 2023), [], apps, [], None,
                         as_of=YEAR_END)
    rules = sorted((f.rule, f.severity, f.cell) for f in c.findings if f.rule.startswith("CS"))
    # Notes where ingestion already reported the cell; an error for last year's closed case.
    assert rules == [("CS003", "note", "A5"), ("CS003", "note", "A6"), ("CS004", "note", "A8"),
                     ("CS005", "error", "A7")]
    assert "2024-01-03" in next(f.message for f in c.findings if f.cell == "A6")
    b = c.tables.b
    # Only 2023-008 is counted: received this year, no answer date → still open.
    assert b[("new", "total")] == 1 and b[("carried_out", "natural")] == 1
    assert statutory.check_hard_rules(c.tables.a, b, c.tables.c) == []


def test_lineage_of_an_application(config):
    headers, facts, apps, cases = seed_2023_records(config)
    c = consolidate_year(config, 2023, headers, facts, apps, cases, None, as_of=YEAR_END)
    cells = sorted((x.row_key, x.col_key) for x in c.lineage if x.tbl == "B")
    assert cells == sorted([("new", "natural"), ("new", "total"),
                            ("unavailable_1", "natural"), ("unavailable_1", "total"),
                            ("results_total", "natural"), ("results_total", "total")])
    x = next(x for x in c.lineage if x.tbl == "B")
    assert (x.unit, x.quarter, x.file, x.sheet, x.cell, x.value) == (
        "街道本级", 2, file_of(2023, 2, "街道本级"), "依申请公开台账", "A5", 1)
    # Table A: 街道本级's four quarters and 青松社区's Q4 for a flow cell.
    flow = [(x.unit, x.quarter) for x in c.lineage if (x.row_key, x.col_key) == ("rules", "made")]
    assert sorted(flow) == sorted([("街道本级", q) for q in (1, 2, 3, 4)] + [("青松社区", 4)])


# --- Table C ------------------------------------------------------------------------------------

def test_cases_by_kind_and_result(config):
    u = "街道本级"
    cases = [case(u, 2023, 2, "F1", "review", "pending", row=5),
             case(u, 2023, 4, "F1", "review", "corrected", row=5),
             case(u, 2023, 3, "S1", "direct_suit", "pending", row=6),
             case(u, 2023, 3, "S2", "suit_after_review", None, row=7),
             case(u, 2023, 3, "S3", None, "upheld", row=8)]
    c = consolidate_year(config, 2023, headers_for(config, 2023), [], [], cases, None,
                         as_of=YEAR_END)
    t = c.tables.c
    assert t[("review", "corrected")] == 1 and t[("review", "pending")] == 0
    assert t[("review", "total")] == 1
    assert t[("direct_suit", "pending")] == 1 and t[("direct_suit", "total")] == 1
    assert t[("suit_after_review", "pending")] == 1
    assert sum(t.values()) == 6  # three cases, each in its result and its total
    assert sorted((f.rule, f.cell) for f in c.findings) == [("CS006", "A8"), ("CS007", "A7")]


# --- Figures ------------------------------------------------------------------------------------

def test_fee_and_on_time_count_only_applications_closed_this_year(config):
    u = "街道本级"
    apps = [application(u, 2023, 1, "A1", date(2023, 1, 20), "natural", date(2023, 2, 23),
                        "disclosed", fee=30.5, row=5),            # 21 working days: late
            application(u, 2023, 2, "A2", date(2023, 5, 8), "natural", date(2023, 5, 22),
                        "disclosed", fee=20, row=6),              # 10 working days
            application(u, 2023, 4, "A3", date(2023, 12, 28), "natural", fee=99, row=7)]
    c = consolidate_year(config, 2023, headers_for(config, 2023), [], apps, [], None,
                         as_of=YEAR_END)
    f = c.tables.figures
    assert f["fee_charged_yuan"] == 50.5
    assert (f["answered_on_time"], f["answered_late"]) == (1, 1)
    assert [x.rule for x in c.findings] == ["DL002"]


def test_unknown_calendar_year_leaves_its_answers_unjudged(config):
    apps = [application("街道本级", 2031, 1, "A1", date(2031, 3, 3), "natural",
                        date(2031, 3, 20), "disclosed")]
    c = consolidate_year(config, 2031, headers_for(config, 2031), [], apps, [], None,
                         as_of=date(2031, 12, 31))
    f = c.tables.figures
    assert (f["answered_on_time"], f["answered_late"], f["answered_unknown"]) == (0, 0, 1)
    assert [f.rule for f in c.findings] == ["DL001"]
    assert c.tables.b[("disclosed", "natural")] == 1  # the tables do not depend on it


def _register_row(app_id, received, answered=None, row=4, **kw):
    """An application of 街道本级's fourth-quarter register, with the template's columns."""
    src = Source(file_of(2023, 4, "街道本级"), "依申请公开台账", f"A{row}")
    return Application("街道本级", 2023, 4, app_id, received, "网络平台", "natural",
                       answered=answered, outcome="disclosed" if answered else None,
                       source=src, cells={"app_id": f"A{row}", "received": f"B{row}",
                                          "consult_days": f"L{row}", "answered": f"M{row}"},
                       **kw)


def test_one_absurd_row_leaves_the_other_answers_counted(config):
    apps = [
        # 2023-05-08 → 05-22: 10 working days, on time
        _register_row("2023-001", date(2023, 5, 8), date(2023, 5, 22), row=4),
        # 2023-01-20 → 02-23: 21 working days, late (DL002)
        _register_row("2023-002", date(2023, 1, 20), date(2023, 2, 23), row=5),
        # 100000 days of consultation in a span of 10 working days: cannot be counted
        _register_row("2023-003", date(2023, 5, 8), date(2023, 5, 22), row=6,
                      consult_days=100000),
        # still open, 100000 days of consultation push its deadline past the calendar
        _register_row("2023-004", date(2023, 11, 1), row=7, consult_days=100000),
        # answered "2099-05-22" (typed for 2023): a year the calendar lacks
        _register_row("2023-005", date(2023, 5, 8), date(2099, 5, 22), row=8),
    ]
    c = consolidate_year(config, 2023, headers_for(config, 2023), [], apps, [], None,
                         as_of=YEAR_END)
    f = c.tables.figures
    # 2023-005 is answered after 2023: table three carries it out, it is not an answer of 2023
    assert (f["answered_on_time"], f["answered_late"], f["answered_unknown"]) == (1, 1, 1)
    # 2099 is after today (CS010 at the cell); judged on 31 December, 2023-005 was then still
    # open, and past its deadline (DL004)
    assert sorted((x.rule, x.severity, x.cell) for x in c.findings) == [
        ("CS010", "error", "M8"), ("DL002", "warning", "A5"), ("DL004", "warning", "A8"),
        ("DL008", "error", "L6"), ("DL008", "error", "L7")]
    by_row = {x.cell: x.message for x in c.findings if x.rule.startswith("DL")}
    assert ("申请 2023-003 的“征求第三方意见天数”填的是 100000 个工作日，而从“收到日期”"
            "（2023-05-08）到“答复日期”（2023-05-22）一共只有 10 个工作日") in by_row["L6"]
    assert "答复期限落在 2027 年或更晚" in by_row["L7"]
    assert "2099-05-22" in next(x.message for x in c.findings if x.rule == "CS010")
    assert all(x.file == "2023/第4季度/2023年第4季度-街道本级.xlsx" for x in c.findings)
    assert {(a.app_id, ok) for a, _, ok in c.applications} == {
        ("2023-001", True), ("2023-002", False), ("2023-003", None), ("2023-004", None),
        ("2023-005", None)}
