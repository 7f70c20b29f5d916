"""What the dashboards show, read from the store once as tidy pandas frames, and narrowed to one
unit in memory; a year not complete yet is compared with the same quarters of the years
before."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from pipeline import store
from pipeline.core import model
from pipeline.core.findings import all_rules
from pipeline.review import returns


def partial_sources(sources: dict[int, str], through: int) -> dict[int, str]:
    """The years a partial year is compared with like for like: those with quarter workbooks,
    each taken up to the same quarter (a published year has no quarters)."""
    return {y: f"q{through}" for y, s in sources.items() if s == "workbooks"}


def available_years(con: sqlite3.Connection, year: int, years_back: int) -> dict[int, str]:
    """year → source for the report year and up to `years_back` earlier years in the store."""
    sources = store.read_years(con)
    if year not in sources:
        raise ValueError(f"数据库中没有{year}年的数据，请先运行 xxgk build 生成该年度数据。")
    return {y: s for y, s in sources.items() if year - years_back <= y <= year}


def _only(df: pd.DataFrame, unit: str | None) -> pd.DataFrame:
    return df if unit is None else df[df["unit"] == unit].reset_index(drop=True)


def _read(con: sqlite3.Connection, sql: str, years: Iterable[int], unit: str | None,
          ) -> pd.DataFrame:
    years = list(years)
    marks = ",".join("?" * len(years)) or "NULL"
    df = pd.read_sql_query(sql.format(years=marks), con, params=years)
    return _only(df, unit)


def load_disclosure(con, years, unit=None) -> pd.DataFrame:
    """Proactive disclosure facts: channel "" is the distinct-items count of a category."""
    return _read(con, "SELECT year, unit, quarter, key AS category, dim AS channel, value "
                      "FROM facts WHERE topic = 'disclosure' AND year IN ({years}) "
                      "ORDER BY year, file, rowid",
                 years, unit)


def load_interpretations(con, years, unit=None) -> pd.DataFrame:
    return _read(con, "SELECT year, unit, quarter, key AS form, value FROM facts "
                      "WHERE topic = 'interpretation' AND year IN ({years}) "
                      "ORDER BY year, file, rowid",
                 years, unit)


def load_applications(con, years, unit=None) -> pd.DataFrame:
    """Register rows by ID, class, dates and outcome only (the store holds nothing personal)."""
    return _read(con, "SELECT year, unit, quarter, app_id, received, applicant_class, outcome, "
                      "working_days, on_time FROM applications WHERE year IN ({years}) "
                      "ORDER BY year, file, rowid", years, unit)


def _up_to(df: pd.DataFrame, through: int | None) -> pd.DataFrame:
    """Rows of the quarters 1..through (all when None): like with like for a partial year."""
    return df if through is None else df[df["quarter"] <= through].reset_index(drop=True)


def load_submissions(con, years, unit=None) -> pd.DataFrame:
    return _read(con, "SELECT year, unit, quarter, status FROM submissions "
                      "WHERE year IN ({years}) ORDER BY rowid", years, unit)


def load_findings(con, years, unit=None) -> pd.DataFrame:
    """Findings with the rule's Chinese title (rule ID alone when no stage defines it)."""
    df = _read(con, "SELECT year, rule, severity, unit FROM findings WHERE year IN ({years}) "
                    "ORDER BY rowid", years, unit)
    titles = {r.id: r.title for r in all_rules()}
    df["title"] = [titles.get(r, "") for r in df["rule"]]
    return df


def load_tables(con, years) -> dict[int, model.YearTables]:
    return {y: store.read_tables(con, y) for y in years}


def load_units(con: sqlite3.Connection, year: int) -> tuple[str, ...]:
    """Units of the year in the order the store holds them: submissions first, then facts."""
    rows = con.execute(
        "SELECT unit FROM (SELECT unit, 0 AS k, rowid AS r FROM submissions WHERE year = ? "
        "UNION ALL SELECT unit, 1, rowid FROM facts WHERE year = ?) ORDER BY k, r",
        (year, year))
    return tuple(dict.fromkeys(u for (u,) in rows))


