"""The district page's own charts: every organ side by side, and the return matrix of organs ×
units × quarters. Each frame is made by the organ pages' own frame functions on each organ's
data (DashboardData.parts), so an organ's bar here is the figure on that organ's page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pipeline.core import statutory
from pipeline.core.findings import SEVERITY_LABELS
from pipeline.dashboards import charts, frames
from pipeline.dashboards.dashboard_data import DashboardData

# An organ and one of its units as a row of the return matrix.
ROW_JOIN = "｜"


def _each(data: DashboardData, frame) -> pd.DataFrame:
    """frame(organ data) of every organ, with an `organ` column, in the organs' order."""
    parts = [frame(p).assign(organ=organ) for organ, p in data.parts.items()]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["organ"])


def organs_proactive(data: DashboardData) -> pd.DataFrame:
    """year, organ, value: items each organ published, as its own page counts them."""
    return _each(data, frames.proactive_totals)


def organs_applications(data: DashboardData) -> pd.DataFrame:
    """year, organ, value: applications each organ received in the year (table B （一）, or
    the registers while the year is not complete)."""
    received = _each(data, frames.applicants)
    received = received[received["row"] == "new"]
    return received.groupby(["year", "organ"], sort=False)["value"].sum().reset_index()


def organs_outcomes(data: DashboardData) -> pd.DataFrame:
    """organ, group, value: the report year's results of each organ in the official groups."""
    out = _each(data, frames.outcomes)
    return out[out["year"] == data.year][["organ", "group", "value"]].reset_index(drop=True)


def organs_on_time(data: DashboardData) -> pd.DataFrame:
    """organ, answered, in_time: the report year's answered applications of each organ and
    how many of them on time."""
    rows = []
    for organ, p in data.parts.items():
        done = frames.answered(p.applications)
        done = done[done["year"] == data.year]
        rows.append((organ, len(done), int(done["on_time"].fillna(0).sum())))
    return pd.DataFrame(rows, columns=["organ", "answered", "in_time"])


def organs_findings(data: DashboardData) -> pd.DataFrame:
    """organ, severity, value: the report year's findings of each organ by severity."""
    counts = _each(data, frames.findings).groupby(["organ", "severity"], sort=False).size()
    return counts.rename("value").reset_index()


def returns_matrix(data: DashboardData) -> pd.DataFrame:
    """organ, unit, quarter, status: every organ's returns of the report year."""
    return _each(data, frames.submissions)[["organ", "unit", "quarter", "status"]]


def _organ_axis(fig: go.Figure, organs) -> go.Figure:
    fig.update_xaxes(categoryorder="array", categoryarray=list(organs), tickangle=-30
                     if len(organs) > 6 else 0, automargin=True)
    return fig


def organs_proactive_chart(frame: pd.DataFrame, data: DashboardData) -> go.Figure:
    fig = charts.by_year_bars(frame, "organ", "各机关主动公开政府信息条数（逐年对比）", "机关",
                              order=data.units)
    return _organ_axis(fig, data.units)


def organs_applications_chart(frame: pd.DataFrame, data: DashboardData) -> go.Figure:
    fig = charts.by_year_bars(frame, "organ", "各机关本年新收政府信息公开申请（逐年对比）", "机关",
                              order=data.units, unit="件")
    charts.whole_ticks(fig, frame["value"].max() if not frame.empty else 0)
    return _organ_axis(fig, data.units)


def organs_outcomes_chart(frame: pd.DataFrame, data: DashboardData) -> go.Figure:
    """Each organ's results of the year stacked by official group."""
    fig = charts.style(charts.figure(), f"{data.year}年各机关办理结果（按法定分类）",
                        x_title="机关", y_title="件数")
    if frame.empty or not frame["value"].any():
        return charts.no_data(fig, f"{data.year}年各机关均无办结的政府信息公开申请")
    values = frame.set_index(["organ", "group"])["value"]
    for i, group in enumerate(frames.OUTCOME_GROUPS):
        y = [int(values.get((o, group), 0)) for o in data.units]
        if not any(y):
            continue
        label = charts.short_label(statutory.TABLE_B_ROW[group].label)
        fig.add_trace(go.Bar(x=list(data.units), y=y, name=label, showlegend=True,
                             marker_color=charts.PALETTE[i % len(charts.PALETTE)],
                             hovertemplate=f"%{{x}} {label}：%{{y}}件<extra></extra>"))
    fig.update_layout(barmode="stack")
    charts.whole_ticks(fig, frame.groupby("organ")["value"].sum().max())
    return _organ_axis(fig, data.units)


def organs_on_time_chart(frame: pd.DataFrame, data: DashboardData) -> go.Figure:
    """Answered applications per organ, the on-time part darker, the share written above."""
    fig = charts.style(charts.figure(), f"{data.year}年各机关按时答复情况", x_title="机关",
                        y_title="件数")
    if not frame["answered"].any():
        return charts.no_data(fig, f"{data.year}年各机关均无已答复的申请")
    organs = list(frame["organ"])
    late = frame["answered"] - frame["in_time"]
    fig.add_trace(go.Bar(x=organs, y=list(frame["in_time"]), name="按时答复",
                         marker_color=charts.PALETTE[2],
                         hovertemplate="%{x} 按时：%{y}件<extra></extra>"))
    fig.add_trace(go.Bar(x=organs, y=list(late), name="逾期答复", marker_color=charts.PALETTE[3],
                         hovertemplate="%{x} 逾期：%{y}件<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=organs, y=list(frame["answered"]), mode="text", textposition="top center",
        text=[charts.on_time_text(t, a) if a else "无答复" for t, a in
              zip(frame["in_time"], frame["answered"], strict=True)],
        showlegend=False, hoverinfo="skip", cliponaxis=False))
    fig.update_layout(barmode="stack")
    charts.headroom(fig, frame["answered"].max())
    return _organ_axis(fig, data.units)


def organs_findings_chart(frame: pd.DataFrame, data: DashboardData) -> go.Figure:
    """Each organ's findings of the year stacked by severity."""
    fig = charts.style(charts.figure(), f"{data.year}年各机关审核发现的问题（按级别计数）",
                        x_title="机关", y_title="条数")
    if frame.empty:
        return charts.no_data(fig, f"{data.year}年各机关审核均未发现问题")
    values = frame.set_index(["organ", "severity"])["value"]
    for severity, label in SEVERITY_LABELS.items():
        y = [int(values.get((o, severity), 0)) for o in data.units]
        if any(y):
            fig.add_trace(go.Bar(x=list(data.units), y=y, name=label, showlegend=True,
                                 marker_color=charts.SEVERITY_COLORS[severity],
                                 hovertemplate=f"%{{x}} {label}：%{{y}}条<extra></extra>"))
    fig.update_layout(barmode="stack")
    charts.whole_ticks(fig, frame.groupby("organ")["value"].sum().max())
    return _organ_axis(fig, data.units)


def returns_matrix_chart(frame: pd.DataFrame, data: DashboardData) -> go.Figure:
    """Organ｜unit × quarter: the state of every return of the district."""
    rows = frame.assign(unit=frame["organ"] + ROW_JOIN + frame["unit"])
    names = list(dict.fromkeys(rows["unit"]))
    return charts.submissions_chart(rows, names, data.year, row_height=26,
                                    title=f"{data.year}年各机关、各单位季度报表提交情况")
