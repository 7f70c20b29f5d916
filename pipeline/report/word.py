"""The report as a Word document laid out per GB/T 9704-2012 (党政机关公文格式).

A4, margins 37/35/28/26 mm; title 2号 方正小标宋简体 centred; body 3号 仿宋_GB2312 with a fixed
28.9 pt line and a two-character first-line indent; level-1 headings 黑体, level-2 楷体_GB2312;
page numbers "— 1 —" in 4号 宋体 at the outer edge. Word picks the Chinese font from the East
Asian slot (w:eastAsia), which python-docx never sets, so every style and every run gets it here;
theme fonts are removed because they would override it. The file is byte-for-byte repeatable:
fixed core properties and fixed ZIP timestamps.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from pipeline.core.atomic import write_bytes
from pipeline.report.model import Grid, ReportModel

TITLE_FONT = "方正小标宋简体"


BODY_FONT = "仿宋_GB2312"


H1_FONT = "黑体"


H2_FONT = "楷体_GB2312"


PAGE_FONT = "宋体"


TABLE_FONT = "宋体"


LATIN_FONT = "Times New Roman"


TITLE_SIZE = Pt(22)   # 2号


BODY_SIZE = Pt(16)    # 3号


PAGE_SIZE = Pt(14)    # 4号


TABLE_SIZE = Pt(10.5)  # 5号


LINE = Pt(28.9)


ROW_HEIGHT = Mm(6)


AFTER_TABLE = Pt(10)  # a little air between a table and the next heading


PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)


MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}


TITLE_STYLE, H1_STYLE, H2_STYLE, TABLE_STYLE, PAGE_STYLE, DRAFT_STYLE = (
    "报告标题", "一级标题", "二级标题", "表格文字", "页码", "草稿标记")


# ASCII style IDs (the names users see stay Chinese).
_STYLE_IDS = {TITLE_STYLE: "XxgkTitle", H1_STYLE: "XxgkHeading1", H2_STYLE: "XxgkHeading2",
              TABLE_STYLE: "XxgkTable", PAGE_STYLE: "XxgkPageNumber", DRAFT_STYLE: "XxgkDraft"}


_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_fonts(rpr_parent, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set all four font slots of an element's w:rPr (a style, a run, or a w:rPr itself)."""
    rpr = rpr_parent if rpr_parent.tag == qn("w:rPr") else rpr_parent.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


def _indent_chars(paragraph_format, chars: int, size: Pt) -> None:
    """First-line indent in characters (w:firstLineChars) with the equivalent length."""
    paragraph_format.first_line_indent = Pt(size.pt * chars) if chars else Pt(0)
    ind = paragraph_format._element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def _outline(style, level: int) -> None:
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    style.element.get_or_add_pPr().insert_element_before(
        el, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _paragraph_style(doc, name: str, font: str, size, *, align=None, indent_chars=0,
                     line=LINE, bold=False, latin=LATIN_FONT):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = _STYLE_IDS[name]
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.font.size = size
    style.font.bold = bold
    set_fonts(style.element, font, latin)
    pf = style.paragraph_format
    if line is None:
        pf.line_spacing = 1.0
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = line
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    if align is not None:
        pf.alignment = align
    _indent_chars(pf, indent_chars, size)
    return style


def _setup_styles(doc) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr_default, BODY_FONT)
    lang = rpr_default.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    for style in doc.styles:
        if style.type != WD_STYLE_TYPE.LIST:
            set_fonts(style.element, BODY_FONT)
    for fonts in doc.styles.element.iter(qn("w:rFonts")):  # table styles' conditional parts
        if any(qn(a) in fonts.attrib for a in _THEME_ATTRS):
            set_fonts(fonts.getparent(), BODY_FONT)
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE
    pf.space_before = pf.space_after = Pt(0)
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.widow_control = False
    _indent_chars(pf, 2, BODY_SIZE)
    title = _paragraph_style(doc, TITLE_STYLE, TITLE_FONT, TITLE_SIZE,
                             align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(35))
    title.paragraph_format.space_after = LINE
    h1 = _paragraph_style(doc, H1_STYLE, H1_FONT, BODY_SIZE, indent_chars=2)
    h2 = _paragraph_style(doc, H2_STYLE, H2_FONT, BODY_SIZE, indent_chars=2)
    for style, level in ((h1, 0), (h2, 1)):
        style.paragraph_format.keep_with_next = True
        _outline(style, level)
    _paragraph_style(doc, TABLE_STYLE, TABLE_FONT, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER,
                     line=None)
    _paragraph_style(doc, PAGE_STYLE, PAGE_FONT, PAGE_SIZE, line=None, latin=PAGE_FONT)
    _paragraph_style(doc, DRAFT_STYLE, H1_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT,
                     line=None, bold=True)


def _run(paragraph, text: str, font: str, latin: str = LATIN_FONT):
    run = paragraph.add_run(text)
    set_fonts(run._r, font, latin)
    return run


