"""Review of a year's tables: hard rules 1–6 and the plausibility warnings."""

from __future__ import annotations

import pytest

from pipeline.core import statutory
from pipeline.core.cell_names import SHEETS
from pipeline.core.model import YearTables
from pipeline.review.table_rules import review_year
from tests import seed_tables as st

B_ROW = statutory.TABLE_B_ROW
B_COL = dict(statutory.TABLE_B_COLUMNS)
TOTAL = statutory.TOTAL[1]
A_ROW = statutory.TABLE_A_ROW_LABELS


def year(y, made, figures=None, source="workbooks"):
    a, b, c = made()
    return YearTables(y, source, a, b, c, figures or {})


def rules(findings):
    return sorted(f.rule for f in findings)


def test_the_sample_years_pass():
    assert review_year(year(2021, st.sample_2021), None) == []
    assert review_year(year(2022, st.sample_2022), year(2021, st.sample_2021)) == []
    assert review_year(year(2023, st.seed_2023), year(2022, st.sample_2022)) == []


def test_rule_1_column_out_of_balance():
    t = year(2023, st.seed_2023)
    t.b[("carried_out", "business")] = 2   # 四 without an entry in 一 or 二
    t.b[("carried_out", "total")] = 2
    found = review_year(t, None)
    assert rules(found) == ["RV001", "RV001"]
    f = next(f for f in found if B_COL["business"] in f.message)
    assert f.severity == "error" and f.year == 2023
    assert (f.file, f.sheet, f.cell) == (None, SHEETS["B"], None)
    assert B_ROW["results_total"].label in f.message and B_ROW["carried_out"].label in f.message
    assert "为0" in f.message and "为2" in f.message   # 一+二 = 0, （七）+四 = 2


def test_rule_2_total_is_not_the_sum_of_the_columns():
    t = year(2023, st.seed_2023)
    t.b[("carried_in", "total")] = 1
    t.b[("carried_out", "total")] = 1      # keeps rule 1 in the 总计 column
    found = review_year(t, None)
    assert rules(found) == ["RV002", "RV002"]
    assert any(B_ROW["carried_in"].label in f.message and f"“{TOTAL}”为1" in f.message
               for f in found)


def test_rule_3_results_total_is_not_the_sum_of_the_outcomes():
    t = year(2023, st.seed_2023)
    t.b[("unavailable_1", "natural")] = 0
    t.b[("withheld_1", "natural")] = 0
    t.b[("disclosed", "natural")] = 0
    t.b[("unavailable_1", "total")] = 0    # rows still add up; only the column breaks
    t.b[("disclosed", "total")] = 0
    found = review_year(t, None)
    assert rules(found) == ["RV003", "RV003"]
    assert all("之和为0" in f.message and "为1" in f.message for f in found)


def test_rule_4_case_total():
    t = year(2023, st.seed_2023)
    t.c[("direct_suit", "corrected")] = 2
    t.c[("direct_suit", "total")] = 1
    [f] = review_year(t, None)
    assert f.rule == "RV004" and f.sheet == SHEETS["C"]
    group = dict(statutory.TABLE_C_GROUPS)["direct_suit"]
    assert group in f.message and "之和为2" in f.message and f"“{TOTAL}”为1" in f.message


def test_rule_5_blank_negative_and_fractional_cells():
    t = year(2023, st.seed_2023)
    t.a[("penalty", "decisions")] = None
    t.a[("fees", "amount")] = 1.25           # 万元: decimals are allowed
    t.c[("review", "pending")] = -1
    t.c[("review", "total")] = -1
    t.b[("withheld_2", "nonprofit")] = 0.5
    t.b[("withheld_2", "total")] = 0.5
    found = [f for f in review_year(t, None) if f.rule == "RV005"]
    messages = sorted(f.message for f in found)
    assert len(found) == 5
    assert any(A_ROW["penalty"] in m and "未填写" in m for m in messages)
    assert sum("为负数（-1）" in m for m in messages) == 2
    assert sum("不是整数（0.5）" in m for m in messages) == 2
    assert not any(A_ROW["fees"] in m for m in messages)


