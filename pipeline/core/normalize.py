"""What part-time staff really type into a workbook, turned into clean values.

Each parser is pure and returns a `Parsed`: a clean value, or "not filled" (blank, 无, /, -),
or an error whose text (Chinese) says what to type instead. Ingestion turns these into
findings; nothing here knows about files or cells.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl.utils.datetime import from_excel

from pipeline.core import statutory
from pipeline.core.numbers import as_written

# Typed for "nothing here": blank, 无, and dashes or slashes in half- and full-width forms.
NOT_FILLED_MARKS = frozenset({"无", "/", "-", "／", "－", "—", "——", "―", "–", "−", "\\", "＼"})


_SPACES = " \t\r\n\u3000\u00a0"


_NUMBER = re.compile(r"[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?")


# Year, month and day as people write them: 2023-5-6, 2023/05/06, 2023.5.6, 2023年5月6日 (or 号),
# with spaces anywhere between, maybe a time after; the year may be in Chinese numerals
# (二〇二三年五月六日, matched after _chinese_digits), and the month and day too.
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
                   r"(\s+\d{1,2}:\d{2}(:\d{2})?)?")


# A month and day with no year, or with a two-digit year: 5月6日, 5-6, 23年5月6日.
_NO_YEAR = re.compile(r"((\d{2})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")


_COMPACT_DATE = re.compile(r"([12]\d{3})(\d{2})(\d{2})")  # 20230506


# Chinese numerals, and the letter O people type for 〇 (full-width forms are half-width by then)
_CN_DIGITS = dict(zip("〇零○O一二三四五六七八九", "0000123456789", strict=True))


_CN_NUMBER = re.compile(r"[〇零○O一二三四五六七八九十]+")


_SERIAL_RANGE = (1, 2958465)  # 1900-01-01 .. 9999-12-31 in Excel's 1900 date system


_SHOWN = 20  # characters of a bad value quoted back in a message


# 11 digits or more, maybe split by spaces or dashes: phone (11), ID (15, 18), bank card numbers
_LONG_DIGITS = re.compile(r"[0-9０-９](?:[\s\-－]?[0-9０-９]){10,}")


# Larger than any count or amount a sub-district reports, and than SQLite's integers hold
# (a phone number typed into a count cell is caught here too).
MAX_NUMBER = 999_999_999


HINT_COUNT = "请只填写阿拉伯数字（0或正整数），如 12；不要加“约”“条”“余”等文字，没有请填0。"


HINT_AMOUNT = "请只填写不小于0的数字，可带小数，如 1.5；不要加“元”“万元”等文字，没有请填0。"


HINT_DATE = "请按 2023-05-06 的格式填写日期。"


def hint_date(year: int | None = None) -> str:
    """HINT_DATE with an example in `year` (the workbook's own), when known."""
    return HINT_DATE if year is None else f"请按 {year}-05-06 的格式填写日期。"


@dataclass(frozen=True)
class Parsed:
    """A parsed cell: `value` when usable, `blank` when not filled, `error` (Chinese) when wrong."""

    value: object = None
    blank: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.blank


BLANK = Parsed(blank=True)


def _error(message: str) -> Parsed:
    return Parsed(error=message)


def shown(raw) -> str:
    """A bad value as quoted back to the user: shortened, so a message never carries a whole
    text cell, and with long digit runs masked, so a phone or ID number typed into the wrong
    cell never reaches the findings (only its first digits show)."""
    text = _LONG_DIGITS.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 3), clean_text(raw))
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def clean_text(raw) -> str:
    """The cell as text without surrounding spaces (half-width, full-width and no-break)."""
    if type(raw) is str:  # most cells looked at are text: no further type tests
        return raw.strip(_SPACES)
    if raw is None:
        return ""
    return (as_written(raw) if isinstance(raw, float) else str(raw)).strip(_SPACES)


def is_not_filled(raw) -> bool:
    """Blank, or a mark people use for "nothing" (无, /, -, and their full-width forms)."""
    text = clean_text(raw)
    return text == "" or text in NOT_FILLED_MARKS


def _half_width(text: str) -> str:
    """Full-width digits, signs, periods and brackets to half-width (NFKC), so ０-９ read as 0-9."""
    return unicodedata.normalize("NFKC", text).replace("−", "-")


def _number(raw) -> float | int | Parsed:
    """A number from a numeric cell or from digits stored as text; otherwise a Parsed."""
    if isinstance(raw, bool):
        return _error(f"“{shown(raw)}”不是数字。")
    if isinstance(raw, date | datetime):
        return _error("这里应填数字，但单元格是日期格式。请把单元格格式改为“常规”后重新填写。")
    if isinstance(raw, int | float):
        value = raw
    elif is_not_filled(raw):
        return BLANK
    else:
        text = _half_width(clean_text(raw))
        if not _NUMBER.fullmatch(text):
            return _error(f"“{shown(raw)}”不是数字。")
        value = float(text.replace(",", ""))
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        return _error(f"“{shown(raw)}”大得不合实际，请核对是否多打了几位，或误填了电话、证件号码。")
    return value


