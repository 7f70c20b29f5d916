"""One entry for every format: the file's type by its suffix, read into the neutral document."""

from __future__ import annotations

from pathlib import Path

from pipeline.reports_in.document import Document, Unreadable
from pipeline.reports_in.docx_format import read_docx
from pipeline.reports_in.html_format import read_html
from pipeline.reports_in.pdf_format import read_pdf
from pipeline.reports_in.text_format import read_text

READERS = {".docx": read_docx, ".html": read_html, ".htm": read_html, ".pdf": read_pdf,
           ".txt": read_text, ".md": read_text}


# Larger than any report (the seed's web page copy is 20 kB, a Word report 50 kB).
MAX_BYTES = 50 * 1024 * 1024


def is_report(path: Path) -> bool:
    return path.suffix.lower() in READERS and not path.name.startswith(("~$", "."))


def read_document(path: Path) -> Document:
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise Unreadable("这是旧版 Word 文档（.doc），请用 Word 或 WPS 另存为 .docx 后再审核。")
    if suffix not in READERS:
        raise Unreadable(f"不支持“{suffix or '无扩展名'}”文件，可审核 .docx、.html、.htm、.pdf、"
                         ".txt、.md 文件。")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise Unreadable("文件超过 50 MB，不像是一份年度报告。")
        data = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"文件无法打开（{exc.strerror or exc}）。") from None
    return READERS[suffix](path.name, data)
