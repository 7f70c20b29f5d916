"""`xxgk review` on reports xxgk made itself (its 2023 DOCX, HTML and a PDF of it), clean and with
defects planted in the tables and the words; the 2019 trial format; a folder of several years;
the command line. Each planted defect must be named by its rule."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from pipeline.core import statutory
from pipeline.reports_in.checks import review_document
from pipeline.reports_in.html_format import read_html
from pipeline.reports_in.run import review_all, write_reviewed
from pipeline.reports_in.text_format import read_text
from pipeline.workbooks.published import read_published
from tests.conftest import _main

DATA = Path(__file__).parent / "data"


def rules(findings, severity: str | None = None) -> set[str]:
    return {f.rule for f in findings if severity is None or f.severity == severity}


@pytest.fixture(scope="module")
def own(built_sample) -> dict[str, Path]:
    """xxgk's own 2023 report, as built for the sample."""
    report = built_sample.outputs / "2023" / "report"
    return {p.suffix: p for p in report.iterdir() if p.suffix in (".docx", ".html")}


def test_its_own_report_reads_back_with_no_error(own):
    """The DOCX, the HTML and a PDF exported from the DOCX (LibreOffice, committed) give the
    seed's tables and no error or warning."""
    reviewed = review_all([own[".docx"], own[".html"], DATA / "xxgk-2023-report.pdf"])
    for r in reviewed:
        assert r.findings == [], (r.path, r.findings)
        assert (r.organ, r.year) == ("包头市昆都仑区团结大街街道办事处", 2023)
        assert {k for k, v in r.tables.b.items() if v} == {
            ("new", "natural"), ("new", "total"), ("unavailable_1", "natural"),
            ("unavailable_1", "total"), ("results_total", "natural"), ("results_total", "total")}
        assert all(v == 0 for v in (*r.tables.a.values(), *r.tables.c.values()))


def test_a_saved_page_ends_with_the_report(own):
    """Links to other years' reports after part 六 are not the report's words (no TX032)."""
    page = own[".html"].read_text(encoding="utf-8").replace(
        "</article>", "</article><ul><li>相关链接</li><li>团结大街街道办事处2021年政府信息公开工作年度报告"
                      "</li><li>2021年度政务公开工作年报</li></ul>")
    assert review_document(read_html("page.html", page.encode("utf-8"))).findings == []


def test_table_words_in_part_one_are_not_taken_for_the_tables(own):
    """Part 一 may quote 第二十条, 规章, 本年新收 or 行政复议: each table is looked for in its own
    part."""
    words = ("<p>依照《条例》第二十条第（一）项公开规章 2 件、行政规范性文件 3 件；本年新收政府信息公开"
             "申请数量 1 件，其他 1 件；行政复议 0 件。</p><p>本年新收</p><p>4</p>")
    page = own[".html"].read_text(encoding="utf-8").replace("<h3", words + "<h3", 1)
    reviewed = review_document(read_html("words.html", page.encode("utf-8")))
    assert reviewed.findings == []
    assert reviewed.tables.a[("rules", "made")] == 0 and reviewed.tables.b[("new", "total")] == 1


def _cell(name: str) -> str:
    return rf'(data-cell="{name}">)[^<]*(<)'


# (what is planted, edits of the HTML as (pattern, replacement), the rule that must name it)
PLANTED = [
    ("a wrong sum in table B", [(_cell("B.new.natural"), r"\g<1>2\g<2>")], "RV002"),
    ("一 + 二 ≠ （七） + 四", [(_cell("B.carried_out.natural"), r"\g<1>1\g<2>"),
                           (_cell("B.carried_out.total"), r"\g<1>1\g<2>")], "RV001"),
    ("a blank cell", [(_cell("C.review.total"), r"\g<1>&nbsp;\g<2>")], "RV005"),
    ("a breakdown that does not add up", [("全年新增主动公开政府信息1300余条",
                                           "全年新增主动公开政府信息423条，其中工作总结1条，工作动态95条，"
                                           "通知公告312条")], "TX031"),
    ("a count in the words against the table", [("收到群众申请公开政府信息1件",
                                                  "收到群众申请公开政府信息3件")], "RP040"),
    ("a wrong year", [("2023年以来", "2021年以来")], "TX032"),
    ("last year's statistics period", [("统计期限自2023年", "统计期限自2022年")], "TX032"),
    ("a missing part", [(r"<h2[^>]*>五、存在的主要问题及改进情况</h2>", "")], "RP020"),
    ("a changed heading", [("三、收到和处理政府信息公开申请情况</h2>", "三、依申请公开情况</h2>")],
     "TX033"),
    ("parts out of order", [("五、存在的主要问题及改进情况</h2>", "六、其他需要报告的事项</h2>"),
                            ("六、其他需要报告的事项</h2>\n<h3", "五、存在的主要问题及改进情况</h2>\n<h3")],
     "RP021"),
    ("part 五 left as 无", [(r"(五、存在的主要问题及改进情况</h2>\n)<p[^>]*>[^<]*</p>\n<p[^>]*>[^<]*</p>",
                           r"\g<1><p>无。</p>")], "RP050"),
    ("part 五 in one stock phrase", [(r"(五、存在的主要问题及改进情况</h2>\n)<p[^>]*>[^<]*</p>\n"
                                      r"<p[^>]*>[^<]*</p>", r"\g<1><p>公开工作有待进一步加强。</p>")],
     "RP051"),
    ("no fee statement in part 六", [("本年度未收取政府信息公开信息处理费，不设账户，无单独收费项目。",
                                     "全年工作有序开展。")], "RP060"),
    ("fees in the table against part 六", [(_cell("A.fees.amount"), r"\g<1>0.5\g<2>"),
                                          ("本年度未收取政府信息公开信息处理费", "本年度未收取任何费用")],
     "RP061"),
]


