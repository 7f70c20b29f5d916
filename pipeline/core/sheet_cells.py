"""Cells of the workbooks xxgk writes: text from the staff's files always stays text (never a
formula), and cell addresses sort as a person reads them (B9 before B10)."""

from __future__ import annotations

import re

_FORMULA_START = ("=", "+", "-", "@")


_CELL = re.compile(r"([A-Z]+)(\d+)$")


def put_cell(ws, row: int, col: int, value):
    """Write a value; text stays text (no formula), with Excel's quote prefix when it could be
    read as one on editing."""
    cell = ws.cell(row, col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True
    return cell


def cell_order(cell: str | None) -> tuple:
    """B9 before B10: column letters by length then text, then the row number."""
    m = _CELL.match(cell or "")
    if not m:
        return (1, cell or "")
    return (0, len(m[1]), m[1], int(m[2]))
