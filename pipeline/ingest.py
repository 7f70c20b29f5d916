"""Reading the quarter workbooks into records, with the cell every value came from.

Files are read with python-calamine (.xlsx, .xls, .ods) and never written. Bad input never
raises: every problem becomes a finding naming the file, sheet and cell, and the other files
are still read. Personal columns of the application register are never read into records.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from python_calamine import CalamineWorkbook
from tqdm import tqdm

from pipeline import cache, layout, normalize
from pipeline.config import Config
from pipeline.findings import Finding, define, finding
from pipeline.layout import Grid, Register
from pipeline.records import Application, Case, Fact, Header, Source

# --- Rules -------------------------------------------------------------------------------------

define("IN001", "error", "文件无法打开",
       "无法打开此文件（{reason}）。请用 Excel 或 WPS 打开确认文件没有损坏，另存为 .xlsx 后重新放入。")
define("IN002", "error", "缺少工作表",
       "缺少工作表“{name}”，该部分未读取。请不要删除工作表或修改工作表名称；如已改动，请把此文件移到 "
       "workbooks 文件夹以外，运行 xxgk init --year {file_year} --quarter {file_quarter} 重新生成报表，再把数字抄过去。")
define("IN003", "error", "表格结构被改动",
       "此单元格应为“{expected}”，实际为“{found}”，整张工作表未读取。请不要插入或删除行列、修改标题；"
       "如已改动，请把此文件移到 workbooks 文件夹以外，运行 xxgk init --year {file_year} --quarter {file_quarter} "
       "重新生成报表，再把数字抄过去。")
define("IN101", "note", "未填写",
       "{label}未填写（单元格为{what}）。本季度没有的请填0，有则填写实际数字。")
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
define("IN301", "error", "渠道条数多于去重条数",
       "“{category}”在“{channel}”公开 {count} 条，多于本类别去重后的 {distinct} 条。"
       "去重条数不能少于任一渠道的条数，请核对。")
define("IN302", "warning", "各渠道条数之和少于去重条数",
       "“{category}”各渠道条数之和为 {total}，少于去重后的 {distinct} 条。每条信息至少要通过一个渠道公开，"
       "请核对是否漏填了渠道。")

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
define("ID106", "error", "基本信息无法识别",
       "基本信息中的“{label}”为“{value}”，无法识别，未读取此文件。基本信息表不要修改；"
       "如已改动，请把此文件移到 workbooks 文件夹以外，用 xxgk init 重新生成报表，再把数字抄过去。")


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
    """A sheet's values from A1 (calamine), addressed by row/column number or "C7"."""

    def __init__(self, name: str, rows: list[list]):
        self.name = name
        self.rows = rows

    def at(self, row: int, col: int):
        if row - 1 < len(self.rows) and col - 1 < len(self.rows[row - 1]):
            return self.rows[row - 1][col - 1]
        return None

    def cell(self, address: str):
        letters, row = coordinate_from_string(address)
        return self.at(row, column_index_from_string(letters))

    @property
    def height(self) -> int:
        return len(self.rows)


def open_workbook(path: Path) -> CalamineWorkbook:
    return CalamineWorkbook.from_path(str(path))


def read_sheet(workbook: CalamineWorkbook, name: str) -> Sheet:
    return Sheet(name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))


def register_rows(sheet: Sheet, register: Register) -> Iterator[tuple[int, list]]:
    """(row number, raw cells in column order) of every register row that is not fully empty."""
    width = len(register.columns)
    for row in range(layout.FIRST_ROW, sheet.height + 1):
        cells = [sheet.at(row, col) for col in range(1, width + 1)]
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
    """A workbook's path relative to the workbooks folder, with forward slashes."""
    return Path(os.path.relpath(Path(path), Path(workbooks_dir))).as_posix()


def ingest_file(cfg: Config, workbooks_dir: str | Path, path: str | Path) -> FileResult:
    """Read one quarter's workbook (path as given, like open()); every problem becomes a
    finding, nothing is raised."""
    path = Path(path)
    ctx = _Context(cfg, relative_name(workbooks_dir, path))
    named = layout.parse_quarter_path(ctx.file)
    if named:
        ctx.year, ctx.quarter, ctx.unit = named
    result = FileResult(ctx.file, findings=ctx.findings)
    try:
        with open_workbook(path) as workbook:
            _read_workbook(workbook, named, ctx, result)
    except Exception as exc:  # an unreadable file is a finding, never a crash
        result.accepted = False
        result.facts, result.applications, result.cases = [], [], []
        ctx.add("IN001", reason=type(exc).__name__)
    return result