@pytest.mark.parametrize(("what", "edits", "rule"), PLANTED, ids=[p[0] for p in PLANTED])
def test_a_defect_planted_in_its_web_page_is_named(own, what, edits, rule):
    page = own[".html"].read_text(encoding="utf-8")
    for pattern, replacement in edits:
        page, n = re.subn(pattern, replacement, page)
        assert n, f"{what}: {pattern} not in the page"
    found = review_document(read_html("planted.html", page.encode("utf-8"))).findings
    assert rule in rules(found), (what, [f.message for f in found])


def test_defects_planted_in_its_word_document_are_named(own):
    """A wrong number typed into table B, a breakdown in the 共/其中 wording, and part 五
    emptied: each named, located by table and row or by part."""
    d = docx.Document(own[".docx"])
    table_b = d.tables[1]
    row = next(r for r in table_b.rows if r.cells[0].text.startswith("一、本年新收"))
    row.cells[-1].paragraphs[0].runs[0].text = "3"  # 总计 3, the six columns add up to 1
    for p in d.paragraphs:
        if p.text.startswith("2023年，团结大街街道收到群众"):
            p.runs[0].text = "全年共办理各类事项20件，其中咨询12件、投诉5件。"
            for run in p.runs[1:]:
                run.text = ""
    heading = next(i for i, p in enumerate(d.paragraphs) if p.text.startswith("五、"))
    for p in d.paragraphs[heading + 1:heading + 3]:
        for run in p.runs:
            run.text = ""
    out = io.BytesIO()
    d.save(out)
    from pipeline.reports_in.docx_format import read_docx

    found = review_document(read_docx("planted.docx", out.getvalue())).findings
    assert {"RV002", "TX031", "RP050"} <= rules(found, "error")
    rv2 = next(f for f in found if f.rule == "RV002")
    assert rv2.sheet == "依申请公开" and "一、本年新收政府信息公开申请数量" in rv2.message
    tx = next(f for f in found if f.rule == "TX031")
    assert tx.sheet == "一、总体情况" and tx.cell.startswith("第") and "17" in tx.message


def _trial_2019(year: int) -> str:
    """The seed copy turned into the 2019 trial format: table A's old columns, one row for
    （六）其他处理."""
    text = (DATA / "tuanjie-2023-annual-report.txt").read_text(encoding="utf-8")
    text = text.replace("本年制发件数", "本年新制作数量").replace("本年废止件数", "本年新公开数量")
    text = text.replace("现行有效件数", "对外公开总数量").replace("2023", str(year))
    start = text.index("(六)其他处理")
    end = text.index("(七)总计")
    return text[:start] + "(六)其他处理\n\n" + " 0\n\n" * 7 + text[end:]


def test_a_2019_format_report_is_recognised():
    found = review_document(read_text("2019.txt", _trial_2019(2020).encode("utf-8")))
    assert "RP030" in rules(found.findings) and found.trial_2019
    assert not rules(found.findings, "error"), [f.message for f in found.findings]
    assert found.tables.b[("other_3", "total")] == 0
    late = review_document(read_text("2019.txt", _trial_2019(2023).encode("utf-8")))
    assert rules(late.findings, "error") == {"RP031"}


