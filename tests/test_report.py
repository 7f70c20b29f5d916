"""The report model from the store, the notebook that writes the files, and repeatability."""

from __future__ import annotations

from datetime import datetime

import docx
import nbformat
import pytest

from pipeline import report, statutory, store
from pipeline.consolidate import fact_sums
from pipeline.model import YearTables
from pipeline.records import Fact
from pipeline.report_text import read_paragraphs, write_sample_paragraphs
from pipeline.store import StoreContent, write_store
from tests import seed_tables


@pytest.fixture
def office_store(tmp_path, config):
    """2022 and 2023 with the sample office's own paragraphs and a few 2023 facts."""
    content = StoreContent()
    for year, (a, b, c) in ((2022, seed_tables.sample_2022()), (2023, seed_tables.seed_2023())):
        content.years.append(YearTables(year, "workbooks", a, b, c,
                                        dict(seed_tables.SAMPLE_FIGURES[year])))
    src = ("2023/第4季度/2023年第4季度-街道本级.xlsx", "主动公开", "B5")
    content.facts += [Fact("街道本级", 2023, 4, "disclosure", "党建工作", "", 700, *src),
                      Fact("街道本级", 2023, 4, "disclosure", "便民事项", "", 642, *src),
                      Fact("街道本级", 2023, 4, "interpretation", "会议", "", 16, *src)]
    content.fact_sums = [(2023, *k, v) for k, v in fact_sums(content.facts).items()]
    for path in write_sample_paragraphs(tmp_path / "workbooks", cfg=config):
        rows, findings = read_paragraphs(path, int(path.parent.name))
        assert findings == []
        content.paragraphs += rows
    path = tmp_path / "xxgk.sqlite"
    write_store(path, content, version="test", report_year=2023, command="test",
                started=datetime(2024, 1, 10, 9, 0))
    return path


def model_of(path, config, year=2023):
    con = store.connect(path)
    try:
        return report.build_report_model(con, config, year)
    finally:
        con.close()


def words(model) -> str:
    return "\n".join(p for part in model.parts for s in part.sections for p in s.paragraphs)


def test_model_uses_the_office_text_with_figures_from_the_store(office_store, config):
    model = model_of(office_store, config)
    assert model.title == "包头市昆都仑区团结大街街道办事处2023年政府信息公开工作年度报告"
    assert [p.heading for p in model.parts] == [h for _, h in statutory.PARTS]
    assert [p.table for p in model.parts] == [None, "A", "B", "C", None, None]
    text = words(model)
    for fragment in ("共9项内容", "新增主动公开政府信息1300余条", "通过会议方式进行政策解读16次",
                     "对上传到平台上的1000余条公开内容逐一筛查", "9条问题进行了通报",
                     "收到群众申请公开政府信息1件", "工作人员更换频繁", "监督电话0472-2620627",
                     "未接到群众的投诉、举报", "未收取政府信息公开信息处理费"):
        assert fragment in text, fragment
    assert "{" not in text
    assert model.findings == ()  # the sample's 2023 words agree with its data


def test_model_without_office_text_uses_defaults_and_asks_for_part_five(seed_store, config):
    model = model_of(seed_store, config)
    assert [f.rule for f in model.findings] == ["TX021"]
    assert "一是政府信息公开工作的规范化" in words(model)


def test_last_years_text_is_compared(office_store, config, tmp_path):
    con = store.connect(office_store)
    rows = list(con.execute("SELECT year, key, text, file, sheet, cell FROM paragraphs"))
    con.close()
    copied = [r for r in rows if r[0] == 2022] + [(2023, *r[1:]) for r in rows if r[0] == 2022]
    content = StoreContent(paragraphs=copied)
    for year, (a, b, c) in ((2022, seed_tables.sample_2022()), (2023, seed_tables.seed_2023())):
        content.years.append(YearTables(year, "workbooks", a, b, c,
                                        dict(seed_tables.SAMPLE_FIGURES[year])))
    path = tmp_path / "copied.sqlite"
    write_store(path, content, version="test", report_year=2023, command="test",
                started=datetime(2024, 1, 10))
    rules = sorted({f.rule for f in model_of(path, config).findings})
    assert rules == ["TX022", "TX032", "TX034"]


def test_missing_year_is_a_clear_error(seed_store, config):
    with pytest.raises(report.ReportError, match="没有2019年的数据"):
        model_of(seed_store, config, 2019)


def test_grids_cover_every_slot_once(seed_store, config):
    model = model_of(seed_store, config)
    for name, n_numbers in (("A", 10), ("B", 175), ("C", 15)):
        grid = model.grids[name]
        covered = [(r, c) for cell in grid.cells for r in range(cell.row, cell.row + cell.rowspan)
                   for c in range(cell.col, cell.col + cell.colspan)]
        assert sorted(covered) == [(r, c) for r in range(grid.n_rows) for c in range(grid.n_cols)]
        assert len([c for c in grid.cells if c.kind == "number"]) == n_numbers
        assert abs(sum(grid.widths) - 156) < 0.1


def test_table_frames_carry_statutory_labels(seed_store, config):
    frames = report.table_frames(model_of(seed_store, config).tables)
    a, b, c = frames.values()
    assert list(frames) == ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                            "四、政府信息公开行政复议、行政诉讼情况"]
    assert list(b.columns) == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
                               "总计"]
    assert b.loc["一、本年新收政府信息公开申请数量", "自然人"] == 1
    assert b.loc["（四）无法提供 1.本机关不掌握相关政府信息", "总计"] == 1
    assert b.shape == (25, 7) and a.shape == (10, 4) and c.shape == (1, 15)
    assert c[("行政复议", "总计")].iloc[0] == 0


def test_committed_notebook_is_clean_and_parameterised(repo_root):
    nb = nbformat.read(repo_root / "notebooks" / "report.ipynb", as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert code[0].metadata["tags"] == ["parameters"]
    assert code[0].source.splitlines() == [
        "year = 2023", "draft = False", 'store_path = "../outputs/xxgk.sqlite"',
        'config_path = "../xxgk.toml"', 'output_dir = "../outputs/2023/report"']


def test_run_report_executes_the_notebook_twice_with_the_same_result(seed_store, repo_root,
                                                                      tmp_path):
    outputs = tmp_path / "outputs"
    docx_path, html_path = report.run_report(seed_store, repo_root / "xxgk.toml", 2023, outputs,
                                             draft=True)
    title = "包头市昆都仑区团结大街街道办事处2023年政府信息公开工作年度报告"
    assert docx_path == outputs / "2023" / "report" / f"{title}.docx"
    assert html_path == outputs / "2023" / "report" / f"{title}.html"
    executed = nbformat.read(outputs / "2023" / "notebooks" / "report.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code"
                      for o in c.outputs)
    assert title in printed and "TX021" in printed
    first = (docx_path.read_bytes(), html_path.read_bytes())
    report.run_report(seed_store, repo_root / "xxgk.toml", 2023, outputs, draft=True)
    assert (docx_path.read_bytes(), html_path.read_bytes()) == first
    document = docx.Document(docx_path)
    assert document.sections[0].header.paragraphs[0].text == "草稿"
    assert [t.rows[3].cells[-1].text for t in document.tables[1:2]] == ["1"]

