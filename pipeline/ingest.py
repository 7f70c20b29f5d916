"""Reading the quarter workbooks into records, with the cell every value came from.

Files are read with python-calamine (.xlsx, .xls, .ods) and never written. Bad input never
raises: every problem becomes a finding naming the file, sheet and cell, and the other files
are still read. Personal columns of the application register are never read into records.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import io
import itertools
import multiprocessing
import os
import re
import stat
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl.utils.cell import get_column_letter
from python_calamine import CalamineWorkbook, PasswordError, WorksheetNotFound
from tqdm import tqdm

from pipeline import cache, layout, normalize, safety, statutory
from pipeline.config import Config
from pipeline.findings import Finding, define, finding, rule_title
from pipeline.layout import Grid, Register, coordinates
from pipeline.records import Application, Case, Fact, Header, Source

# --- Rules -------------------------------------------------------------------------------------

# Values no sub-district can have (the rule texts quote them). A quarter's count in a grid
# above GRID_COUNT_LARGE (~1,600 a working day) is far beyond any sub-district: a warning;
# above GRID_COUNT_IMPOSSIBLE (~16,000 a working day) it cannot be true: an error, not counted.
# Consultation longer than a year's working days (~250; a quarter has ~62) and a fee above
# what the fee rules (国办函〔2020〕109号) could charge for one application cannot be true
# either: errors, and the value is read as not filled (not used for the deadline, the fees).
GRID_COUNT_LARGE = 100_000
GRID_COUNT_IMPOSSIBLE = 1_000_000
MAX_CONSULT_DAYS = 250
MAX_FEE = 100_000

define("IN001", "error", "文件无法打开",
       "无法打开此文件（{reason}）。请用 Excel 或 WPS 打开确认文件没有损坏，另存为 .xlsx 后重新放入。")
define("IN002", "error", "缺少工作表",
       "缺少工作表“{name}”，该部分未读取。请不要删除工作表或修改工作表名称；如已改动，请把此文件移到 "
       "workbooks 文件夹以外，运行 xxgk init --year {file_year} --quarter {file_quarter} 重新生成报表，再把数字抄过去。")
define("IN003", "error", "表格结构被改动",
       "此单元格应为“{expected}”，实际为“{found}”，整张工作表未读取。请不要插入或删除行列、修改标题；"
       "如已改动，请把此文件移到 workbooks 文件夹以外，运行 xxgk init --year {file_year} --quarter {file_quarter} "
       "重新生成报表，再把数字抄过去。")
define("IN013", "error", "工作表无法读取",
       "工作表“{name}”中有无法读取的内容（{reason}），该工作表未读取。常见原因是日期或时间格式的单元格里"
       "填了很大的数或负数（如身份证号、电话号码）：请检查这张表的日期列，改正后保存。")
define("IN014", "warning", "不是普通文件，已跳过",
       "这是{what}，不是普通文件，已跳过，没有打开。{advice}")
define("IN107", "error", "合并单元格",
       "单元格 {range} 是合并单元格，覆盖了{count}个要分别填写的单元格（{labels}），均未读取。"
       "请取消合并，每个单元格分别填写。")
define("IN101", "note", "未填写",
       "{label}未填写（单元格为{what}）。本季度没有的请填0，有则填写实际数字。")
define("IN108", "error", "已确认的报表有空白单元格",
       "{label}未填写（单元格为{what}），但本报表已确认“{done}”。已确认的报表不能留空："
       "本季度没有的请填0，有则填写实际数字；如果还没填完，请把“填报确认”改为“{filling}”。")
define("IN102", "error", "数字填写有误", "{label}填写有误：{detail}")
define("IN103", "error", "日期填写有误", "{label}填写有误：{detail}")
define("IN104", "error", "选项填写有误", "{label}填写有误：{detail}")
define("IN201", "error", "台账缺少必填项",
       "{what}“{ident}”未填写“{column}”。{hint}")
define("IN202", "error", "台账日期先后不符",
       "{what}“{ident}”的{later}（{later_value}）早于{earlier}（{earlier_value}）。请核对这两个日期。")
define("IN203", "error", "台账日期超出范围",
       "{what}“{ident}”的{column}为 {value}，不在 {start} 至 {end} 之内。请核对年份是否写错；"
       "本季度之后发生的事项请登记在以后季度的报表中。")
define("IN204", "error", "台账缺少编号",
       "此行有内容，但未填写“{column}”。请填写编号（如 {example}）；上季度结转的沿用原编号。"
       "如果这一行是多余的，请把整行内容清除。")
define("IN205", "error", "台账编号重复",
       "“{column}”为“{ident}”的行在本表出现了不止一次（第{first}行已有），本行未读取。"
       "同一件事项在一张表中只登记一行，请合并，或改正编号。")
define("IN206", "error", "答复日期与办理结果不配套",
       "申请“{ident}”填写了“{filled}”，但未填写“{missing}”。已办结的两项都要填写；尚未办结的两项都留空。")
define("IN207", "warning", "编号中有看不见的字符",
       "{column}“{ident}”中有看不见的字符：{chars}，已按去掉后的“{ident}”读取。这类字符常随复制"
       "粘贴带入，会让两个看起来相同的编号对不上（同一件事项被当作两件）。请在单元格中重新输入编号。")
define("IN208", "note", "台账中只有预填序号的行",
       "本表有 {count} 行（第{first}行至第{last}行之间）只在“{column}”列填了序号（如 1、2、3），"
       "其他各列都是空白，已按空行处理，不计入表格。如果其中有已登记的{what}，请补填收到日期等内容；"
       "序号可以保留，也可以删去。")
define("IN209", "error", "征求第三方意见天数不合实际",
       f"申请“{{ident}}”的“{{column}}”为 {{value}} 天，超过一年的工作日数（{MAX_CONSULT_DAYS} 天；"
       "一个季度约62个工作日），不可能属实，未使用：这件申请是否按时答复暂无法核对。请核对是否多打了位数；"
       "天数按工作日计，只填等待第三方或其他机关意见的天数。")
define("IN210", "error", "信息处理费金额不合实际",
       f"申请“{{ident}}”的“{{column}}”为 {{value}} 元，超过 {MAX_FEE} 元。按《政府信息公开信息处理费"
       "管理办法》的标准，一件申请的收费远到不了这个数，未计入收费金额。请核对是否多打了位数，"
       "或把别的数（如电话号码、全年合计）填在了这里；金额以元为单位。")
define("IN301", "error", "渠道条数多于去重条数",
       "“{category}”在“{channel}”公开 {count} 条，多于本类别去重后的 {distinct} 条。"
       "去重条数不能少于任一渠道的条数，请核对。")
define("IN302", "warning", "各渠道条数之和少于去重条数",
       "“{category}”各渠道条数之和为 {total}，少于去重后的 {distinct} 条。每条信息至少要通过一个渠道公开，"
       "请核对是否漏填了渠道。")

define("ST001", "error", "填报确认不完整",
       "已选择“{choice}”，但未填写“{field}”。确认报表时要填写填报人、联系电话和填报日期；"
       "如果还没填完，请把“填报确认”改为“{filling}”。")
define("ST002", "error", "联系电话填写有误",
       "“联系电话”填写有误：应为本单位的办公电话（7至20位数字，可带区号和“-”），如 0472-1234567。")
define("ST003", "error", "填报日期不合理",
       "“填报日期”为 {value}，不在本季度开始（{start}）至次年同期（{end}）之间。请填写确认报表的实际日期。")
define("ST004", "error", "声明无新增事项但填有数据",
       "“填报确认”选择了“{nothing}”，但{what}。有事项的，请把“填报确认”改为“{done}”；"
       "确实没有的，请删去这些内容。")
define("IN303", "warning", "数字远超街道规模",
       f"{{label}}为 {{value}}，超过 {GRID_COUNT_LARGE}：一个街道（乡镇）一个季度远到不了这个数。"
       "请核对是否多打了几位，或把全年、全区的数字填在了这里；确实无误的可以不改。")
define("IN304", "error", "数字大得不可能",
       f"{{label}}为 {{value}}，超过 {GRID_COUNT_IMPOSSIBLE}（相当于每个工作日上万件），不可能属实，"
       "未计入表格。请核对是否多打了几位，或误填了电话、证件号码等其他数字。")

define("ID101", "error", "文件位置或名称不符合约定",
       "文件位置或名称不符合约定，未读取。{expected}")
define("ID102", "error", "填报单位不在名单中",
       "表内填报单位“{name}”不在 xxgk.toml 的单位名单中（{units}），未读取。请使用名单中的名称，"
       "或先在 xxgk.toml 的 [units] 中添加该单位后重新生成报表。")
define("ID103", "error", "表内信息与文件名不符",
       "表内基本信息是“{inside}”，但文件名表示“{outside}”，未读取。请确认是否放错了季度或单位："
       "这张表应保存为 {expected}。")
define("ID104", "error", "报表版本不受支持",
       "此报表是版本“{version}”的模板，本系统只能读取版本 {supported}，未读取。请把此文件移到 workbooks "
       "文件夹以外，运行 xxgk init --year {file_year} --quarter {file_quarter} 生成新版报表，再把旧表中的数字抄到新表中。")
define("ID105", "error", "同一单位同一季度有多个文件",
       "{name}{file_year}年第{file_quarter}季度有 {count} 个报表文件：{files}。这些文件都未读取。每个单位每季度只能"
       "保留一个文件，请删除或移走多余的文件。")
define("ID107", "error", "报表年度与所在文件夹不符",
       "表内年度为 {inside} 年，但文件放在 {folder} 年的文件夹中，未读取，按未交处理。这通常是复制了往年的"
       "报表后填写的：请把此文件移出 workbooks 文件夹，让填报人在 {folder} 年第{file_quarter}季度的报表中重新填写"
       "（协调人可运行 xxgk init --year {folder} --quarter {file_quarter} 生成）。不要把它改存到 {inside} 年的"
       "文件夹：那里是 {inside} 年已归档的报表。")
define("ID106", "error", "基本信息无法识别",
       "基本信息中的“{label}”为“{value}”，无法识别，未读取此文件。基本信息表不要修改；"
       "如已改动，请把此文件移到 workbooks 文件夹以外，用 xxgk init 重新生成报表，再把数字抄过去。")
define("ID120", "error", "填报单位名称中有看不见的字符",
       "表内填报单位“{name}”中有看不见的字符：{chars}{known}，未读取。这类字符常随复制粘贴带入，"
       "会让名称看起来对、实际对不上。请把此文件移到 workbooks 文件夹以外，运行 xxgk init --year "
       "{file_year} --quarter {file_quarter} 重新生成报表，再把数字抄过去。")
define("ID121", "error", "文件名中有看不见的字符",
       "文件名中的单位名称“{name}”有看不见的字符：{chars}，未读取。请把文件改名为 {expected}"
       "（重新输入文件名中的单位名称，不要复制粘贴）。")


# --- Results -----------------------------------------------------------------------------------

@dataclass
class FileResult:
    """One workbook: its header as written inside (if readable), whether its identity was
    accepted, and the records and findings read from it (no records unless accepted)."""

    file: str
    header: Header | None = None
    accepted: bool = False
    facts: list[Fact] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class IngestResult:
    year: int
    headers: list[Header] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


# --- Sheets as grids ---------------------------------------------------------------------------

class Sheet:
    """A sheet's values from A1 (calamine), addressed by row/column number or "C7", and its
    merged ranges as (first row, first column, last row, last column), 1-based."""

    def __init__(self, name: str, rows: list[list],
                 merged: tuple[tuple[int, int, int, int], ...] = ()):
        self.name = name
        self.rows = rows
        self.merged = merged

    def at(self, row: int, col: int):
        if row - 1 < len(self.rows) and col - 1 < len(self.rows[row - 1]):
            return self.rows[row - 1][col - 1]
        return None

    def cell(self, address: str):
        return self.at(*coordinates(address))

    def values(self, positions: Sequence[tuple[int, int]]) -> list:
        """`at` of each (row, column), in one call (~0.2 µs a cell less)."""
        rows = self.rows
        try:
            return [rows[row - 1][col - 1] for row, col in positions]
        except IndexError:  # some beyond the sheet's used area
            return [self.at(row, col) for row, col in positions]

    def put(self, address: str, value) -> None:
        """Replace one cell's value (used for formulas calamine cannot read)."""
        row, col = coordinates(address)
        self.rows.extend([] for _ in range(row - len(self.rows)))
        line = self.rows[row - 1]
        line.extend("" for _ in range(col - len(line)))
        line[col - 1] = value

    def merges_rows(self, rows: Iterable[int]) -> bool:
        """Whether a merged range reaches any of the rows: when none does, no cell of them
        need be looked for in the merged ranges."""
        return any(r0 <= row <= r1 for r0, _, r1, _ in self.merged for row in rows)

    def merged_range(self, address: str) -> str | None:
        """The merged range ("B4:B5") a cell lies in, if any."""
        row, col = coordinates(address)
        for r0, c0, r1, c1 in self.merged:
            if r0 <= row <= r1 and c0 <= col <= c1:
                return f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}"
        return None

    @property
    def height(self) -> int:
        return len(self.rows)


