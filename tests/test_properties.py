"""Properties: any register consolidates to tables that keep every hard rule, and any crafted
break of a hard rule is reported with its rule ID."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as hs

from pipeline.core import statutory
from pipeline.core.cell_names import where
from pipeline.core.model import YearTables
from pipeline.core.records import Application, Case, Fact, Header, Source
from pipeline.review.table_rules import review_year
from tests import seed_tables as st
from tests.consolidation import consolidate_year

YEAR = 2023
UNITS = ("街道本级", "青松社区", "明德社区")
CLASSES = [k for k, _ in statutory.APPLICANT_CLASSES]
OUTCOMES = [r.key for r in statutory.OUTCOME_ROWS]
GROUPS = [k for k, _ in statutory.TABLE_C_GROUPS]
RESULTS = [k for k, _ in statutory.CASE_RESULTS]
SETTINGS = settings(max_examples=100, deadline=None)


def src(unit, q, row):
    return Source(f"{YEAR}/第{q}季度/{YEAR}年第{q}季度-{unit}.xlsx", "台账", f"A{row}")


@hs.composite
def registers(draw):
    """Applications received last year or this year, answered or open; some listed in an
    earlier quarter while still open, as the registers do."""
    rows = []
    for i in range(draw(hs.integers(0, 12))):
        unit = draw(hs.sampled_from(UNITS))
        received = draw(hs.dates(date(YEAR - 1, 1, 1), date(YEAR, 12, 31)))
        q = draw(hs.integers(1, 4))
        closed = draw(hs.booleans())
        app = Application(
            unit, YEAR, q, f"A{i}", received, None, draw(hs.sampled_from(CLASSES)),
            extended=draw(hs.booleans()), consult_days=draw(hs.integers(0, 5)),
            answered=received + timedelta(days=draw(hs.integers(0, 70))) if closed else None,
            outcome=draw(hs.sampled_from(OUTCOMES)) if closed else None,
            fee=draw(hs.sampled_from([0.0, 10.0])), source=src(unit, q, 5 + i))
        if q > 1 and draw(hs.booleans()):
            rows.append(replace(app, quarter=q - 1, answered=None, outcome=None))
        rows.append(app)
    return rows


@hs.composite
def case_registers(draw):
    return [Case(unit, YEAR, draw(hs.integers(1, 4)), f"C{i}", draw(hs.sampled_from(GROUPS)),
                 date(YEAR, 3, 1), draw(hs.sampled_from([*RESULTS, None])), src(unit, 4, i))
            for i, unit in enumerate(draw(hs.lists(hs.sampled_from(UNITS), max_size=6)))]


@hs.composite
def article20_facts(draw):
    facts = []
    for unit in UNITS:
        for q in (1, 2, 3, 4):
            for row, col in statutory.TABLE_A_CELLS:
                value = draw(hs.one_of(hs.none(), hs.integers(0, 30)))
                where = src(unit, q, 1)
                facts.append(Fact(unit, YEAR, q, "article20", row, col, value, where.file,
                                  where.sheet, where.cell))
    return facts


@SETTINGS
@given(registers(), case_registers(), article20_facts())
def test_any_register_consolidates_to_tables_that_keep_the_hard_rules(config, apps, cases,
                                                                      facts):
    headers = [Header(u, YEAR, q, "v1", src(u, q, 1).file) for u in UNITS for q in (1, 2, 3, 4)]
    c = consolidate_year(config, YEAR, headers, facts, apps, cases, None,
                         as_of=date(YEAR, 12, 31))
    t = c.tables
    assert statutory.check_hard_rules(t.a, t.b, t.c) == []
    assert all(v is not None for tbl in ("A", "B", "C") for v in t.table(tbl).values())
    # Every application of the collapsed register enters once and leaves once.
    latest = {a.app_id: a for a in sorted(apps, key=lambda a: a.quarter)}
    counted = [a for a in latest.values() if a.answered is None or a.answered.year >= YEAR]
    assert t.b[("new", "total")] + t.b[("carried_in", "total")] == len(counted)
    assert t.c[("review", "total")] == sum(k.kind == "review" for k in cases)


# --- Crafted breaks ----------------------------------------------------------------------------

def tables_2022() -> tuple[YearTables, YearTables]:
    prev = YearTables(2021, "published", *st.sample_2021())
    return YearTables(2022, "workbooks", *st.sample_2022()), prev


applicant_cols = hs.sampled_from(CLASSES)
deltas = hs.integers(1, 40)


def reported(findings, rule_id, table, row, col) -> bool:
    return any(f.rule == rule_id and where(table, row, col) in f.message for f in findings)


@SETTINGS
@given(applicant_cols, deltas)
def test_rule_1_break_is_reported(col, d):
    t, prev = tables_2022()
    t.b[("carried_out", col)] += d
    t.b[("carried_out", "total")] += d
    found = review_year(t, prev)
    assert reported(found, "RV001", "B", "results_total", col)
    assert reported(found, "RV001", "B", "results_total", "total")


@SETTINGS
@given(hs.sampled_from(statutory.TABLE_B_NUMERIC_ROWS), applicant_cols, deltas)
def test_rule_2_break_is_reported(row, col, d):
    t, prev = tables_2022()
    t.b[(row, col)] += d
    assert reported(review_year(t, prev), "RV002", "B", row, "total")


@SETTINGS
@given(hs.sampled_from(OUTCOMES), applicant_cols, deltas)
def test_rule_3_break_is_reported(leaf, col, d):
    t, prev = tables_2022()
    t.b[(leaf, col)] += d
    t.b[(leaf, "total")] += d
    found = review_year(t, prev)
    assert reported(found, "RV003", "B", "results_total", col)
    assert not any(f.rule == "RV002" for f in found)


@SETTINGS
@given(hs.sampled_from(GROUPS), hs.sampled_from(RESULTS), deltas)
def test_rule_4_break_is_reported(group, result, d):
    t, prev = tables_2022()
    t.c[(group, result)] += d
    assert reported(review_year(t, prev), "RV004", "C", group, "total")


@SETTINGS
@given(hs.sampled_from([("A", k) for k in statutory.TABLE_A_CELLS]
                       + [("B", k) for k in statutory.TABLE_B_CELLS]
                       + [("C", k) for k in statutory.TABLE_C_CELLS]),
       hs.sampled_from([None, -1, -7]))
def test_rule_5_break_is_reported(cell, bad):
    t, prev = tables_2022()
    tbl, key = cell
    t.table(tbl)[key] = bad
    assert reported(review_year(t, prev), "RV005", tbl, *key)


@SETTINGS
@given(applicant_cols, deltas)
def test_rule_6_break_is_reported(col, d):
    t, prev = tables_2022()
    prev.b[("carried_out", col)] += d
    prev.b[("carried_out", "total")] += d
    found = review_year(t, prev)
    assert reported(found, "RV006", "B", "carried_in", col)
    assert {f.rule for f in found} == {"RV006"}
