"""The state of each expected return (a unit's workbook for a quarter) and how complete a year
is: nothing counts as reported until an officer vouches for it.

A return is 未收到 (no accepted workbook: none in its place, or the file there was rejected),
未填 (an untouched template), 填写中 (typed into, not confirmed), 已确认 (the officer declared it
complete, or declared the quarter empty) or 有错误 (its file has an error finding). A final
report needs every expected return confirmed and the year free of errors.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.core.config import Config
from pipeline.core.findings import Finding
from pipeline.core.records import Header, Submission
from pipeline.workbooks import filenames, layout

QUARTERS = (1, 2, 3, 4)


MISSING, UNTOUCHED, FILLING, CONFIRMED, ERRORS = (
    "missing", "untouched", "filling", "confirmed", "errors")


STATE_LABELS: dict[str, str] = {
    MISSING: "未收到", UNTOUCHED: "未填", FILLING: "填写中", CONFIRMED: "已确认", ERRORS: "有错误"}


# States whose workbook carries data someone typed.
WITH_DATA = frozenset({FILLING, CONFIRMED, ERRORS})


def state_of(header: Header, has_errors: bool) -> str:
    """The state of an accepted workbook."""
    if has_errors:
        return ERRORS
    if header.declaration in layout.CONFIRMING:
        return CONFIRMED
    return FILLING if header.touched else UNTOUCHED


def submissions(cfg: Config, year: int, headers: Iterable[Header],
                findings: Iterable[Finding]) -> list[Submission]:
    """Each unit × quarter of the year with its state. A file rejected before its header was
    accepted (not a workbook, wrong name, duplicate, old template …) leaves its place 未收到,
    and is named as rejected (its error is among the findings)."""
    findings = list(findings)
    with_errors = {f.file for f in findings if f.severity == "error" and f.file}
    by_slot = {(h.unit, h.quarter): h for h in headers if h.year == year}
    accepted = {h.file for h in by_slot.values()}
    rejected: dict[tuple[str, int], str] = {}
    for file in sorted(with_errors - accepted):
        named = filenames.parse_quarter_path(file)
        if named and named[0] == year:
            rejected.setdefault((named[2], named[1]), file)
    out = []
    for unit in cfg.units:
        for q in QUARTERS:
            h = by_slot.get((unit, q))
            if h is None:
                out.append(Submission(year, unit, q, None, MISSING,
                                      rejected=rejected.get((unit, q))))
            else:
                out.append(Submission(year, unit, q, h.file, state_of(h, h.file in with_errors),
                                      officer=h.officer, officer_phone=h.officer_phone,
                                      confirmed_on=h.confirmed_on, declaration=h.declaration))
    return out


@dataclass(frozen=True)
class Completeness:
    """How far a year's returns go: the counts of each state, the last quarter any return has
    data for, and the year's error findings."""

    year: int
    counts: dict[str, int]
    through: int
    errors: int
    published: bool = False  # a year known from its published tables: nothing to vouch for

    @property
    def expected(self) -> int:
        return sum(self.counts.values())

    @property
    def unconfirmed(self) -> int:
        return self.expected - self.counts.get(CONFIRMED, 0)

    @property
    def final_ok(self) -> bool:
        """Every expected return confirmed and no error: a final report may be made."""
        return self.published or (self.expected > 0 and self.unconfirmed == 0
                                  and self.errors == 0)

    @property
    def partial(self) -> bool:
        """Some return of the year is not confirmed: its figures are not the whole year's."""
        return not self.published and self.unconfirmed > 0

    def summary(self) -> str:
        """How far the data go, in Chinese, e.g. "数据截至第2季度，3本未确认（其中未收到1本）"."""
        if self.published:
            return f"{self.year}年数据取自已公开的年度报表"
        if self.final_ok:
            return f"{self.year}年全部{self.expected}本报表已确认，审核无错误"
        head = f"数据截至第{self.through}季度" if self.through else "尚无任何单位填报数据"
        parts = [f"{STATE_LABELS[s]}{n}本" for s in (MISSING, UNTOUCHED, FILLING, ERRORS)
                 if (n := self.counts.get(s, 0))]
        text = head
        if self.unconfirmed:
            text += f"，{self.unconfirmed}本未确认（其中{'、'.join(parts)}）" if parts \
                else f"，{self.unconfirmed}本未确认"
        if self.errors:
            text += f"，审核发现错误{self.errors}条"
        return text


def completeness(year: int, subs: Iterable[Submission], errors: int) -> Completeness:
    """The Completeness of a year from its returns and the number of its error findings."""
    subs = [s for s in subs if s.year == year]
    counts = Counter(s.status for s in subs)
    through = max((s.quarter for s in subs if s.status in WITH_DATA), default=0)
    return Completeness(year, {s: counts.get(s, 0) for s in STATE_LABELS}, through, errors)


def published(year: int) -> Completeness:
    return Completeness(year, {}, 4, 0, published=True)
