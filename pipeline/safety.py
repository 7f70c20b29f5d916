"""What a workbook file must pass before a parser touches it.

The quarter workbooks are typed by many people in WPS, Excel and LibreOffice and mailed around.
A file may be empty, cut short, not a spreadsheet at all, password protected, far too large, a
zip that inflates to gigabytes, or XML that declares entities (a "billion laughs"). Each of these
is refused here, with a rule ID, before calamine opens the file: a bad file costs one finding,
never the run. The same pass refuses macros and zips that hold a name twice, and finds what
calamine cannot report: every formula of an .xlsx or .ods (with no saved result calamine reads
it as blank; with one, as if the number had been typed), error values such as #DIV/0! (calamine
reads them as blank), and sheets whose used area is so large that reading them would exhaust
memory.

Nothing here trusts what a file declares about itself: every zip member is inflated and counted,
and the XML is searched for DOCTYPE/ENTITY declarations before any XML parser sees it. calamine
then opens an .xlsx from the members inflated here, put into a zip without compression: it reads
exactly the bytes that were checked, and does not inflate them a second time.

It runs on every file of a city, so each search over a sheet's bytes is a single pass of re (or a
byte search) that an ordinary sheet passes; the slower exact count or parse runs only on a hit,
and a screen may hit where the exact check then finds nothing, never the other way round.
"""

from __future__ import annotations

import functools
import io
import os
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

from openpyxl.utils.cell import column_index_from_string, get_column_letter
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from pipeline.findings import define

# --- Limits ------------------------------------------------------------------------------------

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
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
# a zip's local file header: signature, 22 bytes we do not need, then name and extra lengths
_LOCAL_HEADER = struct.Struct("<4s22xHH")

# --- Rules -------------------------------------------------------------------------------------

_RESAVE = "请用 Excel 或 WPS 打开原报表，“另存为” .xlsx 文件后重新放入。"

define("IN004", "error", "文件是空的",
       "文件是空的（0 字节），未读取。可能是邮件附件没有下载完整，或保存时出错；请重新向填报单位索取报表。")
define("IN005", "error", "文件设有打开密码",
       "文件设有打开密码，请取消密码后另存：用 Excel 或 WPS 输入密码打开，在“文件—信息—保护工作簿—"
       "用密码进行加密”（WPS：“文件—文档加密—密码加密”）中删除打开密码，另存为 .xlsx 后重新放入。")
define("IN006", "error", "文件不完整或已损坏",
       "文件不完整或已损坏（{reason}），未读取。可能是邮件附件没有下载完整或复制时中断，请重新取得原文件；"
       "如果原文件也有问题，" + _RESAVE)
define("IN007", "error", "文件过大",
       "文件大小为 {size}，超过 {limit} 的上限，未读取。季度报表一般不到 1 MB；请确认放入的是报表本身，"
       "删除表中多余的图片或工作表后另存。")
define("IN008", "error", "压缩内容异常（疑似压缩炸弹）",
       "文件解压后的内容异常（{reason}），为安全起见未读取。正常保存的报表不会这样；" + _RESAVE)
define("IN009", "error", "文件含有 XML 实体声明",
       "文件内部的“{part}”含有 DOCTYPE 或 ENTITY 声明（可被用来发动“XML 炸弹”或读取本机文件），"
       "为安全起见未读取。Excel、WPS、LibreOffice 保存的报表不会有这种内容；" + _RESAVE)
define("IN010", "note", "扩展名与文件格式不符",
       "此文件扩展名为“{suffix}”，实际是 {actual} 格式，已按实际格式读取。建议把扩展名改为“{actual}”，"
       "以免别人用 Excel 或 WPS 打开时报错。")
define("IN011", "warning", "隐藏的工作表中有数据",
       "工作表“{name}”是隐藏的，不属于报表模板，其中有数据（如单元格 {at}），这些数据不会被读取。"
       "需要上报的数字请填入报表对应工作表的浅黄色单元格；不需要的请删除该工作表。")
