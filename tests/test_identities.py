"""Identities that only look equal: application IDs and unit names written with full-width
forms, compatibility ideographs or invisible characters; and one application registered by
two units."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from pipeline.build import checking, outputs_folder
from pipeline.cli.main import main
from pipeline.core import normalize
from pipeline.core.config import ConfigError, load_config
from pipeline.core.records import Application, Header, Source
from pipeline.speed import cache
from pipeline.workbooks import filenames, layout
from pipeline.workbooks.reading import ingest_file
from pipeline.workbooks.template import QuarterData, write_workbook
from tests.consolidation import consolidate_year
from tests.reading_year import ingest_year
from tests.shared import copy_tree

APPS = layout.SHEET_APPLICATIONS
OK = {"received": date(2023, 4, 3), "applicant_class": "自然人"}


def _found(result):
    """A file's findings but the notes on grid cells left blank (the tests fill none)."""
    return [f for f in result.findings if f.rule != "IN101"]


def _write(config, root, unit, year=2023, quarter=2, data=None, path_unit=None):
    path = filenames.quarter_path(root, year, quarter, path_unit or unit)
    return write_workbook(config, path, unit, year, quarter, data=data)


# --- The normaliser ----------------------------------------------------------------------------

def test_invisible_characters_are_found_with_position_and_name():
    assert normalize.invisible("2024-001") == []
    assert normalize.invisible("青松社区") == []
    found = normalize.invisible("\ufeff青松\u3164社区\u00ad")
    assert found == [(1, "\ufeff"), (4, "\u3164"), (7, "\u00ad")]
    assert normalize.describe_invisible(found) == (
        "U+FEFF 零宽不换行空格（BOM）（第1个字符）、U+3164 韩文填充符（第4个字符）、"
        "U+00AD 软连字符（第7个字符）")
    # every kind people paste in: zero-width ones, joiners, fillers, other format characters
    for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u3164\u115f\uffa0\u2063\u202e\ufe0f":
        assert normalize.invisible(f"社{ch}区") == [(2, ch)], hex(ord(ch))
    assert normalize.describe_invisible([(3, "\u200b")]) == "U+200B 零宽空格（第3个字符）"
    assert normalize.describe_invisible([(1, "\u2063")]) == "U+2063 不可见的格式字符（第1个字符）"


def test_identity_form_folds_width_compatibility_forms_and_invisible_characters():
    assert normalize.identity("２０２４－００１") == "2024-001"
    assert normalize.identity("2024\u200b-\u2060001") == "2024-001"
    assert normalize.identity("青松\ufa4c区") == "青松社区"       # U+FA4C, a compatibility 社
    assert normalize.identity("\U0002f800\uf900") == "丽豈"       # U+2F800 and U+F900
    assert normalize.identity("和顺社区（一）") == "和顺社区(一)"
    assert normalize.identity("A-1") == "A-1" and normalize.identity("a-1") != "A-1"


# --- The configuration -------------------------------------------------------------------------