def _read_workbook(workbook: CalamineWorkbook, named, ctx: _Context, result: FileResult) -> None:
    sheets = _SheetReader(workbook, ctx)
    result.header = _read_header(sheets, ctx)
    if result.header is None or not _identity_ok(result.header, named, ctx):
        return
    result.accepted = True
    ctx.unit, ctx.year, ctx.quarter = (result.header.unit, result.header.year,
                                       result.header.quarter)
    for grid in layout.grids(ctx.cfg):
        result.facts += _read_grid(sheets, grid, ctx)
    _check_channels(result.facts, layout.disclosure_grid(ctx.cfg), ctx)
    result.applications = _read_applications(sheets, ctx)
    result.cases = _read_cases(sheets, ctx)


class _SheetReader:
    """Sheets by name; a missing or unreadable one is reported once (IN002) and gives None."""

    def __init__(self, workbook: CalamineWorkbook, ctx: _Context):
        self.workbook = workbook
        self.ctx = ctx

    def get(self, name: str) -> Sheet | None:
        try:
            return read_sheet(self.workbook, name)
        except Exception:  # missing, renamed or unreadable sheet
            self.ctx.add("IN002", sheet=name, name=name, **self.ctx.init_fields())
            return None


def _labels_ok(sheet: Sheet, labels, ctx: _Context) -> bool:
    """The fixed labels are where the layout puts them; the first difference is reported."""
    for cell, expected in labels:
        found = normalize.clean_text(sheet.cell(cell))
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


def _identity_ok(header: Header, named: tuple[int, int, str] | None, ctx: _Context) -> bool:
    """The header's unit/year/quarter agree with the file's place and name, the unit is known
    and the template version is supported."""
    sheet = layout.SHEET_HEADER
    cells = layout.HEADER_CELLS
    if header.version not in layout.SUPPORTED_VERSIONS:
        ctx.add("ID104", sheet=sheet, cell=cells["version"], version=header.version,
                supported="、".join(layout.SUPPORTED_VERSIONS), file_year=header.year,
                file_quarter=header.quarter)
        return False
    expected = f"workbooks/{layout.quarter_path('', header.year, header.quarter, header.unit).as_posix()}"
    if named is None:
        ctx.add("ID101", expected=f"根据表内基本信息，这张表应保存为 {expected}。")
        return False
    if named != (header.year, header.quarter, header.unit):
        y, q, u = named
        ctx.add("ID103", sheet=sheet, inside=f"{header.unit} {header.year}年第{header.quarter}季度",
                outside=f"{u} {y}年第{q}季度", expected=expected)
        return False
    if header.unit not in ctx.cfg.units:
        ctx.add("ID102", sheet=sheet, cell=cells["unit"], name=header.unit,
                units="、".join(ctx.cfg.units))
        return False
    return True


def _parse_number(raw, kind: str) -> normalize.Parsed:
    return normalize.parse_amount(raw) if kind == layout.AMOUNT else normalize.parse_count(raw)


def _read_grid(sheets: _SheetReader, grid: Grid, ctx: _Context) -> list[Fact]:
    sheet = sheets.get(grid.sheet)
    if sheet is None or not _labels_ok(sheet, grid.labels, ctx):
        return []
    facts = []
    for inp in grid.inputs:
        raw = sheet.cell(inp.cell)
        parsed = _parse_number(raw, inp.kind)
        if parsed.error:
            ctx.add("IN102", sheet=grid.sheet, cell=inp.cell, label=inp.label, detail=parsed.error)
            continue
        if parsed.blank:
            what = f"“{normalize.clean_text(raw)}”" if normalize.clean_text(raw) else "空白"
            ctx.add("IN101", sheet=grid.sheet, cell=inp.cell, label=inp.label, what=what)
        facts.append(Fact(ctx.unit, ctx.year, ctx.quarter, inp.topic, inp.key, inp.dim,
                          parsed.value, ctx.source(grid.sheet, inp.cell)))
    return facts


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
                ctx.add("IN301", sheet=grid.sheet, cell=f.source.cell, category=category,
                        channel=f.dim, count=f.value, distinct=distinct.value)
        total = sum(f.value for f in channels)
        if total < distinct.value:
            ctx.add("IN302", sheet=grid.sheet, cell=distinct.source.cell, category=category,
                    total=total, distinct=distinct.value)


