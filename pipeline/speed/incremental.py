"""Reruns redo only the units whose workbooks changed.

Every rule of consolidation looks at one unit's records at a time (unit_part.UnitPart), so a
year is the sum of its units' parts. The store keeps each unit's part with a key over the unit's
files (name and parse-cache key, so content) and the day open applications are judged on;
everything else a part depends on (xxgk's version and code, the whole configuration) is in the
store's snapshot key. A rerun takes a unit's part from the store when its key is unchanged and
keeps that unit's rows there; the other units are read (from the parse cache, or parsed) and
worked out again. Which unit a file belongs to is known without reading it when its key is the
one the store has.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from pipeline import __version__, store
from pipeline.consolidate import unit_part
from pipeline.consolidate.unit_part import UnitPart
from pipeline.core.config import Config
from pipeline.core.findings import Finding
from pipeline.speed import cache, parsing, process_pool
from pipeline.workbooks import filenames, folders
from pipeline.workbooks.reading import FileResult, owner

# A file's signature is trusted for its content only when it was last modified this long before
# it was hashed: a change within the same clock tick could keep size and time (git's "racy" case).
RACY_NS = 2_000_000_000


def snapshot_key(cfg: Config) -> str:
    """What every part of a store depends on besides its own files: parts of a store made by
    another xxgk, other code or another configuration are never reused."""
    h = hashlib.sha256(json.dumps([__version__, cache.code_fingerprint("pipeline.build.checking")]).encode())
    h.update(repr(dataclasses.replace(cfg, path=Path())).encode())
    return h.hexdigest()


@dataclass
class Previous:
    """What a store says about the run that made it."""

    # year -> unit -> (part key, part as decoded JSON)
    parts: dict[int, dict[str, tuple[str, dict]]] = field(default_factory=dict)
    # year -> file -> (parse key, unit)
    files: dict[int, dict[str, tuple[str, str]]] = field(default_factory=dict)
    # file -> (sha256, parse key): the key of an unchanged file need not be worked out
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)


def previous(cfg: Config, state: tuple | None, workbooks_dir: Path) -> Previous | None:
    """The reusable content of a store (store.read_state), or None when it has none for this
    xxgk and configuration. Its input files' signatures are remembered (cache.remember) so
    unchanged files are not hashed again."""
    if state is None:
        return None
    values, files, parts = state
    if values.get("snapshot") != snapshot_key(cfg):
        return None
    try:
        hashed = int(values.get("hashed_ns", 0))
    except ValueError:
        hashed = 0  # trust no signature
    shas = {}
    base = os.fspath(workbooks_dir)
    for path, sha256, size, device, inode, mtime_ns in files:
        shas[path] = sha256
        if mtime_ns is not None and mtime_ns < hashed - RACY_NS:
            cache.remember(os.path.join(base, path), (device, inode, mtime_ns, size), sha256)
    out = Previous()
    for year, unit, key, text in parts:
        try:
            data = json.loads(text)
            files = {file: (parse_key, unit) for file, parse_key in data["files"]}
        except (ValueError, KeyError, TypeError):
            continue  # unusable part: its unit is worked out again
        out.parts.setdefault(year, {})[unit] = (key, data)
        out.files.setdefault(year, {}).update(files)
        out.keys.update((f, (shas.get(f), k)) for f, (k, _) in files.items())
    return out


def state(cfg: Config, started_ns: int) -> dict[str, str]:
    """The store's state rows for this run (started_ns: when it began hashing its inputs)."""
    return {"snapshot": snapshot_key(cfg), "hashed_ns": str(started_ns)}


def part_key(year: int, as_of: date, files: Iterable[tuple[str, str]]) -> str:
    return hashlib.sha256(json.dumps([year, as_of.isoformat(), sorted(files)],
                                     ensure_ascii=False).encode()).hexdigest()


@dataclass
class Owned:
    """One unit's files of a year, the findings read from them and its part."""

    unit: str
    key: str
    files: list[tuple[str, str]]  # (file, parse key)
    findings: list[Finding]       # read from the files (ingestion)
    part: UnitPart
    fresh: bool = True            # worked out in this run (its rows go to the store)


def encode(owned: Owned) -> str:
    p = owned.part
    return json.dumps({
        "files": owned.files, "findings": cache.FINDINGS.encode(owned.findings),
        "headers": cache.HEADERS.encode(p.headers),
        "cells": [[tbl, r, c, v] for (tbl, (r, c)), v in p.cells.items()],
        "sums": [[*k, v] for k, v in p.sums.items()],
        "fee": p.fee, "on_time": p.on_time, "carried_in": p.carried_in,
        "part_findings": cache.FINDINGS.encode(p.findings),
        "registered": p.registered, "later": p.later},
        ensure_ascii=False, separators=(",", ":"))


