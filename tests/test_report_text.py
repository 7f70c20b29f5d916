"""The report's words: paragraphs workbook, placeholders, default text and the TX rules."""

from __future__ import annotations

import dataclasses
import re

import openpyxl
import pytest

from pipeline.core import statutory
from pipeline.core.model import YearTables
from pipeline.report import composition, default_words, office_text, placeholders, text_review
from pipeline.sample import office_words
from tests import seed_tables


def tiny_data(**figures) -> placeholders.TextData:
    """The seed's 2023 tables with a few hand-typed facts (700 + 642 = 1342 items)."""
    a, b, c = seed_tables.seed_2023()
    figs = {**seed_tables.SAMPLE_FIGURES[2023], **figures}
    return placeholders.TextData(YearTables(2023, "workbooks", a, b, c, figs),
                       categories={"党建工作": 700, "便民事项": 642},
                       channels={"政府网站": 1342, "信息公示栏": 200},
                       interpretations={"会议": 16})


# A clean, hand-written set of paragraphs that agrees with tiny_data().
CLEAN = {
    "overview.intro": "2023年以来，团结大街街道认真落实政务公开各项部署。",
    "overview.proactive": "全年主动公开政府信息1300余条，通过会议方式进行政策解读16次。",
    "overview.requests": "2023年，街道收到政府信息公开申请1件，已按时答复。",
    "problems": "一是考核力度不够。二是人员变动频繁。\n下一步将加强培训，完善考核。",
    "other.fees": "本年度未收取信息处理费。",
}


def review(cfg, paragraphs, previous=None, data=None, parts=None):
    data = data or tiny_data()
    _, composed = composition.compose(cfg, data, paragraphs)
    return text_review.review_text(cfg, data.year, data.tables, paragraphs, previous, parts or composed,
                          data=data)


def rules(findings) -> list[str]:
    return sorted(f.rule for f in findings)


# --- numbers and placeholders ----------------------------------------------------------------

@pytest.mark.parametrize(("value", "text"), [
    (1342, "1300余"), (1023, "1000余"), (1300, "1300"), (135, "130余"), (130, "130"),
    (99, "99"), (0, "0"), (12345, "12300余")])
def test_approx_rounds_down_to_hundreds_or_tens(value, text):
    assert placeholders.approx(value) == text


def test_approx_agrees_with_the_range_the_words_mean():
    assert placeholders.approx_agrees(1300, 1342) and placeholders.approx_agrees(1000, 1999)
    assert not placeholders.approx_agrees(1300, 1400) and not placeholders.approx_agrees(1500, 1342)
    assert placeholders.approx_agrees(16, 16) and not placeholders.approx_agrees(16, 17)


def test_render_fills_known_placeholders_and_leaves_others_visible(config):
    values = placeholders.placeholder_values(config, tiny_data())
    text = "公开{items_published_approx}条（{items_published}），会议解读{interpretations_会议}次，" \
           "新收{b.new.natural}件，{nonsense}"
    assert placeholders.render(text, values) == "公开1300余条（1342），会议解读16次，新收1件，{nonsense}"
    assert values["organ"] == "包头市昆都仑区团结大街街道办事处"
    assert values["categories"] == "党建工作、便民事项"
    assert values["interpretations_图文"] == "0"  # a workbook year: nothing reported is 0


def test_a_published_year_has_no_per_form_figures(config):
    a, b, c = seed_tables.sample_2021()
    data = placeholders.TextData(YearTables(2021, "published", a, b, c, {"items_published": 980}))
    values = placeholders.placeholder_values(config, data)
    assert "interpretations_会议" not in values and values["items_published_approx"] == "980"


def test_catalogue_lists_figures_table_cells_and_configured_forms(config):
    names = {n for n, _ in placeholders.placeholder_catalogue(config)}
    assert {"items_published", "items_published_approx", "applications_received",
            "interpretations_会议", "items_党建工作", "a.fees.amount", "b.unavailable_1.natural",
            "c.direct_suit.total"} <= names
    assert len([n for n in names if n.startswith("b.")]) == 175


# --- the paragraphs workbook -------------------------------------------------------------------

