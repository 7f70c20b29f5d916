"""The parse cache: each workbook's records, kept under outputs/cache/ by what they depend on.

Re-running after one cell was fixed re-reads that one file; every other file's records come back
from a JSON entry (JSON, so a cache entry can never run code). The key covers everything that
shapes the parse: the file's bytes and its path relative to the workbooks folder (identity and
lineage depend on it), the xxgk version and the source of the parsing modules, the template
version, and the configuration lists the workbook is laid out from. An entry that is missing,
unreadable, corrupt or for another key is a miss, never an error.

A year's entries live in one SQLite file (outputs/cache/<year>.sqlite): on an ordinary disk,
creating a thousand small files costs a fifth as much as parsing them.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import itertools
import json
import operator
import os
import sqlite3
import sys
import typing
from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import date
from pathlib import Path

from pipeline import __version__
from pipeline.core.config import Config
from pipeline.core.findings import Finding
from pipeline.core.records import Application, Case, Fact, Header, Source
from pipeline.workbooks import layout

FORMAT = 1  # bump when the layout of an entry changes


SOURCE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the package


# The parser, and this module (its codec shapes an entry): they and every package module they
# import shape a cached parse.
PARSER = ("pipeline.workbooks.reading", __name__)


# Absolute path -> (stat signature, sha256, size) of the last time the file was read here.
_DIGESTS: dict[str, tuple[tuple[int, int, int, int], str, int]] = {}


def _abs(path: str | Path) -> str:
    """A file's key in _DIGESTS: its absolute path. Paths found under an absolute folder are
    absolute already and taken as they are (os.path.abspath costs ~2 µs, three times a file
    a run); one path spelled two ways is only hashed twice."""
    path = os.fspath(path)
    return path if os.path.isabs(path) else os.path.abspath(path)


def _signature(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size


def file_digest(path: str | Path) -> tuple[str, int]:
    """(sha256, size) of a file, read now; remembered for `known_digest`."""
    path = _abs(path)
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        data = fh.read()
    sha = hashlib.sha256(data).hexdigest()
    _DIGESTS[path] = (_signature(st), sha, len(data))
    return sha, len(data)


def known_digest(path: str | Path) -> tuple[str, int]:
    """(sha256, size), without reading the file again when it was hashed already (by this
    process, or by an earlier run, see `remember`) and has not changed since (same device,
    inode, size and modification time)."""
    known = _DIGESTS.get(_abs(path))
    if known is not None and known[0] == _signature(os.stat(path)):
        return known[1], known[2]
    return file_digest(path)


def signed_digest(path: str | Path, *, checked: bool = False
                  ) -> tuple[str, int, tuple[int, int, int, int]]:
    """(sha256, size, signature) as known_digest; the signature is that of the content
    hashed (device, inode, modification time in ns, size). `checked`: known_digest was
    called on the file moments ago, take what it found."""
    known = _DIGESTS.get(_abs(path)) if checked else None
    if known is None:
        known_digest(path)
        known = _DIGESTS[_abs(path)]
    return known[1], known[2], known[0]


def remember(path: str | Path, signature: tuple[int, int, int, int], sha256: str) -> None:
    """What an earlier run found a file's content to be when it had this signature."""
    _DIGESTS[_abs(path)] = (tuple(signature), sha256, signature[3])