# --- Registers ---------------------------------------------------------------------------------

_MISSING_HINTS = {layout.DATE: normalize.HINT_DATE, layout.CHOICE: "请从下拉列表中选择。"}


def _parse_cell(raw, column: layout.Column, lists) -> normalize.Parsed:
    if column.kind == layout.DATE:
        return normalize.parse_date(raw)
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
    header = tuple((f"{register.letter(c.key)}{layout.HEADER_ROW}", c.label)
                   for c in register.columns)
    if sheet is None or not _labels_ok(sheet, header, ctx):
        return
    lists = layout.choice_lists(ctx.cfg)
    id_col = register.columns[0]
    seen: dict[str, int] = {}
    start, end = date(ctx.year - 1, 1, 1), layout.quarter_end(ctx.year, ctx.quarter)
    for row, cells in register_rows(sheet, register):
        addresses = {c.key: f"{register.letter(c.key)}{row}" for c in register.columns
                     if not c.personal}
        ident = normalize.parse_text(cells[0]).value
        if ident is None:
            ctx.add("IN204", sheet=sheet.name, cell=addresses[id_col.key], column=id_col.label,
                    example=f"{ctx.year}-001")
            continue
        if ident in seen:
            ctx.add("IN205", sheet=sheet.name, cell=addresses[id_col.key], column=id_col.label,
                    ident=ident, first=seen[ident])
            continue
        seen[ident] = row
        values: dict[str, object] = {id_col.key: ident}
        errored: set[str] = set()
        for column, raw in zip(register.columns[1:], cells[1:], strict=True):
            if column.personal:
                continue
            parsed = _parse_cell(raw, column, lists)
            values[column.key] = parsed.value
            cell = addresses[column.key]
            if parsed.error:
                errored.add(column.key)
                ctx.add(_ERROR_RULE[column.kind], sheet=sheet.name, cell=cell,
                        label=f"{what}“{ident}”的“{column.label}”", detail=parsed.error)
            elif column.kind == layout.DATE and parsed.value and not start <= parsed.value <= end:
                errored.add(column.key)
                ctx.add("IN203", sheet=sheet.name, cell=cell, what=what, ident=ident,
                        column=column.label, value=parsed.value.isoformat(),
                        start=start.isoformat(), end=end.isoformat())
        yield values, addresses, errored


def _require(values: dict, keys, register: Register, what: str, addresses, errored,
             ctx: _Context) -> None:
    """A blank required cell (one not already reported as wrong) is an error naming it."""
    for key in keys:
        if values.get(key) is None and key not in errored:
            column = register.column(key)
            ctx.add("IN201", sheet=register.sheet, cell=addresses[key], what=what,
                    ident=values[register.columns[0].key], column=column.label,
                    hint=_MISSING_HINTS[column.kind])


# Date pairs that must not run backwards: (earlier, later).
_APPLICATION_ORDER = (("received", "answered"), ("received", "correction_sent"),
                      ("correction_sent", "correction_received"),
                      ("correction_received", "answered"))


def _check_application(v: dict, addresses, errored, ctx: _Context) -> None:
    reg = layout.APPLICATIONS
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
            consult_days=v["consult_days"] or 0, answered=v["answered"], outcome=v["outcome"],
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

def _skipped(path: Path, year: int) -> bool:
    """The prior-year tables, the report text, and Excel/WPS/LibreOffice lock or temp files."""
    name = path.name
    return (name in (layout.published_file_name(year), layout.report_text_file_name(year))
            or layout.is_temporary(name))


def year_files(workbooks_dir: str | Path, year: int) -> list[Path]:
    """The quarter workbooks (and misplaced spreadsheets) of a year's folder, sorted."""
    year_dir = Path(workbooks_dir) / str(year)
    if not year_dir.is_dir():
        return []
    return sorted(p for p in year_dir.rglob("*")
                  if p.is_file() and p.suffix.lower() in layout.WORKBOOK_SUFFIXES
                  and layout.EARLIER_VERSIONS_DIR not in p.relative_to(year_dir).parts
                  and not _skipped(p, year))


# --- Reading many files: a process pool and the parse cache -----------------------------------

POOL_MIN_FILES = 16      # fewer files to parse are read in this process (a pool costs ~0.1 s)
PROGRESS_MIN_FILES = 50  # fewer files get no progress bar


