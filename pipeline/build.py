"""One run of the pipeline: workbooks → ingestion → consolidation and review → store → notebooks.

Every year up to the report year is rebuilt from its inputs (quarter workbooks, or else the
published tables of that year), so the store always has the history the charts and rule 6 need.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline import (
    __version__,
    atomic,
    cache,
    consolidate,
    history,
    incremental,
    ingest,
    layout,
    report_text,
    returns,
    review,
)
from pipeline.config import Config
from pipeline.findings import Finding, define, finding
from pipeline.findings_report import write_findings
from pipeline.model import YearTables
from pipeline.report import build_report_model
from pipeline.store import StoreContent, Writer, read_state

STORE_NAME = "xxgk.sqlite"
CACHE_DIR = "cache"

define("ID001", "error", "没有该年度的数据",
       "报表目录 {folder} 中没有 {year} 年的季度报表，也没有“{year}年已公开报表.xlsx”。"
       "请先运行 xxgk init --year {year} 生成报表并填写，或补录已公开报表。")


# What a killed run can leave under outputs/: pipeline.atomic's temp files (and SQLite's
# journal beside the store's), and the notebook papermill was still writing. None of them is an
# output; every run starts by removing them.
LEFTOVERS = (".*.tmp", ".*.tmp-journal", ".*.running.ipynb")


LOCK_NAME = ".xxgk.lock"


class Busy(Exception):
    """Another xxgk run holds the outputs folder."""


def _try_lock(fh) -> None:
    """Lock the open file exclusively without waiting; OSError when another process holds it.
    The operating system releases the lock when the holder ends, even when killed."""
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextmanager
def outputs_lock(outputs_dir: Path) -> Iterator[None]:
    """One run at a time per outputs folder: a second run would take the first one's temp
    files for leftovers of a killed run and remove them, and the two would overwrite each
    other's outputs."""
    outputs_dir.mkdir(parents=True, exist_ok=True)
    with open(outputs_dir / LOCK_NAME, "a+b") as fh:
        try:
            _try_lock(fh)
        except OSError:
            raise Busy(f"另一个 xxgk 正在使用输出目录 {outputs_dir}（例如另一个窗口中的 xxgk build）。"
                       "请等它结束后再运行；同时运行会互相覆盖结果。") from None
        yield


def remove_leftovers(outputs_dir: Path) -> None:
    """Delete the temp files a killed or failed run left in the outputs folder (one walk)."""
    for p in Path(outputs_dir).rglob(".*"):
        if p.is_file() and any(p.match(pattern) for pattern in LEFTOVERS):
            p.unlink(missing_ok=True)


def store_path(outputs_dir: Path) -> Path:
    return outputs_dir / STORE_NAME


def year_dir(outputs_dir: Path, year: int) -> Path:
    return outputs_dir / str(year)


def published_path(workbooks_dir: Path, year: int) -> Path:
    return workbooks_dir / str(year) / layout.published_file_name(year)


def consolidated_path(outputs_dir: Path, year: int) -> Path:
    return year_dir(outputs_dir, year) / f"{year}年汇总报表.xlsx"


def findings_paths(outputs_dir: Path, year: int) -> tuple[Path, Path]:
    base = year_dir(outputs_dir, year) / f"{year}年审核结果"
    return base.with_suffix(".xlsx"), base.with_suffix(".json")


FINAL_RECORD = "定稿记录.json"


def final_record_path(outputs_dir: Path, year: int) -> Path:
    return year_dir(outputs_dir, year) / FINAL_RECORD