def open_workbook(path: str | Path, scan: safety.Scan | None = None) -> CalamineWorkbook:
    """Open a spreadsheet by its content, not its extension, once it passed the safety checks
    (`scan`, made here when not given, whose bytes it takes: one scan opens one workbook);
    a refused file raises safety.Refused."""
    scan = safety.scan_file(path) if scan is None else scan
    if scan.refused:
        raise safety.Refused(scan.problems)
    return CalamineWorkbook.from_filelike(io.BytesIO(scan.take_data()))


def _too_large(found) -> tuple[str, int, int] | None:
    """(far cell, rows, columns) of a sheet calamine opened whose used area is too large to
    read: the safety scan looks inside .xlsx sheets only, not .xls or .ods."""
    end = found.end or (0, 0)
    rows, cols = end[0] + 1, end[1] + 1
    return (f"{get_column_letter(cols)}{rows}", rows, cols) if safety.oversized(rows, cols) \
        else None


def read_grids(path: str | Path, names: Iterable[str]
               ) -> tuple[dict[str, list[list]], str | None]:
    """The values of those of the named sheets the file has, read after the same safety checks
    as a quarter's workbook (for the published tables and the report text); or ({}, reason in
    Chinese) when the file, or one of these sheets, cannot be read safely."""
    scan = safety.scan_file(path)
    if scan.refused:
        return {}, "、".join(dict.fromkeys(rule_title(p.rule) for p in scan.problems))
    grids: dict[str, list[list]] = {}
    try:
        with open_workbook(path, scan) as workbook:
            for name in names:
                if name in scan.oversized:
                    return {}, f"{rule_title('IN012')}（“{name}”）"
                if name in workbook.sheet_names:
                    found = workbook.get_sheet_by_name(name)
                    if _too_large(found):
                        return {}, f"{rule_title('IN012')}（“{name}”）"
                    grids[name] = found.to_python(skip_empty_area=False)
    except BaseException as exc:  # noqa: B036 - a panic in calamine is a finding too
        if isinstance(exc, _INTERRUPTS):
            raise
        return {}, _SHEET_ERRORS.get(type(exc).__name__, type(exc).__name__)
    return grids, None


