"""Reruns: after a change, only the changed units are worked out again, and the store, tables
and findings are exactly those of a run from scratch."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from pipeline import store
from pipeline.build import checking, outputs_folder
from pipeline.speed import cache, incremental, parsing
from pipeline.workbooks import filenames, layout, reading
from tests.shared import copy_tree

pytestmark = pytest.mark.slow  # started first (tests/conftest.py)

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2023
HOUR_NS = 3600 * 10**9


def _dump(path: Path) -> dict[str, list]:
    """Every table of a store as sorted rows; what a run is, not when (runs, state)."""
    con = sqlite3.connect(path)
    try:
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(con.execute(f"SELECT * FROM {n}"), key=repr)
                for n in names if n not in ("runs", "state")}
    finally:
        con.close()


def _from_scratch(config, workbooks: Path, tmp_path: Path) -> tuple[checking.CheckResult, dict]:
    outputs = tmp_path / "scratch"
    shutil.rmtree(outputs, ignore_errors=True)
    cache._DIGESTS.clear()
    result = checking.check(config, workbooks, outputs, YEAR)
    return result, _dump(outputs_folder.store_path(outputs))


def _set(path: Path, sheet: str, cell: str, value) -> None:
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


@pytest.fixture
def sample(sample_workbooks, tmp_path) -> Path:
    return copy_tree(sample_workbooks.root, tmp_path / "workbooks")


@pytest.fixture
def loads(monkeypatch) -> list[str]:
    """Parse-cache entries read, and files parsed, by name."""
    seen: list[str] = []
    real_load, real_parse = cache.load, reading.ingest_file

    def load(path, key):
        seen.append("cache")
        return real_load(path, key)

    def parse(cfg, workbooks_dir, path):
        seen.append(Path(path).name)
        return real_parse(cfg, workbooks_dir, path)

    monkeypatch.setattr(cache, "load", load)
    monkeypatch.setattr(parsing, "ingest_file", parse)
    return seen


def _edits(config, workbooks: Path):
    """Changes an office makes between two runs, each followed by a rerun."""
    grid = layout.disclosure_grid(config)
    q3 = filenames.quarter_path(workbooks, YEAR, 3, "和顺社区")

    def one_cell():
        _set(q3, grid.sheet, grid.inputs[0].cell, 999)

    def a_file_removed():
        filenames.quarter_path(workbooks, YEAR, 4, "青松社区").unlink()

    def a_copy_beside_it():
        shutil.copy(q3, q3.with_name("和顺社区副本.xlsx"))

    def header_names_another_unit():
        _set(filenames.quarter_path(workbooks, YEAR, 2, "兴业社区"), layout.SHEET_HEADER,
             layout.HEADER_CELLS["unit"], "和顺社区")

    def a_year_before_changed():
        _set(filenames.quarter_path(workbooks, YEAR - 1, 4, "街道本级"), grid.sheet,
             grid.inputs[0].cell, 5)

    return [one_cell, a_file_removed, a_copy_beside_it, header_names_another_unit,
            a_year_before_changed]


def test_every_rerun_equals_a_run_from_scratch(config, sample, tmp_path):
    outputs = tmp_path / "outputs"
    checking.check(config, sample, outputs, YEAR)
    for edit in _edits(config, sample):
        edit()
        again = checking.check(config, sample, outputs, YEAR)
        assert again.content.kept is not None, edit.__name__  # updated, not rewritten
        scratch, dump = _from_scratch(config, sample, tmp_path)
        assert _dump(outputs_folder.store_path(outputs)) == dump, edit.__name__
        assert again.findings == scratch.findings, edit.__name__
        assert again.tables == scratch.tables, edit.__name__


def test_a_rerun_after_one_cell_reads_only_that_units_files(config, sample, tmp_path, loads):
    outputs = tmp_path / "outputs"
    first = checking.check(config, sample, outputs, YEAR)
    path = filenames.quarter_path(sample, YEAR, 3, "和顺社区")
    grid = layout.disclosure_grid(config)
    before = openpyxl.load_workbook(path)[grid.sheet][grid.inputs[0].cell].value or 0
    _set(path, grid.sheet, grid.inputs[0].cell, before + 50)
    loads.clear()

    again = checking.check(config, sample, outputs, YEAR)

    # the changed file parsed, the unit's three other 2023 files from the cache, nothing else
    assert sorted(loads) == sorted(["cache", "cache", "cache", "cache", path.name])
    assert again.content.kept[YEAR] == {o for o in config.units if o != "和顺社区"}
    assert (again.tables[YEAR].figures["items_published"]
            == first.tables[YEAR].figures["items_published"] + 50)


def test_a_store_of_another_configuration_is_written_anew(config, sample, tmp_path):
    import dataclasses

    outputs = tmp_path / "outputs"
    checking.check(config, sample, outputs, YEAR)
    organ = dataclasses.replace(config.organ, name="另一个街道办事处")
    again = checking.check(dataclasses.replace(config, organ=organ), sample, outputs, YEAR)
    assert again.content.kept is None


def test_a_damaged_store_is_written_anew(config, sample, tmp_path):
    outputs = tmp_path / "outputs"
    checking.check(config, sample, outputs, YEAR)
    outputs_folder.store_path(outputs).write_bytes(b"not a database")
    again = checking.check(config, sample, outputs, YEAR)
    assert again.content.kept is None
    assert _dump(outputs_folder.store_path(outputs)) == _from_scratch(config, sample, tmp_path)[1]


def test_a_part_that_cannot_be_read_is_worked_out_again(config, sample, tmp_path):
    outputs = tmp_path / "outputs"
    checking.check(config, sample, outputs, YEAR)
    con = sqlite3.connect(outputs_folder.store_path(outputs))
    with con:
        con.execute("UPDATE unit_parts SET part = '{' WHERE unit = '青松社区' AND year = ?",
                    (YEAR,))
    con.close()
    again = checking.check(config, sample, outputs, YEAR)
    assert "青松社区" not in again.content.kept[YEAR]
    assert _dump(outputs_folder.store_path(outputs)) == _from_scratch(config, sample, tmp_path)[1]


_KILLED_CHILD = """
import os, signal, sys
from pathlib import Path
from pipeline import store
from pipeline.build import checking
from pipeline.core.config import load_config

