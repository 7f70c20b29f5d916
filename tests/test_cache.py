"""The parse cache: a rerun reads from it, a changed file or configuration is parsed again, a
corrupt entry is ignored, and what comes back equals a fresh parse."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from pipeline.build import checking, outputs_folder
from pipeline.core.findings import Finding
from pipeline.core.records import Application, Case, Fact, Header, Source
from pipeline.speed import cache, parsing, process_pool
from pipeline.workbooks import filenames, folders, layout, reading
from pipeline.workbooks.template import QuarterData, write_workbook
from tests.reading_year import ingest_year

YEAR = 2023


@pytest.fixture
def workbooks(repo_root, tmp_path) -> Path:
    """The committed sample's 2023 first-quarter workbooks (7 files, parsed in-process), plus
    one with typing errors, one that is not a workbook and one in the wrong place."""
    root = tmp_path / "workbooks"
    shutil.copytree(repo_root / "workbooks" / "团结大街街道" / str(YEAR) / "第1季度", root / str(YEAR) / "第1季度")
    return root


@pytest.fixture
def odd_files(workbooks, config) -> Path:
    data = QuarterData(inputs={("disclosure", config.categories[0], ""): "约5",
                               ("article20", "fees", "amount"): 1.5},
                       applications=[{"app_id": "2023-009", "received": date(2023, 2, 1),
                                      "channel": "信函", "applicant_class": "自然人",
                                      "answered": "2023-02-30", "fee": 2}])
    write_workbook(config, filenames.quarter_path(workbooks, YEAR, 2, "青松社区"), "青松社区", YEAR,
                   2, data=data)
    (workbooks / str(YEAR) / "第2季度" / f"{YEAR}年第2季度-明德社区.xlsx").write_bytes(b"not a zip")
    shutil.copy(filenames.quarter_path(workbooks, YEAR, 1, "和顺社区"),
                workbooks / str(YEAR) / "第2季度" / "和顺社区.xlsx")
    return workbooks


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """Every workbook actually parsed (fewer than POOL_MIN_FILES files: in this process)."""
    seen: list[str] = []
    real = reading.ingest_file

    def counting(cfg, workbooks_dir, path):
        seen.append(Path(path).name)
        return real(cfg, workbooks_dir, path)

    monkeypatch.setattr(parsing, "ingest_file", counting)
    return seen


def _entries(cache_dir: Path) -> dict[str, str]:
    """key -> text of the year's cache entries."""
    con = sqlite3.connect(parsing.cache_path(cache_dir, YEAR))
    try:
        return dict(con.execute("SELECT key, entry FROM entries"))
    finally:
        con.close()


def _put(cache_dir: Path, entries: dict[str, str | bytes]) -> None:
    con = sqlite3.connect(parsing.cache_path(cache_dir, YEAR))
    with con:
        con.executemany("UPDATE entries SET entry = ? WHERE key = ?",
                        [(text, key) for key, text in entries.items()])
    con.close()


def _set_cell(path: Path, sheet: str, cell: str, value) -> None:
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


def test_second_run_reads_every_file_from_the_cache(config, workbooks, tmp_path, parses):
    cache_dir = tmp_path / "cache"
    first = ingest_year(config, workbooks, YEAR, cache_dir=cache_dir)
    assert len(parses) == 7
    assert len(_entries(cache_dir)) == 7
    parses.clear()
    second = ingest_year(config, workbooks, YEAR, cache_dir=cache_dir)
    assert parses == []
    assert second == first
    assert len(second.facts) == 7 * 91


