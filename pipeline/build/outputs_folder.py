"""The outputs folder of a run: where each output goes, the lock that keeps a second run out,
the leftovers of a killed run, and the record of a year's final report.

A single organ's outputs sit in the folder itself (outputs/xxgk.sqlite, outputs/<year>/…). In a
district each organ (`organ`, its short name) has its store and parse cache under
outputs/organs/<organ>/ and its year's outputs under outputs/<year>/<organ>/, beside the
district's own under outputs/<year>/全区/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import filelock

from pipeline.core import atomic

STORE_NAME = "xxgk.sqlite"


CACHE_DIR = "cache"

ORGANS_DIR = "organs"

DISTRICT_DIR = "全区"


# What a killed run can leave under outputs/: pipeline.core.atomic's temp files (and SQLite's
# journal beside the store's), and the notebook papermill was still writing. None of them is an
# output; every run starts by removing them.
LEFTOVERS = (".*.tmp", ".*.tmp-journal", ".*.running.ipynb")


LOCK_NAME = ".xxgk.lock"


class Busy(Exception):
    """Another xxgk run holds the outputs folder."""


@contextmanager
def outputs_lock(outputs_dir: Path) -> Iterator[None]:
    """One run at a time per outputs folder: a second run would take the first one's temp
    files for leftovers of a killed run and remove them, and the two would overwrite each
    other's outputs. Holding it, the run removes what a killed run left (once per run, not
    per organ of a district)."""
    outputs_dir.mkdir(parents=True, exist_ok=True)
    # The operating system's lock (flock, or msvcrt on Windows), not a marker file: it goes
    # with the holder, even a killed one. Timeout 0: the second run is told at once, not made
    # to wait.
    lock = filelock.FileLock(outputs_dir / LOCK_NAME, timeout=0, fallback_to_soft=False)
    try:
        held = lock.acquire()
    except filelock.Timeout:
        raise Busy(f"另一个 xxgk 正在使用输出目录 {outputs_dir}（例如另一个窗口中的 xxgk build）。"
                   "请等它结束后再运行；同时运行会互相覆盖结果。") from None
    with held:  # released on leaving
        remove_leftovers(outputs_dir)
        yield


def remove_leftovers(outputs_dir: Path) -> None:
    """Delete the temp files a killed or failed run left in the outputs folder (one walk)."""
    for p in Path(outputs_dir).rglob(".*"):
        if p.is_file() and any(p.match(pattern) for pattern in LEFTOVERS):
            p.unlink(missing_ok=True)


def data_dir(outputs_dir: Path, organ: str = "") -> Path:
    """Where the organ's store and parse cache live."""
    return outputs_dir / ORGANS_DIR / organ if organ else outputs_dir


def store_path(outputs_dir: Path, organ: str = "") -> Path:
    return data_dir(outputs_dir, organ) / STORE_NAME


def cache_dir(outputs_dir: Path, organ: str = "") -> Path:
    return data_dir(outputs_dir, organ) / CACHE_DIR


def year_dir(outputs_dir: Path, year: int, organ: str = "") -> Path:
    return outputs_dir / str(year) / organ if organ else outputs_dir / str(year)


def consolidated_path(outputs_dir: Path, year: int, organ: str = "") -> Path:
    return year_dir(outputs_dir, year, organ) / f"{year}年汇总报表.xlsx"


def findings_paths(outputs_dir: Path, year: int, organ: str = "") -> tuple[Path, Path]:
    base = year_dir(outputs_dir, year, organ) / f"{year}年审核结果"
    return base.with_suffix(".xlsx"), base.with_suffix(".json")


FINAL_RECORD = "定稿记录.json"


def final_record_path(outputs_dir: Path, year: int, organ: str = "") -> Path:
    return year_dir(outputs_dir, year, organ) / FINAL_RECORD


def record_final(outputs_dir: Path, year: int, workbooks: list[str],
                 reports: tuple[Path, ...], organ: str = "") -> Path:
    """Note that a final report of the year was made, and from which workbooks: `xxgk collect`
    will not replace one of them without being told to (see collect.collect)."""
    record = {"year": year, "built": datetime.now().isoformat(timespec="seconds"),
              "reports": [p.name for p in reports], "workbooks": sorted(workbooks)}
    path = final_record_path(outputs_dir, year, organ)
    atomic.write_text(path, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    return path


def read_final(outputs_dir: Path, year: int, organ: str = "") -> dict | None:
    """The record of the year's final report, None when none was made (or it is unreadable)."""
    try:
        record = json.loads(final_record_path(outputs_dir, year, organ).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None
