"""Personal data never leaves the workbooks, and text from the workbooks never becomes a formula.

The sample registers hold invented applicants (pipeline.sample.demo.SAMPLE_PERSONAL_DATA); one more,
with distinctive values, is planted in the office's register, in the case register, and typed
by mistake into cells that are read (a phone number in a date cell, an ID number in an amount
cell). After a full `xxgk build`, every file under outputs/ (DOCX and XLSX unzipped, SQLite
dumped, executed notebooks, JSON, HTML) and everything the build printed is searched: none of
it may appear, in any of the encodings these files use.
"""

from __future__ import annotations

import html
import json
import sqlite3
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import quote

import nbformat
import openpyxl
import pytest

from pipeline.core import statutory
from pipeline.sample.demo import SAMPLE_PERSONAL_DATA
from pipeline.workbooks import filenames, layout
from tests.shared import copy_tree

pytestmark = pytest.mark.slow  # started first (tests/conftest.py)

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2023
NAME, PHONE, ID_NUMBER = "欧阳测试", "13312345678", "11010519491231002X"
SUMMARY = "申请公开欧阳测试家门口路灯的维修记录"
REMARK = "欧阳测试本人来电催办，住幸福小区3号楼"
CASE_REMARK = "复议申请人欧阳测试，代理人欧阳二测"
PLANTED = (NAME, PHONE, ID_NUMBER, SUMMARY, REMARK, CASE_REMARK, "133 1234 5678")
INJECTIONS = ('=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0")
FORMULA_UNIT = "=1+2"  # a unit name in a file name, quoted whole in the findings
PERSONAL_KEYS = {c.key for reg in layout.REGISTERS for c in reg.columns if c.personal}


def _plant(config, workbooks: Path) -> None:
    """The extra applicant, the injected IDs and the misplaced numbers, in Q3 of the office."""
    path = filenames.quarter_path(workbooks, YEAR, 3, "街道本级")
    wb = openpyxl.load_workbook(path)
    apps, cases = wb[layout.APPLICATIONS.sheet], wb[layout.CASES.sheet]

    def put(ws, register, row, values, as_text=()):
        for key, value in values.items():
            cell = ws[f"{register.letter(key)}{row}"]
            cell.value = value
            if key in as_text:
                cell.data_type = "s"  # typed as text: a string cell, not a formula

    row = layout.FIRST_ROW
    put(apps, layout.APPLICATIONS, row, {
        "app_id": "2023-002", "received": date(2023, 8, 1), "channel": "当面申请",
        "applicant_class": statutory.APPLICANT_CLASS_LABELS["natural"], "name": NAME,
        "phone": PHONE, "id_number": ID_NUMBER, "summary": SUMMARY, "extended": "否",
        "consult_days": 0, "answered": date(2023, 8, 10),
        "outcome": statutory.outcome_choice("disclosed"), "fee": 0, "remark": REMARK})
    put(apps, layout.APPLICATIONS, row + 1, {  # personal numbers typed into read cells
        "app_id": "2023-003", "received": "133 1234 5678", "fee": ID_NUMBER,
        "consult_days": int(PHONE),
        "applicant_class": statutory.APPLICANT_CLASS_LABELS["natural"], "name": NAME},
        as_text=("received", "fee"))
    for i, text in enumerate(INJECTIONS, start=2):  # IDs that look like formulas
        put(apps, layout.APPLICATIONS, row + i, {"app_id": text, "name": NAME},
            as_text=("app_id",))
    put(cases, layout.CASES, layout.FIRST_ROW, {
        "case_id": "2023-F09", "kind": dict(statutory.TABLE_C_GROUPS)["review"],
        "received": date(2023, 9, 1), "result": dict(statutory.CASE_RESULTS)["pending"],
        "remark": CASE_REMARK})
    wb.save(path)
    bad = path.with_name(f"{YEAR}年第3季度-{FORMULA_UNIT}.xlsx")
    bad.write_bytes(b"")


@pytest.fixture(scope="module")
def built(tmp_path_factory, config, sample_workbooks):
    root = tmp_path_factory.mktemp("privacy")
    workbooks, outputs = root / "workbooks", root / "outputs"
    copy_tree(sample_workbooks.root, workbooks)
    _plant(config, workbooks)
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--draft", "--year", str(YEAR), "--config",
         str(ROOT / "tests" / "single_organ.toml"), "--workbooks", str(workbooks), "--outputs", str(outputs)],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr  # errors found, draft written
    return outputs, done.stdout + done.stderr


