"""The corpus of bad input: what people really put into the workbooks folder.

Each case writes its bad file(s) into a workbooks tree that already holds the clean sample (made
from the current template by pipeline.sample.demo, so the corpus follows template changes) and says
what `xxgk check` must report: the rule, the file, sheet and cell (None for the whole file or
sheet), and the exit code. tests/test_corpus.py runs the real `xxgk check` on each tree.

`python -m tests.corpus` rewrites docs/corpus.md (case → rule → message); a test fails when it
is stale.
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import threading
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import coordinate_from_string

from pipeline.core.config import Config
from pipeline.core.findings import SEVERITY_LABELS, all_rules
from pipeline.workbooks import filenames, layout, scanned
from pipeline.workbooks.template import write_workbook

DOC = Path(__file__).resolve().parent.parent / "docs" / "corpus.md"

YEAR = 2023
COMMUNITY = (YEAR, 1, "和顺社区")  # a community's workbook: grids, an empty register
OFFICE = (YEAR, 2, "街道本级")     # the office's: application 2023-001 in the first register row
APP_ROW = layout.FIRST_ROW
TEXT_FILE = f"{YEAR}/{YEAR}年年报文字.xlsx"


def rel(ident: tuple[int, int, str], suffix: str = ".xlsx") -> str:
    """A quarter workbook's path relative to the workbooks folder."""
    return filenames.quarter_path("", *ident).with_suffix(suffix).as_posix()


@dataclass(frozen=True)
class Expect:
    """The finding a case must produce (sheet and cell None: about the whole file or sheet)."""

    rule: str
    file: str
    sheet: str | None = None
    cell: str | None = None


@dataclass(frozen=True)
class Case:
    name: str
    title: str                            # what was done to the file, in Chinese (for the doc)
    write: Callable[[Config, Path], None]  # (config, workbooks folder holding the clean sample)
    expect: Expect | None                 # None: the file must read with no finding at all
    exit_code: int                        # of `xxgk check`
    touched: tuple[str, ...]              # files the case writes, replaces or removes
    same_facts: bool = False              # the file still reads exactly as the clean one
    # Rules the review of the office's report text (TEXT_FILE) raises because the case changed
    # the year's data: the sample's words say every application was answered in time.
    text_rules: tuple[str, ...] = ()


# --- Writing bad files -------------------------------------------------------------------------

def _edit(root: Path, ident, change: Callable[[openpyxl.Workbook], None]) -> None:
    """Open a sample workbook with openpyxl, change it, save it in place."""
    path = root / rel(ident)
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)


def _set(sheet: str, cell: str, value):
    def change(wb):
        wb[sheet][cell] = value
    return change


def _replace_file(ident, data: bytes | Callable[[bytes], bytes], suffix: str = ".xlsx"):
    """Replace a workbook by other bytes (or bytes made from it), under the given suffix."""
    def write(cfg, root):
        path = root / rel(ident)
        new = data(path.read_bytes()) if callable(data) else data
        path.unlink()
        (root / rel(ident, suffix)).write_bytes(new)
    return write


