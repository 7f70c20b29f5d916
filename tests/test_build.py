"""End to end on the committed sample: `xxgk check` and `xxgk build` as an office would run them.

Expected tables are typed by hand in tests/seed_tables.py (2023 from the published report)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import openpyxl
import pytest
from docx import Document

from pipeline import store
from pipeline.cli.main import main
from pipeline.workbooks import filenames, layout, published
from tests import seed_tables
from tests.shared import digests

pytestmark = pytest.mark.slow  # started first (tests/conftest.py)


@pytest.fixture(scope="module")
def checked(checked_sample, repo_root):
    """The committed sample, checked once into a fresh outputs folder (tests/conftest.py)."""
    return (checked_sample.code, checked_sample.outputs, checked_sample.before,
            repo_root / "workbooks" / "团结大街街道")


def test_sample_checks_clean(checked):
    code, out, _, _ = checked
    assert code == 0
    con = store.connect(out / "xxgk.sqlite")
    assert store.read_findings(con) == []
    assert store.read_years(con) == {2021: "published", 2022: "workbooks", 2023: "workbooks"}


@pytest.mark.parametrize("year, expected", [(2021, seed_tables.sample_2021),
                                            (2022, seed_tables.sample_2022),
                                            (2023, seed_tables.seed_2023)])
def test_sample_consolidates_to_the_expected_tables(checked, year, expected):
    _, out, _, _ = checked
    got = store.read_tables(store.connect(out / "xxgk.sqlite"), year)
    a, b, c = expected()
    assert (got.a, got.b, got.c) == (a, b, c)
    for key, value in seed_tables.SAMPLE_FIGURES[year].items():
        assert got.figures[key] == value, key


def test_lineage_names_the_cell_behind_the_application(checked):
    _, out, _, _ = checked
    con = sqlite3.connect(out / "xxgk.sqlite")
    rows = con.execute("SELECT unit, quarter, file, sheet FROM lineage WHERE year = 2023 AND "
                       "tbl = 'B' AND row_key = 'unavailable_1' AND col_key = 'natural'").fetchall()
    assert rows == [("街道本级", 2, "2023/第2季度/2023年第2季度-街道本级.xlsx", layout.SHEET_APPLICATIONS)]


def test_findings_are_written_for_people_and_programs(checked):
    _, out, _, _ = checked
    assert json.loads((out / "2023" / "2023年审核结果.json").read_text(encoding="utf-8")) == []
    assert (out / "2023" / "2023年审核结果.xlsx").is_file()


def test_check_alone_leaves_the_consolidated_workbook_to_tables_and_build(checked):
    _, out, _, _ = checked
    assert not (out / "2023" / "2023年汇总报表.xlsx").exists()


def test_inputs_are_untouched(checked):
    _, _, before, wb = checked
    assert digests(wb) == before


@pytest.fixture(scope="module")
def broken_workbooks(tmp_path_factory, repo_root):
    """A copy of the sample where 青松社区 typed a negative count in 2023 Q3 (only read)."""
    wb = tmp_path_factory.mktemp("broken") / "workbooks"
    shutil.copytree(repo_root / "workbooks" / "团结大街街道", wb)
    path = filenames.quarter_path(wb, 2023, 3, "青松社区")
    book = openpyxl.load_workbook(path)
    book[layout.SHEET_INTERPRETATION]["B4"] = -2
    book.save(path)
    return wb


@pytest.fixture
def broken(broken_workbooks, tmp_path):
    """(root, workbooks): the broken workbooks, and root / "out" an outputs folder of the
    test's own, so that no test sees what another one built."""
    return tmp_path, broken_workbooks


def _run(root, wb, repo_root, *extra):
    return main([*extra, "--year", "2023", "--workbooks", str(wb),
                 "--outputs", str(root / "out"), "--config", str(repo_root / "tests" / "single_organ.toml")])


def _summary_path(root):
    return root / "out" / "2023" / "2023年汇总报表.xlsx"


