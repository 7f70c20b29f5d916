"""The benchmark's synthetic city and its report (no timing is asserted anywhere)."""

from __future__ import annotations

import re

import pytest

from benchmarks import bench
from pipeline.core.config import load_config
from pipeline.workbooks import folders
from tests.reading_year import ingest_year

pytestmark = pytest.mark.slow  # started first (tests/conftest.py)

SUMMARY = re.compile(r"bench: floor_ratio=\d+\.\d{2} usual_ratio=\d+\.\d{2} "
                     r"incremental_ratio=\d+\.\d{3} peak_mb=\d+")


def test_city_slots_cover_units_times_quarters():
    assert bench.city_slots(6) == [("街道本级", 1), ("街道本级", 2), ("街道本级", 3),
                                   ("街道本级", 4), ("第0001社区", 1), ("第0001社区", 2)]
    assert len(bench.city_slots(1000)) == 1000
    assert len({u for u, _ in bench.city_slots(1000)}) == 250


def test_every_generated_workbook_is_accepted_under_its_own_name(tmp_path):
    city = bench.generate_city(tmp_path / "a", 10)
    cfg = load_config(city.config)
    assert cfg.units == ("街道本级", "第0001社区", "第0002社区")
    assert len(city.files) == 10
    result = ingest_year(cfg, city.workbooks, bench.YEAR)
    assert [f for f in result.findings if f.severity != "note"] == []
    assert sorted((h.unit, h.quarter) for h in result.headers) == sorted(bench.city_slots(10))
    assert {h.file for h in result.headers} == {
        folders.relative_name(city.workbooks, p) for p in city.files}
    # communities' workbooks carry applications; variants differ in their numbers
    assert {a.unit for a in result.applications} >= {"第0001社区", "第0002社区"}
    def items(unit):
        return sum(f.value for f in result.facts if f.unit == unit and f.quarter == 1
                   and f.topic == "disclosure" and f.dim == "")

    assert items("第0001社区") != items("第0002社区")


def test_the_city_is_the_same_on_every_run(tmp_path):
    def records(root):
        city = bench.generate_city(root, 5)
        cfg = load_config(city.config)
        res = ingest_year(cfg, city.workbooks, bench.YEAR)
        return res.facts, res.applications, res.findings

    assert records(tmp_path / "a") == records(tmp_path / "b")


def test_summary_line_and_ratios():
    result = bench.BenchResult(size=1000, repeat=3, floor=2.0, usual=30.0, usual_files=1000,
                               check=3.0, incremental=0.3, main_mb=100.0, worker_mb=50.0,
                               workers=2)
    assert bench.summary_line(result) == (
        "bench: floor_ratio=1.50 usual_ratio=10.00 incremental_ratio=0.100 peak_mb=200")


def test_doc_keeps_what_was_written_around_the_generated_block(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# 标题\n\n人工说明。\n\n<!-- bench:size=8 begin -->\n旧结果\n"
                   "<!-- bench:size=8 end -->\n\n结论：人工撰写。\n", encoding="utf-8")
    result = bench.BenchResult(8, 1, 1.0, 20.0, 8, 2.0, 1.0, 90.0, 0.0, 0, profiles={
        "3": (2.0, [("汇总", 0.5)]), "4": (1.0, [("汇总", 0.5)])})
    bench.update_doc(doc, result)
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# 标题\n\n人工说明。\n\n<!-- bench:size=8 begin -->\n## 8 本报表")
    assert text.endswith("<!-- bench:size=8 end -->\n\n结论：人工撰写。\n")
    assert "旧结果" not in text
    assert "bench: floor_ratio=2.00 usual_ratio=10.00 incremental_ratio=0.500 peak_mb=90" in text


def test_tiny_bench_runs_end_to_end(tmp_path, capsys):
    doc = tmp_path / "benchmarks.md"
    # the district part (--organs) is tested in tests/test_district.py on the sample district
    assert bench.main(["--size", "8", "--repeat", "1", "--usual-repeat", "1", "--organs", "0",
                       "--doc", str(doc)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert SUMMARY.fullmatch(lines[-1])
    text = doc.read_text(encoding="utf-8")
    assert "<!-- bench:size=8 begin -->" in text and lines[-1] in text
    assert "bench:district" not in text
