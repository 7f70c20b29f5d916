"""Reading reports made elsewhere (pipeline.reports_in): the seed's copied web page, web pages
in different table markups and encodings. Expected cells are typed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from pipeline.core import statutory
from pipeline.reports_in.checks import review_document
from pipeline.reports_in.document import Unreadable
from pipeline.reports_in.html_format import read_html
from pipeline.reports_in.run import review_all
from pipeline.reports_in.tables import parse_number, read_tables
from pipeline.reports_in.text_format import read_text

DATA = Path(__file__).parent / "data"

SEED = DATA / "tuanjie-2023-annual-report.txt"


def rules(findings) -> list[str]:
    return sorted({f.rule for f in findings})


def test_the_seed_copy_reads_back_cell_for_cell():
    """shared/domain/seed-2023-figures.md: all cells 0 but 一、本年新收, （四）1.本机关不掌握相关
    政府信息 and （七）总计, each 1 in 自然人 and 总计."""
    doc = read_text(SEED.name, SEED.read_bytes())
    reading = read_tables(doc, 2023)
    assert reading.found == {"A", "B", "C"} and reading.trial_2019 == []
    assert reading.tables.a == dict.fromkeys(statutory.TABLE_A_CELLS, 0)
    assert reading.tables.c == dict.fromkeys(statutory.TABLE_C_CELLS, 0)
    ones = {("new", "natural"), ("new", "total"), ("unavailable_1", "natural"),
            ("unavailable_1", "total"), ("results_total", "natural"), ("results_total", "total")}
    assert {k for k, v in reading.tables.b.items() if v != 0} == ones
    assert all(reading.tables.b[k] == 1 for k in ones)
    assert all(v == 0 for k, v in reading.tables.b.items() if k not in ones)


def test_the_seed_copy_says_which_rows_lost_cells_and_has_no_error():
    [reviewed] = review_all([SEED])
    assert (reviewed.organ, reviewed.year, reviewed.kind) == ("包头市昆都仑区团结大街街道办事处",
                                                              2023, "text")
    assert reviewed.errors == 0
    short = [f for f in reviewed.findings if f.rule == "RP005"]
    # 12 rows of the page lost cells in the copy (二、上年结转 kept 5 of its 7, for one)
    assert len(short) == 12
    assert any("二、上年结转政府信息公开申请数量" in f.message and "只读到5个数" in f.message
               for f in short)
    assert rules(reviewed.findings) == ["RP005"]


@pytest.mark.parametrize(("text", "value", "understood"), [
    ("12", 12, True), ("１２", 12, True), ("1,234", 1234, True), ("1，234", 1234, True),
    ("0.35", 0.35, True), ("３件", 3, True), ("", None, True), ("/", None, True),
    ("—", None, True), ("无", None, True), ("1O", None, False), ("12,34", None, False),
])
def test_cell_numbers(text, value, understood):
    assert parse_number(text) == (value, understood)


def _page(table_b_rows: str, charset: str = "utf-8", table_c: str | None = None) -> str:
    """A web page with the three tables: table B's rows given, the rest all 0."""
    a_rows = "".join(f"<tr><td>{label}</td><td>0</td><td>0</td><td>0</td></tr>"
                     for label in ("规章", "行政规范性文件"))
    single = "".join(f"<tr><td>{h}</td></tr><tr><td>信息内容</td><td colspan=3>本年处理决定数量</td></tr>"
                     f"<tr><td>{r}</td><td colspan=3>0</td></tr>"
                     for h, r in (("第二十条第(五)项", "行政许可"), ("第二十条第(六)项", "行政处罚")))
    c = table_c or ("<tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>"
                    + "<tr>" + "<td>0</td>" * 15 + "</tr>")
    return (f"<html><head><meta http-equiv='Content-Type' content='text/html; charset={charset}'>"
            "<title>某某街道办事处2023年政府信息公开工作年度报告</title></head><body>"
            "<p>一、总体情况</p><p>二、主动公开政府信息情况</p>"
            f"<table><tr><td colspan=4>第二十条第（一）项</td></tr>{a_rows}{single}"
            "<tr><td>行政强制</td><td colspan=3>0</td></tr><tr><td>行政事业性收费</td>"
            "<td colspan=3>0</td></tr></table>"
            "<p>三、收到和处理政府信息公开申请情况</p>"
            f"<table>{table_b_rows}</table>"
            f"<p>四、政府信息公开行政复议、行政诉讼情况</p><table>{c}</table>"
            "<p>五、存在的主要问题及改进情况</p><p>六、其他需要报告的事项</p></body></html>")


