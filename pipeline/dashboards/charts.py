"""Year-over-year dashboard charts: pure functions from a chart's tidy frame (frames.py) to a
plotly figure whose every visible word is Chinese. Which chart appears on which page, and from
which frame, is the registry's business (registry.py).

Years that exist only as published tables (years.source = 'published') have no unit, quarter or
register detail: they appear only in the year-level charts (totals, tables B and C), marked
"（据已公开报表）" on the axis and drawn hatched and lighter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from pipeline.core import model, statutory
from pipeline.core.findings import SEVERITY_LABELS
from pipeline.dashboards.frames import OUTCOME_GROUPS, _n
from pipeline.review import returns

FONT_FAMILY = ("Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, "
               "WenQuanYi Zen Hei, sans-serif")


PUBLISHED_MARK = "（据已公开报表）"


# Below this base a year-over-year percentage misleads; the change is shown as a count instead.
TINY_BASE = 10


STATUS_LABELS = returns.STATE_LABELS


NO_DATA = "暂无数据"


_BLUE = "#1f4e99"


_YEAR_COLORS = ("#1f4e99", "#5b84c4", "#9db5dc", "#c9d6ec")  # current year first


PALETTE = ("#1f4e99", "#e07b39", "#3a9a5b", "#c0392b", "#8e6bbf", "#7f8c8d", "#d4a017",
            "#17a2b8", "#a0522d", "#5d6d7e")


_STATUS_COLORS = {returns.MISSING: "#c0392b", returns.UNTOUCHED: "#d98880",
                  returns.FILLING: "#f0c27b", returns.CONFIRMED: "#3a9a5b",
                  returns.ERRORS: "#e6a23c"}


SEVERITY_COLORS = {"error": "#c0392b", "warning": "#e6a23c", "note": "#7f8c8d"}


def year_label(year: int, source: str) -> str:
    """"2023年", "2021年（据已公开报表）", or for the same quarters of a partial year
    (source "q<N>", see partial_sources) "2023年1—2季度"."""
    if source == "published":
        return f"{year}年{PUBLISHED_MARK}"
    if source.startswith("q"):
        through = int(source[1:])
        return f"{year}年第1季度" if through == 1 else f"{year}年1—{through}季度"
    return f"{year}年"


def tick_label(year: int, source: str) -> str:
    """The year label on an axis: the published mark on a second line."""
    return year_label(year, source).replace(PUBLISHED_MARK, "<br>" + PUBLISHED_MARK)


def quarter_label(quarter: int) -> str:
    return f"第{quarter}季度"


def short_label(label: str) -> str:
    """A statutory label without its trailing explanation: （二）部分公开（区分处理的…） → （二）部分公开."""
    return re.sub(r"(?<=.)（[^（）]*）$", "", label)




def change_text(prev, cur, unit: str) -> str:
    """The change on last year, in Chinese: a percentage on a base of TINY_BASE or more, else a
    count, so a rise from 0 or 2 is never shown as an absurd percentage."""
    if prev is None or cur is None:
        return ""
    diff = _n(cur) - _n(prev)
    if diff == 0:
        return "与上年持平"
    if _n(prev) < TINY_BASE:
        return f"比上年{'增加' if diff > 0 else '减少'}{_n(abs(diff))}{unit}"
    return f"比上年{'增长' if diff > 0 else '下降'}{abs(diff) / _n(prev):.1%}"


# The plotly_white look with the trace defaults of only the kinds of trace drawn here: every
# figure carries (and plotly copies, slowly) a whole template of its own.
TEMPLATE = "xxgk"
_WHITE = pio.templates["plotly_white"]
pio.templates[TEMPLATE] = go.layout.Template(
    layout=_WHITE.layout, data={kind: _WHITE.data[kind] for kind in ("bar", "box", "heatmap",
                                                                     "scatter")})


def figure(*traces) -> go.Figure:
    """An empty figure on TEMPLATE (given at once: plotly would first copy its default)."""
    return go.Figure(list(traces), layout={"template": TEMPLATE})


def style(fig: go.Figure, title: str, *, height: int = 440, x_title: str = "",
           y_title: str = "") -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 18}},
        font={"family": FONT_FAMILY, "size": 13, "color": "#222"},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        height=height, margin={"l": 60, "r": 24, "t": 80, "b": 60},
        legend={"orientation": "v", "x": 1.02, "y": 1, "yanchor": "top"},
        barmode="group",
    )
    if x_title:
        fig.update_xaxes(title_text=x_title)
    if y_title:
        fig.update_yaxes(title_text=y_title)
    fig.update_xaxes(type="category")
    fig.update_yaxes(exponentformat="none", rangemode="tozero")
    return fig


def no_data(fig: go.Figure, text: str = NO_DATA) -> go.Figure:
    """A short chart that says there is nothing to show (subplot titles dropped)."""
    fig.layout.annotations = ()
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                       font={"size": 16, "color": "#888"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=200)
    return fig


def _published_marker(sources: Sequence[str], color: str | Sequence[str]) -> dict:
    """Hatched and lighter for years known only from published tables."""
    return {"color": color,
            "opacity": [0.55 if s == "published" else 1.0 for s in sources],
            "pattern": {"shape": ["/" if s == "published" else "" for s in sources],
                        "fgcolor": "#ffffff", "solidity": 0.3}}


def _year_colors(years: Sequence[int]) -> dict[int, str]:
    return {y: _YEAR_COLORS[min(i, len(_YEAR_COLORS) - 1)]
            for i, y in enumerate(sorted(years, reverse=True))}


def _add_totals(fig: go.Figure, totals: dict[int, float], sources: dict[int, str], unit: str, *,
                changes: bool = True, top: float | None = None, **where) -> None:
    """Write totals above stacked bars, with the change on the previous year, and leave room
    for them under the title (`top`: the highest bar of axes shared with other subplots)."""
    years = sorted(totals)
    text = []
    for y in years:
        label = f"{_n(totals[y])}{unit}"
        change = change_text(totals.get(y - 1), totals[y], unit) if changes else ""
        text.append(f"{label}<br>{change}" if change else label)
    fig.add_trace(go.Scatter(
        x=[year_label(y, sources[y]) for y in years], y=[_n(totals[y]) for y in years],
        text=text, mode="text", textposition="top center", showlegend=False, hoverinfo="skip",
        cliponaxis=False), **where)
    headroom(fig, max(totals.values(), default=0) if top is None else top, **where)


def headroom(fig: go.Figure, top: float, **where) -> None:
    fig.update_yaxes(range=[0, top * 1.3 if top else 1], **where)
    whole_ticks(fig, top, **where)


def whole_ticks(fig: go.Figure, top: float, **where) -> None:
    """Counts have no halves: on a small axis, tick every whole number."""
    if top < 8:
        fig.update_yaxes(dtick=1, tickformat="d", **where)


def _x_years(fig: go.Figure, sources: dict[int, str], years: Iterable[int], **where) -> None:
    """Years in order on a category axis; the published mark on a second line."""
    years = sorted(years)
    labels = [year_label(y, sources[y]) for y in years]
    fig.update_xaxes(categoryorder="array", categoryarray=labels, tickvals=labels,
                     ticktext=[tick_label(y, sources[y]) for y in years], **where)


def proactive_total_chart(frame: pd.DataFrame, sources: dict[int, str]) -> go.Figure:
    """Items published per year (frame: year, value), with the change on the previous year
    above each bar."""
    fig = style(figure(), "主动公开政府信息条数（逐年对比）", x_title="年度", y_title="条数")
    if frame.empty:
        return no_data(fig)
    totals = frame.set_index("year")["value"]
    years = sorted(totals.index)
    fig.add_trace(go.Bar(
        x=[year_label(y, sources[y]) for y in years], y=[_n(totals[y]) for y in years],
        name="主动公开条数", marker=_published_marker([sources[y] for y in years], _BLUE),
        hovertemplate="%{x}：%{y}条<extra></extra>", showlegend=False))
    _add_totals(fig, totals.to_dict(), sources, "条")
    _x_years(fig, sources, years)
    return fig


def by_year_bars(df: pd.DataFrame, by: str, title: str, x_title: str,
                 order: Sequence | None = None, labels=None, unit: str = "条") -> go.Figure:
    """Grouped bars, one colour per year, over the categories in `by` (counted in `unit`)."""
    fig = style(figure(), title, x_title=x_title, y_title=f"{unit}数")
    if df.empty:
        return no_data(fig)
    sums = df.groupby(["year", by], sort=False)["value"].sum()
    order = list(order) if order is not None else list(dict.fromkeys(df[by]))
    colors = _year_colors(df["year"].unique())
    for y in sorted(df["year"].unique()):
        x = [labels(k) if labels else k for k in order]
        fig.add_trace(go.Bar(x=x, y=[_n(sums.get((y, k), 0)) for k in order],
                             name=f"{y}年", marker_color=colors[y],
                             hovertemplate=f"{y}年 %{{x}}：%{{y}}{unit}<extra></extra>"))
    return fig


def proactive_by_category_chart(items: pd.DataFrame) -> go.Figure:
    return by_year_bars(items, "category", "主动公开信息条数（按内容类别）", "内容类别")


def proactive_by_channel_chart(per_channel: pd.DataFrame) -> go.Figure:
    """Per-channel counts: one item on several channels counts on each of them."""
    return by_year_bars(per_channel, "channel", "主动公开信息条数（按公开渠道，一条多渠道发布分别计数）",
                         "公开渠道")


def proactive_by_quarter_chart(items: pd.DataFrame) -> go.Figure:
    return by_year_bars(items, "quarter", "主动公开信息条数（按季度）", "季度",
                         order=(1, 2, 3, 4), labels=quarter_label)


def proactive_by_unit_chart(items: pd.DataFrame, units: Sequence[str]) -> go.Figure:
    return by_year_bars(items, "unit", "主动公开信息条数（按填报单位）", "填报单位", order=units)


def _stacked_years(fig: go.Figure, df: pd.DataFrame, sources: dict[int, str], years: Sequence[int],
                   series: Sequence[tuple[str, str]], **where) -> None:
    """Stacked bars over `years` (df has year, series, value), one trace per non-zero series."""
    vals = df.groupby(["year", "series"])["value"].sum()
    first = where.get("col", 1) == 1
    for i, (key, label) in enumerate(series):
        y = [_n(vals.get((yr, key), 0)) for yr in years]
        if not any(y):
            continue
        fig.add_trace(go.Bar(
            x=[year_label(yr, sources[yr]) for yr in years], y=y, name=label,
            legendgroup=key, showlegend=first,
            marker=_published_marker([sources[yr] for yr in years], PALETTE[i % len(PALETTE)]),
            hovertemplate=f"%{{x}} {label}：%{{y}}<extra></extra>"), **where)


def interpretations_chart(by_form: pd.DataFrame, sources: dict[int, str]) -> go.Figure:
    """Policy interpretations per year stacked by form; by_form has year, series, value."""
    fig = style(figure(), "政策解读次数（按解读形式）", x_title="年度", y_title="次数")
    if by_form.empty:
        return no_data(fig)
    forms = list(dict.fromkeys(by_form["series"]))
    _stacked_years(fig, by_form, sources, sorted(by_form["year"].unique()),
                   [(f, f) for f in forms])
    totals = by_form.groupby("year")["value"].sum().to_dict()
    _add_totals(fig, totals, sources, "次")
    _x_years(fig, sources, totals)
    fig.update_layout(barmode="stack")
    return fig


REGISTER_MARK = {"unit": "（据本单位登记台账）", "all": "（据各单位登记台账）"}


def applicants_chart(counts: pd.DataFrame, sources: dict[int, str], *,
                     register: str = "") -> go.Figure:
    """Applications received (一) and carried in (二) per year, stacked by applicant class."""
    rows = ("new", "carried_in")
    title = "政府信息公开申请（按申请人类型）" + REGISTER_MARK.get(register, "")
    fig = make_subplots(figure=figure(), rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.06,
                        subplot_titles=[statutory.TABLE_B_ROW[r].label for r in rows])
    style(fig, title)
    fig.update_yaxes(title_text="件数", row=1, col=1)
    if counts.empty or not counts["value"].any():
        return no_data(fig, "各年度均未收到政府信息公开申请")
    years = sorted(counts["year"].unique())
    top = counts.groupby(["year", "row"])["value"].sum().max()
    for col, row in enumerate(rows, start=1):
        part = counts[counts["row"] == row].rename(columns={"applicant_class": "series"})
        _stacked_years(fig, part, sources, years, statutory.APPLICANT_CLASSES, row=1, col=col)
        totals = part.groupby("year")["value"].sum().reindex(years, fill_value=0).to_dict()
        _add_totals(fig, totals, sources, "件", changes=row == "new", top=top, row=1, col=col)
        _x_years(fig, sources, years, row=1, col=col)
    fig.update_layout(barmode="stack")
    return fig


def outcomes_chart(counts: pd.DataFrame, sources: dict[int, str], *,
                   register: str = "") -> go.Figure:
    """Results of the year in the official groups （一）–（六）, one bar per year."""
    title = "办理结果（按法定分类）" + REGISTER_MARK.get(register, "")
    fig = style(figure(), title, x_title="办理结果", y_title="件数")
    if counts.empty or not counts["value"].any():
        return no_data(fig, "各年度均无办结的政府信息公开申请")
    vals = counts.set_index(["year", "group"])["value"]
    labels = [short_label(statutory.TABLE_B_ROW[g].label) for g in OUTCOME_GROUPS]
    colors = _year_colors(counts["year"].unique())
    for y in sorted(counts["year"].unique()):
        fig.add_trace(go.Bar(
            x=labels, y=[_n(vals.get((y, g), 0)) for g in OUTCOME_GROUPS],
            name=year_label(y, sources[y]),
            marker=_published_marker([sources[y]] * len(labels), colors[y]),
            hovertemplate=f"{year_label(y, sources[y])} %{{x}}：%{{y}}件<extra></extra>"))
    whole_ticks(fig, counts["value"].max())
    return fig


def on_time_text(on_time: int, answered: int) -> str:
    """Share answered on time; on a tiny base the counts, not a percentage."""
    if answered < TINY_BASE:
        return f"{on_time}/{answered}件按时"
    return f"按时率{on_time / answered:.1%}"


def answer_time_chart(answered: pd.DataFrame, sources: dict[int, str]) -> go.Figure:
    """Working days taken per answered application (frame: one row each), and how many were
    answered on time."""
    fig = make_subplots(figure=figure(), rows=1, cols=2, horizontal_spacing=0.1,
                        subplot_titles=("答复用时（工作日）", "按时答复情况"))
    style(fig, "依申请公开答复时间")
    if answered.empty:
        return no_data(fig, "各年度均无已答复的政府信息公开申请")
    years = sorted(answered["year"].unique())
    x = [year_label(y, sources[y]) for y in answered["year"]]
    fig.add_trace(go.Box(x=x, y=answered["working_days"], boxpoints="all", pointpos=0,
                         name="答复用时", marker_color=_BLUE, showlegend=False,
                         hovertemplate="%{x}：%{y}个工作日<extra></extra>"), row=1, col=1)
    judged = answered.dropna(subset=["on_time"])
    on = judged.groupby("year")["on_time"].sum()
    n = judged.groupby("year")["on_time"].count()
    labels = [year_label(y, sources[y]) for y in years]
    for name, values, color in (
            (model.FIGURES["answered_on_time"], [_n(on.get(y, 0)) for y in years], "#3a9a5b"),
            (model.FIGURES["answered_late"],
             [_n(n.get(y, 0) - on.get(y, 0)) for y in years], "#c0392b")):
        fig.add_trace(go.Bar(x=labels, y=values, name=name, marker_color=color,
                             hovertemplate=f"%{{x}} {name}：%{{y}}件<extra></extra>"),
                      row=1, col=2)
    fig.add_trace(go.Scatter(
        x=labels, y=[_n(n.get(y, 0)) for y in years], mode="text", textposition="top center",
        text=[on_time_text(_n(on.get(y, 0)), _n(n.get(y, 0))) for y in years],
        showlegend=False, hoverinfo="skip", cliponaxis=False), row=1, col=2)
    headroom(fig, n.max(), row=1, col=2)
    fig.update_yaxes(title_text="工作日", row=1, col=1)
    fig.update_yaxes(title_text="件数", row=1, col=2)
    for col in (1, 2):
        _x_years(fig, sources, years, row=1, col=col)
    fig.update_layout(barmode="stack")
    return fig


def review_chart(frame: pd.DataFrame, sources: dict[int, str]) -> go.Figure:
    """Table C (frame: year, case, result, value): review and the two kinds of litigation,
    each with its years, by result."""
    groups = [label if key == statutory.REVIEW[0] else f"{statutory.LITIGATION}（{label}）"
              for key, label in statutory.TABLE_C_GROUPS]
    cases = f"{statutory.REVIEW[1]}、{statutory.LITIGATION}"
    fig = style(figure(), f"{cases}情况", y_title="件数")
    years = sorted(frame["year"].unique())
    vals = frame.set_index(["case", "year", "result"])["value"]
    cells = [(g, y) for g, _ in statutory.TABLE_C_GROUPS for y in years]
    stacks = [sum(_n(vals.get((g, y, r))) for r, _ in statutory.CASE_RESULTS)
              for g, y in cells]
    if not any(stacks):
        return no_data(fig, f"各年度均无{cases}案件")
    x = [[label for label in groups for _ in years],
         [tick_label(y, sources[y]) for _, y in cells]]
    for i, (r, label) in enumerate(statutory.CASE_RESULTS):
        fig.add_trace(go.Bar(
            x=x, y=[_n(vals.get((g, y, r))) for g, y in cells], name=label,
            marker=_published_marker([sources[y] for _, y in cells], PALETTE[i]),
            hovertemplate=f"%{{x}} {label}：%{{y}}件<extra></extra>"))
    fig.update_xaxes(type="multicategory", tickangle=0, tickfont={"size": 11})
    whole_ticks(fig, max(stacks))
    fig.update_layout(barmode="stack")
    return fig


def submissions_chart(subs: pd.DataFrame, units: Sequence[str], year: int, *,
                      title: str = "", row_height: int = 40) -> go.Figure:
    """Unit × quarter matrix of the year's workbooks: submitted, missing, or with errors."""
    codes = {s: i for i, s in enumerate(STATUS_LABELS)}
    status = subs.groupby(["unit", "quarter"])["status"].last()
    quarters = (1, 2, 3, 4)
    z = [[codes.get(status.get((u, q))) for q in quarters] for u in units]
    text = [[STATUS_LABELS.get(status.get((u, q)), "无记录") for q in quarters] for u in units]
    scale = []
    for i, s in enumerate(STATUS_LABELS):
        scale += [[i / len(codes), _STATUS_COLORS[s]], [(i + 1) / len(codes), _STATUS_COLORS[s]]]
    fig = figure(go.Heatmap(
        x=[quarter_label(q) for q in quarters], y=list(units), z=z, text=text,
        texttemplate="%{text}", zmin=-0.5, zmax=len(codes) - 0.5, colorscale=scale,
        showscale=False, xgap=3, ygap=3, hovertemplate="%{y} %{x}：%{text}<extra></extra>"))
    who = "各单位" if len(units) > 1 else ""
    style(fig, title or f"{year}年{who}季度报表提交情况",
           height=140 + row_height * max(len(units), 1))
    fig.update_yaxes(autorange="reversed", type="category", rangemode="normal")
    fig.update_xaxes(side="top", title_text="")
    fig.update_layout(margin={"t": 110, "b": 20})
    return fig


def findings_chart(findings: pd.DataFrame, year: int) -> go.Figure:
    """The year's review findings counted by rule, coloured by severity."""
    fig = style(figure(), f"{year}年审核发现的问题（按规则计数）", x_title="条数",
                 height=max(300, 160 + 32 * findings["rule"].nunique()))
    if findings.empty:
        return no_data(fig, f"{year}年审核未发现问题")
    labels = findings["rule"] + " " + findings["title"]
    counts = findings.assign(label=labels.str.strip()).groupby(
        ["severity", "label"]).size().sort_values()
    for sev in SEVERITY_LABELS:
        if sev not in counts.index.get_level_values(0):
            continue
        part = counts[sev]
        fig.add_trace(go.Bar(y=list(part.index), x=[int(v) for v in part], orientation="h",
                             name=SEVERITY_LABELS[sev], showlegend=True, marker_color=SEVERITY_COLORS[sev],
                             hovertemplate="%{y}：%{x}条<extra></extra>"))
    fig.update_xaxes(type="linear", dtick=1 if counts.max() < 10 else None)
    fig.update_yaxes(type="category", rangemode="normal")
    fig.update_layout(margin={"l": 220})
    return fig
