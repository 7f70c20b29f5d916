"""The year store: one SQLite file under outputs/, made from the inputs on every run.

It is never the source of truth (the workbooks are). Notebooks read it, not the workbooks. It
holds no personal field: applications and cases are stored by ID, class, dates and outcome only.

A first run writes a new file and renames it into place. A rerun by the same xxgk with the same
configuration updates it in one transaction instead: the rows of units whose workbooks did not
change stay, everything else is replaced (see pipeline.speed.incremental); a killed update is rolled
back by SQLite. Either way the content is that of a complete rebuild (see Writer).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from pipeline.core.atomic import atomic_path
from pipeline.core.findings import Finding
from pipeline.core.model import YearTables
from pipeline.core.numbers import as_stored
from pipeline.core.records import Application, Case, Fact, Lineage, Submission

SCHEMA = """
CREATE TABLE runs (run_id INTEGER PRIMARY KEY, started TEXT, finished TEXT, version TEXT,
                   report_year INTEGER, command TEXT);
CREATE TABLE input_files (path TEXT PRIMARY KEY, sha256 TEXT, size INTEGER,
                          device INTEGER, inode INTEGER, mtime_ns INTEGER);
CREATE TABLE years (year INTEGER PRIMARY KEY, source TEXT);  -- 'workbooks' | 'published'
CREATE TABLE table_cells (year INTEGER, tbl TEXT, row_key TEXT, col_key TEXT, value REAL,
                          PRIMARY KEY (year, tbl, row_key, col_key));
CREATE TABLE figures (year INTEGER, key TEXT, value REAL, PRIMARY KEY (year, key));
CREATE TABLE facts (year INTEGER, unit TEXT, quarter INTEGER, topic TEXT, key TEXT, dim TEXT,
                    value REAL, file TEXT, sheet TEXT, cell TEXT);
CREATE TABLE applications (year INTEGER, unit TEXT, quarter INTEGER, app_id TEXT,
                           received TEXT, channel TEXT, applicant_class TEXT,
                           correction_sent TEXT, correction_received TEXT, extended INTEGER,
                           consult_days INTEGER, answered TEXT, outcome TEXT, fee REAL,
                           working_days INTEGER, on_time INTEGER, file TEXT, sheet TEXT,
                           cell TEXT);
CREATE TABLE cases (year INTEGER, unit TEXT, quarter INTEGER, case_id TEXT, kind TEXT,
                    received TEXT, result TEXT, file TEXT, sheet TEXT, cell TEXT);
CREATE TABLE findings (year INTEGER, rule TEXT, severity TEXT, unit TEXT, file TEXT,
                       sheet TEXT, cell TEXT, message TEXT);
-- status: pipeline.review.returns (missing | untouched | filling | confirmed | errors); the officer's
-- name and phone are the office's own data, shown by `xxgk status`, never in the outputs.
CREATE TABLE submissions (year INTEGER, unit TEXT, quarter INTEGER, file TEXT, status TEXT,
                          rejected TEXT, officer TEXT, officer_phone TEXT, confirmed_on TEXT,
                          declaration TEXT);
CREATE TABLE paragraphs (year INTEGER, key TEXT, text TEXT, file TEXT, sheet TEXT, cell TEXT);
CREATE TABLE lineage (year INTEGER, tbl TEXT, row_key TEXT, col_key TEXT, unit TEXT,
                      quarter INTEGER, file TEXT, sheet TEXT, cell TEXT, value REAL);
-- Sums of the filled facts of a year (what the figures and the report text add up); items
-- per channel are summed over all categories (key '').
CREATE TABLE fact_sums (year INTEGER, topic TEXT, key TEXT, dim TEXT, value REAL,
                        PRIMARY KEY (year, topic, key, dim));
-- For reruns (pipeline.speed.incremental): each unit's part of a year, and what the store was made by.
CREATE TABLE unit_parts (year INTEGER, unit TEXT, key TEXT, part TEXT,
                         PRIMARY KEY (year, unit));