def test_cached_results_equal_fresh_ones(config, odd_files, tmp_path):
    fresh = [reading.ingest_file(config, odd_files, p) for p in folders.year_files(odd_files, YEAR)]
    cache_dir = tmp_path / "cache"
    parsing.read_files(config, odd_files, folders.year_files(odd_files, YEAR), cache_dir=cache_dir)
    cached = parsing.read_files(config, odd_files, folders.year_files(odd_files, YEAR),
                               cache_dir=cache_dir)
    assert cached == fresh
    # the odd files are really in there: not readable, wrongly placed, with typing errors
    rules = {f.rule for r in cached for f in r.findings}
    assert {"IN001", "ID101", "IN102", "IN103"} <= rules
    assert [r.header is None for r in cached].count(True) == 1
    # equal is not enough: an amount stays a float, a count an int, lineage cells stay
    typed = {(f.source.sheet, f.source.cell): type(f.value) for r in cached for f in r.facts}
    assert typed == {(f.source.sheet, f.source.cell): type(f.value)
                     for r in fresh for f in r.facts}
    assert float in typed.values() and int in typed.values()
    apps = [a for r in cached for a in r.applications]
    assert apps and apps[0].cells == [a for r in fresh for a in r.applications][0].cells


def test_a_changed_file_is_parsed_again(config, workbooks, tmp_path, parses):
    cache_dir = tmp_path / "cache"
    ingest_year(config, workbooks, YEAR, cache_dir=cache_dir)
    changed = filenames.quarter_path(workbooks, YEAR, 1, "青松社区")
    cell = layout.supervision_grid(config).inputs[0]
    _set_cell(changed, layout.SHEET_SUPERVISION, cell.cell, 42)
    parses.clear()
    result = ingest_year(config, workbooks, YEAR, cache_dir=cache_dir)
    assert parses == [changed.name]
    assert [f.value for f in result.facts if f.unit == "青松社区" and f.key == cell.key] == [42]
    assert len(_entries(cache_dir)) == 7  # the entry of the old content is removed


@pytest.mark.parametrize("damage", [
    b"", b"{not json", b"[]", b'{"format": 1}', b"\xff\xfe\x00",
    "same key, records cut short",
])
def test_a_corrupt_entry_is_ignored(config, workbooks, tmp_path, parses, damage):
    cache_dir = tmp_path / "cache"
    first = ingest_year(config, workbooks, YEAR, cache_dir=cache_dir)
    _put(cache_dir, {key: text.replace('"rows":[[', '"rows":[[1],[', 1)
                     if isinstance(damage, str) else damage
                     for key, text in _entries(cache_dir).items()})
    parses.clear()
    assert ingest_year(config, workbooks, YEAR, cache_dir=cache_dir) == first
    assert len(parses) == 7
    parses.clear()
    ingest_year(config, workbooks, YEAR, cache_dir=cache_dir)
    assert parses == []  # rewritten good entries


@pytest.mark.parametrize("damage", [b"", b"not a database at all" * 100, "folder"])
def test_a_damaged_cache_file_is_started_anew(config, workbooks, tmp_path, parses, damage):
    cache_dir = tmp_path / "cache"
    first = ingest_year(config, workbooks, YEAR, cache_dir=cache_dir)
    path = parsing.cache_path(cache_dir, YEAR)
    path.unlink()
    if damage == "folder":  # cannot be opened at all: nothing is cached, nothing fails
        path.mkdir()
    else:
        path.write_bytes(damage)
    parses.clear()
    assert ingest_year(config, workbooks, YEAR, cache_dir=cache_dir) == first
    assert len(parses) == 7
    parses.clear()
    ingest_year(config, workbooks, YEAR, cache_dir=cache_dir)
    assert len(parses) == (7 if damage == "folder" else 0)


def test_an_entry_of_another_file_is_not_used(config, workbooks, tmp_path, parses):
    """Entries renamed or copied onto another key are a miss (the key is inside)."""
    cache_dir = tmp_path / "cache"
    ingest_year(config, workbooks, YEAR, cache_dir=cache_dir)
    keys, texts = zip(*_entries(cache_dir).items(), strict=True)
    _put(cache_dir, dict(zip(keys, texts[1:] + texts[:1], strict=True)))
    parses.clear()
    ingest_year(config, workbooks, YEAR, cache_dir=cache_dir)
    assert len(parses) == 7


