"""The report's words: the office's paragraphs workbook, placeholders, default text written from
the data, and the review of the text (TX rules).

A year without a paragraphs workbook still gets a complete report: every section has a default
written from the store's numbers. The office replaces or extends any section in
workbooks/<Y>/<Y>年年报文字.xlsx, writing figures as {placeholders} so that the words always
agree with the tables.

Placeholders (the full list with descriptions is `placeholder_catalogue`, and every blank
paragraphs workbook carries it in a 占位符说明 sheet):
- {year}, {organ}, {short_name}, {contact_office}, {address}, {postcode}, {phone},
  {supervision_phone}: the report year and the organ from xxgk.toml;
- every key of model.FIGURES, e.g. {items_published}, {interpretations}, {items_screened},
  {problems_found}, {complaints}, {fee_charged_yuan}, written exactly, and the same key with
  `_approx`, e.g. {items_published_approx} → "1300余" (see `approx`);
- {applications_received}, {applications_carried_in}, {applications_closed},
  {applications_carried_out} (table three, 总计 column), {reviews}, {lawsuits} (table four);
- {categories}, {channels}: the categories and channels that carried items, joined with "、";
  {items_<category>} and {interpretations_<form>} per category / form of xxgk.toml;
- every table cell as {a.<row>.<col>}, {b.<row>.<col>}, {c.<group>.<col>} (statutory keys).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pipeline.core import statutory
from pipeline.core.config import Config
from pipeline.core.model import FIGURES, YearTables
from pipeline.core.numbers import as_written


def approx(v: int | float) -> str:
    """The "N余" form reports use: from 1000 on rounded down to hundreds (1342 → "1300余"),
    from 100 on to tens (135 → "130余"), below 100 exact. A value that is already round is
    written exactly (1300 → "1300"), since "1300余" would say there were more."""
    n = int(v)
    if n < 100:
        return as_written(v)
    step = 100 if n >= 1000 else 10
    floor = n // step * step
    return str(n) if floor == n and n == v else f"{floor}余"


def approx_agrees(stated: int, actual: int | float) -> bool:
    """Whether "stated余" describes `actual`: 1300余 covers 1300–1399, 1000余 covers 1000–1999."""
    step = 1
    while stated and stated % (step * 10) == 0:
        step *= 10
    return stated <= actual < stated + step


@dataclass(frozen=True)
class TextData:
    """What the words are written from: the year's tables and the facts behind the headline
    figures (sums over units and quarters, keyed as in xxgk.toml). An empty facts dict means
    "not known" (a year known only from its published tables, or facts not supplied)."""

    tables: YearTables
    categories: dict[str, int | float] = field(default_factory=dict)  # distinct items
    channels: dict[str, int | float] = field(default_factory=dict)
    interpretations: dict[str, int | float] = field(default_factory=dict)  # by form
    # Applications still open past their deadline (the year's deadline findings, DL004): the
    # tables cannot show them, and the words must not call every answer timely while they exist.
    overdue_open: int = 0

    @property
    def year(self) -> int:
        return self.tables.year

    @staticmethod
    def by_key(facts: dict[str, int | float], key: str) -> int | float | None:
        """A fact's total: 0 for a name nobody reported, None when no facts are known."""
        return facts.get(key, 0) if facts else None


def text_data(tables: YearTables,
              facts: Iterable[tuple[str, str, str, int | float | None]], *,
              overdue_open: int = 0) -> TextData:
    """Sum the year's facts, given as (topic, key, dim, value) like records.Fact: distinct items
    per category (dim ""), items per channel, interpretations per form. Blank cells add nothing."""
    categories: dict[str, int | float] = {}
    channels: dict[str, int | float] = {}
    interpretations: dict[str, int | float] = {}
    for topic, key, dim, value in facts:
        if value is None:
            continue
        if topic == "disclosure":
            target, name = (categories, key) if dim == "" else (channels, dim)
        elif topic == "interpretation":
            target, name = interpretations, key
        else:
            continue
        target[name] = target.get(name, 0) + value
    return TextData(tables, categories, channels, interpretations, overdue_open)


def _nonzero(facts: Mapping[str, int | float], order: Sequence[str]) -> list[str]:
    ordered = [k for k in order if k in facts] + sorted(set(facts) - set(order))
    return [k for k in ordered if facts[k]]


def _total(cells, row: str, col: str = statutory.TOTAL[0]):
    return cells.get((row, col))


def _sum(*values):
    return None if any(v is None for v in values) else sum(values)