CREATE TABLE state (item TEXT PRIMARY KEY, value TEXT);
"""


# A rerun deletes the rows of the units it works out again (made once the rows are in).
INDEXES = """
CREATE INDEX facts_by_unit ON facts (year, unit);
CREATE INDEX lineage_by_unit ON lineage (year, unit);
"""


FORMAT = 3  # PRAGMA user_version of a store this xxgk writes and updates


# Rows that belong to one unit of one year; a rerun keeps those of units that did not change.
UNIT_TABLES = ("facts", "lineage", "applications", "cases", "unit_parts")


# Everything else is written anew on every run.
RUN_TABLES = ("runs", "input_files", "years", "table_cells", "figures", "findings",
              "submissions", "paragraphs", "fact_sums", "state")


@dataclass
class StoreContent:
    """What one run writes to the store besides the units' rows, which a run puts in unit by
    unit (Writer.put); records given here are written by write_store, for a store made whole
    from records."""

    years: list[YearTables] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    # path, sha256, size, device, inode, mtime_ns
    input_files: list[tuple[str, str, int, int, int, int]] = field(default_factory=list)
    fact_sums: list[tuple[int, str, str, str, int | float]] = field(default_factory=list)
    state: dict[str, str] = field(default_factory=dict)
    # None: a new store. Else, per year, the units whose rows the store keeps from the run
    # before (every row of any other unit or year is replaced).
    kept: dict[int, set[str]] | None = None
    # The office's own report text for a year: (year, key, text, file, sheet, cell).
    paragraphs: list[tuple[int, str, str, str, str, str]] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    applications: list[tuple[Application, int | None, bool | None]] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    lineage: list[Lineage] = field(default_factory=list)


def _d(v):
    return v.isoformat() if v is not None else None


def _src(s):
    return (s.file, s.sheet, s.cell) if s is not None else (None, None, None)


class UnitRows(NamedTuple):
    """One unit's rows of a year, as the store's tables hold them (see unit_rows); plain
    tuples, so that a pool worker sends them cheaply."""

    facts: list[tuple]
    lineage: list[tuple]
    applications: list[tuple]
    cases: list[tuple]
    parts: list[tuple]  # its unit_parts row: (year, unit, key, part as JSON)


def unit_rows(facts: Iterable[Fact], register: Iterable[tuple[Application, int | None,
                                                                   bool | None]],
              cases: Iterable[Case], lineage: Iterable[Lineage],
              part: tuple[int, str, str, str] | None = None) -> UnitRows:
    return UnitRows(
        [tuple(f) for f in facts],
        [(x.year, x.tbl, x.row_key, x.col_key, x.unit, x.quarter, x.file, x.sheet, x.cell,
          x.value) for x in lineage],
        [(a.year, a.unit, a.quarter, a.app_id, _d(a.received), a.channel, a.applicant_class,
          _d(a.correction_sent), _d(a.correction_received), int(a.extended), a.consult_days,
          _d(a.answered), a.outcome, a.fee, wd, None if on_time is None else int(on_time),
          *_src(a.source)) for a, wd, on_time in register],
        [(k.year, k.unit, k.quarter, k.case_id, k.kind, _d(k.received), k.result,
          *_src(k.source)) for k in cases],
        [] if part is None else [part])


_INSERT = {"facts": f"INSERT INTO facts ({', '.join(Fact._fields)}) VALUES "
                    f"({', '.join('?' * len(Fact._fields))})",
           "lineage": "INSERT INTO lineage VALUES (?,?,?,?,?,?,?,?,?,?)",
           "applications": "INSERT INTO applications VALUES "
                           "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
           "cases": "INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?)",
           "parts": "INSERT INTO unit_parts VALUES (?, ?, ?, ?)"}


class Writer:
    """The store as one run writes it. Units' rows go in while the run is still reading the
    workbooks (put), so that writing them overlaps parsing; the run's own tables and the
    commit come last (finish). A new store is a temp file renamed into place once complete;
    an update (a rerun by the same xxgk and configuration, see pipeline.speed.incremental) is one
    transaction on the store: the rows of the units put replace theirs, the rows of units
    that are neither put nor kept are deleted, and a killed update is rolled back by SQLite.
    Either way the content is that of a complete rebuild."""

    def __init__(self, path: str | Path, *, update: bool):
        self.path = Path(path)
        self.update = update
        self._stack = ExitStack()
        self._put: set[tuple[int, str]] = set()
        try:
            self._open()
        except BaseException:
            self._stack.close()  # let go of what was opened
            raise

    def _open(self) -> None:
        if self.update:
            self.con = sqlite3.connect(self.path, isolation_level=None)
            # Reruns rebuild a store that is never the source of truth: a crash of the
            # machine costs at worst a new one; a killed process is rolled back.
            self.con.execute("PRAGMA synchronous = OFF")
        else:
            tmp = self._stack.enter_context(atomic_path(self.path))
            tmp.unlink()
            self.con = sqlite3.connect(tmp, isolation_level=None)
            # A new file renamed into place only once complete: no journal needed.
            self.con.execute("PRAGMA journal_mode = OFF")
            self.con.execute("PRAGMA synchronous = OFF")
            # Pages kept in memory while a city's million rows go in (~10% faster at 10,000
            # workbooks, and the index at the end; SQLite's default is 2 MB).
            self.con.execute("PRAGMA cache_size = -65536")
            self.con.executescript(SCHEMA)
            self.con.execute(f"PRAGMA user_version = {FORMAT}")
        self._stack.callback(self.con.close)
        self.con.execute("BEGIN IMMEDIATE")

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()  # unfinished: the temp file is removed, an update rolled back

    def put(self, year: int, unit: str, rows: UnitRows) -> None:
        """Rows of one unit of a year (more may follow); in an update, the unit's rows from
        the run before go first."""
        if self.update and (year, unit) not in self._put:
            self.drop(year, unit)
        self._put.add((year, unit))
        self.insert(rows)

    def drop(self, year: int, unit: str) -> None:
        """Every row of one unit of a year (a new store has no index on facts and lineage
        until finished: each table is searched once)."""
        for table in UNIT_TABLES:
            self.con.execute(f"DELETE FROM {table} WHERE year = ? AND unit = ?", (year, unit))

    def insert(self, rows: UnitRows) -> None:
        """Rows of any units (for a new store; an update takes them through put)."""
        for table, values in zip(rows._fields, rows, strict=True):
            if values:
                self.con.executemany(_INSERT[table], values)

    def finish(self, content: StoreContent, *, version: str, report_year: int, command: str,
               started: datetime,
               review: Callable[[sqlite3.Connection], list[Finding]] | None = None) -> None:
        """Write the run's tables and commit. In an update, `content.kept` says per year which
        units keep their rows from the run before (the units put have theirs already).

        `review`, if given, reads the filled store before it is committed and returns further
        findings (the report text is reviewed this way); they are stored and added to content."""
        if self.update:
            self._forget(content.kept or {})
        _fill_run(self.con, content, version, report_year, command, started, review)
        self.con.execute("COMMIT")
        if not self.update:
            self.con.executescript(INDEXES)
        self._stack.close()
        # The journal of an update killed midway belongs to the old file: left beside the new
        # one, SQLite would roll it back into it.
        if not self.update:
            Path(f"{self.path}-journal").unlink(missing_ok=True)

    def _forget(self, kept: dict[int, set[str]]) -> None:
        """Delete the rows of every unit that is neither kept nor put (every unit with rows
        has its part in unit_parts), and the run's tables."""
        present = self.con.execute("SELECT year, unit FROM unit_parts").fetchall()
        dropped = [(y, u) for y, u in present
                   if y in kept and u not in kept[y] and (y, u) not in self._put]
        years = [(y,) for y in {y for y, _ in present} - set(kept)]
        for table in UNIT_TABLES:
            self.con.executemany(f"DELETE FROM {table} WHERE year = ?", years)
            self.con.executemany(f"DELETE FROM {table} WHERE year = ? AND unit = ?", dropped)
        for table in RUN_TABLES:
            self.con.execute(f"DELETE FROM {table}")


