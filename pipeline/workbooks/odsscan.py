"""Inside an .ods: formulas and error values, placed at the cells they fill (rows and columns
written once for many are counted out)."""

from __future__ import annotations

import io
import posixpath
import re
from urllib.parse import unquote
from xml.etree import ElementTree

from openpyxl.utils.cell import get_column_letter

from pipeline.workbooks.scanned import Formula
from pipeline.workbooks.xlsxscan import _EXTERNAL, _why_not_plain

_ODS_TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


_ODS_TABLE = f"{_ODS_TABLE_NS}table"


_ODS_ROW = f"{_ODS_TABLE_NS}table-row"


_ODS_CELLS = (f"{_ODS_TABLE_NS}table-cell", f"{_ODS_TABLE_NS}covered-table-cell")


_ODS_VALUE_TYPE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type"


_ODS_CALC_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"


_ODS_SHEET_CELLS = 100_000  # addresses one sheet's repeated formula cells may fill at most


_ODS_REFERENCE = re.compile(r"\[([^\[\]]*)\]")


def _repeated(el, what: str) -> int:
    try:
        return max(1, int(el.get(f"{_ODS_TABLE_NS}number-{what}-repeated", "1")))
    except ValueError:
        return 1


def _ods_reference(m: re.Match) -> str:
    """[.B4] → B4, [.B4:.B9] → B4:B9, [Sheet2.B4] → Sheet2!B4, and a reference into another
    file (['file:///D:/a.ods'#$Sheet1.A1]) → [a.ods]Sheet1!A1, as _EXTERNAL finds it."""
    inside = m.group(1)
    book = ""
    if "#" in inside:
        where, _, inside = inside.partition("#")
        path = unquote(where.strip("$'")).replace("\\", "/")
        book = f"[{posixpath.basename(path) or path}]"
    parts = []
    for part in inside.split(":"):
        sheet, _, cell = part.rpartition(".")
        sheet = sheet.strip("$'")
        parts.append(f"{book}{sheet}!{cell}" if sheet or book else cell)
    return ":".join(parts)


def _ods_formula(formula: str | None, cached: bool, error: str | None) -> Formula:
    if formula is None:
        return Formula("", error=error)
    # "of:=[.B4]+1" (OpenFormula): the cells and the separators as in Excel, "=B4+1"
    text = _ODS_REFERENCE.sub(_ods_reference, formula.partition("=")[2]).replace(";", ",")
    m = _EXTERNAL.search(text)
    if m:
        return Formula(f"={text}", m.group(1), error, cached)
    return Formula(f"={text}", None, error, cached, _why_not_plain(text, None))


def _place(found: dict[str, Formula], in_row: list[tuple[int, int, Formula]], row: int,
           down: int) -> None:
    """The formula cells of a row written once for `down` rows, at each of their addresses,
    up to _ODS_SHEET_CELLS in the sheet (beyond them no input cell lies)."""
    for r in range(row, row + down):
        for first, across, formula in in_row:
            for c in range(first, first + across):
                if len(found) >= _ODS_SHEET_CELLS:
                    return
                found[f"{get_column_letter(min(c + 1, 16384))}{r + 1}"] = formula


def _ods_formula_cells(content: bytes) -> dict[str, dict[str, Formula]]:
    """Sheet name -> cell address -> formula or error value, of an .ods's content.xml. Cells
    and rows written once for many (number-columns/rows-repeated) are counted as many."""
    out: dict[str, dict[str, Formula]] = {}
    found: dict[str, Formula] | None = None
    row = col = 0
    in_row: list[tuple[int, int, Formula]] = []  # (first column, columns, formula)
    for event, el in ElementTree.iterparse(io.BytesIO(content), events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag == _ODS_TABLE:
                found, row = {}, 0
                out[el.get(f"{_ODS_TABLE_NS}name", "")] = found
            elif tag == _ODS_ROW:
                col, in_row = 0, []
            continue
        if tag in _ODS_CELLS:
            across = _repeated(el, "columns")
            formula = el.get(f"{_ODS_TABLE_NS}formula")
            error = None
            if el.get(_ODS_CALC_TYPE) == "error":
                error = "".join(el.itertext()).strip() or "#VALUE!"
            if formula is not None or error:
                in_row.append((col, across, _ods_formula(
                    formula, el.get(_ODS_VALUE_TYPE) is not None, error)))
            col += across
            el.clear()
        elif tag == _ODS_ROW:
            down = _repeated(el, "rows")
            if in_row and found is not None:
                _place(found, in_row, row, down)
            row += down
            el.clear()
        elif tag == _ODS_TABLE:
            found = None
    return {name: cells for name, cells in out.items() if cells}
