"""The fast paths of the safety scan (pipeline.workbooks.safety), on tiny hand-made zips and sheets: one bounded inflate
call per member, the "!" test before the declaration search, the screens before the used-area
count, the formula search and the number search, and the remembered workbook parts. Each must
refuse and report what the rules say; the used-area screens are also held against the count as
its docstring defines it, on generated sheets."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import struct
import threading
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from openpyxl.utils.cell import column_index_from_string
from python_calamine import CalamineWorkbook

from pipeline.workbooks import safety, scanned, xlsxscan, zipscan
from tests.lo import convert

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


# --- Tiny files ----------------------------------------------------------------------------------

def _workbook(sheets: dict[str, str], book_extra: str = "") -> dict[str, bytes]:
    """The parts of a minimal .xlsx: sheet name -> the inside of its <sheetData>."""
    entries = "".join(f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>'
                      for n, name in enumerate(sheets, start=1))
    rels = "".join(f'<Relationship Id="rId{n}" Type="{REL}/worksheet" '
                   f'Target="worksheets/sheet{n}.xml"/>' for n in range(1, len(sheets) + 1))
    parts = {
        "_rels/.rels": f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
                       f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{entries}</sheets>'
                           f'{book_extra}</workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}">{rels}</Relationships>',
    }
    for n, rows in enumerate(sheets.values(), start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = (f'<worksheet xmlns="{MAIN}"><sheetData>{rows}'
                                                f'</sheetData></worksheet>')
    return {name: text.encode() for name, text in parts.items()}


def _write_zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            zf.writestr(name, content)
    return path


def _scan_sheets(tmp_path: Path, sheets: dict[str, str], **kw) -> scanned.Scan:
    return safety.scan_file(_write_zip(tmp_path / "a.xlsx", _workbook(sheets, **kw)))


def _raw_zip(name: str, payload: bytes, *, size: int, crc: int, method: int = 8) -> bytes:
    """A one-member zip holding `payload` as is (already deflated, or stored), declaring
    `size` and `crc` for it, whatever they really are."""
    n = name.encode()
    local = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(payload),
                        size, len(n), 0) + n + payload
    central = struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc,
                          len(payload), size, len(n), 0, 0, 0, 0, 0, 0) + n
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local), 0)
    return local + central + end


def _deflate(data: bytes, *, final: bool = True) -> bytes:
    """Raw deflate, as in a zip; without `final` the stream stops after a sync flush, with no
    last block."""
    co = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return co.compress(data) + co.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH)


def _scan_bytes(tmp_path: Path, data: bytes) -> scanned.Scan:
    path = tmp_path / "m.xlsx"
    path.write_bytes(data)
    return safety.scan_file(path)


def _rules(scan: scanned.Scan) -> list[tuple[str, dict]]:
    return [(p.rule, p.fields) for p in scan.problems]


# --- Inflating: one call, never past the limit ---------------------------------------------------

def test_a_member_inflating_beyond_its_declared_size_is_a_bomb(tmp_path):
    scan = _scan_bytes(tmp_path, _raw_zip("a.xml", _deflate(b"x" * 5000), size=1000,
                                          crc=zlib.crc32(b"x" * 1000)))
    assert scan.refused
    assert _rules(scan) == [("IN008", {"reason": "“a.xml”解压后超过声明的大小或总量上限"})]


def test_a_bomb_is_stopped_without_inflating_it(tmp_path):
    """50 MB of zeros declared as 1 KB: refused, and far less than 50 MB is ever allocated."""
    data = _raw_zip("a.xml", _deflate(bytes(50 * 1024 * 1024)), size=1024, crc=0)
    tracemalloc.start()
    try:
        scan = _scan_bytes(tmp_path, data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [p.rule for p in scan.problems] == ["IN008"]
    assert peak < 2 * 1024 * 1024


def test_damage_past_the_declared_size_is_damage_not_a_bomb(tmp_path):
    """A stream that inflates beyond its size and then breaks (an invalid block type)."""
    broken = _deflate(b"x" * 5000, final=False) + b"\xff\xff\xff"
    scan = _scan_bytes(tmp_path, _raw_zip("a.xml", broken, size=1000,
                                          crc=zlib.crc32(b"x" * 1000)))
    assert _rules(scan) == [("IN006", {"reason": "压缩数据已损坏"})]


def test_a_stream_cut_short_is_damage(tmp_path):
    content = bytes(range(256)) * 40
    cut = _deflate(content)[:-200]
    scan = _scan_bytes(tmp_path, _raw_zip("a.xml", cut, size=len(content),
                                          crc=zlib.crc32(content)))
    assert _rules(scan) == [("IN006", {"reason": "“a.xml”内容校验失败"})]


def test_a_wrong_checksum_is_damage(tmp_path):
    content = b"<a>" + b"1" * 3000 + b"</a>"
    scan = _scan_bytes(tmp_path, _raw_zip("a.xml", _deflate(content), size=len(content),
                                          crc=zlib.crc32(content) ^ 1))
    assert _rules(scan) == [("IN006", {"reason": "“a.xml”内容校验失败"})]


def test_a_stored_member_longer_than_declared_is_a_bomb(tmp_path):
    scan = _scan_bytes(tmp_path, _raw_zip("a.xml", b"y" * 2000, size=1000,
                                          crc=zlib.crc32(b"y" * 1000), method=0))
    assert [p.rule for p in scan.problems] == ["IN008"]


def test_a_member_of_exactly_its_declared_size_and_checksum_passes(tmp_path):
    """Not a workbook (so IN001), but inflated and checked without complaint."""
    content = b"<a>" + b"2" * 3000 + b"</a>"
    scan = _scan_bytes(tmp_path, _raw_zip("a.xml", _deflate(content), size=len(content),
                                          crc=zlib.crc32(content)))
    assert [p.rule for p in scan.problems] == ["IN001"]


def test_a_local_header_outside_the_file_is_damage(tmp_path):
    data = bytearray(_raw_zip("a.xml", _deflate(b"<a/>"), size=4, crc=zlib.crc32(b"<a/>")))
    central = data.index(b"PK\x01\x02")
    data[central + 42:central + 46] = (10 ** 6).to_bytes(4, "little")  # local header offset
    scan = _scan_bytes(tmp_path, bytes(data))
    assert _rules(scan) == [("IN006", {"reason": "压缩包目录与内容不符"})]


# --- Declarations: the "!" test first -------------------------------------------------------------

@pytest.mark.parametrize("text, declares", [
    ('<?xml version="1.0"?><a>1</a>', False),
    ("<!-- a comment! --><a/>", False),
    ("<a><![CDATA[x]]></a>", False),
    ("<!DOCTYPE a><a/>", True),
    ('<!ENTITY x "y"><a/>', True),
])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be"])
def test_declarations_are_found_in_each_encoding(text, declares, encoding):
    assert zipscan._declares(text.encode(encoding)) is declares


def test_a_declaration_in_a_utf16_sheet_is_refused(tmp_path):
    parts = _workbook({"S": '<row r="1"><c r="A1"><v>1</v></c></row>'})
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = ("<!DOCTYPE worksheet>" + sheet).encode("utf-16-be")
    scan = safety.scan_file(_write_zip(tmp_path / "a.xlsx", parts))
    assert _rules(scan) == [("IN009", {"part": "xl/worksheets/sheet1.xml"})]


# --- Used area: the screens, then the count ------------------------------------------------------

def _cell(ref: str, attrs: str = "") -> str:
    return f'<c r="{ref}"{attrs}><v>1</v></c>'


def test_the_screen_lets_through_no_more_than_the_limit():
    """ZZ999, the farthest cell the screens clear without counting, spans 999 × 702 cells."""
    assert 999 * 702 <= scanned.MAX_SHEET_CELLS


@pytest.mark.parametrize("rows", [
    '<row r="1">' + _cell("A1") + _cell("B1", ' s="2" t="n"') + "</row>",
    '<row r="999">' + _cell("ZZ999") + "</row>",
    '<row r="5">' + _cell("AAA5") + "</row>",            # screened, then counted: 703 × 5
    '<row r="1425">' + _cell("A1425") + "</row>",        # 1 × 1425
    '<row r="1000">' + _cell("ZZ1000") + "</row>",       # 702 × 1000 = 702,000
    '<row r="9"><c r="a9"/><c r=""/><c r="9"/></row>',   # odd references, few cells
    "<row><c><v>1</v></c><c t=\"n\"><v>2</v></c></row>",  # two cells without r
])
def test_sheets_within_the_limit_are_read(tmp_path, rows):
    scan = _scan_sheets(tmp_path, {"S": rows})
    assert not scan.refused and scan.oversized == {}


@pytest.mark.parametrize("rows, far", [
    ('<row r="1048576">' + _cell("A1048576") + "</row>", "A1048576"),
    ('<row r="3">' + _cell("XFD3") + "</row>" + '<row r="70">' + _cell("B70") + "</row>",
     "XFD3"),
    ('<row r="5">' + _cell("AAA5") + "</row>" + '<row r="1425">' + _cell("A1425") + "</row>",
     "AAA5"),                                           # 703 × 1425, just over the limit
    ('<row r="900"><c s="1" r="XFD900"><v>1</v></c></row>', "XFD900"),  # r not first
    (f'<row r="2"><x:c xmlns:x="{MAIN}" r="XFD1048576"><x:v>1</x:v></x:c></row>',
     "XFD1048576"),                                     # a prefixed cell
])
def test_sheets_beyond_the_limit_are_not_read(tmp_path, rows, far):
    scan = _scan_sheets(tmp_path, {"S": rows})
    assert not scan.refused
    assert scan.oversized["S"][0] == far


@pytest.mark.parametrize("cell", ["<c><v>1</v></c>", '<c t="n"><v>1</v></c>',
                                  '<c r="5"><v>1</v></c>'])  # r without a column: no cell name
def test_cells_without_r_are_counted_one_after_another(tmp_path, cell):
    """1002 unnamed cells in one row and 1000 rows: 1002 columns × 1000 rows."""
    rows = "<row>" + cell * 1002 + "</row>" + "<row/>" * 999
    scan = _scan_sheets(tmp_path, {"S": rows})
    assert scan.oversized["S"][1:] == (1000, 1002)


def _area_by_definition(xml: bytes) -> bool:
    """Whether a sheet's used area passes MAX_SHEET_CELLS, counted as _used_area's docstring
    says, with no screen: cells by their r="B7", cells without one one after another."""
    named = re.findall(rb' r="[A-Z]{1,3}([0-9]{1,7})"', xml)
    rows = max((int(r) for r in named), default=0)
    cols = max((column_index_from_string(c.decode())
                for c in re.findall(rb' r="([A-Z]{1,3})[0-9]', xml)), default=0)
    unnamed = xml.count(b"<c>") + xml.count(b"<c ") - len(named)
    if unnamed > 0:
        cols = max(cols, unnamed)
        rows = max([rows, xml.count(b"<row"),
                    *(int(r) for r in re.findall(rb'<row[^>]*? r="([0-9]{1,7})"', xml))])
    return rows * cols > scanned.MAX_SHEET_CELLS


# mostly references the screens let through (at most ZZ999), some just beyond, some odd
_REFS = hs.one_of(
    hs.tuples(hs.sampled_from(["A", "Z", "AA", "ZZ"]),
              hs.sampled_from(["1", "9", "99", "999"])).map("".join),
    hs.tuples(hs.sampled_from(["", "A", "ZZ", "AAA", "XFD", "a"]),
              hs.sampled_from(["", "1", "999", "1000", "1425", "0999", "1048576",
                               "12345678"])).map("".join))


@hs.composite
def _cell_xml(draw) -> str:
    attrs = draw(hs.sampled_from(["", ' s="1"', ' t="n"']))
    ref = draw(hs.sampled_from(["none", "first", "second"]))
    if ref != "none":
        r = f' r="{draw(_REFS)}"'
        attrs = r + attrs if ref == "first" else attrs + r
    tag = draw(hs.sampled_from(["c", "c", "x:c"]))
    return f"<{tag}{attrs}><v>1</v></{tag}>"


@hs.composite
def _sheet_xml(draw) -> bytes:
    """A few rows of a few cells, some rows padded with one cell repeated (wide rows), then
    maybe many empty rows (tall sheets)."""
    rows = []
    for _ in range(draw(hs.integers(1, 4))):
        cells = draw(hs.lists(_cell_xml(), min_size=1, max_size=3))
        cells.append(draw(_cell_xml()) * draw(hs.sampled_from([0, 0, 700, 1100])))
        row_r = draw(hs.sampled_from(["", ' r="7"', ' r="999"', ' r="1000"', ' r="1048576"']))
        rows.append(f"<row{row_r}>{''.join(cells)}</row>")
    rows.append("<row/>" * draw(hs.sampled_from([0, 998, 1500])))
    return f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(rows)}</sheetData></worksheet>'.encode()


@settings(max_examples=300, deadline=None)
@given(xml=_sheet_xml())
def test_the_screened_count_agrees_with_the_definition(xml):
    assert (xlsxscan._used_area(xml) is not None) is _area_by_definition(xml)


# --- Formulas and impossible dates: the rare-byte searches first -----------------------------------

@settings(max_examples=300, deadline=None)
@given(text=hs.text(hs.sampled_from(list("<>:/ fvx\"=0123456789.-eE+#")), max_size=40))
def test_the_screens_find_whatever_the_full_searches_find(text):
    xml = text.encode()
    if xlsxscan._FORMULA_TAG.search(xml):
        assert xlsxscan._FORMULA_SCREEN.search(xml)
    if xlsxscan._SUSPECT_NUMBER.search(xml):
        assert xlsxscan._SUSPECT_SCREEN.search(xml)
    if xlsxscan._SUSPECT_SCREEN.search(xml) or re.search(rb"<(\w+:)?v>#", xml):
        assert xlsxscan._VALUE_SCREEN.search(xml)  # the single pass for both kinds of value


@pytest.mark.parametrize("formula", [
    "<f>SUM(A1:A2)</f>",
    f'<x:f xmlns:x="{MAIN}">A1+1</x:f>',
    '<f t="shared" ref="B2:B3" si="0">A2</f>',
])
def test_formulas_without_a_result_are_found(tmp_path, formula):
    scan = _scan_sheets(tmp_path, {"S": f'<row r="2"><c r="B2">{formula}</c></row>'})
    assert list(scan.formulas["S"]) == ["B2"]


def test_text_that_looks_like_a_formula_tag_is_not_a_formula(tmp_path):
    rows = ('<row r="2"><c r="B2" t="inlineStr"><is><t>of the f&gt; x:f </t></is></c>'
            '<c r="C2"><f>A1</f><v>3</v></c></row>')
    scan = _scan_sheets(tmp_path, {"S": rows})
    assert list(scan.formulas["S"]) == ["C2"]  # the real formula, with its saved result
    assert scan.formulas["S"]["C2"].usable


def test_a_sheet_without_formulas_or_error_values_has_none(tmp_path):
    rows = '<row r="2"><c r="B2" t="s"><v>0</v></c><c r="C2" t="n"><v>3</v></c></row>'
    assert _scan_sheets(tmp_path, {"S": rows}).formulas == {}


@pytest.mark.parametrize("value", ["-5", "12345678", "1.5E+20", "2e7"])
def test_a_number_no_date_can_show_loses_its_style(tmp_path, value):
    path = _write_zip(tmp_path / "a.xlsx", _workbook(
        {"S": f'<row r="2"><c r="B2" s="1"><v>{value}</v></c><c r="C2" s="1"><v>45000</v></c></row>'}))
    scan = safety.scan_file(path)
    with zipfile.ZipFile(path) as original:
        assert b'<c r="B2" s="1">' in original.read("xl/worksheets/sheet1.xml")
    with zipfile.ZipFile(io.BytesIO(scan.data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    assert f'<c r="B2"><v>{value}</v>'.encode() in sheet
    assert b'<c r="C2" s="1"><v>45000</v>' in sheet


def test_a_file_with_only_possible_dates_is_opened_as_it_is(tmp_path):
    path = _write_zip(tmp_path / "a.xlsx", _workbook(
        {"S": '<row r="2"><c r="B2" s="1"><v>45000</v></c><c r="C2" s="1"><v>0.5</v></c></row>'}))
    assert _handed_on(safety.scan_file(path)) == _inflated(path)


def test_a_number_that_lost_its_style_is_read_as_typed(tmp_path):
    """The changed sheet is handed on with its own checksum, and calamine reads it."""
    path = _write_zip(tmp_path / "a.xlsx", _workbook(
        {"S": '<row r="1"><c r="A1" s="1"><v>-5</v></c><c r="B1"><v>7</v></c></row>'}))
    data = safety.scan_file(path).data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
    assert CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("S").to_python() \
        == [[-5.0, 7.0]]


# --- What calamine opens: the members checked here, stored -----------------------------------------

def _inflated(path: Path) -> dict[str, bytes]:
    """Every member of a zip as Python's zipfile inflates it."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _handed_on(scan: scanned.Scan) -> dict[str, bytes]:
    """The members of the zip a scan hands to calamine; each must be stored, not compressed,
    with a checksum that matches."""
    with zipfile.ZipFile(io.BytesIO(scan.data)) as zf:
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
        assert zf.testzip() is None
        return {name: zf.read(name) for name in zf.namelist()}


