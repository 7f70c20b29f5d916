"""The office's own words for the report: the paragraphs workbook (年报文字), one row per place
in the report, replacing or following the default text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.core import statutory
from pipeline.core.atomic import atomic_path
from pipeline.core.config import Config
from pipeline.core.findings import Finding, finding
from pipeline.core.numbers import as_written
from pipeline.report.placeholders import placeholder_catalogue
from pipeline.workbooks import sheet_reading

SHEET = "年报文字"


PLACEHOLDER_SHEET = "占位符说明"


COLUMNS = ("段落编号", "所属部分", "方式", "文字", "说明")


REPLACE = "替换默认"


APPEND = "追加在默认之后"


MODES = (REPLACE, APPEND)


# How the store keeps the mode: appended text starts with this mark, replacing text has none.
APPEND_MARK = "〔追加〕"


PREAMBLE_LABEL = "前言"


@dataclass(frozen=True)
class Slot:
    """A place in the report the office can write: a paragraph key and where it belongs."""

    key: str
    part: str  # a statutory part key, or "preamble"
    heading: str | None  # the sub-section heading, None for a part's opening text
    hint: str


_OVERVIEW_HINTS = {
    "proactive": "主动公开的内容类别、条数和政策解读情况",
    "requests": "依申请公开的渠道、收到和办理的申请",
    "management": "信息发布审核、管理制度",
    "platforms": "政府网站、公开栏等公开平台和渠道",
    "supervision": "考核、自查、问题整改、投诉举报",
}


_OTHER_HINTS = {
    "fees": "是否收取信息处理费（须与数据一致）",
    "key_points": "落实上级年度政务公开工作要点的情况",
}


SLOTS: tuple[Slot, ...] = (
    Slot("preamble", "preamble", None,
         "报告开头：编制依据和报告组成。统计期限和联系方式始终附在其后，无需填写"),
    Slot("overview.intro", "overview", None, "总体情况的开头综述"),
    *(Slot(f"overview.{k}", "overview", h, _OVERVIEW_HINTS.get(k, ""))
      for k, h in statutory.OVERVIEW_SECTIONS),
    Slot("problems", "problems", None,
         "必须写出本年度的具体问题和改进措施，不能写“无”，不能照抄上年"),
    *(Slot(f"other.{k}", "other", h, _OTHER_HINTS.get(k, "")) for k, h in statutory.OTHER_SECTIONS),
)


SLOT: dict[str, Slot] = {s.key: s for s in SLOTS}


PARAGRAPH_KEYS: tuple[str, ...] = tuple(SLOT)


def slot_label(key: str) -> str:
    """The section as a reader names it: the part heading followed by the section heading."""
    slot = SLOT[key]
    if slot.part == "preamble":
        return PREAMBLE_LABEL
    return statutory.PART_HEADINGS[slot.part] + (slot.heading or "")


def paragraphs_path(workbooks_dir: str | Path, year: int) -> Path:
    return Path(workbooks_dir) / str(year) / f"{year}年{SHEET}.xlsx"


def mark(mode: str, text: str) -> str:
    """The text as the store keeps it, with its mode."""
    return APPEND_MARK + text if mode == APPEND else text


def split_mode(stored: str) -> tuple[str, str]:
    """(mode, text) of a stored paragraph."""
    if stored.startswith(APPEND_MARK):
        return APPEND, stored[len(APPEND_MARK):]
    return REPLACE, stored


def write_paragraphs_workbook(path: str | Path, year: int,
                              rows: Mapping[str, tuple[str, str]],
                              *, cfg: Config | None = None) -> Path:
    """Write a paragraphs workbook listing every key; `rows` maps key -> (mode, text).

    With no rows it is the blank workbook an office fills. An existing workbook is never
    overwritten: it holds the office's own words.
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} 已存在，不会覆盖。如需重新生成，请先移走原文件。")
    unknown = sorted(set(rows) - set(PARAGRAPH_KEYS))
    if unknown:
        raise KeyError(f"unknown paragraph keys: {unknown}")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(COLUMNS)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for slot in SLOTS:
        mode, text = rows.get(slot.key, (REPLACE, ""))
        ws.append((slot.key, slot_label(slot.key), mode, text, slot.hint))
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    for col, width in zip("ABCDE", (22, 48, 16, 90, 40), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    last = len(SLOTS) + 1
    modes = DataValidation(type="list", formula1='"' + ",".join(MODES) + '"', allow_blank=True,
                           showErrorMessage=True, errorTitle="方式",
                           error="请选择：" + "、".join(MODES))
    modes.add(f"C2:C{last}")
    keys = DataValidation(type="list", formula1='"' + ",".join(PARAGRAPH_KEYS) + '"',
                          allow_blank=False, showErrorMessage=True, errorTitle="段落编号",
                          error="请从下拉列表中选择段落编号。")
    keys.add(f"A2:A{last}")
    ws.add_data_validation(modes)
    ws.add_data_validation(keys)
    ws.cell(last + 2, 1, f"{year}年度报告的文字。“方式”选“{REPLACE}”时用本段代替系统默认文字，"
                         f"选“{APPEND}”时接在默认文字之后；“文字”留空则使用默认文字。"
                         "一个单元格内可用换行（Alt+Enter）分段。数字请尽量用占位符，"
                         "如 {items_published_approx}，见“占位符说明”工作表。")
    ref = wb.create_sheet(PLACEHOLDER_SHEET)
    ref.append(("占位符", "含义"))
    for cell in ref[1]:
        cell.font = bold
    for name, description in placeholder_catalogue(cfg):
        ref.append(("{" + name + "}", description))
    ref.column_dimensions["A"].width = 40
    ref.column_dimensions["B"].width = 70
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _text(v) -> str:
    if v is None:
        return ""
    return (as_written(v) if isinstance(v, float) else str(v)).strip()


def read_paragraphs(path: str | Path, year: int, workbooks_dir: str | Path | None = None
                    ) -> tuple[list[tuple[int, str, str, str, str, str]], list[Finding]]:
    """The store's paragraph rows (year, key, marked text, file, sheet, cell) and findings.

    `file` is relative to `workbooks_dir` (default: the workbook's folder's parent). Rows with
    empty text are left out: that section keeps its default text.
    """
    path = Path(path)
    base = Path(workbooks_dir) if workbooks_dir is not None else path.parent.parent
    try:
        file = path.relative_to(base).as_posix()
    except ValueError:
        file = path.name
    columns = "、".join(COLUMNS)
    grids, reason = sheet_reading.read_grids(path, [SHEET])
    if reason is not None:
        return [], [finding("TX001", file=file, year=year, problem=f"无法打开（{reason}）",
                            columns=columns)]
    if SHEET not in grids:
        return [], [finding("TX001", file=file, year=year, problem=f"中没有工作表“{SHEET}”",
                            columns=columns)]
    grid = grids[SHEET]
    header = [_text(v) for v in grid[0]] if grid else []
    missing = [c for c in ("段落编号", "方式", "文字") if c not in header]
    if missing:
        return [], [finding("TX001", file=file, sheet=SHEET, cell="A1", year=year,
                            problem=f"第1行缺少列“{'、'.join(missing)}”", columns=columns)]
    i_key, i_mode, i_text = (header.index(c) for c in ("段落编号", "方式", "文字"))
    text_col = openpyxl.utils.get_column_letter(i_text + 1)
    rows: list[tuple[int, str, str, str, str, str]] = []
    findings: list[Finding] = []
    seen: dict[str, list[int]] = {}
    for r, values in enumerate(grid[1:], start=2):
        values = list(values) + [None] * (len(header) - len(values))
        key, mode, text = _text(values[i_key]), _text(values[i_mode]), _text(values[i_text])
        if not text:
            continue
        cell = f"{text_col}{r}"
        if key not in SLOT:
            findings.append(finding("TX002", file=file, sheet=SHEET, cell=f"A{r}", year=year,
                                    key=key, keys="、".join(PARAGRAPH_KEYS)))
            continue
        if mode and mode not in MODES:
            mode_col = openpyxl.utils.get_column_letter(i_mode + 1)
            findings.append(finding("TX003", file=file, sheet=SHEET, cell=f"{mode_col}{r}",
                                    year=year, key=key, mode=mode, modes="”或“".join(MODES)))
            continue
        seen.setdefault(key, []).append(r)
        rows.append((year, key, mark(mode or REPLACE, text), file, SHEET, cell))
    for key, at in seen.items():
        if len(at) > 1:
            findings.append(finding("TX004", file=file, sheet=SHEET, cell=f"A{at[1]}", year=year,
                                    key=key, rows="、".join(map(str, at))))
            rows = [row for row in rows if row[1] != key or row[5] == f"{text_col}{at[0]}"]
    return rows, findings
