"""Answer deadlines for applications (条例 articles 30–33), counted in working days.

Working days come from chinesecalendar, which knows the State Council's holiday schedule and its
make-up working weekends (调休). It only knows the years it was released for: for any other year
the count is refused, never guessed. A year the register needs (the report year, the year before
for carried-in applications, the next for deadlines running past 31 December) missing from the
calendar is one finding for the year; a date or a number of consultation days in one row that
leads outside the calendar is that row's finding, and only that application goes uncounted.

The loops below count with chinesecalendar's `is_workday`, cached. Its own `get_workdays` and
`find_workday` give the same days (tests/test_deadlines.py compares them for every start day
from December 2022 to January 2024) but look up the calendar's first and last year again for
every date they test: ~40 times slower (0.55 ms a call against 14 µs), 0.45 s more CPU for the
1,993 applications of the 1,000-workbook benchmark city (docs/benchmarks.md, "工作日计算").
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from pipeline.core.findings import Finding, finding
from pipeline.core.records import Application, Case
from pipeline.workbooks import layout

LIMIT = 20           # working days to answer (article 33)


EXTENDED_LIMIT = 40  # with the one extension the head of the disclosure office may grant


CORRECTION_LIMIT = 7  # working days to send the one-time correction notice (article 30)


NEAR = 5             # an open application with this many working days left or fewer is "near"


OVERDUE_OPEN = "DL004"  # the report text counts these findings (see report.text_data)


_DATES = ("received", "correction_sent", "correction_received", "answered")


class CalendarYearUnknown(Exception):
    """chinesecalendar has no holiday schedule for `year`."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year


@lru_cache(maxsize=64)
def calendar_has(year: int) -> bool:
    """Whether chinesecalendar knows the holidays of `year`."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=4096)
def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise CalendarYearUnknown(day.year) from None


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 if end is not after start).

    The day of receipt does not count: an application received on a Friday and answered the
    next Monday took 1 working day. Raises CalendarYearUnknown for a year the calendar lacks.
    """
    n = 0
    day = start + timedelta(days=1)
    while day <= end:
        n += is_workday(day)
        day += timedelta(days=1)
    return n


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (start itself when n is 0)."""
    day = start
    while n > 0:
        day += timedelta(days=1)
        n -= is_workday(day)
    return day


def limit_for(app: Application) -> int:
    return EXTENDED_LIMIT if app.extended else LIMIT


def clock_start(app: Application) -> date | None:
    """The clock restarts when the corrected application arrives."""
    return app.correction_received or app.received


def deadline_for(app: Application) -> date:
    """Last day to answer: the limit plus the consultation days, counted from the clock start.

    consult_days are working days spent waiting for a third party or another organ; they do not
    count against the limit, so they push the deadline back by as many working days.
    """
    start = clock_start(app)
    if start is None:
        raise ValueError(f"application {app.app_id} has no date of receipt")
    return add_working_days(start, limit_for(app) + app.consult_days)


def at_row(rule_id: str, rec: Application | Case, *, at_column: str | None = None,
           **fields) -> Finding:
    """A finding placed at a register row (an application or a case): at the cell of
    `at_column` (a register column key) when given and known, else at the row's first cell."""
    src = rec.source
    cell = getattr(rec, "cells", {}).get(at_column) if at_column else None
    return finding(rule_id, unit=rec.unit, file=src.file if src else None,
                   sheet=src.sheet if src else None, cell=cell or (src.cell if src else None),
                   year=rec.year, **fields)


def _at(rule_id: str, app: Application, **fields) -> Finding:
    return at_row(rule_id, app, app_id=app.app_id, **fields)


def _label(column: str) -> str:
    return layout.APPLICATIONS.column(column).label


def _calendar_problem(app: Application) -> Finding | None:
    """A date of the row in a year the calendar lacks: the year's finding when the register
    needs that year (the report year or the one before), else the row's (a mistyped date)."""
    for column in _DATES:
        day = getattr(app, column)
        if day is None or calendar_has(day.year):
            continue
        if day.year in (app.year - 1, app.year):
            return finding("DL001", year=app.year, calendar_year=day.year)
        return _at("DL007", app, at_column=column, column=_label(column), value=day,
                   value_year=day.year,
                   start=date(app.year - 1, 1, 1), end=date(app.year, 12, 31))
    return None