def _cells(workbook: CalamineWorkbook) -> dict[str, tuple]:
    """Everything ingest reads of a workbook: each sheet's visibility, values and merges."""
    out = {}
    for meta in workbook.sheets_metadata:
        sheet = workbook.get_sheet_by_name(meta.name)
        out[meta.name] = (meta.visible, sheet.to_python(skip_empty_area=False),
                          sheet.merged_cell_ranges)
    return out


def _same_cells_both_ways(path: Path) -> dict[str, tuple]:
    """The cells of a workbook read from the file, after checking they are what calamine reads
    of the zip the scan hands on."""
    scan = safety.scan_file(path)
    assert not scan.refused and scan.kind == scanned.XLSX
    original = _cells(CalamineWorkbook.from_path(str(path)))
    assert _cells(CalamineWorkbook.from_filelike(io.BytesIO(scan.take_data()))) == original
    return original


_PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def test_the_xml_members_are_handed_on_exactly_as_checked_and_binaries_are_not(tmp_path):
    parts = _workbook({"S": '<row r="1"><c r="A1"><v>1</v></c></row>'})
    parts |= {"[Content_Types].xml": b"<Types/>", "docProps/core.xml": b"<coreProperties/>",
              "xl/media/image1.png": _PNG, "xl/printerSettings/printerSettings1.bin": bytes(999),
              "xl/drawings/vmlDrawing1.vml": b"<xml/>"}
    path = _write_zip(tmp_path / "a.xlsx", parts)
    handed = _handed_on(safety.scan_file(path))
    assert handed == {name: content for name, content in parts.items()
                      if name.endswith((".xml", ".rels"))}


