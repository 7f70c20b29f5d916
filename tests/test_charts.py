"""Chart builders: trace values equal numbers typed by hand (tests/seed_tables.py and below)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from pipeline.core import statutory
from pipeline.core.model import YearTables
from pipeline.dashboards import charts, frames, registry
from tests import seed_tables

SOURCES = {2021: "published", 2022: "workbooks", 2023: "workbooks"}
LABELS = ["2021年（据已公开报表）", "2022年", "2023年"]


@pytest.fixture(scope="module")
def data(seed_dashboard):
    return seed_dashboard


@pytest.fixture(scope="module")
def figs(data):
    return registry.dashboard_figures(data)


def _trace(fig, name):
    [t] = [t for t in fig.data if t.name == name]
    return t


def _totals_text(fig):
    [t] = [t for t in fig.data if t.type == "scatter" and t.mode == "text"]
    return list(t.text)


# --- Labels and changes --------------------------------------------------------------------------

def test_year_label_marks_published_years():
    assert charts.year_label(2021, "published") == "2021年（据已公开报表）"
    assert charts.year_label(2022, "workbooks") == "2022年"
    assert charts.tick_label(2021, "published") == "2021年<br>（据已公开报表）"


@pytest.mark.parametrize(("prev", "cur", "expected"), [
    (0, 5, "比上年增加5件"),          # zero base: a count, never a percentage
    (2, 1, "比上年减少1件"),          # tiny base
    (9, 30, "比上年增加21件"),        # still below 10
    (10, 15, "比上年增长50.0%"),
    (1105, 1342, "比上年增长21.4%"),
    (20, 15, "比上年下降25.0%"),
    (3, 3, "与上年持平"),
    (None, 5, ""),
])
def test_change_text(prev, cur, expected):
    assert charts.change_text(prev, cur, "件") == expected


def test_on_time_share_is_a_count_on_a_tiny_base():
    assert charts.on_time_text(1, 1) == "1/1件按时"
    assert charts.on_time_text(9, 12) == "按时率75.0%"


def test_short_label_drops_only_the_trailing_explanation():
    assert charts.short_label(statutory.TABLE_B_ROW["partial"].label) == "（二）部分公开"
    assert charts.short_label(statutory.TABLE_B_ROW["disclosed"].label) == "（一）予以公开"


# --- The seed store's sub-district page -----------------------------------------------------------

def test_units_come_from_the_store_in_order(data):
    assert data.units == ("街道本级", "青松社区", "明德社区", "和顺社区", "康宁社区", "兴业社区",
                          "友谊社区")
    assert data.sources == SOURCES


def test_proactive_total_uses_the_year_figures_and_marks_the_published_year(figs):
    fig = figs["proactive_total"]
    bar = _trace(fig, "主动公开条数")
    assert list(bar.x) == LABELS
    assert list(bar.y) == [980, 1105, 1342]
    assert list(bar.marker.pattern.shape) == ["/", "", ""]
    assert bar.marker.opacity[0] < 1 == bar.marker.opacity[1]
    assert "据已公开报表" in fig.layout.xaxis.ticktext[0]
    # (1105 - 980) / 980 = 12.76 %, (1342 - 1105) / 1105 = 21.45 %
    assert _totals_text(fig) == ["980条", "1105条<br>比上年增长12.8%", "1342条<br>比上年增长21.4%"]


def test_breakdowns_cover_workbook_years_only(figs):
    fig = figs["by_quarter"]
    assert [t.name for t in fig.data] == ["2022年", "2023年"]
    assert list(fig.data[0].x) == ["第1季度", "第2季度", "第3季度", "第4季度"]
    assert sum(fig.data[0].y) == 1105 and sum(fig.data[1].y) == 1342
    channel = figs["by_channel"]
    assert list(channel.data[1].x) == ["政府网站"] and list(channel.data[1].y) == [1342]


def test_by_unit_splits_the_year_total(figs):
    fig = figs["by_unit"]
    y2023 = _trace(fig, "2023年")
    assert list(y2023.x)[:2] == ["街道本级", "青松社区"]
    # 1342 items over 7 units: 1342 = 7 * 191 + 5, so the first five units have 192.
    assert list(y2023.y) == [192, 192, 192, 192, 192, 191, 191]


def test_interpretations_by_form_with_the_published_total(figs):
    fig = figs["interpretations"]
    assert list(_trace(fig, "合计").y) == [10, 0, 0]
    assert list(_trace(fig, "会议").y) == [0, 15, 16]
    assert list(_trace(fig, "合计").marker.pattern.shape) == ["/", "", ""]
    assert _totals_text(fig)[1:] == ["15次<br>比上年增长50.0%", "16次<br>比上年增长6.7%"]


def test_applicants_from_table_b(figs):
    fig = figs["applicants"]
    new_natural, carried_natural = [t for t in fig.data if t.name == "自然人"]
    assert list(new_natural.y) == [2, 2, 1]
    assert list(carried_natural.y) == [0, 1, 0]
    assert list(_trace(fig, "商业企业").y) == [0, 1, 0]
    texts = [list(t.text) for t in fig.data if t.type == "scatter"]
    # new: 2 → 3 → 1 on a base below 10: counts, never "%"
    assert texts[0] == ["2件", "3件<br>比上年增加1件", "1件<br>比上年减少2件"]
    assert texts[1] == ["0件", "1件", "0件"]
    assert fig.layout.annotations[0].text == statutory.TABLE_B_ROW["new"].label


def test_outcomes_in_official_groups(figs):
    fig = figs["outcomes"]
    assert list(fig.data[0].x) == ["（一）予以公开", "（二）部分公开", "（三）不予公开", "（四）无法提供",
                                   "（五）不予处理", "（六）其他处理"]
    assert [t.name for t in fig.data] == LABELS
    assert list(fig.data[0].y) == [1, 0, 0, 0, 0, 0]
    assert list(fig.data[1].y) == [2, 1, 0, 0, 0, 1]  # （六） holds 3.其他
    assert list(fig.data[2].y) == [0, 0, 0, 1, 0, 0]
    assert fig.data[0].marker.pattern.shape[0] == "/"


def test_groups_sum_their_items():
    a, b, c = seed_tables.seed_2023()
    b.update({("withheld_1", "total"): 2, ("withheld_8", "total"): 3,
              ("not_processed_2", "total"): 4})
    df = frames.outcomes_from_tables({2023: YearTables(2023, "workbooks", a, b, c)})
    got = dict(zip(df["group"], df["value"], strict=True))
    assert got == {"disclosed": 0, "partial": 0, "withheld": 5, "unavailable": 1,
                   "not_processed": 4, "other": 0}


def test_answer_time_and_on_time(figs):
    fig = figs["answer_time"]
    box = fig.data[0]
    assert list(box.x) == ["2023年"] and list(box.y) == [10]
    assert list(_trace(fig, "按时答复申请数").y) == [1]
    assert list(_trace(fig, "逾期答复申请数").y) == [0]
    assert _totals_text(fig) == ["1/1件按时"]


def test_review_and_litigation_from_table_c(figs):
    fig = figs["review"]
    upheld = _trace(fig, "结果维持")
    groups, years = upheld.x
    y = dict(zip(zip(groups, years, strict=True), upheld.y, strict=True))
    assert y[("行政复议", "2022年")] == 1
    assert sum(upheld.y) == 1
    assert y[("行政诉讼（复议后起诉）", "2021年<br>（据已公开报表）")] == 0


def test_submission_matrix(figs):
    heat = figs["submissions"].data[0]
    assert list(heat.y)[0] == "街道本级" and len(heat.y) == 7
    assert all(cell == "已确认" for row in heat.text for cell in row)


def test_submission_matrix_on_a_tiny_frame():
    subs = pd.DataFrame({"year": 2023, "unit": ["甲", "甲", "甲", "甲", "乙"],
                         "quarter": [1, 2, 3, 4, 1],
                         "status": ["confirmed", "errors", "filling", "untouched", "missing"]})
    heat = charts.submissions_chart(subs, ["甲", "乙"], 2023).data[0]
    assert [list(r) for r in heat.text] == [["已确认", "有错误", "填写中", "未填"],
                                            ["未收到", "无记录", "无记录", "无记录"]]
    # each state its own colour: the five codes are distinct
    assert len({z for row in heat.z for z in row if z is not None}) == 5


def test_findings_counted_by_rule(figs):
    fig = figs["findings"]
    [bar] = fig.data
    assert bar.name == "提示" and list(bar.x) == [1]
    assert bar.y[0].startswith("IN101")


def test_findings_on_a_tiny_frame():
    df = pd.DataFrame({"year": 2023, "rule": ["RV001", "RV001", "IN002"],
                       "severity": ["error", "error", "warning"], "unit": "甲",
                       "title": ["勾稽关系不符", "勾稽关系不符", ""]})
    fig = charts.findings_chart(df, 2023)
    assert {t.name: (list(t.y), list(t.x)) for t in fig.data} == {
        "错误": (["RV001 勾稽关系不符"], [2]), "警告": (["IN002"], [1])}


# --- Unit pages ----------------------------------------------------------------------------------

def test_unit_page_uses_the_unit_facts_and_register(data):
    figs = registry.dashboard_figures(data.for_unit("青松社区"))
    assert "by_unit" not in figs and "review" not in figs
    bar = _trace(figs["proactive_total"], "主动公开条数")
    # 1105 over 7 units (7 * 157 + 6) and 1342 (7 * 191 + 5): 青松社区 is the 2nd unit.
    assert list(bar.x) == ["2022年", "2023年"] and list(bar.y) == [158, 192]
    assert "登记台账" in figs["applicants"].layout.title.text
    assert figs["interpretations"].layout.annotations[0].text == charts.NO_DATA
    assert list(figs["submissions"].data[0].y) == ["青松社区"]
    assert figs["findings"].data[0].x == (1,)
    assert registry.dashboard_figures(data.for_unit("友谊社区"))["findings"].data == ()


def test_unknown_unit_is_refused(data):
    with pytest.raises(ValueError, match="没有填报单位“东风社区”"):
        data.for_unit("东风社区")


def test_register_counts_each_application_once():
    apps = pd.DataFrame({
        "year": 2023, "unit": "甲", "quarter": [2, 3, 4, 1],
        "app_id": ["A1", "A1", "A2", "A3"],
        "received": ["2023-05-02", "2023-05-02", None, "2022-12-20"],
        "applicant_class": ["natural", "natural", "business", "natural"],
        "outcome": [None, "withheld_2", "disclosed", None],
        "working_days": [None, 12, 3, None], "on_time": [None, 1, 1, None]})
    out = frames.outcomes_from_register(apps)
    assert dict(zip(out["group"], out["value"], strict=True)) == {"disclosed": 1, "withheld": 1}
    app = frames.applicants_from_register(apps)
    got = {(r.row, r.applicant_class): r.value for r in app.itertuples()}
    assert got == {("new", "natural"): 1, ("new", "business"): 1, ("carried_in", "natural"): 1}
    fig = charts.answer_time_chart(frames.answered(apps), {2023: "workbooks"})
    assert sorted(fig.data[0].y) == [3, 12]
    assert _totals_text(fig) == ["2/2件按时"]


def test_unit_without_data_gets_explicit_empty_charts():
    empty = charts.proactive_by_category_chart(pd.DataFrame(columns=["year", "category", "value"]))
    assert empty.data == () and empty.layout.annotations[0].text == "暂无数据"


# --- Every visible word is Chinese -------------------------------------------------------------

def _visible_texts(fig):
    yield fig.layout.title.text
    for ax in (fig.layout.xaxis, fig.layout.yaxis):
        if ax.title.text:
            yield ax.title.text
    for a in fig.layout.annotations:
        yield a.text
    for t in fig.data:
        if t.name and t.showlegend is not False:
            yield t.name
        if t.type in ("bar", "heatmap") and t.x is not None and not isinstance(t.x[0], tuple):
            yield from (str(v) for v in t.x if isinstance(v, str))


def test_labels_are_chinese_and_fonts_have_cjk_fallbacks(data, figs):
    pages = [figs, registry.dashboard_figures(data.for_unit("青松社区"))]
    for page in pages:
        for key, fig in page.items():
            assert "Noto Sans CJK SC" in fig.layout.font.family
            assert "Microsoft YaHei" in fig.layout.font.family
            for text in _visible_texts(fig):
                if key == "findings":
                    text = re.sub(r"^[A-Z]{2}\d{3}", "", text)  # rule IDs are codes
                latin = re.sub(r"<br>", "", text)
                assert not re.search(r"[A-Za-z]", latin), (key, text)


# --- The registry: one entry per chart, the frame behind it -------------------------------------

KEYS = ["proactive_total", "by_category", "by_channel", "by_quarter", "by_unit", "interpretations",
        "applicants", "outcomes", "answer_time", "review", "organs_proactive",
        "organs_applications", "organs_outcomes", "organs_on_time", "organs_findings",
        "returns_matrix", "submissions", "findings"]
ORGAN_KEYS = [k for k in KEYS if not k.startswith(("organs_", "returns_"))]


def test_every_chart_has_caption_data_and_builder():
    assert [c.key for c in registry.CHARTS] == KEYS
    assert list(registry.CHART) == KEYS
    for chart in registry.CHARTS:
        assert re.search(r"[\u4e00-\u9fff]{4}", chart.caption), chart.key
        assert re.search(r"[\u4e00-\u9fff]{2}", chart.heading), chart.key
        assert callable(chart.data) and callable(chart.builder), chart.key
    organ, unit = registry.Page.ORGAN, registry.Page.UNIT
    assert {c.key for c in registry.CHARTS if organ in c.pages and unit not in c.pages} == {
        "by_unit", "review"}
    assert {c.key for c in registry.CHARTS if organ not in c.pages} == set(KEYS) - set(ORGAN_KEYS)


def test_the_pages_draw_the_registry_charts_in_order(data, figs):
    assert list(figs) == ORGAN_KEYS
    unit = registry.dashboard_figures(data.for_unit("明德社区"))
    assert list(unit) == [k for k in ORGAN_KEYS if k not in ("by_unit", "review")]
    assert list(registry.dashboard_frames(data)) == ORGAN_KEYS


def _rows(frame, *columns):
    return {tuple(r[:-1]): r[-1] for r in frame[[*columns, "value"]].itertuples(index=False)}


@pytest.fixture(scope="module")
def seed_frames(data):
    return registry.dashboard_frames(data)


def test_frames_hold_the_seed_figures(seed_frames):
    figures = seed_tables.SAMPLE_FIGURES
    assert _rows(seed_frames["proactive_total"], "year") == {
        (y,): figures[y]["items_published"] for y in (2021, 2022, 2023)}
    assert _rows(seed_frames["interpretations"], "year", "series") == {
        (2021, "合计"): figures[2021]["interpretations"],
        (2022, "会议"): figures[2022]["interpretations"],
        (2023, "会议"): figures[2023]["interpretations"]}
    assert _rows(seed_frames["by_channel"], "year", "channel") == {
        (2022, "政府网站"): 1105, (2023, "政府网站"): 1342}
    quarters = seed_frames["by_quarter"].groupby("year")["value"].sum()
    assert quarters.to_dict() == {2022: 1105, 2023: 1342}
    assert seed_frames["by_category"].groupby("year")["value"].sum().to_dict() == {
        2022: 1105, 2023: 1342}
    # 1342 items over 7 units: 1342 = 7 * 191 + 5, so the first five units have 192.
    units = _rows(seed_frames["by_unit"], "year", "unit")
    assert units[(2023, "街道本级")] == 192 and units[(2023, "友谊社区")] == 191


def test_application_frames_hold_table_b_and_c(seed_frames):
    tables = {2021: seed_tables.sample_2021(), 2022: seed_tables.sample_2022(),
              2023: seed_tables.seed_2023()}
    applicants = _rows(seed_frames["applicants"], "year", "row", "applicant_class")
    assert applicants == {(y, row, cls): tables[y][1][(row, cls)] for y in tables
                          for row in ("new", "carried_in") for cls, _ in statutory.APPLICANT_CLASSES}
    assert applicants[(2022, "new", "business")] == 1
    assert applicants[(2022, "carried_in", "natural")] == 1
    outcomes = {k: v for k, v in _rows(seed_frames["outcomes"], "year", "group").items() if v}
    assert outcomes == {(2021, "disclosed"): 1, (2022, "disclosed"): 2, (2022, "partial"): 1,
                        (2022, "other"): 1, (2023, "unavailable"): 1}
    review = {k: v for k, v in _rows(seed_frames["review"], "year", "case", "result").items() if v}
    assert review == {(2022, "review", "upheld"): 1}
    assert len(seed_frames["review"]) == 3 * 3 * 4  # every year, case and result, zeros included
    # one row per answered application, without its ID: the notebook shows no register rows
    assert seed_frames["answer_time"].values.tolist() == [[2023, 10, 1]]
    assert list(seed_frames["answer_time"].columns) == ["year", "working_days", "on_time"]


def test_frames_of_the_year_returns(seed_frames):
    subs = seed_frames["submissions"]
    assert len(subs) == 7 * 4 and set(subs["status"]) == {"confirmed"}
    assert seed_frames["findings"][["rule", "severity", "unit"]].values.tolist() == [
        ["IN101", "note", "青松社区"]]


def test_a_figure_is_drawn_from_the_frame_it_is_given(data):
    """The notebook's way to change a chart's numbers: edit the frame, build again."""
    edited = registry.dashboard_frames(data)
    edited["proactive_total"] = pd.DataFrame({"year": [2022, 2023], "value": [7, 9]})
    fig = registry.dashboard_figures(data, edited)["proactive_total"]
    assert list(_trace(fig, "主动公开条数").y) == [7, 9]
    assert _totals_text(fig) == ["7条", "9条<br>比上年增加2条"]


def test_captions_start_each_section_once():
    md = registry.captions(["proactive_total", "by_category", "applicants", "my_chart"])
    assert md["proactive_total"].startswith("## 一、主动公开\n\n### 主动公开政府信息条数\n\n每年主动公开")
    assert md["by_category"].startswith("### 按内容类别\n\n")
    assert md["applicants"].startswith("## 二、依申请公开\n\n### 收到的申请")
    assert "显示范围：全区看板、机关（全街道）汇总页面、各单位页面" in md["applicants"]
    assert md["my_chart"] == "### my_chart"


def test_frames_are_shown_in_chinese(data, seed_frames):
    unit_frames = registry.dashboard_frames(data.for_unit("街道本级"))
    for key, frame in [*seed_frames.items(), *unit_frames.items()]:
        shown = frames.labelled(frame)
        assert not [c for c in shown.columns if re.search(r"[A-Za-z]", c)], key
        for column in shown.columns.drop(["规则编号"], errors="ignore"):
            latin = [v for v in shown[column] if isinstance(v, str) and re.search(r"[A-Za-z]", v)]
            assert not latin, (key, column, latin)
    shown = frames.labelled(seed_frames["applicants"])
    assert shown.iloc[0].to_dict() == {"年度": 2021, "申请": "一、本年新收政府信息公开申请数量",
                                       "申请人类型": "自然人", "数量": 2}
    assert frames.labelled(seed_frames["by_channel"])["数量"].tolist() == [1105, 1342]


def test_every_chart_looks_as_on_plotly_white(figs):
    """The charts' lean template is plotly_white's: the same layout, and for every kind of trace
    drawn the same trace defaults (a kind left out of the template would lose its look)."""
    import plotly.io as pio

    white = pio.templates["plotly_white"].to_plotly_json()
    for key, fig in figs.items():
        template = fig.layout.template.to_plotly_json()
        assert template["layout"] == white["layout"], key
        for kind in {trace.type for trace in fig.data}:
            assert template["data"].get(kind) == white["data"].get(kind), (key, kind)
