"""The Word report: GB/T 9704 layout, East Asian fonts, the three tables cell by cell, the text
with the seed's facts, the draft mark, a real PDF conversion and byte-for-byte repeatability."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import UTC, datetime

import docx
import pytest
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from pipeline import store
from pipeline.core import statutory
from pipeline.report import model as report_model
from pipeline.report.word import write_docx
from tests import seed_tables
from tests.lo import convert


@pytest.fixture
def document(model, tmp_path):
    return docx.Document(write_docx(tmp_path / "r.docx", model))


def unique_cells(row):
    """The cells of a row as printed: a merged cell once."""
    out, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell)
    return out


def texts(row):
    return [c.text for c in unique_cells(row)]


def body_text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


# --- page and fonts --------------------------------------------------------------------------

def test_a4_page_with_official_margins(document):
    s = document.sections[0]
    assert abs(s.page_width.mm - 210) < 0.5 and abs(s.page_height.mm - 297) < 0.5
    for got, want in ((s.top_margin, 37), (s.bottom_margin, 35), (s.left_margin, 28),
                      (s.right_margin, 26)):
        assert abs(got.mm - want) < 0.5


def _east_asia(element):
    fonts = element.find(qn("w:rPr") + "/" + qn("w:rFonts")) if element.tag != qn("w:rPr") \
        else element.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_every_style_and_run_names_its_east_asian_font(document):
    for style in document.styles.element.findall(qn("w:style")):
        if style.get(qn("w:type")) != "numbering":
            assert _east_asia(style), style.get(qn("w:styleId"))
    s = document.sections[0]
    parts = [document.element.body, s.header._element, s.even_page_header._element,
             s.footer._element, s.even_page_footer._element]
    runs = [r for part in parts for r in part.iter(qn("w:r"))]
    assert len(runs) > 300
    assert all(_east_asia(r) for r in runs)
    xml = document.styles.element.xml + document.element.xml
    assert "asciiTheme" not in xml and "eastAsiaTheme" not in xml


def test_title_body_and_heading_fonts(document):
    styles = document.styles
    title = document.paragraphs[0]
    assert title.style.name == "报告标题"
    assert _east_asia(title.style.element) == "方正小标宋简体" and title.style.font.size == Pt(22)
    assert title.text.replace("\n", "") == "包头市昆都仑区团结大街街道办事处2023年政府信息公开工作年度报告"
    normal = styles["Normal"]
    assert _east_asia(normal.element) == "仿宋_GB2312" and normal.font.size == Pt(16)
    pf = normal.paragraph_format
    assert pf.line_spacing_rule == WD_LINE_SPACING.EXACTLY and pf.line_spacing == Pt(28.9)
    assert pf.first_line_indent == Pt(32)
    assert _east_asia(styles["一级标题"].element) == "黑体"
    assert _east_asia(styles["二级标题"].element) == "楷体_GB2312"
    h1 = [p.text for p in document.paragraphs if p.style.name == "一级标题"]
    assert h1 == [h for _, h in statutory.PARTS]
    h2 = [p.text for p in document.paragraphs if p.style.name == "二级标题"]
    assert h2 == [h for _, h in statutory.OVERVIEW_SECTIONS + statutory.OTHER_SECTIONS]
    body = [p for p in document.paragraphs if p.style.name == "Normal"]
    assert body and all(_east_asia(r._r) == "仿宋_GB2312" for p in body for r in p.runs)


def test_page_numbers_in_the_footer(document):
    s = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer in (s.footer, s.even_page_footer):
        p = footer.paragraphs[0]
        assert p.text == "— 1 —"
        assert "PAGE" in p._p.xml and "fldChar" in p._p.xml
        assert p.style.font.size == Pt(14) and _east_asia(p.style.element) == "宋体"
        assert all(_east_asia(r._r) == "宋体" for r in p.runs)
    assert s.footer.paragraphs[0].alignment != s.even_page_footer.paragraphs[0].alignment


def test_draft_mark_on_every_page(model, tmp_path):
    draft = docx.Document(write_docx(tmp_path / "d.docx", model, draft=True))
    s = draft.sections[0]
    assert s.header.paragraphs[0].text == "草稿" and s.even_page_header.paragraphs[0].text == "草稿"
    final = docx.Document(write_docx(tmp_path / "f.docx", model))
    s = final.sections[0]
    assert "草稿" not in s.header.paragraphs[0].text + s.even_page_header.paragraphs[0].text


# --- tables --------------------------------------------------------------------------------

def test_table_a_blocks_cell_by_cell(document):
    a, _, _ = seed_tables.seed_2023()
    table = document.tables[0]
    rows = iter(table.rows)
    for block in statutory.TABLE_A_BLOCKS:
        header = next(rows)
        assert texts(header) == [block.header]
        assert texts(next(rows)) == ["信息内容", *(label for _, label in block.columns)]
        for row_key, label in block.rows:
            assert texts(next(rows)) == [label, *(str(a[(row_key, c)]) for c, _ in block.columns)]
    assert next(rows, None) is None


def test_table_b_layout_and_every_cell(document):
    _, b, _ = seed_tables.seed_2023()
    table = document.tables[1]
    corner = table.cell(0, 0)
    assert corner.text == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert corner._tc is table.cell(2, 2)._tc
    assert texts(table.rows[0]) == [corner.text, "申请人情况"]
    assert texts(table.rows[1]) == [corner.text, "自然人", "法人或其他组织", "总计"]
    assert texts(table.rows[2]) == [corner.text, "自然人", "商业企业", "科研机构", "社会公益组织",
                                    "法律服务机构", "其他", "总计"]
    assert table.cell(3, 0)._tc is not table.cell(5, 0)._tc
    results = table.cell(5, 0)
    assert results.text == "三、本年度办理结果" and results._tc is table.cell(26, 0)._tc
    assert table.cell(7, 1).text == "（三）不予公开" and table.cell(7, 1)._tc is table.cell(14, 1)._tc
    data_rows = table.rows[3:]
    assert len(data_rows) == 25
    for row, key in zip(data_rows, statutory.TABLE_B_NUMERIC_ROWS, strict=True):
        chain = []
        r = statutory.TABLE_B_ROW[key]
        while r is not None:
            chain.insert(0, r.label)
            r = statutory.TABLE_B_ROW.get(r.parent) if r.parent else None
        cells = texts(row)
        assert cells[:-7] == chain
        assert cells[-7:] == [str(b[(key, col)]) for col, _ in statutory.TABLE_B_COLUMNS]
    # hand-typed spot checks of the seed: one application, not held by the organ
    assert texts(table.rows[3])[-7:] == ["1", "0", "0", "0", "0", "0", "1"]
    assert texts(table.rows[15]) == ["三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息",
                                     "1", "0", "0", "0", "0", "0", "1"]


def test_table_c_two_level_header_and_cells(document):
    _, _, c = seed_tables.seed_2023()
    table = document.tables[2]
    assert texts(table.rows[0]) == ["行政复议", "行政诉讼"]
    assert texts(table.rows[1]) == ["行政复议", "未经复议直接起诉", "复议后起诉"]
    assert texts(table.rows[2]) == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    assert texts(table.rows[3]) == [str(c[k]) for k in statutory.TABLE_C_CELLS]
    assert table.cell(0, 0)._tc is table.cell(1, 4)._tc
    assert table.cell(0, 5)._tc is table.cell(0, 14)._tc


def test_tables_fit_the_text_block(document):
    for table in document.tables:
        widths = [int(gc.get(qn("w:w"))) for gc in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(widths) / 56.7 <= 156.5  # twips → mm; A4 minus 28 + 26 mm margins
        runs = [r for row in table.rows for c in unique_cells(row) for p in c.paragraphs
                for r in p.runs]
        assert all(_east_asia(r._r) == "宋体" for r in runs)
        assert all(p.style.font.size == Pt(10.5) for row in table.rows for c in row.cells
                   for p in c.paragraphs)


def test_amount_cell_keeps_decimals(seed_store, config, tmp_path):
    con = store.connect(seed_store)
    model = report_model.build_report_model(con, config, 2023)
    con.close()
    model.tables.a[("fees", "amount")] = 0.35
    model.grids.update(report_model.table_grids(model.tables))
    table = docx.Document(write_docx(tmp_path / "r.docx", model)).tables[0]
    assert texts(table.rows[-1]) == ["行政事业性收费", "0.35"]


# --- text ----------------------------------------------------------------------------------

def test_text_carries_the_seed_facts(document):
    text = body_text(document)
    for fragment in ("共9项内容", "1300余条", "政策解读16次", "收到政府信息公开申请1件",
                     "对1000余条公开内容进行筛查", "发现问题9条", "未接到群众投诉、举报",
                     "未收取政府信息公开信息处理费", "包头市昆都仑区团结大街街道办事处",
                     "白彦道与南排道交叉口以西100米党群服务中心", "0472-2620644", "014010",
                     "团结街道党群服务中心",
                     "本年度报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止",
                     "《中华人民共和国政府信息公开条例》（以下简称《条例》）"):
        assert fragment in text, fragment
    assert "{" not in text


# --- determinism and a real rendering --------------------------------------------------------

def test_same_model_gives_the_same_bytes(model, tmp_path):
    first = write_docx(tmp_path / "1.docx", model).read_bytes()
    second = write_docx(tmp_path / "2.docx", model).read_bytes()
    assert first == second
    cp = docx.Document(tmp_path / "1.docx").core_properties
    assert cp.created == cp.modified == datetime(2023, 12, 31, tzinfo=UTC)
    assert cp.title == "包头市昆都仑区团结大街街道办事处2023年政府信息公开工作年度报告"


def test_libreoffice_renders_a_sane_number_of_pages(model, tmp_path):
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        if os.environ.get("CI"):
            pytest.fail("CI 环境必须安装 poppler-utils（pdfinfo）")
        pytest.skip("pdfinfo not installed")
    path = write_docx(tmp_path / "report.docx", model, draft=True)
    pdf = convert(path, "pdf", tmp_path / "pdf", tmp_path / "lo-profile")
    info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 4 <= pages <= 12
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert abs(float(size.group(1)) - 595.3) < 2 and abs(float(size.group(2)) - 841.9) < 2
