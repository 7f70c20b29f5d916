"""The district's dashboard data: its organs' data combined into one DashboardData, the organs
taking the place of units, so that the year-over-year charts of an organ's index page draw the
district with the same frames and builders; each organ's own data stays in `parts` for the
charts that set organs side by side (district_charts.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import pandas as pd

from pipeline.core.findings import rule_title
from pipeline.dashboards.dashboard_data import DashboardData, same_quarters
from pipeline.review import returns
from pipeline.review.district import OrganYear, district_sum, organ_findings


def _through(parts: Mapping[str, DashboardData]) -> int | None:
    """The quarter every organ is compared up to: the shortest of the organs not complete
    (None when every organ's year is complete)."""
    partial = [p.completeness.through for p in parts.values()
               if p.completeness is not None and p.completeness.partial]
    return min(partial) if partial else None


def _sources(parts: Mapping[str, DashboardData]) -> dict[int, str]:
    """The years every organ has; a year any organ knows only from published tables is a
    published year of the district (no unit or register detail for it)."""
    common = set.intersection(*(set(p.sources) for p in parts.values()))
    out = {}
    for year in sorted(common):
        kinds = {p.sources[year] for p in parts.values()}
        out[year] = "published" if "published" in kinds else kinds.pop()
    return out


def _completeness(year: int, parts: Mapping[str, DashboardData], through: int | None
                  ) -> returns.Completeness:
    dones = [p.completeness for p in parts.values() if p.completeness is not None]
    counts: dict[str, int] = {}
    for done in dones:
        for state, n in done.counts.items():
            counts[state] = counts.get(state, 0) + n
    return returns.Completeness(
        year, counts, through if through is not None else max((d.through for d in dones), default=0),
        sum(d.errors for d in dones), published=bool(dones) and all(d.published for d in dones))


def _stacked(parts: Mapping[str, DashboardData], frame: str, **columns) -> pd.DataFrame:
    """One frame of every organ's, the organ in its `unit` column (and `organ`)."""
    frames = [getattr(p, frame).assign(organ=organ, **{k: f(organ, getattr(p, frame))
                                                        for k, f in columns.items()})
              for organ, p in parts.items()]
    return pd.concat(frames, ignore_index=True)


def _district_findings(year: int, parts: Mapping[str, DashboardData],
                       left_out: Sequence[str]) -> pd.DataFrame:
    """The district's own findings on its organs (DS001–DS003: no data, returns not all
    confirmed, errors), as rows of the findings frame, the organ in `unit`."""
    organs = [OrganYear(o, o, p.tables.get(year), p.completeness, "") for o, p in parts.items()]
    organs += [OrganYear(o, o, None, None, "") for o in left_out]
    return pd.DataFrame([(year, f.rule, f.severity, f.unit, rule_title(f.rule), f.unit)
                         for f in organ_findings(organs, year)],
                        columns=["year", "rule", "severity", "unit", "title", "organ"])


def combine(name: str, year: int, parts: Mapping[str, DashboardData], *,
            left_out: Sequence[str] = (), draft: bool = False) -> DashboardData:
    """The district `name` from its organs' data (by short name, in the configuration's
    order). Every organ is cut to the same quarters when any is not complete; the tables of a
    year are the organs' sum (a cell blank in any organ stays blank); facts and registers are
    the organs' together, each row naming its organ (application IDs prefixed with it, since
    two organs may number alike); the return matrix keeps organ and unit; the findings are the
    organs' and the district's own on its organs (DS001–DS003)."""
    if not parts:
        raise ValueError(f"没有任何机关有{year}年的数据，无法生成全区看板：请先运行 xxgk build。")
    through = _through(parts)
    if through is not None:
        parts = {organ: same_quarters(p, through) for organ, p in parts.items()}
    sources = _sources(parts)
    tables = {y: replace(district_sum({o: p.tables[y] for o, p in parts.items()}, y),
                         source="published" if s == "published" else "workbooks")
              for y, s in sources.items()}
    as_unit = {"unit": lambda organ, df: organ}

    def in_years(df: pd.DataFrame) -> pd.DataFrame:
        return df[df["year"].isin(list(sources))].reset_index(drop=True)
    return DashboardData(
        year=year, sources=sources, units=tuple(parts), tables=tables,
        disclosure=in_years(_stacked(parts, "disclosure", **as_unit)),
        interpretations=in_years(_stacked(parts, "interpretations", **as_unit)),
        applications=in_years(_stacked(
            parts, "applications", **as_unit,
            app_id=lambda organ, df: organ + "/" + df["app_id"].astype(str))),
        submissions=_stacked(parts, "submissions"),
        findings=pd.concat([_stacked(parts, "findings", **as_unit),
                            _district_findings(year, parts, left_out)], ignore_index=True),
        organ=name, completeness=_completeness(year, parts, through), through=through,
        draft=draft or any(p.draft for p in parts.values()), parts=dict(parts),
        left_out=tuple(left_out))