def test_a_sheet_not_named_as_xml_is_handed_on(tmp_path):
    parts = _workbook({"S": '<row r="1"><c r="A1"><v>3</v></c></row>'})
    parts["xl/worksheets/data.bin"] = parts.pop("xl/worksheets/sheet1.xml")
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"sheet1.xml", b"data.bin")
    path = _write_zip(tmp_path / "a.xlsx", parts)
    assert _handed_on(safety.scan_file(path))["xl/worksheets/data.bin"] == \
        parts["xl/worksheets/data.bin"]
    assert _same_cells_both_ways(path)["S"][1] == [[3.0]]


def test_a_name_in_code_page_437_reads_back_as_the_same_name(tmp_path):
    """A member name without the UTF-8 flag keeps its bytes, so calamine finds the sheet the
    relationships name, as it does in the file."""
    parts = _workbook({"S": '<row r="1"><c r="A1"><v>4</v></c></row>'})
    parts["xl/worksheets/sheetX.xml"] = parts.pop("xl/worksheets/sheet1.xml")
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"sheet1.xml", "sheetü.xml".encode())
    # zipfile writes ASCII names unflagged; "\x81" is "ü" in code page 437
    path = tmp_path / "a.xlsx"
    path.write_bytes(_write_zip(tmp_path / "w.xlsx", parts).read_bytes().replace(
        b"sheetX.xml", b"sheet\x81.xml"))
    scan = safety.scan_file(path)
    assert b"xl/worksheets/sheet\x81.xml" in scan.data
    assert "xl/worksheets/sheetü.xml" in _handed_on(scan)
    assert _same_cells_both_ways(path)["S"][1] == [[4.0]]


