"""The review of one report made elsewhere: the same rules as for the workbooks (hard and
plausibility rules of the tables, RV) and for xxgk's own words (TX), located by table, row and
column or by part and paragraph, plus what only a foreign report can get wrong (RP)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core import statutory
from pipeline.core.cell_names import SHEETS
from pipeline.core.findings import Finding, finding
from pipeline.core.model import YearTables
from pipeline.core.numbers import as_written
from pipeline.report.text_review import (
    breakdown_mismatches,
    count_mismatches,
    fee_statement,
    stray_years,
)
from pipeline.reports_in.document import Document
from pipeline.reports_in.parts import PERIOD_YEAR, Layout, Part, layout
from pipeline.reports_in.tables import body, norm, read_tables
from pipeline.review.table_rules import review_year

# Parts whose paragraphs are words (the others hold the tables).
_WORDS_PARTS = ("overview", "problems", "other")


_EMPTY_WORDS = {"", "无", "暂无", "没有", "无问题", "不存在"}


# Shorter than this, part 五 cannot name a problem and its remedy.
PROBLEMS_MIN_CHARS = 60


# "No fee of any kind", not only no information fee.
_ANY_FEE_NONE = re.compile(r"(?:未|不|没有)收取任何费用?")


@dataclass
class Reviewed:
    """One report after review: what it is, what was read, what was found."""

    path: Path
    kind: str = ""
    organ: str = ""
    year: int | None = None
    trial_2019: bool = False
    tables: YearTables | None = None
    findings: list[Finding] = field(default_factory=list)
    paragraphs: dict[str, str] = field(default_factory=dict)  # "part key/n" → text, for repeats

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)


def _section(part: Part, n: int) -> str:
    return f"{part.heading}（第{n}段）"


def _at(part: Part, n: int | None = None) -> dict:
    return {"sheet": part.heading, "cell": f"第{n}段" if n else None}


def _part_findings(lay: Layout, year) -> list[Finding]:
    out = []
    present = {p.key: p for p in lay.parts}
    for key, heading in statutory.PARTS:
        if key not in present:
            out.append(finding("RP020", year=year, number=heading.split("、")[0],
                               heading=heading))
        elif body(present[key].heading) != body(heading):
            out.append(finding("TX033", year=year, **_at(present[key]), number=heading.split("、")[0],
                               heading=heading, found=present[key].heading))
    for earlier, later in zip(lay.parts, lay.parts[1:], strict=False):
        if later.number < earlier.number:
            out.append(finding("RP021", year=year, **_at(later),
                               number=statutory.PARTS[later.number - 1][1].split("、")[0],
                               heading=later.heading, before=earlier.heading))
    return out


# A space a PDF puts between a number and Chinese text ("2023 年", "1 件").
_NUMBER_SPACE = re.compile(r"(?<=\d)[ \u00a0]+(?=[\u4e00-\u9fff%％])|(?<=[\u4e00-\u9fff])[ \u00a0]+(?=\d)")


def _words(lay: Layout):
    """(part, paragraph number, text) of the parts that are words, spaces around numbers
    taken out."""
    for part in lay.parts:
        if part.key in _WORDS_PARTS:
            for n, text in part.paragraphs:
                yield part, n, _NUMBER_SPACE.sub("", text)


def _text_findings(lay: Layout, tables: YearTables | None, year: int) -> list[Finding]:
    out = []
    for part, n, text in _words(lay):
        if tables is not None:
            for m, what, actual, _ in count_mismatches(text, tables):
                out.append(finding("RP040", year=year, **_at(part, n), section=_section(part, n),
                                   what=what, stated=m.group(0), actual=as_written(actual)))
        for snippet, s, total in breakdown_mismatches(text):
            out.append(finding("TX031", year=year, **_at(part, n), section=_section(part, n),
                               snippet=snippet, parts=s, total=total))
        for snippet in stray_years(text, year):
            out.append(finding("TX032", year=year, **_at(part, n), section=_section(part, n),
                               snippet=snippet, report_year=year))
    for text in lay.preamble:
        text = _NUMBER_SPACE.sub("", text)
        period = PERIOD_YEAR.search(norm(text))
        stray = stray_years(text, year)
        if period and int(period.group(1)) != year:  # last year's statistics period left in
            stray.append(period.group(0))
        out += [finding("TX032", year=year, sheet="开头", section="报告开头", snippet=snippet,
                        report_year=year) for snippet in stray]
    return out


def _problems_findings(lay: Layout, year, previous: Reviewed | None) -> list[Finding]:
    part = next((p for p in lay.parts if p.key == "problems"), None)
    if part is None:
        return []
    text = norm("".join(t for _, t in part.paragraphs))
    if text.strip("。.！!") in _EMPTY_WORDS:
        return [finding("RP050", year=year, **_at(part), heading=part.heading, text=text)]
    if previous is not None and previous.paragraphs.get("problems") == text:
        return [finding("TX022", year=year, **_at(part), heading=part.heading,
                        previous=previous.year)]
    if len(text) < PROBLEMS_MIN_CHARS:
        return [finding("RP051", year=year, **_at(part), heading=part.heading,
                        length=len(text), text=text)]
    return []


def _repeat_findings(lay: Layout, year, previous: Reviewed | None) -> list[Finding]:
    if previous is None:
        return []
    before = {t for k, t in previous.paragraphs.items() if k != "problems"}
    return [finding("TX034", year=year, **_at(part, n), section=_section(part, n),
                    previous=previous.year)
            for part, n, text in _words(lay)
            if part.key != "problems" and len(norm(text)) >= 20 and norm(text) in before]


def _fee_findings(lay: Layout, tables: YearTables | None, year) -> list[Finding]:
    """Part 六 must say whether an information fee was charged; what it says must fit the
    tables: no fee without any application, no "nothing charged" beside administrative fees."""
    part = next((p for p in lay.parts if p.key == "other"), None)
    if part is None:
        return []
    out = []
    said = False
    for n, text in part.paragraphs:
        none, charged = fee_statement(text)
        said = said or bool(none or charged)
        if tables is None:
            continue
        applications = [tables.b.get((r, "total")) for r in ("new", "carried_in")]
        if charged and all(v == 0 for v in applications):
            out.append(finding("RP061", year=year, **_at(part, n), section=_section(part, n),
                               snippet=charged[0][0],
                               fact="表格中本年度没有新收或上年结转的政府信息公开申请，不会产生"
                                    "信息处理费"))
        fee = tables.a.get(("fees", "amount"))
        any_none = _ANY_FEE_NONE.search(text)
        if any_none and fee:
            out.append(finding("RP061", year=year, **_at(part, n), section=_section(part, n),
                               snippet=any_none.group(0),
                               fact=f"第二部分表格中行政事业性收费本年收费金额为{as_written(fee)}万元"))
    if not said:
        out.append(finding("RP060", year=year, **_at(part), heading=part.heading))
    return out


def _applicable(tables: YearTables, reading) -> YearTables:
    """The tables as the rules see them: cells a 2019-format report has no place for, and the
    cells of a table not found at all (RP003 said so once), are not judged cell by cell."""
    judged = dataclasses.replace(tables, a=dict(tables.a), b=dict(tables.b), c=dict(tables.c))
    skip = {t for t in ("A", "B", "C") if t not in reading.found}
    if reading.trial_2019:
        skip.add("A")
        for key in ("other_1", "other_2"):
            for col, _ in statutory.TABLE_B_COLUMNS:
                judged.b[(key, col)] = 0
    for t in skip:
        cells = judged.table(t)
        for key in cells:
            cells[key] = 0
    return judged


def review_document(doc: Document, year: int | None = None,
                    previous: Reviewed | None = None, path: Path | None = None) -> Reviewed:
    """Read and check one document. `year` is the report's year when the report does not say;
    `previous` is the same organ's report of the year before (carry-over, repeats)."""
    lay = layout(doc)
    out = Reviewed(path or Path(doc.name), doc.kind, lay.organ, lay.year or year)
    found: list[Finding] = []
    if out.year is None:
        found.append(finding("RP002"))
    if not lay.organ:
        found.append(finding("RP010", year=out.year))
    y = out.year or 0
    reading = read_tables(doc, y, {p.key: p.position for p in lay.parts})
    out.tables = reading.tables
    out.trial_2019 = bool(reading.trial_2019)
    found += reading.findings
    if reading.trial_2019:
        labels = "、".join(reading.trial_2019)
        found.append(finding("RP031", year=y, report_year=y, labels=labels) if y >= 2021 else
                     finding("RP030", year=y, labels=labels, other=statutory.TABLE_B_ROW["other"].label,
                        other_3=statutory.TABLE_B_ROW["other_3"].label))
    prev_tables = previous.tables if previous is not None and not previous.trial_2019 else None
    table_findings = review_year(_applicable(reading.tables, reading), prev_tables)
    found += [f for f in table_findings if not (reading.trial_2019 and f.sheet == SHEETS["A"])]
    found += _part_findings(lay, out.year)
    if out.year:
        found += _text_findings(lay, reading.tables, out.year)
    found += _problems_findings(lay, out.year, previous)
    found += _repeat_findings(lay, out.year, previous)
    found += _fee_findings(lay, reading.tables, out.year)
    out.findings = [dataclasses.replace(f, file=doc.name, unit=lay.organ or None) for f in found]
    out.paragraphs = {f"{p.key}/{n}": norm(t) for p, n, t in _words(lay)}
    problems = next((p for p in lay.parts if p.key == "problems"), None)
    if problems is not None:
        out.paragraphs["problems"] = norm("".join(t for _, t in problems.paragraphs))
    return out

