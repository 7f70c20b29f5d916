"""Inside an .xlsx: which part is which sheet, each sheet's used area, its formulas and error
values, links to other workbooks, and number cells formatted as impossible dates."""

from __future__ import annotations

import functools
import io
import posixpath
import re
from collections.abc import Iterable
from urllib.parse import unquote
from xml.etree import ElementTree

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from pipeline.workbooks.scanned import MAX_SHEET_CELLS, Formula, Scan

_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >]")


# What every _FORMULA_TAG match contains, led by a byte rare in sheet XML ("f"): re skips to it.
_FORMULA_SCREEN = re.compile(rb"f[ >](?<=[<:]f[ >])")


_CELL_REF = re.compile(rb' r="([A-Z]{1,3})([0-9]{1,7})"')


_CELL_ROWS = re.compile(rb' r="[A-Z]{1,3}([0-9]{1,7})"')


_CELL_COLUMNS = re.compile(rb' r="([A-Z]{1,3})[0-9]')


_ROW_REF = re.compile(rb'<row[^>]*? r="([0-9]{1,7})"')


_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _resolve(base_part: str, target: str) -> str:
    """A relationship target as a member name (targets are relative to the source part)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


# Workbooks made from one template share their workbook.xml and relationship parts byte for
# byte: each distinct small part is parsed once. The key is the bytes themselves (compared in
# full on a hit), so a remembered result is exactly what parsing them again would give.
_MEMO_BYTES = 64 * 1024


def _memo(parse):
    """`parse(xml)`, remembered for the last 32 distinct parts of at most _MEMO_BYTES."""
    remembered = functools.lru_cache(maxsize=32)(parse)

    @functools.wraps(parse)
    def parsed(xml: bytes):
        return remembered(xml) if len(xml) <= _MEMO_BYTES else parse(xml)
    return parsed


@_memo
def _relationships(xml: bytes) -> tuple[tuple[str | None, str], ...]:
    """(id, target) of each relationship in a .rels part, in order."""
    root = ElementTree.fromstring(xml)
    return tuple((r.get("Id"), r.get("Target", "")) for r in root if _local(r.tag) == "Relationship")


@_memo
def _book_entries(xml: bytes) -> tuple[tuple[tuple[str, str | None], ...], tuple[str | None, ...]]:
    """(name, relationship id) of each sheet, and the relationship id of each external
    reference, in the order of workbook.xml."""
    sheets, externals = [], []
    for el in ElementTree.fromstring(xml).iter():
        tag = _local(el.tag)
        if tag == "sheet":
            sheets.append((el.get("name", ""), el.get(_REL_NS)))
        elif tag == "externalReference":
            externals.append(el.get(_REL_NS))
    return tuple(sheets), tuple(externals)


def _rels(members: dict[str, bytes], part: str) -> dict[str, str]:
    """Relationship id -> target (raw) of a part."""
    rels_name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels_name not in members:
        return {}
    return dict(_relationships(members[rels_name]))


def _workbook_part(members: dict[str, bytes]) -> str:
    for target in _rels(members, "").values():
        if target.lstrip("/").endswith("workbook.xml"):
            return target.lstrip("/")
    return "xl/workbook.xml"


def _scan_xlsx_parts(members: dict[str, bytes], scan: Scan) -> set[str]:
    """Map sheet names to their parts, then look at each sheet's used area and formulas, and
    take the format off numbers no date format can show (in `members`). Returns the parts."""
    book = _workbook_part(members)
    sheets, externals = _book_entries(members[book])
    rels = _rels(members, book)
    links = _external_links(externals, rels, book, members)
    parts = set()
    for name, rel_id in sheets:
        part = _resolve(book, rels.get(rel_id, ""))
        content = members.get(part)
        if content is None:
            continue
        parts.add(part)
        too_big = _used_area(content)
        if too_big:
            scan.oversized[name] = too_big
            continue
        # one pass for the two kinds of odd values, which an ordinary sheet has neither of
        odd_values = _VALUE_SCREEN.search(content)
        if ((_FORMULA_SCREEN.search(content) and _FORMULA_TAG.search(content))
                or (odd_values and any(mark in content for mark in _ERROR_MARKS))):
            found = _formula_cells(content, links)
            if found:
                scan.formulas[name] = found
        if odd_values:
            members[part] = _unformat_impossible_dates(content)
    return parts


# A cell value that may lie outside the dates a date format can show: negative, 7+ digits
# before the point, or an exponent.
_SUSPECT_NUMBER = re.compile(rb"<v>(-[0-9.eE+-]+|[0-9]{7,}[0-9.eE+-]*|[0-9.]+[eE][+-]?[0-9]+)</v>")


# The start of every _SUSPECT_NUMBER match, led by a byte rare in sheet XML ("v"): re skips to it.
_SUSPECT_SCREEN = re.compile(rb"v>(?<=<v>)(?:-|[0-9]{7}|[0-9.]+[eE])")


# The same, or the start of an error value (#DIV/0!, #N/A…: every one starts with "#", in a
# cell marked t="e"), in a single pass.
_VALUE_SCREEN = re.compile(rb"v>(?:#|(?<=<v>)(?:-|[0-9]{7}|[0-9.]+[eE]))")


_ERROR_MARKS = (b't="e"', b"t='e'")


_STYLE = re.compile(rb'\ss="[0-9]+"')


LAST_DATE_SERIAL = 2958465  # 9999-12-31, the last day Excel can show


def _unformat_impossible_dates(content: bytes) -> bytes:
    """The sheet with the style taken off every number outside 0..LAST_DATE_SERIAL.

    Under a date or duration format such a number makes calamine return a wrong time, raise,
    or panic (which would end the run); as a plain number it is read as typed and the reader
    reports it in its cell. Numbers under any other format read the same either way. Returns
    `content` itself when nothing had to change."""
    if not _SUSPECT_SCREEN.search(content):
        return content
    cuts: list[tuple[int, int]] = []
    for m in _SUSPECT_NUMBER.finditer(content):
        try:
            value = float(m.group(1))
        except ValueError:
            continue
        if 0 <= value <= LAST_DATE_SERIAL:
            continue
        start = content.rfind(b"<c ", 0, m.start())
        end = content.find(b">", start)
        style = _STYLE.search(content, start, end) if start != -1 else None
        if style:
            cuts.append(style.span())
    if not cuts:
        return content
    pieces, last = [], 0
    for a, b in cuts:
        pieces.append(content[last:a])
        last = b
    pieces.append(content[last:])
    return b"".join(pieces)


def _external_links(externals: Iterable[str | None], rels: dict[str, str], book: str,
                    members: dict[str, bytes]) -> dict[str, str]:
    """"1", "2"… (as formulas write [1]) -> the linked workbook's file name."""
    out = {}
    for n, rel_id in enumerate(externals, start=1):
        part = _resolve(book, rels.get(rel_id, ""))
        targets = list(_rels(members, part).values())
        if targets:
            out[str(n)] = posixpath.basename(unquote(targets[0]).replace("\\", "/")) or targets[0]
    return out