def _field_runs(paragraph, instruction: str, placeholder: str) -> None:
    """A complex field (PAGE) whose runs carry the page-number fonts like the dashes."""
    for kind in ("begin", "instr", "separate", "text", "end"):
        run = _run(paragraph, "", PAGE_FONT, PAGE_FONT)
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instruction} "
        elif kind == "text":
            run.text = placeholder
            continue
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)


def _page_number(footer, align, indent_side: str) -> None:
    """"— N —" in the footer, one character in from the outer edge (GB/T 9704 7.5)."""
    p = footer.paragraphs[0]
    p.alignment = align
    setattr(p.paragraph_format, f"{indent_side}_indent", PAGE_SIZE)
    _run(p, "— ", PAGE_FONT, PAGE_FONT)
    _field_runs(p, "PAGE", "1")
    _run(p, " —", PAGE_FONT, PAGE_FONT)


def _draft_mark(header, note: str) -> None:
    p = header.paragraphs[0]
    _run(p, note, H1_FONT).font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def _setup_section(doc, draft: str | None) -> None:
    """Page size, margins, page numbers; `draft`: the mark every page header carries."""
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.header_distance = Mm(15)
    section.footer_distance = Mm(24)
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        footer.paragraphs[0].style = doc.styles[PAGE_STYLE]
        _page_number(footer, align, side)
    for header in (section.header, section.even_page_header):
        p = header.paragraphs[0]
        p.style = doc.styles[DRAFT_STYLE]
        if draft:
            _draft_mark(header, draft)


def _cell_margins(table, mm: float) -> None:
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(Mm(mm).twips)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    table._tbl.tblPr.insert_element_before(mar, "w:tblLook", "w:tblCaption",
                                           "w:tblDescription")


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    trpr.append(el)


def add_grid(doc, grid: Grid):
    """The table in its official layout: merges, fixed column widths within the text block."""
    table = doc.add_table(rows=grid.n_rows, cols=grid.n_cols)
    table.style = doc.styles["Table Grid"]
    set_fonts(table.style.element, TABLE_FONT)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tblw = table._tbl.tblPr.find(qn("w:tblW"))
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(round(Mm(sum(grid.widths)).twips)))
    for col, width in zip(table.columns, grid.widths, strict=True):
        col.width = Mm(width)
    for row in table.rows:
        row.height, row.height_rule = ROW_HEIGHT, WD_ROW_HEIGHT_RULE.AT_LEAST
        for cell, width in zip(row.cells, grid.widths, strict=True):
            cell.width = Mm(width)
    _cell_margins(table, 0.8)
    for i in range(grid.header_rows):
        _repeat_header(table.rows[i])
    style_id = doc.styles[TABLE_STYLE].style_id
    # Fetched once (table.cell() rescans the whole table); the specs never overlap, so a merge
    # leaves the cells of every other spec in place.
    slots = table._cells
    for spec in grid.cells:
        cell = slots[spec.row * grid.n_cols + spec.col]
        if spec.rowspan > 1 or spec.colspan > 1:
            cell = cell.merge(slots[(spec.row + spec.rowspan - 1) * grid.n_cols
                                    + spec.col + spec.colspan - 1])
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        p._p.style = style_id
        if spec.kind == "label" and spec.rowspan == 1:
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _run(p, spec.text, TABLE_FONT)
    return table


def build_document(model: ReportModel, draft: bool):
    doc = Document()
    _setup_styles(doc)
    _setup_section(doc, model.draft_note() if draft else None)
    body = doc.paragraphs[0] if doc.paragraphs else None
    if body is not None:  # the template's empty first paragraph
        body._element.getparent().remove(body._element)
    title = doc.add_paragraph(style=TITLE_STYLE)
    _run(title, model.organ, TITLE_FONT)
    _run(title, "", TITLE_FONT).add_break()
    _run(title, model.title[len(model.organ):], TITLE_FONT)
    for text in model.preamble:
        _run(doc.add_paragraph(), text, BODY_FONT)
    after_table = False
    for part in model.parts:
        heading = doc.add_paragraph(style=H1_STYLE)
        if after_table:
            heading.paragraph_format.space_before = AFTER_TABLE
        _run(heading, part.heading, H1_FONT)
        for section in part.sections:
            if section.heading:
                _run(doc.add_paragraph(style=H2_STYLE), section.heading, H2_FONT)
            for text in section.paragraphs:
                _run(doc.add_paragraph(), text, BODY_FONT)
        after_table = part.table is not None
        if after_table:
            add_grid(doc, model.grids[part.table])
    cp = doc.core_properties
    cp.title = model.title
    cp.author = cp.last_modified_by = model.organ
    cp.subject = cp.keywords = cp.comments = cp.category = ""
    cp.created = cp.modified = cp.last_printed = model.stamp
    cp.revision = 1
    return doc


def _fixed_zip(data: bytes, stamp) -> bytes:
    """Rewrite the package with one fixed timestamp, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_docx(path: str | Path, report_model: ReportModel, draft: bool = False) -> Path:
    """Write the report (with 草稿 in every page header when draft) atomically."""
    buffer = io.BytesIO()
    build_document(report_model, draft).save(buffer)
    write_bytes(path, _fixed_zip(buffer.getvalue(), report_model.stamp))
    return Path(path)
