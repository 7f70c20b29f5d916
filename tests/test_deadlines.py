"""Working days and answer deadlines. Every expected count is worked out by hand below from the
State Council's published holiday schedules, not with the code under test."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from pipeline.core.records import Application, Source
from pipeline.review.deadlines import (
    CalendarYearUnknown,
    add_working_days,
    assess,
    assess_register,
    deadline_for,
    working_days_between,
)

SRC = Source("2023/第1季度/2023年第1季度-街道本级.xlsx", "依申请公开台账", "A5")


def app(received, answered=None, **kw) -> Application:
    return Application("街道本级", received.year, 1, kw.pop("app_id", "2023-001"), received,
                       "网络平台", "natural", answered=answered,
                       outcome="disclosed" if answered else None, source=SRC, **kw)


def test_span_across_spring_festival_2023():
    # Received Fri 2023-01-20. Jan 21–27 are the Spring Festival holiday (0); Sat Jan 28 and
    # Sun Jan 29 are make-up working days (2); Mon Jan 30 – Fri Feb 3 (5) → 7;
    # Mon Feb 6 – Fri Feb 10 (5) → 12.
    assert working_days_between(date(2023, 1, 20), date(2023, 2, 10)) == 12


def test_make_up_saturday_counts():
    # Sat 2023-01-28 was a working day: Fri Jan 27 (holiday, the start) → Sat Jan 28 = 1.
    assert working_days_between(date(2023, 1, 27), date(2023, 1, 28)) == 1


def test_make_up_sunday_counts_but_an_ordinary_weekend_does_not():
    # Sun 2023-04-23 was a working day (Labour Day swap): Sat Apr 22 → Sun Apr 23 = 1.
    assert working_days_between(date(2023, 4, 22), date(2023, 4, 23)) == 1
    # Fri Apr 21 → Fri Apr 28: Sat 22 no, Sun 23 yes (1), Mon 24 – Fri 28 (5) → 6.
    assert working_days_between(date(2023, 4, 21), date(2023, 4, 28)) == 6
    # An ordinary weekend: Sat 2023-04-15 → Sun 2023-04-16 = 0.
    assert working_days_between(date(2023, 4, 15), date(2023, 4, 16)) == 0


def test_span_across_labour_day_2023():
    # Fri Apr 28 → Mon May 8: Apr 29 – May 3 holiday; Thu May 4 (1), Fri May 5 (2),
    # Sat May 6 make-up (3), Sun May 7 no, Mon May 8 (4).
    assert working_days_between(date(2023, 4, 28), date(2023, 5, 8)) == 4


def test_the_day_of_receipt_does_not_count_and_an_earlier_end_gives_zero():
    assert working_days_between(date(2023, 5, 8), date(2023, 5, 8)) == 0
    assert working_days_between(date(2023, 5, 9), date(2023, 5, 8)) == 0
    # Fri May 19 → Mon May 22: only Monday.
    assert working_days_between(date(2023, 5, 19), date(2023, 5, 22)) == 1


def test_the_cached_loops_count_the_days_chinesecalendar_counts():
    # The library's own get_workdays and find_workday are the reference (deadlines counts with
    # a cached loop because they are ~40 times slower): every start day from December 2022 to
    # January 2024, so two year ends, two Spring Festivals and their make-up weekends.
    for i in range(427):
        day = date(2022, 12, 1) + timedelta(days=i)
        after = day + timedelta(days=1)
        for span in (1, 45):
            end = day + timedelta(days=span)
            assert working_days_between(day, end) == len(chinese_calendar.get_workdays(after, end))
        for n in (1, 40):  # find_workday(k, d): the (k + 1)-th working day from d on
            assert add_working_days(day, n) == chinese_calendar.find_workday(n - 1, after)


def test_unknown_year_raises_a_clear_exception():
    with pytest.raises(CalendarYearUnknown) as exc:
        working_days_between(date(2031, 3, 3), date(2031, 3, 20))
    assert exc.value.year == 2031


def test_deadline_20_40_and_consultation_days():
    # From Fri 2023-01-20: Jan 28 (1), Jan 29 (2), Jan 30 – Feb 3 (7), Feb 6–10 (12),
    # Feb 13–17 (17), Mon Feb 20 (18), Tue Feb 21 (19), Wed Feb 22 (20).
    assert deadline_for(app(date(2023, 1, 20))) == date(2023, 2, 22)
    # Extended to 40: Feb 23–24 (22), Feb 27 – Mar 3 (27), Mar 6–10 (32), Mar 13–17 (37),
    # Mar 20, 21, 22 (40).
    assert deadline_for(app(date(2023, 1, 20), extended=True)) == date(2023, 3, 22)
    # Three consultation days push the 20th day back three working days: Feb 23 (21),
    # Feb 24 (22), Mon Feb 27 (23).
    assert deadline_for(app(date(2023, 1, 20), consult_days=3)) == date(2023, 2, 27)


def test_seed_application_answered_in_ten_working_days():
    # Mon 2023-05-08 → Mon 2023-05-22: May 9–12 (4), May 15–19 (9), May 22 (10).
    assert assess(app(date(2023, 5, 8), date(2023, 5, 22)), date(2023, 12, 31)) == (10, True, [])


def test_late_answer_is_a_warning_with_the_deadline():
    # 2023-01-20 → Thu 2023-02-23 = 21 working days (the 20th was Feb 22).
    used, on_time, found = assess(app(date(2023, 1, 20), date(2023, 2, 23)), date(2023, 12, 31))
    assert (used, on_time) == (21, False)
    assert [f.rule for f in found] == ["DL002"]
    assert found[0].severity == "warning"
    assert "21" in found[0].message and "2023-02-22" in found[0].message
    assert (found[0].file, found[0].cell, found[0].unit) == (SRC.file, "A5", "街道本级")


def test_extension_makes_the_same_answer_on_time():
    used, on_time, found = assess(app(date(2023, 1, 20), date(2023, 2, 23), extended=True),
                                  date(2023, 12, 31))
    assert (used, on_time, found) == (21, True, [])


def test_correction_restarts_the_clock_and_a_late_notice_is_warned():
    # Received Wed 2023-03-01; notice Mon 2023-03-13: Mar 2, 3 (2), Mar 6–10 (7), Mar 13 (8)
    # → 8 working days > 7. Corrected application arrives Mon 2023-03-20; answered Fri
    # 2023-04-14: Mar 21–24 (4), Mar 27–31 (9), Apr 3–4 (11), Apr 5 Qingming holiday,
    # Apr 6–7 (13), Apr 10–14 (18) → on time. (Counted from Mar 1 it would be 31: late.)
    a = app(date(2023, 3, 1), date(2023, 4, 14), correction_sent=date(2023, 3, 13),
            correction_received=date(2023, 3, 20))
    used, on_time, found = assess(a, date(2023, 12, 31))
    assert (used, on_time) == (18, True)
    assert [f.rule for f in found] == ["DL003"]
    assert "8" in found[0].message


def test_consultation_days_do_not_count():
    # Mon 2023-05-08 → Mon 2023-06-12: May 9–12 (4), 15–19 (9), 22–26 (14),
    # May 29 – Jun 2 (19), Jun 5–9 (24), Jun 12 (25); minus 6 consultation days = 19.
    assert assess(app(date(2023, 5, 8), date(2023, 6, 12)), date(2023, 12, 31))[:2] == (25, False)
    assert assess(app(date(2023, 5, 8), date(2023, 6, 12), consult_days=6),
                  date(2023, 12, 31)) == (19, True, [])


def test_open_application_near_its_deadline_at_year_end():
    # Received Tue 2023-12-05: Dec 6–8 (3), 11–15 (8), 18–22 (13), 25–29 (18), Jan 1 2024 is
    # New Year's Day, Tue Jan 2 (19), Wed Jan 3 (20) → due 2024-01-03. As of 2023-12-31 two
    # working days are left (Jan 2, 3).
    used, on_time, found = assess(app(date(2023, 12, 5)), date(2023, 12, 31))
    assert (used, on_time) == (None, None)
    assert [f.rule for f in found] == ["DL005"]
    assert "2024-01-03" in found[0].message and "2 个工作日" in found[0].message


def test_near_means_five_working_days_or_fewer():
    # Due 2024-01-03. As of Tue 2023-12-26: Dec 27, 28, 29, Jan 2, 3 → 5 left (near).
    # As of Mon 2023-12-25: Dec 26 too → 6 left (not near).
    assert [f.rule for f in assess(app(date(2023, 12, 5)), date(2023, 12, 26))[2]] == ["DL005"]
    assert assess(app(date(2023, 12, 5)), date(2023, 12, 25))[2] == []


def test_open_application_past_its_deadline():
    # Received Wed 2023-11-01: Nov 2–3 (2), 6–10 (7), 13–17 (12), 20–24 (17), 27–29 (20)
    # → due 2023-11-29, passed on 2023-12-31.
    found = assess(app(date(2023, 11, 1)), date(2023, 12, 31))[2]
    assert [f.rule for f in found] == ["DL004"]
    assert "2023-11-29" in found[0].message


def test_waiting_for_the_applicants_correction_stops_the_clock():
    a = app(date(2023, 11, 1), correction_sent=date(2023, 11, 3))
    assert assess(a, date(2023, 12, 31)) == (None, None, [])


def test_dates_out_of_order_are_an_error_not_a_count():
    used, on_time, found = assess(app(date(2023, 5, 22), date(2023, 5, 8)), date(2023, 12, 31))
    assert (used, on_time) == (None, None)
    assert [(f.rule, f.severity) for f in found] == [("DL006", "note")]


def test_unknown_year_gives_one_finding_for_the_year_and_no_count():
    apps = [app(date(2031, 3, 3), date(2031, 3, 20), app_id="2031-001"),
            app(date(2031, 4, 3), date(2031, 4, 20), app_id="2031-002"),
            app(date(2031, 5, 6), app_id="2031-003")]
    rows, found = assess_register(apps, date(2031, 12, 31))
    assert [(used, ok) for _, used, ok in rows] == [(None, None)] * 3
    assert [f.rule for f in found] == ["DL001"]
    assert "2031" in found[0].message and found[0].year == 2031


# --- A value that leads outside the calendar affects its row only ------------------------------

CELLS = {"app_id": "A5", "received": "B5", "consult_days": "L5", "answered": "M5"}


def test_consultation_days_beyond_the_span_are_the_rows_error_at_their_cell():
    # Mon 2023-05-08 → Mon 2023-05-22 is 10 working days; 11 days of consultation cannot fit.
    used, on_time, found = assess(app(date(2023, 5, 8), date(2023, 5, 22), consult_days=11,
                                      cells=CELLS), date(2023, 12, 31))
    assert (used, on_time) == (None, None)
    assert [(f.rule, f.severity, f.sheet, f.cell) for f in found] == [
        ("DL008", "error", "依申请公开台账", "L5")]
    assert "填的是 11 个工作日" in found[0].message and "只有 10 个工作日" in found[0].message
    # all ten days spent consulting: 0 working days used, on time
    assert assess(app(date(2023, 5, 8), date(2023, 5, 22), consult_days=10),
                  date(2023, 12, 31)) == (0, True, [])


def test_consultation_days_pushing_an_open_deadline_past_the_calendar():
    used, on_time, found = assess(app(date(2023, 11, 1), consult_days=100000, cells=CELLS),
                                  date(2023, 12, 31))
    assert (used, on_time) == (None, None)
    assert [(f.rule, f.cell) for f in found] == [("DL008", "L5")]
    assert "100000 个工作日" in found[0].message


def test_a_mistyped_date_in_a_year_the_calendar_lacks_is_the_rows_note():
    rows, found = assess_register([
        app(date(2023, 5, 8), date(2099, 5, 22), cells=CELLS),
        app(date(2023, 5, 8), date(2023, 5, 22), app_id="2023-002")], date(2023, 12, 31))
    assert [(a.app_id, used, ok) for a, used, ok in rows] == [("2023-001", None, None),
                                                             ("2023-002", 10, True)]
    assert [(f.rule, f.severity, f.cell) for f in found] == [("DL007", "note", "M5")]
    assert "2099-05-22" in found[0].message and "2022-01-01 至 2023-12-31" in found[0].message


def test_a_deadline_in_a_next_year_the_calendar_lacks_is_the_years_finding():
    last = max(chinese_calendar.constants.holidays).year  # the calendar's last year
    # received 20 December of that year and still open: the deadline falls in the next year
    open_app = Application("街道本级", last, 4, f"{last}-009", date(last, 12, 20), "网络平台",
                           "natural", source=SRC)
    answered = Application("街道本级", last, 4, f"{last}-008", date(last, 12, 1), "网络平台",
                           "natural", answered=date(last, 12, 2), outcome="disclosed",
                           source=SRC)
    rows, found = assess_register([open_app, answered], date(last, 12, 31))
    assert [(used, ok) for _, used, ok in rows] == [(None, None), (1, True)]
    assert [(f.rule, f.cell) for f in found] == [("DL001", None)]
    assert f"{last + 1} 年" in found[0].message
