"""Where the staff's files live: folders and names of the quarter workbooks, the published tables
and the report text, and the dates of a quarter."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path, PurePath

from pipeline.workbooks import filenames

WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".ods")


# Earlier versions of a quarter's workbook, kept by `xxgk collect`; ingestion never reads them.
EARLIER_VERSIONS_DIR = "历史版本"


def is_temporary(name: str) -> bool:
    """Lock and temp files Excel/WPS/LibreOffice leave beside an open file, and hidden files."""
    return name.startswith(("~$", "."))


_QUARTER_DIR = re.compile(r"第([1-4])季度")


_QUARTER_FILE = re.compile(r"([12]\d{3})年第([1-4])季度-(.+)")


def quarter_dir_name(quarter: int) -> str:
    return f"第{quarter}季度"


def quarter_file_name(year: int, quarter: int, unit: str) -> str:
    return f"{year}年第{quarter}季度-{unit}.xlsx"


def quarter_path(workbooks_dir: str | Path, year: int, quarter: int, unit: str) -> Path:
    """workbooks/<Y>/第<Q>季度/<Y>年第<Q>季度-<unit>.xlsx"""
    return (Path(workbooks_dir) / str(year) / quarter_dir_name(quarter)
            / quarter_file_name(year, quarter, unit))


def published_file_name(year: int) -> str:
    return f"{year}年已公开报表.xlsx"


def report_text_file_name(year: int) -> str:
    return f"{year}年年报文字.xlsx"


def parse_quarter_path(rel_path: str | PurePath) -> tuple[int, int, str] | None:
    """(year, quarter, unit) of a path that follows the convention exactly, else None.

    Only the last three parts are looked at (<Y>/第<Q>季度/<Y>年第<Q>季度-<unit>.<ext>), and the
    folder's year and quarter must agree with the file name's."""
    parts = PurePath(rel_path).parts
    if len(parts) < 3:
        return None
    year_dir, quarter_dir, name = parts[-3:]
    stem, dot, ext = name.rpartition(".")
    if not dot or f".{ext.lower()}" not in WORKBOOK_SUFFIXES:
        return None
    m_dir = _QUARTER_DIR.fullmatch(quarter_dir)
    m_file = _QUARTER_FILE.fullmatch(stem)
    if not (m_dir and m_file and year_dir == m_file.group(1)
            and m_dir.group(1) == m_file.group(2)):
        return None
    return int(m_file.group(1)), int(m_file.group(2)), m_file.group(3)


def quarter_start(year: int, quarter: int) -> date:
    """The first day of a quarter."""
    return date(year, quarter * 3 - 2, 1)


def quarter_end(year: int, quarter: int) -> date:
    """The last day of a quarter."""
    first_of_next = date(year + quarter // 4, quarter % 4 * 3 + 1, 1)
    return first_of_next - timedelta(days=1)


def published_path(workbooks_dir: Path, year: int) -> Path:
    return workbooks_dir / str(year) / filenames.published_file_name(year)
