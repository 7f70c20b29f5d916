"""The web page: same tables with rowspan/colspan, self-contained, everything escaped."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

from pipeline.core import statutory
from pipeline.report import model as report_model
from pipeline.report.composition import compose
from pipeline.report.placeholders import TextData
from pipeline.report.web import render_html, write_html
from tests import seed_tables


class Cells(HTMLParser):
    """Collects every table cell: tag, attributes and text."""

    def __init__(self):
        super().__init__()
        self.cells: list[dict] = []
        self._open: dict | None = None
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("td", "th"):
            self._open = {"tag": tag, **dict(attrs), "text": ""}
            self.cells.append(self._open)

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data



def parse(html: str) -> Cells:
    p = Cells()
    p.feed(html)
    return p


def test_every_table_b_cell_is_present_with_its_value(model):
    _, b, _ = seed_tables.seed_2023()
    cells = [c for c in parse(render_html(model)).cells if c.get("data-cell", "").startswith("B.")]
    assert len(cells) == 175
    got = {tuple(c["data-cell"].split(".")[1:]): c["text"] for c in cells}
    assert got == {key: str(v) for key, v in b.items()}


def test_tables_a_and_c_cells(model):
    a, _, c = seed_tables.seed_2023()
    cells = parse(render_html(model)).cells
    got_a = {tuple(x["data-cell"].split(".")[1:]): x["text"] for x in cells
             if x.get("data-cell", "").startswith("A.")}
    got_c = {tuple(x["data-cell"].split(".")[1:]): x["text"] for x in cells
             if x.get("data-cell", "").startswith("C.")}
    assert got_a == {k: str(v) for k, v in a.items()}
    assert got_c == {k: str(v) for k, v in c.items()}


def test_merged_cells_use_rowspan_and_colspan(model):
    cells = {c["text"]: c for c in parse(render_html(model)).cells if c["tag"] == "th"}
    corner = cells["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"]
    assert (corner["rowspan"], corner["colspan"]) == ("3", "3")
    assert cells["申请人情况"]["colspan"] == "7"
    assert cells["法人或其他组织"]["colspan"] == "5"
    assert cells["三、本年度办理结果"]["rowspan"] == "22"
    assert cells["（三）不予公开"]["rowspan"] == "8"
    assert cells["（五）不予处理"]["rowspan"] == "5"
    assert cells["一、本年新收政府信息公开申请数量"]["colspan"] == "3"
    assert (cells["行政复议"]["rowspan"], cells["行政复议"]["colspan"]) == ("2", "5")
    assert cells["行政诉讼"]["colspan"] == "10"
    assert cells["未经复议直接起诉"]["colspan"] == "5"
    assert cells["第二十条第（八）项"]["colspan"] == "4"


def test_self_contained_page(model, tmp_path):
    html = write_html(tmp_path / "r.html", model).read_text(encoding="utf-8")
    lowered = html.lower()
    for external in ("http://", "https://", "src=", "href=", "@import", "url(", "<link",
                     "<script"):
        assert external not in lowered
    assert '<meta charset="utf-8">' in html
    headings = [c for c in parse(html).tags if c[0] in ("h2",)]
    assert len(headings) == len(statutory.PARTS)
    for fragment in ("白彦道与南排道交叉口以西100米党群服务中心", "0472-2620644", "共9项内容",
                     "1300余条", "政策解读16次"):
        assert fragment in html


def test_draft_banner(model):
    assert "草稿" in render_html(model, draft=True)
    assert "草稿" not in render_html(model)


def test_data_config_and_paragraphs_are_escaped(model, config):
    evil = dataclasses.replace(config, organ=dataclasses.replace(
        config.organ, name="<b>机关</b>", address="路<script>alert(1)</script>"))
    data = TextData(model.tables)
    preamble, parts = compose(evil, data, {"problems": "一是<img src=x onerror=1>问题。"})
    html = render_html(dataclasses.replace(
        model, organ=evil.organ.name, title=report_model.report_title(evil.organ.name, 2023),
        preamble=preamble, parts=parts))
    assert "<b>" not in html and "<script>" not in html and "<img" not in html
    assert "&lt;b&gt;机关&lt;/b&gt;" in html and "&lt;img src=x onerror=1&gt;" in html