def test_rule_6_carried_in_must_equal_last_years_carried_out():
    prev = year(2021, st.sample_2021)
    t = year(2022, st.sample_2022)
    t.b[("carried_in", "natural")] = 0
    t.b[("new", "natural")] = 3              # rule 1 still holds; only rule 6 breaks
    t.b[("carried_in", "total")] = 0
    t.b[("new", "total")] = 4
    found = review_year(t, prev)
    assert rules(found) == ["RV006", "RV006"]
    f = next(f for f in found if B_COL["natural"] in f.message)
    assert "为0" in f.message and "同列为1" in f.message
    assert review_year(t, None) == []        # without last year there is nothing to join


def test_in_force_should_follow_last_year():
    prev = year(2022, st.sample_2022)
    prev.a[("normative", "in_force")] = 10
    t = year(2023, st.seed_2023)
    t.a.update({("normative", "made"): 2, ("normative", "repealed"): 1,
                ("normative", "in_force"): 12})
    [f] = review_year(t, prev)
    assert (f.rule, f.severity) == ("RV101", "warning")
    assert "应为11" in f.message and "为12" in f.message
    t.a[("normative", "in_force")] = 11     # 10 + 2 − 1
    assert review_year(t, prev) == []


def test_rules_at_a_subdistrict_are_a_warning():
    t = year(2023, st.seed_2023)
    t.a[("rules", "made")] = 1
    t.a[("rules", "in_force")] = 1
    found = review_year(t, None)
    assert [(f.rule, f.severity) for f in found] == [("RV102", "warning")] * 2
    assert "街道办事处没有“规章”制定权" in found[0].message


@pytest.mark.parametrize("kind, warned", [("街道", "街道办事处"), ("镇", "镇人民政府"),
                                          ("区政府", None), ("部门", None)])
def test_the_rules_warning_follows_the_kind_of_organ(kind, warned):
    t = year(2023, st.seed_2023)
    t.a[("rules", "in_force")] = 3
    found = review_year(t, None, organ_kind=kind)
    assert [f.message.split("。")[1] for f in found] == (
        [f"{warned}没有“规章”制定权，这里通常应为0"] if warned else [])


def test_year_on_year_jumps_in_figures_and_totals():
    prev = year(2022, st.sample_2022, {"items_published": 100, "interpretations": 20,
                                       "complaints": 0, "trainings": 1})
    t = year(2023, st.seed_2023, {"items_published": 600, "interpretations": 3,
                                  "complaints": 40, "trainings": 0})
    found = review_year(t, prev)
    # 600 > 5 × 100 and 3 < 20 / 5; complaints had no base; 1 → 0 is too small to matter.
    assert rules(found) == ["RV103", "RV103"]
    assert any("主动公开政府信息条数" in f.message and "600" in f.message for f in found)
    t.figures.update(items_published=500, interpretations=4)   # exactly 5× and exactly 1/5
    assert review_year(t, prev) == []


def test_a_partial_year_is_not_judged_against_a_whole_one():
    prev = year(2022, st.sample_2022, {"items_published": 1000})
    t = year(2023, st.seed_2023, {"items_published": 150})  # half a year's returns so far
    assert rules(review_year(t, prev)) == ["RV103"]
    assert review_year(t, prev, partial=True) == []


def test_a_jump_in_applications_received_is_warned():
    prev = year(2022, st.sample_2022)
    prev.b[("new", "total")] = 12           # only the total is compared
    t = year(2023, st.seed_2023)
    found = [f for f in review_year(t, prev) if f.rule == "RV103"]
    # Last year 12 received in total, this year 1: less than a fifth.
    assert len(found) == 1 and B_ROW["new"].label in found[0].message
    assert "上年为12" in found[0].message
