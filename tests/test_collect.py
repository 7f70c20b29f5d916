"""Collecting returned workbooks: filed by the header inside, the inbox never touched."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from pipeline.cli.main import main
from pipeline.core.findings import all_rules
from pipeline.workbooks import filenames, layout
from pipeline.workbooks.collect import collect
from pipeline.workbooks.template import QuarterData, write_workbook
from tests.lo import convert
from tests.reading_year import ingest_year

NOW = datetime(2024, 1, 15, 9, 30, 0)
STAMP = "20240115-093000"


def _workbook(config, path: Path, unit: str, quarter: int, meetings: int, year: int = 2023,
              ) -> Path:
    """A real template whose 会议 interpretation count tells versions apart."""
    data = QuarterData(inputs={("interpretation", "会议", ""): meetings})
    return write_workbook(config, path, unit, year, quarter, data=data)


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under a folder: relative path -> (sha256, mtime in ns)."""
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                                p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _rel(report_root: Path, filed) -> list[tuple[str, str]]:
    return sorted((f.source, f.target.relative_to(report_root).as_posix()) for f in filed)


@pytest.fixture
def mixed(config, tmp_path):
    """A workbooks folder with two quarters already filed, and an inbox of what comes back."""
    wb, inbox = tmp_path / "workbooks", tmp_path / "收件箱"
    office_q1 = _workbook(config, filenames.quarter_path(wb, 2023, 1, "街道本级"), "街道本级", 1, 1)
    qingsong_q2 = _workbook(config, filenames.quarter_path(wb, 2023, 2, "青松社区"), "青松社区", 2, 0)
    old_bytes = office_q1.read_bytes()
    _workbook(config, inbox / "三季度报表(改)2.xlsx", "明德社区", 3, 3)
    _workbook(config, inbox / "街道本级一季度(修改后).xlsx", "街道本级", 1, 9)
    shutil.copy2(qingsong_q2, inbox / "青松社区二季度.xlsx")
    _workbook(config, inbox / "邮件附件" / "康宁社区第4季度.xlsx", "康宁社区", 4, 2)
    _workbook(config, inbox / "去年的报表.xlsx", "和顺社区", 4, 5, year=2022)
    _workbook(config, inbox / "幸福社区.xlsx", "幸福社区", 2, 1)
    old = _workbook(config, inbox / "旧版报表.xlsx", "友谊社区", 2, 1)
    book = openpyxl.load_workbook(old)
    book[layout.SHEET_HEADER][layout.HEADER_CELLS["version"]] = "2022.1"
    book.save(old)
    changed = _workbook(config, inbox / "改过的报表.xlsx", "友谊社区", 3, 1)
    book = openpyxl.load_workbook(changed)
    book[layout.SHEET_HEADER].title = "封面"
    book.save(changed)
    _workbook(config, inbox / "兴业社区一季度.xlsx", "兴业社区", 1, 1)
    _workbook(config, inbox / "邮件附件" / "兴业社区一季度(2).xlsx", "兴业社区", 1, 4)
    (inbox / "报表.xlsx").write_text("这其实是一个文本文件", encoding="utf-8")
    (inbox / "盖章版.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    (inbox / "~$三季度报表(改)2.xlsx").write_bytes(b"\x00lock")
    return wb, inbox, old_bytes


def test_files_each_workbook_by_its_header_and_lists_the_rest(config, mixed):
    wb, inbox, old_bytes = mixed
    before = _snapshot(inbox)
    report = collect(config, inbox, wb, 2023, now=NOW)

    assert _rel(wb, report.placed) == [
        ("三季度报表(改)2.xlsx", "2023/第3季度/2023年第3季度-明德社区.xlsx"),
        ("邮件附件/康宁社区第4季度.xlsx", "2023/第4季度/2023年第4季度-康宁社区.xlsx")]
    assert _rel(wb, report.replaced) == [
        ("街道本级一季度(修改后).xlsx", "2023/第1季度/2023年第1季度-街道本级.xlsx")]
    assert _rel(wb, report.unchanged) == [
        ("青松社区二季度.xlsx", "2023/第2季度/2023年第2季度-青松社区.xlsx")]
    assert {r.source: r.finding.rule for r in report.rejected} == {
        "去年的报表.xlsx": "CO004", "幸福社区.xlsx": "CO005", "旧版报表.xlsx": "CO006",
        "改过的报表.xlsx": "CO003", "兴业社区一季度.xlsx": "CO007",
        "邮件附件/兴业社区一季度(2).xlsx": "CO007", "报表.xlsx": "CO002", "盖章版.pdf": "CO001"}
    assert report.errors == 8  # everything rejected, the PDF included: it is not a return

    # the earlier version keeps the old bytes; the filed copies are the inbox bytes, mtime kept
    (replaced,) = report.replaced
    backup = wb / "2023/第1季度/历史版本" / f"2023年第1季度-街道本级.{STAMP}.xlsx"
    assert replaced.earlier == (backup,)
    assert backup.read_bytes() == old_bytes
    for filed in report.placed + report.replaced:
        src = inbox / filed.source
        assert filed.target.read_bytes() == src.read_bytes()
        assert filed.target.stat().st_mtime_ns == src.stat().st_mtime_ns
    assert _files(wb) == {
        "2023/第1季度/2023年第1季度-街道本级.xlsx",
        f"2023/第1季度/历史版本/2023年第1季度-街道本级.{STAMP}.xlsx",
        "2023/第2季度/2023年第2季度-青松社区.xlsx",
        "2023/第3季度/2023年第3季度-明德社区.xlsx",
        "2023/第4季度/2023年第4季度-康宁社区.xlsx"}

    assert _snapshot(inbox) == before


def test_rejections_say_why_in_chinese(config, mixed):
    wb, inbox, _ = mixed
    report = collect(config, inbox, wb, 2023, now=NOW)
    reasons = {r.source: r.reason for r in report.rejected}
    assert "表内年度为 2022 年，不是本次收集的 2023 年" in reasons["去年的报表.xlsx"]
    # a copy of last year's workbook: the advice never points at last year's (accepted) files
    assert "xxgk collect --year 2022" not in reasons["去年的报表.xlsx"]
    assert "xxgk init --year 2023 --quarter 4" in reasons["去年的报表.xlsx"]
    assert "“幸福社区”不在 xxgk.toml 的单位名单中" in reasons["幸福社区.xlsx"]
    assert "版本“2022.1”" in reasons["旧版报表.xlsx"]
    assert "xxgk init --year 2023 --quarter 2" in reasons["旧版报表.xlsx"]
    assert "缺少工作表“基本信息”" in reasons["改过的报表.xlsx"]
    assert "内容不是 Excel/WPS 表格" in reasons["报表.xlsx"]
    assert "不是电子表格（扩展名为“.pdf”）" in reasons["盖章版.pdf"]
    both = reasons["兴业社区一季度.xlsx"]
    assert both == reasons["邮件附件/兴业社区一季度(2).xlsx"]
    assert "2 个内容不同的文件都是兴业社区2023年第1季度的报表" in both
    by_source = {r.source: r.finding for r in report.rejected}
    wrong_year = by_source["去年的报表.xlsx"]
    assert (wrong_year.file, wrong_year.sheet, wrong_year.cell, wrong_year.unit) == (
        "去年的报表.xlsx", "基本信息", layout.HEADER_CELLS["year"], "和顺社区")


def test_report_lines_name_every_file(config, mixed):
    wb, inbox, _ = mixed
    lines = collect(config, inbox, wb, 2023, now=NOW).lines()
    assert "已归档：三季度报表(改)2.xlsx → 2023/第3季度/2023年第3季度-明德社区.xlsx" in lines
    assert ("已替换：街道本级一季度(修改后).xlsx → 2023/第1季度/2023年第1季度-街道本级.xlsx（原文件保留为 "
            f"2023/第1季度/历史版本/2023年第1季度-街道本级.{STAMP}.xlsx）") in lines
    assert ("已是最新，无需归档：青松社区二季度.xlsx（与 2023/第2季度/2023年第2季度-青松社区.xlsx 相同）"
            in lines)
    assert any(line.startswith("未归档：[错误 CO004] 文件“去年的报表.xlsx”") for line in lines)
    assert lines[-1] == "收件箱共 12 个文件：新归档 2 个，替换 1 个，无需归档 1 个，未归档 8 个。"


def test_collecting_the_same_inbox_again_changes_nothing(config, mixed):
    wb, inbox, _ = mixed
    collect(config, inbox, wb, 2023, now=NOW)
    filed = _snapshot(wb)
    again = collect(config, inbox, wb, 2023, now=datetime(2024, 2, 1))
    assert (again.placed, again.replaced) == ([], [])
    assert len(again.unchanged) == 4
    assert _snapshot(wb) == filed


def test_identical_copies_in_the_inbox_are_filed_once(config, tmp_path):
    wb, inbox = tmp_path / "workbooks", tmp_path / "inbox"
    first = _workbook(config, inbox / "a.xlsx", "明德社区", 2, 1)
    shutil.copy2(first, inbox / "a的副本.xlsx")
    report = collect(config, inbox, wb, 2023, now=NOW)
    assert [f.source for f in report.placed] == ["a.xlsx"]
    assert [f.source for f in report.unchanged] == ["a的副本.xlsx"]
    assert report.rejected == []


def test_two_resubmissions_in_one_second_keep_both_earlier_versions(config, tmp_path):
    wb, inbox1, inbox2 = tmp_path / "workbooks", tmp_path / "in1", tmp_path / "in2"
    original = _workbook(config, filenames.quarter_path(wb, 2023, 2, "和顺社区"), "和顺社区", 2, 1)
    first_bytes = original.read_bytes()
    second = _workbook(config, inbox1 / "x.xlsx", "和顺社区", 2, 2)
    _workbook(config, inbox2 / "x.xlsx", "和顺社区", 2, 3)
    collect(config, inbox1, wb, 2023, now=NOW)
    report = collect(config, inbox2, wb, 2023, now=NOW)
    folder = wb / "2023/第2季度/历史版本"
    assert report.replaced[0].earlier == (folder / f"2023年第2季度-和顺社区.{STAMP}-2.xlsx",)
    assert (folder / f"2023年第2季度-和顺社区.{STAMP}.xlsx").read_bytes() == first_bytes
    assert report.replaced[0].earlier[0].read_bytes() == second.read_bytes()


def test_an_inbox_holding_the_workbooks_folder_does_not_refile_it(config, tmp_path):
    wb = tmp_path / "workbooks"
    _workbook(config, filenames.quarter_path(wb, 2023, 1, "街道本级"), "街道本级", 1, 1)
    _workbook(config, tmp_path / "交回.xlsx", "明德社区", 1, 1)
    report = collect(config, tmp_path, wb, 2023, now=NOW)
    assert [f.source for f in report.placed] == ["交回.xlsx"]
    assert (report.replaced, report.unchanged, report.rejected) == ([], [], [])


def test_ingestion_ignores_earlier_versions(config, mixed):
    wb, inbox, _ = mixed
    collect(config, inbox, wb, 2023, now=NOW)
    result = ingest_year(config, wb, 2023)
    assert not any("历史版本" in f for f in result.files)
    assert [f for f in result.findings if f.severity == "error"] == []
    assert {(h.unit, h.quarter) for h in result.headers} == {
        ("街道本级", 1), ("青松社区", 2), ("明德社区", 3), ("康宁社区", 4)}


def test_xls_resubmission_displaces_the_xlsx(config, tmp_path):
    wb, inbox = tmp_path / "workbooks", tmp_path / "inbox"
    xlsx = _workbook(config, filenames.quarter_path(wb, 2023, 3, "兴业社区"), "兴业社区", 3, 1)
    old_bytes = xlsx.read_bytes()
    src = _workbook(config, tmp_path / "src" / "兴业三季度.xlsx", "兴业社区", 3, 6)
    convert(src, "xls", inbox, tmp_path / "lo-profile")
    report = collect(config, inbox, wb, 2023, now=NOW)
    (filed,) = report.replaced
    assert filed.target == xlsx.with_suffix(".xls")
    assert filed.earlier == (wb / "2023/第3季度/历史版本" / f"2023年第3季度-兴业社区.{STAMP}.xlsx",)
    assert filed.earlier[0].read_bytes() == old_bytes
    assert not xlsx.exists()


def test_cli_prints_what_was_filed_and_who_is_missing(config, repo_root, tmp_path, capsys):
    wb, inbox = tmp_path / "workbooks", tmp_path / "inbox"
    _workbook(config, inbox / "明德社区3季度.xlsx", "明德社区", 3, 1)
    argv = ["collect", "--year", "2023", "--workbooks", str(wb), "--outputs",
            str(tmp_path / "outputs"), "--config", str(repo_root / "tests" / "single_organ.toml"), str(inbox)]
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert "已归档：明德社区3季度.xlsx → 2023/第3季度/2023年第3季度-明德社区.xlsx" in out
    assert any(line.startswith("2023年报送情况（数据截至第3季度") for line in out)
    (row,) = [line for line in out if line.startswith("明德社区")]
    assert row.split() == ["明德社区", "未收到", "未收到", "填写中", "未收到"]
    assert f"共 {4 * len(config.units)} 本：未收到 {4 * len(config.units) - 1} 本，" \
           "未填 0 本，填写中 1 本，已确认 0 本，有错误 0 本。" in out
    (inbox / "盖章版.pdf").write_bytes(b"%PDF-1.4\n")  # not a return: an error
    assert main(argv) == 1
    (inbox / "盖章版.pdf").unlink()
    _workbook(config, inbox / "去年的.xlsx", "明德社区", 1, 1, year=2022)
    assert main(argv) == 1


def test_rules_are_declared():
    ours = {r.id: r for r in all_rules() if r.id.startswith("CO")}
    assert set(ours) == {"CO001", "CO002", "CO003", "CO004", "CO005", "CO006", "CO007",
                         "CO008", "CO009", "CO010", "CO011", "CO012"}
    assert all(r.severity == "error" for r in ours.values())


def test_a_file_that_cannot_be_read_is_listed_not_raised(config, tmp_path, monkeypatch):
    wb, inbox = tmp_path / "workbooks", tmp_path / "inbox"
    locked = _workbook(config, inbox / "被占用.xlsx", "明德社区", 2, 1)
    real_open = Path.open

    def refuse(self, *args, **kwargs):  # as Windows does for a file open in Excel (root
        if self == locked:                # ignores file modes, so chmod cannot show it here)
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    report = collect(config, inbox, wb, 2023, now=NOW)
    assert [(r.source, r.finding.rule) for r in report.rejected] == [("被占用.xlsx", "CO003")]
    assert "没有被其他程序占用" in report.rejected[0].reason


def test_entries_of_the_inbox_that_are_not_files_are_listed_not_opened(config, tmp_path):
    """A FIFO would block a read for ever: it is listed as not filed, with the reason, and
    the run goes on (in a thread with a time limit, so that a regression fails, not hangs)."""
    wb, inbox = tmp_path / "workbooks", tmp_path / "inbox"
    _workbook(config, inbox / "a.xlsx", "明德社区", 2, 1)
    os.mkfifo(inbox / "b.xlsx")
    (inbox / "c.xlsx").mkdir()
    _workbook(config, inbox / "c.xlsx" / "d.xlsx", "和顺社区", 2, 1)  # a folder is still searched
    (inbox / "e.xlsx").symlink_to(inbox / "gone.xlsx")
    (inbox / "附件").mkdir()  # an ordinary folder is not listed
    done: list = []
    thread = threading.Thread(target=lambda: done.append(collect(config, inbox, wb, 2023, now=NOW)),
                              daemon=True)
    thread.start()
    thread.join(60)
    assert done, "collect is still waiting after 60 s"
    (report,) = done
    assert [f.source for f in report.placed] == ["a.xlsx", "c.xlsx/d.xlsx"]
    assert {r.source: (r.finding.rule, r.finding.severity, r.reason.split("，")[0])
            for r in report.rejected} == {
        "b.xlsx": ("IN014", "warning", "这是命名管道（FIFO）"),
        "c.xlsx": ("IN014", "warning", "这是一个文件夹（名称像报表文件）"),
        "e.xlsx": ("IN014", "warning", "这是失效的快捷方式（符号链接）")}
    lines = report.lines()
    assert any(line.startswith("未归档：[警告 IN014] 文件“b.xlsx”：这是命名管道") for line in lines)
    assert lines[-1] == "收件箱共 5 个文件：新归档 2 个，替换 0 个，无需归档 0 个，未归档 3 个。"


def test_a_header_unit_in_a_compatibility_form_is_filed_under_the_configured_name(
        config, tmp_path):
    """`xxgk check` reads "青松\\ufa4c区" (a compatibility 社) as 青松社区: collect files it so."""
    wb, inbox = tmp_path / "workbooks", tmp_path / "inbox"
    _workbook(config, inbox / "青松.xlsx", "青松\ufa4c区", 2, 1)
    report = collect(config, inbox, wb, 2023, now=NOW)
    assert report.rejected == []
    assert _rel(wb, report.placed) == [("青松.xlsx", "2023/第2季度/2023年第2季度-青松社区.xlsx")]
    _workbook(config, inbox / "隐形.xlsx", "青松\u200b社区", 3, 1)  # an invisible character
    assert {r.source: r.finding.rule for r in collect(config, inbox, wb, 2023,
                                                       now=NOW).rejected} == {"隐形.xlsx": "CO005"}
