"""Nothing lost: a build killed at any moment leaves every output whole.

A good build is made once; then one input cell is changed (so every output would change) and
`python -m pipeline build` is started again and killed with SIGKILL, with every process it
started, at several moments: while reading the workbooks (the parse cache half written), while
writing the store, while the dashboard notebook writes its pages, while the report notebook
runs. The build stops at each moment and says so (tests/pausing/sitecustomize.py): the test
waits for that message, not for a clock. After each kill every output file is either
byte-identical to the good one or a complete new version, the inputs are untouched, and the
only other files are temp files named as such, which the next run removes.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import docx
import nbformat
import openpyxl
import pytest

from pipeline import store
from pipeline.build.outputs_folder import LEFTOVERS
from pipeline.workbooks import filenames, layout
from tests.shared import copy_tree

pytestmark = [pytest.mark.slow,  # started first (tests/conftest.py)
              pytest.mark.skipif(not hasattr(os, "pidfd_open") or not Path("/proc").is_dir(),
                                 reason="SIGKILL, process groups, pidfd and /proc (Linux)")]

ROOT = Path(__file__).resolve().parent.parent
PAUSING = Path(__file__).resolve().parent / "pausing"  # holds the sitecustomize that pauses
YEAR = 2023
CACHE = "cache/"  # outputs/cache: the parse cache, rebuilt from the inputs when missing
TIMEOUT = 300  # seconds: only a safety net, a build reaches every moment long before


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _is_leftover(rel: str) -> bool:
    return any(fnmatch.fnmatch(Path(rel).name, pattern) for pattern in LEFTOVERS)


def _command(run, *args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args, "--year", str(YEAR), "--config",
            str(ROOT / "tests" / "single_organ.toml"), "--workbooks", str(run.workbooks), "--outputs",
            str(run.outputs)]


def _kernels_of(pid: int) -> list[int]:
    """Jupyter kernels started by a process: they run in a session of their own, so killing
    the build's process group does not reach them (they name their parent in JPY_PARENT_PID)."""
    mark = f"\0JPY_PARENT_PID={pid}\0".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if mark in b"\0" + (proc / "environ").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


def _kill_build(run, moment: str) -> bool:
    """Start a build that stops at `moment` (tests/pausing/sitecustomize.py) and, once it says
    it is there, SIGKILL it and every process it started. False if the build ended first."""
    fifo = run.root / "pause.fifo"
    os.mkfifo(fifo)
    # opened for reading and writing: never at end of file while no build process has it open
    messages = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
    env = {**os.environ, "XXGK_PAUSE_AT": moment, "XXGK_PAUSE_FIFO": str(fifo),
           "PYTHONPATH": os.pathsep.join(filter(None, (str(PAUSING),
                                                       os.environ.get("PYTHONPATH"))))}
    with open(run.root / "build.log", "wb") as log:
        proc = subprocess.Popen(_command(run, "build"), stdout=log, stderr=log, env=env,
                                start_new_session=True)
    ended = os.pidfd_open(proc.pid)
    try:
        ready, _, _ = select.select([messages, ended], [], [], TIMEOUT)
        assert ready, f"the build neither reached {moment} nor ended in {TIMEOUT} s"
        said = os.read(messages, 4096).decode().split() if messages in ready else []
        kernels = _kernels_of(proc.pid)
        if said:
            assert said[1:] == moment.split(), said
            assert int(said[0]) in (proc.pid, *kernels), "paused in a process not killed"
            os.killpg(proc.pid, signal.SIGKILL)
        for pid in kernels:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        assert said or proc.poll() is not None
        return bool(said)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        os.close(ended)
        os.close(messages)
        fifo.unlink()


def _log(run) -> str:
    """The end of what the killed build printed (a build that never paused says why here)."""
    return (run.root / "build.log").read_text(encoding="utf-8", errors="replace")[-3000:]


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
def changed(tmp_path_factory, built_sample, config):
    """The sample and a good build of it (made once a run, tests/conftest.py), then one input
    cell changed."""
    root = tmp_path_factory.mktemp("kill")
    good = SimpleNamespace(workbooks=copy_tree(built_sample.workbooks, root / "workbooks"),
                           outputs=copy_tree(built_sample.outputs, root / "outputs"))
    good.good = _hashes(good.outputs)
    assert not [rel for rel in good.good if _is_leftover(rel)]
    path = filenames.quarter_path(good.workbooks, YEAR, 4, "和顺社区")
    wb = openpyxl.load_workbook(path)
    grid = layout.disclosure_grid(config)
    for inp in grid.inputs[:2]:  # the distinct count and the first channel, which carries all
        wb[grid.sheet][inp.cell] = wb[grid.sheet][inp.cell].value + 1
    wb.save(path)
    good.inputs = _hashes(good.workbooks)
    return good


@pytest.fixture
def run(changed, tmp_path):
    """A copy of `changed` of the test's own: each kill starts from the good build."""
    return SimpleNamespace(root=tmp_path, good=changed.good, inputs=changed.inputs,
                           workbooks=copy_tree(changed.workbooks, tmp_path / "workbooks"),
                           outputs=copy_tree(changed.outputs, tmp_path / "outputs"))


# Where the build stops (tests/pausing/sitecustomize.py), and what it has then left half done
# beside the outputs: each pattern matches a file, or the kill did not come mid-write.
MOMENTS = {
    "reading the workbooks": ("cache/*.sqlite-journal",),
    "writing the store": ("xxgk.sqlite-journal",),
    "writing dashboard pages": (f"{YEAR}/dashboards/.*.html.*.tmp",
                                f"{YEAR}/notebooks/.dashboard.running.ipynb"),
    "running the report notebook": (f"{YEAR}/report/.*.docx.*.tmp",
                                    f"{YEAR}/notebooks/.report.running.ipynb"),
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_killed_build_leaves_every_output_whole(run, moment):
    assert _kill_build(run, moment), f"the build ended before {moment}: {_log(run)}"
    files = list(_hashes(run.outputs))
    for pattern in MOMENTS[moment]:
        assert fnmatch.filter(files, pattern), f"killed at {moment}, but no {pattern}"
    _assert_outputs_whole(run)


def test_a_build_killed_writing_a_new_store_is_cleaned_up_by_the_next_run(run):
    # A store it cannot update (here: one without its state) makes the build write a new one
    # beside it; a rerun with a usable store updates it in place (tests/test_incremental.py).
    con = sqlite3.connect(run.outputs / "xxgk.sqlite")
    with con:
        con.execute("DELETE FROM state")
    con.close()
    assert _kill_build(run, "writing the store"), f"the build ended first: {_log(run)}"
    leftovers = _assert_outputs_whole(run)
    assert any(rel.startswith(".xxgk.sqlite.") for rel in leftovers)
    assert (run.outputs / "xxgk.sqlite").is_file()  # the good store is still in place

    done = subprocess.run(_command(run, "check"), capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stdout + done.stderr
    assert _assert_outputs_whole(run) == []
    new = _hashes(run.outputs)
    assert new["xxgk.sqlite"] != run.good["xxgk.sqlite"]  # a complete new version