@pytest.mark.parametrize("second", ["xl/worksheets/sheet1.xml", "XL/Worksheets/Sheet1.xml"])
def test_a_zip_holding_a_name_twice_is_refused(tmp_path, second):
    """Which of the two a program reads is up to the program (Excel compares part names
    ignoring case): what was checked need not be what is read, so neither is."""
    parts = _workbook({"S": '<row r="1"><c r="A1"><v>1</v></c></row>'})
    path = _write_zip(tmp_path / "a.xlsx", parts)
    other = parts["xl/worksheets/sheet1.xml"].replace(b"<v>1</v>", b"<v>9</v>")
    warns = (pytest.warns(UserWarning, match="Duplicate name") if second in parts
             else contextlib.nullcontext())  # zipfile warns of the same name only
    with warns, zipfile.ZipFile(path, "a") as zf:
        zf.writestr(second, other)
    scan = safety.scan_file(path)
    assert scan.refused and scan.data is None
    assert _rules(scan) == [("IN016", {"part": second})]


def test_a_member_inflating_past_its_declared_size_is_not_handed_on(tmp_path):
    scan = _scan_bytes(tmp_path, _raw_zip("xl/workbook.xml", _deflate(b"<a/>" * 2000),
                                          size=4, crc=zlib.crc32(b"<a/>")))
    assert scan.refused and scan.data is None
    with pytest.raises(ValueError):
        scan.take_data()