def _b_rows(cells: dict[str, str] | None = None) -> str:
    """Table B as a web page lays it out: the 三、 group label spanning its rows, numbered items
    under their group label (rowspan), &nbsp; where the page left cells empty."""
    cells = cells or {}
    head = ("<tr><td rowspan=3 colspan=3>(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项"
            "之和)</td><td colspan=7>申请人情况</td></tr><tr><td rowspan=2>自然人</td>"
            "<td colspan=5>法人或其他组织</td><td rowspan=2>总计</td></tr><tr><td>商业<br>企业</td>"
            "<td>科研<br>机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>")
    out = [head]
    for r in statutory.TABLE_B_ROWS:
        if r.group:
            continue
        values = cells.get(r.key, "<td><p><span>0</span></p></td>" * 7)
        label = f"<td colspan=3>{r.label}</td>"
        if r.parent == "results" and r.key == "disclosed":
            label = f"<td rowspan=22>三、本年度办理结果</td><td colspan=2>{r.label}</td>"
        elif r.parent == "results":
            label = f"<td colspan=2>{r.label}</td>"
        elif r.level == 2:
            parent = statutory.TABLE_B_ROW[r.parent]
            first = parent.children[0] == r.key
            group = (f"<td rowspan={len(parent.children)}>{parent.label}</td>" if first else "")
            label = f"{group}<td>{r.label.replace('.', '．')}</td>"
        out.append(f"<tr>{label}{values}</tr>")
    return "".join(out)


def test_a_web_page_with_merged_cells_nbsp_and_marks():
    """colspan/rowspan, a label split by <br>, half-width brackets, numbers inside <p><span>,
    full-width digits and thousands separators read; &nbsp;, "/" "—" "无" stay blank."""
    b = {"new": "<td>１,２０３</td><td>2</td>" + "<td>0</td>" * 4 + "<td>1,205</td>",
         "disclosed": "<td>&nbsp;</td><td>/</td><td>—</td><td>无</td>" + "<td>0</td>" * 3}
    page = _page(_b_rows(b)).encode("utf-8")
    reading = read_tables(read_html("a.html", page), 2023)
    assert reading.found == {"A", "B", "C"}
    assert reading.tables.b[("new", "natural")] == 1203
    assert reading.tables.b[("new", "business")] == 2
    assert reading.tables.b[("new", "total")] == 1205
    assert [reading.tables.b[("disclosed", c)] for c, _ in statutory.TABLE_B_COLUMNS] == \
        [None, None, None, None, 0, 0, 0]
    assert reading.tables.a[("licensing", "decisions")] == 0
    assert reading.tables.c[("suit_after_review", "total")] == 0
    assert reading.findings == []


def test_blank_cells_are_findings_never_zero():
    b = {"disclosed": "<td>&nbsp;</td><td>/</td><td>—</td><td>无</td>" + "<td>0</td>" * 3}
    reviewed = review_document(read_html("a.html", _page(_b_rows(b)).encode("utf-8")))
    blank = [f for f in reviewed.findings if f.rule == "RV005"]
    assert len(blank) == 4
    assert all("（一）予以公开" in f.message and "未填写" in f.message for f in blank)


def test_a_gbk_encoded_page():
    page = _page(_b_rows(), charset="gbk").encode("gbk")
    reviewed = review_document(read_html("gbk.html", page))
    assert reviewed.organ == "某某街道办事处" and reviewed.year == 2023
    assert reviewed.tables.b[("new", "total")] == 0
    assert "RP003" not in rules(reviewed.findings)


# Pieces real reports are made of, to be shuffled into garbage: labels, headings, numbers in
# every form, marks for "nothing", markup.
_PIECES = [
    *(label for _, label in statutory.PARTS), *(r.label for r in statutory.TABLE_B_ROWS),
    *(label for b in statutory.TABLE_A_BLOCKS for _, label in b.rows), "第二十条第（一）项",
    "行政复议", "结果维持", "总计", "其中", "共423条，其中工作总结1条、动态95条", "2021年以来",
    "0", "1", "１２", "1,234", "-1", "0.5", "/", "—", "无", "&nbsp;", "1O", "2023", "由某机关编制",
    "某街道2023年政府信息公开工作年度报告", "本年度未收取任何费用", "收取信息处理费200元", "|", "\t",
    " ", "\n", "<td>", "</td>", "<tr>", "<table>", "</table>", "<td colspan=99999>", "<td rowspan=0>",
    "<th rowspan=x>", "<p>", "<br>", "<!--", "-->", "<script>", "&#0;", "\x00", "\ufeff",
]


@settings(max_examples=150, deadline=None)
@given(hs.lists(hs.one_of(hs.sampled_from(_PIECES), hs.text(max_size=12)), max_size=60))
def test_the_reader_never_crashes_on_garbage(pieces):
    """Whatever text or markup comes in, reading and reviewing it returns findings (and every
    cell is a number or blank), or says in Chinese why it is no report; nothing else raises."""
    data = "".join(pieces).encode("utf-8", "surrogatepass")
    for reader in (read_text, read_html):
        try:
            doc = reader("x", data)
        except Unreadable as exc:
            assert "文件" in str(exc)
            continue
        reviewed = review_document(doc)
        cells = [*reviewed.tables.a.values(), *reviewed.tables.b.values(),
                 *reviewed.tables.c.values()]
        assert all(v is None or isinstance(v, int | float) for v in cells)
        assert all(f.message for f in reviewed.findings)


