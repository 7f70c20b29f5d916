"""Nothing lost: a build killed at any moment leaves every output whole.

A good build is made once; then one input cell is changed (so every output would change) and
`python -m pipeline build` is started again and killed with SIGKILL, with every process it
started, at several moments: while starting, while writing the store, while the dashboard
notebook writes its pages, while the report notebook runs. After each kill every output file is
either byte-identical to the good one or a complete new version, the inputs are untouched, and
the only other files are temp files named as such, which the next run removes.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import docx
import nbformat
import openpyxl
import pytest

from pipeline import store
from pipeline.build.outputs_folder import LEFTOVERS
from pipeline.sample.demo import write_sample
from pipeline.workbooks import filenames, layout

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and process groups")

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2023
CACHE = "cache/"  # outputs/cache: the parse cache, rebuilt from the inputs when missing


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _is_leftover(rel: str) -> bool:
    return any(fnmatch.fnmatch(Path(rel).name, pattern) for pattern in LEFTOVERS)


def _command(run, *args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args, "--year", str(YEAR), "--config",
            str(ROOT / "xxgk.toml"), "--workbooks", str(run.workbooks), "--outputs",
            str(run.outputs)]


def _kernels_of(pid: int) -> list[int]:
    """Jupyter kernels started by a process: they run in a session of their own, so killing
    the build's process group does not reach them (they name their parent in JPY_PARENT_PID)."""
    mark = f"\0JPY_PARENT_PID={pid}\0".encode()
    found = []
    for proc in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if proc.name.isdigit():
            try:
                if mark in b"\0" + (proc / "environ").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


Moment = Callable[[Path, float, dict[Path, int]], bool]


def _mtimes(outputs: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in outputs.rglob("*") if p.is_file()}


def _kill_build(run, moment: Moment, delay: float) -> bool:
    """Start a build and SIGKILL it, and every process it started, once `moment(outputs,
    seconds since start, modification times at start)` holds (plus `delay`). False if the
    build ended before that."""
    before = _mtimes(run.outputs)
    proc = subprocess.Popen(_command(run, "build"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    started = time.monotonic()
    try:
        while proc.poll() is None:
            if moment(run.outputs, time.monotonic() - started, before):
                time.sleep(delay)
                break
            time.sleep(0.005)
        alive = proc.poll() is None
        kernels = _kernels_of(proc.pid)
        if alive:
            os.killpg(proc.pid, signal.SIGKILL)
        for pid in kernels:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return alive
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _assert_complete(path: Path) -> None:
    """The file opens as what it claims to be, all of it."""
    suffix = path.suffix
    if suffix in (".xlsx", ".docx"):
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
        if suffix == ".xlsx":
            openpyxl.load_workbook(path, read_only=True).close()
        else:
            assert docx.Document(str(path)).paragraphs
    elif suffix == ".sqlite" and path.parent.name == CACHE.strip("/"):
        con = sqlite3.connect(path)  # a parse cache: opened as xxgk opens it (rolls back)
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            con.execute("SELECT key, entry FROM entries").fetchall()
        finally:
            con.close()
    elif suffix == ".sqlite":
        con = store.connect(path)  # as the notebooks open it
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert con.execute("SELECT count(*) FROM runs").fetchone() == (1,)
        finally:
            con.close()
    elif suffix == ".json":
        json.loads(path.read_text(encoding="utf-8"))
    elif suffix == ".html":
        assert path.read_text(encoding="utf-8").rstrip().endswith("</html>")
    elif suffix == ".ipynb":
        assert nbformat.read(path, as_version=4).cells


def _assert_outputs_whole(run) -> list[str]:
    """Every good output is still there, identical or complete; returns the leftovers."""
    now = _hashes(run.outputs)
    leftovers = [rel for rel in now if _is_leftover(rel)]
    # every output is still there (the parse cache may drop the entry of a changed file)
    assert {rel for rel in run.good if not rel.startswith(CACHE)} <= set(now)
    for rel, digest in now.items():
        if rel in leftovers or run.good.get(rel) == digest:
            continue
        try:
            _assert_complete(run.outputs / rel)
        except Exception as exc:  # name the file that is broken
            raise AssertionError(f"{rel} is not whole: {exc!r}") from exc
    assert _hashes(run.workbooks) == run.inputs, "a run changed the inputs"
    return leftovers


@pytest.fixture(scope="module")
def run(tmp_path_factory, config):
    """The sample, a good build of it, then one input cell changed."""
    root = tmp_path_factory.mktemp("kill")
    run = SimpleNamespace(workbooks=root / "workbooks", outputs=root / "outputs")
    write_sample(config, run.workbooks)
    done = subprocess.run(_command(run, "build"), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    run.good = _hashes(run.outputs)
    assert not [rel for rel in run.good if _is_leftover(rel)]
    path = filenames.quarter_path(run.workbooks, YEAR, 4, "和顺社区")
    wb = openpyxl.load_workbook(path)
    grid = layout.disclosure_grid(config)
    for inp in grid.inputs[:2]:  # the distinct count and the first channel, which carries all
        wb[grid.sheet][inp.cell] = wb[grid.sheet][inp.cell].value + 1
    wb.save(path)
    run.inputs = _hashes(run.workbooks)
    return run


def _exists(pattern: str) -> Moment:
    return lambda outputs, *_: any(outputs.glob(pattern))


def _writing_pages(outputs: Path, _: float, before: dict[Path, int]) -> bool:
    """A page is being written, or one page is new and the others are not yet."""
    pages = outputs / str(YEAR) / "dashboards"
    return any(pages.glob(".*.tmp")) or any(
        p.stat().st_mtime_ns != before.get(p) for p in pages.glob("*.html"))


MOMENTS: dict[str, tuple[Moment, float]] = {
    "starting": (lambda _, seconds, __: seconds >= 1.0, 0.0),
    "writing dashboard pages": (_writing_pages, 0.0),
    "running the report notebook": (_exists(f"{YEAR}/notebooks/.report.running.ipynb"), 0.3),
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_killed_build_leaves_every_output_whole(run, moment):
    condition, delay = MOMENTS[moment]
    assert _kill_build(run, condition, delay), f"the build ended before {moment}"
    _assert_outputs_whole(run)


def test_a_build_killed_writing_a_new_store_is_cleaned_up_by_the_next_run(run):
    # A store it cannot update (here: one without its state) makes the build write a new one
    # beside it; a rerun with a usable store updates it in place (tests/test_incremental.py).
    con = sqlite3.connect(run.outputs / "xxgk.sqlite")
    with con:
        con.execute("DELETE FROM state")
    con.close()
    assert _kill_build(run, _exists(".xxgk.sqlite.*.tmp"), 0.0)
    leftovers = _assert_outputs_whole(run)
    assert any(rel.startswith(".xxgk.sqlite.") for rel in leftovers)
    assert (run.outputs / "xxgk.sqlite").is_file()  # the good store is still in place

    done = subprocess.run(_command(run, "check"), capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stdout + done.stderr
    assert _assert_outputs_whole(run) == []
    new = _hashes(run.outputs)
    assert new["xxgk.sqlite"] != run.good["xxgk.sqlite"]  # a complete new version