def decode(unit: str, key: str, d: dict) -> Owned:
    """A part kept in the store (its JSON decoded); ValueError (or KeyError, TypeError) when
    it is not one."""
    part = UnitPart(unit, cache.HEADERS.decode(d["headers"]),
                    {(tbl, (r, c)): v for tbl, r, c, v in d["cells"]},
                    {(t, k, dim): v for t, k, dim, v in d["sums"]}, d["fee"],
                    tuple(d["on_time"]), [tuple(x) for x in d["carried_in"]],
                    cache.FINDINGS.decode(d["part_findings"]),
                    registered=[unit_part.Registered(*x) for x in d["registered"]],
                    later=[unit_part.Later(*x) for x in d["later"]])
    return Owned(unit, key, [tuple(x) for x in d["files"]],
                 cache.FINDINGS.decode(d["findings"]), part, fresh=False)




@dataclass
class YearRead:
    files: list[str]
    owned: list[Owned]  # every unit with files, in order of its first file
    checked: set[str]  # files whose digest was taken
    as_of: date  # the day open applications were judged on


def read_year(cfg: Config, workbooks_dir: Path, year: int, walked: folders.Walk, cache_path: Path,
              before: Previous | None, writer: store.Writer, *,
              progress: bool = False) -> YearRead:
    """Each unit's part of the year: from the store when its files are the ones it was made
    from, else from its files' records (parse cache at `cache_path`, or parsing); the rows of
    the units worked out again go to `writer`. `walked`: the year folder's folders.walk."""
    with cache.Entries(cache_path) as entries:
        return _read_year(cfg, workbooks_dir, year, walked, entries, before, writer, progress)


def _read_year(cfg: Config, workbooks_dir: Path, year: int, walked: folders.Walk,
               entries: cache.Entries, before: Previous | None, writer: store.Writer,
               progress: bool) -> YearRead:
    as_of = unit_part.year_as_of(year)
    jobs = parsing.file_jobs(cfg, workbooks_dir, folders.year_paths(workbooks_dir, year, walked),
                            keyed=True, known=before.keys if before else None)
    old_files = before.files.get(year, {}) if before else {}
    old_parts = before.parts.get(year, {}) if before else {}

    # The unit of every file: from the store when unchanged, else by reading it.
    unit_of: dict[str, str] = {}
    unread = []
    for i, job in enumerate(jobs):
        known = old_files.get(job.file)
        if known is not None and job.key and known[0] == job.key:
            unit_of[job.file] = known[1]
        else:
            unread.append((i, job))
    read, proposed = _read_unread(cfg, workbooks_dir, year, as_of, unread, unit_of, old_files,
                                  entries, writer, progress)

    by_unit: dict[str, list[parsing._Job]] = {}
    for job in jobs:
        by_unit.setdefault(unit_of[job.file], []).append(job)
    owned, again = [], {}
    for unit, unit_jobs in by_unit.items():
        files = [(job.file, job.key) for job in unit_jobs]
        key = part_key(year, as_of, files)
        made = proposed.get(unit, [])  # (never for a unit whose files were all known)
        kept = old_parts.get(unit)
        if (kept is not None and kept[0] == key and all(job.key for job in unit_jobs)
                and not made):
            try:
                owned.append(decode(unit, key, kept[1]))
                continue
            except (ValueError, KeyError, TypeError, AttributeError, IndexError):
                pass  # not a part this code wrote: worked out again
        if len(made) == 1 and made[0].files == files:
            owned.append(dataclasses.replace(decode(unit, key, json.loads(made[0].part)),
                                             fresh=True))
            continue
        if made:  # worked out from a batch that did not hold all its files
            writer.drop(year, unit)
        again[unit] = (key, files, unit_jobs)
    rest = [job for _, _, js in again.values() for job in js if job.file not in read]
    for job, result in zip(rest, parsing.read_jobs(cfg, workbooks_dir, rest, entries,
                                                   progress=progress), strict=True):
        read[job.file] = result
    entries.commit(keep=[job.key for job in jobs if job.key])
    for unit, (key, files, unit_jobs) in again.items():
        o, rows = _work_out(year, unit, key, files, [read[job.file] for job in unit_jobs],
                            as_of)
        writer.put(year, unit, rows)
        owned.append(o)
    first = {}
    for i, job in enumerate(jobs):
        first.setdefault(unit_of[job.file], i)
    owned.sort(key=lambda o: first[o.unit])
    return YearRead([job.file for job in jobs], owned,
                    {job.file for job in jobs if job.sha256}, as_of)


class _Proposal(NamedTuple):
    """A unit's part as a worker made it from the files of one batch, and its files; used
    when they turn out to be all the unit's files (its rows are in the store already)."""

    files: list[tuple[str, str]]
    part: str  # encode(Owned)


@dataclass(frozen=True)
class _Batch:
    """Files parsed by one worker, and the units it works out from them: those its files'
    names point to and no file outside the batch is known to belong to."""

    year: int
    as_of: date
    jobs: list[tuple[int, parsing._Job]]  # (place in the year's files, file)
    units: frozenset[str]


