"""The 全区 dashboard's data and charts: organs combined (tables summed, registers kept apart,
every organ cut to the same quarters when one is not complete) and set side by side, on two
copies of the seed store whose numbers are typed by hand in tests/seed_tables.py."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from pipeline.dashboards import district_charts, district_data, frames, registry
from pipeline.review import returns
from tests import seed_tables


@pytest.fixture(scope="module")
def organ(seed_dashboard):
    return seed_dashboard


@pytest.fixture(scope="module")
def whole(organ):
    return district_data.combine("演示区", 2023, {"甲街道": organ, "乙街道": organ})


def test_the_district_is_its_organs_summed(organ, whole):
    assert whole.units == ("甲街道", "乙街道") and registry.page_kind(whole) is registry.Page.DISTRICT
    assert whole.sources == {2021: "published", 2022: "workbooks", 2023: "workbooks"}
    figures = seed_tables.SAMPLE_FIGURES
    assert {y: t.figures["items_published"] for y, t in whole.tables.items()} == {
        y: 2 * figures[y]["items_published"] for y in (2021, 2022, 2023)}
    assert whole.tables[2021].source == "published"
    seed_a, seed_b, _ = seed_tables.seed_2023()
    assert whole.tables[2023].b[("new", "total")] == 2 * seed_b[("new", "total")]
    # registers of two organs that number alike stay two applications each
    assert len(whole.applications) == 2 * len(organ.applications)
    assert whole.applications["app_id"].nunique() == 2 * organ.applications["app_id"].nunique()
    assert set(whole.disclosure["unit"]) == {"甲街道", "乙街道"}
    assert whole.completeness.counts[returns.CONFIRMED] == 2 * organ.completeness.counts[
        returns.CONFIRMED]


def test_every_chart_of_the_district_page_is_drawn(whole):
    figures = registry.dashboard_figures(whole)
    assert "by_unit" not in figures and "submissions" not in figures
    assert list(figures)[-7:] == ["organs_proactive", "organs_applications", "organs_outcomes",
                                  "organs_on_time", "organs_findings", "returns_matrix",
                                  "findings"]
    [total] = [t for t in figures["proactive_total"].data if t.type == "bar"]
    assert list(total.y) == [1960, 2210, 2684]  # 2 × 980, 1105, 1342
    per_organ = {t.name: list(t.y) for t in figures["organs_proactive"].data}
    assert per_organ == {"2021年": [980, 980], "2022年": [1105, 1105], "2023年": [1342, 1342]}


def test_the_return_matrix_has_a_row_per_organ_and_unit(organ, whole):
    frame = district_charts.returns_matrix(whole)
    heat = district_charts.returns_matrix_chart(frame, whole).data[0]
    assert len(heat.y) == 2 * len(organ.units)
    assert heat.y[0] == f"甲街道｜{organ.units[0]}" and heat.y[-1] == f"乙街道｜{organ.units[-1]}"
    assert [len(row) for row in heat.z] == [4] * len(heat.y)


def test_an_organ_not_complete_cuts_every_organ_to_the_same_quarters(organ):
    half = replace(organ, completeness=replace(organ.completeness, through=2,
                                               counts={returns.CONFIRMED: 1,
                                                       returns.MISSING: 1}))
    assert half.completeness.partial
    whole = district_data.combine("演示区", 2023, {"甲街道": organ, "乙街道": half})
    assert whole.through == 2 and whole.sources == {2022: "q2", 2023: "q2"}
    assert set(whole.disclosure["quarter"]) == {1, 2}
    assert "数据截至第2季度" in whole.notice() and "同期对比" in whole.notice()
    # the district's own finding on the organ, counted with the organs' findings
    ds = whole.findings[whole.findings["rule"] == "DS002"]
    assert list(ds["unit"]) == ["乙街道"] and list(ds["title"]) == ["机关报表未齐"]


def test_organs_without_data_are_named_on_the_page(organ):
    whole = district_data.combine("演示区", 2023, {"甲街道": organ}, left_out=["丙局"])
    assert "没有2023年数据、未计入全区的机关：丙局" in whole.notice()
    assert whole.findings[whole.findings["rule"] == "DS001"]["unit"].tolist() == ["丙局"]
    with pytest.raises(ValueError, match="没有任何机关有2023年的数据"):
        district_data.combine("演示区", 2023, {})


def test_the_district_frames_are_shown_in_chinese(whole):
    for key, frame in registry.dashboard_frames(whole).items():
        shown = frames.labelled(frame)
        assert not [c for c in shown.columns if re.search(r"[A-Za-z]", c)], key
    shown = frames.labelled(district_charts.organs_on_time(whole))
    assert list(shown.columns) == ["机关", "已答复件数", "按时答复件数"]
