"""Where things are in a report made elsewhere: the organ, the year, and the six parts found by
their headings (numbering and punctuation variants, half- and full-width)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.core import statutory
from pipeline.reports_in.document import Document
from pipeline.reports_in.tables import norm

_NUMERALS = "一二三四五六"


# What a part's heading must contain besides its numeral (the statutory words, or the short
# wordings of real reports and of the 2019 trial format).
_HEADING_WORDS: dict[str, tuple[str, ...]] = {
    "overview": ("总体情况",),
    "proactive": ("主动公开政府信息情况", "主动公开情况"),
    "applications": ("收到和处理政府信息公开申请", "依申请公开情况", "依申请公开政府信息情况"),
    "appeals": ("行政复议、行政诉讼", "行政复议和行政诉讼", "复议、诉讼", "行政复议"),
    "problems": ("存在的主要问题",),
    "other": ("其他需要报告",),
}


_HEADING = re.compile(rf"^第?([{_NUMERALS}])(?:部分[、.．，,：:\s]*|[、.．，,：:\s]+)(.{{2,30}})$")


_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年度?")


PERIOD_YEAR = re.compile(r"统计期限自\s*((?:19|20)\d{2})\s*年")


_MADE_BY = re.compile(r"由(.{2,40}?)(?:负责)?编制")


@dataclass
class Part:
    key: str  # statutory part key
    number: int  # 1–6, its place in the statutory order
    heading: str  # as the report writes it
    position: int  # its block index
    paragraphs: list[tuple[int, str]] = field(default_factory=list)  # (number in part, text)


@dataclass
class Layout:
    title: str
    organ: str
    year: int | None
    preamble: list[str]
    parts: list[Part]  # in the report's order


def heading_key(text: str) -> tuple[str, int] | None:
    """(part key, its numeral as 1–6) when `text` is a part heading."""
    m = _HEADING.match(norm(text))
    if not m:
        return None
    rest = m.group(2)
    for key, words in _HEADING_WORDS.items():
        if any(w in rest for w in words):
            return key, _NUMERALS.index(m.group(1)) + 1
    return None


_REPORT_NAME = re.compile(r"(?:政府信息公开|政务公开).*(?:年度报告|年报)")


def _is_title(block: str) -> bool:
    """A line naming a year's annual report, not a sentence about one."""
    text = norm(block)
    return (len(text) <= 60 and not text.endswith(("。", "；", "！"))
            and bool(_YEAR_IN_TITLE.search(text)) and bool(_REPORT_NAME.search(text)))


def _title(blocks: list[str]) -> str:
    """The first line naming a year's report; a title broken before its year (the organ on the
    line above, as in a PDF) is joined again."""
    for i, b in enumerate(blocks):
        m = _YEAR_IN_TITLE.search(norm(b))
        if m and _is_title(b):
            if m.start() == 0 and i > 0 and not heading_key(blocks[i - 1]):
                return blocks[i - 1] + b
            return b
    return ""


def _organ(title: str, preamble: list[str]) -> str:
    m = _MADE_BY.search(norm("".join(preamble[:3])))
    if m:
        return m.group(1)
    m = _YEAR_IN_TITLE.search(norm(title))
    return norm(title)[:m.start()] if m else ""


def _year(title: str, preamble: list[str]) -> int | None:
    m = _YEAR_IN_TITLE.search(norm(title))
    if m:
        return int(m.group(1))
    for text in preamble:
        m = PERIOD_YEAR.search(norm(text))
        if m:
            return int(m.group(1))
    return None


def layout(doc: Document) -> Layout:
    """The title, organ, year, preamble and parts; every paragraph after a part heading belongs
    to that part (tables are read separately, by their labels)."""
    parts: list[Part] = []
    seen: set[str] = set()
    before: list[str] = []
    for i, block in enumerate(doc.blocks):
        if not isinstance(block, str):
            continue
        if parts and parts[-1].key == "other" and _is_title(block):
            break  # a saved page goes on with links to other reports: the report has ended
        found = heading_key(block)
        if found and found[0] not in seen:
            seen.add(found[0])
            key, _ = found
            number = [k for k, _ in statutory.PARTS].index(key) + 1
            parts.append(Part(key, number, block, i))
        elif parts:
            parts[-1].paragraphs.append((len(parts[-1].paragraphs) + 1, block))
        else:
            before.append(block)
    title = _title(before[:12])
    last = max((i for i, b in enumerate(before) if b in title), default=-1) if title else -1
    preamble = before[last + 1:]
    return Layout(title, _organ(title, preamble), _year(title, preamble), preamble, parts)