def _to_sheet(sheet) -> Sheet:
    merged = tuple((r0 + 1, c0 + 1, r1 + 1, c1 + 1)
                   for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ())
    return Sheet(sheet.name, sheet.to_python(skip_empty_area=False), merged)


def read_sheet(workbook: CalamineWorkbook, name: str) -> Sheet:
    return _to_sheet(workbook.get_sheet_by_name(name))


def register_rows(sheet: Sheet, register: Register) -> Iterator[tuple[int, list]]:
    """(row number, raw cells in column order) of every register row that is not fully empty."""
    width = len(register.columns)
    for row, line in enumerate(sheet.rows[layout.FIRST_ROW - 1:], layout.FIRST_ROW):
        cells = line[:width]
        if cells.count("") == len(cells):  # calamine's empty cells: no cell need be cleaned
            continue
        cells += [None] * (width - len(cells))
        if any(normalize.clean_text(v) for v in cells):
            yield row, cells


# --- Reading one file --------------------------------------------------------------------------

@dataclass
class _Context:
    """Where findings of one file go, with the identity they are reported under."""

    cfg: Config
    file: str
    unit: str | None = None
    year: int | None = None
    quarter: int | None = None
    declaration: str | None = None  # the officer's 填报确认 (layout.DECLARATIONS key)
    findings: list[Finding] = field(default_factory=list)

    def add(self, rule: str, sheet: str | None = None, cell: str | None = None, **fields):
        self.findings.append(finding(rule, unit=self.unit, file=self.file, sheet=sheet,
                                     cell=cell, year=self.year, **fields))

    def init_fields(self) -> dict[str, object]:
        """Year and quarter for an `xxgk init` instruction (placeholders when unknown)."""
        return {"file_year": self.year or "<年份>", "file_quarter": self.quarter or "<季度>"}

    def source(self, sheet: str, cell: str) -> Source:
        return Source(self.file, sheet, cell)


def relative_name(workbooks_dir: str | Path, path: str | Path) -> str:
    """A workbook's path relative to the workbooks folder, with forward slashes. Paths found
    under the folder start with it: cut it off (os.path.relpath costs ~25 µs a file)."""
    base, full = os.fspath(workbooks_dir), os.fspath(path)
    if full.startswith(base) and full[len(base):len(base) + 1] == os.sep and base:
        rel = full[len(base) + 1:]
    else:
        rel = os.path.relpath(full, base)
    return rel.replace(os.sep, "/")


def ingest_file(cfg: Config, workbooks_dir: str | Path, path: str | Path) -> FileResult:
    """Read one quarter's workbook (path as given, like open()); every problem becomes a
    finding, nothing is raised."""
    path = Path(path)
    ctx = _Context(cfg, relative_name(workbooks_dir, path))
    named = layout.parse_quarter_path(ctx.file)
    if named:
        ctx.year, ctx.quarter, ctx.unit = named
    result = FileResult(ctx.file, findings=ctx.findings)
    scan = safety.scan_file(path)  # before any parser: size, format, bombs, formulas
    for problem in scan.problems:
        ctx.add(problem.rule, **problem.fields)
    if scan.refused:
        return result
    try:
        with open_workbook(path, scan) as workbook:
            _read_workbook(workbook, named, ctx, result, scan)
    except BaseException as exc:  # noqa: B036 - an unreadable file is a finding, never a crash
        if isinstance(exc, _INTERRUPTS):
            raise
        result.accepted = False
        result.facts, result.applications, result.cases = [], [], []
        if isinstance(exc, PasswordError):
            ctx.add("IN005")
        else:
            ctx.add("IN001", reason=_OPEN_ERRORS.get(type(exc).__name__, type(exc).__name__))
    return result


# calamine's errors, as the reason in IN001 and IN013
_OPEN_ERRORS = {"XmlError": "表格内部的 XML 有错误", "ZipError": "压缩包已损坏",
                "CalamineError": "表格内容无法解析"}
_SHEET_ERRORS = {**_OPEN_ERRORS, "OverflowError": "有数值超出可表示的范围",
                 "PanicException": "有读取程序无法处理的数值"}


def _read_workbook(workbook: CalamineWorkbook, named, ctx: _Context, result: FileResult,
                   scan: safety.Scan) -> None:
    sheets = _SheetReader(workbook, ctx, scan)
    result.header = _read_header(sheets, ctx)
    unit = None if result.header is None else _identity_ok(result.header, named, ctx)
    if unit is None:
        return
    if unit != result.header.unit:  # written another way (full-width, compatibility forms)
        result.header = dataclasses.replace(result.header, unit=unit)
    result.accepted = True
    ctx.unit, ctx.year, ctx.quarter = (result.header.unit, result.header.year,
                                       result.header.quarter)
    confirmation = _read_confirmation(sheets.get(layout.SHEET_HEADER), ctx)
    ctx.declaration = confirmation["declaration"]
    for name, cell, hidden in safety.extra_sheets_with_data(workbook, layout.SHEETS,
                                                            scan.oversized):
        ctx.add("IN011" if hidden else "IN017", sheet=name, cell=cell, name=name, at=cell)
    for grid in layout.grids(ctx.cfg):
        result.facts += _read_grid(sheets, grid, ctx)
    _check_channels(result.facts, layout.disclosure_grid(ctx.cfg), ctx)
    result.applications = _read_applications(sheets, ctx)
    result.cases = _read_cases(sheets, ctx)
    touched = _touched(sheets, ctx.cfg)
    if not touched:  # an untouched template is 未填 as a whole, not a list of blank cells
        ctx.findings[:] = [f for f in ctx.findings if f.rule != "IN101"]
    if ctx.declaration == layout.NOTHING:
        _contradictions(result, ctx)
    result.header = dataclasses.replace(result.header, touched=touched, officer=confirmation["officer"],
                            officer_phone=confirmation["phone"], confirmed_on=confirmation["date"],
                            declaration=ctx.declaration)


_PHONE_DIGITS = range(7, 21)


def _read_confirmation(sheet: Sheet | None, ctx: _Context) -> dict[str, object]:
    """The 填报确认 block of the header sheet: officer, phone, date and declaration (each None
    when blank or wrong). A confirming declaration needs the other three."""
    values: dict[str, object] = dict.fromkeys(c.key for c in layout.CONFIRM_FIELDS)
    if sheet is None or not _labels_ok(sheet, layout.CONFIRM_LABEL_CELLS.items(), ctx):
        return values
    lists = layout.choice_lists(ctx.cfg)
    errored: set[str] = set()
    for column in layout.CONFIRM_FIELDS:
        cell = layout.CONFIRM_CELLS[column.key]
        raw = sheet.cell(cell)
        label = f"“{column.label}”"
        if type(raw) is safety.Formula:
            raw = _formula_value(raw, sheet.name, cell, label, column.kind, ctx)
            if raw is _UNUSABLE:
                errored.add(column.key)
                continue
        parsed = _parse_cell(raw, column, lists, ctx.year)
        if parsed.error:
            errored.add(column.key)
            ctx.add(_ERROR_RULE[column.kind], sheet=sheet.name, cell=cell, label=label,
                    detail=parsed.error)
        else:
            values[column.key] = parsed.value
    declaration = values["declaration"]
    if declaration not in layout.CONFIRMING:
        return values
    declarations = dict(layout.DECLARATIONS)
    for column in layout.CONFIRM_FIELDS[:3]:
        if values[column.key] is None and column.key not in errored:
            ctx.add("ST001", sheet=sheet.name, cell=layout.CONFIRM_CELLS[column.key],
                    choice=declarations[declaration], field=column.label,
                    filling=declarations[layout.FILLING])
    phone = values["phone"]
    if phone is not None and sum(ch.isdigit() for ch in str(phone)) not in _PHONE_DIGITS:
        ctx.add("ST002", sheet=sheet.name, cell=layout.CONFIRM_CELLS["phone"])
        values["phone"] = None
    day = values["date"]
    start = layout.quarter_start(ctx.year, ctx.quarter)
    end = layout.quarter_end(ctx.year + 1, ctx.quarter)
    if day is not None and not start <= day <= end:
        ctx.add("ST003", sheet=sheet.name, cell=layout.CONFIRM_CELLS["date"],
                value=day.isoformat(), start=start.isoformat(), end=end.isoformat())
        values["date"] = None
    return values