def test_a_configuration_change_invalidates(config, workbooks, tmp_path, parses):
    cache_dir = tmp_path / "cache"
    ingest_year(config, workbooks, YEAR, cache_dir=cache_dir)
    more_units = dataclasses.replace(config, units=(*config.units, "新建社区"))
    parses.clear()
    ingest_year(more_units, workbooks, YEAR, cache_dir=cache_dir)
    assert len(parses) == 7


@pytest.mark.parametrize("name", ["units", "categories", "channels", "interpretation_forms",
                                  "application_channels"])
def test_the_key_covers_every_list_that_shapes_the_workbook(config, name):
    changed = dataclasses.replace(config, **{name: (*getattr(config, name), "新增")})
    assert cache.parse_key(changed, "f.xlsx", "0" * 64) != cache.parse_key(config, "f.xlsx",
                                                                          "0" * 64)


def test_the_key_covers_path_content_and_code_but_not_the_organ(config, monkeypatch):
    key = cache.parse_key(config, "2023/第1季度/a.xlsx", "0" * 64)
    assert cache.parse_key(config, "2023/第2季度/a.xlsx", "0" * 64) != key
    assert cache.parse_key(config, "2023/第1季度/a.xlsx", "1" * 64) != key
    organ = dataclasses.replace(config.organ, name="另一个街道办事处")
    assert cache.parse_key(dataclasses.replace(config, organ=organ), "2023/第1季度/a.xlsx",
                           "0" * 64) == key
    cache._key_base.cache_clear()
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "other parser code")
    try:
        assert cache.parse_key(config, "2023/第1季度/a.xlsx", "0" * 64) != key
    finally:
        cache._key_base.cache_clear()


def test_the_code_fingerprint_covers_the_parser_and_what_it_imports(repo_root):
    modules = cache.parse_modules()
    assert {"pipeline.workbooks.reading", "pipeline.core.normalize", "pipeline.workbooks.layout",
            "pipeline.core.records", "pipeline.core.findings", "pipeline.core.statutory",
            "pipeline.core.config", "pipeline.workbooks.safety",
            "pipeline.speed.cache"} <= set(modules)
    assert not {"pipeline.consolidate.unit_part", "pipeline.report.model",
                "pipeline.build.checking", "pipeline.store"} & set(modules)
    h = hashlib.sha256()
    for name in modules:
        h.update(name.encode())
        path = repo_root.joinpath(*name.split("."))
        h.update((path.with_suffix(".py") if path.with_suffix(".py").is_file()
                  else path / "__init__.py").read_bytes())
    assert cache.code_fingerprint() == h.hexdigest()


def test_the_pool_gives_what_one_process_gives(config, repo_root, tmp_path, monkeypatch):
    """28 files: parsed in a process pool (on a machine with two cores or more)."""
    workbooks = tmp_path / "workbooks"
    shutil.copytree(repo_root / "workbooks" / "团结大街街道" / str(YEAR), workbooks / str(YEAR))
    cache_dir = tmp_path / "cache"
    pooled = ingest_year(config, workbooks, YEAR, cache_dir=cache_dir)
    assert len(_entries(cache_dir)) == 28
    monkeypatch.setattr(process_pool, "POOL_MIN_FILES", 10**6)
    assert process_pool.pool_workers(28) == 0
    assert ingest_year(config, workbooks, YEAR) == pooled
    assert ingest_year(config, workbooks, YEAR, cache_dir=cache_dir) == pooled


def test_pool_size(monkeypatch):
    monkeypatch.setattr(process_pool, "usable_cores", lambda: 4)
    assert [process_pool.pool_workers(n) for n in (1, 15, 16, 24, 32, 1000)] == [0, 0, 2, 3, 4, 4]
    monkeypatch.setattr(process_pool, "usable_cores", lambda: 1)
    assert process_pool.pool_workers(1000) == 0