# Screens run before the exact count of _used_area, each a single pass of re over the sheet.
# Neither matches in an ordinary sheet, and then every r="…" holds a cell within ZZ999 or a row
# within 999 and every cell opens with its own r="<letter>…" (none is placed by counting), so
# the used area is at most 999 rows × 702 columns: within MAX_SHEET_CELLS, no count needed.
_ODD_REF = re.compile(rb' r="[A-Z]{0,2}+(?![0-9]{1,3}+")')  # more than 2 letters or 3 digits


_UNNAMED_CELL = re.compile(rb'<c(?:>| (?!r="[A-Z]))')      # a cell not opening with r="A…"


def _used_area(content: bytes) -> tuple[str, int, int] | None:
    """(a far cell, rows, columns) of a sheet whose cells span more than MAX_SHEET_CELLS.

    Cells are found by their r="B7" attribute (every spreadsheet program writes it); cells
    without one are placed one after another, so a row holds at most all of them."""
    if not _ODD_REF.search(content) and not _UNNAMED_CELL.search(content):
        return None
    named = _CELL_ROWS.findall(content)
    rows = max(map(int, set(named)), default=0)
    cols = max(map(_column, set(_CELL_COLUMNS.findall(content))), default=0)
    unnamed = content.count(b"<c>") + content.count(b"<c ") - len(named)
    if unnamed > 0:
        cols = max(cols, unnamed)
        rows = max([rows, content.count(b"<row"), *map(int, _ROW_REF.findall(content))])
    if rows * cols <= MAX_SHEET_CELLS:
        return None
    far = max(((_column(c), int(r)) for c, r in _CELL_REF.findall(content)),
              key=lambda cr: cr[0] * cr[1], default=(cols, rows))
    return f"{get_column_letter(min(far[0], 16384))}{far[1]}", rows, cols


