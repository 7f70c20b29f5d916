"""Review (审核) of a year's tables: the hard consistency rules 1–6 of the national format and
the plausibility rules reviewers apply.

Works the same on a consolidated year and on a year read from published tables. Findings point at
a cell by its table (sheet of the tables workbook) and its official row and column labels; the
file and cell address are left empty because the same cell sits at different addresses in
hand-made published workbooks.
"""

from __future__ import annotations

from pipeline.core import statutory
from pipeline.core.cell_names import FIGURES_SHEET, SHEETS, where
from pipeline.core.config import NO_RULE_MAKING
from pipeline.core.findings import Finding, finding
from pipeline.core.model import FIGURES, YearTables
from pipeline.core.numbers import as_written

_ROW = statutory.TABLE_B_ROW


_LABELS = {
    "new": _ROW["new"].label, "carried_in": _ROW["carried_in"].label,
    "results_total": _ROW["results_total"].label, "carried_out": _ROW["carried_out"].label,
    "total": statutory.TOTAL[1],
}


JUMP_FACTOR = 5


# Below this, counts vary by chance (one case last year, none this year): not worth a warning.
JUMP_MIN = 10


# Table totals watched for year-on-year jumps: applications received and closed, cases.
_TOTALS = (("B", "new", "total"), ("B", "results_total", "total"),
           *(("C", g, "total") for g, _ in statutory.TABLE_C_GROUPS))


def _fmt(v) -> str:
    return "空白" if v is None else as_written(v)


def _at_cell(rule_id: str, year: int, table: str, row: str, col: str, **fields) -> Finding:
    return finding(rule_id, sheet=SHEETS[table], year=year, where=where(table, row, col),
                   **fields)


def _rule5_problem(v) -> tuple[str, str]:
    if v is None:
        return "未填写", "请填写数字，没有的填0，不要留空或填“/”“无”。"
    if v < 0:
        return f"为负数（{_fmt(v)}）", "请改为非负数。"
    return f"不是整数（{_fmt(v)}）", "件数、次数应为整数，请改正。"


def hard_rule_findings(tables: YearTables, previous: YearTables | None) -> list[Finding]:
    """One finding per broken hard rule and cell (statutory.check_hard_rules)."""
    out = []
    violations = statutory.check_hard_rules(tables.a, tables.b, tables.c,
                                            previous.b if previous is not None else None)
    for v in violations:
        rule = statutory.HARD_RULES[v.rule]
        fields = {"rule": rule, "expected": _fmt(v.expected), "found": _fmt(v.found), **_LABELS}
        if v.rule == 5:
            problem, fix = _rule5_problem(v.found)
            fields.update(problem=problem, fix=fix)
        out.append(_at_cell(f"RV00{v.rule}", tables.year, v.table, v.row, v.col, **fields))
    return out


def _in_force_findings(tables: YearTables, previous: YearTables) -> list[Finding]:
    block = statutory.TABLE_A_BLOCKS[0]
    labels = dict(block.columns)
    out = []
    for row, _ in block.rows:
        prev = previous.a.get((row, "in_force"))
        made, repealed, now = (tables.a.get((row, k)) for k in ("made", "repealed", "in_force"))
        if None in (prev, made, repealed, now):
            continue
        expected = prev + made - repealed
        if now != expected:
            out.append(_at_cell(
                "RV101", tables.year, "A", row, "in_force", found=_fmt(now),
                in_force=labels["in_force"], previous=_fmt(prev), made=labels["made"],
                n_made=_fmt(made), repealed=labels["repealed"], n_repealed=_fmt(repealed),
                expected=_fmt(expected)))
    return out


def _rules_findings(tables: YearTables, organ_kind: str) -> list[Finding]:
    """RV102 for an organ that cannot make 规章 (config.NO_RULE_MAKING)."""
    if organ_kind not in NO_RULE_MAKING:
        return []
    block = statutory.TABLE_A_BLOCKS[0]
    labels = statutory.TABLE_A_ROW_LABELS
    return [_at_cell("RV102", tables.year, "A", "rules", col, found=_fmt(v),
                     organ_kind=NO_RULE_MAKING[organ_kind], rules=labels["rules"],
                     normative=labels["normative"])
            for col, _ in block.columns
            if (v := tables.a.get(("rules", col))) not in (None, 0)]


def is_jump(now, previous) -> bool:
    """More than JUMP_FACTOR times, or less than 1/JUMP_FACTOR of, a non-zero last year (when
    either value reaches JUMP_MIN)."""
    if now is None or previous in (None, 0) or max(now, previous) < JUMP_MIN:
        return False
    return now > previous * JUMP_FACTOR or now * JUMP_FACTOR < previous


def _change(now, previous) -> str:
    if now > previous:
        return f"超过上年的{JUMP_FACTOR}倍"
    return f"不到上年的1/{JUMP_FACTOR}"


def _jump_findings(tables: YearTables, previous: YearTables) -> list[Finding]:
    out = []
    for tbl, row, col in _TOTALS:
        now, prev = tables.table(tbl).get((row, col)), previous.table(tbl).get((row, col))
        if is_jump(now, prev):
            out.append(_at_cell("RV103", tables.year, tbl, row, col, what=where(tbl, row, col),
                                found=_fmt(now), previous=_fmt(prev), change=_change(now, prev)))
    for key, label in FIGURES.items():
        now, prev = tables.figures.get(key), previous.figures.get(key)
        if is_jump(now, prev):
            out.append(finding("RV103", sheet=FIGURES_SHEET, year=tables.year,
                               what=f"“{label}”", found=_fmt(now), previous=_fmt(prev),
                               change=_change(now, prev)))
    return out


def review_year(tables: YearTables, previous: YearTables | None, *,
                partial: bool = False, organ_kind: str = "") -> list[Finding]:
    """Every hard rule (errors) and the plausibility rules (warnings) for one year of an
    organ of `organ_kind` (config.ORGAN_KINDS; "" not given). A `partial` year (returns not
    all confirmed yet) is not compared with last year's whole year for jumps: half a year
    against a whole one would always look like a fall."""
    out = hard_rule_findings(tables, previous)
    out += _rules_findings(tables, organ_kind)
    if previous is not None:
        out += _in_force_findings(tables, previous)
        if not partial:
            out += _jump_findings(tables, previous)
    return out
