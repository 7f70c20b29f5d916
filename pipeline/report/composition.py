"""The report's words put together: each place takes the office's paragraph (replacing or
following the default), with placeholders filled from the same data as the tables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.core import statutory
from pipeline.core.config import Config
from pipeline.report.default_words import default_paragraphs
from pipeline.report.office_text import APPEND, SLOTS, split_mode
from pipeline.report.placeholders import TextData, placeholder_values, render


@dataclass(frozen=True)
class Section:
    key: str  # paragraph key
    heading: str | None
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Part:
    key: str  # statutory part key
    heading: str
    sections: tuple[Section, ...]
    table: str | None  # "A", "B", "C" or None


PART_TABLES = {"proactive": "A", "applications": "B", "appeals": "C"}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def contact_paragraph(cfg: Config, year: int) -> str:
    """Always printed after the preamble, whatever the office writes."""
    o = cfg.organ
    return (f"本年度报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
            f"如对本年度报告有任何疑问，请联系{o.contact_office}（地址：{o.address}，"
            f"邮编：{o.postcode}，电话：{o.phone}）。")


def compose(cfg: Config, data: TextData, paragraphs: Mapping[str, str]
            ) -> tuple[tuple[str, ...], tuple[Part, ...]]:
    """(preamble paragraphs, the six parts): the office's text replaces or follows the default
    of its section; placeholders are filled from the same data as the tables."""
    values = placeholder_values(cfg, data)
    defaults = default_paragraphs(cfg, data)

    def text(key: str) -> tuple[str, ...]:
        stored = paragraphs.get(key)
        if stored is None:
            return tuple(defaults[key])
        mode, own = split_mode(stored)
        own_lines = _lines(render(own, values))
        return tuple((defaults[key] if mode == APPEND else []) + own_lines)

    preamble = (*text("preamble"), contact_paragraph(cfg, data.year))
    parts = tuple(
        Part(key, heading,
             tuple(Section(s.key, s.heading, text(s.key)) for s in SLOTS if s.part == key),
             PART_TABLES.get(key))
        for key, heading in statutory.PARTS)
    return preamble, parts