def _non_negative(raw, hint: str) -> Parsed | float:
    """A number >= 0, or the Parsed that says why not (blank stays blank, not an error)."""
    value = _number(raw)
    if isinstance(value, Parsed):
        return value if value.blank else _error(f"{value.error}{hint}")
    if value < 0:
        return _error(f"“{shown(raw)}”是负数。{hint}")
    return value


def parse_count(raw) -> Parsed:
    """A count: a whole number >= 0 ("3", " 3 ", "３", 3.0); blank/无/-// mean not filled."""
    value = _non_negative(raw, HINT_COUNT)
    if isinstance(value, Parsed):
        return value
    if value != int(value):
        return _error(f"“{shown(raw)}”不是整数，件数、次数只能是整数。{HINT_COUNT}")
    return Parsed(int(value))


def parse_amount(raw) -> Parsed:
    """An amount (decimals allowed) >= 0; blank/无/-// mean not filled."""
    value = _non_negative(raw, HINT_AMOUNT)
    return value if isinstance(value, Parsed) else Parsed(float(value))


def _from_serial(serial: float, hint: str) -> Parsed:
    if not _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
        return _error(f"“{shown(serial)}”不是有效日期。{hint}")
    return Parsed(from_excel(serial).date())


def _cn_number(text: str) -> str:
    """A number in Chinese numerals as digits: 二〇二三 → 2023 (digit by digit), 十 → 10,
    十五 → 15, 二十 → 20, 三十一 → 31."""
    if "十" not in text:
        return "".join(_CN_DIGITS[c] for c in text)
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return text  # not a number of days or months: left for the date pattern to refuse
    return str(int(_CN_DIGITS.get(tens, "1")) * 10 + int(_CN_DIGITS.get(ones, "0")))


def _chinese_digits(text: str) -> str:
    """Chinese numerals (二〇二三年五月六日) as Arabic digits, so the date patterns read them."""
    return _CN_NUMBER.sub(lambda m: _cn_number(m.group()), text)


def _ymd(y: int, m: int, d: int, raw, hint: str) -> Parsed:
    try:
        return Parsed(date(y, m, d))
    except ValueError:
        return _error(f"“{shown(raw)}”这一天不存在，请核对年、月、日。{hint}")


def parse_date(raw, year: int | None = None) -> Parsed:
    """A date from a date cell, an Excel serial number, 8 digits (20230506), or text such as
    2023-05-06, 2023/5/6, 2023.5.6, 2023年5月6日 or 号, 二〇二三年五月六日 (full-width digits
    and spaces allowed). Blank means not filled. `year`, the workbook's, is the one the
    examples in error messages use."""
    hint = hint_date(year)
    if isinstance(raw, datetime):
        return Parsed(raw.date())
    if isinstance(raw, date):
        return Parsed(raw)
    if isinstance(raw, bool):
        return _error(f"“{shown(raw)}”不是日期。{hint}")
    if isinstance(raw, int | float):
        if 10_000_000 <= raw <= 99_999_999 and raw == int(raw):  # no serial has 8 digits
            compact = _COMPACT_DATE.fullmatch(str(int(raw)))
            if compact:
                return _ymd(*(int(g) for g in compact.groups()), raw, hint)
        return _from_serial(raw, hint)
    if is_not_filled(raw):
        return BLANK
    text = _half_width(clean_text(raw))
    if "年" in text or "月" in text:  # numerals alone (一, 十) are no date: not turned to digits
        text = _chinese_digits(text)
    if text.isdigit():
        compact = _COMPACT_DATE.fullmatch(text)
        if compact:
            return _ymd(*(int(g) for g in compact.groups()), raw, hint)
        return _from_serial(int(text), hint)
    m = _DATE.fullmatch(text)
    if m:
        return _ymd(*(int(g) for g in m.group(1, 2, 3)), raw, hint)
    if _NO_YEAR.fullmatch(text):
        return _error(f"“{shown(raw)}”没有写年份（或年份不全），无法确定是哪一年。请写上四位年份，{hint[1:]}")
    return _error(f"“{shown(raw)}”不是日期。{hint}")


def parse_text(raw) -> Parsed:
    """Free text such as an ID or a unit name; a number typed into it reads as its digits."""
    if is_not_filled(raw):
        return BLANK
    return Parsed(clean_text(raw))


# Characters that show as nothing besides the format characters (category Cf): the other
# default-ignorable ones people paste in with a name or number (Hangul fillers, the grapheme
# joiner, Khmer inherent vowels, Mongolian and other variation selectors).
_INVISIBLE_MORE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10))) + "".join(map(chr, range(0xE0100, 0xE01F0))))


