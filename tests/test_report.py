"""The report model from the store, the notebook that writes the files, and repeatability."""

from __future__ import annotations

from datetime import date, datetime

import docx
import nbformat
import pytest

from pipeline import store
from pipeline.consolidate.unit_part import fact_sums
from pipeline.core import statutory
from pipeline.core.model import YearTables
from pipeline.core.records import Application, Fact, Source
from pipeline.report import model as report_model
from pipeline.report.office_text import read_paragraphs
from pipeline.sample.office_words import write_sample_paragraphs
from pipeline.store import StoreContent, write_store
from tests import seed_tables
from tests.consolidation import consolidate_year
from tests.test_consolidate import headers_for


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
        return report_model.build_report_model(con, config, year)
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
    with pytest.raises(report_model.ReportError, match="没有2019年的数据"):
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
    frames = report_model.table_frames(model_of(seed_store, config).tables)
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
        "year = 2023", "draft = False",
        'store_path = "../outputs/organs/团结大街街道/xxgk.sqlite"',
        'config_path = "../xxgk.toml"', 'organ = "团结大街街道"', "more_organs = []",
        'output_dir = "../outputs/2023/团结大街街道/report"']


def test_run_report_executes_the_notebook_twice_with_the_same_result(seed_store, repo_root,
                                                                      tmp_path):
    outputs = tmp_path / "outputs"
    docx_path, html_path = report_model.run_report(seed_store, repo_root / "tests" / "single_organ.toml", 2023, outputs,
                                             draft=True)
    title = "包头市昆都仑区团结大街街道办事处2023年政府信息公开工作年度报告"
    assert docx_path == outputs / "2023" / "report" / f"{title}.docx"
    assert html_path == outputs / "2023" / "report" / f"{title}.html"
    executed = nbformat.read(outputs / "2023" / "notebooks" / "report.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code"
                      for o in c.outputs)
    assert title in printed and "TX021" in printed
    first = (docx_path.read_bytes(), html_path.read_bytes())
    report_model.run_report(seed_store, repo_root / "tests" / "single_organ.toml", 2023, outputs, draft=True)
    assert (docx_path.read_bytes(), html_path.read_bytes()) == first
    document = docx.Document(docx_path)
    assert document.sections[0].header.paragraphs[0].text == "草稿"
    assert [t.rows[3].cells[-1].text for t in document.tables[1:2]] == ["1"]



# --- The deadline check reaches the words ------------------------------------------------------

def _app(app_id, received, answered=None, outcome=None, row=4, **kw):
    src = Source("2023/第4季度/2023年第4季度-街道本级.xlsx", "依申请公开台账", f"A{row}")
    return Application("街道本级", 2023, 4, app_id, received, "网络平台", "natural",
                       answered=answered, outcome=outcome, source=src,
                       cells={"consult_days": f"L{row}"}, **kw)


ON_TIME = _app("2023-001", date(2023, 5, 8), date(2023, 5, 22), "unavailable_1", row=4)  # 10 days
LATE = _app("2023-002", date(2023, 1, 20), date(2023, 2, 23), "disclosed", row=5)  # 21 days
OVERDUE = _app("2023-003", date(2023, 11, 1), row=6)  # open, due 2023-11-29
ABSURD = _app("2023-004", date(2023, 5, 8), date(2023, 5, 22), "disclosed", row=7,
              consult_days=100000)


def register_store(tmp_path, config, apps, *, office_text=False):
    """A store written from the consolidation of 街道本级's register, as `xxgk check` would."""
    c = consolidate_year(config, 2023, headers_for(config, 2023), [], apps, [], None,
                         as_of=date(2023, 12, 31))
    content = StoreContent(years=[c.tables], findings=c.findings, applications=c.applications)
    if office_text:
        path = write_sample_paragraphs(tmp_path / "workbooks", cfg=config)[1]
        content.paragraphs, _ = read_paragraphs(path, 2023)
    path = tmp_path / "deadlines.sqlite"
    write_store(path, content, version="test", report_year=2023, command="test",
                started=datetime(2024, 1, 10, 9, 0))
    return path


def requests_paragraph(model) -> str:
    section = next(s for p in model.parts for s in p.sections if s.key == "overview.requests")
    return next(p for p in section.paragraphs if p.startswith("2023年"))


@pytest.mark.parametrize(("apps", "expected"), [
    ((ON_TIME,), "2023年，团结大街街道收到政府信息公开申请1件，本年办结1件，办理结果为：无法提供"
                 "（本机关不掌握相关政府信息）1件。已办结的申请均在法定期限内答复。"),
    ((ON_TIME, LATE), "2023年，团结大街街道收到政府信息公开申请2件，本年办结2件，办理结果为："
                      "予以公开1件、无法提供（本机关不掌握相关政府信息）1件。已办结的申请中，"
                      "按时答复1件，逾期答复1件。"),
    ((ON_TIME, OVERDUE), "2023年，团结大街街道收到政府信息公开申请2件，本年办结1件，办理结果为："
                         "无法提供（本机关不掌握相关政府信息）1件；尚未办结、转入下一年度1件。"
                         "已办结的申请中，按时答复1件；尚未办结的申请中，有1件已超过法定答复期限，"
                         "仍在办理。"),
    ((ON_TIME, ABSURD), "2023年，团结大街街道收到政府信息公开申请2件，本年办结2件，办理结果为："
                        "予以公开1件、无法提供（本机关不掌握相关政府信息）1件。"),
])
def test_default_text_follows_the_deadline_check(tmp_path, config, apps, expected):
    model = model_of(register_store(tmp_path, config, apps), config)
    assert requests_paragraph(model) == expected
    assert "TX036" not in {f.rule for f in model.findings}


@pytest.mark.parametrize(("apps", "fact"), [
    ((ON_TIME, LATE), "本年度有1件申请逾期答复"),
    ((ON_TIME, OVERDUE), "有1件未办结的申请已超过答复期限"),
    ((ON_TIME, ABSURD), "有1件已答复的申请未能核对是否按时答复"),
])
def test_office_text_calling_every_answer_timely_is_an_error(tmp_path, config, apps, fact):
    model = model_of(register_store(tmp_path, config, apps, office_text=True), config)
    found = [f for f in model.findings if f.rule == "TX036"]
    assert [(f.severity, f.file, f.sheet) for f in found] == [
        ("error", "2023/2023年年报文字.xlsx", "年报文字")]
    assert found[0].message.startswith("“一、总体情况（二）依申请公开”中写有“均已按时限要求答复”，"
                                       f"但答复期限的核对结果是：{fact}，不能说全部按时答复。")


def test_office_text_calling_every_answer_timely_in_a_timely_year(tmp_path, config):
    model = model_of(register_store(tmp_path, config, (ON_TIME,), office_text=True), config)
    assert "TX036" not in {f.rule for f in model.findings}
