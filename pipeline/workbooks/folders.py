"""The files of a year's folder: every regular file found (entries that are not files are
reported, never opened), and names relative to the workbooks folder."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.findings import Finding, finding
from pipeline.workbooks import filenames


def relative_name(workbooks_dir: str | Path, path: str | Path) -> str:
    """A workbook's path relative to the workbooks folder, with forward slashes. Paths found
    under the folder start with it: cut it off (os.path.relpath costs ~25 µs a file)."""
    base, full = os.fspath(workbooks_dir), os.fspath(path)
    if full.startswith(base) and full[len(base):len(base) + 1] == os.sep and base:
        rel = full[len(base) + 1:]
    else:
        rel = os.path.relpath(full, base)
    return rel.replace(os.sep, "/")


def _skipped(name: str, year: int) -> bool:
    """The prior-year tables, the report text, and Excel/WPS/LibreOffice lock or temp files."""
    return (name in (filenames.published_file_name(year), filenames.report_text_file_name(year))
            or filenames.is_temporary(name))


@dataclass(frozen=True)
class Walk:
    """A folder's files and what else it holds, each by (parts of the path relative to the
    folder, path), sorted by parts (as Paths sort)."""

    files: list[tuple[tuple[str, ...], str]]  # regular files, and links to regular files
    # (parts, what it is, what to do) of the entries that are not: none is opened
    skipped: list[tuple[tuple[str, ...], str, str]] = field(default_factory=list)


_LINK = "快捷方式（符号链接）"


_REPLACE = "如果这里本应是报表文件，请放入报表文件本身。"


def odd_entry(path: str | Path) -> tuple[str, str] | None:
    """(what it is, what to do), in Chinese, for an entry that is not a regular file nor a link
    to one: a FIFO, device or socket (opening one may wait for ever), a broken link, a folder
    or a link to one. None for a regular file. Looked at with stat, never opened."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return f"失效的{_LINK}，指向的文件不存在或无法访问", _REPLACE
    link = os.path.islink(path)
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        if link:
            return f"指向文件夹的{_LINK}", f"其中的文件不会被读取。{_REPLACE}"
        return "一个文件夹（名称像报表文件）", f"文件夹本身不会被读取，其中的文件照常检查。{_REPLACE}"
    what = ("命名管道（FIFO）" if stat.S_ISFIFO(mode) else "套接字（socket）" if stat.S_ISSOCK(mode)
            else "设备文件" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "特殊文件")
    return (f"指向{what}的{_LINK}" if link else what), f"请把它移走。{_REPLACE}"


def walk(folder: str | Path) -> Walk:
    """Every regular file under `folder` (an empty walk when it is not a folder), and every
    entry that is not one, which is never opened: its type comes from the directory listing
    (os.scandir: no stat for a plain file) or from stat, never from opening it. A folder is
    walked into (not a link to one); one named like a workbook is reported too."""
    files: list[tuple[tuple[str, ...], str]] = []
    skipped: list[tuple[tuple[str, ...], str, str]] = []
    todo: list[tuple[tuple[str, ...], str]] = [((), os.fspath(folder))]
    while todo:
        parts, here = todo.pop()
        try:
            with os.scandir(here) as listing:
                entries = list(listing)
        except OSError as exc:
            if parts or not isinstance(exc, FileNotFoundError | NotADirectoryError):
                skipped.append((parts, f"无法打开的文件夹（{type(exc).__name__}）",
                                "其中的文件都没有读取。请检查此文件夹的访问权限。"))
            continue
        for entry in entries:
            at = (*parts, entry.name)
            try:
                if entry.is_file():  # S_ISREG, of the target for a link
                    files.append((at, entry.path))
                    continue
                if entry.is_dir(follow_symlinks=False):
                    todo.append((at, entry.path))
                    if os.path.splitext(entry.name)[1].lower() not in filenames.WORKBOOK_SUFFIXES:
                        continue
            except OSError:
                pass
            odd = odd_entry(entry.path)
            if odd is not None:
                skipped.append((at, *odd))
    files.sort()
    skipped.sort()
    return Walk(files, skipped)


def skipped_findings(walked: Walk, year: int) -> list[Finding]:
    """IN014 for each entry of a year's folder that is not a regular file."""
    return [finding("IN014", file="/".join((str(year), *parts)), year=year, what=what,
                    advice=advice)
            for parts, what, advice in walked.skipped]


def year_paths(workbooks_dir: str | Path, year: int, walked: Walk | None = None) -> list[str]:
    """The quarter workbooks (and misplaced spreadsheets) of a year's folder, sorted.
    `walked`: the folder's walk, when the caller has it."""
    if walked is None:
        walked = walk(os.path.join(workbooks_dir, str(year)))
    return [path for parts, path in walked.files
            if os.path.splitext(parts[-1])[1].lower() in filenames.WORKBOOK_SUFFIXES
            and filenames.EARLIER_VERSIONS_DIR not in parts[:-1]
            and not _skipped(parts[-1], year)]


def year_files(workbooks_dir: str | Path, year: int) -> list[Path]:
    """year_paths, as Paths."""
    return [Path(p) for p in year_paths(workbooks_dir, year)]
