"""Returns that arrive zipped: WeChat, QQ and e-mail users often send a quarter's workbooks as
one .zip. `collect` takes the workbooks out of it into a temp folder and files them like loose
ones (each still passes the safety scan when it is read); the zip itself is only read.

A zip from a Chinese Windows PC usually stores its names in GBK without saying so (no UTF-8
flag): Python then reads them as cp437, and they are turned back here. A Mac adds __MACOSX/ and
._* entries, which are not returns. Nothing in a zip is trusted: the member count, the declared
and the real inflated sizes are bounded (zipscan's limits), and a name that climbs out of the
zip ("../") or is absolute is refused; members are written under names made here, never under
their own."""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from pipeline.core.findings import Finding, finding
from pipeline.workbooks import filenames
from pipeline.workbooks.scanned import MAX_MEMBERS, MAX_UNPACKED_BYTES, _Bad, human_size
from pipeline.workbooks.zipscan import _check_sizes, _inflate

ZIP_SUFFIX = ".zip"

MAX_ZIP_BYTES = 200 * 1024 * 1024  # a zip of returns: a quarter's workbooks are about 1 MB each

_UTF8_FLAG = 0x800

_JUNK_DIRS = ("__MACOSX",)  # what macOS's Archive Utility adds beside the files

_DRIVE = re.compile(r"[A-Za-z]:")


@dataclass(frozen=True)
class Member:
    """A workbook taken out of a zip: where its bytes now are, and its name for messages
    ("<the zip, relative to the inbox>/<its name in the zip>")."""
    path: Path
    name: str


def member_name(info: zipfile.ZipInfo) -> str:
    """The name as the sender's computer wrote it, with "/" between folders. Without the UTF-8
    flag Python reads a name as cp437: its bytes are UTF-8 (macOS and Linux zippers) or else
    GBK (Windows in Chinese, WeChat, QQ)."""
    name = info.orig_filename  # before zipfile turns "\" into "/" on Windows: a GBK byte may be 0x5C
    if not info.flag_bits & _UTF8_FLAG and not name.isascii():
        raw = name.encode("cp437")
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            name = raw.decode("gbk", errors="replace")
    return name.replace("\\", "/")


def _junk(parts: tuple[str, ...]) -> bool:
    """Folders, macOS's additions, and the temp and hidden files skipped in an inbox too."""
    return any(p in _JUNK_DIRS for p in parts) or filenames.is_temporary(parts[-1])


def _unsafe(name: str) -> str | None:
    """Why a member's name could write outside where the zip is unpacked, in Chinese."""
    if name.startswith("/") or _DRIVE.match(name):
        return "是绝对路径（以“/”或盘符开头）"
    if ".." in name.split("/"):
        return "含有“../”，指向压缩包以外的位置"
    return None


def _stamp(path: Path, info: zipfile.ZipInfo) -> None:
    """Give the unpacked file the time the zip records for it, as a copied file keeps its own."""
    try:
        when = datetime(*info.date_time).timestamp()
    except (ValueError, OverflowError):
        return
    os.utime(path, (when, when))


def expand(zip_path: Path, rel: str, into: Path, year: int
           ) -> tuple[list[Member], list[tuple[str, Finding]]]:
    """The workbooks in the zip at `zip_path` (`rel`: its name relative to the inbox), written
    to the folder `into`; and (name, finding) of what was refused: the whole zip, or one
    member, never raising."""
    def refuse(name: str, rule: str, **fields) -> tuple[str, Finding]:
        return name, finding(rule, file=name, year=year, **fields)

    try:
        size = zip_path.stat().st_size
        if size > MAX_ZIP_BYTES:
            return [], [refuse(rel, "CO009", reason=f"压缩包有 {human_size(size)}，超过 "
                                                     f"{human_size(MAX_ZIP_BYTES)} 的上限")]
        data = zip_path.read_bytes()
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (OSError, zipfile.BadZipFile, EOFError, ValueError):
        return [], [refuse(rel, "CO009", reason="不是完整的 zip 压缩包，可能没有下载完整或不是 zip 格式")]
    if len(infos) > MAX_MEMBERS:
        return [], [refuse(rel, "CO009", reason=f"压缩包内有 {len(infos)} 个文件")]
    try:
        _check_sizes(infos)
    except _Bad as bad:
        return [], [refuse(rel, "CO009", **bad.fields)]
    into.mkdir(parents=True, exist_ok=True)
    members: list[Member] = []
    refused: list[tuple[str, Finding]] = []
    budget = MAX_UNPACKED_BYTES
    for i, info in enumerate(infos):
        inner = member_name(info)
        name = f"{rel}/{inner}"
        parts = PurePosixPath(inner).parts
        if info.is_dir() or not parts:
            continue
        why = _unsafe(inner)
        if why:
            refused.append(refuse(name, "CO010", member=inner, reason=why))
            continue
        if _junk(parts):
            continue
        suffix = PurePosixPath(parts[-1]).suffix
        if suffix.lower() not in filenames.WORKBOOK_SUFFIXES:
            refused.append(refuse(name, "CO001", suffix=suffix or "无"))
            continue
        try:
            content = _inflate(data, info, budget)
        except _Bad as bad:
            refused.append(refuse(name, "CO009", **bad.fields))
            continue
        except (zlib.error, EOFError):
            refused.append(refuse(name, "CO009", reason="压缩数据已损坏"))
            continue
        budget -= len(content)
        path = into / f"{i}{suffix.lower()}"
        path.write_bytes(content)
        _stamp(path, info)
        members.append(Member(path, name))
    return members, refused