def _touched(sheets: _SheetReader, cfg: Config) -> bool:
    """Whether any input differs from the template as issued (its fingerprint on the hidden
    lists sheet); a workbook whose inputs cannot all be read counts as touched."""
    lists = sheets.peek(layout.SHEET_LISTS)
    header = sheets.peek(layout.SHEET_HEADER)
    stored = normalize.clean_text(lists.cell(layout.FINGERPRINT_CELL)) if lists else ""
    grids = [sheets.peek(g.sheet) for g in layout.grids(cfg)]
    registers = [sheets.peek(r.sheet) for r in layout.REGISTERS]
    if not stored or header is None or None in grids or None in registers:
        return True
    grid_values = [v for g, sheet in zip(layout.grids(cfg), grids, strict=True)
                   for v in sheet.values(g.input_positions)]
    rows = [list(register_rows(sheet, reg))
            for reg, sheet in zip(layout.REGISTERS, registers, strict=True)]
    confirmation = [header.cell(c) for c in layout.CONFIRM_CELLS.values()]
    return layout.fingerprint(grid_values, rows, confirmation) != stored


def _contradictions(result: FileResult, ctx: _Context) -> None:
    """A quarter declared empty (本季度无新增事项) holds no event: no number typed into a flow
    cell, no application or case received in the quarter (ST004, once per sheet)."""
    declarations = dict(layout.DECLARATIONS)
    words = {"nothing": declarations[layout.NOTHING], "done": declarations[layout.DONE]}
    typed: dict[str, list[Fact]] = {}
    for f in result.facts:
        if f.value and not (f.topic == "article20" and (f.key, f.dim) in statutory.STOCK_CELLS):
            typed.setdefault(f.sheet, []).append(f)
    for sheet, facts in typed.items():
        cells = "、".join(f.cell for f in facts[:3]) + ("等" if len(facts) > 3 else "")
        ctx.add("ST004", sheet=sheet, cell=facts[0].cell,
                what=f"工作表“{sheet}”的 {cells} {len(facts)} 个单元格填有数字", **words)
    start = layout.quarter_start(ctx.year, ctx.quarter)
    for what, records in (("申请", result.applications), ("案件", result.cases)):
        new = [r for r in records if r.received and start <= r.received]
        if new:
            r = new[0]
            ident = getattr(r, "app_id", None) or getattr(r, "case_id", "")
            ctx.add("ST004", sheet=r.source.sheet, cell=r.source.cell,
                    what=f"台账中登记了本季度收到的{what}“{ident}”等 {len(new)} 件", **words)


# What must never be turned into a finding. Everything else a parser throws is one, including
# calamine's Rust panics (pyo3 PanicException derives from BaseException, not Exception).
_INTERRUPTS = (KeyboardInterrupt, SystemExit)


class _SheetReader:
    """Sheets by name; a missing (IN002), too large (IN012) or unreadable (IN013) one is
    reported and gives None. Formulas and error values are put in as safety.Formula."""

    def __init__(self, workbook: CalamineWorkbook, ctx: _Context, scan: safety.Scan):
        self.workbook = workbook
        self.ctx = ctx
        self.scan = scan
        self._read: dict[str, Sheet | None] = {}

    def peek(self, name: str) -> Sheet | None:
        """A sheet read before (or read now) without reporting anything again."""
        if name not in self._read:
            findings = len(self.ctx.findings)
            self.get(name)
            del self.ctx.findings[findings:]
        return self._read[name]

    def _too_large(self, name: str, far: str, rows: int, cols: int) -> None:
        self.ctx.add("IN012", sheet=name, cell=far, name=name, at=far, rows=rows, cols=cols)

    def get(self, name: str) -> Sheet | None:
        if name in self._read:
            return self._read[name]
        self._read[name] = sheet = self._get(name)
        return sheet

    def _get(self, name: str) -> Sheet | None:
        if name in self.scan.oversized:
            self._too_large(name, *self.scan.oversized[name])
            return None
        try:
            found = self.workbook.get_sheet_by_name(name)
            too_large = _too_large(found)
            if too_large:
                self._too_large(name, *too_large)
                return None
            sheet = _to_sheet(found)
        except WorksheetNotFound:  # missing or renamed sheet
            self.ctx.add("IN002", sheet=name, name=name, **self.ctx.init_fields())
            return None
        except BaseException as exc:  # noqa: B036 - a panic in calamine is a finding too
            if isinstance(exc, _INTERRUPTS):
                raise
            self.ctx.add("IN013", sheet=name, name=name,
                         reason=_SHEET_ERRORS.get(type(exc).__name__, type(exc).__name__))
            return None
        for address, formula in self.scan.formulas.get(name, {}).items():
            sheet.put(address, formula.reading(sheet.cell(address)))
        return sheet


# What to type instead of a formula or an error value, by the kind of cell.
_TYPE_INSTEAD = {layout.COUNT: "数字（没有请填 0）", layout.AMOUNT: "数字（没有请填 0）",
                 layout.CHOICE: "下拉列表中的选项", layout.OUTCOME: "下拉列表中的选项",
                 layout.TEXT: "内容"}

# What each error value means, in Chinese.
_ERROR_MEANINGS = {
    "#DIV/0!": "除数为 0", "#REF!": "引用的单元格已被删除或无效", "#N/A": "查找不到数据",
    "#VALUE!": "参与计算的内容类型不对，如把文字当作数字", "#NAME?": "公式中有无法识别的函数或名称",
    "#NUM!": "数值无效或超出范围", "#NULL!": "引用的区域没有交集",
}

# What a formula cell gives when its value cannot be used (it is reported).
_UNUSABLE = object()


def _formula_value(formula: safety.Formula, sheet: str, cell: str, label: str, kind: str,
                   ctx: _Context):
    """What to read from a cell holding a formula or an error value, which is reported: plain
    arithmetic with a saved result gives that result (IN111, a warning); a link to another
    workbook (IN106), any other formula (IN112), an error value (IN110) or a formula with no
    saved result (IN105) give _UNUSABLE."""
    shown = normalize.shown(formula)
    where = {"sheet": sheet, "cell": cell, "label": label}
    instead = (f"日期（如 {ctx.year}-05-06）" if kind == layout.DATE
               else _TYPE_INSTEAD.get(kind, "内容"))
    if formula.external:
        ctx.add("IN106", **where, formula=shown, target=formula.external)
    elif formula.reason:
        ctx.add("IN112", **where, formula=shown, reason=formula.reason, what=instead)
    elif formula.error:
        ctx.add("IN110", **where, error=formula.error,
                meaning=_ERROR_MEANINGS.get(formula.error, "公式无法算出结果"),
                formula=f"，由公式“{shown}”算出" if formula.text else "", what=instead)
    elif not formula.cached:
        ctx.add("IN105", **where, formula=shown)
    else:
        ctx.add("IN111", **where, formula=shown, value=normalize.shown(formula.value) or "空白")
        return formula.value
    return _UNUSABLE


