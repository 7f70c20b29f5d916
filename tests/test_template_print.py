"""The templates on paper: headless LibreOffice prints a quarter's workbook to PDF as an
officer's office printer would, and the application register must be usable on A4."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from pipeline.workbooks import layout
from pipeline.workbooks.template import write_workbook
from tests.lo import convert

UNIT, YEAR, QUARTER = "青松社区", 2024, 1


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def _page_sizes(pdf: Path) -> list[tuple[float, float]]:
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], check=True,
                         capture_output=True, text=True).stdout
    return [(float(w), float(h)) for w, h in
            re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out)]


def _word_heights(pdf: Path, page: int, word: str) -> list[float]:
    """Heights in points of a word's occurrences on a page (pdftotext -bbox)."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf),
                           "-"], check=True, capture_output=True, text=True).stdout
    return [float(y1) - float(y0) for y0, y1, w in re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
        html) if w == word]


@pytest.fixture(scope="module")
def printed(config, tmp_path_factory):
    """A template with something in the first and the very last prepared register row,
    printed by LibreOffice."""
    folder = tmp_path_factory.mktemp("print")
    path = folder / "报表.xlsx"
    write_workbook(config, path, UNIT, YEAR, QUARTER)
    wb = openpyxl.load_workbook(path)
    reg = wb[layout.SHEET_APPLICATIONS]
    last = layout.APPLICATIONS.last_row
    reg["A4"], reg["N4"] = "2024-001", "（四）无法提供 1.本机关不掌握相关政府信息"
    reg[f"A{last}"], reg[f"P{last}"] = "2024-099", "末行备注"
    wb.save(path)
    pdf = convert(path, "pdf", folder, folder / "profile")
    return pdf, _pages(pdf), _page_sizes(pdf)


def test_the_register_prints_landscape_at_full_size_with_its_headings_on_every_page(printed):
    pdf, pages, sizes = printed
    title = f"{UNIT} {YEAR}年第{QUARTER}季度 依申请公开登记台账"
    register = [i for i, text in enumerate(pages) if title in text]
    assert len(register) >= 2 and len(register) % 2 == 0  # each row in two halves
    for i in register:
        width, height = sizes[i]
        assert width > height, f"page {i + 1} is not landscape"
        assert "申请编号" in pages[i]  # the ID column and the headings repeat on every page
    halves = [("申请内容摘要" in pages[i], "补正通知日期" in pages[i]) for i in register]
    assert halves == [(True, False), (False, True)] * (len(register) // 2)
    # every prepared row is inside the print area: the last one reaches the paper
    assert "2024-099" in pages[register[-2]] and "末行备注" in pages[register[-1]]
    # and it is printed at a size one can read (not shrunk to fit one page)
    heights = _word_heights(pdf, register[0] + 1, "申请编号")
    assert heights and min(heights) >= 8.0


def test_the_instructions_speak_to_the_officer_with_this_years_examples(config, tmp_path):
    path = tmp_path / "报表.xlsx"
    write_workbook(config, path, UNIT, YEAR, QUARTER)
    text = "\n".join(str(c.value) for row in openpyxl.load_workbook(path)["填表说明"].iter_rows()
                     for c in row if c.value is not None)
    assert "浅黄色单元格" in text
    assert f"{YEAR}-05-06" in text and "2023-05-06" not in text
    assert "workbooks/" not in text and "xxgk " not in text  # coordinator's business
    assert "填报确认" in text and "本季度无新增事项" in text