@settings(max_examples=60, deadline=None)
@given(hs.binary(max_size=400), hs.sampled_from([b"", b"PK\x03\x04", b"%PDF-1.4\n"]))
def test_broken_word_and_pdf_files_are_unreadable_not_crashes(data, head):
    from pipeline.reports_in.docx_format import read_docx
    from pipeline.reports_in.pdf_format import read_pdf

    for reader in (read_docx, read_pdf):
        with pytest.raises(Unreadable):
            reader("x", head + data)


def _markdown_report(separator: str) -> str:
    """A report whose tables came through a text or markdown converter: one row a line, cells
    separated by `separator` (A and C all 0; B with one application, answered 本机关不掌握)."""
    def row(label, values):
        cells = [label, *values]
        return ("| " + " | ".join(cells) + " |") if separator == "|" else separator.join(cells)

    b_values = {"new": ["1", *["0"] * 5, "1"], "unavailable_1": ["1", *["0"] * 5, "1"],
                "results_total": ["1", *["0"] * 5, "1"]}
    lines = ["某某局2023年政府信息公开工作年度报告", "一、总体情况", "二、主动公开政府信息情况",
             row("第二十条第（一）项", []), "|---|---|---|---|" if separator == "|" else "",
             row("信息内容", ["本年制发件数", "本年废止件数", "现行有效件数"])]
    lines += [row(label, ["0"] * len(b.columns))
              for b in statutory.TABLE_A_BLOCKS for _, label in b.rows]
    lines += ["三、收到和处理政府信息公开申请情况",
              row("申请人情况", [label for _, label in statutory.TABLE_B_COLUMNS])]
    lines += [row(r.label, b_values.get(r.key, ["0"] * 7)) if not r.group else r.label
              for r in statutory.TABLE_B_ROWS]
    lines += ["四、政府信息公开行政复议、行政诉讼情况", row("行政复议", ["行政诉讼"]),
              row("结果维持", ["结果纠正", "其他结果", "尚未审结", "总计"]), row("0", ["0"] * 14),
              "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    return "\n".join(lines)


@pytest.mark.parametrize("separator", ["|", "\t", "  "])
def test_rows_of_cells_separated_by_bars_tabs_or_spaces(separator):
    doc = read_text("x.md", _markdown_report(separator).encode("utf-8"))
    reading = read_tables(doc, 2023)
    assert reading.findings == [] and reading.found == {"A", "B", "C"}
    assert {k for k, v in reading.tables.b.items() if v} == {
        ("new", "natural"), ("new", "total"), ("unavailable_1", "natural"),
        ("unavailable_1", "total"), ("results_total", "natural"), ("results_total", "total")}
    assert reading.tables.a == dict.fromkeys(statutory.TABLE_A_CELLS, 0)
    assert reading.tables.c == dict.fromkeys(statutory.TABLE_C_CELLS, 0)


@pytest.mark.parametrize(("text", "expected"), [
    # the real sentence: parts add to 408, not 423
    ("主动公开政府信息423条，其中工作总结1条，工作动态95条，通知公告312条。",
     [("423条，其中工作总结1条，工作动态95条，通知公告312条", 408, 423)]),
    ("合计30篇，其中政策文件10件、工作动态15条、图片新闻5篇。", []),
    ("累计办理20件，包括咨询12件、投诉5件。",
     [("20件，包括咨询12件、投诉5件", 17, 20)]),
    ("共423条（其中工作动态300条、通知公告123条）。", []),
    ("共30条，其中动态20条（其中图片5条）、通知10条，较上年增加8条。", []),
    ("共1300余条，其中动态300余条、通知200条。", []),
])
def test_breakdowns_in_the_wordings_reports_use(text, expected):
    from pipeline.report.text_review import breakdown_mismatches

    assert breakdown_mismatches(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("一、总体情况", ("overview", 1)), ("一.总体情况", ("overview", 1)),
    ("二 、 主动公开政府信息情况", ("proactive", 2)), ("第三部分 收到和处理政府信息公开申请情况", ("applications", 3)),
    ("四、政府信息公开行政复议、行政诉讼情况", ("appeals", 4)), ("五．存在的主要问题及改进情况", ("problems", 5)),
    ("六，其他需要报告的事项", ("other", 6)), ("三、依申请公开情况", ("applications", 3)),
    ("（一）主动公开", None), ("二、上年结转政府信息公开申请数量", None), ("四、结转下年度继续办理", None),
    ("一是政务公开考核力度有待加强，存在的主要问题较多", None),
])
def test_part_headings_in_their_variants(text, expected):
    from pipeline.reports_in.parts import heading_key

    assert heading_key(text) == expected
