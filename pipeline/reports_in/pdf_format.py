"""A PDF with a text layer (as Word or WPS export it): its text, line by line, read like copied
text. A scan has no text layer: it gets a clear message, not an empty report."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from pipeline.reports_in.document import Document, Unreadable
from pipeline.reports_in.text_format import lines

# A line this close to the longest is a paragraph wrapped at the page's edge.
_FULL_LINE = 0.8


_SENTENCE_END = ("。", "！", "？", "；", "：", "!", "?", ";", ":")


def paragraphs(text: str) -> list[str]:
    """The page's lines with wrapped paragraphs joined again: a line as long as the page is
    wide that ends mid-sentence goes on in the next line. Short lines (headings, table rows,
    cells) stay on their own."""
    out: list[str] = []
    all_lines = lines(text)
    width = max((len(x) for x in all_lines), default=0)
    joining = False
    for line in all_lines:
        if joining:
            out[-1] += line
        else:
            out.append(line)
        joining = len(line) >= _FULL_LINE * width and not line.endswith(_SENTENCE_END)
    return out


def read_pdf(name: str, data: bytes) -> Document:
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are about the file, not us
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Unreadable("PDF 文件加了密码，无法读取。请取得未加密的文件后再审核。")
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise Unreadable(f"PDF 文件已损坏或格式不正确（{type(exc).__name__}），无法读取。") from None
    if not text.strip():
        raise Unreadable("PDF 文件中没有文字（可能是扫描件或图片），无法读取表格和文字。请取得"
                         "由 Word 或 WPS 导出的 PDF、原 Word 文档或网页版后再审核。")
    return Document(name, "pdf", paragraphs(text))