def test_blank_workbook_lists_every_key_and_reads_back_empty(tmp_path, config):
    path = office_text.write_paragraphs_workbook(tmp_path / "2023" / "2023年年报文字.xlsx", 2023, {},
                                        cfg=config)
    ws = openpyxl.load_workbook(path)["年报文字"]
    assert [c.value for c in ws[1]] == ["段落编号", "所属部分", "方式", "文字", "说明"]
    keys = [ws.cell(r, 1).value for r in range(2, 13)]
    assert keys == ["preamble", "overview.intro", "overview.proactive", "overview.requests",
                    "overview.management", "overview.platforms", "overview.supervision",
                    "problems", "other.fees", "other.key_points"] + [None]
    assert ws["B4"].value == "一、总体情况（一）主动公开"
    ref = openpyxl.load_workbook(path)["占位符说明"]
    assert "{items_published_approx}" in [c.value for c in ref["A"]]
    assert office_text.read_paragraphs(path, 2023) == ([], [])
    with pytest.raises(FileExistsError):
        office_text.write_paragraphs_workbook(path, 2023, {})


def test_read_paragraphs_keeps_mode_and_cell(tmp_path):
    path = office_text.write_paragraphs_workbook(tmp_path / "2023" / "2023年年报文字.xlsx", 2023, {
        "problems": (office_text.REPLACE, "一是问题。"), "other.key_points": (office_text.APPEND, "另外落实了要点。")})
    rows, findings = office_text.read_paragraphs(path, 2023)
    assert findings == []
    assert rows == [
        (2023, "problems", "一是问题。", "2023/2023年年报文字.xlsx", "年报文字", "D9"),
        (2023, "other.key_points", "〔追加〕另外落实了要点。", "2023/2023年年报文字.xlsx", "年报文字",
         "D11"),
    ]


def test_file_is_named_relative_to_the_workbooks_folder(tmp_path):
    path = office_text.write_paragraphs_workbook(office_text.paragraphs_path(tmp_path / "wb", 2023), 2023,
                                        {"problems": (office_text.REPLACE, "一是问题。")})
    rows, _ = office_text.read_paragraphs(path, 2023, tmp_path / "wb")
    assert rows[0][3] == "2023/2023年年报文字.xlsx"


def test_read_paragraphs_reports_unknown_keys_modes_and_duplicates(tmp_path):
    path = office_text.write_paragraphs_workbook(tmp_path / "2023年年报文字.xlsx", 2023,
                                        {"problems": (office_text.REPLACE, "第一段。")})
    wb = openpyxl.load_workbook(path)
    ws = wb["年报文字"]
    ws["A3"], ws["D3"] = "overview.introduction", "写错了编号。"
    ws["C4"], ws["D4"] = "覆盖", "方式写错了。"
    ws["A10"], ws["D10"] = "problems", "第二段。"
    wb.save(path)
    rows, findings = office_text.read_paragraphs(path, 2023)
    assert rules(findings) == ["TX002", "TX003", "TX004"]
    assert {(f.rule, f.cell) for f in findings} == {("TX002", "A3"), ("TX003", "C4"),
                                                    ("TX004", "A10")}
    assert [r[1:3] for r in rows] == [("problems", "第一段。")]
    assert "overview.proactive" in next(f.message for f in findings if f.rule == "TX002")


