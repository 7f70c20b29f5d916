"""`xxgk review` without the terminal: the reports of the given files and folders reviewed in
year order (so each organ's report, or published tables, of the year before is known:
carry-over, repeated text), then
written under outputs/审核/: per report its findings (xlsx, JSON) and the tables it holds as a
published-tables workbook (the layout of `xxgk init --history`); for several, one summary."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from pipeline.core.atomic import atomic_path
from pipeline.core.findings import finding
from pipeline.core.sheet_cells import put_cell
from pipeline.outputs.findings_file import findings_json, write_findings_xlsx
from pipeline.reports_in.checks import Reviewed, review_document
from pipeline.reports_in.document import Document, Unreadable
from pipeline.reports_in.parts import layout
from pipeline.reports_in.reading import is_report, read_document
from pipeline.workbooks.published import read_published, write_published

REVIEW_FOLDER = "审核"


SUMMARY = "审核汇总.xlsx"


FINDINGS_XLSX, FINDINGS_JSON, TABLES = "审核结果.xlsx", "审核结果.json", "报告中的报表.xlsx"


SUMMARY_HEADERS = ("文件", "格式", "机关", "年度", "错误", "警告", "提示", "涉及规则", "审核结果")


FORMAT_NAMES = {"docx": "Word", "html": "网页", "pdf": "PDF", "text": "文本"}


def _files(paths: list[Path], found, given) -> list[Path]:
    """The files of the folders that `found` keeps, and the files given that `given` keeps."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted((f for f in p.rglob("*") if f.is_file() and found(f)),
                          key=lambda f: f.as_posix())
        elif given(p):
            out.append(p)
    return list(dict.fromkeys(out))


def _is_workbook(path: Path) -> bool:
    return path.suffix.lower() == ".xlsx" and not path.name.startswith("~$")


def find_reports(paths: list[Path]) -> list[Path]:
    """The files given (but published-tables workbooks), and the report files in the folders
    given (subfolders included), each once, in name order within each folder."""
    return _files(paths, is_report, lambda p: not _is_workbook(p))


# The title of a published-tables workbook (xxgk init --history, or one `xxgk review` wrote).
_HISTORY_TITLE = re.compile(r"^(.+?)((?:19|20)\d{2})年政府信息公开工作年度报表")


def find_history(paths: list[Path]) -> dict[tuple[str, int], Reviewed]:
    """Published-tables workbooks among the paths, by organ and year (from their title): the
    tables of a year before the reports, for the carry-over."""
    out: dict[tuple[str, int], Reviewed] = {}
    for path in _files(paths, _is_workbook, _is_workbook):
        try:
            wb = load_workbook(path, read_only=True)
            title = str(wb.worksheets[0]["A1"].value or "")
            wb.close()
        except Exception:  # noqa: BLE001 — any workbook that cannot be opened is no history
            continue
        m = _HISTORY_TITLE.match(title)
        if m:
            organ, year = m.group(1), int(m.group(2))
            tables, _ = read_published(path, year)
            out.setdefault((organ, year), Reviewed(path, "xlsx", organ, year, tables=tables))
    return out


@dataclass
class _Read:
    path: Path
    doc: Document | None
    organ: str
    year: int | None
    problem: str | None = None


def _read(path: Path, year: int | None) -> _Read:
    try:
        doc = read_document(path)
    except Unreadable as exc:
        return _Read(path, None, "", year, str(exc))
    lay = layout(doc)
    return _Read(path, doc, lay.organ, lay.year or year)


def review_all(paths: list[Path], year: int | None = None) -> list[Reviewed]:
    """Every report, the earlier years first (`year` for those that do not say theirs); a
    report whose organ has a report or published tables of the year before among them is
    checked against it."""
    read = [_read(p, year) for p in find_reports(paths)]
    done = find_history(paths)
    out: dict[Path, Reviewed] = {}
    for r in sorted(read, key=lambda r: (r.year or 0, r.path.as_posix())):
        if r.doc is None:
            out[r.path] = Reviewed(r.path, r.path.suffix.lower().lstrip("."), year=r.year,
                                   findings=[finding("RP001", file=r.path.name, year=r.year,
                                                     reason=r.problem)])
            continue
        previous = done.get((r.organ, r.year - 1)) if r.organ and r.year else None
        reviewed = review_document(r.doc, year, previous, r.path)
        out[r.path] = reviewed
        if r.organ and r.year:
            done[(r.organ, r.year)] = reviewed
    return [out[r.path] for r in read]


def _folder_names(reviewed: list[Reviewed]) -> dict[Path, str]:
    """A folder per report, named after its file; the same name twice gets (2), (3)…"""
    names: dict[Path, str] = {}
    used: Counter[str] = Counter()
    for r in reviewed:
        name = re.sub(r'[\\/:*?"<>|]', "_", r.path.name)
        used[name] += 1
        names[r.path] = name if used[name] == 1 else f"{name}（{used[name]}）"
    return names


def write_reviewed(outputs: Path, reviewed: list[Reviewed], *, summary: bool
                   ) -> tuple[dict[Path, Path], Path | None]:
    """Each report's findings and tables under outputs/审核/<file>/, and with `summary` the
    summary workbook: (folder of each report, summary or None)."""
    base = outputs / REVIEW_FOLDER
    folders = {}
    for r, name in zip(reviewed, _folder_names(reviewed).values(), strict=True):
        folder = base / name
        write_findings_xlsx(folder / FINDINGS_XLSX, r.findings)
        with atomic_path(folder / FINDINGS_JSON) as tmp:
            tmp.write_text(findings_json(r.findings), encoding="utf-8")
        if r.tables is not None and r.year:
            write_published(folder / TABLES, r.tables,
                            title=f"{r.organ}{r.year}年政府信息公开工作年度报表（已公开）")
        folders[r.path] = folder
    if not summary:
        return folders, None
    write_summary(base / SUMMARY, reviewed, folders)
    return folders, base / SUMMARY


def rules_text(r: Reviewed) -> str:
    """The rules found, worst first, each with its count: "RV001×2、TX031"."""
    counts = Counter(f.rule for f in r.findings if f.severity != "note")
    return "、".join(f"{rule}×{n}" if n > 1 else rule for rule, n in sorted(counts.items()))


def write_summary(path: Path, reviewed: list[Reviewed], folders: dict[Path, Path]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "审核汇总"
    for j, text in enumerate(SUMMARY_HEADERS, start=1):
        put_cell(ws, 1, j, text).font = Font(bold=True)
    ordered = sorted(reviewed, key=lambda r: (r.organ, r.year or 0, r.path.name))
    for i, r in enumerate(ordered, start=2):
        notes = sum(f.severity == "note" for f in r.findings)
        row = (r.path.name, FORMAT_NAMES.get(r.kind, r.kind), r.organ, r.year, r.errors,
               r.warnings, notes, rules_text(r), str(folders[r.path] / FINDINGS_XLSX))
        for j, v in enumerate(row, start=1):
            put_cell(ws, i, j, v).alignment = Alignment(vertical="top", wrap_text=j == 8)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:I{len(ordered) + 1}"
    for letter, width in zip("ABCDEFGHI", (40, 8, 30, 8, 8, 8, 8, 40, 60), strict=True):
        ws.column_dimensions[letter].width = width
    with atomic_path(path) as tmp:
        wb.save(tmp)
