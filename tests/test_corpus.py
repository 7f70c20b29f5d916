"""Every case of the bad-input corpus (tests/corpus.py) through the real `xxgk check`: the named
finding, in Chinese, at the named cell; no traceback; the right exit code; and every other file
still read exactly as in the clean sample.

Each case's check starts from the parse cache of the clean sample's check, as an office's
second check does: the files a case changed are read afresh, the others come from the cache by
their content (the cache itself is tested in test_cache and test_incremental, reading without
it in test_plain_path), and everything after reading (identities, consolidation, review) runs
on the whole year."""

from __future__ import annotations

import contextlib
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest

from pipeline.build.outputs_folder import CACHE_DIR
from pipeline.cli.main import main
from pipeline.core.config import load_config
from pipeline.core.findings import all_rules
from tests import corpus
from tests.shared import copy_tree

pytestmark = pytest.mark.slow  # started first (tests/conftest.py)

ROOT = Path(__file__).resolve().parent.parent
CASES = {c.name: c for c in corpus.cases(load_config(ROOT / "tests" / "single_organ.toml"))}
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def run_check(workbooks: Path, outputs: Path) -> tuple[int, list[dict], str]:
    """`xxgk check --json` in this process: exit code, findings, everything printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", "--year", str(corpus.YEAR), "--workbooks", str(workbooks),
                     "--outputs", str(outputs), "--json",
                     "--config", str(ROOT / "tests" / "single_organ.toml")])
    return code, json.loads(out.getvalue()), out.getvalue() + err.getvalue()


def store_facts(outputs: Path) -> dict[str, set[tuple]]:
    """The year's facts in the store, by file: (sheet, cell, topic, key, dim, value)."""
    con = sqlite3.connect(outputs / "xxgk.sqlite")
    try:
        rows = con.execute("SELECT file, sheet, cell, topic, key, dim, value FROM facts "
                           "WHERE year = ?", (corpus.YEAR,)).fetchall()
    finally:
        con.close()
    out: dict[str, set[tuple]] = {}
    for file, *rest in rows:
        out.setdefault(file, set()).add(tuple(rest))
    return out


@pytest.fixture(scope="module")
def clean(tmp_path_factory, config, sample_workbooks):
    """The clean sample and the facts `xxgk check` reads from it (it has no finding at all)."""
    root = tmp_path_factory.mktemp("corpus")
    workbooks = sample_workbooks.root  # only read here: each case works on a copy
    code, findings, _ = run_check(workbooks, root / "outputs")
    assert (code, findings) == (0, [])
    facts = store_facts(root / "outputs")
    assert len(facts) == len(config.units) * 4  # every unit's four quarters have facts
    return workbooks, facts, root / "outputs" / CACHE_DIR


@pytest.mark.parametrize("name", list(CASES))
def test_case(name, clean, config, tmp_path):
    case = CASES[name]
    sample, clean_facts, clean_cache = clean
    workbooks = copy_tree(sample, tmp_path / "workbooks")
    copy_tree(clean_cache, tmp_path / "outputs" / CACHE_DIR)
    case.write(config, workbooks)

    code, findings, printed = run_check(workbooks, tmp_path / "outputs")

    assert "Traceback" not in printed
    assert code == case.exit_code, findings
    if case.expect is None:
        assert [f for f in findings if f["file"] in case.touched] == []
    else:
        e = case.expect
        hits = [f for f in findings
                if (f["rule"], f["file"], f["sheet"], f["cell"]) == (e.rule, e.file, e.sheet, e.cell)]
        assert hits, findings
        assert _CHINESE.search(hits[0]["message"])
    # nothing is said about the files the case left alone (but the report text, reviewed
    # against the year's data), and they read as before
    assert [(f["rule"], f["file"]) for f in findings if f["file"] and f["file"] not in
            case.touched] == [(rule, corpus.TEXT_FILE) for rule in case.text_rules], findings
    facts = store_facts(tmp_path / "outputs")
    for file, expected in clean_facts.items():
        if file not in case.touched:
            assert facts.get(file) == expected, file
    if case.same_facts:  # the case's data now lives in its last touched file
        assert facts.get(case.touched[-1]) == clean_facts[case.touched[0]]


def test_the_corpus_is_large_and_every_case_maps_to_a_documented_rule():
    assert len(CASES) >= 30
    catalogue = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    ids = {r.id for r in all_rules()}
    for case in CASES.values():
        if case.expect is not None:
            assert case.expect.rule in ids, case.name
            assert f"| {case.expect.rule} |" in catalogue, case.name
    # password, bombs, size, formulas, hidden data, what is not a file, macros, a name twice,
    # extra sheets, error values: each has its own rule
    assert {c.expect.rule for c in CASES.values() if c.expect} >= {
        "IN001", "IN004", "IN005", "IN006", "IN007", "IN008", "IN009", "IN011", "IN012",
        "IN105", "IN106", "IN107", "IN014", "IN015", "IN016", "IN017", "IN110", "IN111",
        "IN112"}


def test_messages_say_what_to_do():
    rules = {r.id: r for r in all_rules()}
    assert "文件设有打开密码，请取消密码后另存" in rules["IN005"].template
    assert "公式没有计算结果，请在 Excel 中打开并保存，或直接填数字" in rules["IN105"].template


def test_corpus_doc_is_current(config):
    assert corpus.DOC.read_text(encoding="utf-8") == corpus.render_doc(config), (
        "docs/corpus.md 已过期：请运行 .venv/bin/python -m tests.corpus")
