"""`xxgk collect` takes returns that arrive zipped by WeChat, QQ or e-mail (issue 18): names
with the UTF-8 flag or in GBK without it, nested folders, macOS's junk ignored, a member that
climbs out of the zip refused with its zip and name; the zip itself never changed."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from pipeline.cli.main import main
from pipeline.workbooks import filenames
from pipeline.workbooks.collect import collect
from pipeline.workbooks.template import QuarterData, write_workbook
from tests.zips import raw_names


@pytest.fixture(scope="module")
def returns(config, tmp_path_factory) -> dict[str, bytes]:
    """Three returned workbooks (real templates), by unit."""
    folder = tmp_path_factory.mktemp("returns")
    out = {}
    for unit, quarter in (("青松社区", 1), ("明德社区", 2), ("街道本级", 3)):
        path = write_workbook(config, folder / f"{unit}.xlsx", unit, 2023, quarter,
                              data=QuarterData(inputs={("interpretation", "会议", ""): quarter}))
        out[unit] = path.read_bytes()
    return out


def _state(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def _zip_utf8(path: Path, members: dict[str, bytes]) -> Path:
    """As WinRAR, 7-Zip, Windows 11 and macOS zip: UTF-8 names (Python sets the flag)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _zip_gbk(path: Path, members: dict[str, bytes]) -> Path:
    """As Windows' own "send to compressed folder" in Chinese and many chat apps: names in GBK
    and no UTF-8 flag. Python writes only ASCII names without the flag: each is written as a
    placeholder of the same length, then replaced by its GBK bytes in both headers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    names = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(members.items()):
            encoded = name.encode("gbk")
            placeholder = f"@{i:03d}".ljust(len(encoded), "@")
            names[placeholder.encode()] = encoded
            zf.writestr(placeholder, data)
    raw = path.read_bytes()
    for placeholder, encoded in names.items():
        assert raw.count(placeholder) == 2  # the local header and the central directory
        raw = raw.replace(placeholder, encoded)
    path.write_bytes(raw)
    return path


def test_a_zip_with_utf8_names_in_nested_folders(config, returns, tmp_path):
    inbox, wb = tmp_path / "收件箱", tmp_path / "workbooks"
    made = _zip_utf8(inbox / "微信" / "一季度回执.zip", {
        "回执/青松社区/2023年一季度青松社区.xlsx": returns["青松社区"],
        "回执/明德社区（二季度）.xlsx": returns["明德社区"],
        "__MACOSX/回执/._明德社区（二季度）.xlsx": b"\x00\x05\x16\x07 mac resource fork",
        "回执/.DS_Store": b"\x00\x00\x00\x01Bud1",
        "回执/~$明德社区（二季度）.xlsx": b"owner lock file",
        "回执/说明.txt": "请查收".encode(),
    })
    assert all(flags & 0x800 for _, flags, _ in raw_names(made.read_bytes()))
    before = _state(made)
    report = collect(config, inbox, wb, 2023)
    assert sorted((f.source, f.target.relative_to(wb).as_posix()) for f in report.placed) == [
        ("微信/一季度回执.zip/回执/明德社区（二季度）.xlsx", "2023/第2季度/2023年第2季度-明德社区.xlsx"),
        ("微信/一季度回执.zip/回执/青松社区/2023年一季度青松社区.xlsx",
         "2023/第1季度/2023年第1季度-青松社区.xlsx")]
    assert filenames.quarter_path(wb, 2023, 1, "青松社区").read_bytes() == returns["青松社区"]
    # the text file is named with its zip; macOS's and Office's leftovers are not mentioned
    assert [(r.source, r.finding.rule) for r in report.rejected] == [
        ("微信/一季度回执.zip/回执/说明.txt", "CO001")]
    assert _state(made) == before
    assert sorted(p.name for p in inbox.rglob("*")) == ["一季度回执.zip", "微信"]


def test_a_zip_with_gbk_names_and_no_flag(config, returns, tmp_path):
    inbox, wb = tmp_path / "收件箱", tmp_path / "workbooks"
    made = _zip_gbk(inbox / "QQ文件.zip", {
        "街道本级\\三季度报表.xlsx": returns["街道本级"],  # a backslash, as old Windows tools write
        "青松社区报表.xlsx": returns["青松社区"]})
    assert [(flags & 0x800, name) for name, flags, _ in raw_names(made.read_bytes())] == [
        (0, "街道本级\\三季度报表.xlsx".encode("gbk")), (0, "青松社区报表.xlsx".encode("gbk"))]
    report = collect(config, inbox, wb, 2023)
    assert sorted(f.source for f in report.placed) == [
        "QQ文件.zip/街道本级/三季度报表.xlsx", "QQ文件.zip/青松社区报表.xlsx"]
    assert filenames.quarter_path(wb, 2023, 3, "街道本级").read_bytes() == returns["街道本级"]
    assert report.rejected == []


def test_members_that_climb_out_of_the_zip_are_refused(config, returns, tmp_path, capsys,
                                                        repo_root):
    """Refused by name, with the zip and the member; the zip's good workbook is still filed and
    nothing is written outside the workbooks folder."""
    inbox, wb = tmp_path / "收件箱", tmp_path / "workbooks"
    made = _zip_utf8(inbox / "回执.zip", {"青松社区.xlsx": returns["青松社区"],
                                          "../../明德社区.xlsx": returns["明德社区"],
                                          "/tmp/街道本级.xlsx": returns["街道本级"]})
    before = _state(made)
    argv = ["collect", "--year", "2023", "--workbooks", str(wb), "--outputs",
            str(tmp_path / "outputs"), "--config", str(repo_root / "tests" / "single_organ.toml"),
            str(inbox)]
    assert main(argv) == 1
    out = capsys.readouterr().out.splitlines()
    assert "已归档：回执.zip/青松社区.xlsx → 2023/第1季度/2023年第1季度-青松社区.xlsx" in out
    assert ("未归档：[错误 CO010] 文件“回执.zip/../../明德社区.xlsx”：压缩包中的“../../明德社区.xlsx”"
            "含有“../”，指向压缩包以外的位置，解压时可能写到收件箱以外，为安全起见未取出，未归档。") in " ".join(
        line for line in out if "明德社区" in line)
    assert any(line.startswith("未归档：[错误 CO010] 文件“回执.zip//tmp/街道本级.xlsx”：压缩包中的"
                               "“/tmp/街道本级.xlsx”是绝对路径") for line in out)
    assert "收件箱共 3 个文件：新归档 1 个，替换 0 个，无需归档 0 个，未归档 2 个。" in out
    assert _state(made) == before
    assert sorted(p.name for p in tmp_path.rglob("*.xlsx")) == [
        "2023年审核结果.xlsx", "2023年第1季度-青松社区.xlsx"]


def test_a_zip_bomb_or_a_broken_zip_is_refused_whole(config, returns, tmp_path):
    inbox, wb = tmp_path / "收件箱", tmp_path / "workbooks"
    _zip_utf8(inbox / "炸弹.zip", {"青松社区.xlsx": returns["青松社区"],
                                   "明德社区.xlsx": b"\x00" * (4 * 1024 * 1024)})
    (inbox / "没下载完.zip").write_bytes(
        _zip_utf8(tmp_path / "whole.zip", {"a.xlsx": returns["街道本级"]}).read_bytes()[:-30])
    report = collect(config, inbox, wb, 2023)
    assert report.placed == [] and not wb.exists()
    found = {r.source: r.finding.message for r in report.rejected}
    assert found["炸弹.zip"].startswith("无法从压缩包中安全取出（“明德社区.xlsx”从 4 KB 解压为 4.0 MB）")
    assert found["没下载完.zip"].startswith("无法从压缩包中安全取出（不是完整的 zip 压缩包")
    assert len(found) == 2
