"""Loaded at start-up by every Python process of a build that tests/test_kill.py starts (it puts
this folder first on PYTHONPATH): the build itself, its pool workers and its notebook kernels.

When XXGK_PAUSE_AT names one of the MOMENTS, the process that reaches it writes "<pid> <moment>"
into the FIFO XXGK_PAUSE_FIFO and waits there until it is killed. The test kills the build at
exactly that moment, whatever the machine's load, instead of guessing the moment from a clock.
Without XXGK_PAUSE_AT nothing is changed."""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from pathlib import Path

MOMENT = os.environ.get("XXGK_PAUSE_AT")


def _pause() -> None:
    fifo = os.open(os.environ["XXGK_PAUSE_FIFO"], os.O_WRONLY)
    os.write(fifo, f"{os.getpid()} {MOMENT}\n".encode())
    os.close(fifo)
    while True:
        signal.pause()  # until SIGKILL


def _reading_the_workbooks() -> None:
    """The parse cache's transaction holds the entry of the changed workbook, not committed."""
    from pipeline.speed import cache

    real = cache.Entries.commit

    def commit(self, keep):
        if self.con is not None and self.con.in_transaction:
            _pause()
        real(self, keep)

    cache.Entries.commit = commit


def _writing_the_store() -> None:
    """Every row of the run is in the store's transaction (an update in place, or a new store
    in its temp file), not committed."""
    from pipeline import store

    real = store._fill_run

    def fill_run(*args, **kwargs):
        real(*args, **kwargs)
        _pause()

    store._fill_run = fill_run


def _before_replacing(wanted) -> None:
    """An output written completely to its temp file, not yet renamed into place
    (pipeline.core.atomic), for the first target `wanted(target, how many were written)` wants."""
    from pipeline.core import atomic

    real = atomic.atomic_path
    written: list[Path] = []

    @contextmanager
    def atomic_path(target):
        with real(target) as tmp:
            yield tmp
            if wanted(Path(target), written):
                _pause()
            written.append(Path(target))

    atomic.atomic_path = atomic_path


def _writing_dashboard_pages() -> None:
    """One page is new, the next is in its temp file, the others are as they were."""
    _before_replacing(lambda target, written: target.parent.name == "dashboards" and any(
        p.parent.name == "dashboards" for p in written))


def _running_the_report_notebook() -> None:
    """The report notebook's kernel has written the Word file to its temp file."""
    _before_replacing(lambda target, _: target.suffix == ".docx")


MOMENTS = {"reading the workbooks": _reading_the_workbooks,
           "writing the store": _writing_the_store,
           "writing dashboard pages": _writing_dashboard_pages,
           "running the report notebook": _running_the_report_notebook}

if MOMENT:
    MOMENTS[MOMENT]()
