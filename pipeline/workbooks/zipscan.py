"""Inside a zip (.xlsx, .ods): every member inflated within limits and checked for declared
entities, macros and repeated names, then the checked bytes put back into a stored zip for
calamine."""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from xml.etree import ElementTree

from pipeline.workbooks.odsscan import _ods_formula_cells
from pipeline.workbooks.olescan import _OLE_VBA, _ole_entry
from pipeline.workbooks.scanned import (
    _CHUNK,
    _ODS_MIME,
    _OLE_MAGIC,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_UNPACKED_BYTES,
    ODS,
    RATIO_FROM_BYTES,
    XLSX,
    Scan,
    _Bad,
    human_size,
    not_a_spreadsheet,
)
from pipeline.workbooks.xlsxscan import _scan_xlsx_parts

# Declarations that let XML expand entities or fetch files, in the encodings XML parts use.
_DECLARATIONS = tuple(token.encode(enc) for token in ("<!DOCTYPE", "<!ENTITY")
                      for enc in ("ascii", "utf-16-le", "utf-16-be"))


_XML_SUFFIXES = (".xml", ".rels", ".vml")


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


# a zip's local file header: signature, 22 bytes we do not need, then name and extra lengths
_LOCAL_HEADER = struct.Struct("<4s22xHH")