define("IN012", "error", "工作表范围过大",
       "工作表“{name}”有内容的范围远至单元格 {at}（约 {rows} 行 × {cols} 列），为避免占满内存，"
       "此工作表未读取。可能是在远处的单元格误输入了内容：请按 Ctrl+End 找到该单元格，删除多余的行和列后保存。")
define("IN015", "error", "文件含有宏",
       "文件中含有宏（{what}），为安全起见未读取。报表不需要宏：请用 Excel 或 WPS 打开，“另存为”时"
       "选择“Excel 工作簿（*.xlsx）”（不要选“启用宏的工作簿”），提示时选择不保留宏，再重新放入。")
define("IN016", "error", "文件内部有重名的部分",
       "文件内部有两个同名的部分“{part}”，不同的程序可能读到不同的内容，为安全起见未读取。"
       "正常保存的报表不会这样；" + _RESAVE)
define("IN017", "warning", "多余的工作表中有数字",
       "工作表“{name}”不属于报表模板，其中填有数字或日期（如单元格 {at}），这些内容不会被读取。"
       "需要上报的数字请填入报表对应工作表的浅黄色单元格；不需要的请删除该工作表。")
define("IN105", "error", "公式没有计算结果",
       "{label}是公式“{formula}”，但文件中没有保存公式的计算结果，无法读取。"
       "公式没有计算结果，请在 Excel 中打开并保存，或直接填数字。")
define("IN106", "error", "公式引用了其他文件",
       "{label}是公式“{formula}”，引用了其他文件（{target}），未读取。报表交出后看不到被引用的文件，"
       "数字随时可能变化。请在 Excel 中复制此单元格，“选择性粘贴—数值”，或直接填数字。")
define("IN110", "error", "单元格是错误值",
       "{label}是错误值 {error}（{meaning}）{formula}，未读取，也不会当作空白或 0。"
       "请删除公式或错误值，直接填写{what}。")
define("IN111", "warning", "单元格是公式",
       "{label}是公式“{formula}”，已按文件中保存的计算结果 {value} 读取。报表中请直接填写数字本身，"
       "不要用公式：被引用的单元格一改，结果就会跟着变，别人也看不出数字从何而来。")
define("IN112", "error", "公式不能使用",
       "{label}是公式“{formula}”（{reason}），未读取。公式中只有对本表单元格的简单加减乘除会按结果读取；"
       "为安全起见，其他公式一律不读取。请删除公式，直接填写{what}。")


# --- Results -----------------------------------------------------------------------------------

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
    """Raised by ingest.open_workbook for a file that failed the checks."""

    def __init__(self, problems: list[Problem]):
        super().__init__(", ".join(p.rule for p in problems))
        self.problems = problems


class _Bad(Exception):
    """A zip is refused: (rule, fields)."""

    def __init__(self, rule: str, **fields):
        super().__init__(rule)
        self.rule, self.fields = rule, fields


# --- The file as a whole -----------------------------------------------------------------------

def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} 字节"