def _rewrite_zip(data: bytes, replace: dict[str, bytes] | None = None,
                 add: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip with some members replaced and some added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        assert set(replace) <= set(src.namelist()), "the template no longer has these parts"
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, content in add.items():
            dst.writestr(name, content)
    return out.getvalue()


def _sheet_part(sheet: str) -> str:
    """The zip member of a template sheet (openpyxl numbers them in sheet order)."""
    return f"xl/worksheets/sheet{layout.SHEETS.index(sheet) + 1}.xml"


def _junk(n: int) -> bytes:
    return random.Random(n).randbytes(n)


def _encrypted_ooxml() -> bytes:
    """What Excel writes for a workbook with an opening password: a compound (OLE) file with
    EncryptionInfo and EncryptedPackage streams, whose directory names are UTF-16LE."""
    names = b"".join(n.encode("utf-16-le").ljust(64, b"\0") + _junk(64)
                     for n in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _junk(504) + names + _junk(4096)


def _lying_sizes(data: bytes, name: str, declared: int) -> bytes:
    """Patch a member's uncompressed size in its local and central headers."""
    out = bytearray(data)
    encoded = name.encode()
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        header_len = 30 if sig == b"PK\x03\x04" else 46
        pos = out.find(sig)
        while pos != -1:
            if out[pos + header_len:pos + header_len + len(encoded)] == encoded:
                out[pos + size_at:pos + size_at + 4] = declared.to_bytes(4, "little")
            pos = out.find(sig, pos + 4)
    return bytes(out)


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE sst [\n<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">\n'
              for i in range(1, 10))
    + ']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    'uniqueCount="1"><si><t>&lol9;</t></si></sst>').encode()

EXTERNAL_ENTITY = b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'

_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _with_external_link(data: bytes, sheet: str, cell: str, cached: int) -> bytes:
    """A workbook whose formula [1]Sheet1!A1 (written by openpyxl, no result) gets a cached
    result and a real externalLink part, as Excel saves a link to another workbook."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        part = _sheet_part(sheet)
        xml = zf.read(part).decode()
        book = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
        types = zf.read("[Content_Types].xml").decode()
    xml = re.sub(rf'(<c r="{cell}"[^>]*>)<f>([^<]*)</f><v\s*/?>(</v>)?',
                 rf"\1<f>\2</f><v>{cached}</v>", xml)
    book = book.replace("</sheets>", '</sheets><externalReferences><externalReference '
                        f'xmlns:r="{_REL_TYPE}" r:id="rIdX1"/></externalReferences>')
    rels = rels.replace("</Relationships>", f'<Relationship Id="rIdX1" Type="{_REL_TYPE}/'
                        'externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>')
    types = types.replace("</Types>", '<Override PartName="/xl/externalLinks/externalLink1.xml" '
                          'ContentType="application/vnd.openxmlformats-officedocument.'
                          'spreadsheetml.externalLink+xml"/></Types>')
    link = (f'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="{_REL_TYPE}"><externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/>'
            f'</sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1">'
            f'<v>{cached}</v></cell></row></sheetData></sheetDataSet></externalBook></externalLink>')
    link_rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                 f'relationships"><Relationship Id="rId1" Type="{_REL_TYPE}/externalLinkPath" '
                 'Target="file:///D:/%E6%8A%A5%E8%A1%A8/%E5%85%B6%E4%BB%96%E5%8D%95%E4%BD%8D.xlsx" '
                 'TargetMode="External"/></Relationships>')
    return _rewrite_zip(data, replace={part: xml.encode(), "xl/workbook.xml": book.encode(),
                                       "xl/_rels/workbook.xml.rels": rels.encode(),
                                       "[Content_Types].xml": types.encode()},
                        add={"xl/externalLinks/externalLink1.xml": link.encode(),
                             "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels.encode()})


def _libreoffice(ident, fmt: str):
    """The workbook as LibreOffice saves it in another format, in place of the .xlsx."""
    def write(cfg, root):
        from tests.lo import convert

        src = root / rel(ident)
        work = root.parent / f"lo-{fmt}"
        out = convert(src, fmt, work / "out", work / "profile")
        src.unlink()
        shutil.move(out, root / rel(ident, f".{fmt}"))
    return write


def _docx_bytes() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("和顺社区第一季度政务公开情况说明")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _grid_input(cfg: Config, sheet: str) -> str:
    """The first input cell of a grid sheet."""
    grid = next(g for g in layout.grids(cfg) if g.sheet == sheet)
    return grid.inputs[0].cell


def _app_cell(key: str, row: int = APP_ROW) -> str:
    return f"{layout.APPLICATIONS.letter(key)}{row}"


def _on_grid(ident, sheet: str, value):
    def write(cfg, root):
        _edit(root, ident, _set(sheet, _grid_input(cfg, sheet), value))
    return write


def _on_register(key: str, value):
    """A value in a column of the office's application 2023-001."""
    def write(cfg, root):
        _edit(root, OFFICE, _set(layout.SHEET_APPLICATIONS, _app_cell(key), value))
    return write


def _on_register_cells(values: dict[str, object]):
    """Values in some columns of the office's application 2023-001."""
    def write(cfg, root):
        def change(wb):
            for key, value in values.items():
                wb[layout.SHEET_APPLICATIONS][_app_cell(key)] = value
        _edit(root, OFFICE, change)
    return write


def _number_rows(ident):
    """1, 2, 3 … typed down the ID column of an empty register, as officers do first."""
    def write(cfg, root):
        def change(wb):
            ws = wb[layout.SHEET_APPLICATIONS]
            for i in range(layout.APPLICATIONS.capacity):
                ws[_app_cell("app_id", APP_ROW + i)] = i + 1
        _edit(root, ident, change)
    return write


def _add_register_row(ident, row: int, values: dict[str, object]):
    def write(cfg, root):
        def change(wb):
            ws = wb[layout.SHEET_APPLICATIONS]
            for key, value in values.items():
                ws[_app_cell(key, row)] = value
        _edit(root, ident, change)
    return write


def _hidden_sheet(cfg, root):
    def change(wb):
        ws = wb.create_sheet("备用数据")
        ws["B3"] = 128
        ws["C3"] = "上季度遗留"
        ws.sheet_state = "hidden"
    _edit(root, COMMUNITY, change)


def _merge(sheet: str, cell: str, ident=COMMUNITY):
    """Merge a cell with the one below it."""
    letters, row = coordinate_from_string(cell)

    def write(cfg, root):
        _edit(root, ident, lambda wb: wb[sheet].merge_cells(f"{cell}:{letters}{row + 1}"))
    return write


def _too_large(cfg, root):
    path = root / rel(COMMUNITY)
    with path.open("r+b") as fh:  # sparse: costs no disk, and is refused before being read
        fh.truncate(2 * scanned.MAX_FILE_BYTES)


def _unknown_unit(cfg, root):
    write_workbook(cfg, root / rel((YEAR, 1, "幸福社区")), "幸福社区", YEAR, 1)


def _other_year_in_place(cfg, root):
    """Last year's Q2 workbook of a unit, copied over this year's Q2 file."""
    shutil.copy(root / rel((YEAR - 1, 2, "和顺社区")), root / rel((YEAR, 2, "和顺社区")))


def _twice(cfg, root):
    """The same unit-quarter under a second name (.XLSX: a copy saved with upper-case suffix)."""
    shutil.copy(root / rel(COMMUNITY), root / rel(COMMUNITY, ".XLSX"))


def _lock_file(cfg, root):
    (root / rel(COMMUNITY)).with_name(f"~${Path(rel(COMMUNITY)).name}").write_bytes(_junk(165))


def _external_link(cfg, root):
    cell = _grid_input(cfg, layout.SHEET_DISCLOSURE)
    _edit(root, COMMUNITY, _set(layout.SHEET_DISCLOSURE, cell, "=[1]Sheet1!A1"))
    path = root / rel(COMMUNITY)
    path.write_bytes(_with_external_link(path.read_bytes(), layout.SHEET_DISCLOSURE, cell, 7))


def _zip_change(ident, **kwargs):
    def write(cfg, root):
        path = root / rel(ident)
        path.write_bytes(_rewrite_zip(path.read_bytes(), **kwargs))
    return write


def _billion_laughs(cfg, root):
    """A shared-strings part that expands to gigabytes, wired in as Excel wires it."""
    path = root / rel(COMMUNITY)
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
        types = zf.read("[Content_Types].xml").decode()
    rels = rels.replace("</Relationships>", f'<Relationship Id="rIdS1" Type="{_REL_TYPE}/'
                        'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    types = types.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType='
                          '"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                          'sharedStrings+xml"/></Types>')
    path.write_bytes(_rewrite_zip(data, replace={"xl/_rels/workbook.xml.rels": rels.encode(),
                                                 "[Content_Types].xml": types.encode()},
                                  add={"xl/sharedStrings.xml": BILLION_LAUGHS}))


def _entity_in_sheet(cfg, root):
    path = root / rel(COMMUNITY)
    part = _sheet_part(layout.SHEET_DISCLOSURE)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part)
    body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", xml)
    path.write_bytes(_rewrite_zip(path.read_bytes(), replace={part: EXTERNAL_ENTITY + body}))


def _lying(cfg, root):
    path = root / rel(COMMUNITY)
    name = "xl/media/image2.png"
    data = _rewrite_zip(path.read_bytes(), add={name: bytes(2 * 1024 * 1024)})
    path.write_bytes(_lying_sizes(data, name, 1000))


# --- Writing bad files: formulas, macros, odd entries, extra sheets -----------------------------

def _formula_with_result(ident, sheet: str, cell: str, formula: str, result: str):
    """A formula in a cell, saved with a result as Excel saves it (openpyxl saves none); a
    result starting with # is an error value (t="e")."""
    def write(cfg, root):
        _edit(root, ident, _set(sheet, cell, formula))
        path = root / rel(ident)
        part = _sheet_part(sheet)
        with zipfile.ZipFile(path) as zf:
            xml = zf.read(part).decode()
        kind = ' t="e"' if result.startswith("#") else ""
        xml, n = re.subn(rf'(<c r="{cell}"[^>]*?)>(<f>[^<]*</f>)<v\s*/?>(?:</v>)?',
                         rf"\1{kind}>\2<v>{result}</v>", xml)
        assert n == 1, "openpyxl no longer writes formulas this way"
        path.write_bytes(_rewrite_zip(path.read_bytes(), replace={part: xml.encode()}))
    return write


def _same_value_as_formula(ident, sheet: str, cell: str):
    """The cell's number typed as a formula that adds 0 to it, saved with that result."""
    def write(cfg, root):
        value = openpyxl.load_workbook(root / rel(ident))[sheet][cell].value
        _formula_with_result(ident, sheet, cell, f"={value}+0", str(value))(cfg, root)
    return write


def _compound_file(names: list[str]) -> bytes:
    """A compound (OLE) file as an .xls is one: a 512-byte header, then a directory sector of
    128-byte entries (name in UTF-16LE padded to 64 bytes, then its length in bytes)."""
    entries = b"".join(n.encode("utf-16-le").ljust(64, b"\0") + (2 * len(n) + 2).to_bytes(2, "little")
                       + _junk(62) for n in names)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _junk(504) + entries + _junk(4096)


def _vba_in_xlsx(cfg, root):
    path = root / rel(COMMUNITY)
    with zipfile.ZipFile(path) as zf:
        types = zf.read("[Content_Types].xml").decode()
    types = types.replace("</Types>", '<Default Extension="bin" '
                          'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    path.write_bytes(_rewrite_zip(path.read_bytes(), replace={"[Content_Types].xml": types.encode()},
                                  add={"xl/vbaProject.bin": _compound_file(["Root Entry", "VBA"])}))


def _member_twice(cfg, root):
    """The sheet's part held twice: the second copy with another number in the first input."""
    path = root / rel(COMMUNITY)
    part = _sheet_part(INTERP)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: that is the case
        path.write_bytes(_rewrite_zip(path.read_bytes(), add={part: xml.replace(b"<v>0</v>",
                                                                                b"<v>9</v>", 1)}))


def _scratch_sheet(cfg, root):
    def change(wb):
        ws = wb.create_sheet("Sheet1")
        ws["B2"] = "草稿"
        ws["C5"] = 36
    _edit(root, COMMUNITY, change)


ODD_FIFO = f"{YEAR}/第1季度/{YEAR}年第1季度-和顺社区 - 副本.xlsx"
ODD_FOLDER = f"{YEAR}/第1季度/备份.xlsx"
ODD_LINK = f"{YEAR}/第2季度/旧报表.xlsx"


def _fifo(cfg, root):
    """A FIFO where a workbook would be. Something that opened it for reading would wait for a
    writer for ever: a daemon thread plays the writer (junk, again and again), so that such a
    regression ends in a wrong finding instead of a hung run. Nothing opens it: the thread
    waits, harmlessly, until the tests end."""
    path = root / ODD_FIFO
    os.mkfifo(path)

    def writer():
        while True:
            with open(path, "wb") as fh:
                fh.write(_junk(64))
    threading.Thread(target=writer, daemon=True).start()


def _chinese_numerals(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "〇一二三四五六七八九"))


