"""The review of the report's words (TX rules): placeholders, part 五, numbers and breakdowns
against the tables, years, headings, repeats of last year, fees and timeliness."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from pipeline.core import statutory
from pipeline.core.config import Config
from pipeline.core.findings import Finding, finding
from pipeline.core.model import FIGURES, YearTables
from pipeline.core.numbers import as_written
from pipeline.report.composition import Part, Section, compose
from pipeline.report.office_text import PARAGRAPH_KEYS, SHEET, slot_label, split_mode
from pipeline.report.placeholders import (
    PLACEHOLDER_RE,
    TextData,
    _total,
    approx_agrees,
    placeholder_catalogue,
)

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


_CLAUSE = r"[^。；;，,\d]"


_NUM = r"(\d+)(余)?"


_APPLICATIONS_RE = re.compile(rf"(?:收到|接到|新收|受理)({_CLAUSE}{{0,25}}?){_NUM}\s*(?:件|条|个|份)")


_ITEMS_RE = re.compile(rf"主动公开{_CLAUSE}{{0,15}}?{_NUM}\s*条")


_INTERP_RE = re.compile(rf"解读{_CLAUSE}{{0,10}}?{_NUM}\s*(?:次|场|期)")


_UNIT = r"(?:条|件|篇|项|次|个)"


# A total, then its parts: "共423条，其中…", "423条，其中…", "合计12件（其中…）", "累计…，包括…".
_BREAKDOWN_RE = re.compile(
    rf"(?<![\d.])(\d+)\s*({_UNIT})[，,：:（(]?\s*(?:其中|包括|含)[，,：:]?([^。；;]*)")


# A part: a number and its unit, unless it is a change (增加5条) or approximate (300余条).
_PART_RE = re.compile(rf"(增加|减少|增长|下降|较上年|同比|比上年)?(?<![\d.])(\d+)(余|多)?\s*{_UNIT}")


_BRACKETED = re.compile(r"（[^（）]*）|\([^()]*\)")


_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")


_COMPARISON = ("较", "比", "与", "同", "对比")


_EMPTY_WORDS = {"", "无", "暂无", "没有", "无问题", "不存在"}


# Counts of table three and of the deadline check as reports state them: (what, the words
# before the number, the placeholder, where the count is).
_APP = r"(?:的|了|共|政府信息公开|依申请公开|申请|事项)*"


_COUNT_PATTERNS = (
    ("办结的政府信息公开申请数", rf"(?<![未尚])办结{_APP}", "{applications_closed}",
     "results_total"),
    ("上年结转的政府信息公开申请数", rf"上一?年度?结转{_APP}", "{applications_carried_in}",
     "carried_in"),
    ("结转下年度继续办理的申请数", rf"(?:结转|转入)(?:至|到)?下一?年度?(?:继续办理)?{_APP}",
     "{applications_carried_out}", "carried_out"),
    ("逾期答复的申请数", rf"逾期(?:答复|办结|办理|回复)?{_APP}", "{answered_late}",
     "answered_late"),
    ("按时答复的申请数", rf"按时(?:答复|办结|办理|回复){_APP}", "{answered_on_time}",
     "answered_on_time"),
)


_COUNT_RES = tuple((what, re.compile(rf"{words}{_NUM}\s*件"), placeholder, key)
                   for what, words, placeholder, key in _COUNT_PATTERNS)


# A claim that every application was answered in time, in the wordings reports use: 均在法定
# 期限内答复, 均已按时限要求答复, 全部按期办结, 按时答复率100%, 无逾期, 未发生超期答复 …
_ALL = r"(?:均|全部|全都|都|一律|悉数|全数)(?:已经?|能够?|得到|予以)*"


_IN_TIME = (r"(?:(?:在|于)?(?:法定|规定|承诺)?的?(?:期限|时限|时间|工作日)内"
            r"|按照?(?:法定|规定)?的?(?:时限|期限)(?:要求)?|按时|按期|如期|准时)")


_ALL_ON_TIME_RE = re.compile(
    rf"{_ALL}{_IN_TIME}(?:予以|进行|作出|完成|给予)?(?:答复|办结|办理|回复|办完)"
    r"|按(?:时|期)(?:答复|办结|回复|办理)?率(?:为|达到?|是)?(?:100(?:\.0+)?\s*[%％]|百分之百)"
    r"|(?:无|没有|未|均未|从未|零)(?:出现|发生|有)?(?:一件|任何)?(?:逾期|超期|超时)")


_SENTENCE_RE = re.compile(r"[。；;！!？?\n]")


_FEE_NONE_RE = re.compile(r"(未|没有|不|无|免)[^。；;，,\d]{0,8}?(收取|收费)|免收|免费")


_FEE_CHARGED_RE = re.compile(r"收取[^。；;，,\d]{0,15}?(\d+(?:\.\d+)?)\s*元")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", split_mode(text)[1])


def _where(key: str, paragraphs: Mapping[str, str], year: int) -> dict:
    """Office text is located in its workbook; default text has no file to point at."""
    if key in paragraphs:
        return {"file": f"{year}/{year}年{SHEET}.xlsx", "sheet": SHEET}
    return {}


def _sections(parts: Sequence[Part]) -> Iterable[tuple[Section, str]]:
    for part in parts:
        for section in part.sections:
            yield section, "\n".join(section.paragraphs).translate(_FULLWIDTH_DIGITS)


def _agrees(stated: str, approx_mark: str | None, actual) -> bool:
    return approx_agrees(int(stated), actual) if approx_mark else int(stated) == actual


def count_mismatches(text: str, tables: YearTables,
                     interpretations_by_form: Mapping[str, int | float] | None = None
                     ) -> list[tuple[re.Match, str, int | float, str]]:
    """Counts stated in `text` (full-width digits as ASCII) that the tables or the headline
    figures contradict: (match, what it counts, the actual value, its placeholder). A figure
    the tables do not know (None) is not judged."""
    out = []
    text = text.translate(_FULLWIDTH_DIGITS)
    received = _total(tables.b, "new")
    items = tables.figures.get("items_published")
    interp = tables.figures.get("interpretations")

    def check(m, what, actual, placeholder, stated, mark_):
        if actual is not None and not _agrees(stated, mark_, actual):
            out.append((m, what, actual, placeholder))

    for what, pattern, placeholder, key in _COUNT_RES:
        actual = tables.figures.get(key) if key in FIGURES else _total(tables.b, key)
        for m in pattern.finditer(text):
            check(m, what, actual, placeholder, m.group(1), m.group(2))
    for m in _APPLICATIONS_RE.finditer(text):
        if "申请" in m.group(1) or "要求公开" in m.group(1):
            check(m, "收到的政府信息公开申请数", received, "{applications_received}",
                  m.group(2), m.group(3))
    for m in _ITEMS_RE.finditer(text):
        check(m, "主动公开政府信息条数", items, "{items_published} 或 {items_published_approx}",
              m.group(1), m.group(2))
    for m in _INTERP_RE.finditer(text):
        clause = re.split(r"[。；;，,]", text[:m.start()])[-1]
        form = next((f for f in (interpretations_by_form or {}) if f in clause), None)
        if form is not None:
            check(m, f"以{form}形式开展的政策解读次数", interpretations_by_form[form],
                  f"{{interpretations_{form}}}", m.group(1), m.group(2))
        else:
            check(m, "政策解读次数", interp, "{interpretations}", m.group(1), m.group(2))
    return out


def _figure_findings(year, tables: YearTables, parts, paragraphs,
                     interpretations_by_form: Mapping[str, int | float] | None) -> list[Finding]:
    return [finding("TX030", year=year, **_where(section.key, paragraphs, year),
                    section=slot_label(section.key), what=what, stated=m.group(0),
                    actual=as_written(actual), placeholder=placeholder)
            for section, text in _sections(parts)
            for m, what, actual, placeholder in count_mismatches(text, tables,
                                                                 interpretations_by_form)]


def breakdown_mismatches(text: str) -> list[tuple[str, int, int]]:
    """Breakdowns whose parts do not add up to their total, in the wordings reports use: a
    total (with or without 共/合计/累计) then 其中/包括/含 and at least two parts, in 条, 件,
    篇, 项, 个 or 次, mixed or not. Parts in brackets (a breakdown of a part), changes against
    last year and approximate numbers (1300余条) are left out. (snippet, parts' sum, total)."""
    out = []
    for m in _BREAKDOWN_RE.finditer(text.translate(_FULLWIDTH_DIGITS)):
        total, tail = int(m.group(1)), _BRACKETED.sub("", m.group(3))
        numbers = [n for n in _PART_RE.finditer(tail) if not n.group(1)]
        if len(numbers) < 2 or any(n.group(3) for n in numbers):
            continue
        s = sum(int(n.group(2)) for n in numbers)
        if s != total:
            out.append((m.group(0)[:60], s, total))
    return out


def _breakdown_findings(year, parts, paragraphs) -> list[Finding]:
    return [finding("TX031", year=year, **_where(section.key, paragraphs, year),
                    section=slot_label(section.key), snippet=snippet, parts=s, total=total)
            for section, text in _sections(parts)
            for snippet, s, total in breakdown_mismatches(text)]


def stray_years(paragraph: str, year: int) -> list[str]:
    """Years other than the report year (or the next one, for plans) that open the paragraph
    or are followed by 以来/全年/度, unless a comparison (较2022年…): snippets."""
    out = []
    p = paragraph.translate(_FULLWIDTH_DIGITS)
    for m in _YEAR_RE.finditer(p):
        y = int(m.group(1))
        if y in (year, year + 1):
            continue
        before = p[:m.start()]
        after = p[m.end():]
        if before.endswith(_COMPARISON):
            continue
        if before.strip() == "" or after.startswith(("以来", "全年", "度", "年度")):
            out.append(p[m.start():m.end() + 8])
    return out


def _year_findings(year, parts, paragraphs) -> list[Finding]:
    return [finding("TX032", year=year, **_where(section.key, paragraphs, year),
                    section=slot_label(section.key), snippet=snippet, report_year=year)
            for part in parts for section in part.sections for p in section.paragraphs
            for snippet in stray_years(p, year)]


def _heading_findings(year, parts) -> list[Finding]:
    out = []
    found = {p.key: p.heading for p in parts}
    for i, (key, heading) in enumerate(statutory.PARTS):
        actual = parts[i].heading if i < len(parts) else None
        if actual != heading:
            out.append(finding("TX033", year=year, number=heading.split("、")[0], heading=heading,
                               found=found.get(key) or actual or "（缺失）"))
    return out


def _problems_findings(year, parts, paragraphs, previous) -> list[Finding]:
    heading = statutory.PART_HEADINGS["problems"]
    where = _where("problems", paragraphs, year)
    part = next((p for p in parts if p.key == "problems"), None)
    rendered = "".join(p for s in part.sections for p in s.paragraphs) if part else ""
    own = _norm(paragraphs["problems"]) if "problems" in paragraphs else None
    for text in (own, re.sub(r"\s+", "", rendered)):
        if text is not None and text.strip("。.！!") in _EMPTY_WORDS:
            return [finding("TX020", year=year, **where, heading=heading, text=text)]
    if own is None:
        return [finding("TX021", year=year, heading=heading)]
    if previous and "problems" in previous and _norm(previous["problems"]) == own:
        return [finding("TX022", year=year, **where, heading=heading, previous=year - 1)]
    return []


def _repeat_findings(year, paragraphs, previous) -> list[Finding]:
    if not previous:
        return []
    return [finding("TX034", year=year, **_where(key, paragraphs, year), section=slot_label(key),
                    previous=year - 1)
            for key in PARAGRAPH_KEYS
            if key != "problems" and key in paragraphs and key in previous
            and _norm(paragraphs[key]) and _norm(paragraphs[key]) == _norm(previous[key])]


def fee_statement(text: str) -> tuple[str | None, list[tuple[str, float]]]:
    """What a text says about fees: the words saying none was charged (or None), and each
    amount it says was charged (snippet, yuan)."""
    text = text.translate(_FULLWIDTH_DIGITS)
    none = _FEE_NONE_RE.search(text)
    return (none.group(0) if none else None,
            [(m.group(0), float(m.group(1))) for m in _FEE_CHARGED_RE.finditer(text)])


def _fee_findings(year, tables, parts, paragraphs) -> list[Finding]:
    fee = tables.figures.get("fee_charged_yuan")
    if fee is None:
        return []
    out = []
    key = "other.fees"
    for section, text in _sections(parts):
        if section.key != key:
            continue
        charged = [float(m.group(1)) for m in _FEE_CHARGED_RE.finditer(text)]
        says_none = _FEE_NONE_RE.search(text)
        if fee > 0 and says_none and not any(charged):
            out.append(finding("TX035", year=year, **_where(key, paragraphs, year),
                               section=slot_label(key), fee=as_written(fee),
                               snippet=says_none.group(0)))
        elif fee == 0 and any(charged):
            m = _FEE_CHARGED_RE.search(text)
            out.append(finding("TX035", year=year, **_where(key, paragraphs, year),
                               section=slot_label(key), fee=0, snippet=m.group(0)))
    return out


def _on_time_findings(year, tables, parts, paragraphs, overdue_open: int) -> list[Finding]:
    """A claim that every answer was in time, while the deadline check found late answers,
    open applications past their deadline, or answers it could not judge."""
    fig = tables.figures
    late, unknown = fig.get("answered_late") or 0, fig.get("answered_unknown") or 0
    if not (late or overdue_open or unknown):
        return []
    facts, advice = [], []
    if late:
        facts.append(f"本年度有{as_written(late)}件申请逾期答复")
        advice.append("写明逾期的件数，例如“其中逾期答复{answered_late}件”（占位符让数字与报表"
                      "一致），并说明逾期原因和整改措施")
    if overdue_open:
        facts.append(f"有{as_written(overdue_open)}件未办结的申请已超过答复期限")
        advice.append(f"写明尚未办结的申请中有{as_written(overdue_open)}件已超过法定答复期限、"
                      "仍在办理")
    if unknown:
        facts.append(f"有{as_written(unknown)}件已答复的申请未能核对是否按时答复")
        advice.append("先按审核结果改正台账中的日期或征求意见天数（或升级节假日日历）后重新运行，"
                      "核对之前不要写全部按时答复")
    out = []
    for section, text in _sections(parts):
        for sentence in _SENTENCE_RE.split(text):
            # about applications (not, say, letters from the public answered in time)
            if "申请" not in sentence and "答复" not in sentence:
                continue
            out += (
                finding("TX036", year=year, **_where(section.key, paragraphs, year),
                        section=slot_label(section.key), snippet=m.group(0),
                        facts="，".join(facts), advice="；".join(advice))
                for m in _ALL_ON_TIME_RE.finditer(sentence))
    return out


def _placeholder_findings(cfg, year, parts, paragraphs) -> list[Finding]:
    known = {name for name, _ in placeholder_catalogue(cfg)}
    out = []
    for section, text in _sections(parts):
        for name in dict.fromkeys(PLACEHOLDER_RE.findall(text)):
            rule = "TX011" if name in known else "TX010"
            out.append(finding(rule, year=year, **_where(section.key, paragraphs, year),
                               section=slot_label(section.key), placeholder="{" + name + "}",
                               report_year=year))
    return out


def review_text(cfg: Config, year: int, tables: YearTables, paragraphs: Mapping[str, str],
                previous_paragraphs: Mapping[str, str] | None,
                rendered_parts: Sequence[Part] | None = None, *, data: TextData | None = None
                ) -> list[Finding]:
    """The TX rules over the composed report: placeholders, part 五, numbers against the
    tables, breakdowns, years, headings, repeats of last year, the fee statement, and claims
    of timely answers against the deadline check (the figures and `data.overdue_open`).

    `data` (see `text_data`) supplies the facts behind per-category and per-form placeholders;
    without it those placeholders count as "no data". Without `rendered_parts` the report's
    parts are composed here from `data`.
    """
    data = data or TextData(tables)
    if rendered_parts is None:
        _, rendered_parts = compose(cfg, data, paragraphs)
    interpretations_by_form = data.interpretations or None
    return [
        *_heading_findings(year, rendered_parts),
        *_placeholder_findings(cfg, year, rendered_parts, paragraphs),
        *_problems_findings(year, rendered_parts, paragraphs, previous_paragraphs),
        *_figure_findings(year, tables, rendered_parts, paragraphs, interpretations_by_form),
        *_breakdown_findings(year, rendered_parts, paragraphs),
        *_year_findings(year, rendered_parts, paragraphs),
        *_repeat_findings(year, paragraphs, previous_paragraphs),
        *_fee_findings(year, tables, rendered_parts, paragraphs),
        *_on_time_findings(year, tables, rendered_parts, paragraphs, data.overdue_open),
    ]
