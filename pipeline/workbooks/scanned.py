"""What the safety scan of a file finds: its limits, the problems that refuse a file, the
formulas it found, and the bytes calamine may open."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

MAX_FILE_BYTES = 20 * 1024 * 1024       # on disk; a real quarter's workbook is well under 1 MB


MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # every member of an .xlsx/.ods, inflated, together


MAX_RATIO = 100                         # inflated / compressed size of one member…


RATIO_FROM_BYTES = 1024 * 1024          # …checked once the member inflates beyond this


MAX_MEMBERS = 10_000                    # zip members


MAX_SHEET_CELLS = 1_000_000             # rows × columns of a sheet's used area


XLSX, XLS, ODS = ".xlsx", ".xls", ".ods"


_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# What any spreadsheet file starts with: a zip (.xlsx, .ods) or an OLE2 container (.xls).
SPREADSHEET_MAGIC = (*_ZIP_MAGIC, _OLE_MAGIC)


_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


_CHUNK = 1 << 16


@dataclass(frozen=True)
class Problem:
    """A finding about the whole file: its rule and the fields of the rule's message."""

    rule: str
    fields: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Formula:
    """A cell whose saved value cannot simply be read as calamine reads it: a formula (with or
    without a saved result), or an error value such as #DIV/0! (calamine reads it as blank).
    Shown as its formula text, or its error value, wherever the cell's text is looked at."""

    text: str                    # "=A1+A2"; "" for an error value with no formula
    external: str | None = None  # the other workbook, when the formula points at one
    error: str | None = None     # the error value saved as the cell's result ("#DIV/0!")
    cached: bool = True          # whether a result was saved
    reason: str | None = None    # why the formula is not plain arithmetic (None: it is)
    value: object = None         # the saved result as calamine reads it (see `reading`)

    def __str__(self) -> str:
        return self.text or self.error or ""

    @property
    def usable(self) -> bool:
        """Plain arithmetic over the sheet's cells with a saved result that is not an error:
        the result may be read (with a warning)."""
        return (self.text != "" and self.cached and self.external is None
                and self.reason is None and self.error is None)

    def reading(self, value) -> Formula:
        """This formula holding `value`, calamine's reading of its cell, when that is usable."""
        return replace(self, value=value) if self.usable else self


@dataclass
class Scan:
    """What the checks found. `kind` is the real format (XLSX, XLS or ODS) unless refused."""

    kind: str | None = None
    problems: list[Problem] = field(default_factory=list)
    refused: bool = False
    # sheet name -> cell address -> formula, for the formulas calamine would read wrongly
    formulas: dict[str, dict[str, Formula]] = field(default_factory=dict)
    # sheet name -> (far cell, rows, columns) of sheets too large to read
    oversized: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    # the bytes to open: for an .xlsx, a zip of the members as checked here (stored, see
    # _stored_zip); for an .xls or .ods, the file's as read here
    data: bytes | None = None

    def refuse(self, rule: str, **fields) -> Scan:
        self.problems.append(Problem(rule, fields))
        self.refused = True
        self.kind = self.data = None
        return self

    def take_data(self) -> bytes:
        """The bytes to open, handed over once: the scan lets go of them, so that only the
        parser's copy stays in memory while the sheets are read."""
        data, self.data = self.data, None
        if data is None:
            raise ValueError("nothing to open: the file was refused or its bytes already taken")
        return data


class Refused(Exception):
    """Raised by sheet_reading.open_workbook for a file that failed the checks."""

    def __init__(self, problems: list[Problem]):
        super().__init__(", ".join(p.rule for p in problems))
        self.problems = problems


class _Bad(Exception):
    """A zip is refused: (rule, fields)."""

    def __init__(self, rule: str, **fields):
        super().__init__(rule)
        self.rule, self.fields = rule, fields


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} 字节"


def oversized(rows: int, cols: int) -> bool:
    """A used area too large to turn into Python lists (for formats not scanned before)."""
    return rows * cols > MAX_SHEET_CELLS


def not_a_spreadsheet(suffix: str, kind: str) -> str:
    """The reason in IN001 (文件无法打开) for a file of another kind."""
    return f"扩展名为“{suffix or '无'}”，但内容是{kind}，不是 Excel、WPS 或 LibreOffice 表格"


def what_it_is(data: bytes) -> str:
    """What a file that is neither a zip nor an OLE container looks like, in Chinese."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00")
    lower = head.lower()
    if head.startswith(b"%PDF"):
        return "PDF 文件"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        return "图片"
    if head.startswith(b"{\\rtf"):
        return "RTF 文档"
    if lower.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in lower:
            return "Excel 2003 XML 表格（不是 .xlsx 格式）"
        if b"<html" in lower or b"<table" in lower or b"<!doctype html" in lower:
            return "网页（HTML）格式的表格（常见于从其他系统导出的“Excel”）"
        return "XML 文本"
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data[:4096].decode(encoding)
        except UnicodeDecodeError:
            continue
        if not any(ord(c) < 32 and c not in "\t\r\n" for c in text):
            return "纯文本（如 CSV 文件）"
    return "无法识别的内容"
