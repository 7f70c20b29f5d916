"""Return states (未收到, 未填, 填写中, 已确认, 有错误) and how complete a year is."""

from __future__ import annotations

from datetime import date

from pipeline.core.findings import Finding
from pipeline.core.records import Header, Submission
from pipeline.review import returns
from pipeline.workbooks import layout


def file_of(year, q, unit):
    return f"{year}/第{q}季度/{year}年第{q}季度-{unit}.xlsx"


def header(unit, q, *, touched=True, declaration=None, year=2024):
    return Header(unit, year, q, layout.TEMPLATE_VERSION, file_of(year, q, unit),
                  touched=touched, declaration=declaration, officer="某甲" if declaration else None,
                  officer_phone="0472-1234567" if declaration else None,
                  confirmed_on=date(year, 4, 8) if declaration else None)


def test_each_state_from_the_header_and_the_findings(config):
    headers = [header("街道本级", 1, declaration=layout.DONE),
               header("青松社区", 1, declaration=layout.NOTHING, touched=False),
               header("明德社区", 1),                       # typed into, not confirmed
               header("和顺社区", 1, touched=False),         # a blank template
               header("康宁社区", 1, declaration=layout.DONE),
               header("兴业社区", 1, declaration=layout.FILLING)]
    findings = [Finding("IN102", "error", "x", file=file_of(2024, 1, "康宁社区")),
                Finding("IN101", "note", "y", file=file_of(2024, 1, "明德社区")),
                Finding("ID103", "error", "z", file=file_of(2024, 1, "友谊社区"))]
    subs = {(s.unit, s.quarter): s for s in returns.submissions(config, 2024, headers, findings)}
    assert len(subs) == len(config.units) * 4
    assert {u: subs[(u, 1)].status for u in config.units} == {
        "街道本级": "confirmed", "青松社区": "confirmed", "明德社区": "filling",
        "和顺社区": "untouched", "康宁社区": "errors", "兴业社区": "filling",
        "友谊社区": "missing"}
    # a file that could not be accepted leaves its place 未收到, and is named
    assert subs[("友谊社区", 1)].rejected == file_of(2024, 1, "友谊社区")
    assert subs[("友谊社区", 1)].file is None
    assert subs[("街道本级", 2)].status == "missing" and subs[("街道本级", 2)].rejected is None
    # who confirmed travels with the return (for `xxgk status`)
    assert (subs[("街道本级", 1)].officer, subs[("街道本级", 1)].confirmed_on) == (
        "某甲", date(2024, 4, 8))


def _subs(states):
    return [Submission(2024, f"单位{i}", q, None, s)
            for i, row in enumerate(states) for q, s in enumerate(row, start=1)]


def test_a_year_is_final_only_when_every_return_is_confirmed_and_nothing_is_wrong():
    done = returns.completeness(2024, _subs([["confirmed"] * 4] * 2), errors=0)
    assert done.final_ok and not done.partial
    assert done.summary() == "2024年全部8本报表已确认，审核无错误"
    with_error = returns.completeness(2024, _subs([["confirmed"] * 4] * 2), errors=1)
    assert not with_error.final_ok and not with_error.partial
    assert with_error.summary() == "数据截至第4季度，审核发现错误1条"


def test_how_far_the_data_go_is_said_in_words():
    done = returns.completeness(2024, _subs([
        ["confirmed", "confirmed", "untouched", "untouched"],
        ["confirmed", "filling", "missing", "untouched"],
    ]), errors=0)
    assert not done.final_ok and done.partial
    assert done.through == 2 and done.unconfirmed == 5
    assert done.summary() == "数据截至第2季度，5本未确认（其中未收到1本、未填3本、填写中1本）"


def test_a_year_nobody_has_typed_into_has_no_data():
    done = returns.completeness(2024, _subs([["untouched"] * 4]), errors=0)
    assert done.through == 0
    assert done.summary() == "尚无任何单位填报数据，4本未确认（其中未填4本）"


def test_a_year_known_from_its_published_tables_is_whole():
    done = returns.published(2021)
    assert done.final_ok and not done.partial
    assert returns.completeness(2021, [], errors=0).final_ok is False  # nothing expected: no