def scan_file(path: str | Path) -> Scan:
    """Check one workbook file before it is parsed; never raises."""
    path = Path(path)
    scan = Scan()
    suffix = path.suffix.lower()
    try:
        # without waiting: a FIFO put where the file was would block open() until a writer came
        with open(os.open(path, _OPEN_FLAGS), "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                return scan.refuse("IN001", reason="这不是普通文件（可能是文件夹、管道或设备）")
            if st.st_size == 0:
                return scan.refuse("IN004")
            if st.st_size > MAX_FILE_BYTES:
                return scan.refuse("IN007", size=human_size(st.st_size),
                                   limit=human_size(MAX_FILE_BYTES))
            data = fh.read()
    except OSError as exc:
        return scan.refuse("IN001", reason=f"系统无法读取此文件：{type(exc).__name__}")
    scan.data = data
    if data.startswith(_ZIP_MAGIC):
        _scan_zip(data, path.suffix, scan)
    elif data.startswith(_OLE_MAGIC):
        _scan_ole(data, path.suffix, scan)
    else:
        scan.refuse("IN001", reason=not_a_spreadsheet(path.suffix, what_it_is(data)))
    if scan.kind is not None and scan.kind != suffix:
        scan.problems.append(Problem("IN010", {"suffix": path.suffix or "无",
                                               "actual": scan.kind}))
    return scan


def not_a_spreadsheet(suffix: str, kind: str) -> str:
    """The reason in IN001 (文件无法打开, defined in pipeline.ingest) for a file of another kind."""
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


# --- OLE (compound file): .xls, or an encrypted .xlsx ------------------------------------------

def _ole_has(data: bytes, name: str) -> bool:
    """A stream name in the compound file's directory (names are UTF-16LE)."""
    return name.encode("utf-16-le") in data


_OLE_ENTRY = 128  # bytes of a directory entry; directory sectors (512 or 4096 bytes) hold 4 or 32


def _ole_entry(data: bytes, name: str) -> bool:
    """A storage or stream of that name in the compound file's directory: an entry starts with
    the name in UTF-16LE, padded to 64 bytes, then its length in bytes with the terminator."""
    encoded = name.encode("utf-16-le")
    pattern = encoded.ljust(64, b"\0") + struct.pack("<H", len(encoded) + 2)
    at = data.find(pattern)
    while at != -1:
        if at % _OLE_ENTRY == 0:  # sectors and entries are aligned from the file's start
            return True
        at = data.find(pattern, at + 1)
    return False


# The storages Excel keeps a workbook's VBA project in (an .xls saved with macros).
_OLE_VBA = ("_VBA_PROJECT_CUR", "VBA", "_VBA_PROJECT")


def _scan_ole(data: bytes, suffix: str, scan: Scan) -> None:
    """An OLE container is a legacy .xls, or an encrypted OOXML workbook (whatever its name)."""
    if _ole_has(data, "WordDocument"):
        scan.refuse("IN001", reason=not_a_spreadsheet(suffix, "Word 文档（.doc）"))
    elif _ole_has(data, "EncryptedPackage") or _ole_has(data, "EncryptionInfo"):
        scan.refuse("IN005")
    elif any(_ole_entry(data, name) for name in _OLE_VBA):
        scan.refuse("IN015", what="VBA 宏")
    elif _ole_has(data, "Workbook") or _ole_has(data, "Book"):
        scan.kind = XLS
    elif suffix.lower() in (XLSX, ODS):
        scan.refuse("IN005")  # an OOXML name on a compound file: an encrypted package
    else:
        scan.refuse("IN006", reason="文件内容无法识别")


# --- Zip: .xlsx or .ods ------------------------------------------------------------------------

# Declarations that let XML expand entities or fetch files, in the encodings XML parts use.
_DECLARATIONS = tuple(token.encode(enc) for token in ("<!DOCTYPE", "<!ENTITY")
                      for enc in ("ascii", "utf-16-le", "utf-16-be"))
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >]")
# What every _FORMULA_TAG match contains, led by a byte rare in sheet XML ("f"): re skips to it.
_FORMULA_SCREEN = re.compile(rb"f[ >](?<=[<:]f[ >])")
_CELL_REF = re.compile(rb' r="([A-Z]{1,3})([0-9]{1,7})"')
_CELL_ROWS = re.compile(rb' r="[A-Z]{1,3}([0-9]{1,7})"')
_CELL_COLUMNS = re.compile(rb' r="([A-Z]{1,3})[0-9]')
_ROW_REF = re.compile(rb'<row[^>]*? r="([0-9]{1,7})"')