def write_store(path: str | Path, content: StoreContent, *, version: str, report_year: int,
                command: str, started: datetime,
                review: Callable[[sqlite3.Connection], list[Finding]] | None = None) -> None:
    """A new store holding `content` (its records, of any units) and the run's tables."""
    with Writer(path, update=False) as writer:
        writer.insert(unit_rows(content.facts, content.applications, content.cases,
                                content.lineage))
        writer.finish(content, version=version, report_year=report_year, command=command,
                      started=started, review=review)


def _fill_run(con, content, version, report_year, command, started, review) -> None:
    _fill(con, content)
    if review is not None:
        more = review(con)
        _insert_findings(con, more)
        content.findings.extend(more)
    con.execute("INSERT INTO runs VALUES (1, ?, ?, ?, ?, ?)",
                (started.isoformat(timespec="seconds"),
                 datetime.now().isoformat(timespec="seconds"), version, report_year, command))


def _fill(con: sqlite3.Connection, c: StoreContent) -> None:
    con.executemany("INSERT INTO input_files VALUES (?, ?, ?, ?, ?, ?)", c.input_files)
    con.executemany("INSERT INTO fact_sums VALUES (?, ?, ?, ?, ?)", c.fact_sums)
    con.executemany("INSERT INTO state VALUES (?, ?)", c.state.items())
    for y in c.years:
        con.execute("INSERT INTO years VALUES (?, ?)", (y.year, y.source))
        for tbl in ("A", "B", "C"):
            con.executemany("INSERT INTO table_cells VALUES (?, ?, ?, ?, ?)",
                            ((y.year, tbl, r, col, v) for (r, col), v in y.table(tbl).items()))
        con.executemany("INSERT INTO figures VALUES (?, ?, ?)",
                        ((y.year, k, v) for k, v in y.figures.items()))
    _insert_findings(con, c.findings)
    con.executemany("INSERT INTO submissions VALUES (?,?,?,?,?,?,?,?,?,?)", [
        (s.year, s.unit, s.quarter, s.file, s.status, s.rejected, s.officer, s.officer_phone,
         _d(s.confirmed_on), s.declaration) for s in c.submissions])
    con.executemany("INSERT INTO paragraphs VALUES (?,?,?,?,?,?)", c.paragraphs)