def _read_unread(cfg, workbooks_dir, year, as_of, unread, unit_of, old_files, entries, writer,
                 progress) -> tuple[dict[str, FileResult], dict[str, list[_Proposal]]]:
    """Read the files the store knows nothing of, or not as they are now (from the parse
    cache, else parsed): the unit each belongs to goes into `unit_of`. The files to parse go
    to the workers a few whole units at a time; a worker also works out those units and
    sends their rows, which go to `writer` as they come, so that writing the store overlaps
    parsing. Returns the records of the files whose unit no worker worked out, and the
    units' parts the workers made."""
    texts = entries.get(job.key for _, job in unread if job.key)
    read: dict[str, FileResult] = {}
    parse = []
    for i, job in unread:
        cached = cache.load(texts.get(job.key), job.key) if job.key else None
        if cached is None:
            parse.append((i, job))
        else:
            read[job.file] = FileResult(**cached)
            unit_of[job.file] = owner(read[job.file])
    proposed: dict[str, list[_Proposal]] = {}
    batches = _batches(year, as_of, parse, set(unit_of.values()), old_files)
    for batch, out in zip(batches, process_pool.run_batches(
            cfg, workbooks_dir, _work_batch, batches, [len(b.jobs) for b in batches],
            progress), strict=True):
        files, made = out
        for (_, job), (unit, text, cacheable) in zip(batch.jobs, files, strict=True):
            unit_of[job.file] = unit
            if cacheable:
                entries.add(job.key, text)
            if unit not in made:
                read[job.file] = FileResult(**cache.decode_result(job.key, text))
        for unit, (unit_files, rows) in made.items():
            writer.put(year, unit, rows)
            proposed.setdefault(unit, []).append(_Proposal(unit_files, rows.parts[0][3]))
    return read, proposed


def _guess(job: parsing._Job, old_files: dict[str, tuple[str, str]]) -> str:
    """The unit a file most likely belongs to, before reading it: its name's."""
    named = filenames.parse_quarter_path(job.file)
    if named:
        return named[2]
    old = old_files.get(job.file)
    return old[1] if old else ""


def _batches(year: int, as_of: date, jobs: list[tuple[int, parsing._Job]], known: set[str],
             old_files: dict[str, tuple[str, str]]) -> list[_Batch]:
    """The files to parse, a few whole units (by name) a batch, in the order of their first
    files. A unit some file already read belongs to (`known`) is left to the main process."""
    by_guess: dict[str, list[tuple[int, parsing._Job]]] = {}
    for i, job in jobs:
        by_guess.setdefault(_guess(job, old_files), []).append((i, job))
    size = process_pool.batch_size(len(jobs))
    batches, held, units = [], [], set()
    for unit, unit_jobs in by_guess.items():
        held += unit_jobs
        if unit not in known:
            units.add(unit)
        if len(held) >= size:
            batches.append(_Batch(year, as_of, held, frozenset(units)))
            held, units = [], set()
    if held:
        batches.append(_Batch(year, as_of, held, frozenset(units)))
    return batches


def _work_batch(cfg: Config, workbooks_dir: str | Path, batch: _Batch
                ) -> tuple[list[tuple[str, str, bool]], dict[str, tuple]]:
    """Parse a batch's files (in a pool worker, or here): each file's unit, entry text and
    whether it may be cached; and for each of the batch's units, its files and store rows
    (its part, as JSON, among them)."""
    files, by_unit = [], {}
    for i, job in batch.jobs:
        result, text, cacheable = parsing._parsed(cfg, workbooks_dir, job)
        unit = owner(result)
        files.append((unit, text, cacheable))
        by_unit.setdefault(unit, []).append((i, job, result))
    made = {}
    for unit, group in by_unit.items():
        if unit not in batch.units:
            continue
        group.sort(key=lambda g: g[0])  # in the year's order, as the main process would
        unit_files = [(job.file, job.key) for _, job, _ in group]
        _, rows = _work_out(batch.year, unit, part_key(batch.year, batch.as_of, unit_files),
                            unit_files, [r for _, _, r in group], batch.as_of)
        made[unit] = (unit_files, rows)
    return files, made


def _work_out(year: int, unit: str, key: str, files: list[tuple[str, str]],
              results: Sequence[FileResult], as_of: date) -> tuple[Owned, store.UnitRows]:
    """A unit's part of the year from its files' records, and its rows for the store."""
    part = unit_part.part_from_files(year, unit, results, as_of)
    accepted = [r for r in results if r.accepted]
    o = Owned(unit, key, files, [f for r in results for f in r.findings], part)
    rows = store.unit_rows((f for r in accepted for f in r.facts), part.register, part.cases,
                           part.lineage, (year, unit, key, encode(o)))
    return o, rows


def file_order(files: Sequence[str], findings: Iterable[Finding]) -> list[Finding]:
    """Findings read from files, in the order of the files (as one reading of the year gives)."""
    place = {f: i for i, f in enumerate(files)}
    return sorted(findings, key=lambda f: place.get(f.file, len(place)))