def _inflate(data: bytes, info: zipfile.ZipInfo, budget: int) -> bytes:
    """A member's bytes, inflated here and counted, never trusting its declared size: more than
    declared or than `budget` is a bomb; a wrong checksum or a short stream is damage."""
    if info.flag_bits & 1:
        raise _Bad("IN006", reason=f"“{info.filename}”经过加密")
    start = info.header_offset
    if start < 0 or len(data) < start + _LOCAL_HEADER.size:
        raise _Bad("IN006", reason="压缩包目录与内容不符")
    magic, name_len, extra_len = _LOCAL_HEADER.unpack_from(data, start)
    if magic != b"PK\x03\x04":
        raise _Bad("IN006", reason="压缩包目录与内容不符")
    begin = start + _LOCAL_HEADER.size + name_len + extra_len
    compressed = data[begin:begin + info.compress_size]
    if len(compressed) < info.compress_size:
        raise _Bad("IN006", reason="文件在中途被截断")
    limit = min(info.file_size, budget)
    if info.compress_type == zipfile.ZIP_STORED:
        out = compressed
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        # one call, which zlib itself stops one byte past the limit (max_length is at least 1;
        # 0 would mean no limit)
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        out = inflater.decompress(compressed, limit + 1)
        if len(out) > limit and not inflater.eof:
            # damaged data often inflates past its size before zlib meets the damage: go on a
            # bounded 64 KB, so that damage is told as damage (zlib.error: IN006) and only a
            # sound stream that is too long as a bomb
            inflater.decompress(inflater.unconsumed_tail, _CHUNK)
    else:
        raise _Bad("IN006", reason=f"“{info.filename}”使用了不支持的压缩方式")
    if len(out) > limit:
        raise _Bad("IN008", reason=f"“{info.filename}”解压后超过声明的大小或总量上限")
    # short (the input ran out before the stream ended) or altered: the size or checksum differ
    if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
        raise _Bad("IN006", reason=f"“{info.filename}”内容校验失败")
    return out


def _declares(content: bytes) -> bool:
    """A DOCTYPE or ENTITY declaration anywhere in an XML part. Every form of both starts with
    "<!", which holds a "!" byte in each encoding: a part with no "!" at all is cleared by one
    fast byte search."""
    return b"!" in content and any(token in content for token in _DECLARATIONS)


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    """The declared sizes: too many members, too much in total, or a member that inflates far
    beyond what ordinary spreadsheet XML does."""
    if len(infos) > MAX_MEMBERS:
        raise _Bad("IN008", reason=f"压缩包内有 {len(infos)} 个文件")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise _Bad("IN008", reason=f"解压后共 {human_size(total)}，超过 {human_size(MAX_UNPACKED_BYTES)}")
    for i in infos:
        if i.file_size > RATIO_FROM_BYTES and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise _Bad("IN008", reason=f"“{i.filename}”从 {human_size(i.compress_size)} "
                                       f"解压为 {human_size(i.file_size)}")


def _zip_kind(names: set[str], members: dict[str, bytes]) -> str | None:
    mime = members.get("mimetype", b"").strip()
    if mime.startswith(_ODS_MIME):
        return ODS
    if "xl/workbook.xml" in names or any(n.endswith("/workbook.xml") for n in names):
        return XLSX
    return None


def _zip_looks_like(names: set[str], members: dict[str, bytes]) -> str:
    if any(n.startswith("word/") for n in names):
        return "Word 文档"
    if any(n.startswith("ppt/") for n in names):
        return "PowerPoint 演示文稿"
    if any(n.endswith("workbook.bin") for n in names):
        return "Excel 二进制工作簿（.xlsb）"
    if members.get("mimetype", b"").startswith(b"application/vnd.oasis.opendocument"):
        return "OpenDocument 文档（不是表格）"
    return "压缩包（zip）"


_ZIP_ERRORS = {zipfile.BadZipFile: "缺少压缩包结尾，文件在中途被截断",
               zlib.error: "压缩数据已损坏", EOFError: "文件在中途被截断"}


def _check_names(infos: list[zipfile.ZipInfo]) -> None:
    """No name twice (as Excel compares part names: ignoring case): which of the two a program
    reads is up to the program, so what was checked here need not be what anyone sees."""
    seen: set[str] = set()
    for info in infos:
        name = info.filename.lower()
        if name in seen:
            raise _Bad("IN016", part=info.filename)
        seen.add(name)


# What the content types of a macro-enabled workbook (.xlsm, .xltm, .xlam), of a VBA project
# and of an Excel 4.0 macro sheet say, lower-cased.
_MACRO_TYPES = {b"macroenabled": "启用宏的工作簿（.xlsm）", b"vbaproject": "VBA 宏",
                b"macrosheet": "Excel 4.0 宏表"}