def _merged(sheet: Sheet, cells: dict[str, str], ctx: _Context,
            reported: set[str] | None = None) -> set[str]:
    """Cells (address -> label) that lie in merged ranges, each range reported once (IN107;
    `reported` carries the ranges already reported): a merged value cannot be told apart from
    the cells it covers."""
    reported = set() if reported is None else reported
    by_range: dict[str, list[str]] = {}
    for address in cells:
        rng = sheet.merged_range(address)
        if rng:
            by_range.setdefault(rng, []).append(address)
    for rng, covered in by_range.items():
        if rng in reported:
            continue
        reported.add(rng)
        labels = [cells[a] for a in covered]
        shown = "、".join(labels[:3]) + ("等" if len(labels) > 3 else "")
        ctx.add("IN107", sheet=sheet.name, cell=covered[0], range=rng, count=len(covered),
                labels=shown)
    return {a for covered in by_range.values() for a in covered}


def _labels_ok(sheet: Sheet, labels, ctx: _Context) -> bool:
    """The fixed labels are where the layout puts them; the first difference is reported."""
    labels = tuple(labels)
    found_values = sheet.values([coordinates(cell) for cell, _ in labels])
    for (cell, expected), raw in zip(labels, found_values, strict=True):
        found = normalize.clean_text(raw)
        if found != expected:
            ctx.add("IN003", sheet=sheet.name, cell=cell, expected=expected,
                    found=normalize.shown(found) or "空白", **ctx.init_fields())
            return False
    return True


def _read_header(sheets: _SheetReader, ctx: _Context) -> Header | None:
    sheet = sheets.get(layout.SHEET_HEADER)
    if sheet is None or not _labels_ok(sheet, layout.HEADER_LABEL_CELLS.items(), ctx):
        return None
    labels = dict(layout.HEADER_FIELDS)
    values = {}
    for key, cell in layout.HEADER_CELLS.items():
        raw = sheet.cell(cell)
        parsed = (normalize.parse_count(raw) if key in ("year", "quarter")
                  else normalize.parse_text(raw))
        if not parsed.ok or (key == "quarter" and parsed.value not in (1, 2, 3, 4)):
            ctx.add("ID106", sheet=sheet.name, cell=cell, label=labels[key],
                    value=normalize.shown(raw) or "空白")
            return None
        values[key] = parsed.value
    return Header(values["unit"], values["year"], values["quarter"], values["version"], ctx.file)


def _expected_path(header: Header) -> str:
    """Where the header says the file belongs (worked out only for a finding: ~6 µs)."""
    return f"workbooks/{layout.quarter_path('', header.year, header.quarter, header.unit).as_posix()}"


@functools.cache
def _units_by_identity(units: tuple[str, ...]) -> dict[str, str]:
    """normalize.identity of each configured unit name -> the name as configured."""
    return {normalize.identity(u): u for u in units}


def configured_unit(cfg: Config, name: str) -> str | None:
    """The configured unit a header's name means (full-width or compatibility forms allowed),
    None when it is none of them or holds an invisible character."""
    if name in cfg.units:
        return name
    if normalize.invisible(name):
        return None
    return _units_by_identity(cfg.units).get(normalize.identity(name))


def _identity_ok(header: Header, named: tuple[int, int, str] | None, ctx: _Context
                 ) -> str | None:
    """The unit, as the configuration spells it, when the header's unit/year/quarter agree
    with the file's place and name, the unit is known and the template version is
    supported; else None. Names are compared in normalize.identity form (full-width and
    compatibility forms); one holding an invisible character is refused, naming it."""
    sheet = layout.SHEET_HEADER
    cells = layout.HEADER_CELLS
    if header.version not in layout.SUPPORTED_VERSIONS:
        ctx.add("ID104", sheet=sheet, cell=cells["version"], version=header.version,
                supported="、".join(layout.SUPPORTED_VERSIONS), file_year=header.year,
                file_quarter=header.quarter)
        return None
    folder = ctx.file.split("/", 1)[0]
    if folder.isdigit() and len(folder) == 4 and int(folder) != header.year:
        ctx.add("ID107", sheet=sheet, cell=cells["year"], inside=header.year, folder=folder,
                file_quarter=header.quarter)
        return None
    units = _units_by_identity(ctx.cfg.units)
    hidden = normalize.invisible(header.unit)
    if hidden:
        same = units.get(normalize.identity(header.unit))
        ctx.add("ID120", sheet=sheet, cell=cells["unit"], name=header.unit,
                chars=normalize.describe_invisible(hidden),
                known=f"；去掉后是名单中的“{same}”" if same else "", file_year=header.year,
                file_quarter=header.quarter)
        return None
    if named is None:
        ctx.add("ID101", expected=f"根据表内基本信息，这张表应保存为 {_expected_path(header)}。")
        return None
    y, q, u = named
    hidden = normalize.invisible(u)
    if hidden:
        ctx.add("ID121", name=u, chars=normalize.describe_invisible(hidden),
                expected=_expected_path(header))
        return None
    if (y, q) != (header.year, header.quarter) or (
            u != header.unit and normalize.identity(u) != normalize.identity(header.unit)):
        ctx.add("ID103", sheet=sheet, inside=f"{header.unit} {header.year}年第{header.quarter}季度",
                outside=f"{u} {y}年第{q}季度", expected=_expected_path(header))
        return None
    unit = header.unit if header.unit in ctx.cfg.units else units.get(
        normalize.identity(header.unit))
    if unit is None:
        ctx.add("ID102", sheet=sheet, cell=cells["unit"], name=header.unit,
                units="、".join(ctx.cfg.units))
    return unit


@functools.lru_cache(maxsize=4096, typed=True)
def _parse_number(raw, kind: str) -> normalize.Parsed:
    """Cached (typed, so 1, 1.0 and True stay apart): the same few numbers fill most cells of
    every workbook, and a Parsed is immutable."""
    return normalize.parse_amount(raw) if kind == layout.AMOUNT else normalize.parse_count(raw)


def _read_grid(sheets: _SheetReader, grid: Grid, ctx: _Context) -> list[Fact]:
    sheet = sheets.get(grid.sheet)
    if sheet is None or not _labels_ok(sheet, grid.labels, ctx):
        return []
    merged = (_merged(sheet, {inp.cell: inp.label for inp in grid.inputs}, ctx)
              if sheet.merges_rows(grid.input_rows) else set())
    facts = []
    unit, year, quarter, file = ctx.unit, ctx.year, ctx.quarter, ctx.file
    formula = safety.Formula
    for inp, raw in zip(grid.inputs, sheet.values(grid.input_positions), strict=True):
        if inp.cell in merged:
            continue
        # a number, the common case, is never a formula: one type test, no call
        if type(raw) is formula:
            raw = _formula_value(raw, grid.sheet, inp.cell, inp.label, inp.kind, ctx)
            if raw is _UNUSABLE:
                continue
        parsed = _parse_number(raw, inp.kind)
        if parsed.error:
            ctx.add("IN102", sheet=grid.sheet, cell=inp.cell, label=inp.label, detail=parsed.error)
            continue
        value = parsed.value
        if parsed.blank:
            value = _blank(raw, grid.sheet, inp, ctx)
        elif parsed.value > GRID_COUNT_LARGE and inp.kind == layout.COUNT and _too_large_count(
                parsed.value, grid.sheet, inp, ctx):
            continue
        # tuple.__new__ skips the NamedTuple's Python-level __new__ (~0.1 µs a fact)
        facts.append(tuple.__new__(Fact, (unit, year, quarter, inp.topic, inp.key, inp.dim,
                                          value, file, grid.sheet, inp.cell)))
    return facts


