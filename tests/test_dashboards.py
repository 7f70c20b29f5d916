"""Offline pages and the dashboard notebook, executed for real with papermill (kernel python3)."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import nbformat
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from pipeline.dashboards import registry, site
from pipeline.notebooks import (
    NOTEBOOKS_DIR,
    NotebookError,
    declared_parameters,
    notebook_path,
    run_notebook,
)

UNITS = ("街道本级", "青松社区", "明德社区", "和顺社区", "康宁社区", "兴业社区", "友谊社区")


class _Refs(HTMLParser):
    """Every element's src/href and every <link>/<script src>: what a browser would fetch."""

    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.html_lang = None
        self.charset = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "meta" and "charset" in a:
            self.charset = a["charset"]
        for name in ("src", "href", "data", "srcset", "action", "poster"):
            if a.get(name) is not None:
                self.refs.append((tag, name, a[name]))


def _parse(text: str) -> _Refs:
    p = _Refs()
    p.feed(text)
    return p


def assert_offline(text: str, folder: Path) -> None:
    """Nothing on the page may reach the network: no absolute URL in any attribute, import or
    CSS url(), no http at all; the one thing it loads is plotly.js, by a relative src naming a
    file in the page's own `folder` (whose source mentions map-tile URLs it never uses for
    these charts)."""
    refs = _parse(text).refs
    assert not [r for r in refs if re.match(r"\s*(https?:)?//", r[2], re.I)], refs
    loads = [r for r in refs if r[0] in ("script", "link", "img", "iframe", "object", "embed")]
    assert loads == [("script", "src", "plotly.min.js")], loads
    assert (folder / "plotly.min.js").read_text(encoding="utf-8") == get_plotlyjs()
    assert get_plotlyjs()[:2000] not in text  # not inlined as well
    assert not re.search(r"https?://", text, re.I)
    assert not re.search(r"@import|url\(|\bimport\s*\(|\bimport\s+[\w{*]", text)
    assert "mathjax" not in text.lower()


def _figs():
    return [go.Figure(go.Bar(x=["甲"], y=[1])), go.Figure(go.Bar(x=["乙"], y=[2]))]