def _texts(path: Path) -> list[tuple[str, str]]:
    """(where, text) of everything in a file: zip members one by one, SQLite as a dump."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            return [(f"{path.name}!{n}", zf.read(n).decode("utf-8", "replace"))
                    for n in zf.namelist()]
    if path.suffix == ".sqlite":
        con = sqlite3.connect(path)
        try:
            dump = "\n".join(con.iterdump())
        finally:
            con.close()
        return [(path.name, dump), (f"{path.name} (bytes)", path.read_bytes().decode(
            "utf-8", "replace"))]
    return [(path.name, path.read_bytes().decode("utf-8", "replace"))]


def _forms(value: str) -> set[str]:
    """The ways a value can be written in these files: as is, JSON- and HTML-escaped, URL-quoted."""
    return {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=True)[1:-1].lower(),
            html.escape(value), quote(value)}


def test_no_personal_data_in_any_output_or_log(built):
    outputs, printed = built
    needles = {v: _forms(v) for v in (*SAMPLE_PERSONAL_DATA, *PLANTED)}
    files = [p for p in outputs.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} >= {".sqlite", ".xlsx", ".json", ".html", ".ipynb", ".docx"}
    leaks = []
    for path in files:
        for where, text in _texts(path):
            lower = text.lower()
            leaks += [(where, v) for v, forms in needles.items()
                      if any(f in text or f.lower() in lower for f in forms)]
    leaks += [("xxgk build 的输出", v) for v, forms in needles.items()
              if any(f in printed for f in forms)]
    assert leaks == []


def test_the_planted_rows_were_read(built):
    """The scan above is not vacuous: the planted application and case reached the store."""
    outputs, _ = built
    con = sqlite3.connect(outputs / "xxgk.sqlite")
    try:
        apps = {r[0] for r in con.execute("SELECT app_id FROM applications WHERE year = ?",
                                          (YEAR,))}
        cases = {r[0] for r in con.execute("SELECT case_id FROM cases WHERE year = ?", (YEAR,))}
        rules = {r[0] for r in con.execute("SELECT rule FROM findings")}
    finally:
        con.close()
    assert {"2023-001", "2023-002", "2023-003"} <= apps and "2023-F09" in cases
    assert {"IN103", "IN102", "IN201", "IN004"} <= rules  # the misplaced numbers were reported


def test_the_store_has_no_personal_column(built):
    outputs, _ = built
    con = sqlite3.connect(outputs / "xxgk.sqlite")
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        columns = {c[1] for t in tables for c in con.execute(f"PRAGMA table_info('{t}')")}
    finally:
        con.close()
    assert "applications" in tables and "app_id" in columns
    assert not columns & PERSONAL_KEYS
    assert not [c for c in columns if c in ("applicant", "applicant_name", "id_card", "mobile")]


def test_notebooks_never_print_register_rows(built):
    outputs, _ = built
    notebooks = list((outputs / str(YEAR) / "notebooks").glob("*.ipynb"))
    assert len(notebooks) == 2
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        shown = json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)
        assert "2023-002" not in shown and "2023-F09" not in shown, path.name


def test_text_from_workbooks_is_never_written_as_a_formula(built):
    outputs, _ = built
    wb = openpyxl.load_workbook(outputs / str(YEAR) / f"{YEAR}年审核结果.xlsx")
    cells = [c for row in wb.active.iter_rows() for c in row if isinstance(c.value, str)]
    for text in (*INJECTIONS, FORMULA_UNIT):
        hits = [c for c in cells if text in c.value]
        assert hits, text
        for c in hits:
            assert c.data_type == "s"
            assert not c.value.startswith(("=", "+", "-", "@")) or c.quotePrefix, c.coordinate
    assert any(c.value == FORMULA_UNIT and c.quotePrefix for c in cells)
    for path in outputs.rglob("*.xlsx"):  # no formula anywhere in an output workbook
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/"):
                    assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), name


def test_officers_never_reach_the_report_or_the_dashboards(built):
    """Who confirmed each return is the office's own data: `xxgk status` shows it, the
    report, the web page, the dashboards, the notebooks and the tables workbook never do."""
    from pipeline.sample.demo import SAMPLE_OFFICERS

    outputs, _ = built
    published = [p for p in outputs.rglob("*") if p.is_file() and (
        p.suffix in (".docx", ".html", ".ipynb") or p.name.endswith("汇总报表.xlsx"))]
    assert {p.suffix for p in published} == {".docx", ".html", ".ipynb", ".xlsx"}
    leaks = [(where, v) for path in published for where, text in _texts(path)
             for v in SAMPLE_OFFICERS if any(f in text for f in _forms(v))]
    assert leaks == []
    con = sqlite3.connect(outputs / "xxgk.sqlite")  # kept for the status, so the scan is real
    try:
        officers = {r[0] for r in con.execute("SELECT officer FROM submissions")}
    finally:
        con.close()
    assert officers & set(SAMPLE_OFFICERS)