def test_the_scan_lets_go_of_the_bytes_it_hands_on(tmp_path):
    scan = safety.scan_file(_write_zip(tmp_path / "a.xlsx", _workbook({"S": ""})))
    data = scan.data
    assert scan.take_data() is data and scan.data is None
    with pytest.raises(ValueError):
        scan.take_data()


def test_the_sample_workbooks_read_the_same_through_the_handoff(repo_root):
    paths = sorted((repo_root / "workbooks" / "团结大街街道").rglob("*.xlsx"))
    assert len(paths) >= 30
    for path in paths:
        assert _same_cells_both_ways(path)


def test_a_workbook_saved_by_libreoffice_reads_the_same_through_the_handoff(repo_root, config,
                                                                            tmp_path):
    """LibreOffice writes shared strings, which openpyxl's sample workbooks do not have."""
    src = repo_root / "workbooks" / "团结大街街道" / "2023" / "第1季度" / "2023年第1季度-明德社区.xlsx"
    shutil.copy(src, tmp_path / "src.xlsx")
    saved = convert(tmp_path / "src.xlsx", "xlsx:Calc MS Excel 2007 XML", tmp_path / "out",
                    tmp_path / "profile")
    with zipfile.ZipFile(saved) as zf:
        assert "xl/sharedStrings.xml" in zf.namelist()
    cells = _same_cells_both_ways(saved)
    assert cells["填表说明"][1][0][0].startswith(config.organ.name)  # a shared string


# --- Remembered workbook parts ---------------------------------------------------------------------