def _config_text(repo_root: Path, tmp_path: Path, old: str, new: str) -> Path:
    text = (repo_root / "tests" / "single_organ.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "xxgk.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_unit_name_holding_an_invisible_character_is_refused(repo_root, tmp_path, capsys):
    path = _config_text(repo_root, tmp_path, '"青松社区"', '"青松\u200b社区"')
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    message = str(exc.value)
    assert "“青松\u200b社区”" in message and "U+200B 零宽空格（第3个字符）" in message
    assert "[units] names" in message and str(path) in message
    # the command refuses cleanly, in Chinese
    assert main(["check", "--year", "2023", "--config", str(path),
                 "--workbooks", str(tmp_path / "wb"), "--outputs", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "U+200B 零宽空格" in err and "Traceback" not in err


def test_two_unit_names_equal_after_normalisation_are_refused(repo_root, tmp_path):
    path = _config_text(repo_root, tmp_path, '"明德社区",', '"明德社区", "明德\ufa4c区",')
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    message = str(exc.value)
    assert "“明德社区”和“明德\ufa4c区”是同一个名称的不同写法" in message
    assert "统一后都是“明德社区”" in message


# --- The header's unit -------------------------------------------------------------------------

def test_a_header_unit_in_a_compatibility_form_is_read_as_the_configured_unit(config, tmp_path):
    data = QuarterData(applications=[{**OK, "app_id": "2023-001"}])
    path = _write(config, tmp_path, "青松\ufa4c区", data=data, path_unit="青松社区")
    result = ingest_file(config, tmp_path, path)
    assert _found(result) == [] and result.accepted
    assert result.header.unit == "青松社区"
    assert {f.unit for f in result.facts} == {"青松社区"}
    assert [a.unit for a in result.applications] == ["青松社区"]
    # lineage keeps the file as it is named
    assert result.applications[0].source == Source(
        "2023/第2季度/2023年第2季度-青松社区.xlsx", APPS, "A4")


def test_the_configured_spelling_wins_when_the_configuration_holds_the_other_form(
        repo_root, tmp_path):
    cfg = load_config(_config_text(repo_root, tmp_path, '"青松社区"', '"青松\ufa4c区"'))
    path = _write(cfg, tmp_path, "青松社区")
    result = ingest_file(cfg, tmp_path, path)
    assert _found(result) == [] and result.header.unit == "青松\ufa4c区"


def test_a_header_unit_that_only_matches_without_an_invisible_character_is_refused(
        config, tmp_path, sample_workbooks):
    path = _write(config, tmp_path, "青松\u200b社区", path_unit="青松社区")
    result = ingest_file(config, tmp_path, path)
    [f] = result.findings
    assert (f.rule, f.severity, f.sheet, f.cell) == ("ID120", "error", "基本信息", "B4")
    assert "U+200B 零宽空格（第3个字符）" in f.message and "去掉后是名单中的“青松社区”" in f.message
    assert "xxgk init --year 2023 --quarter 2" in f.message
    assert not result.accepted and result.facts == []


def test_an_unknown_unit_with_an_invisible_character_says_which_one(config, tmp_path):
    path = _write(config, tmp_path, "\ufeff幸福社区", path_unit="幸福社区")
    [f] = ingest_file(config, tmp_path, path).findings
    assert f.rule == "ID120" and "U+FEFF" in f.message and "去掉后" not in f.message


def test_a_file_name_with_an_invisible_character_is_refused(config, tmp_path):
    path = _write(config, tmp_path, "青松社区", path_unit="青松\u200c社区")
    result = ingest_file(config, tmp_path, path)
    [f] = result.findings
    assert (f.rule, f.sheet, f.cell) == ("ID121", None, None)
    assert f.file == "2023/第2季度/2023年第2季度-青松\u200c社区.xlsx"
    assert "U+200C 零宽不连字（第3个字符）" in f.message
    assert "workbooks/2023/第2季度/2023年第2季度-青松社区.xlsx" in f.message
    assert not result.accepted


# --- Application IDs ---------------------------------------------------------------------------

def test_an_id_with_an_invisible_character_is_read_without_it_and_warned_about(config, tmp_path):
    rows = [{**OK, "app_id": "2023\u200b-001"},
            {**OK, "app_id": "２０２３－００２"},          # full-width: read as 2023-002, silently
            {"app_id": "\u2060"},                         # nothing visible in the whole row
            {**OK, "app_id": "\u200d"}]                   # content, but no visible ID
    result = ingest_file(config, tmp_path, _write(config, tmp_path, "街道本级",
                                                  data=QuarterData(applications=rows)))
    found = _found(result)
    assert [(f.rule, f.severity, f.sheet, f.cell) for f in found] == [
        ("IN207", "warning", APPS, "A4"), ("IN204", "error", APPS, "A7")]
    assert "申请编号“2023-001”中有看不见的字符：U+200B 零宽空格（第5个字符）" in found[0].message
    assert [a.app_id for a in result.applications] == ["2023-001", "2023-002"]


def test_two_spellings_of_one_id_in_one_register_are_a_duplicate(config, tmp_path):
    rows = [{**OK, "app_id": "2023-001"}, {**OK, "app_id": "２０２３－００１"}]
    result = ingest_file(config, tmp_path, _write(config, tmp_path, "街道本级",
                                                  data=QuarterData(applications=rows)))
    assert [(f.rule, f.cell) for f in _found(result)] == [("IN205", "A5")]


def test_full_width_and_half_width_ids_are_one_application_across_quarters(config, tmp_path):
    opened = {**OK, "app_id": "２０２３－００５", "received": date(2023, 3, 20)}
    _write(config, tmp_path, "街道本级", quarter=1, data=QuarterData(applications=[opened]))
    answered = {**opened, "app_id": "2023-005", "answered": date(2023, 4, 10),
                "outcome": "（一）予以公开"}
    _write(config, tmp_path, "街道本级", quarter=2, data=QuarterData(applications=[answered]))
    read = ingest_year(config, tmp_path, 2023)
    c = consolidate_year(config, 2023, read.headers, read.facts, read.applications, read.cases,
                         None, as_of=date(2023, 12, 31))
    b = c.tables.b
    assert b[("new", "natural")] == 1 and b[("new", "total")] == 1
    assert b[("disclosed", "total")] == 1 and b[("carried_out", "total")] == 0
    assert [(a.app_id, a.quarter) for a, _, _ in c.applications] == [("2023-005", 2)]


# --- One application in two units' registers ---------------------------------------------------

def _app(unit, q, app_id, received, cls, row=5):
    file = f"2023/第{q}季度/2023年第{q}季度-{unit}.xlsx"
    return Application(unit, 2023, q, app_id, received, "网络平台", cls,
                       answered=date(2023, 5, 22), outcome="disclosed",
                       source=Source(file, APPS, f"A{row}"))


def _headers(config):
    return [Header(u, 2023, q, "2024.1", f"2023/第{q}季度/2023年第{q}季度-{u}.xlsx")
            for u in config.units for q in (1, 2, 3, 4)]


def test_an_application_in_two_units_registers_is_an_error_at_both(config):
    apps = [_app("街道本级", 2, "2023-001", date(2023, 5, 8), "natural", row=4),
            _app("和顺社区", 3, "2023-001", date(2023, 5, 8), "natural", row=9),
            _app("和顺社区", 2, "2023-001", date(2023, 5, 8), "natural", row=6)]  # listed twice
    c = consolidate_year(config, 2023, _headers(config), [], apps, [], None,
                         as_of=date(2023, 12, 31))
    found = [f for f in c.findings if f.rule == "CS009"]
    assert [(f.severity, f.unit, f.file, f.sheet, f.cell) for f in found] == [
        ("error", "街道本级", "2023/第2季度/2023年第2季度-街道本级.xlsx", APPS, "A4"),
        ("error", "和顺社区", "2023/第3季度/2023年第3季度-和顺社区.xlsx", APPS, "A9")]
    message = found[0].message
    assert found[1].message == message
    assert ("街道本级（2023/第2季度/2023年第2季度-街道本级.xlsx“依申请公开台账”A4）、"
            "和顺社区（2023/第3季度/2023年第3季度-和顺社区.xlsx“依申请公开台账”A9）") in message
    assert "收到日期 2023-05-08" in message and "“自然人”" in message
    assert "删去这一行" in message and "不同的编号" in message
    assert c.tables.b[("new", "total")] == 2  # still counted by each: the error says so


@pytest.mark.parametrize("other", [
    {"received": date(2023, 5, 9)},    # another day: another application
    {"cls": "business"},                # another applicant class
])
def test_the_same_id_in_two_units_is_fine_when_date_or_class_differ(config, other):
    second = {"received": date(2023, 5, 8), "cls": "natural", **other}
    apps = [_app("街道本级", 2, "2023-001", date(2023, 5, 8), "natural"),
            _app("和顺社区", 2, "2023-001", second["received"], second["cls"])]
    c = consolidate_year(config, 2023, _headers(config), [], apps, [], None,
                         as_of=date(2023, 12, 31))
    assert [f.rule for f in c.findings if f.rule == "CS009"] == []


def _set_cells(path: Path, sheet: str, values: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(path)
    for cell, value in values.items():
        wb[sheet][cell] = value
    wb.save(path)


def _dump(path: Path) -> dict[str, list]:
    con = sqlite3.connect(path)
    try:
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(con.execute(f"SELECT * FROM {n}"), key=repr)
                for n in names if n not in ("runs", "state")}
    finally:
        con.close()


def test_checks_across_units_and_against_today_see_the_parts_kept_between_runs(
        config, tmp_path, sample_workbooks):
    """The store keeps each unit's part; a rerun that reuses them still finds an application
    two units registered (CS009) and a date after today (CS010), as a run from scratch."""
    workbooks = copy_tree(sample_workbooks.root, tmp_path / "workbooks")
    reg = layout.APPLICATIONS
    _set_cells(filenames.quarter_path(workbooks, 2023, 2, "和顺社区"), APPS, {
        "A4": "2023-001", "B4": date(2023, 5, 8), "C4": "网络平台", "D4": "自然人"})
    _set_cells(filenames.quarter_path(workbooks, 2023, 2, "街道本级"), APPS,
               {f"{reg.letter('answered')}4": date(2099, 1, 10)})
    outputs = tmp_path / "outputs"
    first = checking.check(config, workbooks, outputs, 2023)
    grid = layout.disclosure_grid(config)
    _set_cells(filenames.quarter_path(workbooks, 2023, 3, "兴业社区"), grid.sheet,
               {grid.inputs[0].cell: 41})

    again = checking.check(config, workbooks, outputs, 2023)

    assert {"街道本级", "和顺社区"} <= again.content.kept[2023]  # decoded from the store
    located = sorted((f.rule, f.unit, f.cell) for f in again.findings
                     if f.rule in ("CS009", "CS010"))
    assert located == [("CS009", "和顺社区", "A4"), ("CS009", "街道本级", "A4"),
                       ("CS010", "街道本级", f"{reg.letter('answered')}4")]
    assert [f for f in first.findings if f.rule in ("CS009", "CS010")] == [
        f for f in again.findings if f.rule in ("CS009", "CS010")]
    scratch_out = tmp_path / "scratch"
    cache._DIGESTS.clear()
    scratch = checking.check(config, workbooks, scratch_out, 2023)
    assert again.findings == scratch.findings and again.tables == scratch.tables
    assert _dump(outputs_folder.store_path(outputs)) == _dump(outputs_folder.store_path(scratch_out))


def test_inputs_are_left_as_they_were(config, tmp_path):
    path = _write(config, tmp_path, "青松\u200b社区", path_unit="青松社区",
                  data=QuarterData(applications=[{**OK, "app_id": "2023\u200b-001"}]))
    copy = tmp_path / "copy.xlsx"
    shutil.copy(path, copy)
    ingest_file(config, tmp_path, path)
    assert path.read_bytes() == copy.read_bytes()