def _column(letters: bytes) -> int:
    return column_index_from_string(letters.decode())


# A reference into another workbook: [1]Sheet1!A1, '[其他.xlsx]Sheet1'!A1, 'C:\x\[a.xlsx]S'!A1.
_EXTERNAL = re.compile(r"\[([^\[\]]+)\][^\[\]!()+*/,&=<>^;]*'?!")


# Plain arithmetic over cells of the same sheet: numbers, cell references and ranges, + - * /,
# brackets and SUM. Each token is taken whole (possessive), so a formula that is not plain
# fails at once instead of being split every possible way.
_PLAIN = re.compile(r"""(?:\s|[-+*/(),]|SUM\(
                        |\$?[A-Z]{1,3}\$?[0-9]{1,7}(?::\$?[A-Z]{1,3}\$?[0-9]{1,7})?+
                        |(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)(?:E[+-]?[0-9]++)?+)*+""",
                    re.IGNORECASE | re.VERBOSE)


_FUNCTION = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\s*\(")


_FUNCTION_PREFIXES = ("_XLFN.", "_XLWS.", "_XLL.")


def _why_not_plain(text: str, kind: str | None) -> str | None:
    """Why a formula (its text without "=") is not plain arithmetic over the sheet's cells, in
    Chinese; None when it is."""
    if kind == "dataTable":
        return "模拟运算表"
    if not text:
        return "公式内容无法识别"
    if _PLAIN.fullmatch(text):
        return None
    names = []
    for name in _FUNCTION.findall(text):
        name = name.upper()
        for prefix in _FUNCTION_PREFIXES:
            name = name.removeprefix(prefix)
        if name != "SUM" and name not in names:
            names.append(name)
    if "|" in text or "DDE" in names:  # Excel's cmd|'…'!A0, LibreOffice's DDE(…)
        return "会启动其他程序（DDE 链接），可被用来攻击电脑"
    if names:
        return "使用了函数 " + "、".join(names[:3]) + ("等" if len(names) > 3 else "")
    if "!" in text:
        return "引用了其他工作表"
    return "不是对本表单元格的简单加减乘除"


def _formula_cells(content: bytes, links: dict[str, str]) -> dict[str, Formula]:
    """Every cell holding a formula or an error value, by address."""
    out: dict[str, Formula] = {}
    shared: dict[str, str] = {}
    for _, el in ElementTree.iterparse(io.BytesIO(content)):
        tag = _local(el.tag)
        if tag == "row":
            el.clear()
        if tag != "c":
            continue
        f = v = None
        for child in el:
            name = _local(child.tag)
            if name == "f":
                f = child
            elif name == "v":
                v = child
        ref = el.get("r")
        if not ref:
            continue
        error = v.text if el.get("t") == "e" and v is not None and v.text else None
        if f is None:
            if error:
                out[ref] = Formula("", error=error)
            continue
        text = f.text or ""
        if f.get("t") == "shared" and text:
            shared[f.get("si")] = text
        # a shared formula's other cells carry no text: they compute what its first cell does
        source = text or shared.get(f.get("si"), "")
        m = _EXTERNAL.search(source)
        target = None
        if m:
            book = m.group(1)
            target = links.get(book, f"外部链接[{book}]" if book.isdigit() else book)
        cached = v is not None and (bool(v.text) or el.get("t") == "str")
        out[ref] = Formula(f"={text}" if text else "（共享公式）", target, error, cached,
                           None if target else _why_not_plain(source, f.get("t")))
    return out