real = store._fill_run

def killed(con, *args, **kwargs):
    real(con, *args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)  # inside the update's transaction

store._fill_run = killed
config, workbooks, outputs = sys.argv[1:4]
checking.check(load_config(config), Path(workbooks), Path(outputs), 2023)
"""


def test_a_killed_update_leaves_the_store_as_it_was(config, sample, tmp_path):
    outputs = tmp_path / "outputs"
    checking.check(config, sample, outputs, YEAR)
    path = outputs_folder.store_path(outputs)
    before = _dump(path)
    grid = layout.disclosure_grid(config)
    _set(filenames.quarter_path(sample, YEAR, 3, "和顺社区"), grid.sheet, grid.inputs[0].cell, 77)

    done = subprocess.run([sys.executable, "-c", _KILLED_CHILD, str(config.path), str(sample),
                           str(outputs)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert Path(f"{path}-journal").exists()  # killed midway: SQLite's journal is still there

    con = store.connect(path)  # as a notebook opens it: the update is undone
    con.close()
    assert _dump(path) == before
    outputs_folder.remove_leftovers(outputs)
    assert Path(f"{path}-journal").exists() is False

    checking.check(config, sample, outputs, YEAR)
    assert _dump(path) == _from_scratch(config, sample, tmp_path)[1]


def test_unchanged_files_are_not_read_again_by_a_new_process(config, sample, tmp_path,
                                                             monkeypatch):
    """A new run trusts the signature (device, inode, size, modification time) the store
    recorded for a file's content, unless the file was modified too close to that moment."""
    old = time.time_ns() - HOUR_NS
    for p in sample.rglob("*"):
        if p.is_file():
            os.utime(p, ns=(old, old))
    outputs = tmp_path / "outputs"
    checking.check(config, sample, outputs, YEAR)
    changed = filenames.quarter_path(sample, YEAR, 3, "和顺社区")
    grid = layout.disclosure_grid(config)
    _set(changed, grid.sheet, grid.inputs[0].cell, 31)
    cache._DIGESTS.clear()  # what a new process knows
    hashed: list[str] = []
    real = cache.file_digest
    monkeypatch.setattr(cache, "file_digest",
                        lambda p: (hashed.append(Path(p).name), real(p))[1])

    again = checking.check(config, sample, outputs, YEAR)

    assert set(hashed) == {changed.name}
    assert again.content.kept[YEAR] == {o for o in config.units if o != "和顺社区"}