def _blank(raw, sheet: str, inp: layout.InputCell, ctx: _Context) -> int | None:
    """What a blank input cell means, as its officer declared: in a quarter declared empty a
    flow is 0 and a stock is unchanged (None: the latest stated stock counts); in a return
    declared complete it is an error (IN108); otherwise a note that it is not filled yet."""
    if ctx.declaration == layout.NOTHING:
        stock = inp.topic == "article20" and (inp.key, inp.dim) in statutory.STOCK_CELLS
        return None if stock else 0
    text = normalize.clean_text(raw)
    what = f"“{text}”" if text else "空白"
    if ctx.declaration == layout.DONE:
        declarations = dict(layout.DECLARATIONS)
        ctx.add("IN108", sheet=sheet, cell=inp.cell, label=inp.label, what=what,
                done=declarations[layout.DONE], filling=declarations[layout.FILLING])
    else:
        ctx.add("IN101", sheet=sheet, cell=inp.cell, label=inp.label, what=what)
    return None


def _too_large_count(value: int, sheet: str, inp, ctx: _Context) -> bool:
    """A count above GRID_COUNT_LARGE is reported; True when it is impossible (not read)."""
    impossible = value > GRID_COUNT_IMPOSSIBLE
    ctx.add("IN304" if impossible else "IN303", sheet=sheet, cell=inp.cell, label=inp.label,
            value=value)
    return impossible


def _check_channels(facts: list[Fact], grid: Grid, ctx: _Context) -> None:
    """Per category: no channel above the distinct count, and the channels cover it."""
    by_key: dict[tuple[str, str], Fact] = {(f.key, f.dim): f for f in facts
                                           if f.topic == "disclosure"}
    for category in ctx.cfg.categories:
        distinct = by_key.get((category, ""))
        channels = [by_key.get((category, ch)) for ch in ctx.cfg.channels]
        if distinct is None or distinct.value is None or any(
                f is None or f.value is None for f in channels):
            continue
        for f in channels:
            if f.value > distinct.value:
                ctx.add("IN301", sheet=grid.sheet, cell=f.cell, category=category,
                        channel=f.dim, count=f.value, distinct=distinct.value)
        total = sum(f.value for f in channels)
        if total < distinct.value:
            ctx.add("IN302", sheet=grid.sheet, cell=distinct.cell, category=category,
                    total=total, distinct=distinct.value)


# --- Registers ---------------------------------------------------------------------------------

_MISSING_HINTS = {layout.CHOICE: "请从下拉列表中选择。"}  # a date's hint names the file's year


def _parse_cell(raw, column: layout.Column, lists, year: int | None) -> normalize.Parsed:
    if column.kind == layout.DATE:
        return normalize.parse_date(raw, year)
    if column.kind == layout.OUTCOME:
        return normalize.parse_outcome(raw)
    if column.kind == layout.CHOICE:
        return normalize.parse_choice(raw, lists[column.choices].items)
    if column.kind in (layout.COUNT, layout.AMOUNT):
        return _parse_number(raw, column.kind)
    return normalize.parse_text(raw)


_ERROR_RULE = {layout.DATE: "IN103", layout.CHOICE: "IN104", layout.OUTCOME: "IN104",
               layout.COUNT: "IN102", layout.AMOUNT: "IN102"}


def _read_register(sheets: _SheetReader, register: Register, what: str, ctx: _Context,
                   ) -> Iterator[tuple[dict, dict[str, str], set[str]]]:
    """(values by column key, cell by column key, keys of cells already reported) of each
    usable register row.

    Only non-personal columns are parsed; personal cells are looked at only to tell an empty
    row from a filled one. A bad cell is reported and read as None."""
    sheet = sheets.get(register.sheet)
    if sheet is None or not _labels_ok(sheet, register.header_cells, ctx):
        return
    lists = layout.choice_lists(ctx.cfg)
    id_col = register.columns[0]
    seen: dict[str, int] = {}
    numbered: list[int] = []  # rows holding only a pre-printed sequence number (IN208)
    ranges: set[str] = set()
    start, end = date(ctx.year - 1, 1, 1), layout.quarter_end(ctx.year, ctx.quarter)
    for row, cells in register_rows(sheet, register):
        addresses = {c.key: f"{letter}{row}" for letter, c in zip(register.letters,
                                                                  register.columns, strict=True)
                     if not c.personal}
        merged = (_merged(sheet, {a: f"{what}的“{register.column(k).label}”"
                                  for k, a in addresses.items()}, ctx, ranges)
                  if sheet.merges_rows((row,)) else set())
        if addresses[id_col.key] in merged:
            continue
        if type(cells[0]) is safety.Formula:
            cells[0] = _formula_value(cells[0], sheet.name, addresses[id_col.key],
                                      f"{what}的“{id_col.label}”", id_col.kind, ctx)
            if cells[0] is _UNUSABLE:
                continue
        if _sequence_number(cells[0]) and _only_first(cells):
            numbered.append(row)
            continue
        ident = normalize.parse_text(cells[0]).value
        hidden = None
        if ident is not None and not ident.isascii():
            raw = cells[0]
            hidden = normalize.invisible(raw if type(raw) is str else ident)
            ident = normalize.identity(ident) or None
            if ident is None and _only_first(cells):  # nothing visible in the whole row
                continue
        if ident is None:
            ctx.add("IN204", sheet=sheet.name, cell=addresses[id_col.key], column=id_col.label,
                    example=f"{ctx.year}-001")
            continue
        if ident in seen:
            ctx.add("IN205", sheet=sheet.name, cell=addresses[id_col.key], column=id_col.label,
                    ident=ident, first=seen[ident])
            continue
        seen[ident] = row
        if hidden:
            ctx.add("IN207", sheet=sheet.name, cell=addresses[id_col.key], column=id_col.label,
                    ident=ident, chars=normalize.describe_invisible(hidden))
        values: dict[str, object] = {id_col.key: ident}
        errored: set[str] = set()
        for column, raw in zip(register.columns[1:], cells[1:], strict=True):
            if column.personal:
                continue
            cell = addresses[column.key]
            label = f"{what}“{ident}”的“{column.label}”"
            if type(raw) is safety.Formula and cell not in merged:
                raw = _formula_value(raw, sheet.name, cell, label, column.kind, ctx)
            if cell in merged or raw is _UNUSABLE:
                errored.add(column.key)
                values[column.key] = None
                continue
            parsed = _parse_cell(raw, column, lists, ctx.year)
            values[column.key] = parsed.value
            if parsed.error:
                errored.add(column.key)
                ctx.add(_ERROR_RULE[column.kind], sheet=sheet.name, cell=cell,
                        label=label, detail=parsed.error)
            elif column.kind == layout.DATE and parsed.value and (
                    parsed.value < start
                    or parsed.value > end and column.key not in LATER_DATES):
                errored.add(column.key)
                ctx.add("IN203", sheet=sheet.name, cell=cell, what=what, ident=ident,
                        column=column.label, value=parsed.value.isoformat(),
                        start=start.isoformat(),
                        end="今天" if column.key in LATER_DATES else end.isoformat())
        yield values, addresses, errored
    if numbered:
        ctx.add("IN208", sheet=sheet.name, cell=f"{register.letters[0]}{numbered[0]}",
                count=len(numbered), first=numbered[0], last=numbered[-1],
                column=id_col.label, what=what)


