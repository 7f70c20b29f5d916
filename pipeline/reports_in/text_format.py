"""Plain text (.txt, .md): copied from a web page or converted from a PDF. Table cells arrive one
per line, or as rows of cells separated by spaces, tabs or "|"; the table reader splits them."""

from __future__ import annotations

import codecs
import re

from pipeline.reports_in.document import Document, Unreadable

# A markdown table's rule line (|---|:---:|): layout, not a cell.
_RULE_LINE = re.compile(r"^[\s|:\-—]*-{3,}[\s|:\-—]*$")


def decode(data: bytes, declared: str | None = None) -> str:
    """Text from bytes: a byte-order mark first, then the declared charset, then UTF-8, then
    GB18030 (a superset of GBK and GB2312, what Chinese pages and Windows text files use)."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    names = [declared] if declared else []
    for name in (*names, "utf-8", "gb18030"):
        try:
            return data.decode(_codec(name))
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("gb18030", errors="replace")


def _codec(name: str) -> str:
    """GBK and GB2312 pages often hold characters only GB18030 has: read them as GB18030."""
    name = name.strip().lower()
    return "gb18030" if name in {"gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936"} else name


# A page number on a line of its own: "— 4 —", "- 4 -", "第4页", "第 4 页 共 9 页".
_PAGE_NUMBER = re.compile(r"^(?:[—\-–－]\s*\d+\s*[—\-–－]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)$")


def lines(text: str) -> list[str]:
    """The non-blank lines (blank lines are spacing in a copy, never cells), without markdown
    rule lines and page numbers."""
    out = (line.strip() for line in text.splitlines())
    return [b for b in out if b and not _RULE_LINE.match(b) and not _PAGE_NUMBER.match(b)]


def read_text(name: str, data: bytes) -> Document:
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Unreadable("文件不是文本文件。请另存为 .txt（UTF-8 或 GBK 编码）后再审核。")
    return Document(name, "text", lines(decode(data)))