def record_final(outputs_dir: Path, year: int, result: CheckResult,
                 reports: tuple[Path, ...]) -> Path:
    """Note that a final report of the year was made, and from which workbooks: `xxgk collect`
    will not replace one of them without being told to (see collect.collect)."""
    record = {"year": year, "built": datetime.now().isoformat(timespec="seconds"),
              "reports": [p.name for p in reports],
              "workbooks": sorted(s.file for s in result.content.submissions
                                  if s.year == year and s.file)}
    path = final_record_path(outputs_dir, year)
    atomic.write_text(path, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    return path


def read_final(outputs_dir: Path, year: int) -> dict | None:
    """The record of the year's final report, None when none was made (or it is unreadable)."""
    try:
        record = json.loads(final_record_path(outputs_dir, year).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def available_years(workbooks_dir: Path) -> list[int]:
    if not workbooks_dir.is_dir():
        return []
    return sorted(int(p.name) for p in workbooks_dir.iterdir()
                  if p.is_dir() and re.fullmatch(r"\d{4}", p.name))


def has_quarter_workbooks(workbooks_dir: Path, year: int) -> bool:
    return any((workbooks_dir / str(year)).glob("第*季度/*"))


@dataclass
class CheckResult:
    """What a check found and made; `content` is what went into the store besides the units'
    rows (read them from the store)."""

    year: int
    findings: list[Finding] = field(default_factory=list)
    tables: dict[int, YearTables] = field(default_factory=dict)
    content: StoreContent = field(default_factory=StoreContent)

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    def completeness(self) -> returns.Completeness:
        """How far the report year's returns go (a year from published tables is whole)."""
        tables = self.tables.get(self.year)
        if tables is not None and tables.source == "published":
            return returns.published(self.year)
        return returns.completeness(self.year, self.content.submissions, self.errors)


def _hash_inputs(walks: dict[int, ingest.Walk], checked: set[str]) -> list[tuple]:
    """(path, sha256, size, device, inode, mtime_ns) of every regular file of the years'
    folders (as walked when the run began: what is not a regular file, such as a FIFO that
    would block a read, is skipped there); the digests of those `checked` (relative names)
    were taken by this run already."""
    out = []
    for y, walked in walks.items():
        for parts, path in walked.files:
            rel = "/".join((str(y), *parts))
            sha, size, (device, inode, mtime_ns, _) = cache.signed_digest(
                path, checked=rel in checked)
            out.append((rel, sha, size, device, inode, mtime_ns))
    return out


def check(cfg: Config, workbooks_dir: Path, outputs_dir: Path, year: int, *,
          command: str = "check") -> CheckResult:
    """Read, consolidate and review every year up to `year`; write the store and the year's
    findings under outputs/. A rerun reads and works out again only the units whose
    workbooks changed (pipeline.incremental)."""
    with ingest.collector_paused():  # a run makes ~100 records per workbook and no cycles
        return _check(cfg, workbooks_dir, outputs_dir, year, command)


def _check(cfg: Config, workbooks_dir: Path, outputs_dir: Path, year: int,
           command: str) -> CheckResult:
    started = datetime.now()
    hashed_ns = time.time_ns()
    remove_leftovers(outputs_dir)
    result = CheckResult(year)
    content = result.content
    before = incremental.previous(cfg, read_state(store_path(outputs_dir)),
                                  workbooks_dir)
    content.kept = None if before is None else {}
    years = [y for y in available_years(workbooks_dir) if y <= year]
    if year not in years:
        years.append(year)
    walks = {y: ingest.walk(workbooks_dir / str(y)) for y in years}  # the files this run reads
    with Writer(store_path(outputs_dir), update=before is not None) as writer:
        previous: YearTables | None = None
        checked: set[str] = set()  # workbooks whose digest this run took
        for y in years:
            result.findings += ingest.skipped_findings(walks[y], y)
            tables, year_findings = _year_tables(cfg, workbooks_dir, outputs_dir, y, previous,
                                                 content, before, checked, writer, walks[y])
            if tables is None:
                if y == year:
                    result.findings.append(finding("ID001", year=y, folder=str(workbooks_dir)))
                continue
            partial = (tables.source == "workbooks"
                       and returns.completeness(y, content.submissions, 0).partial)
            year_findings += review.review_year(tables, previous, partial=partial)
            p_path = report_text.paragraphs_path(workbooks_dir, y)
            if p_path.is_file():
                rows, p_findings = report_text.read_paragraphs(p_path, y)
                content.paragraphs += rows
                year_findings += p_findings
            result.findings += year_findings
            content.years.append(tables)
            result.tables[y] = tables
            previous = tables
        content.findings = result.findings
        content.input_files = _hash_inputs(walks, checked)
        content.state = incremental.state(cfg, hashed_ns)

        def review_text(con) -> list[Finding]:
            """The report text as it will be written, reviewed against the tables (TX rules)."""
            if year not in result.tables:
                return []
            return list(build_report_model(con, cfg, year).findings)

        writer.finish(content, version=__version__, report_year=year, command=command,
                      started=started, review=review_text)
    xlsx, js = findings_paths(outputs_dir, year)
    write_findings(xlsx, js, result.findings)
    return result


def _year_tables(cfg, workbooks_dir, outputs_dir, y, previous, content, before, checked, writer,
                 walked):
    """The year's tables from its quarter workbooks (the rows of the units worked out again
    go to `writer`), else from its published tables."""
    if has_quarter_workbooks(workbooks_dir, y):
        read = incremental.read_year(cfg, workbooks_dir, y, walked,
                                     ingest.cache_path(outputs_dir / CACHE_DIR, y), before,
                                     writer)
        checked.update(read.checked)
        parts = [o.part for o in read.owned]
        tables, sums, findings = consolidate.combine(cfg, y, parts, previous, read.as_of)
        read_findings = incremental.file_order(read.files,
                                               (f for o in read.owned for f in o.findings))
        content.submissions += returns.submissions(
            cfg, y, [h for p in parts for h in p.headers],
            [*read_findings, *(f for p in parts for f in p.findings)])
        content.fact_sums += [(y, *k, v) for k, v in sums.items()]
        if content.kept is not None:
            content.kept[y] = {o.unit for o in read.owned if not o.fresh}
        return tables, [*read_findings, *findings]
    p = published_path(workbooks_dir, y)
    if p.is_file():
        tables, found = history.read_published(p, y, file=f"{y}/{p.name}")
        return tables, list(found)
    return None, []