# Register dates that may lie after the quarter's end: an application received in December
# is answered in January, and the fourth quarter's workbook is filled in then. A date after
# today is still wrong: consolidate.combine reports it (CS010), where today is known (a
# parse is cached whatever the day).
LATER_DATES = frozenset({"answered", "correction_sent", "correction_received"})

_SEQUENCE = re.compile(r"[1-9][0-9]{0,3}")


def _sequence_number(raw) -> bool:
    """A plain positive integer below 10,000, as officers number the rows of an empty
    register (1, 2, 3 … typed, or filled down, before anything else)."""
    if type(raw) is float:
        return raw.is_integer() and 1 <= raw < 10_000
    if type(raw) is int:
        return 1 <= raw < 10_000
    return (type(raw) is str
            and _SEQUENCE.fullmatch(normalize.identity(normalize.clean_text(raw))) is not None)


def _only_first(cells: list) -> bool:
    """Nothing but the first cell of a register row is filled."""
    return not any(normalize.clean_text(v) for v in cells[1:])


def _require(values: dict, keys, register: Register, what: str, addresses, errored,
             ctx: _Context) -> None:
    """A blank required cell (one not already reported as wrong) is an error naming it."""
    for key in keys:
        if values.get(key) is None and key not in errored:
            column = register.column(key)
            ctx.add("IN201", sheet=register.sheet, cell=addresses[key], what=what,
                    ident=values[register.columns[0].key], column=column.label,
                    hint=(normalize.hint_date(ctx.year) if column.kind == layout.DATE
                          else _MISSING_HINTS[column.kind]))


# Date pairs that must not run backwards: (earlier, later).
_APPLICATION_ORDER = (("received", "answered"), ("received", "correction_sent"),
                      ("correction_sent", "correction_received"),
                      ("correction_received", "answered"))


APPLICATION_LIMITS = (("consult_days", MAX_CONSULT_DAYS, "IN209"), ("fee", MAX_FEE, "IN210"))


def _check_application(v: dict, addresses, errored, ctx: _Context) -> None:
    reg = layout.APPLICATIONS
    for key, limit, rule in APPLICATION_LIMITS:
        if v.get(key) is not None and v[key] > limit:
            ctx.add(rule, sheet=reg.sheet, cell=addresses[key], ident=v["app_id"],
                    column=reg.column(key).label, value=normalize.clean_text(v[key]))
            v[key] = None
            errored.add(key)
    _require(v, ("received", "applicant_class"), reg, "申请", addresses, errored, ctx)
    for earlier, later in _APPLICATION_ORDER:
        if v.get(earlier) and v.get(later) and v[later] < v[earlier]:
            ctx.add("IN202", sheet=reg.sheet, cell=addresses[later], what="申请",
                    ident=v["app_id"], later=reg.column(later).label,
                    later_value=v[later].isoformat(), earlier=reg.column(earlier).label,
                    earlier_value=v[earlier].isoformat())
    pair = ("answered", "outcome")
    blank = [k for k in pair if v.get(k) is None]
    if len(blank) == 1 and not errored & set(pair):
        (missing,) = blank
        (filled,) = set(pair) - {missing}
        ctx.add("IN206", sheet=reg.sheet, cell=addresses[missing], ident=v["app_id"],
                filled=reg.column(filled).label, missing=reg.column(missing).label)


def _read_applications(sheets: _SheetReader, ctx: _Context) -> list[Application]:
    reg = layout.APPLICATIONS
    out = []
    for v, addresses, errored in _read_register(sheets, reg, "申请", ctx):
        _check_application(v, addresses, errored, ctx)
        out.append(Application(
            ctx.unit, ctx.year, ctx.quarter, v["app_id"], v["received"], v["channel"],
            v["applicant_class"], correction_sent=v["correction_sent"],
            correction_received=v["correction_received"], extended=v["extended"] == layout.YES,
            # a wrong or absurd number of consultation days (reported) leaves it unknown
            consult_days=None if "consult_days" in errored else v["consult_days"] or 0,
            answered=v["answered"], outcome=v["outcome"],
            fee=v["fee"] or 0.0, source=ctx.source(reg.sheet, addresses["app_id"]),
            cells=addresses))
    return out


def _read_cases(sheets: _SheetReader, ctx: _Context) -> list[Case]:
    reg = layout.CASES
    out = []
    for v, addresses, errored in _read_register(sheets, reg, "案件", ctx):
        _require(v, ("kind", "received"), reg, "案件", addresses, errored, ctx)
        out.append(Case(ctx.unit, ctx.year, ctx.quarter, v["case_id"], v["kind"], v["received"],
                        v["result"], source=ctx.source(reg.sheet, addresses["case_id"])))
    return out


# --- Reading a year ----------------------------------------------------------------------------

def _skipped(name: str, year: int) -> bool:
    """The prior-year tables, the report text, and Excel/WPS/LibreOffice lock or temp files."""
    return (name in (layout.published_file_name(year), layout.report_text_file_name(year))
            or layout.is_temporary(name))


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
                    if os.path.splitext(entry.name)[1].lower() not in layout.WORKBOOK_SUFFIXES:
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
            if os.path.splitext(parts[-1])[1].lower() in layout.WORKBOOK_SUFFIXES
            and layout.EARLIER_VERSIONS_DIR not in parts[:-1]
            and not _skipped(parts[-1], year)]


def year_files(workbooks_dir: str | Path, year: int) -> list[Path]:
    """year_paths, as Paths."""
    return [Path(p) for p in year_paths(workbooks_dir, year)]


# --- Reading many files: a process pool and the parse cache -----------------------------------

POOL_MIN_FILES = 16      # fewer files to parse are read in this process (a pool costs ~0.1 s)
PROGRESS_MIN_FILES = 50  # fewer files get no progress bar


@dataclass(frozen=True)
class _Job:
    """A file to parse and, when caching, the key of its entry and the content it was keyed
    on."""

    path: str | Path
    file: str  # relative to the workbooks folder
    key: str = ""
    sha256: str | None = None


def _parsed(cfg: Config, workbooks_dir: str | Path, job: _Job
            ) -> tuple[FileResult, str, bool]:
    """A parse, its entry text (what a pool worker sends back), and whether the entry may be
    cached: not when the file changed while it was being read (or cannot be read any more),
    nor when it has no key."""
    result = ingest_file(cfg, workbooks_dir, job.path)
    try:
        unchanged = job.sha256 is not None and cache.file_digest(job.path)[0] == job.sha256
    except OSError:
        unchanged = False
    return result, cache.encode_result(job.key, result), unchanged


_WORKER: tuple = ()  # (config, workbooks folder), set in each pool worker


def _init_worker(cfg: Config, workbooks_dir: str) -> None:
    global _WORKER
    _WORKER = (cfg, workbooks_dir)
    # Forked while the main process had the collector paused: what was inherited is left out
    # of collections (scanning it would copy every shared page), the worker's own records not.
    gc.freeze()
    gc.enable()


def _in_worker(work: Callable, batch):
    return work(*_WORKER, batch)