def _imported(tree: ast.Module) -> set[str]:
    """Dotted names a module imports from the package (`from pipeline.x import y` gives
    pipeline.x and pipeline.x.y, since y may be a module; `import pipeline.x`)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module and \
                node.module.split(".")[0] == "pipeline":
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.split(".")[0] == "pipeline")
    return names


def module_file(name: str) -> Path | None:
    """The source file of a package module (dotted name), None for a name that is not one."""
    base = SOURCE_ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


@functools.cache
def parse_modules(*roots: str) -> tuple[str, ...]:
    """Modules (the parser and this cache's codec by default) and every package module they
    import, directly or not, sorted."""
    found: set[str] = set()
    todo = list(roots or PARSER)
    while todo:
        name = todo.pop()
        path = module_file(name)
        if name in found or path is None:
            continue
        found.add(name)
        todo += _imported(ast.parse(path.read_bytes()))
    return tuple(sorted(found))


@functools.cache
def code_fingerprint(*roots: str) -> str:
    """sha256 over the source of parse_modules(*roots): entries of a changed parser are not
    reused."""
    h = hashlib.sha256()
    for name in parse_modules(*roots):
        h.update(name.encode())
        h.update(module_file(name).read_bytes())
    return h.hexdigest()


@functools.cache
def _key_base(cfg: Config):
    """The part of every key that does not depend on the file (hashed once per run)."""
    parts = [FORMAT, __version__, code_fingerprint(), layout.TEMPLATE_VERSION, cfg.units,
             cfg.categories, cfg.channels, cfg.interpretation_forms, cfg.application_channels]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode())


def parse_key(cfg: Config, file: str, sha256: str) -> str:
    """The cache key of one workbook's parse (`file` relative to the workbooks folder)."""
    h = _key_base(cfg).copy()
    h.update(json.dumps([file, sha256], ensure_ascii=False).encode())
    return h.hexdigest()


_SOURCE_PARTS = tuple(f.name for f in fields(Source))


_SOURCE_VALUES = operator.attrgetter(*_SOURCE_PARTS)


class _Codec:
    """A list of records of one class as JSON, compactly and without per-record objects.

    A record is a flat row of its fields in order (a Source as its parts, a date as ISO text);
    a column every row of the list shares (unit, year, quarter, file) is written once. Which
    fields are dates or Sources comes from the class's type hints, so new fields need no code.
    """

    def __init__(self, cls: type):
        self.cls = cls
        hints = typing.get_type_hints(cls)
        self.names = (cls._fields if issubclass(cls, tuple)  # a NamedTuple
                      else tuple(f.name for f in fields(cls)))
        self.kinds = tuple("source" if _has(hints[n], Source) else
                           "date" if _has(hints[n], date) else "plain" for n in self.names)
        self.width = sum(len(_SOURCE_PARTS) if k == "source" else 1 for k in self.kinds)
        self.values = operator.attrgetter(*self.names)
        self.date_fields = [i for i, k in enumerate(self.kinds) if k == "date"]
        self.source_fields = [i for i, k in enumerate(self.kinds) if k == "source"]
        # A NamedTuple of plain fields only is its row, and is made from it by tuple.__new__
        # (C, where NamedTuple._make is Python); other records are made from their fields'
        # columns, runs of plain fields taken as one slice.
        self.whole = (functools.partial(tuple.__new__, cls)
                      if issubclass(cls, tuple) and set(self.kinds) == {"plain"} else None)
        self.segments: list[tuple[str, int, int]] = []
        col = 0
        for kind in self.kinds:
            span = len(_SOURCE_PARTS) if kind == "source" else 1
            if kind == "plain" and self.segments and self.segments[-1][0] == "plain":
                self.segments[-1] = ("plain", self.segments[-1][1], col + 1)
            else:
                self.segments.append((kind, col, col + span))
            col += span

    def _flat(self, obj) -> list:
        row = list(self.values(obj))
        for i in self.date_fields:
            if row[i] is not None:
                row[i] = row[i].isoformat()
        for i in reversed(self.source_fields):  # from the right: flattening shifts columns
            v = row[i]
            row[i:i + 1] = (None,) * len(_SOURCE_PARTS) if v is None else _SOURCE_VALUES(v)
        return row

    def encode(self, records) -> dict:
        rows = list(records) if self.whole else [self._flat(r) for r in records]
        columns = list(zip(*rows, strict=True))
        same = [j for j, column in enumerate(columns) if _constant(column)]
        vary = [j for j in range(self.width) if j not in same]
        pick = operator.itemgetter(*vary) if len(vary) > 1 else None
        # rows as tuples: JSON writes them as it writes lists
        return {"same": [[j, columns[j][0]] for j in same],
                "rows": (list(map(pick, rows)) if pick else [[r[j] for j in vary] for r in rows])}

    def decode(self, block: Mapping) -> list:
        rows = block["rows"]
        same = {j: v for j, v in block["same"]}
        if not all(isinstance(j, int) and 0 <= j < self.width for j in same):
            raise ValueError("bad column")
        if not rows:
            return []
        vary = [j for j in range(self.width) if j not in same]
        # Column by column: interning and making records run in C, not once per value
        found = list(zip(*rows, strict=True))  # ValueError when rows differ in length
        if len(found) != len(vary):
            raise ValueError("bad row")
        varying = dict(zip(vary, map(_shared_column, found), strict=True))
        columns = [itertools.repeat(_shared(same[j]), len(rows)) if j in same else varying[j]
                   for j in range(self.width)]
        if self.whole:
            return list(map(self.whole, zip(*columns, strict=True)))
        args: list = []
        for kind, a, b in self.segments:
            if kind == "plain":
                args += columns[a:b]
            elif kind == "date":
                args.append(map(_date, columns[a]))
            else:
                args.append(map(_source, *columns[a:b]))
        return list(map(self.cls, *args))


def _shared(value):
    """One string object for every equal text (categories, sheets, cells repeat in every file):
    at 10,000 files the records take a third less memory."""
    return sys.intern(value) if type(value) is str else value


def _shared_column(values: tuple) -> tuple:
    """_shared of each value of a column."""
    if type(values[0]) is str:
        try:
            return _shared_texts(values)
        except TypeError:  # texts and None
            pass
    return tuple([sys.intern(v) if type(v) is str else v for v in values])


@functools.lru_cache(maxsize=1024)
def _shared_texts(values: tuple[str, ...]) -> tuple[str, ...]:
    """_shared of a column of texts. Most come back file after file (cells, categories,
    sheets): one look-up a column then, not one a text."""
    return tuple(map(sys.intern, values))


def _date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _source(file: str | None, sheet: str | None, cell: str | None) -> Source | None:
    return None if file is None else Source(file, sheet, cell)


def _constant(column: tuple) -> bool:
    """Every value the same, of the same type (0 and 0.0 are not the same here). Counted in
    C, where a generator costs ~2 µs a column; `count` takes a value as equal to itself,
    which only differs from == for NaN, and no record holds one."""
    return column.count(column[0]) == len(column) and len(set(map(type, column))) == 1


def _has(hint, cls: type) -> bool:
    return hint is cls or cls in typing.get_args(hint)


FINDINGS = _Codec(Finding)


HEADERS = _Codec(Header)


_RECORDS = {"facts": _Codec(Fact), "applications": _Codec(Application),
            "cases": _Codec(Case), "findings": FINDINGS}


# Made once: json.dumps with options makes a new encoder every call.
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode_result(key: str, result) -> str:
    """A FileResult (pipeline.workbooks.reading) as the JSON text of its entry, tagged with its key."""
    header = [] if result.header is None else [result.header]
    return _JSON.encode({"format": FORMAT, "key": key, "file": result.file,
                         "accepted": result.accepted, "header": HEADERS.encode(header),
                         **{name: codec.encode(getattr(result, name))
                            for name, codec in _RECORDS.items()}})


def decode_result(key: str, text: str | bytes) -> dict[str, object]:
    """The fields of a FileResult from an entry's JSON text; ValueError (or KeyError,
    TypeError) when it is not a complete entry for this key."""
    data = json.loads(text)
    if data.get("format") != FORMAT or data.get("key") != key:
        raise ValueError("other format or key")
    if not isinstance(data["accepted"], bool) or not isinstance(data["file"], str):
        raise ValueError("bad entry")
    header = HEADERS.decode(data["header"])
    if len(header) > 1:
        raise ValueError("two headers")
    return {"file": data["file"], "accepted": data["accepted"],
            "header": header[0] if header else None,
            **{name: codec.decode(data[name]) for name, codec in _RECORDS.items()}}


def load(text: str | bytes | None, key: str) -> dict[str, object] | None:
    """The fields of a FileResult from an entry's text, or None when it is not a usable
    entry for this key."""
    if text is None:
        return None
    try:
        return decode_result(key, text)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


class Entries:
    """A year's entries in one SQLite file, written in one transaction a run. A file that is
    damaged or of another layout is started anew; one that cannot be opened or written caches
    nothing (a cache only saves parsing)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.con = self._open()

    def _open(self) -> sqlite3.Connection | None:
        for _ in range(2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                con = sqlite3.connect(self.path, isolation_level=None)
            except (OSError, sqlite3.Error):
                return None
            try:
                con.execute("PRAGMA synchronous = OFF")  # a lost entry only costs a parse
                con.execute("CREATE TABLE IF NOT EXISTS entries "
                            "(key TEXT PRIMARY KEY, entry TEXT) WITHOUT ROWID")
                con.execute("SELECT key, entry FROM entries LIMIT 1").fetchall()
                return con
            except sqlite3.Error:
                con.close()
                self._remove()
        return None

    def _remove(self) -> None:
        for p in (self.path, Path(f"{self.path}-journal")):
            try:
                p.unlink(missing_ok=True)
            except OSError:
                pass

    def _failed(self) -> None:
        """Damaged while in use: let go of it, and start anew next run."""
        if self.con is not None:
            self.con.close()
            self.con = None
        self._remove()

    def get(self, keys: Iterable[str]) -> dict[str, str]:
        """The stored texts of those keys that have one."""
        keys = list(keys)
        out: dict[str, str] = {}
        if self.con is None:
            return out
        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                out.update(self.con.execute(
                    f"SELECT key, entry FROM entries WHERE key IN ({','.join('?' * len(chunk))})",
                    chunk))
        except sqlite3.Error:
            self._failed()
            return {}
        return {k: v for k, v in out.items() if isinstance(v, str)}

    def add(self, key: str, text: str) -> None:
        """Store an entry (as part of the transaction `commit` ends): written as parses come
        in, so that a city's entries never wait in memory."""
        if self.con is None:
            return
        try:
            if not self.con.in_transaction:
                self.con.execute("BEGIN IMMEDIATE")
            self.con.execute("INSERT OR REPLACE INTO entries VALUES (?, ?)", (key, text))
        except sqlite3.Error:
            self._failed()

    def commit(self, keep: Iterable[str]) -> None:
        """Keep the added entries, and remove every other entry but those of `keep` (entries
        of files no longer there, or of their earlier contents)."""
        if self.con is None:
            return
        try:
            if not self.con.in_transaction:
                self.con.execute("BEGIN IMMEDIATE")
            self.con.execute("CREATE TEMP TABLE keep (key TEXT PRIMARY KEY)")
            self.con.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((k,) for k in keep))
            self.con.execute("DELETE FROM entries WHERE key NOT IN (SELECT key FROM keep)")
            self.con.execute("DROP TABLE keep")
            self.con.execute("COMMIT")
        except sqlite3.Error:
            self._failed()

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def __enter__(self) -> Entries:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