def _consult_problem(app: Application, why: str) -> Finding:
    return _at("DL008", app, at_column="consult_days", column=_label("consult_days"),
               consult=app.consult_days, why=why)


def _date_order_problems(app: Application) -> list[Finding]:
    pairs = (("收到日期", app.received, "补正告知日期", app.correction_sent),
             ("补正告知日期", app.correction_sent, "补正材料收到日期", app.correction_received),
             ("收到日期", app.received, "补正材料收到日期", app.correction_received),
             ("收到日期", app.received, "答复日期", app.answered),
             ("补正材料收到日期", app.correction_received, "答复日期", app.answered))
    return [_at("DL006", app, earlier=e, earlier_date=ed, later=lt, later_date=ld)
            for e, ed, lt, ld in pairs if ed is not None and ld is not None and ld < ed]


def assess(app: Application, as_of: date) -> tuple[int | None, bool | None, list[Finding]]:
    """(working days used, answered on time, findings) of one application as of `as_of`.

    Working days and on-time are None while the application is open, when its dates or its
    consultation days cannot be counted, or when the calendar lacks a year. An application
    waiting for the applicant's correction has its clock stopped at the correction notice.
    """
    if app.received is None:  # the register row is incomplete; ingestion reports it
        return None, None, []
    problems = _date_order_problems(app)
    if problems:
        return None, None, problems
    problem = _calendar_problem(app)
    if problem is not None:
        return None, None, [problem]
    if app.consult_days is None:  # unusable, and reported where it was read: cannot judge
        return None, None, []
    out: list[Finding] = []
    try:
        if app.correction_sent is not None:
            used = working_days_between(app.received, app.correction_sent)
            if used > CORRECTION_LIMIT:
                out.append(_at("DL003", app, received=app.received, sent=app.correction_sent,
                               used=used, limit=CORRECTION_LIMIT))
        waiting = app.correction_sent is not None and app.correction_received is None
        limit = limit_for(app)
        if app.answered is not None:
            end = app.correction_sent if waiting else app.answered
            elapsed = working_days_between(clock_start(app), end)
            if app.consult_days > elapsed:  # the consultation lies between start and end
                start = "correction_received" if app.correction_received else "received"
                stop = "correction_sent" if waiting else "answered"
                return None, None, [*out, _consult_problem(
                    app, f"而从“{_label(start)}”（{clock_start(app)}）到“{_label(stop)}”（{end}）"
                         f"一共只有 {elapsed} 个工作日")]
            used = elapsed - app.consult_days
            on_time = used <= limit
            if not on_time:
                out.append(_at("DL002", app, used=used, limit=limit, due=deadline_for(app)))
            return used, on_time, out
        if not waiting:
            due = deadline_for(app)
            if as_of > due:
                out.append(_at("DL004", app, as_of=as_of, due=due))
            else:
                left = working_days_between(as_of, due)
                if left <= NEAR:
                    out.append(_at("DL005", app, as_of=as_of, due=due, left=left))
        return None, None, out
    except CalendarYearUnknown as exc:
        # The row's dates are known to the calendar (see _calendar_problem): a deadline beyond
        # the next year can only come from the consultation days.
        if exc.year > app.year + 1 and app.consult_days:
            return None, None, [*out, _consult_problem(
                app, f"按此推算的答复期限落在 {exc.year} 年或更晚，超出了节假日日历的范围")]
        return None, None, [finding("DL001", year=app.year, calendar_year=exc.year)]


def assess_register(apps: list[Application], as_of: date
                    ) -> tuple[list[tuple[Application, int | None, bool | None]], list[Finding]]:
    """Assess every application; a year the calendar lacks gives one finding, not one per row."""
    rows, out = [], []
    for app in apps:
        used, on_time, found = assess(app, as_of)
        rows.append((app, used, on_time))
        out.extend(f for f in found if f.rule != "DL001" or f not in out)
    return rows, out