def test_write_page_works_offline(tmp_path):
    nav = site.nav_links(["青松社区", "明德社区"], "青松社区")
    path = site.write_page(_figs(), tmp_path / "p.html", "测试看板", "副标题",
                                 nav=nav, generated=date(2024, 1, 10))
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    page = _parse(text)
    assert page.html_lang == "zh-CN" and page.charset.lower() == "utf-8"
    assert text.count("Plotly.newPlot(") == 2
    # plotly.js, the note shown when it is missing, then one per figure
    assert page.tags.count("script") == 4
    assert '<script src="plotly.min.js" charset="utf-8"></script>' in text
    assert ('<p id="no-plotly" class="missing" role="alert">图表程序文件 plotly.min.js 缺失，'
            "请把整个 dashboards 文件夹一起复制。</p>") in text
    assert_offline(text, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.html", "plotly.min.js"]
    assert "<title>测试看板</title>" in text and "生成日期：2024年1月10日" in text
    assert "@page { size: A4; margin: 10mm; }" in text
    assert "break-inside: avoid" in text and "page-break-inside: avoid" in text
    hrefs = [r[2] for r in page.refs if r[1] == "href"]
    assert [unquote(h) for h in hrefs] == ["index.html", "青松社区.html", "明德社区.html"]
    assert "aria-current=page>青松社区</a>" in text
    assert not list(tmp_path.glob(".*"))  # written through a temp file, nothing left behind


def test_words_on_the_page_are_escaped(tmp_path):
    """The template escapes every word it is given (autoescape): a unit or notice holding
    markup shows as text and cannot break the page."""
    nav = site.nav_links(["<b>社区</b>"], None)
    text = site.render_page(_figs(), "看板<script>alert(1)</script>", "副标题 & 说明", nav=nav,
                            notice='注意："<i>草稿</i>"', generated=date(2024, 1, 10))
    assert "<title>看板&lt;script&gt;alert(1)&lt;/script&gt;</title>" in text
    assert "<p>副标题 &amp; 说明 · 生成日期：2024年1月10日</p>" in text
    assert '<p class="notice" role="alert">注意：&#34;&lt;i&gt;草稿&lt;/i&gt;&#34;</p>' in text
    assert '<a href="%3Cb%3E%E7%A4%BE%E5%8C%BA%3C/b%3E.html">&lt;b&gt;社区&lt;/b&gt;</a>' in text
    assert "<b>" not in text and "<i>" not in text
    assert text.count("Plotly.newPlot(") == 2


def test_a_page_without_notice_or_charts(tmp_path):
    text = site.render_page([], "看板", "副标题", generated=date(2024, 1, 10))
    assert 'class="notice"' not in text and 'class="chart"' not in text
    assert '缺失，请把整个 dashboards 文件夹一起复制。</p>\n<script>if (window.Plotly) document' \
           '.getElementById("no-plotly").hidden = true;</script>\n\n<p class="note">' in text
    assert text.endswith("</html>\n")


def _write(data, out, **kw):
    """Every page's figures from the registry, then the pages, as the notebook does."""
    pages = site.page_data(data, **kw)
    return site.write_pages(pages, {n: registry.dashboard_figures(p) for n, p in pages.items()},
                            out)


def test_page_data_refuses_unit_with_all_units(seed_store, tmp_path):
    data = site.load_data(seed_store, 2023)
    with pytest.raises(ValueError, match="不能同时使用"):
        site.page_data(data, unit="青松社区", all_units=True)
    assert list(site.page_data(data, all_units=True, units=["明德社区"])) == [
        "index.html", "明德社区.html"]
    assert list(site.page_data(data, unit="明德社区")) == ["明德社区.html"]


def test_a_page_without_figures_is_refused(seed_store, tmp_path):
    pages = site.page_data(site.load_data(seed_store, 2023), all_units=True, units=["明德社区"])
    with pytest.raises(ValueError, match="没有页面 明德社区.html 的图表"):
        site.write_pages(pages, {"index.html": {}}, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def _nav_hrefs(path) -> list[str]:
    return [unquote(r[2]) for r in _parse(path.read_text("utf-8")).refs if r[1] == "href"]


def test_the_menu_links_only_pages_that_exist(seed_store, tmp_path):
    data = site.load_data(seed_store, 2023)
    out = tmp_path / "dashboards"
    (page,) = _write(data, out, unit="青松社区")
    assert _nav_hrefs(page) == ["青松社区.html"]   # no index or other unit written yet
    (index,) = _write(data, out)
    assert _nav_hrefs(index) == ["index.html", "青松社区.html"]
    (page,) = _write(data, out, unit="明德社区")
    assert _nav_hrefs(page) == ["index.html", "青松社区.html", "明德社区.html"]  # units' order
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["index.html", "青松社区.html", "明德社区.html", "plotly.min.js"])


def test_plotly_js_is_written_once_and_rewritten_only_when_it_differs(tmp_path):
    first = site.write_plotly_js(tmp_path)
    assert first == tmp_path / "plotly.min.js"
    inode = first.stat().st_ino
    site.write_page(_figs(), tmp_path / "a.html", "看板", "副标题")
    site.write_page(_figs(), tmp_path / "b.html", "看板", "副标题")
    assert first.stat().st_ino == inode  # the same file: never replaced, not even by itself
    first.write_bytes(first.read_bytes()[:-1] + b" ")  # damaged, same size
    site.write_page(_figs(), tmp_path / "a.html", "看板", "副标题")
    assert first.read_text(encoding="utf-8") == get_plotlyjs()
    first.unlink()
    site.write_page(_figs(), tmp_path / "b.html", "看板", "副标题")
    assert first.read_text(encoding="utf-8") == get_plotlyjs()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.html", "plotly.min.js"]


def test_notebook_is_committed_clean_with_declared_parameters():
    nb = nbformat.read(notebook_path("dashboard.ipynb"), as_version=4)
    assert nb.metadata.kernelspec.name == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert code[0].metadata.tags == ["parameters"]
    params = {k: v["default"] for k, v in declared_parameters(notebook_path("dashboard.ipynb")).items()}
    assert params == {"year": "2023", "years_back": "2", "unit": '""', "all_units": "False",
                      "units": "[]", "store_path": '"../outputs/organs/团结大街街道/xxgk.sqlite"',
                      "output_dir": '"../outputs/2023/团结大街街道/dashboards"',
                      "config_path": '""', "organ": '""', "more_organs": "[]",
                      "draft": "False"}
    # Markdown in Chinese explains the notebook; each chart's caption comes from the registry
    # (shown when the notebook runs, see test_run_dashboards_executes_the_notebook).
    md = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "据已公开报表" in md and "figures" in md
    # The pages are written from the figures the notebook holds, in a cell of their own.
    [write] = [c for c in code if "write-pages" in c.metadata.get("tags", [])]
    assert "site.write_pages(pages, figures, output_dir)" in write.source
    assert code[-1] is write


def test_unknown_parameter_is_refused_before_a_kernel_starts(tmp_path):
    out = tmp_path / "nb" / "dashboard.ipynb"
    with pytest.raises(NotebookError, match="没有声明参数：yaer"):
        run_notebook(notebook_path("dashboard.ipynb"), out, {"yaer": 2023})
    assert not (tmp_path / "nb").exists()  # nothing was executed, not even a partial notebook


def test_unknown_unit_is_refused_before_a_kernel_starts(seed_store, tmp_path):
    with pytest.raises(ValueError, match="东风社区"):
        site.run_dashboards(seed_store, 2023, tmp_path / "outputs", units=["东风社区"])
    assert not (tmp_path / "outputs").exists()


def test_run_dashboards_executes_the_notebook(seed_store, tmp_path, repo_root):
    outputs = tmp_path / "outputs"
    pages = site.run_dashboards(seed_store, 2023, outputs,
                                      config_path=repo_root / "tests" / "single_organ.toml")
    dash = outputs / "2023" / "dashboards"
    assert pages == [dash / "index.html", *(dash / f"{u}.html" for u in UNITS)]
    assert sorted(p.name for p in dash.iterdir()) == sorted(
        [*(p.name for p in pages), "plotly.min.js"])
    # One copy of plotly.js for the folder; the pages only hold their charts.
    bundle = get_plotlyjs()[:2000]
    assert [p.name for p in dash.iterdir() if bundle in p.read_text(encoding="utf-8")] == [
        "plotly.min.js"]
    assert all(p.stat().st_size < 300_000 for p in pages), [p.stat().st_size for p in pages]

    index = pages[0].read_text(encoding="utf-8")
    assert "<title>团结大街街道2023年政府信息公开工作看板</title>" in index
    assert "全街道汇总 · 2021—2023年逐年对比" in index
    for title in ("主动公开政府信息条数（逐年对比）", "主动公开信息条数（按填报单位）",
                  "办理结果（按法定分类）", "行政复议、行政诉讼情况", "2021年（据已公开报表）"):
        assert title in index
    assert index.count('class="chart"') == 12
    assert_offline(index, dash)
    for href in (r[2] for r in _parse(index).refs if r[1] == "href"):
        assert (dash / unquote(href)).is_file()

    unit = (dash / "青松社区.html").read_text(encoding="utf-8")
    assert "<title>团结大街街道2023年政府信息公开工作看板（青松社区）</title>" in unit
    assert "填报单位：青松社区" in unit and "据本单位登记台账" in unit
    assert "按填报单位" not in unit and unit.count('class="chart"') == 10

    executed = nbformat.read(outputs / "2023" / "notebooks" / "dashboard.ipynb", as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "all_units = True" in injected.source and str(seed_store) in injected.source
    outputs_ = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs_ if o.output_type == "error"]
    assert sum("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs_) == 12
    # each chart of the page with its caption and the table behind it
    captions = [o.data["text/markdown"] for o in outputs_ if "text/markdown" in o.get("data", {})]
    assert len(captions) == 12
    assert captions[1].startswith("### 按内容类别\n\n各内容类别（类别名单来自配置文件）")
    assert captions[0].startswith("## 一、主动公开\n\n### 主动公开政府信息条数")
    tables = [o.data["text/html"] for o in outputs_ if "text/html" in o.get("data", {})]
    assert len(tables) == 12 and "<th>年度</th>" in tables[0] and "<td>1342</td>" in tables[0]
    assert any("团结大街街道2023年政府信息公开工作看板" in o.get("text", "") for o in outputs_)
    assert not list((outputs / "2023" / "notebooks").glob(".*"))


def test_a_unit_subset_writes_the_index_and_those_pages(seed_store, tmp_path):
    pages = site.run_dashboards(seed_store, 2023, tmp_path, units=["青松社区"],
                                      years_back=1)
    assert [p.name for p in pages] == ["index.html", "青松社区.html"]
    assert sorted(p.name for p in pages[0].parent.iterdir()) == [
        "index.html", "plotly.min.js", "青松社区.html"]
    index = pages[0].read_text(encoding="utf-8")
    # years_back=1: 2022 and 2023 only; no organ name without a configuration.
    assert "<title>2023年政府信息公开工作看板</title>" in index
    assert "2022—2023年逐年对比" in index and "据已公开报表）</" not in index


def test_page_titles(seed_store):
    data = site.load_data(seed_store, 2023, years_back=0)
    assert site.page_titles(data) == ("2023年政府信息公开工作看板", "全街道汇总 · 2023年")
    assert site.page_titles(data.for_unit("明德社区")) == (
        "2023年政府信息公开工作看板（明德社区）", "填报单位：明德社区 · 2023年")


def test_missing_store_or_year_is_a_clear_error(seed_store, tmp_path):
    with pytest.raises(FileNotFoundError, match="找不到数据库"):
        site.run_dashboards(tmp_path / "none.sqlite", 2023, tmp_path / "outputs")
    with pytest.raises(ValueError, match="没有2019年的数据"):
        site.run_dashboards(seed_store, 2019, tmp_path / "outputs")
    assert not (tmp_path / "outputs").exists()


def test_a_figure_changed_in_the_notebook_is_the_one_on_the_page(seed_store, tmp_path):
    """The analyst's way: a cell before the write cell changes one figure of the index and
    drops one of a unit page; the pages written show exactly that."""
    nb = nbformat.read(notebook_path("dashboard.ipynb"), as_version=4)
    [at] = [i for i, c in enumerate(nb.cells) if "write-pages" in c.metadata.get("tags", [])]
    nb.cells.insert(at, nbformat.v4.new_code_cell(
        'figures["index.html"]["by_category"].update_layout(title_text="分析员改过的标题")\n'
        'del figures["青松社区.html"]["findings"]'))
    edited = tmp_path / "edited.ipynb"
    nbformat.write(nb, edited)
    dash = tmp_path / "dashboards"
    run_notebook(edited, tmp_path / "executed.ipynb", {
        "year": 2023, "all_units": True, "units": ["青松社区"], "store_path": str(seed_store),
        "output_dir": str(dash)}, cwd=NOTEBOOKS_DIR)

    assert sorted(p.name for p in dash.iterdir()) == [
        "index.html", "plotly.min.js", "青松社区.html"]
    index = (dash / "index.html").read_text(encoding="utf-8")
    assert "分析员改过的标题" in index and "主动公开信息条数（按内容类别）" not in index
    assert "主动公开信息条数（按公开渠道" in index and index.count('class="chart"') == 12
    unit = (dash / "青松社区.html").read_text(encoding="utf-8")
    assert "分析员改过的标题" not in unit and "主动公开信息条数（按内容类别）" in unit
    assert unit.count('class="chart"') == 9 and "审核发现的问题" not in unit