def test_workbooks_read_one_after_another_keep_their_own_sheet_names(tmp_path):
    far = '<row r="1048576">' + _cell("A1048576") + "</row>"
    first = _scan_sheets(tmp_path, {"甲": "", "乙": far})
    second = _scan_sheets(tmp_path, {"丙": far, "丁": ""})
    again = _scan_sheets(tmp_path, {"甲": "", "乙": far})
    assert list(first.oversized) == list(again.oversized) == ["乙"]
    assert list(second.oversized) == ["丙"]


def test_a_large_workbook_part_is_read_all_the_same(tmp_path):
    names = "".join(f'<definedName name="n{i}">S!$A${i}</definedName>' for i in range(3000))
    extra = f"<definedNames>{names}</definedNames>"
    assert len(_workbook({"S": ""}, book_extra=extra)["xl/workbook.xml"]) > xlsxscan._MEMO_BYTES
    scan = _scan_sheets(tmp_path, {"S": '<row r="2"><c r="B2"><f>A1</f></c></row>'},
                        book_extra=extra)
    assert list(scan.formulas) == ["S"]


def test_an_external_link_is_named_after_its_target(tmp_path):
    parts = _workbook({"S": '<row r="2"><c r="B2"><f>[1]Sheet1!A1</f><v>7</v></c></row>'},
                      book_extra='<externalReferences><externalReference r:id="rIdX"/>'
                                 "</externalReferences>")
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdX" Type="{REL}/externalLink" '
                             'Target="externalLinks/externalLink1.xml"/></Relationships>'.encode())
    parts["xl/externalLinks/externalLink1.xml"] = f'<externalLink xmlns="{MAIN}"/>'.encode()
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/externalLinkPath" '
        'Target="file:///D:/%E6%8A%A5%E8%A1%A8/other.xlsx" TargetMode="External"/>'
        "</Relationships>").encode()
    scan = safety.scan_file(_write_zip(tmp_path / "a.xlsx", parts))
    assert scan.formulas["S"]["B2"].external == "other.xlsx"


# --- Macros: refused before calamine opens the file -----------------------------------------------

_XLSM_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_VBA_TYPE = "application/vnd.ms-office.vbaProject"


def _content_types(*extra: str) -> bytes:
    return ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(extra) + "</Types>").encode()


def _compound(names: list[str]) -> bytes:
    """A compound (OLE) file's bytes as the scan sees them: the 512-byte header, then one
    directory sector of 128-byte entries (name in UTF-16LE padded to 64 bytes, its length in
    bytes with the terminator, then the rest of the entry)."""
    entries = b"".join(n.encode("utf-16-le").ljust(64, b"\0")
                       + struct.pack("<H", 2 * len(n) + 2) + bytes(62) for n in names)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + entries.ljust(512, b"\0")


def _macro_workbook(**extra: bytes) -> dict[str, bytes]:
    parts = _workbook({"S": '<row r="1"><c r="A1"><v>1</v></c></row>'})
    parts["[Content_Types].xml"] = _content_types()
    parts.update(extra)
    return parts


@pytest.mark.parametrize("parts, what", [
    (_macro_workbook(**{"xl/vbaProject.bin": _compound(["Root Entry", "VBA"])}),
     "VBA 宏“xl/vbaProject.bin”"),
    (_macro_workbook(**{"xl/media/vbaproject2.bin": b"anything"}),
     "VBA 宏“xl/media/vbaproject2.bin”"),
    # a binary part under another name, declared as a VBA project by its extension's type
    (_macro_workbook(**{"[Content_Types].xml": _content_types(
        f'<Default Extension="bin" ContentType="{_VBA_TYPE}"/>'), "xl/x.bin": b"\0" * 64}),
     "VBA 宏"),
    (_macro_workbook(**{"[Content_Types].xml": _content_types(
        f'<Override PartName="/xl/workbook.xml" ContentType="{_XLSM_TYPE}"/>')}),
     "启用宏的工作簿（.xlsm）"),
    (_macro_workbook(**{"xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"}),
     "Excel 4.0 宏表“xl/macrosheets/sheet1.xml”"),
    # an embedded object (any name) holding a VBA project
    (_macro_workbook(**{"xl/embeddings/oleObject1.bin": _compound(
        ["Root Entry", "Macros", "_VBA_PROJECT_CUR"])}),
     "VBA 宏“xl/embeddings/oleObject1.bin”"),
])
def test_an_xlsx_holding_macros_is_refused(tmp_path, parts, what):
    scan = safety.scan_file(_write_zip(tmp_path / "a.xlsx", parts))
    assert _rules(scan) == [("IN015", {"what": what})]
    assert scan.refused and scan.data is None and scan.formulas == {}


def test_an_ods_holding_basic_macros_is_refused(tmp_path):
    parts = {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
             "content.xml": b"<office:document-content/>",
             "Basic/script-lc.xml": b"<library:libraries/>",
             "Basic/Standard/Module1.xml": b"<script:module>Sub Main</script:module>"}
    scan = safety.scan_file(_write_zip(tmp_path / "a.ods", parts))
    assert _rules(scan) == [("IN015", {"what": "LibreOffice 宏“Basic/Standard/Module1.xml”"})]


