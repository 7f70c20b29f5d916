"""Notebook runs side by side, one per usable core: each papermill run drives a kernel of its
own (a process), so a thread per run is all it takes to keep every core busy while a district's
dashboards, reports and 全区 page are made. And how a district's organs are shared out among
those runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import TypeVar

from pipeline.speed.process_pool import usable_cores

T = TypeVar("T")
Item = TypeVar("Item")


def run_side_by_side(calls: Sequence[Callable[[], T]], *, workers: int | None = None,
                     finished: Callable[[int], None] | None = None) -> list[T]:
    """Call each of `calls` in threads, at most `workers` (usable cores) at a time; their
    results in order. `finished(i)` is told as call i ends. The first error is raised once the
    calls already running have ended (no kernel is left behind); calls not started are not."""
    workers = max(1, min(len(calls), workers or usable_cores()))
    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(call) for call in calls]
        if finished:
            for i, future in enumerate(futures):
                future.add_done_callback(lambda f, i=i: f.exception() or finished(i))
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = [f for f in futures if f in done and f.exception()]
        if failed:
            for future in futures:
                future.cancel()
            raise failed[0].exception()
    return [f.result() for f in futures]


def share_out(items: Sequence[Item], weights: Sequence[int], parts: int | None = None
              ) -> list[list[Item]]:
    """`items` in order, cut into at most `parts` (usable cores) runs of consecutive items of
    about equal total weight (e.g. organs by the pages each has)."""
    parts = max(1, min(parts or usable_cores(), len(items)))
    total = sum(weights)
    runs: list[list[Item]] = [[]]
    done = 0
    for item, weight in zip(items, weights, strict=True):
        if runs[-1] and len(runs) < parts and done + weight / 2 > total * len(runs) / parts:
            runs.append([])
        runs[-1].append(item)
        done += weight
    return runs