def _in_order(pool: ProcessPoolExecutor, work: Callable, batches: Iterable,
              ahead: int) -> Iterator:
    """work's result for each batch, in order, with at most `ahead` batches submitted and not
    yet taken: Executor.map submits everything at once, and when the main process takes
    results more slowly than the workers make them, they fill memory."""
    pending: deque = deque()
    rest = iter(batches)
    for batch in itertools.islice(rest, ahead):
        pending.append(pool.submit(_in_worker, work, batch))
    while pending:
        out = pending.popleft().result()
        for batch in itertools.islice(rest, 1):
            pending.append(pool.submit(_in_worker, work, batch))
        yield out


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def pool_workers(files: int) -> int:
    """Processes that parse `files` files: 0 (parse here) below POOL_MIN_FILES or on one core,
    else one per usable core, with at least 8 files each."""
    workers = min(usable_cores(), files // (POOL_MIN_FILES // 2))
    return workers if files >= POOL_MIN_FILES and workers >= 2 else 0


def batch_size(files: int) -> int:
    """Files a batch of work holds: enough that handing it to a worker costs little, few
    enough that the workers finish together."""
    return max(1, min(16, files // (max(pool_workers(files), 1) * 8)))


def _pool_context():
    """fork on Linux: workers start in milliseconds with the modules already imported."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def run_batches(cfg: Config, workbooks_dir: str | Path, work: Callable, batches: Sequence,
                sizes: Sequence[int], progress: bool) -> Iterator:
    """`work(cfg, workbooks_dir, batch)` of each batch, in order: in a process pool over the
    usable cores when the batches hold enough files (`sizes`) to pay for starting one, else
    here. `work` is a module-level function (a worker finds it by name). A progress bar
    counts the files."""
    files = sum(sizes)
    show = files >= PROGRESS_MIN_FILES and (progress or sys.stderr.isatty())
    with tqdm(total=files, desc="读取报表", unit="本", disable=not show, file=sys.stderr,
              leave=False) as bar:
        workers = pool_workers(files)
        if workers < 2:
            for batch, size in zip(batches, sizes, strict=True):
                yield work(cfg, workbooks_dir, batch)
                bar.update(size)
            return
        with ProcessPoolExecutor(workers, mp_context=_pool_context(), initializer=_init_worker,
                                 initargs=(cfg, str(workbooks_dir))) as pool:
            for out, size in zip(_in_order(pool, work, batches, ahead=4 * workers), sizes,
                                 strict=True):
                yield out
                bar.update(size)


def _parse_batch(cfg: Config, workbooks_dir: str | Path, jobs: Sequence[_Job]
                 ) -> list[tuple[str, bool]]:
    """Parses of a few files as their entries' JSON texts (decoding them costs the main
    process less than receiving the records as objects), each with whether it may be cached;
    the main process caches them."""
    return [_parsed(cfg, workbooks_dir, job)[1:] for job in jobs]


def _parse_all(cfg: Config, workbooks_dir: str | Path, jobs: Sequence[_Job],
               progress: bool) -> Iterator[tuple[FileResult, str | None]]:
    """Each job's parse and its entry text when it may be cached (see _parsed), in order."""
    size = batch_size(len(jobs))
    batches = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    texts = itertools.chain.from_iterable(run_batches(
        cfg, workbooks_dir, _parse_batch, batches, [len(b) for b in batches], progress))
    for job, (text, cacheable) in zip(jobs, texts, strict=True):
        yield FileResult(**cache.decode_result(job.key, text)), text if cacheable else None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Records hold no reference cycles; without the cyclic collector rescanning every record
    made so far, creating 100,000 of them takes a third less time. Nests: only the outermost
    pause turns the collector back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_files(cfg: Config, workbooks_dir: str | Path, paths: Sequence[Path], *,
               cache_dir: Path | None = None, progress: bool = False) -> list[FileResult]:
    """ingest_file over `paths`, in order. With `cache_dir`, a file whose parse is cached there
    (same content, path, code and configuration lists) is not read again, new parses are
    cached, and entries no file uses any more are removed."""
    jobs = file_jobs(cfg, workbooks_dir, paths, keyed=cache_dir is not None)
    if cache_dir is None:
        return read_jobs(cfg, workbooks_dir, jobs, None, progress=progress)
    with cache.Entries(cache_dir) as entries:
        results = read_jobs(cfg, workbooks_dir, jobs, entries, progress=progress)
        entries.commit(keep=[job.key for job in jobs if job.key])
    return results


def file_jobs(cfg: Config, workbooks_dir: str | Path, paths: Sequence[str | Path], *,
              keyed: bool, known: Mapping[str, tuple[str | None, str]] | None = None
              ) -> list[_Job]:
    """Each file with its relative name and, when `keyed`, its cache key (a file that cannot
    be read now gets none: it is parsed without caching, and the parse says why).
    `known`: file -> (sha256, key) of an earlier run with the same code and configuration."""
    known = known or {}
    jobs = []
    for path in paths:
        file = relative_name(workbooks_dir, path)
        sha256 = None
        if keyed:
            try:
                sha256 = cache.known_digest(path)[0]
            except OSError:
                pass
        if sha256 is None:
            jobs.append(_Job(path, file))
        else:
            sha, key = known.get(file, (None, ""))
            if sha != sha256:
                key = cache.parse_key(cfg, file, sha256)
            jobs.append(_Job(path, file, key, sha256))
    return jobs


def read_jobs(cfg: Config, workbooks_dir: str | Path, jobs: Sequence[_Job],
              entries: cache.Entries | None, *, progress: bool = False) -> list[FileResult]:
    """The parse of each job, in order: from its entry in `entries` when there is a usable
    one, else parsed (in a process pool when there are many); new parses are added to
    `entries` (the caller commits them, see cache.Entries.commit)."""
    with collector_paused():
        texts = {} if entries is None else entries.get(job.key for job in jobs if job.key)
        results: list[FileResult | None] = [None] * len(jobs)
        todo: list[tuple[int, _Job]] = []
        for i, job in enumerate(jobs):
            cached = cache.load(texts.get(job.key), job.key) if job.key else None
            if cached is not None:
                results[i] = FileResult(**cached)
            else:
                todo.append((i, job))
        parsed = _parse_all(cfg, workbooks_dir, [job for _, job in todo], progress)
        for (i, job), (result, text) in zip(todo, parsed, strict=True):
            results[i] = result
            if entries is not None and text is not None:
                entries.add(job.key, text)
        return results


def cache_path(cache_dir: str | Path, year: int) -> Path:
    """Where a year's parses are cached in the cache folder (outputs/cache)."""
    return Path(cache_dir) / f"{year}.sqlite"


def reject_duplicates(results: Sequence[FileResult]) -> None:
    """A unit-quarter with two files keeps neither (ID105 on each)."""
    by_identity: dict[tuple[str, int, int], list[FileResult]] = {}
    for r in results:
        if r.header is not None:
            by_identity.setdefault((r.header.unit, r.header.year, r.header.quarter), []).append(r)
    for (unit, y, q), group in by_identity.items():
        if len(group) > 1:
            files = "、".join(r.file for r in group)
            for r in group:
                r.accepted = False
                r.findings.append(finding("ID105", unit=unit, file=r.file, year=y, name=unit,
                                          file_year=y, file_quarter=q, count=len(group),
                                          files=files))


def ingest_year(cfg: Config, workbooks_dir: str | Path, year: int, *,
                cache_dir: Path | None = None, progress: bool = False) -> IngestResult:
    """Read every workbook of a year; a unit-quarter with two files keeps neither.

    With `cache_dir` (outputs/cache), parses are cached in its <year>.sqlite (see read_files);
    `progress` shows a progress bar even when stderr is not a terminal."""
    walked = walk(os.path.join(workbooks_dir, str(year)))
    results = read_files(cfg, workbooks_dir,
                         [Path(p) for p in year_paths(workbooks_dir, year, walked)],
                         cache_dir=None if cache_dir is None else cache_path(cache_dir, year),
                         progress=progress)
    reject_duplicates(results)
    out = IngestResult(year, files=[r.file for r in results],
                       findings=skipped_findings(walked, year))
    for r in results:
        out.findings += r.findings
        if r.accepted:
            out.headers.append(r.header)
            out.facts += r.facts
            out.applications += r.applications
            out.cases += r.cases
    return out