def test_a_workbook_without_macros_is_not_refused_for_them(tmp_path):
    parts = _macro_workbook(**{"xl/embeddings/oleObject1.bin": _compound(["Root Entry", "Book"])})
    scan = safety.scan_file(_write_zip(tmp_path / "a.xlsx", parts))
    assert not scan.refused and scan.kind == scanned.XLSX


@pytest.mark.parametrize("storage", ["_VBA_PROJECT_CUR", "VBA"])
def test_an_xls_holding_a_vba_project_is_refused(tmp_path, storage):
    data = _compound(["Root Entry", "Workbook", storage])
    assert _rules(_scan_bytes(tmp_path, data)) == [("IN015", {"what": "VBA 宏"})]


def test_vba_in_a_cell_of_an_xls_is_not_a_vba_project(tmp_path):
    """The name must be a directory entry (aligned, padded, with its length), not any text."""
    text = "VBA".encode("utf-16-le") + bytes(61) + struct.pack("<H", 8)
    data = _compound(["Root Entry", "Workbook"]) + b"\0" * 3 + text + bytes(128)
    scan = _scan_bytes(tmp_path, data)
    assert not scan.refused and scan.kind == scanned.XLS


# --- Formulas and error values ---------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "B4+C4", "SUM(B4:B9)", "sum(B4:B9, 3)", "($B$4+2)*3/4-1.5E2", "-B4", "10/.5", "12", "B4 - C4",
])
def test_plain_arithmetic_over_the_sheet_is_usable(tmp_path, text):
    scan = _scan_sheets(tmp_path, {"S": f'<row r="2"><c r="B2"><f>{text}</f><v>3</v></c></row>'})
    formula = scan.formulas["S"]["B2"]
    assert (formula.text, formula.reason, formula.usable) == (f"={text}", None, True)


@pytest.mark.parametrize("text, reason", [
    ("cmd|' /C calc'!A0", "会启动其他程序（DDE 链接），可被用来攻击电脑"),
    ("msexcel|'\\..\\..\\Windows\\System32\\cmd.exe /c calc'!''", "会启动其他程序（DDE 链接），可被用来攻击电脑"),
    ('HYPERLINK("http://example.com/?"&amp;B4,3)', "使用了函数 HYPERLINK"),
    ('_xlfn.WEBSERVICE("http://example.com")', "使用了函数 WEBSERVICE"),
    ('INDIRECT("B4")+1', "使用了函数 INDIRECT"),
    ('CALL("kernel32","WinExec","JCJ","calc",0)', "使用了函数 CALL"),
    ('REGISTER("a")+EXEC("calc")+TODAY()+NOW()', "使用了函数 REGISTER、EXEC、TODAY等"),
    ("SUM(B4:B9)+ROUND(B4,0)", "使用了函数 ROUND"),
    ("Sheet2!B4+1", "引用了其他工作表"),
    ("总数*2", "不是对本表单元格的简单加减乘除"),
    ("B4%", "不是对本表单元格的简单加减乘除"),
    ("1" * 60 + "x", "不是对本表单元格的简单加减乘除"),  # refused at once, not by backtracking
])
def test_any_other_formula_is_not_usable_and_says_why(tmp_path, text, reason):
    scan = _scan_sheets(tmp_path, {"S": f'<row r="2"><c r="B2"><f>{text}</f><v>3</v></c></row>'})
    formula = scan.formulas["S"]["B2"]
    assert formula.reason == reason and not formula.usable


def test_a_shared_formula_is_judged_by_its_first_cell(tmp_path):
    rows = ('<row r="2"><c r="B2"><f t="shared" ref="B2:B3" si="0">A2*2</f><v>2</v></c></row>'
            '<row r="3"><c r="B3"><f t="shared" si="0"/><v>4</v></c></row>'
            '<row r="4"><c r="B4"><f t="shared" ref="B4:B5" si="1">INDIRECT(A4)</f><v>1</v></c>'
            '</row><row r="5"><c r="B5"><f t="shared" si="1"/><v>1</v></c></row>')
    found = _scan_sheets(tmp_path, {"S": rows}).formulas["S"]
    assert [found[c].usable for c in ("B2", "B3", "B4", "B5")] == [True, True, False, False]
    assert str(found["B3"]) == "（共享公式）"
    assert found["B5"].reason == "使用了函数 INDIRECT"