def _placeholders(cfg: Config | None, data: TextData | None
                  ) -> list[tuple[str, str, int | float | str | None]]:
    """(name, description, value) of every placeholder; one list for the catalogue and values."""
    t = data.tables if data else None
    fig = t.figures if t else {}
    out: list[tuple[str, str, int | float | str | None]] = []
    organ = cfg.organ if cfg else None
    out.append(("year", "报告年度", data.year if data else None))
    for name, attr, description in (
            ("organ", "name", "机关全称"), ("short_name", "short_name", "机关简称"),
            ("contact_office", "contact_office", "咨询联系部门"), ("address", "address", "联系地址"),
            ("postcode", "postcode", "邮政编码"), ("phone", "phone", "联系电话"),
            ("supervision_phone", "supervision_phone", "监督电话")):
        out.append((name, description, getattr(organ, attr) if organ else None))
    for key, label in FIGURES.items():
        v = fig.get(key)
        out.append((key, label, v))
        out.append((f"{key}_approx", f"{label}（约数，如1342写作“1300余”）",
                    None if v is None else approx(v)))
    b = t.b if t else {}
    c = t.c if t else {}
    for name, row in (("applications_received", "new"), ("applications_carried_in", "carried_in"),
                      ("applications_closed", "results_total"),
                      ("applications_carried_out", "carried_out")):
        out.append((name, f"{statutory.TABLE_B_ROW[row].label}（{statutory.TOTAL[1]}）",
                    _total(b, row)))
    out.append(("reviews", f"{statutory.REVIEW[1]}（{statutory.TOTAL[1]}）",
                _total(c, statutory.REVIEW[0])))
    out.append(("lawsuits", f"{statutory.LITIGATION}（{statutory.TOTAL[1]}）",
                _sum(*(_total(c, g) for g, _ in statutory.LITIGATION_GROUPS)) if t else None))
    cats = _nonzero(data.categories, cfg.categories if cfg else ()) if data else []
    chans = _nonzero(data.channels, cfg.channels if cfg else ()) if data else []
    out.append(("categories", "有公开信息的内容类别（以“、”分隔）", "、".join(cats) or None))
    out.append(("channels", "有公开信息的公开渠道（以“、”分隔）", "、".join(chans) or None))
    for cat in cfg.categories if cfg else ():
        out.append((f"items_{cat}", f"“{cat}”类主动公开信息条数",
                    data.by_key(data.categories, cat) if data else None))
    for form in cfg.interpretation_forms if cfg else ():
        out.append((f"interpretations_{form}", f"以“{form}”形式开展的政策解读次数",
                    data.by_key(data.interpretations, form) if data else None))
    for prefix, part, keys, label in (
            ("a", "proactive", statutory.TABLE_A_CELLS,
             lambda r, k: f"{statutory.TABLE_A_ROW_LABELS[r]}·"
                          f"{statutory.table_a_column_label(r, k)}"),
            ("b", "applications", statutory.TABLE_B_CELLS,
             lambda r, k: f"{statutory.TABLE_B_ROW[r].label}·{dict(statutory.TABLE_B_COLUMNS)[k]}"),
            ("c", "appeals", statutory.TABLE_C_CELLS,
             lambda r, k: f"{dict(statutory.TABLE_C_GROUPS)[r]}·{dict(statutory.TABLE_C_COLUMNS)[k]}")):
        cells = t.table(prefix.upper()) if t else {}
        number = statutory.PART_HEADINGS[part].split("、")[0]
        for r, k in keys:
            out.append((f"{prefix}.{r}.{k}", f"第{number}部分表格：{label(r, k)}", cells.get((r, k))))
    return out


def placeholder_catalogue(cfg: Config | None = None) -> list[tuple[str, str]]:
    """Every placeholder name with its Chinese description (per-category and per-form names
    need the configuration)."""
    return [(name, description) for name, description, _ in _placeholders(cfg, None)]


def placeholder_values(cfg: Config, data: TextData) -> dict[str, str]:
    """The text each placeholder stands for this year; names without data are left out."""
    return {name: as_written(v) if isinstance(v, int | float) else v
            for name, _, v in _placeholders(cfg, data) if v is not None}


PLACEHOLDER_RE = re.compile(r"\{([^{}\s]+)\}")


def render(text: str, values: Mapping[str, str]) -> str:
    """Fill {placeholders}; an unknown one, or one without data, stays visible as written
    (the review reports it as TX010 / TX011)."""
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)
