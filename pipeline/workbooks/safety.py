"""What a workbook file must pass before a parser touches it.

The quarter workbooks are typed by many people in WPS, Excel and LibreOffice and mailed around.
A file may be empty, cut short, not a spreadsheet at all, password protected, far too large, a
zip that inflates to gigabytes, or XML that declares entities (a "billion laughs"). Each of these
is refused here, with a rule ID, before calamine opens the file: a bad file costs one finding,
never the run. The same pass refuses macros and zips that hold a name twice, and finds what
calamine cannot report: every formula of an .xlsx or .ods (with no saved result calamine reads
it as blank; with one, as if the number had been typed), error values such as #DIV/0! (calamine
reads them as blank), and sheets whose used area is so large that reading them would exhaust
memory.

Nothing here trusts what a file declares about itself: every zip member is inflated and counted,
and the XML is searched for DOCTYPE/ENTITY declarations before any XML parser sees it. calamine
then opens an .xlsx from the members inflated here, put into a zip without compression: it reads
exactly the bytes that were checked, and does not inflate them a second time.

It runs on every file of a city, so each search over a sheet's bytes is a single pass of re (or a
byte search) that an ordinary sheet passes; the slower exact count or parse runs only on a hit,
and a screen may hit where the exact check then finds nothing, never the other way round.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from datetime import date, time, timedelta
from pathlib import Path

from openpyxl.utils.cell import get_column_letter
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from pipeline.workbooks.olescan import _scan_ole
from pipeline.workbooks.scanned import (
    _OLE_MAGIC,
    _ZIP_MAGIC,
    MAX_FILE_BYTES,
    Problem,
    Scan,
    human_size,
    not_a_spreadsheet,
    oversized,
    what_it_is,
)
from pipeline.workbooks.zipscan import _scan_zip

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)








































def scan_file(path: str | Path) -> Scan:
    """Check one workbook file before it is parsed; never raises."""
    path = Path(path)
    scan = Scan()
    suffix = path.suffix.lower()
    try:
        # without waiting: a FIFO put where the file was would block open() until a writer came
        with open(os.open(path, _OPEN_FLAGS), "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                return scan.refuse("IN001", reason="这不是普通文件（可能是文件夹、管道或设备）")
            if st.st_size == 0:
                return scan.refuse("IN004")
            if st.st_size > MAX_FILE_BYTES:
                return scan.refuse("IN007", size=human_size(st.st_size),
                                   limit=human_size(MAX_FILE_BYTES))
            data = fh.read()
    except OSError as exc:
        return scan.refuse("IN001", reason=f"系统无法读取此文件：{type(exc).__name__}")
    scan.data = data
    if data.startswith(_ZIP_MAGIC):
        _scan_zip(data, path.suffix, scan)
    elif data.startswith(_OLE_MAGIC):
        _scan_ole(data, path.suffix, scan)
    else:
        scan.refuse("IN001", reason=not_a_spreadsheet(path.suffix, what_it_is(data)))
    if scan.kind is not None and scan.kind != suffix:
        scan.problems.append(Problem("IN010", {"suffix": path.suffix or "无",
                                               "actual": scan.kind}))
    return scan
















def _filled(value) -> bool:
    return bool(str(value).strip())


def _number_or_date(value) -> bool:
    return (type(value) in (int, float)
            or isinstance(value, date | time | timedelta))  # datetime is a date


def extra_sheets_with_data(workbook: CalamineWorkbook, known: Iterable[str],
                           skip: Iterable[str] = ()) -> list[tuple[str, str, bool]]:
    """(sheet name, cell, hidden) of each sheet that is not one of `known` and holds data that
    would silently be ignored: a hidden sheet holding anything (its first filled cell), or a
    visible one holding a number or a date (the first such cell; text alone, such as notes,
    loses nothing). Sheets in `skip` (too large) are not read."""
    known, skip = set(known), set(skip)
    out = []
    for meta in workbook.sheets_metadata:
        if meta.name in known or meta.name in skip:
            continue
        hidden = meta.visible != SheetVisibleEnum.Visible
        holds = _filled if hidden else _number_or_date
        try:
            sheet = workbook.get_sheet_by_name(meta.name)
            end = sheet.end or (0, 0)
            if oversized(end[0] + 1, end[1] + 1):
                continue
            rows = sheet.to_python(skip_empty_area=False)
        except BaseException as exc:  # noqa: B036 - calamine's panics derive from BaseException
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            continue  # a chart sheet or an unreadable one holds no cells to lose
        cell = next((f"{get_column_letter(c + 1)}{r + 1}" for r, row in enumerate(rows)
                     for c, v in enumerate(row) if holds(v)), None)
        if cell:
            out.append((meta.name, cell, hidden))
    return out