def test_read_paragraphs_of_an_unsafe_file_is_one_clear_finding(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    rows, findings = office_text.read_paragraphs(tmp_path / "x.xlsx", 2023)
    assert rows == [] and rules(findings) == ["TX001"] and "无法打开" in findings[0].message


def test_read_paragraphs_without_the_sheet_is_one_clear_finding(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(tmp_path / "x.xlsx")
    rows, findings = office_text.read_paragraphs(tmp_path / "x.xlsx", 2023)
    assert rows == [] and rules(findings) == ["TX001"] and "年报文字" in findings[0].message


def test_sample_paragraphs_follow_the_seed_and_differ_between_years(tmp_path, config):
    p2022, p2023 = office_words.write_sample_paragraphs(tmp_path, cfg=config)
    assert p2023 == tmp_path / "2023" / "2023年年报文字.xlsx"
    rows22 = {r[1]: r[2] for r in office_text.read_paragraphs(p2022, 2022)[0]}
    rows23 = {r[1]: r[2] for r in office_text.read_paragraphs(p2023, 2023)[0]}
    assert all(rows22[k] != rows23[k] for k in set(rows22) & set(rows23))
    assert "{items_published_approx}条" in rows23["overview.proactive"]
    assert "{items_screened_approx}条" in rows23["overview.supervision"]
    assert "{problems_found}条" in rows23["overview.supervision"]
    assert "工作人员更换频繁" in rows23["problems"] and "重复公开或漏公开" in rows23["problems"]
    assert rows22["other.key_points"].startswith("〔追加〕")
    with pytest.raises(FileExistsError):
        office_words.write_sample_paragraphs(tmp_path)


# --- composition ---------------------------------------------------------------------------

def test_text_data_sums_facts_by_category_channel_and_form():
    a, b, c = seed_tables.seed_2023()
    facts = [("disclosure", "党建工作", "", 3), ("disclosure", "党建工作", "", 4),
             ("disclosure", "党建工作", "政府网站", 5), ("disclosure", "便民事项", "政府网站", 2),
             ("disclosure", "便民事项", "", None), ("interpretation", "会议", "", 6),
             ("supervision", "trainings", "", 2)]
    data = placeholders.text_data(YearTables(2023, "workbooks", a, b, c), facts)
    assert data.categories == {"党建工作": 7}
    assert data.channels == {"政府网站": 7}
    assert data.interpretations == {"会议": 6}


def test_defaults_are_written_from_the_data(config):
    preamble, parts = composition.compose(config, tiny_data(), {})
    text = "\n".join(p for part in parts for s in part.sections for p in s.paragraphs)
    assert [p.heading for p in parts] == [h for _, h in statutory.PARTS]
    assert "共1342条，其中党建工作700条、便民事项642条" in text
    assert "通过会议方式进行政策解读16次" in text
    assert "收到政府信息公开申请1件" in text and "本机关不掌握相关政府信息" in text
    assert "对1000余条公开内容进行筛查" in text and "发现问题9条" in text
    assert "政府网站、信息公示栏等渠道" in text
    assert "未收取政府信息公开信息处理费" in text and "未接到群众投诉、举报" in text
    assert "自2023年1月1日起至2023年12月31日止" in preamble[-1]
    assert "0472-2620644" in preamble[-1] and "014010" in preamble[-1]


def test_office_text_replaces_or_follows_the_default(config):
    _, parts = composition.compose(config, tiny_data(), {
        "overview.platforms": "〔追加〕另设LED显示屏{a.fees.amount}块。",
        "problems": "一是问题甲。\n二是问题乙。"})
    sections = {s.key: s.paragraphs for p in parts for s in p.sections}
    assert sections["problems"] == ("一是问题甲。", "二是问题乙。")
    assert len(sections["overview.platforms"]) == 2
    assert sections["overview.platforms"][0].startswith("团结大街街道通过")
    assert sections["overview.platforms"][1] == "另设LED显示屏0块。"


# --- TX rules ------------------------------------------------------------------------------

def test_clean_text_has_no_findings(config):
    assert review(config, CLEAN) == []


def test_review_composes_the_parts_itself_when_not_given(config):
    data = tiny_data()
    bad = {**CLEAN, "overview.requests": "收到政府信息公开申请3件。"}
    assert rules(text_review.review_text(config, 2023, data.tables, bad, None, data=data)) == ["TX030"]
    # without the facts, a per-form placeholder has no data
    meeting = {**CLEAN, "overview.proactive": "会议解读{interpretations_会议}次。"}
    assert text_review.review_text(config, 2023, data.tables, meeting, None, data=data) == []
    assert rules(text_review.review_text(config, 2023, data.tables, meeting, None)) == ["TX011"]


def test_default_part_five_is_a_warning(config):
    found = review(config, {k: v for k, v in CLEAN.items() if k != "problems"})
    assert rules(found) == ["TX021"] and found[0].severity == "warning"


@pytest.mark.parametrize("text", ["无", " 无。 ", ""])
def test_empty_part_five_is_an_error(config, text):
    assert rules(review(config, {**CLEAN, "problems": text})) == ["TX020"]


def test_part_five_copied_from_last_year_is_an_error(config):
    previous = {"problems": CLEAN["problems"].replace("\n", "\n  ")}
    found = review(config, CLEAN, previous)
    assert rules(found) == ["TX022"] and found[0].file == "2023/2023年年报文字.xlsx"


def test_other_paragraph_copied_from_last_year_is_a_warning(config):
    found = review(config, CLEAN, {"overview.requests": CLEAN["overview.requests"]})
    assert rules(found) == ["TX034"] and "依申请公开" in found[0].message


@pytest.mark.parametrize(("key", "text", "fragment"), [
    ("overview.requests", "2023年共收到政府信息公开申请2件。", "收到政府信息公开申请2件"),
    ("overview.requests", "全年接到群众主动要求公开政府信息3条。", "3条"),
    ("overview.proactive", "全年新增主动公开政府信息1500余条。", "1500余条"),
    ("overview.proactive", "主动公开政府信息1341条。", "1341条"),
    ("overview.proactive", "全年开展政策解读20次。", "20次"),
    ("overview.proactive", "通过会议方式进行政策解读15次。", "15次"),
])
def test_numbers_that_disagree_with_the_tables(config, key, text, fragment):
    found = review(config, {**CLEAN, key: text})
    assert rules(found) == ["TX030"] and fragment in found[0].message


def test_numbers_that_agree_are_not_flagged(config):
    ok = {**CLEAN, "overview.management": "新增主动公开政府信息1342条，收到并办结依申请公开数为1条，"
                                          "政策解读共16次；１０００余条内容经过筛查。"}
    assert review(config, ok) == []


def test_breakdown_that_does_not_add_up(config):
    bad = {**CLEAN, "overview.platforms": "全年更新公开栏共30次，其中社区12次、街道15次。"}
    found = review(config, bad)
    assert rules(found) == ["TX031"] and "27" in found[0].message
    good = {**CLEAN, "overview.platforms": "全年更新公开栏共30次，其中社区12次、街道18次。"}
    assert review(config, good) == []


@pytest.mark.parametrize(("text", "flagged"), [
    ("2022年以来，街道不断完善制度。", True),
    ("街道在2022年全年开展检查。", True),
    ("本街道2021年度的做法得到推广。", True),
    ("2022年，街道开展了检查。", True),
    ("主动公开数量较2022年增长两成。", False),
    ("2024年，街道将继续完善制度。", False),
    ("2023年11月，纪工委通报了问题。", False),
])
def test_another_year_described_as_this_year(config, text, flagged):
    found = review(config, {**CLEAN, "overview.supervision": text})
    assert rules(found) == (["TX032"] if flagged else [])


def test_missing_or_renamed_heading(config):
    _, parts = composition.compose(config, tiny_data(), CLEAN)
    renamed = list(parts)
    renamed[4] = dataclasses.replace(parts[4], heading="五、存在问题")
    found = review(config, CLEAN, parts=renamed)
    assert rules(found) == ["TX033"] and "五、存在的主要问题及改进情况" in found[0].message
    assert rules(review(config, CLEAN, parts=parts[:5])) == ["TX033"]


def test_fee_statement_must_match_the_data(config):
    charged_text = {**CLEAN, "other.fees": "本年度收取信息处理费200元。"}
    assert rules(review(config, charged_text)) == ["TX035"]
    charged_data = tiny_data(fee_charged_yuan=200)
    assert rules(review(config, CLEAN, data=charged_data)) == ["TX035"]
    assert review(config, charged_text, data=charged_data) == []


def test_unknown_placeholder_and_placeholder_without_data(config):
    found = review(config, {**CLEAN, "overview.platforms": "公开{items_publishd}条。"})
    assert rules(found) == ["TX010"] and "{items_publishd}" in found[0].message
    assert "一、总体情况（四）" in found[0].message
    no_screening = tiny_data(items_screened=None)
    found = review(config, {**CLEAN, "overview.platforms": "筛查{items_screened}条。"},
                   data=no_screening)
    assert rules(found) == ["TX011"]


def test_every_tx_rule_has_chinese_guidance():
    from pipeline.core.findings import all_rules
    tx = [r for r in all_rules() if r.id.startswith("TX")]
    assert len(tx) == 16 and all("请" in r.template for r in tx if r.id != "TX021") and all(
        r.severity in ("error", "warning") for r in tx)


# --- deadlines in the words (TX036, counts of table three) ---------------------------------------

def requests_data(*, new=6, closed=6, carried_out=0, on_time=6, late=0, unknown=0,
                  overdue_open=0) -> placeholders.TextData:
    """Table three with 4 disclosed, 1 partly disclosed, 1 not held (and any carried out), and
    the deadline check's counts."""
    b = {("new", "total"): new, ("carried_in", "total"): 0, ("results_total", "total"): closed,
         ("carried_out", "total"): carried_out, ("disclosed", "total"): 4,
         ("partial", "total"): 1, ("unavailable_1", "total"): 1}
    figures = {**seed_tables.SAMPLE_FIGURES[2023], "answered_on_time": on_time,
               "answered_late": late, "answered_unknown": unknown}
    return placeholders.TextData(YearTables(2023, "workbooks", {}, b, {}, figures),
                       overdue_open=overdue_open)


def requests_text(config, data) -> str:
    """The default paragraph of 一（二）依申请公开 that states the applications."""
    paragraphs = default_words.default_paragraphs(config, data)["overview.requests"]
    return next(p for p in paragraphs if p.startswith("2023年"))


OPENING = ("2023年，团结大街街道收到政府信息公开申请6件，本年办结6件，办理结果为：予以公开4件、"
           "部分公开1件、无法提供（本机关不掌握相关政府信息）1件。")


def test_outcomes_are_named_without_statutory_numbering(config):
    text = requests_text(config, requests_data())
    assert text.startswith(OPENING)
    assert "三、" not in text and "本年度办理结果" not in text


def test_no_default_sentence_carries_a_statutory_number(config):
    b = {(r.key, "total"): 1 for r in statutory.OUTCOME_ROWS}
    b.update({("new", "total"): 21, ("results_total", "total"): 21,
              ("carried_in", "total"): 2, ("carried_out", "total"): 2})
    figures = {**seed_tables.SAMPLE_FIGURES[2023], "fee_charged_yuan": 30.5}
    data = placeholders.TextData(YearTables(2023, "workbooks", {}, b, {("review", "total"): 1}, figures))
    for key, paragraphs in default_words.default_paragraphs(config, data).items():
        for p in paragraphs:
            assert not re.search(r"[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）"
                                 r"|(?<![\d.])\d+\.(?!\d)", p), (key, p)


@pytest.mark.parametrize(("counts", "timeliness"), [
    ({}, "已办结的申请均在法定期限内答复。"),
    ({"on_time": 5, "late": 1}, "已办结的申请中，按时答复5件，逾期答复1件。"),
    ({"on_time": 5, "unknown": 1}, ""),
    ({"on_time": 4, "late": 1, "unknown": 1}, "已办结的申请中，逾期答复1件。"),
])
def test_default_text_says_all_in_time_only_when_every_answer_was(config, counts, timeliness):
    assert requests_text(config, requests_data(**counts)) == OPENING + timeliness


def test_default_text_with_an_open_application_past_its_deadline(config):
    text = requests_text(config, requests_data(new=7, carried_out=1, overdue_open=1))
    assert text == ("2023年，团结大街街道收到政府信息公开申请7件，本年办结6件，办理结果为：予以公开"
                    "4件、部分公开1件、无法提供（本机关不掌握相关政府信息）1件；尚未办结、转入下一"
                    "年度1件。已办结的申请中，按时答复6件；尚未办结的申请中，有1件已超过法定答复"
                    "期限，仍在办理。")


@pytest.mark.parametrize("counts", [
    {}, {"on_time": 5, "late": 1}, {"on_time": 5, "unknown": 1},
    {"new": 7, "carried_out": 1, "overdue_open": 1}])
def test_default_text_agrees_with_its_own_review(config, counts):
    assert rules(review(config, {}, data=requests_data(**counts))) == ["TX021"]


@pytest.mark.parametrize("claim", [
    "收到政府信息公开申请6件，均在法定期限内答复。",
    "收到群众申请公开政府信息{applications_received}件，均已按时限要求答复。",
    "全年办理依申请公开事项6件，均按时答复。",
    "依申请公开事项全部按期办结。",
    "依申请公开按时答复率100%。",
    "全年依申请公开工作无逾期。",
    "全年未发生超期答复的情况。",
])
def test_a_claim_of_all_in_time_with_a_late_answer_is_an_error(config, claim):
    found = review(config, {**CLEAN, "overview.requests": claim},
                   data=requests_data(on_time=5, late=1))
    assert rules(found) == ["TX036"]
    f = found[0]
    assert (f.severity, f.file, f.sheet) == ("error", "2023/2023年年报文字.xlsx", "年报文字")
    assert "一、总体情况（二）依申请公开" in f.message
    assert "本年度有1件申请逾期答复" in f.message and "其中逾期答复{answered_late}件" in f.message


def test_a_claim_of_all_in_time_with_an_overdue_or_unjudged_application(config):
    claim = {**CLEAN, "overview.requests": "收到政府信息公开申请7件，均已按时限要求答复。"}
    found = review(config, claim, data=requests_data(new=7, carried_out=1, overdue_open=1))
    assert rules(found) == ["TX036"]
    assert "有1件未办结的申请已超过答复期限" in found[0].message
    found = review(config, {**claim, "overview.requests": "申请6件，均在法定期限内答复。"},
                   data=requests_data(on_time=5, unknown=1))
    assert rules(found) == ["TX036"]
    assert "有1件已答复的申请未能核对是否按时答复" in found[0].message
    # the same words in a year whose answers were all judged in time
    assert review(config, claim, data=requests_data(new=7, carried_out=1)) == []


@pytest.mark.parametrize("text", [
    "2023年，团结大街街道收到政府信息公开申请6件，均按规定程序登记、办理和答复。",
    "对群众来信均按时回复。",
    "其他处理（申请人无正当理由逾期不补正）的申请1件。",
    "已办结的申请中，按时答复5件，逾期答复1件。",
])
def test_words_that_claim_nothing_about_deadlines(config, text):
    assert review(config, {**CLEAN, "overview.requests": text},
                  data=requests_data(on_time=5, late=1)) == []


@pytest.mark.parametrize(("text", "stated", "placeholder"), [
    ("本年办结6件。", "办结6件", "{applications_closed}"),
    ("收到并办结政府信息公开申请6件，另有1件未办结。", "办结政府信息公开申请6件",
     "{applications_closed}"),
    ("上年结转2件。", "上年结转2件", "{applications_carried_in}"),
    ("尚未办结、转入下一年度2件。", "转入下一年度2件", "{applications_carried_out}"),
    ("结转下年度继续办理2件。", "结转下年度继续办理2件", "{applications_carried_out}"),
    ("其中逾期答复2件。", "逾期答复2件", "{answered_late}"),
    ("其中按时答复5件。", "按时答复5件", "{answered_on_time}"),
])
def test_counts_of_closed_carried_and_late_must_match(config, text, stated, placeholder):
    # 6 received, 5 closed (4 on time, 1 late), 1 carried out
    found = review(config, {**CLEAN, "overview.requests": text},
                   data=requests_data(closed=5, carried_out=1, on_time=4, late=1))
    assert rules(found) == ["TX030"]
    assert f"“{stated}”" in found[0].message and placeholder in found[0].message


def test_counts_that_agree_are_not_flagged(config):
    text = ("收到政府信息公开申请6件，本年办结5件，其中按时答复4件、逾期答复1件；"
            "尚未办结、结转下年度继续办理1件。")
    assert review(config, {**CLEAN, "overview.requests": text},
                  data=requests_data(closed=5, carried_out=1, on_time=4, late=1)) == []
