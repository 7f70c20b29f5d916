"""What people really type, read by the pure normalisation functions."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pipeline.core import normalize
from pipeline.core.normalize import (
    Parsed,
    parse_amount,
    parse_choice,
    parse_count,
    parse_date,
    parse_outcome,
    parse_text,
)


@pytest.mark.parametrize("raw, expected", [
    (3, 3), (3.0, 3), (0, 0), (" 3 ", 3), ("\u30003\u3000", 3), ("３", 3), ("１２", 12),
    ("12", 12), ("12.0", 12), ("1,342", 1342), ("+5", 5),
])
def test_count_accepts_numbers_as_typed(raw, expected):
    parsed = parse_count(raw)
    assert parsed.ok and parsed.value == expected
    assert isinstance(parsed.value, int)


@pytest.mark.parametrize("raw", [None, "", "   ", "无", "/", "-", "／", "－", "—", " 无 "])
def test_count_blank_and_nothing_marks_mean_not_filled(raw):
    parsed = parse_count(raw)
    assert parsed.blank and parsed.error is None and parsed.value is None


@pytest.mark.parametrize("raw, says", [
    ("约100", "阿拉伯数字"), ("1条", "阿拉伯数字"), ("100余", "阿拉伯数字"),
    (-1, "负数"), ("-2", "负数"), ("－５", "负数"),
    (2.5, "不是整数"), ("１２．５", "不是整数"), (True, "不是数字"),
    (date(2023, 5, 6), "常规"), ("0/0", "不是数字"),
])
def test_count_errors_say_what_to_type(raw, says):
    parsed = parse_count(raw)
    assert not parsed.ok and not parsed.blank
    assert says in parsed.error
    assert "没有请填0" in parsed.error


def test_amount_allows_decimals_but_not_negatives_or_words():
    assert parse_amount("１．５").value == 1.5
    assert parse_amount(0).value == 0.0
    assert parse_amount(" 2.25 ").value == 2.25
    assert parse_amount("无").blank
    assert "负数" in parse_amount(-0.1).error
    assert "不是数字" in parse_amount("3万元").error


@pytest.mark.parametrize("raw", [
    date(2023, 5, 6), datetime(2023, 5, 6, 14, 30), 45052, 45052.0, "45052", "2023-05-06",
    "2023/5/6", "2023.5.6", "2023年5月6日", "２０２３年５月６日", " 2023-5-6 ", "2023-05-06 00:00:00",
    "2023 年 5 月 6 日",
])
def test_dates_in_every_common_form(raw):
    # 2023-05-06 is serial 45052 in Excel's 1900 system (44927 = 2023-01-01, + 125 days).
    parsed = parse_date(raw)
    assert parsed.ok and parsed.value == date(2023, 5, 6)


@pytest.mark.parametrize("raw, says", [
    ("2023-02-30", "不存在"), ("2023年13月1日", "不存在"), ("昨天", "不是日期"),
    ("5月6日", "没有写年份"), (0, "不是有效日期"), (True, "不是日期"),
])
def test_bad_dates_are_errors_with_the_format_to_use(raw, says):
    parsed = parse_date(raw)
    assert parsed.error and says in parsed.error and "2023-05-06" in parsed.error


def test_blank_date_is_not_filled():
    assert parse_date(None).blank and parse_date(" ").blank and parse_date("无").blank


def test_text_keeps_ids_and_reads_numbers_as_digits():
    assert parse_text(" 2023-001 ").value == "2023-001"
    assert parse_text(7.0).value == "7"
    assert parse_text("").blank


def test_choice_ignores_spaces_and_bracket_width():
    items = (("a", "法人（其他）"), ("b", "自然人"))
    assert parse_choice(" 自然人 ", items).value == "b"
    assert parse_choice("法人(其他)", items).value == "a"
    bad = parse_choice("个人", items)
    assert "下拉列表" in bad.error and "自然人" in bad.error
    assert parse_choice("", items).blank


@pytest.mark.parametrize("raw, key", [
    ("（四）无法提供：1.本机关不掌握相关政府信息", "unavailable_1"),
    ("(四)无法提供:1.本机关不掌握相关政府信息", "unavailable_1"),
    ("本机关不掌握相关政府信息", "unavailable_1"),
    ("1.本机关不掌握相关政府信息", "unavailable_1"),
    (" 1. 本机关不掌握相关政府信息 ", "unavailable_1"),
    ("（一）予以公开", "disclosed"),
    ("(一)予以公开", "disclosed"),
    ("予以公开", "disclosed"),
    ("部分公开", "partial"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"),
    ("（六）其他处理：3.其他", "other_3"),
    ("3.其他", "other_3"),
    ("重复申请", "not_processed_2"),
    ("属于国家秘密", "withheld_1"),
])
def test_outcome_accepts_dropdown_text_and_unambiguous_labels(raw, key):
    parsed = parse_outcome(raw)
    assert parsed.ok, parsed.error
    assert parsed.value == key


def test_outcome_group_label_is_ambiguous():
    parsed = parse_outcome("不予公开")
    assert "不能确定" in parsed.error
    assert "（三）不予公开：1.属于国家秘密" in parsed.error


def test_outcome_unknown_text_is_rejected():
    parsed = parse_outcome("已撤回")
    assert "不是规定的办理结果" in parsed.error and "下拉列表" in parsed.error
    assert parse_outcome("无").blank


def test_long_bad_values_are_shortened_in_messages():
    text = "这是一段很长很长的申请内容摘要，不应该整段出现在任何提示中，以免泄露"
    assert text not in parse_count(text).error
    assert normalize.shown(text).endswith("…")


@pytest.mark.parametrize("raw, expected", [
    ("2024年3月5号", date(2024, 3, 5)), ("2024年03月05日", date(2024, 3, 5)),
    ("2024 年 3 月 5 日", date(2024, 3, 5)), ("二〇二四年三月五日", date(2024, 3, 5)),
    ("二〇二四年三月十五日", date(2024, 3, 15)), ("二零二四年十二月三十一日", date(2024, 12, 31)),
    ("二〇二四年十月二十日", date(2024, 10, 20)), ("二O二四年三月五日", date(2024, 3, 5)),
    ("20240305", date(2024, 3, 5)), (20240305, date(2024, 3, 5)), (20240305.0, date(2024, 3, 5)),
    ("２０２４０３０５", date(2024, 3, 5)), ("2024.3.5", date(2024, 3, 5)),
    ("2024/3/5", date(2024, 3, 5)), ("2024-3-5号", date(2024, 3, 5)),
    ("2024-3-5日", date(2024, 3, 5)), ("２０２４．３．５", date(2024, 3, 5)),
])
def test_dates_in_everyday_forms(raw, expected):
    assert parse_date(raw) == Parsed(expected)


@pytest.mark.parametrize("raw", ["3月5日", "三月五日", "24年3月5日", "3-5", "3月5号"])
def test_a_date_without_its_year_says_to_write_the_year(raw):
    error = parse_date(raw, 2024).error
    assert error == (f"“{raw}”没有写年份（或年份不全），无法确定是哪一年。"
                     "请写上四位年份，按 2024-05-06 的格式填写日期。")


@pytest.mark.parametrize("raw, says", [
    ("20240230", "这一天不存在"), (20241301, "这一天不存在"), ("二〇二四年十三月五日", "这一天不存在"),
    ("12345678", "这一天不存在"), ("98765432", "不是有效日期"), ("二〇二四年三月", "不是日期"),
    ("一", "不是日期"), ("十五", "不是日期"), ("NO", "不是日期"),
])
def test_impossible_everyday_dates_are_errors(raw, says):
    assert says in parse_date(raw).error


def test_the_date_hint_shows_the_workbooks_own_year():
    assert normalize.hint_date(2025) == "请按 2025-05-06 的格式填写日期。"
    assert normalize.hint_date() == normalize.HINT_DATE == "请按 2023-05-06 的格式填写日期。"
    assert "2026-05-06" in parse_date("昨天", 2026).error