def _insert_findings(con: sqlite3.Connection, findings: list[Finding]) -> None:
    con.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?,?,?)", [
        (f.year, f.rule, f.severity, f.unit, f.file, f.sheet, f.cell, f.message)
        for f in findings])


def connect(path: str | Path) -> sqlite3.Connection:
    """Open the store read-only; a missing store is a clear error, not an empty database."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"找不到数据库 {path}，请先运行 xxgk build 或 xxgk check。")
    uri = f"file:{path.resolve()}"
    if Path(f"{path}-journal").exists():  # an update was killed: undo it (needs write access)
        con = sqlite3.connect(f"{uri}?mode=rw", uri=True)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    return sqlite3.connect(f"{uri}?mode=ro", uri=True)


def _cell_value(v):
    """SQLite keeps every value REAL: counts come back as ints, a blank cell as None."""
    return None if v is None else as_stored(v)


def read_years(con: sqlite3.Connection) -> dict[int, str]:
    return dict(con.execute("SELECT year, source FROM years ORDER BY year"))


def read_tables(con: sqlite3.Connection, year: int) -> YearTables | None:
    """The three tables and the figures of one year, or None if the store has no such year."""
    row = con.execute("SELECT source FROM years WHERE year = ?", (year,)).fetchone()
    if row is None:
        return None
    y = YearTables(year, row[0])
    for tbl, r, col, v in con.execute(
            "SELECT tbl, row_key, col_key, value FROM table_cells WHERE year = ?", (year,)):
        y.table(tbl)[(r, col)] = _cell_value(v)
    y.figures = {k: _cell_value(v) for k, v in con.execute(
        "SELECT key, value FROM figures WHERE year = ?", (year,))}
    return y


def read_lineage(con: sqlite3.Connection, year: int, *, nonzero: bool = False
                 ) -> list[Lineage]:
    """The year's lineage rows (only those with a non-zero value when `nonzero`), in an order
    that does not depend on the order the store keeps them in (an updated store appends the
    rows of the units it worked out again), so sums of decimal amounts come out the same."""
    where = "year = ? AND value <> 0" if nonzero else "year = ?"
    return [Lineage(*row[:-1], _cell_value(row[-1])) for row in con.execute(
        "SELECT year, tbl, row_key, col_key, unit, quarter, file, sheet, cell, value "
        f"FROM lineage WHERE {where} "
        "ORDER BY tbl, row_key, col_key, file, sheet, cell, unit, quarter, value", (year,))]


def read_findings(con: sqlite3.Connection, year: int | None = None) -> list[Finding]:
    q = "SELECT rule, severity, message, unit, file, sheet, cell, year FROM findings"
    args: Iterable = ()
    if year is not None:
        q += " WHERE year = ?"
        args = (year,)
    return [Finding(*r) for r in con.execute(q, args)]


def read_state(path: str | Path) -> tuple[dict[str, str], list[tuple], list[tuple]] | None:
    """(state, input_files rows, unit_parts rows) of a store this xxgk can update; None when
    there is none, or it is of another format, unreadable or damaged (a new one is written)."""
    try:  # read-write: a killed update's journal is rolled back first
        con = sqlite3.connect(f"file:{Path(path).resolve()}?mode=rw", uri=True)
    except sqlite3.Error:
        return None
    try:
        if con.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
            return None
        state = dict(con.execute("SELECT item, value FROM state"))
        files = con.execute("SELECT * FROM input_files").fetchall()
        parts = con.execute("SELECT year, unit, key, part FROM unit_parts").fetchall()
    except sqlite3.Error:
        return None
    finally:
        con.close()
    return state, files, parts


def read_submissions(con: sqlite3.Connection, year: int) -> list[Submission]:
    """The year's expected returns and their states, in the order they were written."""
    rows = con.execute(
        "SELECT year, unit, quarter, file, status, rejected, officer, officer_phone, confirmed_on, "
        "declaration FROM submissions WHERE year = ? ORDER BY rowid", (year,))
    return [Submission(*r[:8], None if r[8] is None else date.fromisoformat(r[8]), r[9])
            for r in rows]


def count_errors(con: sqlite3.Connection, year: int) -> int:
    """Error findings of the years up to `year` (and of none), as a run up to it found them."""
    return con.execute("SELECT count(*) FROM findings WHERE severity = 'error' "
                       "AND (year IS NULL OR year <= ?)", (year,)).fetchone()[0]


def read_paragraphs(con: sqlite3.Connection, year: int) -> dict[str, str]:
    return dict(con.execute("SELECT key, text FROM paragraphs WHERE year = ?", (year,)))