_INVISIBLE_NAMES = {
    "\u200b": "零宽空格", "\u200c": "零宽不连字", "\u200d": "零宽连字", "\u2060": "零宽字连接符",
    "\ufeff": "零宽不换行空格（BOM）", "\u00ad": "软连字符", "\u180e": "蒙古文元音分隔符",
    "\u3164": "韩文填充符", "\u115f": "韩文初声填充符", "\u1160": "韩文中声填充符",
    "\uffa0": "半角韩文填充符", "\u034f": "组合字素连接符", "\u200e": "从左到右标记",
    "\u200f": "从右到左标记", "\u061c": "阿拉伯字母标记",
}


def _is_invisible(ch: str) -> bool:
    return ch in _INVISIBLE_MORE or unicodedata.category(ch) == "Cf"


def invisible(text: str) -> list[tuple[int, str]]:
    """(position counted from 1, character) of each character of `text` that shows as
    nothing (zero-width spaces and joiners, BOM, soft hyphen, Hangul fillers, …)."""
    if text.isascii():  # the common ID: no character to look up
        return []
    return [(i, ch) for i, ch in enumerate(text, 1) if _is_invisible(ch)]


def _invisible_name(ch: str) -> str:
    code = ord(ch)
    name = _INVISIBLE_NAMES.get(ch)
    if name is None:
        if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x180B <= code <= 0x180F:
            name = "变体选择符"
        elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            name = "文字方向控制符"
        else:
            name = "不可见的格式字符"
    return f"U+{code:04X} {name}"


def describe_invisible(found: list[tuple[int, str]]) -> str:
    """The characters `invisible` found, for a message: U+200B 零宽空格（第5个字符）、…"""
    return "、".join(f"{_invisible_name(ch)}（第{i}个字符）" for i, ch in found)


def identity(text: str) -> str:
    """The form in which two IDs or unit names are compared: invisible characters removed,
    then NFKC (full-width digits, letters and signs to half-width, compatibility ideographs
    to the ordinary ones), so "２０２４－００１" and "2024-001" are one application."""
    if text.isascii():
        return text
    return _half_width("".join(ch for ch in text if not _is_invisible(ch)))


def _key(text: str) -> str:
    """Comparison form of a label: no spaces, half-width brackets and punctuation."""
    return re.sub(r"\s+", "", _half_width(text))


@functools.lru_cache(maxsize=64)
def _choice_keys(items: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Comparison form of each text -> its key (the first, as the list reads): the same few
    lists are matched in every workbook."""
    keys: dict[str, str] = {}
    for key, text in items:
        keys.setdefault(_key(text), key)
    return keys


def parse_choice(raw, items: tuple[tuple[str, str], ...]) -> Parsed:
    """One of a closed list of (key, text); the typed text must match one text, ignoring spaces
    and half-width versus full-width brackets. The value is the key."""
    if is_not_filled(raw):
        return BLANK
    key = _choice_keys(items).get(_key(clean_text(raw)))
    if key is not None:
        return Parsed(key)
    return _error(f"“{shown(raw)}”不是可选项。请从下拉列表中选择：{'、'.join(t for _, t in items)}。")


_NUMBERING = re.compile(r"^(（[一二三四五六七八九十]+）|\d+\.)")


_REMARK = re.compile(r"（[^（）]*）$")


def _outcome_aliases() -> dict[str, frozenset[str]]:
    """Every way of naming an outcome people use → the outcome keys it could mean.

    The dropdown text, the row label, the label without its number, the label without a
    trailing remark (部分公开), and a group label (which means any of its items)."""
    aliases: dict[str, set[str]] = {}

    def add(text: str, keys) -> None:
        for form in {text, _NUMBERING.sub("", text)}:
            for variant in {form, _REMARK.sub("", form)}:
                if variant:
                    aliases.setdefault(_key(variant), set()).update(keys)

    for row in statutory.OUTCOME_ROWS:
        add(statutory.outcome_choice(row.key), {row.key})
        add(row.label, {row.key})
    for row in statutory.TABLE_B_ROWS:
        if row.group and row.parent == "results":
            add(row.label, set(row.children))
    return {k: frozenset(v) for k, v in aliases.items()}


_OUTCOME_ALIASES = _outcome_aliases()


def parse_outcome(raw) -> Parsed:
    """An application's outcome: the dropdown text, or an item label with or without its
    number when it names exactly one outcome. The value is the outcome row key."""
    if is_not_filled(raw):
        return BLANK
    keys = _OUTCOME_ALIASES.get(_key(clean_text(raw)), frozenset())
    if len(keys) == 1:
        return Parsed(next(iter(keys)))
    if keys:
        options = "、".join(statutory.outcome_choice(r.key) for r in statutory.OUTCOME_ROWS
                           if r.key in keys)
        return _error(f"“{shown(raw)}”包含多种办理结果，不能确定是哪一种。请从下拉列表中选择具体一项：{options}。")
    return _error(f"“{shown(raw)}”不是规定的办理结果。请从下拉列表中选择，如“{statutory.OUTCOME_CHOICES[0]}”。")
