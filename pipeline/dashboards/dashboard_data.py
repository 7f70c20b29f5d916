"""What the dashboards show, read from the store once as tidy pandas frames, and narrowed to one
unit in memory; a year not complete yet is compared with the same quarters of the years
before."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from pipeline import store
from pipeline.core import model, statutory
from pipeline.core.findings import all_rules
from pipeline.core.numbers import as_stored
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
    """Everything one dashboard page needs; `unit` None is the whole sub-district.

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
        if done is None:
            return "草稿" if self.draft else ""
        if self.draft:
            return f"草稿：{done.summary()}。"
        if done.partial:
            compared = (f"各年度均只比较第1—{self.through}季度的数据（同期对比）"
                        if self.through and self.through > 1 else
                        "各年度均只比较第1季度的数据（同期对比）" if self.through else "")
            return f"本年度数据不完整：{done.summary()}。" + (f"{compared}。" if compared else "")
        return ""


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
    through = done.through if done.partial else None
    if through is not None:
        sources = partial_sources(sources, through)
    years = list(sources)
    return DashboardData(
        year=year, sources=sources,
        units=tuple(units) if units else load_units(con, year),
        tables=load_tables(con, years),
        disclosure=_up_to(load_disclosure(con, years), through),
        interpretations=_up_to(load_interpretations(con, years), through),
        applications=_up_to(load_applications(con, years), through),
        submissions=load_submissions(con, [year]),
        findings=load_findings(con, [year]),
        organ=organ, completeness=done, through=through, draft=draft,
    )


def proactive_totals(data: DashboardData) -> pd.Series:
    """Items published per year: the consolidated figure for the sub-district (every year,
    published ones included), the unit's distinct-item facts for a unit page."""
    if data.unit is None and data.through is None:
        return pd.Series({y: t.figures["items_published"] for y, t in data.tables.items()
                          if t.figures.get("items_published") is not None}, dtype=float)
    items = data.disclosure[data.disclosure["channel"] == ""]
    return items.groupby("year")["value"].sum()


def interpretations_by_form(data: DashboardData) -> pd.DataFrame:
    """year, series, value: forms from the facts; a published year's figure as one 合计 bar."""
    rows = data.interpretations.groupby(["year", "form"], sort=False)["value"].sum()
    frame = rows.reset_index().rename(columns={"form": "series"})
    if data.unit is None and data.through is None:
        published = [(y, "合计", t.figures["interpretations"]) for y, t in data.tables.items()
                     if t.source == "published" and t.figures.get("interpretations") is not None]
        frame = pd.concat([pd.DataFrame(published, columns=["year", "series", "value"]), frame],
                          ignore_index=True)
    return frame


def _latest(apps: pd.DataFrame) -> pd.DataFrame:
    """One row per application: an open one is listed again each quarter; the latest wins."""
    return apps.sort_values("quarter", kind="stable").drop_duplicates(["year", "app_id"],
                                                                      keep="last")


def applicants_from_tables(tables: dict[int, model.YearTables]) -> pd.DataFrame:
    """year, row (new | carried_in), applicant_class, value from table B."""
    return pd.DataFrame(
        [(y, row, cls, _n(t.b.get((row, cls))))
         for y, t in tables.items() for row in ("new", "carried_in")
         for cls, _ in statutory.APPLICANT_CLASSES],
        columns=["year", "row", "applicant_class", "value"])


def applicants_from_register(apps: pd.DataFrame) -> pd.DataFrame:
    """The same shape from a unit's register: received before its year means carried in."""
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


def outcomes_from_tables(tables: dict[int, model.YearTables]) -> pd.DataFrame:
    """year, group, value: （一）（二） as they are, （三）–（六） as the sum of their items."""
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


def _n(v) -> int | float:
    """A count as an int when it is whole (store values are REAL)."""
    return as_stored(0 if v is None or pd.isna(v) else v)