_ODS_MACRO_DIRS = ("basic/", "scripts/")  # LibreOffice Basic modules, Python or JavaScript
_ODS_BASIC_INDEXES = ("script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml")


def _macro_member(name: str) -> str | None:
    lower = name.lower()
    if "vbaproject" in lower:
        return f"VBA 宏“{name}”"
    if "/macrosheets/" in f"/{lower}":
        return f"Excel 4.0 宏表“{name}”"
    if (lower.startswith(_ODS_MACRO_DIRS) and lower.endswith((".xml", ".py", ".js", ".bsh"))
            and posixpath.basename(lower) not in _ODS_BASIC_INDEXES):
        return f"LibreOffice 宏“{name}”"
    return None


def _macros(members: dict[str, bytes]) -> str | None:
    """What macros the zip holds (in Chinese), if any: a VBA project (by its name, its content
    type, or a VBA storage in any embedded compound file), a macro-enabled workbook or an
    Excel 4.0 macro sheet, or LibreOffice macros. Names and content types are screened with
    a few substring searches first: a workbook without macros costs little more."""
    names = "\n".join(members).lower()
    if "vbaproject" in names or "macrosheets/" in names or "basic/" in names \
            or "scripts/" in names:
        found = next(filter(None, map(_macro_member, members)), None)
        if found:
            return found
    for name, content in members.items():
        if content.startswith(_OLE_MAGIC) and any(_ole_entry(content, n) for n in _OLE_VBA):
            return f"VBA 宏“{name}”"
    types = members.get("[Content_Types].xml", b"").lower()
    if b"macro" in types or b"vbaproject" in types:
        return next((what for key, what in _MACRO_TYPES.items() if key in types), None)
    return None


def _scan_zip(data: bytes, suffix: str, scan: Scan) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
        _check_sizes(infos)
        _check_names(infos)
        budget = MAX_UNPACKED_BYTES
        members: dict[str, bytes] = {}
        for info in infos:
            content = _inflate(data, info, budget)
            budget -= len(content)
            if info.filename.lower().endswith(_XML_SUFFIXES) and _declares(content):
                raise _Bad("IN009", part=info.filename)
            members[info.filename] = content
        macros = _macros(members)
        if macros:
            raise _Bad("IN015", what=macros)
    except _Bad as bad:
        scan.refuse(bad.rule, **bad.fields)
        return
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, struct.error,
            zlib.error, OSError, NotImplementedError) as exc:
        scan.refuse("IN006", reason=_ZIP_ERRORS.get(type(exc), type(exc).__name__))
        return
    names = set(members)
    scan.kind = _zip_kind(names, members)
    if scan.kind is None:
        scan.refuse("IN001", reason=not_a_spreadsheet(suffix, _zip_looks_like(names, members)))
    elif scan.kind == XLSX:
        try:
            sheets = _scan_xlsx_parts(members, scan)
        except (ElementTree.ParseError, KeyError, ValueError) as exc:
            scan.refuse("IN006", reason=f"内部 XML 无法解析：{type(exc).__name__}")
            return
        scan.data = _stored_zip(_for_calamine(infos, members, sheets))
    else:
        content = members.get("content.xml", b"")
        if b"formula=" in content or b'"error"' in content:  # what every hit holds
            try:
                scan.formulas = _ods_formula_cells(content)
            except (ElementTree.ParseError, ValueError) as exc:
                scan.refuse("IN006", reason=f"内部 XML 无法解析：{type(exc).__name__}")


# What calamine reads of an .xlsx: the relationship parts, workbook.xml, sharedStrings.xml,
# styles.xml and the sheets (tables only when asked to load them, which ingest never does).
# All are XML parts, and sheets are named as workbook.xml.rels says, so each member named as
# XML and each sheet part is handed on; images, printer settings, embedded objects and VBA
# (binary members calamine never parses) are not.
_CALAMINE_SUFFIXES = (".xml", ".rels")
_UTF8_NAME = 0x800  # general purpose flag: the name is UTF-8, else code page 437
_STORED_LOCAL = struct.Struct("<4s5H3I2H")
_STORED_CENTRAL = struct.Struct("<4s6H3I5H2I")
_STORED_END = struct.Struct("<4s4H2IH")
_DOS_DATE = 0x21  # 1980-01-01, the first day a zip can date a member


