"""The tidy frame behind each chart, computed from one page's DashboardData.

The notebook shows these frames next to the figures drawn from them, so an analyst sees the
numbers a chart stands on (`labelled` gives them Chinese headings and labels for display).
The statutory year tables hold whole years of the whole sub-district only: a unit page, and
every page while the report year is not complete, read the quarterly facts and registers
instead (`whole_years`).
"""

from __future__ import annotations

import pandas as pd

from pipeline.core import statutory
from pipeline.core.findings import SEVERITY_LABELS
from pipeline.core.numbers import as_stored
from pipeline.dashboards.dashboard_data import DashboardData
from pipeline.review import returns


def _n(v) -> int | float:
    """A count as an int when it is whole (store values are REAL)."""
    return as_stored(0 if v is None or pd.isna(v) else v)


def whole_years(data: DashboardData) -> bool:
    """Whether the consolidated year tables speak for this page: the whole sub-district, with
    the report year complete (tables cannot be cut to the same quarters)."""
    return data.unit is None and data.through is None


def proactive_totals(data: DashboardData) -> pd.DataFrame:
    """year, value: items published per year; the consolidated figure when whole years speak
    (every year, published ones included), else the distinct-item facts."""
    if whole_years(data):
        return pd.DataFrame([(y, t.figures["items_published"]) for y, t in data.tables.items()
                             if t.figures.get("items_published") is not None],
                            columns=["year", "value"])
    return _items(data).groupby("year")["value"].sum().reset_index()


def _items(data: DashboardData) -> pd.DataFrame:
    """Distinct-item facts: channel "" counts each item once."""
    return data.disclosure[data.disclosure["channel"] == ""]


def _sums(df: pd.DataFrame, by: str) -> pd.DataFrame:
    """year, `by`, value summed, in the order the store holds them."""
    return df.groupby(["year", by], sort=False)["value"].sum().reset_index()


def items_by_category(data: DashboardData) -> pd.DataFrame:
    """year, category, value."""
    return _sums(_items(data), "category")


def items_by_quarter(data: DashboardData) -> pd.DataFrame:
    """year, quarter, value: whether the year's work is spread evenly."""
    return _sums(_items(data), "quarter")


def items_by_unit(data: DashboardData) -> pd.DataFrame:
    """year, unit, value."""
    return _sums(_items(data), "unit")


def items_by_channel(data: DashboardData) -> pd.DataFrame:
    """year, channel, value: one item on several channels counts on each of them."""
    return _sums(data.disclosure[data.disclosure["channel"] != ""], "channel")


def interpretations_by_form(data: DashboardData) -> pd.DataFrame:
    """year, series, value: forms from the facts; a published year's figure as one 合计 bar."""
    rows = data.interpretations.groupby(["year", "form"], sort=False)["value"].sum()
    frame = rows.reset_index().rename(columns={"form": "series"})
    if whole_years(data):
        published = [(y, "合计", t.figures["interpretations"]) for y, t in data.tables.items()
                     if t.source == "published" and t.figures.get("interpretations") is not None]
        frame = pd.concat([pd.DataFrame(published, columns=["year", "series", "value"]), frame],
                          ignore_index=True)
    return frame


def _latest(apps: pd.DataFrame) -> pd.DataFrame:
    """One row per application: an open one is listed again each quarter; the latest wins."""
    return apps.sort_values("quarter", kind="stable").drop_duplicates(["year", "app_id"],
                                                                      keep="last")


def applicants(data: DashboardData) -> pd.DataFrame:
    """year, row (new | carried_in), applicant_class, value: table B, or the registers."""
    if whole_years(data):
        return applicants_from_tables(data.tables)
    return applicants_from_register(data.applications)


def applicants_from_tables(tables: dict) -> pd.DataFrame:
    return pd.DataFrame(
        [(y, row, cls, _n(t.b.get((row, cls))))
         for y, t in tables.items() for row in ("new", "carried_in")
         for cls, _ in statutory.APPLICANT_CLASSES],
        columns=["year", "row", "applicant_class", "value"])


def applicants_from_register(apps: pd.DataFrame) -> pd.DataFrame:
    """The same shape from registers: received before its year means carried in."""
    latest = _latest(apps)
    received_year = latest["received"].str[:4]
    carried = received_year.notna() & (received_year < latest["year"].astype(str))
    counts = (latest.assign(row=carried.map({True: "carried_in", False: "new"}), value=1)
              .groupby(["year", "row", "applicant_class"])["value"].sum())
    return counts.reset_index()