def test_build_refuses_a_final_report_while_errors_remain(broken, repo_root, capsys):
    root, wb = broken
    assert _run(root, wb, repo_root, "check") == 1
    out = capsys.readouterr().out
    assert "2023年第3季度-青松社区.xlsx" in out and "B4" in out
    _summary_path(root).unlink(missing_ok=True)
    assert _run(root, wb, repo_root, "build") == 1
    out = capsys.readouterr().out
    assert "未生成正式报告" in out
    assert f"汇总报表：{_summary_path(root)}" in out  # the tables are written all the same
    assert published.read_published(_summary_path(root), 2023)[1] == []
    # nothing that could pass for final: no report, no dashboards
    assert not list((root / "out").rglob("*.docx"))
    assert not (root / "out" / "2023" / "dashboards").exists()
    # asked for on their own, the dashboards of a year with errors say they are a draft
    assert _run(root, wb, repo_root, "dashboards") == 1
    index = root / "out" / "2023" / "dashboards" / "index.html"
    assert "【草稿】" in index.read_text(encoding="utf-8")


def test_build_draft_marks_every_page(broken, repo_root):
    root, wb = broken
    assert _run(root, wb, repo_root, "build", "--draft") == 1
    (docx,) = (root / "out" / "2023" / "report").glob("*.docx")
    doc = Document(docx)
    for section in doc.sections:
        assert "草稿" in "".join(p.text for p in section.header.paragraphs)
    (html,) = (root / "out" / "2023" / "report").glob("*.html")
    assert "草稿" in html.read_text(encoding="utf-8")


def test_tables_are_written_while_errors_remain(broken, repo_root, capsys):
    """A working document: the tables with errors are what staff need to look at."""
    root, wb = broken
    _summary_path(root).unlink(missing_ok=True)
    assert _run(root, wb, repo_root, "tables") == 1
    out = capsys.readouterr().out
    assert f"汇总报表：{_summary_path(root)}" in out
    tables, findings = published.read_published(_summary_path(root), 2023)
    assert findings == [] and (tables.a, tables.b, tables.c) == seed_tables.seed_2023()


def test_entries_that_are_not_files_are_skipped_not_waited_on(checked, repo_root, tmp_path):
    """A FIFO, a folder named like a workbook and a broken link in the workbooks folder:
    `xxgk check` (a real process, with a time limit, so that a regression fails instead of
    hanging) warns of each, opens none, and reads everything else exactly as before."""
    _, clean_out, _, _ = checked
    wb, out = tmp_path / "workbooks", tmp_path / "out"
    shutil.copytree(repo_root / "workbooks" / "团结大街街道", wb)
    q1 = wb / "2023" / "第1季度"
    os.mkfifo(q1 / "2023年第1季度-和顺社区 - 副本.xlsx")
    (q1 / "备份.xlsx").mkdir()
    (wb / "2022" / "第4季度" / "旧报表.xlsx").symlink_to(tmp_path / "已删除.xlsx")
    proc = subprocess.run([sys.executable, "-m", "pipeline", "check", "--year", "2023",
                           "--workbooks", str(wb), "--outputs", str(out),
                           "--config", str(repo_root / "tests" / "single_organ.toml"), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted((f["rule"], f["severity"], f["year"], f["file"])
                  for f in json.loads(proc.stdout)) == [
        ("IN014", "warning", 2022, "2022/第4季度/旧报表.xlsx"),
        ("IN014", "warning", 2023, "2023/第1季度/2023年第1季度-和顺社区 - 副本.xlsx"),
        ("IN014", "warning", 2023, "2023/第1季度/备份.xlsx")]

    def rows(folder, sql):
        con = sqlite3.connect(folder / "xxgk.sqlite")
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()
    every_fact = "SELECT * FROM facts ORDER BY 1, 2, 3, 4, 5, 6, 7"
    assert rows(out, every_fact) == rows(clean_out, every_fact)
    inputs = {path for (path,) in rows(out, "SELECT path FROM input_files")}
    assert "2023/第1季度/2023年第1季度-明德社区.xlsx" in inputs
    assert not any(p.endswith(("副本.xlsx", "备份.xlsx", "旧报表.xlsx")) for p in inputs)