def test_signatures_recorded_too_close_to_a_change_are_not_trusted(config, tmp_path):
    hashed = 100 * HOUR_NS
    state = ({**incremental.state(config, hashed)},
             [("2023/a.xlsx", "a" * 64, 10, 1, 2, hashed - incremental.RACY_NS - 1),
              ("2023/b.xlsx", "b" * 64, 10, 1, 3, hashed - incremental.RACY_NS + 1)], [])
    cache._DIGESTS.clear()
    assert incremental.previous(config, state, tmp_path) is not None
    assert set(cache._DIGESTS) == {os.path.abspath(tmp_path / "2023/a.xlsx")}
    cache._DIGESTS.clear()


UNITS = ("街道本级", "青松社区", "和顺社区")
EDITS = hs.one_of(
    hs.tuples(hs.just("set"), hs.sampled_from(UNITS), hs.integers(1, 4), hs.integers(0, 999)),
    hs.tuples(hs.just("delete"), hs.sampled_from(UNITS), hs.integers(1, 4)),
    hs.tuples(hs.just("copy"), hs.sampled_from(UNITS), hs.integers(1, 4)),
    hs.tuples(hs.just("restore"), hs.sampled_from(UNITS), hs.integers(1, 4)),
    hs.tuples(hs.just("header"), hs.sampled_from(UNITS), hs.integers(1, 4),
              hs.sampled_from(UNITS)))


def _apply(edit, config, workbooks: Path, original: Path) -> None:
    kind, unit, quarter, *rest = edit
    path = filenames.quarter_path(workbooks, YEAR, quarter, unit)
    if kind == "restore":
        shutil.copy(filenames.quarter_path(original, YEAR, quarter, unit), path)
    elif not path.exists():
        return
    elif kind == "set":
        grid = layout.disclosure_grid(config)
        _set(path, grid.sheet, grid.inputs[0].cell, rest[0])
    elif kind == "delete":
        path.unlink()
    elif kind == "copy":
        shutil.copy(path, path.with_name(f"副本-{path.name}"))
    else:
        _set(path, layout.SHEET_HEADER, layout.HEADER_CELLS["unit"], rest[0])


@settings(max_examples=6, deadline=None)
@given(edits=hs.lists(EDITS, min_size=1, max_size=3))
def test_any_edits_rerun_to_what_a_run_from_scratch_gives(config, repo_root, edits):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        workbooks = tmp / "workbooks"
        shutil.copytree(repo_root / "workbooks" / "团结大街街道", workbooks)
        outputs = tmp / "outputs"
        checking.check(config, workbooks, outputs, YEAR)
        for edit in edits:
            _apply(edit, config, workbooks, repo_root / "workbooks" / "团结大街街道")
            again = checking.check(config, workbooks, outputs, YEAR)
            assert again.content.kept is not None
        scratch, dump = _from_scratch(config, workbooks, tmp)
        assert _dump(outputs_folder.store_path(outputs)) == dump
        assert again.findings == scratch.findings and again.tables == scratch.tables


def test_units_worked_out_by_the_workers_equal_those_worked_out_here(config, sample, tmp_path,
                                                                      monkeypatch):
    """The pool workers work a unit out when their batch holds all its files (by name); a
    unit one of whose files another unit's batch holds (a header naming another unit) is
    worked out in the main process instead, and the rows a worker put for it are dropped."""
    for edit in _edits(config, sample):
        edit()
    real_put, real_drop = store.Writer.put, store.Writer.drop
    put, dropped = [], []
    monkeypatch.setattr(store.Writer, "put", lambda self, y, u, rows: (
        put.append((y, u)), real_put(self, y, u, rows))[1])
    monkeypatch.setattr(store.Writer, "drop", lambda self, y, u: (
        dropped.append((y, u)), real_drop(self, y, u))[1])
    by_workers = checking.check(config, sample, tmp_path / "workers", YEAR)
    # 和顺社区 has a file 兴业社区's batch held: the worker's part of it was not used
    assert dropped == [(YEAR, "和顺社区")]
    assert len(put) == len(set(put)) + 1
    real_batches = incremental._batches
    monkeypatch.setattr(incremental, "_batches", lambda *args: [
        dataclasses.replace(b, units=frozenset()) for b in real_batches(*args)])
    put.clear()
    here = checking.check(config, sample, tmp_path / "here", YEAR)
    assert len(put) == len(set(put))
    assert _dump(outputs_folder.store_path(tmp_path / "workers")) == _dump(outputs_folder.store_path(
        tmp_path / "here"))
    assert by_workers.findings == here.findings and by_workers.tables == here.tables
