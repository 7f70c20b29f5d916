"""A statutory table cell in words: the sheets of a tables workbook and the official row and
column labels, so that a finding about a cell reads the same wherever the numbers came from."""

from __future__ import annotations

from pipeline.core import statutory

SHEETS: dict[str, str] = {"A": "主动公开", "B": "依申请公开", "C": "复议诉讼"}


FIGURES_SHEET = "主要数据"


TABLE_HEADINGS: dict[str, str] = {
    "A": statutory.PART_HEADINGS["proactive"],
    "B": statutory.PART_HEADINGS["applications"],
    "C": statutory.PART_HEADINGS["appeals"],
}


_TABLE_CELLS = {"A": statutory.TABLE_A_CELLS, "B": statutory.TABLE_B_CELLS,
                "C": statutory.TABLE_C_CELLS}


_B_COLUMN_LABELS = dict(statutory.TABLE_B_COLUMNS)


_C_GROUP_LABELS = dict(statutory.TABLE_C_GROUPS)


_C_COLUMN_LABELS = dict(statutory.TABLE_C_COLUMNS)


def cell_labels(table: str, row: str, col: str) -> tuple[str, str]:
    """The official row and column labels of one cell of table A, B or C. A numbered outcome of
    table B is prefixed with its group (statutory.outcome_choice): "1." alone is ambiguous."""
    if table == "A":
        return statutory.TABLE_A_ROW_LABELS[row], statutory.table_a_column_label(row, col)
    if table == "B":
        return statutory.outcome_choice(row), _B_COLUMN_LABELS[col]
    return _C_GROUP_LABELS[row], _C_COLUMN_LABELS[col]


def where(table: str, row: str, col: str) -> str:
    """A cell described by its labels, in Chinese (for messages)."""
    row_label, col_label = cell_labels(table, row, col)
    if table == "C":
        return f"“{TABLE_HEADINGS[table]}”表“{row_label}”下“{col_label}”"
    return f"“{TABLE_HEADINGS[table]}”表“{row_label}”行“{col_label}”列"
