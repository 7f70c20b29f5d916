"""A district of organs: one configuration, workbooks and outputs per organ, the 全区 tables as
the sum of the organs' tables (checked against a sum made here and against numbers typed by
hand), and the district's checks on planted problems."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import shutil
from urllib.parse import quote

import pytest

from pipeline.cli.main import main
from pipeline.core.config import ConfigError, load_config, load_district
from pipeline.core.model import YearTables
from pipeline.speed.process_pool import usable_cores
from pipeline.workbooks import filenames
from pipeline.workbooks.published import read_published, write_published
from tests import seed_tables
from tests.shared import copy_tree

pytestmark = pytest.mark.slow  # started first (tests/conftest.py)

ORGANS = ("团结大街街道", "演示路街道", "区演示数据局")


def run(root, *args) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main([*args, "--workbooks", str(root / "workbooks"),
                     "--outputs", str(root / "outputs"), "--config", str(root / "xxgk.toml")])
    return code, out.getvalue()


def test_the_sample_district_and_its_organs(repo_root):
    district = load_district(repo_root / "xxgk.toml")
    assert (district.name, district.short_name) == ("包头市昆都仑区", "昆都仑区")
    assert [c.organ.short_name for c in district.organs] == list(ORGANS)
    assert [c.organ.kind for c in district.organs] == ["街道", "街道", "部门"]
    assert district.organ("区演示数据局").units == ("办公室", "数据资源科", "政务公开科")
    # the seed organ is the single-organ configuration the other tests use, item for item
    single = load_config(repo_root / "tests" / "single_organ.toml")
    assert dataclasses.replace(district.organs[0], path=single.path,
                               organ=dataclasses.replace(district.organs[0].organ, kind="")
                               ) == single
    with pytest.raises(ConfigError, match="--organ"):
        load_config(repo_root / "xxgk.toml")


@pytest.mark.parametrize("change, words", [
    (lambda t: t.replace('kind = "部门"', 'kind = "科室"'), "kind 应为"),
    (lambda t: t.replace('short_name = "演示路街道"', 'short_name = "团结大街街道"'), "简称相同"),
    (lambda t: t.split("[[organs]]")[0], r"没有任何 \[\[organs\]\]"),
])
def test_a_wrong_district_is_refused_with_the_key(repo_root, tmp_path, change, words):
    path = tmp_path / "xxgk.toml"
    path.write_text(change((repo_root / "xxgk.toml").read_text(encoding="utf-8")),
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=words):
        load_district(path)


@pytest.fixture(scope="module")
def district(tmp_path_factory, repo_root):
    """The committed sample district built (`xxgk build`, as `make demo` does)."""
    root = tmp_path_factory.mktemp("district")
    copy_tree(repo_root / "workbooks", root / "workbooks")
    shutil.copy(repo_root / "xxgk.toml", root / "xxgk.toml")
    code, out = run(root, "build", "--year", "2023")
    assert code == 0, out
    return root


def test_one_build_makes_every_organs_report_with_one_run_of_each_notebook(district):
    year_dir = district / "outputs" / "2023"
    for organ, name, pages in (("团结大街街道", "包头市昆都仑区团结大街街道办事处", 8),
                               ("演示路街道", "包头市昆都仑区演示路街道办事处", 5),
                               ("区演示数据局", "包头市昆都仑区演示数据局", 4)):
        report = year_dir / organ / "report" / f"{name}2023年政府信息公开工作年度报告"
        assert report.with_suffix(".docx").is_file() and report.with_suffix(".html").is_file()
        assert len(list((year_dir / organ / "dashboards").glob("*.html"))) == pages
        assert (year_dir / organ / "定稿记录.json").is_file()
        assert not (year_dir / organ / "notebooks").exists()
    # no kernel per organ: the organs shared out among a dashboard run per core, one report
    # run, the 全区 page; the executed notebooks kept with the district's outputs
    names = sorted(p.name for p in (year_dir / "全区" / "notebooks").iterdir())
    runs = min(usable_cores(), 2)  # 团结大街街道 (8 pages) | 演示路街道 and 区演示数据局 (5 + 4)
    dashboards = ["dashboard.ipynb"] if runs == 1 else ["dashboard-1.ipynb", "dashboard-2.ipynb"]
    assert names == [*dashboards, "district.ipynb", "report.ipynb"]


def test_xxgk_report_over_the_district_runs_its_notebook_once(district, tmp_path):
    root = copy_tree(district, tmp_path / "d")
    executed = root / "outputs" / "2023" / "全区" / "notebooks" / "report.ipynb"
    executed.unlink()
    code, out = run(root, "report", "--year", "2023")
    assert code == 0, out
    assert out.count("年度报告（正式）：") == 3 and executed.is_file()
    assert [p for p in (root / "outputs" / "2023").glob("*/notebooks/*")
            if p.parent.parent.name != "全区"] == []


def _page_figures(page) -> list[dict]:
    """The figures a page draws, from its Plotly.newPlot calls."""
    import re

    return [json.loads(m) for m in re.findall(r'Plotly\.newPlot\("chart-\d+", (.*?)\);</script>',
                                              page.read_text(encoding="utf-8"))]


def test_the_district_dashboard_sets_the_organs_side_by_side(district):
    dash = district / "outputs" / "2023" / "全区" / "dashboards"
    page = dash / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "<title>包头市昆都仑区2023年政府信息公开工作看板（全区）</title>" in html
    assert (dash / "plotly.min.js").is_file() and "草稿" not in html
    # a link to each organ's own pages, relative, to a page that is there
    for organ in ORGANS:
        href = f"../../{organ}/dashboards/index.html"
        assert f'href="{quote(href)}">{organ}</a>' in html
        assert (dash / href).resolve().is_file()
    figures = {f["layout"]["title"]["text"]: f["data"] for f in _page_figures(page)}
    [bars] = [t for t in figures["主动公开政府信息条数（逐年对比）"] if t["type"] == "bar"]
    assert bars["y"][-1] == 2683  # 1342 + 766 + 575, as the 全区 tables say
    [this_year] = [t for t in figures["各机关主动公开政府信息条数（逐年对比）"] if t["name"] == "2023年"]
    assert (this_year["x"], this_year["y"]) == (list(ORGANS), [1342, 766, 575])
    [matrix] = figures["2023年各机关、各单位季度报表提交情况"]
    assert len(matrix["y"]) == 7 + 4 + 3 and matrix["y"][7] == "演示路街道｜街道本级"
    assert {t for row in matrix["text"] for t in row} == {"已确认"}


def test_the_district_dashboard_prints_to_pdf_with_every_chart(district, tmp_path):
    import re
    import subprocess

    from pipeline.dashboards import pdf

    try:
        browser = pdf.find_browser()
    except pdf.PdfError:
        if os.environ.get("CI"):
            raise
        pytest.skip("未安装 Chromium 浏览器")
    page = copy_tree(district / "outputs" / "2023" / "全区" / "dashboards", tmp_path / "d") / "index.html"
    [printed] = pdf.print_pages([page], browser=browser)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(printed), "-"], capture_output=True,
                                             text=True, check=True).stdout)
    titles = [f["layout"]["title"]["text"] for f in _page_figures(page)]
    assert len(titles) == 16
    assert [t for t in titles if re.sub(r"\s+", "", t) not in text] == []


def _sheet_tables(path, year=2023) -> YearTables:
    tables, findings = read_published(path, year)
    assert findings == []
    return tables


def test_the_district_tables_are_the_sum_of_the_organs(district):
    year_dir = district / "outputs" / "2023"
    organs = {o: _sheet_tables(year_dir / o / "2023年汇总报表.xlsx") for o in ORGANS}
    whole = _sheet_tables(year_dir / "全区" / "包头市昆都仑区2023年全区汇总报表.xlsx")
    # the seed organ's tables are its published 2023 report (typed by hand)
    seed = organs["团结大街街道"]
    assert (seed.a, seed.b, seed.c) == seed_tables.seed_2023()
    for tbl in "ABC":
        for key, value in whole.table(tbl).items():
            assert value == sum(t.table(tbl)[key] for t in organs.values()), (tbl, key)
    # 1342 items (the seed) + the invented organs' 766 and 575
    assert whole.figures["items_published"] == 2683
    assert whole.b[("new", "total")] == sum(t.b[("new", "total")] for t in organs.values()) > 0


def test_one_organ_only_with_organ(district):
    code, out = run(district, "check", "--year", "2023", "--organ", "区演示数据局", "--json")
    assert code == 0 and json.loads(out) == []
    code, out = run(district, "check", "--year", "2023", "--organ", "东风街道")
    assert code == 2 and "没有机关“东风街道”" in out


def test_collect_routes_each_return_to_its_organ_by_the_unit_written_in_it(repo_root, tmp_path):
    root = tmp_path / "d"
    copy_tree(repo_root / "workbooks", root / "workbooks")
    shutil.copy(repo_root / "xxgk.toml", root / "xxgk.toml")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    moved = {}
    for organ, unit, name in (("演示路街道", "演示一社区", "回执1.xlsx"),
                              ("区演示数据局", "数据资源科", "科室报表.xlsx"),
                              ("团结大街街道", "街道本级", "本级.xlsx")):
        place = filenames.quarter_path(root / "workbooks" / organ, 2023, 4, unit)
        moved[name] = place.read_bytes()
        shutil.move(place, inbox / name)
    (inbox / "说明.txt").write_text("见附件", encoding="utf-8")

    code, out = run(root, "collect", str(inbox), "--year", "2023")

    assert code == 1, out
    for organ, unit, name in (("演示路街道", "演示一社区", "回执1.xlsx"),
                              ("区演示数据局", "数据资源科", "科室报表.xlsx")):
        place = filenames.quarter_path(root / "workbooks" / organ, 2023, 4, unit)
        assert place.read_bytes() == moved[name], organ
    # 街道本级 is a unit of two organs: not guessed, and the way out is said
    assert not filenames.quarter_path(root / "workbooks" / "团结大街街道", 2023, 4, "街道本级").exists()
    assert "CO012" in out and "“街道本级”在团结大街街道、演示路街道中都有" in out
    assert "--organ" in out and "CO001" in out and "说明.txt" in out
    assert (inbox / "本级.xlsx").is_file()  # the inbox is never changed
    code, out = run(root, "collect", str(inbox), "--year", "2023",
                    "--organ", "团结大街街道")
    assert filenames.quarter_path(root / "workbooks" / "团结大街街道", 2023, 4, "街道本级"
                                  ).read_bytes() == moved["本级.xlsx"]


def test_planted_hierarchy_problems_are_found_where_they_are(district, tmp_path):
    root = copy_tree(district, tmp_path / "d")
    # 演示路街道 lost its third quarter of 2023
    filenames.quarter_path(root / "workbooks" / "演示路街道", 2023, 3, "演示二社区").unlink()
    # the district's published 2023 tables say one application more than its organs received
    whole = _sheet_tables(root / "outputs" / "2023" / "全区" / "包头市昆都仑区2023年全区汇总报表.xlsx")
    whole.b[("new", "total")] += 1
    history = root / "workbooks" / "全区" / "2023" / filenames.published_file_name(2023)
    history.parent.mkdir(parents=True)
    write_published(history, whole, title="包头市昆都仑区2023年政府信息公开工作年度报表（已公开）")

    page = root / "outputs" / "2023" / "全区" / "dashboards" / "index.html"
    page.unlink()

    code, out = run(root, "build", "--year", "2023")

    assert code == 1
    # no final 全区 page while one organ's year is not vouched for; the reason is said
    assert not page.exists() and "未生成全区看板：演示路街道的数据尚不能生成正式报告" in out
    findings = json.loads((root / "outputs" / "2023" / "全区" / "2023年审核结果.json")
                          .read_text(encoding="utf-8"))
    [missing] = [f for f in findings if f["rule"] == "DS002"]
    assert missing["unit"] == "演示路街道" and "未收到1本" in missing["message"]
    [differs] = [f for f in findings if f["rule"] == "DS004"]
    assert differs["file"] == "全区/2023/2023年已公开报表.xlsx"
    assert differs["sheet"] == "依申请公开"
    assert "“一、本年新收政府信息公开申请数量”" in differs["message"]
    assert "演示路街道" in out and "DS004" in out


def test_the_bench_compares_the_build_with_the_same_work_done_directly(district, tmp_path):
    """benchmarks/district.py times `xxgk build` against the notebooks' work done in one
    process: that work must give what the build gave, or the ratio compares unlike things."""
    from docx import Document

    from benchmarks import district as bench_district

    place = bench_district.District(district, district / "xxgk.toml", district / "workbooks", 3)
    bench_district.run_direct(place, tmp_path / "direct")
    built, direct = district / "outputs" / "2023", tmp_path / "direct" / "2023"
    for organ in ORGANS:
        assert (_sheet_tables(direct / organ / "2023年汇总报表.xlsx")
                == _sheet_tables(built / organ / "2023年汇总报表.xlsx"))
        [docx] = (built / organ / "report").glob("*.docx")
        texts = [[p.text for p in Document(d).paragraphs]
                 for d in (docx, direct / organ / "report" / docx.name)]
        assert texts[0] == texts[1] and len(texts[0]) > 20
        assert (sorted(p.name for p in (direct / organ / "dashboards").iterdir())
                == sorted(p.name for p in (built / organ / "dashboards").iterdir()))
    whole = "全区/包头市昆都仑区2023年全区汇总报表.xlsx"
    assert _sheet_tables(direct / whole) == _sheet_tables(built / whole)
    page = "全区/dashboards/index.html"
    assert _page_figures(direct / page) == _page_figures(built / page)
    # 3 organs and the 全区: 18 pages and 4 copies of plotly.js
    assert 4 * 4.5e6 < bench_district.dashboard_bytes(tmp_path / "direct") < 4 * 6e6
    config = tmp_path / "fifty.toml"
    config.write_text(bench_district.district_config_text(
        load_district(district / "xxgk.toml").organs[0], 50), encoding="utf-8")
    assert len(load_district(config).organs) == 50