def _for_calamine(infos: list[zipfile.ZipInfo], members: dict[str, bytes], sheets: set[str]
                  ) -> Iterator[tuple[bytes, int, bytes, int]]:
    """(name, its _UTF8_NAME flag, bytes as checked, CRC-32) of each member calamine may read
    (no name is held twice: see _check_names). The name is encoded as in the file, so it reads
    back as the same text."""
    for info in infos:
        name = info.filename
        if name in sheets or name.lower().endswith(_CALAMINE_SUFFIXES):
            content = members[name]
            # a sheet whose numbers lost their format is shorter than the member it came from
            crc = info.CRC if len(content) == info.file_size else zlib.crc32(content)
            flag = info.flag_bits & _UTF8_NAME
            yield name.encode("utf-8" if flag else "cp437"), flag, content, crc


def _stored_zip(members: Iterable[tuple[bytes, int, bytes, int]]) -> bytes:
    """A zip of (name, flag, bytes, CRC-32) members, stored without compression: what calamine
    opens instead of the file, so it reads the bytes checked here and has nothing to inflate.
    The sizes stay within zip32's: MAX_UNPACKED_BYTES in all, at most MAX_MEMBERS members, and
    names no longer than they were in the file."""
    pieces: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, flag, content, crc in members:
        size, n = len(content), len(name)
        pieces += (_STORED_LOCAL.pack(b"PK\x03\x04", 20, flag, zipfile.ZIP_STORED, 0, _DOS_DATE,
                                      crc, size, size, n, 0), name, content)
        central += (_STORED_CENTRAL.pack(b"PK\x01\x02", 20, 20, flag, zipfile.ZIP_STORED, 0,
                                         _DOS_DATE, crc, size, size, n, 0, 0, 0, 0, 0, offset),
                    name)
        offset += _STORED_LOCAL.size + n + size
    directory = b"".join(central)
    count = len(central) // 2
    pieces += (directory, _STORED_END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory),
                                           offset, 0))
    return b"".join(pieces)


# --- Inside an .xlsx: sheets, their used area and their formulas --------------------------------

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


# --- Inside an .ods: formulas and error values ---------------------------------------------------

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


# --- After opening: sheets the template does not have ------------------------------------------

def _filled(value) -> bool:
    return bool(str(value).strip())


def _number_or_date(value) -> bool:
    return (type(value) in (int, float)
            or isinstance(value, date | time | timedelta))  # datetime is a date


def extra_sheets_with_data(workbook: CalamineWorkbook, known: Iterable[str],
                           skip: Iterable[str] = ()) -> list[tuple[str, str, bool]]:
    """(sheet name, cell, hidden) of each sheet that is not one of `known` and holds data that
    would silently be ignored: a hidden sheet holding anything (its first filled cell), or a
    visible one holding a number or a date (the first such cell; text alone, such as notes,
    loses nothing). Sheets in `skip` (too large) are not read."""
    known, skip = set(known), set(skip)
    out = []
    for meta in workbook.sheets_metadata:
        if meta.name in known or meta.name in skip:
            continue
        hidden = meta.visible != SheetVisibleEnum.Visible
        holds = _filled if hidden else _number_or_date
        try:
            sheet = workbook.get_sheet_by_name(meta.name)
            end = sheet.end or (0, 0)
            if oversized(end[0] + 1, end[1] + 1):
                continue
            rows = sheet.to_python(skip_empty_area=False)
        except BaseException as exc:  # noqa: B036 - calamine's panics derive from BaseException
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            continue  # a chart sheet or an unreadable one holds no cells to lose
        cell = next((f"{get_column_letter(c + 1)}{r + 1}" for r, row in enumerate(rows)
                     for c, v in enumerate(row) if holds(v)), None)
        if cell:
            out.append((meta.name, cell, hidden))
    return out


def oversized(rows: int, cols: int) -> bool:
    """A used area too large to turn into Python lists (for formats not scanned before)."""
    return rows * cols > MAX_SHEET_CELLS
