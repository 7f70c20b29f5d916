"""The sample quarters: the figures other stages test against, typed here by hand."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from pipeline.sample.demo import SAMPLE_PERSONAL_DATA, apportion, write_sample_quarters
from pipeline.workbooks import filenames, issue
from pipeline.workbooks.folders import year_files
from tests.reading_year import ingest_year

OFFICE = "街道本级"


@pytest.fixture(scope="module")
def sample(config, tmp_path_factory):
    root = tmp_path_factory.mktemp("workbooks")
    written, skipped = write_sample_quarters(config, root)
    return root, written, skipped


@pytest.fixture(scope="module")
def y2023(config, sample):
    return ingest_year(config, sample[0], 2023)


@pytest.fixture(scope="module")
def y2022(config, sample):
    return ingest_year(config, sample[0], 2022)


def _sum(facts, topic, **match):
    return sum(f.value for f in facts if f.topic == topic
               and all(getattr(f, k) == v for k, v in match.items()))


def test_every_unit_and_quarter_of_both_years_is_written(sample):
    root, written, skipped = sample
    assert len(written) == 2 * 4 * 7 and skipped == []
    assert root / "2023" / "第2季度" / "2023年第2季度-街道本级.xlsx" in written
    assert root / "2022" / "第4季度" / "2022年第4季度-友谊社区.xlsx" in written


def test_sample_is_clean(y2022, y2023):
    for result in (y2022, y2023):
        assert result.findings == []
        assert len(result.headers) == 28 and len(result.files) == 28


def test_2023_reproduces_the_published_figures(y2023):
    facts = y2023.facts
    assert _sum(facts, "disclosure", dim="") == 1342
    assert _sum(facts, "disclosure", dim="", key="其他") == 0
    assert len({f.key for f in facts if f.topic == "disclosure" and f.dim == "" and f.value}) == 9
    assert _sum(facts, "interpretation", key="会议") == 16
    assert _sum(facts, "interpretation") == 16
    office_meetings = sorted((f.quarter, f.value) for f in facts if f.topic == "interpretation"
                             and f.key == "会议" and f.unit == OFFICE)
    assert office_meetings == [(1, 4), (2, 4), (3, 4), (4, 4)]
    article20 = [f for f in facts if f.topic == "article20"]
    assert len(article20) == 10 * 28 and all(f.value == 0 for f in article20)
    (app,) = y2023.applications
    assert (app.unit, app.quarter, app.app_id, app.received, app.channel, app.applicant_class,
            app.answered, app.outcome) == (OFFICE, 2, "2023-001", date(2023, 5, 8), "网络平台",
                                           "natural", date(2023, 5, 22), "unavailable_1")
    assert y2023.cases == []


def test_2023_supervision_figures(y2023):
    facts = y2023.facts
    office = {(f.key, f.quarter): f.value for f in facts
              if f.topic == "supervision" and f.unit == OFFICE}
    assert [office[("self_inspections", q)] for q in (1, 2, 3, 4)] == [0, 1, 0, 1]
    assert [office[("items_screened", q)] for q in (1, 2, 3, 4)] == [0, 500, 0, 523]
    assert office[("problems_found", 4)] == 9 and office[("problems_fixed", 4)] == 9
    assert _sum(facts, "supervision", key="problems_found") == 9
    assert _sum(facts, "supervision", key="complaints") == 0
    assert [office[("trainings", q)] for q in (1, 2, 3, 4)] == [1, 1, 1, 1]
    community = [f for f in facts if f.topic == "supervision" and f.unit != OFFICE]
    assert all(f.value == 0 for f in community if f.key != "board_updates")
    assert all(1 <= f.value <= 3 for f in community if f.key == "board_updates")


def test_channels_never_exceed_and_always_cover_the_distinct_items(y2022, y2023):
    for result in (y2022, y2023):
        distinct = {}
        channels = defaultdict(list)
        for f in result.facts:
            if f.topic == "disclosure":
                if f.dim == "":
                    distinct[(f.unit, f.quarter, f.key)] = f.value
                else:
                    channels[(f.unit, f.quarter, f.key)].append(f.value)
        assert len(distinct) == 28 * 10
        for key, n in distinct.items():
            assert len(channels[key]) == 6
            assert max(channels[key]) <= n <= sum(channels[key])


def test_2022_figures_and_registers(y2022):
    facts = y2022.facts
    assert _sum(facts, "disclosure", dim="") == 1105
    assert _sum(facts, "disclosure", dim="", key="其他") == 0
    assert _sum(facts, "interpretation") == 15
    assert _sum(facts, "interpretation", key="会议") == 12
    assert _sum(facts, "interpretation", key="图文") == 3
    assert _sum(facts, "interpretation", unit=OFFICE) == 15
    assert all(f.value == 0 for f in facts if f.topic == "article20")
    rows = [(a.unit, a.quarter, a.app_id, a.received, a.applicant_class, a.answered, a.outcome)
            for a in y2022.applications]
    assert rows == [
        (OFFICE, 1, "2021-007", date(2021, 12, 20), "natural", date(2022, 1, 10), "disclosed"),
        (OFFICE, 1, "2022-001", date(2022, 3, 14), "natural", date(2022, 3, 30), "disclosed"),
        (OFFICE, 2, "2022-002", date(2022, 6, 20), "business", None, None),
        (OFFICE, 3, "2022-002", date(2022, 6, 20), "business", date(2022, 7, 12), "partial"),
        (OFFICE, 3, "2022-003", date(2022, 9, 5), "natural", date(2022, 9, 15), "other_3"),
    ]
    (case,) = y2022.cases
    assert (case.unit, case.quarter, case.case_id, case.kind, case.received, case.result) == (
        OFFICE, 3, "2022-F01", "review", date(2022, 8, 1), "upheld")


def test_nothing_open_at_the_end_of_2022_but_2022_002_was_open_after_q2(config, sample):
    root = sample[0]
    for unit in config.units:
        assert issue.open_at_end(config, root, 2022, 4, unit) == []
    (row,) = issue.open_at_end(config, root, 2022, 2, OFFICE)
    assert row["app_id"] == "2022-002" and row["applicant_class"] == "商业企业"
    assert row["name"] == "示例商贸有限公司"  # carried between workbooks, never into records


def test_personal_data_is_in_the_workbooks_but_in_no_record(sample, y2022, y2023):
    root = sample[0]
    assert {"韩梅梅", "13800138000", "110105199001011234", "李雷", "13900139000"} <= set(
        SAMPLE_PERSONAL_DATA)
    path = filenames.quarter_path(root, 2023, 2, OFFICE)
    with CalamineWorkbook.from_path(str(path)) as wb:
        cells = {str(v) for row in wb.get_sheet_by_name("依申请公开台账").to_python() for v in row}
    assert {"韩梅梅", "13800138000", "110105199001011234"} <= cells
    for result in (y2022, y2023):
        text = repr((result.headers, result.facts, result.applications, result.cases,
                     result.findings, [a.cells for a in result.applications]))
        leaked = [v for v in SAMPLE_PERSONAL_DATA if v in text]
        assert leaked == []


def test_ingestion_does_not_modify_the_workbooks(config, sample):
    root = sample[0]
    files = year_files(root, 2022) + year_files(root, 2023)

    def digest():
        return {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
                for p in files}

    before = digest()
    ingest_year(config, root, 2022)
    ingest_year(config, root, 2023)
    assert digest() == before
    assert sorted(p.name for p in root.rglob("*") if p.is_file()) == sorted(p.name for p in files)


def test_writing_the_sample_again_overwrites_nothing(config, sample):
    root = sample[0]
    path = filenames.quarter_path(root, 2023, 1, OFFICE)
    before = path.read_bytes()
    written, skipped = write_sample_quarters(config, root)
    assert written == [] and len(skipped) == 56
    assert path.read_bytes() == before


def test_apportion_splits_exactly_by_largest_remainder():
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert apportion(7, [2, 1]) == [5, 2]
    assert apportion(0, [3, 5]) == [0, 0]
    # 100/87 per weight: 34.48 13.79 12.64 11.49 10.34 9.20 8.05 → floors sum to 97,
    # the three largest remainders (.79 .64 .49) get one more each
    assert apportion(100, [30, 12, 11, 10, 9, 8, 7]) == [34, 14, 13, 12, 10, 9, 8]