def test_error_values_are_found_with_and_without_a_formula(tmp_path):
    rows = ('<row r="2"><c r="B2" t="e"><f>A1/0</f><v>#DIV/0!</v></c>'
            '<c r="C2" t="e"><v>#N/A</v></c><c r="D2" t="str"><f>A1</f><v>#text</v></c></row>')
    found = _scan_sheets(tmp_path, {"S": rows}).formulas["S"]
    assert (found["B2"].text, found["B2"].error, found["B2"].reason) == ("=A1/0", "#DIV/0!", None)
    assert (found["C2"].text, found["C2"].error, str(found["C2"])) == ("", "#N/A", "#N/A")
    assert not found["B2"].usable and not found["C2"].usable
    assert found["D2"].error is None and found["D2"].usable  # text that starts with #


def test_an_error_value_alone_is_found_by_the_value_screen(tmp_path):
    """No formula in the sheet: only the screen for values finds the error."""
    scan = _scan_sheets(tmp_path, {"S": '<row r="2"><c r="B2" t="e"><v>#REF!</v></c></row>'})
    assert scan.formulas["S"]["B2"].error == "#REF!"


def test_a_usable_formula_takes_the_value_calamine_reads(tmp_path):
    scan = _scan_sheets(tmp_path, {"S": '<row r="2"><c r="B2"><f>1+2</f><v>3</v></c>'
                                        '<c r="C2"><f>1+2</f></c></row>'})
    assert scan.formulas["S"]["B2"].reading(3.0).value == 3.0
    unsaved = scan.formulas["S"]["C2"]
    assert not unsaved.cached and unsaved.reading(7.0) is unsaved


# --- Files that are not regular files ---------------------------------------------------------------

def _in_time(fn, seconds: float = 30):
    """fn() in a daemon thread: a call that blocks (a FIFO opened for reading waits for a
    writer) fails the test instead of hanging it."""
    done: list = []
    thread = threading.Thread(target=lambda: done.append(fn()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert done, f"still waiting after {seconds} s"
    return done[0]


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "a.xlsx"
    os.mkfifo(fifo)
    scan = _in_time(lambda: safety.scan_file(fifo))
    assert _rules(scan) == [("IN001", {"reason": "这不是普通文件（可能是文件夹、管道或设备）"})]


def test_a_folder_named_like_a_workbook_is_refused(tmp_path):
    (tmp_path / "a.xlsx").mkdir()
    scan = safety.scan_file(tmp_path / "a.xlsx")
    assert scan.refused and [p.rule for p in scan.problems] == ["IN001"]


# --- Formulas and error values in an .ods (content.xml) ---------------------------------------------

_ODS_CONTENT = (
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0">'
    '<office:body><office:spreadsheet><table:table table:name="S">'
    '<table:table-header-rows><table:table-row><table:table-cell/></table:table-row>'
    '</table:table-header-rows>'
    '<table:table-row table:number-rows-repeated="2"><table:table-cell '
    'table:number-columns-repeated="2"/><table:covered-table-cell/>'
    '<table:table-cell table:formula="of:=[.A1]+1" office:value-type="float" office:value="1"/>'
    '</table:table-row>'
    '<table:table-row><table:table-cell table:formula="of:=SUM([.B2:.B3];2)" '
    'office:value-type="float" office:value="2"/>'
    '<table:table-cell table:formula="of:=1/0" office:value-type="string" '
    'calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>'
    '<table:table-cell table:formula="of:=[$Sheet2.A1]"/>'
    """<table:table-cell table:formula="of:=['file:///D:/%E6%8A%A5%E8%A1%A8/a.ods'#$Sheet1.A1]" """
    'office:value-type="float" office:value="7"/>'
    '<table:table-cell table:formula="of:=DDE(&quot;soffice&quot;;&quot;x&quot;;&quot;A1&quot;)" '
    'office:value-type="float" office:value="0"/>'
    '</table:table-row></table:table>'
    '<table:table table:name="T"><table:table-row><table:table-cell/></table:table-row>'
    '</table:table></office:spreadsheet></office:body></office:document-content>')


def test_formulas_and_error_values_of_an_ods_are_found_at_their_cells(tmp_path):
    parts = {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
             "content.xml": _ODS_CONTENT.encode()}
    scan = safety.scan_file(_write_zip(tmp_path / "a.ods", parts))
    assert not scan.refused and list(scan.formulas) == ["S"]  # T holds none
    found = scan.formulas["S"]
    assert {cell: str(f) for cell, f in found.items()} == {
        "D2": "=A1+1", "D3": "=A1+1",  # a row written once for two
        "A4": "=SUM(B2:B3,2)", "B4": "=1/0", "C4": "=Sheet2!A1",
        "D4": "=[a.ods]Sheet1!A1", "E4": '=DDE("soffice","x","A1")'}
    assert found["D2"].usable and found["A4"].usable
    assert found["B4"].error == "#DIV/0!"
    assert (found["C4"].reason, found["C4"].cached) == ("引用了其他工作表", False)
    assert found["D4"].external == "a.ods"
    assert found["E4"].reason == "会启动其他程序（DDE 链接），可被用来攻击电脑"
