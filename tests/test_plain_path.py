"""The speed layer behind its door gives what the plain path gives: a check through
speed.reader.Reader (parse cache, process pool, reruns) and through build.plain.PlainReader (each
workbook read, each unit worked out, one after another) find the same findings and write the same
store, on the sample and on the bad-input cases that read across files."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from pipeline.build import checking, outputs_folder
from pipeline.speed import cache, process_pool
from tests import corpus

# What only the speed layer keeps (what a part was made from, and what the run was).
SPEED_TABLES = ("runs", "state", "unit_parts", "input_files")


def _store(outputs: Path) -> dict[str, list]:
    con = sqlite3.connect(outputs_folder.store_path(outputs))
    try:
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(con.execute(f"SELECT * FROM {n}"), key=repr)
                for n in names if n not in SPEED_TABLES}
    finally:
        con.close()


def _both(config, workbooks: Path, tmp_path: Path, year: int = 2023):
    cache._DIGESTS.clear()
    fast = checking.check(config, workbooks, tmp_path / "fast", year)
    plain = checking.check(config, workbooks, tmp_path / "plain", year, plain=True)
    return fast, plain


def test_the_sample_reads_the_same_both_ways(config, repo_root, tmp_path):
    workbooks = tmp_path / "workbooks"
    shutil.copytree(repo_root / "workbooks" / "团结大街街道", workbooks)
    assert process_pool.pool_workers(28) >= 2  # a year's 28 workbooks go through the pool
    fast, plain = _both(config, workbooks, tmp_path)
    assert fast.findings == plain.findings
    assert fast.tables == plain.tables
    assert fast.content.submissions == plain.content.submissions
    stored = _store(tmp_path / "fast")
    assert stored == _store(tmp_path / "plain")
    assert stored["facts"] and stored["lineage"] and stored["applications"]  # not vacuous
    # and a rerun after one changed workbook, which the speed layer works out in part
    wb = workbooks / "2023" / "第3季度" / "2023年第3季度-青松社区.xlsx"
    wb.write_bytes((workbooks / "2023" / "第2季度" / "2023年第2季度-青松社区.xlsx").read_bytes())
    rerun = checking.check(config, workbooks, tmp_path / "fast", 2023)
    again = checking.check(config, workbooks, tmp_path / "plain", 2023, plain=True)
    assert rerun.findings == again.findings and rerun.findings  # the misplaced file is found
    assert _store(tmp_path / "fast") == _store(tmp_path / "plain")


CROSS_FILE = ("same_unit_quarter_twice", "header_disagrees_with_folder", "unknown_unit",
              "same_application_two_units", "id_fullwidth_twice", "unit_name_compat_ideograph",
              "duplicate_id_conflicting", "fifo_in_quarter_folder", "empty_file")


@pytest.mark.parametrize("name", CROSS_FILE)
def test_cases_that_read_across_files_read_the_same_both_ways(name, config, tmp_path):
    case = {c.name: c for c in corpus.cases(config)}[name]
    workbooks = tmp_path / "workbooks"
    shutil.copytree(_sample(tmp_path.parent, config), workbooks)
    case.write(config, workbooks)
    fast, plain = _both(config, workbooks, tmp_path, corpus.YEAR)
    assert fast.findings == plain.findings
    assert case.expect is None or any(f.rule == case.expect.rule for f in fast.findings)
    assert _store(tmp_path / "fast") == _store(tmp_path / "plain")


def _sample(root: Path, config) -> Path:
    """The generated sample, made once for these cases."""
    from pipeline.sample.demo import write_sample

    folder = root / "plain-path-sample"
    if not folder.is_dir():
        write_sample(config, folder)
    return folder
