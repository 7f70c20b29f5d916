"""Reading workbooks through the parse cache and the pool: a file whose parse is cached (same
content, path, code and configuration) is not read again."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.config import Config
from pipeline.speed import cache
from pipeline.speed.process_pool import batch_size, collector_paused, run_batches
from pipeline.workbooks.folders import relative_name
from pipeline.workbooks.reading import FileResult, ingest_file


@dataclass(frozen=True)
class _Job:
    """A file to parse and, when caching, the key of its entry and the content it was keyed
    on."""

    path: str | Path
    file: str  # relative to the workbooks folder
    key: str = ""
    sha256: str | None = None


def _parsed(cfg: Config, workbooks_dir: str | Path, job: _Job
            ) -> tuple[FileResult, str, bool]:
    """A parse, its entry text (what a pool worker sends back), and whether the entry may be
    cached: not when the file changed while it was being read (or cannot be read any more),
    nor when it has no key."""
    result = ingest_file(cfg, workbooks_dir, job.path)
    try:
        unchanged = job.sha256 is not None and cache.file_digest(job.path)[0] == job.sha256
    except OSError:
        unchanged = False
    return result, cache.encode_result(job.key, result), unchanged


def _parse_batch(cfg: Config, workbooks_dir: str | Path, jobs: Sequence[_Job]
                 ) -> list[tuple[str, bool]]:
    """Parses of a few files as their entries' JSON texts (decoding them costs the main
    process less than receiving the records as objects), each with whether it may be cached;
    the main process caches them."""
    return [_parsed(cfg, workbooks_dir, job)[1:] for job in jobs]


def _parse_all(cfg: Config, workbooks_dir: str | Path, jobs: Sequence[_Job],
               progress: bool) -> Iterator[tuple[FileResult, str | None]]:
    """Each job's parse and its entry text when it may be cached (see _parsed), in order."""
    size = batch_size(len(jobs))
    batches = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    texts = itertools.chain.from_iterable(run_batches(
        cfg, workbooks_dir, _parse_batch, batches, [len(b) for b in batches], progress))
    for job, (text, cacheable) in zip(jobs, texts, strict=True):
        yield FileResult(**cache.decode_result(job.key, text)), text if cacheable else None


def read_files(cfg: Config, workbooks_dir: str | Path, paths: Sequence[Path], *,
               cache_dir: Path | None = None, progress: bool = False) -> list[FileResult]:
    """ingest_file over `paths`, in order. With `cache_dir`, a file whose parse is cached there
    (same content, path, code and configuration lists) is not read again, new parses are
    cached, and entries no file uses any more are removed."""
    jobs = file_jobs(cfg, workbooks_dir, paths, keyed=cache_dir is not None)
    if cache_dir is None:
        return read_jobs(cfg, workbooks_dir, jobs, None, progress=progress)
    with cache.Entries(cache_dir) as entries:
        results = read_jobs(cfg, workbooks_dir, jobs, entries, progress=progress)
        entries.commit(keep=[job.key for job in jobs if job.key])
    return results


def file_jobs(cfg: Config, workbooks_dir: str | Path, paths: Sequence[str | Path], *,
              keyed: bool, known: Mapping[str, tuple[str | None, str]] | None = None
              ) -> list[_Job]:
    """Each file with its relative name and, when `keyed`, its cache key (a file that cannot
    be read now gets none: it is parsed without caching, and the parse says why).
    `known`: file -> (sha256, key) of an earlier run with the same code and configuration."""
    known = known or {}
    jobs = []
    for path in paths:
        file = relative_name(workbooks_dir, path)
        sha256 = None
        if keyed:
            try:
                sha256 = cache.known_digest(path)[0]
            except OSError:
                pass
        if sha256 is None:
            jobs.append(_Job(path, file))
        else:
            sha, key = known.get(file, (None, ""))
            if sha != sha256:
                key = cache.parse_key(cfg, file, sha256)
            jobs.append(_Job(path, file, key, sha256))
    return jobs


def read_jobs(cfg: Config, workbooks_dir: str | Path, jobs: Sequence[_Job],
              entries: cache.Entries | None, *, progress: bool = False) -> list[FileResult]:
    """The parse of each job, in order: from its entry in `entries` when there is a usable
    one, else parsed (in a process pool when there are many); new parses are added to
    `entries` (the caller commits them, see cache.Entries.commit)."""
    with collector_paused():
        texts = {} if entries is None else entries.get(job.key for job in jobs if job.key)
        results: list[FileResult | None] = [None] * len(jobs)
        todo: list[tuple[int, _Job]] = []
        for i, job in enumerate(jobs):
            cached = cache.load(texts.get(job.key), job.key) if job.key else None
            if cached is not None:
                results[i] = FileResult(**cached)
            else:
                todo.append((i, job))
        parsed = _parse_all(cfg, workbooks_dir, [job for _, job in todo], progress)
        for (i, job), (result, text) in zip(todo, parsed, strict=True):
            results[i] = result
            if entries is not None and text is not None:
                entries.add(job.key, text)
        return results


def cache_path(cache_dir: str | Path, year: int) -> Path:
    """Where a year's parses are cached in the cache folder (outputs/cache)."""
    return Path(cache_dir) / f"{year}.sqlite"