def test_progress_bar_only_when_asked_and_many_files(config, repo_root, tmp_path, capsys):
    folder = tmp_path / "workbooks" / str(YEAR) / "第1季度"
    folder.mkdir(parents=True)
    one = repo_root / "workbooks" / "团结大街街道" / str(YEAR) / "第1季度" / f"{YEAR}年第1季度-街道本级.xlsx"
    for i in range(process_pool.PROGRESS_MIN_FILES):
        shutil.copy(one, folder / f"{YEAR}年第1季度-单位{i:02d}.xlsx")
    ingest_year(config, tmp_path / "workbooks", YEAR)
    assert "读取报表" not in capsys.readouterr().err  # stderr is not a terminal here
    ingest_year(config, tmp_path / "workbooks", YEAR, progress=True)
    assert "读取报表" in capsys.readouterr().err


def test_check_caches_under_outputs_and_reuses_digests(config, workbooks, tmp_path, parses):
    outputs = tmp_path / "outputs"
    first = checking.check(config, workbooks, outputs, YEAR)
    assert len(_entries(outputs / outputs_folder.CACHE_DIR)) == 7
    parses.clear()
    second = checking.check(config, workbooks, outputs, YEAR)
    assert parses == []
    assert second.findings == first.findings and second.tables == first.tables
    expected = sorted((p.relative_to(workbooks).as_posix(),
                       hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size)
                      for p in workbooks.rglob("*.xlsx"))
    assert sorted(row[:3] for row in second.content.input_files) == expected


def test_a_known_digest_follows_a_changed_file(tmp_path):
    p = tmp_path / "a.xlsx"
    p.write_bytes(b"first")
    assert cache.file_digest(p) == (hashlib.sha256(b"first").hexdigest(), 5)
    p.write_bytes(b"second!")
    assert cache.known_digest(p) == (hashlib.sha256(b"second!").hexdigest(), 7)


def test_records_round_trip_with_their_types():
    src = Source("2023/第1季度/x.xlsx", "主动公开", "B4")
    where = ("2023/第1季度/x.xlsx", "第二十条", "C7")
    facts = [Fact("甲", 2023, 1, "article20", "fees", "amount", 0.0, *where),
             Fact("甲", 2023, 1, "article20", "fees", "amount", 0, *where),
             Fact("甲", 2023, 1, "disclosure", "党建", "", None, None, None, None)]
    apps = [Application("甲", 2023, 1, "1", date(2023, 1, 2), None, "natural",
                        correction_sent=date(2023, 1, 3), extended=True, consult_days=3,
                        fee=1.5, source=src, cells={"received": "B4"}),
            Application("甲", 2023, 1, "2", None, "信函", None)]
    cases = [Case("甲", 2023, 1, "F1", "review", date(2023, 3, 1), None, src)]
    findings = [Finding("IN101", "note", "未填写", unit="甲", file=src.file, year=2023),
                Finding("ID001", "error", "没有数据")]
    result = reading.FileResult(src.file, Header("甲", 2023, 1, "2024.1", src.file), True, facts,
                               apps, cases, findings)
    back = reading.FileResult(**cache.decode_result("k", cache.encode_result("k", result)))
    assert back == result
    assert [type(f.value) for f in back.facts] == [float, int, type(None)]
    assert back.applications[0].cells == {"received": "B4"}
    empty = reading.FileResult("y.xlsx")
    assert reading.FileResult(**cache.decode_result("k", cache.encode_result("k", empty))) == empty
    with pytest.raises(ValueError):
        cache.decode_result("other key", cache.encode_result("k", result))


def test_no_pickle_anywhere(repo_root):
    """Cache entries and pool results are JSON text: nothing that can run code on loading."""
    users = [p.name for p in (repo_root / "pipeline").rglob("*.py")
             if "pickle" in p.read_text(encoding="utf-8")]
    assert users == []
