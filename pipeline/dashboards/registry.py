"""Every dashboard chart, once: its key, the words that explain it, the function giving the tidy
frame behind it, the function drawing the figure from that frame, and the pages it belongs on.

The notebook (captions, frames and figures of every page), `dashboard_figures` and therefore
the pages all read CHARTS, in its order; there is no other list of charts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

import pandas as pd
import plotly.graph_objects as go

from pipeline.dashboards import charts, district_charts, frames
from pipeline.dashboards.dashboard_data import DashboardData


class Page(Enum):
    """The kinds of page a chart can be drawn on."""

    DISTRICT = "全区看板"
    ORGAN = "机关（全街道）汇总页面"
    UNIT = "各单位页面"


EVERY_PAGE = frozenset(Page)
WHOLES = frozenset({Page.DISTRICT, Page.ORGAN})  # the whole organ or district, not a unit


class Partial(Enum):
    """What a chart shows while the report year is not complete (DashboardData.through is the
    last quarter with data): the loaders already cut every year's facts and registers to the
    quarters 1..through; the frame functions do the rest."""

    SAME_QUARTERS = "各年度只取相同的季度比较（同期对比）"
    FROM_REGISTERS = "年度报表只有全年数，改取各单位季度报表和登记台账中相同季度的数据（同期对比）"
    THIS_YEAR = "案件不分季度，只显示本年度截至目前的案件"
    UNCHANGED = "只涉及本年度，照常显示"


Frame = Callable[[DashboardData], pd.DataFrame]
Builder = Callable[[pd.DataFrame, DashboardData], go.Figure]


@dataclass(frozen=True)
class Chart:
    """One chart: `data` gives its frame for a page, `builder` draws it for that page."""

    key: str
    section: str  # the notebook's heading over a run of charts
    heading: str
    caption: str  # what the chart shows and how to read it (Chinese, for the notebook)
    data: Frame  # the tidy frame behind the chart, for one page
    builder: Builder  # the figure from that frame, for that page
    pages: frozenset[Page] = EVERY_PAGE
    partial: Partial = Partial.SAME_QUARTERS

    def markdown(self, *, section: bool = False) -> str:
        """The caption as notebook markdown, under the section heading when one starts."""
        head = f"## {self.section}\n\n" if section else ""
        return (f"{head}### {self.heading}\n\n{self.caption}\n\n"
                f"显示范围：{'、'.join(p.value for p in Page if p in self.pages)}；本年度数据不完整时：{self.partial.value}。")


def _register_mark(data: DashboardData) -> str:
    """Whose registers an application chart was counted from ("" for table B)."""
    if frames.whole_years(data):
        return ""
    return "unit" if data.unit else "all"


def _page_units(data: DashboardData) -> tuple[str, ...]:
    return data.units if data.unit is None else (data.unit,)


PROACTIVE = "一、主动公开"
REQUESTS = "二、依申请公开"
ORGANS = "各机关对比"
RETURNS = "三、季度报表与审核"
DISTRICT_ONLY = frozenset({Page.DISTRICT})


CHARTS: tuple[Chart, ...] = (
    Chart("proactive_total", PROACTIVE, "主动公开政府信息条数",
          "每年主动公开的政府信息条数。全街道汇总取年度汇总数（含据已公开报表的年份），单位页面取该单位填报的条数。"
          "柱子上方标出比上年的变化。",
          frames.proactive_totals, lambda f, d: charts.proactive_total_chart(f, d.sources),
          partial=Partial.FROM_REGISTERS),
    Chart("by_category", PROACTIVE, "按内容类别",
          "各内容类别（类别名单来自配置文件）主动公开的条数，逐年对比。只有季度报表填报的年份有分类别数据。",
          frames.items_by_category, lambda f, d: charts.proactive_by_category_chart(f)),
    Chart("by_channel", PROACTIVE, "按公开渠道",
          "各渠道发布的条数。同一条信息在几个渠道发布，每个渠道各计一次，所以各渠道之和可以大于公开条数。",
          frames.items_by_channel, lambda f, d: charts.proactive_by_channel_chart(f)),
    Chart("by_quarter", PROACTIVE, "按季度",
          "每季度主动公开的条数，看全年进度是否均衡。",
          frames.items_by_quarter, lambda f, d: charts.proactive_by_quarter_chart(f)),
    Chart("by_unit", PROACTIVE, "按填报单位",
          "街道本级和各社区主动公开的条数。",
          frames.items_by_unit, lambda f, d: charts.proactive_by_unit_chart(f, d.units),
          pages=frozenset({Page.ORGAN})),
    Chart("interpretations", PROACTIVE, "政策解读",
          "每年政策解读的次数，按解读形式（会议、图文等）堆叠；据已公开报表的年份只有合计数。",
          frames.interpretations_by_form, lambda f, d: charts.interpretations_chart(f, d.sources),
          partial=Partial.FROM_REGISTERS),
    Chart("applicants", REQUESTS, "收到的申请",
          "本年新收和上年结转的政府信息公开申请，按申请人类型堆叠。全街道汇总取年度报表，单位页面取该单位的登记台账。",
          frames.applicants,
          lambda f, d: charts.applicants_chart(f, d.sources, register=_register_mark(d)),
          partial=Partial.FROM_REGISTERS),
    Chart("outcomes", REQUESTS, "办理结果",
          "办结的申请按年度报表规定的分类计数：前两类单列，第（三）至第（六）类各为其小项之和。",
          frames.outcomes,
          lambda f, d: charts.outcomes_chart(f, d.sources, register=_register_mark(d)),
          partial=Partial.FROM_REGISTERS),
    Chart("answer_time", REQUESTS, "答复时间",
          "左图为每件申请从收到到答复用了多少个工作日；右图为按时和逾期答复的件数，"
          "件数较少时显示“按时件数/答复件数”，不计算百分比。",
          frames.answered_applications, lambda f, d: charts.answer_time_chart(f, d.sources)),
    Chart("review", REQUESTS, "行政复议、行政诉讼",
          "行政复议和行政诉讼案件按结果堆叠。",
          frames.review_cases, lambda f, d: charts.review_chart(f, d.sources),
          pages=WHOLES, partial=Partial.THIS_YEAR),
    Chart("organs_proactive", ORGANS, "各机关主动公开",
          "每个机关主动公开的条数，逐年对比；每个机关的数字与该机关看板首页的相同。",
          district_charts.organs_proactive, district_charts.organs_proactive_chart,
          pages=DISTRICT_ONLY, partial=Partial.FROM_REGISTERS),
    Chart("organs_applications", ORGANS, "各机关收到的申请",
          "每个机关本年新收的政府信息公开申请件数，逐年对比。",
          district_charts.organs_applications, district_charts.organs_applications_chart,
          pages=DISTRICT_ONLY, partial=Partial.FROM_REGISTERS),
    Chart("organs_outcomes", ORGANS, "各机关办理结果",
          "本年度每个机关办结的申请，按年度报表规定的分类堆叠。",
          district_charts.organs_outcomes, district_charts.organs_outcomes_chart,
          pages=DISTRICT_ONLY, partial=Partial.FROM_REGISTERS),
    Chart("organs_on_time", ORGANS, "各机关按时答复",
          "本年度每个机关已答复的申请中按时和逾期的件数，上方标出按时率（件数较少时为“按时件数/答复件数”）。",
          district_charts.organs_on_time, district_charts.organs_on_time_chart,
          pages=DISTRICT_ONLY, partial=Partial.SAME_QUARTERS),
    Chart("organs_findings", ORGANS, "各机关审核发现的问题",
          "本年度每个机关审核发现的问题条数，按错误、警告、提示堆叠。具体问题见各机关的审核结果文件。",
          district_charts.organs_findings, district_charts.organs_findings_chart,
          pages=DISTRICT_ONLY, partial=Partial.UNCHANGED),
    Chart("returns_matrix", RETURNS, "各机关季度报表提交情况",
          "本年度每个机关、每个单位每季度报表的状态（行为“机关｜单位”）：未收到、未填、填写中、已确认、有错误。",
          district_charts.returns_matrix, district_charts.returns_matrix_chart,
          pages=DISTRICT_ONLY, partial=Partial.UNCHANGED),
    Chart("submissions", RETURNS, "季度报表提交情况",
          "本年度各单位每季度报表的状态：未收到、未填（空白报表）、填写中、已确认、有错误。"
          "只有全部已确认且无错误，才能生成正式年度报告。",
          frames.submissions,
          lambda f, d: charts.submissions_chart(f, _page_units(d), d.year),
          pages=frozenset({Page.ORGAN, Page.UNIT}), partial=Partial.UNCHANGED),
    Chart("findings", RETURNS, "审核发现的问题",
          "本年度审核发现的问题按规则编号计数，颜色表示错误、警告、提示。具体位置和改法见审核结果文件。",
          frames.findings, lambda f, d: charts.findings_chart(f, d.year),
          partial=Partial.UNCHANGED),
)


CHART: dict[str, Chart] = {c.key: c for c in CHARTS}


def page_kind(data: DashboardData) -> Page:
    if data.unit is not None:
        return Page.UNIT
    return Page.DISTRICT if data.parts else Page.ORGAN


def page_charts(data: DashboardData) -> list[Chart]:
    """The charts of one page, in page order."""
    kind = page_kind(data)
    return [c for c in CHARTS if kind in c.pages]


def dashboard_frames(data: DashboardData) -> dict[str, pd.DataFrame]:
    """The tidy frame behind each chart of the page, by key."""
    return {c.key: c.data(data) for c in page_charts(data)}


def dashboard_figures(data: DashboardData,
                      page_frames: Mapping[str, pd.DataFrame] | None = None) -> dict[str, go.Figure]:
    """The figures of one page, by key in page order, drawn from `page_frames` (the page's own
    frames when None: an analyst may pass frames changed in the notebook)."""
    if page_frames is None:
        page_frames = dashboard_frames(data)
    return {c.key: c.builder(page_frames[c.key], data) for c in page_charts(data)}


def captions(keys: Iterable[str]) -> dict[str, str]:
    """Notebook markdown for each of `keys` (a page's figures, in order), a section heading
    before the first chart of each section; a figure the analyst added is shown by its key."""
    out, section = {}, None
    for key in keys:
        chart = CHART.get(key)
        if chart is None:
            out[key] = f"### {key}"
            continue
        out[key] = chart.markdown(section=chart.section != section)
        section = chart.section
    return out