@dataclass(frozen=True)
class _Job:
    """A file to parse and, when caching, the entry to write and the content it was keyed on."""

    path: Path
    key: str | None = None
    entry: Path | None = None
    sha256: str | None = None


def _parse(cfg: Config, workbooks_dir: str | Path, job: _Job) -> FileResult:
    """Parse one file and cache the result, unless the file changed while it was read."""
    result = ingest_file(cfg, workbooks_dir, job.path)
    if job.entry is not None:
        try:
            unchanged = cache.file_digest(job.path)[0] == job.sha256
        except OSError:
            unchanged = False
        if unchanged:
            cache.save(job.entry, job.key, result)
    return result


_WORKER: tuple = ()  # (config, workbooks folder), set in each pool worker


def _init_worker(cfg: Config, workbooks_dir: str) -> None:
    global _WORKER
    _WORKER = (cfg, workbooks_dir)


def _parse_in_worker(job: _Job) -> FileResult:
    return _parse(*_WORKER, job)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _pool_context():
    """fork on Linux: workers start in milliseconds with the modules already imported."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _parse_all(cfg: Config, workbooks_dir: str | Path, jobs: Sequence[_Job],
               progress: bool) -> list[FileResult]:
    """Parse the jobs in order: in a process pool over the usable cores when there are enough
    of them to pay for starting it, else here."""
    show = len(jobs) >= PROGRESS_MIN_FILES and (progress or sys.stderr.isatty())
    bar = {"total": len(jobs), "desc": "读取报表", "unit": "本", "disable": not show,
           "file": sys.stderr, "leave": False}
    workers = min(usable_cores(), len(jobs) // (POOL_MIN_FILES // 2))
    if len(jobs) < POOL_MIN_FILES or workers < 2:
        return [_parse(cfg, workbooks_dir, job) for job in tqdm(jobs, **bar)]
    chunk = max(1, min(16, len(jobs) // (workers * 8)))
    with ProcessPoolExecutor(workers, mp_context=_pool_context(), initializer=_init_worker,
                             initargs=(cfg, str(workbooks_dir))) as pool:
        return list(tqdm(pool.map(_parse_in_worker, jobs, chunksize=chunk), **bar))


def read_files(cfg: Config, workbooks_dir: str | Path, paths: Sequence[Path], *,
               cache_dir: Path | None = None, progress: bool = False) -> list[FileResult]:
    """ingest_file over `paths`, in order. With `cache_dir`, a file whose parse is cached there
    (same content, path, code and configuration lists) is not read again, new parses are
    cached, and entries no file uses any more are removed."""
    results: list[FileResult | None] = [None] * len(paths)
    todo: list[tuple[int, _Job]] = []
    used: list[Path] = []
    for i, path in enumerate(paths):
        job = _Job(path)
        if cache_dir is not None:
            try:
                sha256 = cache.file_digest(path)[0]
            except OSError:  # unreadable: parsed without caching, the parse reports it
                sha256 = None
            if sha256 is not None:
                key = cache.parse_key(cfg, relative_name(workbooks_dir, path), sha256)
                job = _Job(path, key, cache.entry_path(cache_dir, key), sha256)
                used.append(job.entry)
                cached = cache.load(job.entry, key)
                if cached is not None:
                    results[i] = FileResult(**cached)
                    continue
        todo.append((i, job))
    parsed = _parse_all(cfg, workbooks_dir, [job for _, job in todo], progress)
    for (i, _), result in zip(todo, parsed, strict=True):
        results[i] = result
    if cache_dir is not None:
        cache.prune(cache_dir, used)
    return results


def ingest_year(cfg: Config, workbooks_dir: str | Path, year: int, *,
                cache_dir: Path | None = None, progress: bool = False) -> IngestResult:
    """Read every workbook of a year; a unit-quarter with two files keeps neither.

    With `cache_dir` (outputs/cache), parses are cached in its <year> folder (see read_files);
    `progress` shows a progress bar even when stderr is not a terminal."""
    results = read_files(cfg, workbooks_dir, year_files(workbooks_dir, year),
                         cache_dir=None if cache_dir is None else Path(cache_dir) / str(year),
                         progress=progress)
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
    out = IngestResult(year, files=[r.file for r in results])
    for r in results:
        out.findings += r.findings
        if r.accepted:
            out.headers.append(r.header)
            out.facts += r.facts
            out.applications += r.applications
            out.cases += r.cases
    return out
