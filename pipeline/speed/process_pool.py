"""Parsing many files in a process pool over the usable cores, in order, a few batches ahead,
with a progress bar; and the cyclic garbage collector paused while records are made."""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm

from pipeline.core.config import Config

POOL_MIN_FILES = 16      # fewer files to parse are read in this process (a pool costs ~0.1 s)


PROGRESS_MIN_FILES = 50  # fewer files get no progress bar


_WORKER: tuple = ()  # (config, workbooks folder), set in each pool worker


def _init_worker(cfg: Config, workbooks_dir: str) -> None:
    global _WORKER
    _WORKER = (cfg, workbooks_dir)
    # Forked while the main process had the collector paused: what was inherited is left out
    # of collections (scanning it would copy every shared page), the worker's own records not.
    gc.freeze()
    gc.enable()


def _in_worker(work: Callable, batch):
    return work(*_WORKER, batch)


def _in_order(pool: ProcessPoolExecutor, work: Callable, batches: Iterable,
              ahead: int) -> Iterator:
    """work's result for each batch, in order, with at most `ahead` batches submitted and not
    yet taken: Executor.map submits everything at once, and when the main process takes
    results more slowly than the workers make them, they fill memory."""
    pending: deque = deque()
    rest = iter(batches)
    for batch in itertools.islice(rest, ahead):
        pending.append(pool.submit(_in_worker, work, batch))
    while pending:
        out = pending.popleft().result()
        for batch in itertools.islice(rest, 1):
            pending.append(pool.submit(_in_worker, work, batch))
        yield out


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def pool_workers(files: int) -> int:
    """Processes that parse `files` files: 0 (parse here) below POOL_MIN_FILES or on one core,
    else one per usable core, with at least 8 files each."""
    workers = min(usable_cores(), files // (POOL_MIN_FILES // 2))
    return workers if files >= POOL_MIN_FILES and workers >= 2 else 0


def batch_size(files: int) -> int:
    """Files a batch of work holds: enough that handing it to a worker costs little, few
    enough that the workers finish together."""
    return max(1, min(16, files // (max(pool_workers(files), 1) * 8)))


def _pool_context():
    """fork on Linux: workers start in milliseconds with the modules already imported."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def run_batches(cfg: Config, workbooks_dir: str | Path, work: Callable, batches: Sequence,
                sizes: Sequence[int], progress: bool) -> Iterator:
    """`work(cfg, workbooks_dir, batch)` of each batch, in order: in a process pool over the
    usable cores when the batches hold enough files (`sizes`) to pay for starting one, else
    here. `work` is a module-level function (a worker finds it by name). A progress bar
    counts the files."""
    files = sum(sizes)
    show = files >= PROGRESS_MIN_FILES and (progress or sys.stderr.isatty())
    with tqdm(total=files, desc="读取报表", unit="本", disable=not show, file=sys.stderr,
              leave=False) as bar:
        workers = pool_workers(files)
        if workers < 2:
            for batch, size in zip(batches, sizes, strict=True):
                yield work(cfg, workbooks_dir, batch)
                bar.update(size)
            return
        with ProcessPoolExecutor(workers, mp_context=_pool_context(), initializer=_init_worker,
                                 initargs=(cfg, str(workbooks_dir))) as pool:
            for out, size in zip(_in_order(pool, work, batches, ahead=4 * workers), sizes,
                                 strict=True):
                yield out
                bar.update(size)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Records hold no reference cycles; without the cyclic collector rescanning every record
    made so far, creating 100,000 of them takes a third less time. Nests: only the outermost
    pause turns the collector back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