def test_a_folder_of_two_years_checks_the_chain_and_writes_the_summary(own, tmp_path):
    """2022's report carries one application into 2023, whose 上年结转 is 0 (RV006); its words
    are 2022's again (TX034, TX022). The summary has a row per report."""
    folder = tmp_path / "reports"
    folder.mkdir()
    page = own[".html"].read_text(encoding="utf-8")
    (folder / "2023.html").write_text(page, encoding="utf-8")
    before = page.replace("2023", "2022")
    for col in ("natural", "total"):
        before = re.sub(_cell(f"B.carried_out.{col}"), r"\g<1>1\g<2>", before)
        before = re.sub(_cell(f"B.new.{col}"), r"\g<1>2\g<2>", before)
    (folder / "2022.html").write_text(before, encoding="gbk", errors="ignore")
    (folder / "说明.xlsx").write_bytes(b"not a report")
    reviewed = review_all([folder])
    assert [r.path.name for r in reviewed] == ["2022.html", "2023.html"]
    last = reviewed[1]
    assert {"RV006", "TX034", "TX022"} <= rules(last.findings)
    folders, summary = write_reviewed(tmp_path / "outputs", reviewed, summary=True)
    assert summary == tmp_path / "outputs" / "审核" / "审核汇总.xlsx"
    ws = load_workbook(summary).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][:5] == ["文件", "格式", "机关", "年度", "错误"]
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        ("2022.html", "包头市昆都仑区团结大街街道办事处", 2022),
        ("2023.html", "包头市昆都仑区团结大街街道办事处", 2023)]
    assert "RV006" in rows[2][7]
    tables, problems = read_published(folders[last.path] / "报告中的报表.xlsx", 2023)
    assert tables.a == last.tables.a and tables.b == last.tables.b and tables.c == last.tables.c
    # the headline figures are not taken from the words ("1300余条" is no count): left blank
    assert {(f.rule, f.sheet) for f in problems} == {("HI004", "主要数据")}


def test_last_years_published_tables_beside_the_report_check_the_carry_over(own, tmp_path):
    """A published-tables workbook (xxgk init --history, filled in) for 2022 says one
    application was carried over; the 2023 report's 上年结转 is 0."""
    from pipeline.core.model import empty_tables
    from pipeline.workbooks.published import write_published

    last_year = empty_tables(2022, "published")
    last_year.b[("carried_out", "natural")] = 1
    write_published(tmp_path / "2022年已公开报表.xlsx", last_year,
                    title="包头市昆都仑区团结大街街道办事处2022年政府信息公开工作年度报表（已公开）")
    (tmp_path / "2023.html").write_bytes(own[".html"].read_bytes())
    [r] = review_all([tmp_path])
    carry = [f for f in r.findings if f.rule == "RV006"]
    assert len(carry) == 1 and "自然人" in carry[0].message


def test_a_scanned_pdf_gets_a_clear_message(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    scan = tmp_path / "扫描件.pdf"
    with scan.open("wb") as f:
        writer.write(f)
    [r] = review_all([scan])
    assert [f.rule for f in r.findings] == ["RP001"] and "扫描件" in r.findings[0].message


def test_the_command(own, tmp_path):
    code, printed = _main("review", str(own[".html"]), "--outputs", str(tmp_path))
    assert code == 0, printed
    assert "错误 0 条" in printed
    assert not (tmp_path / "审核" / "审核汇总.xlsx").exists()  # one file: no summary
    folder = tmp_path / "一份"
    folder.mkdir()
    (folder / "a.html").write_bytes(own[".html"].read_bytes())
    code, printed = _main("review", str(folder), "--outputs", str(tmp_path))
    assert code == 0 and (tmp_path / "审核" / "审核汇总.xlsx").is_file()  # a folder: summary
    bad = tmp_path / "bad.html"
    bad.write_text(re.sub(_cell("B.new.natural"), r"\g<1>2\g<2>",
                          own[".html"].read_text(encoding="utf-8")), encoding="utf-8")
    code, printed = _main("review", str(bad), "--json", "--outputs", str(tmp_path))
    assert code == 1
    [report] = json.loads(printed)
    assert report["year"] == 2023 and "RV002" in {f["rule"] for f in report["findings"]}
    assert (tmp_path / "审核" / "bad.html" / "审核结果.json").is_file()
    code, printed = _main("review", str(tmp_path / "无此文件.docx"))
    assert code == 2 and "找不到" in printed


def test_every_statutory_row_label_is_matched_once():
    """Row keys tell apart every numbered item of table B (the same words under two groups
    would read one row twice)."""
    from pipeline.reports_in.tables import _B_SPECS

    assert len({(s.match, s.exact) for s in _B_SPECS}) == len(statutory.TABLE_B_NUMERIC_ROWS)