@dataclass(frozen=True, eq=False)
class DashboardData:
    """Everything one dashboard page needs; `unit` None is the whole sub-district (organ), or,
    with `parts`, the whole district: its organs' data (by short name) combined, the organs
    taking the units' place (see district_data.combine).

    For a year whose returns are not all confirmed, `through` is the last quarter with data:
    every year is then shown for the quarters 1..through only (sources "q<through>"), so a
    half year is never compared with a whole one; `completeness` says how far the data go."""

    year: int
    sources: dict[int, str]
    units: tuple[str, ...]
    tables: dict[int, model.YearTables]
    disclosure: pd.DataFrame
    interpretations: pd.DataFrame
    applications: pd.DataFrame
    submissions: pd.DataFrame
    findings: pd.DataFrame
    organ: str = ""
    unit: str | None = None
    completeness: returns.Completeness | None = None
    through: int | None = None
    draft: bool = False
    parts: Mapping[str, DashboardData] = field(default_factory=dict)
    left_out: tuple[str, ...] = ()  # a district's organs without data for the year

    def for_unit(self, unit: str) -> DashboardData:
        if unit not in self.units:
            raise ValueError(f"{self.year}年没有填报单位“{unit}”。可选单位：{'、'.join(self.units)}。")
        return replace(self, unit=unit, disclosure=_only(self.disclosure, unit),
                       interpretations=_only(self.interpretations, unit),
                       applications=_only(self.applications, unit),
                       submissions=_only(self.submissions, unit),
                       findings=_only(self.findings, unit))

    def notice(self) -> str:
        """What every page says above its charts: a draft, or a year not complete yet."""
        done = self.completeness
        left_out = (f"没有{self.year}年数据、未计入全区的机关：{'、'.join(self.left_out)}。"
                    if self.left_out else "")
        if done is None:
            return ("草稿" if self.draft else "") + left_out
        if self.draft:
            return f"草稿：{done.summary()}。{left_out}"
        if done.partial:
            compared = (f"各年度均只比较第1—{self.through}季度的数据（同期对比）"
                        if self.through and self.through > 1 else
                        "各年度均只比较第1季度的数据（同期对比）" if self.through else "")
            return (f"本年度数据不完整：{done.summary()}。" + (f"{compared}。" if compared else "")
                    + left_out)
        return left_out


def year_completeness(con: sqlite3.Connection, year: int, source: str) -> returns.Completeness:
    """How far the year's returns go, as the store has them."""
    if source == "published":
        return returns.published(year)
    return returns.completeness(year, store.read_submissions(con, year),
                                store.count_errors(con, year))


def load_dashboard(con: sqlite3.Connection, year: int, *, years_back: int = 2,
                   units: Sequence[str] | None = None, organ: str = "",
                   draft: bool = False) -> DashboardData:
    """Read everything the dashboards show, for all units, in one pass over the store. A
    year not complete yet is compared with the same quarters of the years before."""
    sources = available_years(con, year, years_back)
    done = year_completeness(con, year, sources[year])
    years = list(sources)
    data = DashboardData(
        year=year, sources=sources,
        units=tuple(units) if units else load_units(con, year),
        tables=load_tables(con, years),
        disclosure=load_disclosure(con, years),
        interpretations=load_interpretations(con, years),
        applications=load_applications(con, years),
        submissions=load_submissions(con, [year]),
        findings=load_findings(con, [year]),
        organ=organ, completeness=done, draft=draft,
    )
    return same_quarters(data, done.through) if done.partial else data


def same_quarters(data: DashboardData, through: int) -> DashboardData:
    """The data compared like with like up to quarter `through`: the years with quarter
    workbooks, each cut to the quarters 1..through."""
    sources = partial_sources(data.sources, through)
    return replace(data, through=through, sources=sources,
                   tables={y: t for y, t in data.tables.items() if y in sources},
                   disclosure=_up_to(data.disclosure, through),
                   interpretations=_up_to(data.interpretations, through),
                   applications=_up_to(data.applications, through))
