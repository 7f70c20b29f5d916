"""A Word report (.docx): body paragraphs and tables in document order; merged cells (gridSpan,
vMerge) are found by python-docx returning the same cell for every position it covers."""

from __future__ import annotations

import io
import zipfile

from docx import Document as open_docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from pipeline.reports_in.document import Cell, Document, Table, Unreadable


def _table(t: DocxTable) -> Table:
    rows: list[tuple[Cell, ...]] = []
    above: list = []
    for row in t.rows:
        cells, seen = [], []
        for i, cell in enumerate(row.cells):
            tc = cell._tc
            origin = (not seen or seen[-1] is not tc) and (i >= len(above) or above[i] is not tc)
            cells.append(Cell(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()),
                              origin))
            seen.append(tc)
        above = seen
        rows.append(tuple(cells))
    return Table(tuple(rows))


def read_docx(name: str, data: bytes) -> Document:
    try:
        doc = open_docx(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Unreadable(f"文件不是有效的 Word 文档（{type(exc).__name__}）。如是 .doc 格式，"
                         "请用 Word 或 WPS 另存为 .docx 后再审核。") from None
    blocks: list = []
    for item in doc.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if text:
                blocks.append(text)
        else:
            blocks.append(_table(item))
    return Document(name, "docx", blocks)