def _register_date_in_chinese(cfg, root):
    """The office's received date (2023-05-08 in the sample) as 二〇二三年五月八日."""
    value = openpyxl.load_workbook(root / rel(OFFICE))[APPS][_app_cell("received")].value
    day = (f"{_chinese_numerals(str(value.year))}年{_chinese_numerals(str(value.month))}月"
           f"{_chinese_numerals(str(value.day))}日")
    assert value.month < 10 and value.day < 10, "the sample's date needs 十 now"
    _edit(root, OFFICE, _set(APPS, _app_cell("received"), day))


# --- The cases ---------------------------------------------------------------------------------

C_FILE = rel(COMMUNITY)
O_FILE = rel(OFFICE)
APPS = layout.SHEET_APPLICATIONS
DISC = layout.SHEET_DISCLOSURE
INTERP = layout.SHEET_INTERPRETATION
HEADER = layout.SHEET_HEADER


def cases(cfg: Config) -> list[Case]:
    """Every case of the corpus, built against the configuration's template."""
    disc = _grid_input(cfg, DISC)
    interp = _grid_input(cfg, INTERP)
    app = _app_cell
    return [
        # --- Not a spreadsheet, or not a whole one -------------------------------------------
        Case("text_renamed", "把文本（CSV）文件改名为 .xlsx",
             _replace_file(COMMUNITY, "单位,数量\n和顺社区,3\n".encode()),
             Expect("IN001", C_FILE), 1, (C_FILE,)),
        Case("html_as_xls", "其他系统导出的网页表格，扩展名为 .xls",
             _replace_file(COMMUNITY, "<html><body><table><tr><td>党建工作</td><td>6</td></tr>"
                           "</table></body></html>".encode(), ".xls"),
             Expect("IN001", rel(COMMUNITY, ".xls")), 1, (C_FILE, rel(COMMUNITY, ".xls"))),
        Case("word_renamed", "把 Word 文档改名为 .xlsx", _replace_file(COMMUNITY, _docx_bytes()),
             Expect("IN001", C_FILE), 1, (C_FILE,)),
        Case("empty_file", "空文件（0 字节）", _replace_file(COMMUNITY, b""),
             Expect("IN004", C_FILE), 1, (C_FILE,)),
        Case("truncated", "文件只有前一半（附件没有下载完）",
             _replace_file(COMMUNITY, lambda b: b[:len(b) // 2]), Expect("IN006", C_FILE), 1, (C_FILE,)),
        Case("corrupted_member", "文件中间有一段字节损坏",
             _replace_file(COMMUNITY, lambda b: b[:len(b) // 2] + _junk(64) + b[len(b) // 2 + 64:]),
             Expect("IN006", C_FILE), 1, (C_FILE,)),
        Case("password_protected", "设有打开密码的工作簿（加密的 OLE 容器）",
             _replace_file(COMMUNITY, _encrypted_ooxml()), Expect("IN005", C_FILE), 1, (C_FILE,)),
        Case("ole_junk_as_xlsx", "OLE 文件头加乱码，扩展名为 .xlsx",
             _replace_file(COMMUNITY, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _junk(2048)),
             Expect("IN005", C_FILE), 1, (C_FILE,)),
        Case("xls_from_libreoffice", "用 LibreOffice 另存为 .xls（应正常读取）",
             _libreoffice(COMMUNITY, "xls"), None, 0, (C_FILE, rel(COMMUNITY, ".xls")),
             same_facts=True),
        Case("ods_from_libreoffice", "用 LibreOffice 另存为 .ods（应正常读取）",
             _libreoffice(COMMUNITY, "ods"), None, 0, (C_FILE, rel(COMMUNITY, ".ods")),
             same_facts=True),
        Case("xlsx_named_xls", ".xlsx 文件被改名为 .xls（按实际格式读取）",
             _replace_file(COMMUNITY, lambda b: b, ".xls"),
             Expect("IN010", rel(COMMUNITY, ".xls")), 0, (C_FILE, rel(COMMUNITY, ".xls")),
             same_facts=True),
        Case("lock_file", "Excel 打开时留下的 ~$ 锁定文件（应忽略）", _lock_file, None, 0,
             (f"{Path(C_FILE).parent.as_posix()}/~${Path(C_FILE).name}",)),
        # --- Hostile or absurd files ------------------------------------------------------------
        Case("too_large", f"文件大于 {scanned.MAX_FILE_BYTES // 1024 // 1024} MB", _too_large,
             Expect("IN007", C_FILE), 1, (C_FILE,)),
        Case("zip_bomb_ratio", "压缩包内有一个解压后极大的成员（压缩比异常）",
             _zip_change(COMMUNITY, add={"xl/media/image1.png": bytes(32 * 1024 * 1024)}),
             Expect("IN008", C_FILE), 1, (C_FILE,)),
        Case("zip_bomb_lying_size", "压缩包成员声明的大小小于实际解压大小", _lying,
             Expect("IN008", C_FILE), 1, (C_FILE,)),
        Case("xml_bomb_shared_strings", "sharedStrings.xml 中的“十亿笑声”实体炸弹",
             _billion_laughs,
             Expect("IN009", C_FILE), 1, (C_FILE,)),
        Case("xml_external_entity_in_sheet", "工作表 XML 中声明外部实体（读取本机文件）",
             _entity_in_sheet, Expect("IN009", C_FILE), 1, (C_FILE,)),
        Case("stray_value_far_away", "在台账第 1048576 行误输入了内容",
             lambda cfg, root: _edit(root, COMMUNITY, _set(APPS, "A1048576", "x")),
             Expect("IN012", C_FILE, APPS, "A1048576"), 1, (C_FILE,)),
        Case("hidden_sheet_with_data", "增加了一张隐藏的、有数字的工作表", _hidden_sheet,
             Expect("IN011", C_FILE, "备用数据", "B3"), 0, (C_FILE,), same_facts=True),
        # --- Structure changed ------------------------------------------------------------------
        Case("missing_sheet", "删除了“政策解读”工作表",
             lambda cfg, root: _edit(root, COMMUNITY, lambda wb: wb.remove(wb[INTERP])),
             Expect("IN002", C_FILE, INTERP), 1, (C_FILE,)),
        Case("renamed_sheet", "把“主动公开”工作表改名",
             lambda cfg, root: _edit(root, COMMUNITY,
                                     lambda wb: setattr(wb[DISC], "title", f"{DISC}(1)")),
             Expect("IN002", C_FILE, DISC), 1, (C_FILE,)),
        Case("row_inserted_above_inputs", "在表头上方插入了一行",
             lambda cfg, root: _edit(root, COMMUNITY,
                                     lambda wb: wb[DISC].insert_rows(layout.HEADER_ROW)),
             Expect("IN003", C_FILE, DISC, f"A{layout.HEADER_ROW}"), 1, (C_FILE,)),
        Case("merged_over_inputs", "把两个填数单元格合并",
             _merge(INTERP, interp),
             Expect("IN107", C_FILE, INTERP, interp), 1, (C_FILE,)),
        Case("merged_register_cells", "把台账中两行的收到日期合并",
             _merge(APPS, app("received"), OFFICE),
             Expect("IN107", O_FILE, APPS, app("received")), 1, (O_FILE,)),
        # --- Cells typed wrongly ----------------------------------------------------------------
        Case("text_count", "数字格里写了“约12条”", _on_grid(COMMUNITY, DISC, "约12条"),
             Expect("IN102", C_FILE, DISC, disc), 1, (C_FILE,)),
        Case("negative_count", "数字格里填了负数", _on_grid(COMMUNITY, DISC, -3),
             Expect("IN102", C_FILE, DISC, disc), 1, (C_FILE,)),
        Case("fractional_count", "件数填了小数", _on_grid(COMMUNITY, DISC, 2.5),
             Expect("IN102", C_FILE, DISC, disc), 1, (C_FILE,)),
        Case("impossible_date", "收到日期写成 2023-02-30", _on_register("received", "2023-02-30"),
             Expect("IN103", O_FILE, APPS, app("received")), 1, (O_FILE,)),
        Case("id_number_in_date_cell", "身份证号（数字）误填进收到日期",
             _on_register("received", 110105199001011234),
             Expect("IN103", O_FILE, APPS, app("received")), 1, (O_FILE,)),
        Case("huge_negative_in_date_cell", "收到日期填了极大的负数（读取程序会崩溃的数值）",
             _on_register("received", -1e17),
             Expect("IN103", O_FILE, APPS, app("received")), 1, (O_FILE,)),
        Case("count_too_large", "件数填了超出范围的数字（读回为无穷大）",
             _on_grid(COMMUNITY, DISC, 1.7976931348623157e308),
             Expect("IN102", C_FILE, DISC, disc), 1, (C_FILE,)),
        Case("phone_number_in_count_cell", "电话号码误填进件数格",
             _on_grid(COMMUNITY, DISC, 13312345678),
             Expect("IN102", C_FILE, DISC, disc), 1, (C_FILE,)),
        Case("date_outside_year", "收到日期在上一年之前", _on_register("received", date(2020, 5, 8)),
             Expect("IN203", O_FILE, APPS, app("received")), 1, (O_FILE,),
             text_rules=("TX036",)),  # counted from 2020: answered late
        Case("answered_before_received", "答复日期早于收到日期",
             _on_register("answered", date(2023, 5, 1)),
             Expect("IN202", O_FILE, APPS, app("answered")), 1, (O_FILE,),
             text_rules=("TX036",)),  # not known whether answered in time
        Case("outcome_typed_by_hand", "办理结果手工写成“已答复”", _on_register("outcome", "已答复"),
             Expect("IN104", O_FILE, APPS, app("outcome")), 1, (O_FILE,)),
        Case("duplicate_id_conflicting", "同一编号在台账中登记两次，收到日期不同",
             _add_register_row(OFFICE, APP_ROW + 1, {
                 "app_id": "2023-001", "received": date(2023, 5, 9), "channel": "信函",
                 "applicant_class": "自然人"}),
             Expect("IN205", O_FILE, APPS, app("app_id", APP_ROW + 1)), 1, (O_FILE,)),
        Case("formula_without_result", "数字格里是程序写入的公式 =1+1（没有计算结果）",
             _on_grid(COMMUNITY, DISC, "=1+1"), Expect("IN105", C_FILE, DISC, disc), 1, (C_FILE,)),
        Case("formula_in_register_date", "台账收到日期是公式 =TODAY()（函数：不读取）",
             _on_register("received", "=TODAY()"),
             Expect("IN112", O_FILE, APPS, app("received")), 1, (O_FILE,)),
        Case("formula_other_workbook", "公式引用另一个工作簿 ='[other.xlsx]Sheet1'!A1",
             _on_grid(COMMUNITY, DISC, "='[other.xlsx]Sheet1'!A1"),
             Expect("IN106", C_FILE, DISC, disc), 1, (C_FILE,)),
        Case("external_link_part", "公式 =[1]Sheet1!A1 带外部链接和缓存值（Excel 保存的样子）",
             _external_link, Expect("IN106", C_FILE, DISC, disc), 1, (C_FILE,)),
        # --- Identity -----------------------------------------------------------------------------
        Case("same_unit_quarter_twice", "同一单位同一季度有两个文件",
             _twice, Expect("ID105", C_FILE), 1, (C_FILE, rel(COMMUNITY, ".XLSX"))),
        Case("unknown_unit", "名单以外的单位交来的报表", _unknown_unit,
             Expect("ID102", rel((YEAR, 1, "幸福社区")), HEADER, layout.HEADER_CELLS["unit"]),
             1, (rel((YEAR, 1, "幸福社区")),)),
        Case("header_disagrees_with_folder", "上一年第2季度的报表放进了今年第2季度",
             _other_year_in_place,
             Expect("ID107", rel((YEAR, 2, "和顺社区")), HEADER, layout.HEADER_CELLS["year"]), 1,
             (rel((YEAR, 2, "和顺社区")),)),
        Case("old_template_version", "旧版模板（报表版本 2023.1）",
             lambda cfg, root: _edit(root, COMMUNITY,
                                     _set(HEADER, layout.HEADER_CELLS["version"], "2023.1")),
             Expect("ID104", C_FILE, HEADER, layout.HEADER_CELLS["version"]), 1, (C_FILE,)),
        Case("header_year_unreadable", "基本信息的年度被改成“二〇二三”",
             lambda cfg, root: _edit(root, COMMUNITY,
                                     _set(HEADER, layout.HEADER_CELLS["year"], "二〇二三")),
             Expect("ID106", C_FILE, HEADER, layout.HEADER_CELLS["year"]), 1, (C_FILE,)),
        # --- Look-alike identities, impossible values, registers across units ---------------
        Case("id_zero_width_space", "申请编号中夹着零宽空格（复制粘贴带入，看不见）",
             _on_register("app_id", "2023\u200b-001"),
             Expect("IN207", O_FILE, APPS, app("app_id")), 0, (O_FILE,)),
        Case("id_fullwidth_twice", "同一申请又登记了一行，编号用全角“２０２３－００１”",
             _add_register_row(OFFICE, APP_ROW + 1, {
                 "app_id": "２０２３－００１", "received": date(2023, 5, 8), "channel": "网络平台",
                 "applicant_class": "自然人"}),
             Expect("IN205", O_FILE, APPS, app("app_id", APP_ROW + 1)), 1, (O_FILE,)),
        Case("unit_name_zero_width", "基本信息的填报单位中夹着零宽空格",
             lambda cfg, root: _edit(root, COMMUNITY,
                                     _set(HEADER, layout.HEADER_CELLS["unit"], "和顺\u200b社区")),
             Expect("ID120", C_FILE, HEADER, layout.HEADER_CELLS["unit"]), 1, (C_FILE,)),
        Case("unit_name_compat_ideograph", "填报单位的“社”是兼容汉字 U+FA4C（应正常读取）",
             lambda cfg, root: _edit(root, COMMUNITY,
                                     _set(HEADER, layout.HEADER_CELLS["unit"], "和顺\ufa4c区")),
             None, 0, (C_FILE,), same_facts=True),
        Case("same_application_two_units", "街道本级的申请 2023-001 又登记在了和顺社区的台账中",
             _add_register_row((YEAR, 2, "和顺社区"), APP_ROW, {
                 "app_id": "2023-001", "received": date(2023, 5, 8), "channel": "网络平台",
                 "applicant_class": "自然人", "answered": date(2023, 5, 22),
                 "outcome": "（四）无法提供：1.本机关不掌握相关政府信息"}),
             Expect("CS009", rel((YEAR, 2, "和顺社区")), APPS, app("app_id")), 1,
             (rel((YEAR, 2, "和顺社区")), O_FILE)),  # reported at both registers' rows
        Case("preprinted_sequence_numbers", "空台账第一列预先填好了序号 1 至 100",
             _number_rows(COMMUNITY), Expect("IN208", C_FILE, APPS, app("app_id")), 0,
             (C_FILE,)),
        Case("consult_days_absurd", "征求第三方意见天数填了 100000",
             _on_register("consult_days", 100000),
             Expect("IN209", O_FILE, APPS, app("consult_days")), 1, (O_FILE,),
             text_rules=("TX036",)),  # not known whether answered in time
        Case("fee_absurd", "信息处理费填了 1e8 元", _on_register("fee", 1e8),
             Expect("IN210", O_FILE, APPS, app("fee")), 1, (O_FILE,)),
        Case("count_impossible", "一个季度公开条数填了一千万", _on_grid(COMMUNITY, DISC, 10_000_000),
             Expect("IN304", C_FILE, DISC, disc), 1, (C_FILE,)),
        Case("count_far_too_large", "一个季度政策解读次数填了二十万", _on_grid(COMMUNITY, INTERP, 200_000),
             Expect("IN303", C_FILE, INTERP, interp), 0, (C_FILE,)),
        Case("answered_after_quarter_end", "第2季度6月20日收到的申请7月5日答复，填在第2季度报表中"
             "（应正常读取）",
             _on_register_cells({"received": date(2023, 6, 20), "answered": date(2023, 7, 5)}),
             None, 0, (O_FILE,)),
        Case("answered_in_the_future", "答复日期写成 2099-01-10（晚于今天）",
             _on_register("answered", date(2099, 1, 10)),
             Expect("CS010", O_FILE, APPS, app("answered")), 1, (O_FILE,),
             text_rules=("TX036",)),  # on 31 December it was open and past its deadline
        # --- Not a file; macros; a name twice; extra sheets; formulas and error values; dates --
        Case("fifo_in_quarter_folder", "季度文件夹中有一个命名管道（FIFO），名称像报表",
             _fifo, Expect("IN014", ODD_FIFO), 0, (ODD_FIFO,)),
        Case("folder_named_like_workbook", "季度文件夹中有一个名为“备份.xlsx”的文件夹",
             lambda cfg, root: (root / ODD_FOLDER).mkdir(), Expect("IN014", ODD_FOLDER), 0,
             (ODD_FOLDER,)),
        Case("dangling_link", "指向已删除文件的快捷方式（符号链接）",
             lambda cfg, root: (root / ODD_LINK).symlink_to(root / "已删除.xlsx"),
             Expect("IN014", ODD_LINK), 0, (ODD_LINK,)),
        Case("xlsx_with_vba_project", ".xlsx 中带有 VBA 宏（xl/vbaProject.bin）", _vba_in_xlsx,
             Expect("IN015", C_FILE), 1, (C_FILE,)),
        Case("xls_with_vba_project", ".xls 中带有 VBA 宏（_VBA_PROJECT_CUR 存储）",
             _replace_file(COMMUNITY, _compound_file(["Root Entry", "Workbook", "_VBA_PROJECT_CUR",
                                                      "VBA"]), ".xls"),
             Expect("IN015", rel(COMMUNITY, ".xls")), 1, (C_FILE, rel(COMMUNITY, ".xls"))),
        Case("zip_member_twice", "压缩包内同一工作表出现两次，内容不同", _member_twice,
             Expect("IN016", C_FILE), 1, (C_FILE,)),
        Case("numbers_in_extra_sheet", "增加了一张可见的工作表“Sheet1”，其中有数字",
             _scratch_sheet, Expect("IN017", C_FILE, "Sheet1", "C5"), 0, (C_FILE,),
             same_facts=True),
        Case("formula_error_value", "数字格是公式 =1/0，保存的结果是错误值 #DIV/0!",
             _formula_with_result(COMMUNITY, DISC, disc, "=1/0", "#DIV/0!"),
             Expect("IN110", C_FILE, DISC, disc), 1, (C_FILE,)),
        Case("typed_error_value", "数字格里是错误值 #N/A（从别处粘贴的数值）",
             _on_grid(COMMUNITY, INTERP, "#N/A"), Expect("IN110", C_FILE, INTERP, interp), 1,
             (C_FILE,)),
        Case("formula_with_result", "数字格是简单公式（如 =6+0），保存了结果（按结果读取并提示）",
             _same_value_as_formula(COMMUNITY, DISC, disc),
             Expect("IN111", C_FILE, DISC, disc), 0, (C_FILE,), same_facts=True),
        Case("formula_hyperlink", "数字格是公式 =HYPERLINK(…)，保存了结果 3",
             _formula_with_result(COMMUNITY, DISC, disc, '=HYPERLINK("http://example.com",3)', "3"),
             Expect("IN112", C_FILE, DISC, disc), 1, (C_FILE,)),
        Case("formula_dde", "数字格是 DDE 公式 =cmd|' /C calc'!A0（可启动程序）",
             _formula_with_result(COMMUNITY, DISC, disc, "=cmd|' /C calc'!A0", "0"),
             Expect("IN112", C_FILE, DISC, disc), 1, (C_FILE,)),
        Case("date_without_year", "收到日期只写了“5月8日”", _on_register("received", "5月8日"),
             Expect("IN103", O_FILE, APPS, app("received")), 1, (O_FILE,)),
        Case("date_in_chinese_numerals", "收到日期写成“二〇二三年五月八日”（应正常读取）",
             _register_date_in_chinese, None, 0, (O_FILE,)),
        Case("date_as_eight_digits", "收到日期写成数字 20230508（应正常读取）",
             _on_register("received", 20230508), None, 0, (O_FILE,)),
    ]


# --- The document ------------------------------------------------------------------------------

def render_doc(cfg: Config) -> str:
    """docs/corpus.md: every case with its rule, the rule's message and the exit code."""
    rules = {r.id: r for r in all_rules()}
    lines = [
        "# 错误输入样例库 (bad-input corpus)",
        "",
        "由 `python -m tests.corpus` 根据 tests/corpus.py 生成，请勿手工编辑。每个样例在示例报表的基础上"
        "写入一个有问题的文件，运行 `xxgk check`，应得到下表中的规则编号、消息和退出码，其他文件照常读取。",
        "规则的完整列表见 [rules.md](rules.md)。",
        "",
        "| 样例 | 内容 | 规则 | 级别 | 位置 | 用户看到的消息 | 退出码 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for case in cases(cfg):
        e = case.expect
        if e is None:
            rule, severity, where, message = "—", "—", "—", "（正常读取，没有审核结果）"
        else:
            r = rules[e.rule]
            rule, severity, message = r.id, SEVERITY_LABELS[r.severity], r.template
            where = f"{e.sheet}!{e.cell}" if e.cell else (e.sheet or "整个文件")
        message = message.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {case.name} | {case.title} | {rule} | {severity} | {where} | {message} | "
                     f"{case.exit_code} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from pipeline.core.atomic import write_text
    from pipeline.core.config import load_config

    write_text(DOC, render_doc(load_config(DOC.parent.parent / "tests" / "single_organ.toml")))
    print(f"已写入 {DOC}")