OUTCOME_GROUPS: tuple[str, ...] = tuple(
    r.key for r in statutory.TABLE_B_ROWS
    if r.parent == "results" and (r.outcome or r.group))


def outcome_group(key: str) -> str:
    """The official group of an outcome: a numbered item belongs to （三）–（六）."""
    row = statutory.TABLE_B_ROW[key]
    return row.parent if row.level == 2 else key


def outcomes(data: DashboardData) -> pd.DataFrame:
    """year, group, value: results in the official groups, from table B or the registers."""
    if whole_years(data):
        return outcomes_from_tables(data.tables)
    return outcomes_from_register(data.applications)


def outcomes_from_tables(tables: dict) -> pd.DataFrame:
    """（一）（二） as they are, （三）–（六） as the sum of their items."""
    out = []
    for y, t in tables.items():
        for g in OUTCOME_GROUPS:
            row = statutory.TABLE_B_ROW[g]
            keys = row.children if row.group else (g,)
            out.append((y, g, sum(_n(t.b.get((k, "total"))) for k in keys)))
    return pd.DataFrame(out, columns=["year", "group", "value"])


def outcomes_from_register(apps: pd.DataFrame) -> pd.DataFrame:
    closed = _latest(apps).dropna(subset=["outcome"])
    counts = (closed.assign(group=closed["outcome"].map(outcome_group), value=1)
              .groupby(["year", "group"])["value"].sum())
    return counts.reset_index()


def answered(apps: pd.DataFrame) -> pd.DataFrame:
    """year, working_days, on_time: one row per answered application. No ID, date or outcome:
    the notebook shows this frame, and it never prints register rows."""
    latest = _latest(apps).dropna(subset=["working_days"])
    return latest[["year", "working_days", "on_time"]].reset_index(drop=True)


def answered_applications(data: DashboardData) -> pd.DataFrame:
    return answered(data.applications)


def review_cases(data: DashboardData) -> pd.DataFrame:
    """year, case, result, value from table C. Cases have no quarters: while the report year is
    not complete, only its own cases so far."""
    tables = data.tables if data.through is None else {data.year: data.tables[data.year]}
    return pd.DataFrame(
        [(y, case, result, _n(t.c.get((case, result))))
         for y, t in tables.items() for case, _ in statutory.TABLE_C_GROUPS
         for result, _ in statutory.CASE_RESULTS],
        columns=["year", "case", "result", "value"])


def submissions(data: DashboardData) -> pd.DataFrame:
    """year, unit, quarter, status of the report year's workbooks."""
    return data.submissions


def findings(data: DashboardData) -> pd.DataFrame:
    """year, rule, severity, unit, title: the report year's review findings."""
    return data.findings


COLUMN_LABELS = {
    "year": "年度", "unit": "填报单位", "quarter": "季度", "category": "内容类别",
    "channel": "公开渠道", "series": "解读形式", "row": "申请", "applicant_class": "申请人类型",
    "group": "办理结果", "case": "案件类型", "result": "案件结果",
    "working_days": "答复用时（工作日）", "on_time": "是否按时答复", "status": "报表状态",
    "rule": "规则编号", "severity": "级别", "title": "问题", "value": "数量",
    "organ": "机关", "answered": "已答复件数", "in_time": "按时答复件数",
}


def _row_label(key: str) -> str:
    return statutory.TABLE_B_ROW[key].label


VALUE_LABELS = {
    "row": _row_label, "group": _row_label,
    "applicant_class": statutory.APPLICANT_CLASS_LABELS.get,
    "case": dict(statutory.TABLE_C_GROUPS).get, "result": dict(statutory.CASE_RESULTS).get,
    "on_time": {1: "按时", 0: "逾期"}.get,
    "status": returns.STATE_LABELS.get, "severity": SEVERITY_LABELS.get,
}


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as the notebook shows it: Chinese headings, codes as their statutory labels."""
    shown = frame.copy()
    for column, label in VALUE_LABELS.items():
        if column in shown:
            shown[column] = [label(v) if pd.notna(v) else v for v in shown[column]]
    if "value" in shown and shown["value"].map(lambda v: float(v).is_integer()).all():
        shown["value"] = shown["value"].astype("int64")  # counts, stored as REAL
    return shown.rename(columns=COLUMN_LABELS)
