"""The review result for people: an Excel list of findings (filterable, worst first) and JSON.

Messages quote what users typed, so a message may contain "=…": every text cell is written as
text, never as a formula.
"""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from pipeline.core.atomic import atomic_path, write_text
from pipeline.core.findings import SEVERITY_LABELS, Finding
from pipeline.core.rules.rule import SEVERITIES
from pipeline.core.sheet_cells import cell_order, put_cell

HEADERS = ("严重程度", "规则", "单位", "文件", "工作表", "单元格", "说明")










def sort_key(f: Finding) -> tuple:
    """Worst first, then by file, sheet and cell, so the same findings always list the same."""
    return (SEVERITIES.index(f.severity), f.file or "", f.sheet or "", cell_order(f.cell),
            f.rule, f.unit or "", f.year or 0, f.message)


def write_findings_xlsx(path: str | Path, findings: list[Finding]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "审核结果"
    for j, text in enumerate(HEADERS, start=1):
        put_cell(ws, 1, j, text).font = Font(bold=True)
    for i, f in enumerate(sorted(findings, key=sort_key), start=2):
        row = (SEVERITY_LABELS[f.severity], f.rule, f.unit, f.file, f.sheet, f.cell, f.message)
        for j, v in enumerate(row, start=1):
            put_cell(ws, i, j, v).alignment = Alignment(wrap_text=j == len(HEADERS),
                                                              vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:G{len(findings) + 1}"
    for letter, width in zip("ABCDEFG", (10, 8, 12, 40, 16, 8, 90), strict=True):
        ws.column_dimensions[letter].width = width
    with atomic_path(path) as tmp:
        wb.save(tmp)


def findings_json(findings: list[Finding]) -> str:
    """UTF-8 JSON, Chinese kept readable, same order as the workbook."""
    return json.dumps([f.to_dict() for f in sorted(findings, key=sort_key)],
                      ensure_ascii=False, indent=2) + "\n"


def write_findings(xlsx: str | Path, js: str | Path, findings: list[Finding]) -> None:
    """Both files of a year's findings, the workbook first. When they hold these findings
    already (the JSON reads the same, and the workbook has not been saved since), neither is
    written again: a rerun that changed no finding leaves them as they were."""
    xlsx, js = Path(xlsx), Path(js)
    text = findings_json(findings)
    try:
        same = (js.read_text(encoding="utf-8") == text
                and xlsx.stat().st_mtime_ns <= js.stat().st_mtime_ns)
    except (OSError, UnicodeDecodeError):
        same = False
    if not same:
        write_findings_xlsx(xlsx, findings)
        write_text(js, text)
