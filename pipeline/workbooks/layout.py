"""The one description of a quarter's workbook.

The template writer and the reader both use it, so the cells a person fills and the cells
ingestion reads can never disagree. Statutory labels come from pipeline.core.statutory; the office's
lists (categories, channels, forms) from the configuration.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from pipeline.core import normalize, statutory
from pipeline.core.config import Config
from pipeline.core.model import FIGURES
from pipeline.core.records import SUPERVISION_KEYS

TEMPLATE_VERSION = "2025.1"


SUPPORTED_VERSIONS: tuple[str, ...] = (TEMPLATE_VERSION,)


SHEET_INSTRUCTIONS = "填表说明"


SHEET_HEADER = "基本信息"


SHEET_DISCLOSURE = "主动公开"


SHEET_INTERPRETATION = "政策解读"


SHEET_ARTICLE20 = "第二十条"


SHEET_APPLICATIONS = "依申请公开台账"


SHEET_CASES = "复议诉讼台账"


SHEET_SUPERVISION = "管理与监督"


SHEET_LISTS = "下拉选项"  # hidden: the closed lists behind the dropdowns


# Every sheet but the instructions and the lists: title in row 1, a note in row 2, column
# headers in row 3, inputs from row 4.
TITLE_ROW = 1


NOTE_ROW = 2


HEADER_ROW = 3


FIRST_ROW = 4


HEADER_FIELDS: tuple[tuple[str, str], ...] = (
    ("unit", "填报单位"),
    ("year", "年度"),
    ("quarter", "季度"),
    ("version", "报表版本"),
)


HEADER_LABEL_COLUMN = "A"


HEADER_VALUE_COLUMN = "B"


HEADER_CELLS: dict[str, str] = {
    key: f"{HEADER_VALUE_COLUMN}{FIRST_ROW + i}" for i, (key, _) in enumerate(HEADER_FIELDS)}


HEADER_LABEL_CELLS: dict[str, str] = {
    f"{HEADER_LABEL_COLUMN}{FIRST_ROW + i}": label for i, (_, label) in enumerate(HEADER_FIELDS)}


HEADER_COLUMN_LABELS = ("项目", "内容")


HEADER_TITLE = "基本信息"


HEADER_NOTE = ("上面的单位、年度、季度由系统生成，已锁定；如不对，请联系协调人重新生成报表。"
               "全部工作表填好后，请在下方“填报确认”中填写填报人、联系电话、填报日期，并选择确认。")


@dataclass(frozen=True)
class ChoiceList:
    """A closed list on the hidden sheet, referred to by a defined name."""

    name: str                             # defined name (ASCII, so every Excel/WPS accepts it)
    header: str                           # Chinese heading on the hidden sheet
    items: tuple[tuple[str, str], ...]    # (key, text shown in the dropdown)

    def text(self, key: str) -> str:
        return dict(self.items)[key]


YES, NO = "yes", "no"


# What the officer declares about the quarter's return (the 填报确认 dropdown). Only DONE and
# NOTHING vouch for it; NOTHING also says every blank cell means 0.
FILLING, DONE, NOTHING = "filling", "done", "nothing"


DECLARATIONS: tuple[tuple[str, str], ...] = (
    (FILLING, "尚未填完"),
    (DONE, "本季度填报完毕"),
    (NOTHING, "本季度无新增事项"),
)


CONFIRMING = frozenset({DONE, NOTHING})


@functools.cache
def choice_lists(cfg: Config) -> MappingProxyType[str, ChoiceList]:
    """Every dropdown list, by defined name, in the column order of the hidden sheet (made once
    per configuration: every workbook read asks for it)."""
    lists = (
        ChoiceList("list_channel", "收到方式", tuple((c, c) for c in cfg.application_channels)),
        ChoiceList("list_applicant_class", "申请人类型", statutory.APPLICANT_CLASSES),
        ChoiceList("list_outcome", "办理结果", tuple(
            (r.key, statutory.outcome_choice(r.key)) for r in statutory.OUTCOME_ROWS)),
        ChoiceList("list_yes_no", "是否", ((YES, "是"), (NO, "否"))),
        ChoiceList("list_case_kind", "案件类型", statutory.TABLE_C_GROUPS),
        ChoiceList("list_case_result", "结果", statutory.CASE_RESULTS),
        ChoiceList("list_declaration", "填报确认", DECLARATIONS),
    )
    return MappingProxyType({c.name: c for c in lists})


def list_range(cfg: Config, name: str) -> str:
    """The absolute range on the hidden sheet that a defined name points to."""
    lists = choice_lists(cfg)
    col = get_column_letter(list(lists).index(name) + 1)
    return f"'{SHEET_LISTS}'!${col}${FIRST_LIST_ROW}:${col}${FIRST_LIST_ROW + len(lists[name].items) - 1}"


FIRST_LIST_ROW = 2  # row 1 of the hidden sheet holds the list headings


COUNT, AMOUNT = "count", "amount"


@functools.lru_cache(maxsize=65536)
def coordinates(address: str) -> tuple[int, int]:
    """(row, column), 1-based, of "C7": the layout's addresses repeat in every workbook."""
    letters, row = coordinate_from_string(address)
    return row, column_index_from_string(letters)


@dataclass(frozen=True)
class InputCell:
    """One numeric input cell and the Fact it becomes (topic/key/dim as in records.Fact)."""

    cell: str
    topic: str
    key: str
    dim: str
    kind: str  # COUNT or AMOUNT
    label: str  # what the cell is, in Chinese, for messages


@dataclass(frozen=True)
class Grid:
    """A sheet of fixed labels (checked on reading) and numeric input cells."""

    sheet: str
    title: str
    note: str
    labels: tuple[tuple[str, str], ...]   # (cell, fixed text)
    inputs: tuple[InputCell, ...]
    merges: tuple[str, ...] = ()
    hints: tuple[tuple[str, str], ...] = ()  # (cell, help text): written, never read

    # Looked up in every workbook read: worked out once per grid, not once per cell.
    @functools.cached_property
    def input_positions(self) -> tuple[tuple[int, int], ...]:
        """(row, column) of each input cell, in the order of `inputs`."""
        return tuple(coordinates(inp.cell) for inp in self.inputs)

    @functools.cached_property
    def input_rows(self) -> frozenset[int]:
        return frozenset(row for row, _ in self.input_positions)


def _cell(col: int, row: int) -> str:
    return f"{get_column_letter(col)}{row}"


DISTINCT_HEADER = "本季度公开条数（去重）"


@functools.cache
def disclosure_grid(cfg: Config) -> Grid:
    """Rows = categories; a distinct-items column, then one column per channel."""
    labels = [(_cell(1, HEADER_ROW), "公开类别"), (_cell(2, HEADER_ROW), DISTINCT_HEADER)]
    labels += [(_cell(3 + j, HEADER_ROW), ch) for j, ch in enumerate(cfg.channels)]
    inputs = []
    for i, cat in enumerate(cfg.categories):
        row = FIRST_ROW + i
        labels.append((_cell(1, row), cat))
        inputs.append(InputCell(_cell(2, row), "disclosure", cat, "", COUNT,
                                f"“{cat}”的{DISTINCT_HEADER}"))
        inputs += [InputCell(_cell(3 + j, row), "disclosure", cat, ch, COUNT,
                             f"“{cat}”在“{ch}”公开的条数")
                   for j, ch in enumerate(cfg.channels)]
    note = (f"同一条信息在多个渠道发布的，在“{DISTINCT_HEADER}”列只计一次；各渠道列填写通过该渠道"
            "发布的条数，同一条信息可以同时计入多个渠道。没有的请填0，不要留空。")
    return Grid(SHEET_DISCLOSURE, "主动公开情况", note, tuple(labels), tuple(inputs))


@functools.cache
def interpretation_grid(cfg: Config) -> Grid:
    """Rows = interpretation forms, one count column."""
    labels = [(_cell(1, HEADER_ROW), "解读形式"), (_cell(2, HEADER_ROW), "次数")]
    inputs = []
    for i, form in enumerate(cfg.interpretation_forms):
        row = FIRST_ROW + i
        labels.append((_cell(1, row), form))
        inputs.append(InputCell(_cell(2, row), "interpretation", form, "", COUNT,
                                f"“{form}”形式的政策解读次数"))
    note = "填写本季度以各种形式开展政策解读的次数。没有的请填0，不要留空。"
    return Grid(SHEET_INTERPRETATION, "政策解读情况", note, tuple(labels), tuple(inputs))


def quarter_column_label(block: statutory.Block, col_key: str) -> str:
    """The statutory column label reworded for one quarter (本年 → 本季; stocks at quarter end)."""
    label = dict(block.columns)[col_key]
    if any((row, col_key) in statutory.STOCK_CELLS for row, _ in block.rows):
        return f"季末{label}"
    return label.replace("本年", "本季")


@functools.cache
def article20_grid(cfg: Config) -> Grid:
    """Table A's four blocks, stacked as in the report, with quarter wording."""
    labels: list[tuple[str, str]] = []
    inputs: list[InputCell] = []
    merges: list[str] = []
    width = 1 + max(len(b.columns) for b in statutory.TABLE_A_BLOCKS)
    row = HEADER_ROW
    for block in statutory.TABLE_A_BLOCKS:
        labels.append((_cell(1, row), block.header))
        merges.append(f"{_cell(1, row)}:{_cell(width, row)}")
        row += 1
        labels.append((_cell(1, row), statutory.INFO_CONTENT))
        labels += [(_cell(2 + j, row), quarter_column_label(block, col))
                   for j, (col, _) in enumerate(block.columns)]
        row += 1
        for row_key, row_label in block.rows:
            labels.append((_cell(1, row), row_label))
            for j, (col, _) in enumerate(block.columns):
                kind = AMOUNT if (row_key, col) in statutory.AMOUNT_CELLS else COUNT
                inputs.append(InputCell(_cell(2 + j, row), "article20", row_key, col, kind,
                                        f"“{row_label}”的“{quarter_column_label(block, col)}”"))
            row += 1
    first = statutory.TABLE_A_BLOCKS[0]
    stock = quarter_column_label(first, next(iter(statutory.STOCK_CELLS))[1])
    note = (f"第二十条各项一般由街道本级填写，社区没有的请填0，不要留空。“{stock}”填本季度末仍然有效的"
            "总数，不是本季度新增数；收费金额以万元为单位，可以有小数。")
    return Grid(SHEET_ARTICLE20, "第二十条规定的主动公开事项", note, tuple(labels),
                tuple(inputs), tuple(merges))


SUPERVISION_HINTS: dict[str, str] = {
    "self_inspections": "本季度开展政务公开自查的次数",
    "items_screened": "自查时筛查的已公开信息条数",
    "problems_found": "自查发现或被上级通报的问题条数",
    "problems_fixed": "本季度已整改完成的问题条数",
    "trainings": "组织或参加政务公开培训的次数",
    "complaints": "通过意见箱、监督电话等收到的群众投诉、举报件数",
    "board_updates": "公开栏（公示栏）更新的次数",
}


@functools.cache
def supervision_grid(cfg: Config) -> Grid:
    """records.SUPERVISION_KEYS, one count each, with a help column."""
    labels = [(_cell(1, HEADER_ROW), "事项"), (_cell(2, HEADER_ROW), "本季度数量"),
              (_cell(3, HEADER_ROW), "说明")]
    inputs = []
    hints = []
    for i, key in enumerate(SUPERVISION_KEYS):
        row = FIRST_ROW + i
        labels.append((_cell(1, row), FIGURES[key]))
        inputs.append(InputCell(_cell(2, row), "supervision", key, "", COUNT, f"“{FIGURES[key]}”"))
        hints.append((_cell(3, row), SUPERVISION_HINTS[key]))
    note = "填写本季度的管理和监督情况，全部为次数或条数。没有的请填0，不要留空。"
    return Grid(SHEET_SUPERVISION, "政府信息管理与监督情况", note, tuple(labels), tuple(inputs),
                hints=tuple(hints))


@functools.cache
def grids(cfg: Config) -> tuple[Grid, ...]:
    """The four grid sheets, made once per configuration (they are immutable)."""
    return (disclosure_grid(cfg), interpretation_grid(cfg), article20_grid(cfg),
            supervision_grid(cfg))


TEXT, DATE, CHOICE, OUTCOME = "text", "date", "choice", "outcome"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str                 # TEXT, DATE, CHOICE, OUTCOME, COUNT or AMOUNT
    personal: bool = False    # kept in the workbook only: ingestion never reads it
    choices: str | None = None  # ChoiceList name for CHOICE and OUTCOME columns
    width: int = 12


@dataclass(frozen=True)
class Register:
    sheet: str
    title: str
    note: str
    columns: tuple[Column, ...]
    capacity: int  # rows prepared with validations (and unlocked) below the header
    # Printed on A4 landscape at full size: a page break after this column (the ID column is
    # repeated on every page), so each half of a row is readable and the halves face each other.
    page_break_after: str | None = None

    def letter(self, key: str) -> str:
        return self.letters[self.index(key)]

    def index(self, key: str) -> int:
        return self._indexes[key]

    # Looked up for every register row of every workbook read: worked out once per register.
    @functools.cached_property
    def _indexes(self) -> dict[str, int]:
        return {c.key: i for i, c in enumerate(self.columns)}

    @functools.cached_property
    def letters(self) -> tuple[str, ...]:
        """The column letter of each column, in order."""
        return tuple(get_column_letter(i + 1) for i in range(len(self.columns)))

    @functools.cached_property
    def header_cells(self) -> tuple[tuple[str, str], ...]:
        """(cell, label) of each column heading."""
        return tuple((f"{letter}{HEADER_ROW}", c.label)
                     for letter, c in zip(self.letters, self.columns, strict=True))

    def column(self, key: str) -> Column:
        return self.columns[self.index(key)]

    @property
    def last_row(self) -> int:
        return FIRST_ROW + self.capacity - 1


APPLICATIONS = Register(
    SHEET_APPLICATIONS,
    "依申请公开登记台账",
    "每件申请占一行。上季度未办结的申请，本季度要再登记一行（编号不变），填写最新办理情况；"
    "尚未办结的，答复日期和办理结果留空。申请人姓名、电话、证件号码和申请内容只留在本表，"
    "不会进入汇总和年报。",
    (
        Column("app_id", "申请编号", TEXT, width=10),
        Column("received", "收到日期", DATE, width=11),
        Column("channel", "收到方式", CHOICE, choices="list_channel", width=9),
        Column("applicant_class", "申请人类型", CHOICE, choices="list_applicant_class", width=11),
        Column("name", "申请人姓名", TEXT, personal=True, width=10),
        Column("phone", "联系电话", TEXT, personal=True, width=13),
        Column("id_number", "证件号码", TEXT, personal=True, width=19),
        Column("summary", "申请内容摘要", TEXT, personal=True, width=24),
        Column("correction_sent", "补正通知日期", DATE, width=11),
        Column("correction_received", "补正后收到日期", DATE, width=11),
        Column("extended", "是否延期", CHOICE, choices="list_yes_no", width=8),
        Column("consult_days", "征求第三方意见天数", COUNT, width=8),
        Column("answered", "答复日期", DATE, width=11),
        Column("outcome", "办理结果", OUTCOME, choices="list_outcome", width=28),
        Column("fee", "收取信息处理费（元）", AMOUNT, width=8),
        Column("remark", "备注", TEXT, personal=True, width=12),
    ),
    capacity=100,
    page_break_after="summary",
)


CASES = Register(
    SHEET_CASES,
    "行政复议、行政诉讼登记台账",
    "每个案件占一行。案件类型和结果请从下拉列表选择；尚未审结的，结果选“"
    f"{dict(statutory.CASE_RESULTS)['pending']}”。",
    (
        Column("case_id", "案件编号", TEXT, width=12),
        Column("kind", "案件类型", CHOICE, choices="list_case_kind", width=18),
        Column("received", "收到日期", DATE, width=12),
        Column("result", "结果", CHOICE, choices="list_case_result", width=12),
        Column("remark", "备注", TEXT, personal=True, width=30),
    ),
    capacity=30,
)


REGISTERS: tuple[Register, ...] = (APPLICATIONS, CASES)


CONFIRM_TITLE = "填报确认（全部工作表填好后由填报人填写）"


CONFIRM_TITLE_ROW = FIRST_ROW + len(HEADER_FIELDS) + 1


CONFIRM_FIELDS: tuple[Column, ...] = (
    Column("officer", "填报人", TEXT),
    Column("phone", "联系电话", TEXT),
    Column("date", "填报日期", DATE),
    Column("declaration", "填报确认", CHOICE, choices="list_declaration"),
)


CONFIRM_CELLS: dict[str, str] = {
    c.key: f"{HEADER_VALUE_COLUMN}{CONFIRM_TITLE_ROW + 1 + i}" for i, c in enumerate(CONFIRM_FIELDS)}


CONFIRM_LABEL_CELLS: dict[str, str] = {
    f"{HEADER_LABEL_COLUMN}{CONFIRM_TITLE_ROW + 1 + i}": c.label
    for i, c in enumerate(CONFIRM_FIELDS)}


CONFIRM_HINTS: dict[str, str] = {
    "officer": "填写本表的工作人员姓名",
    "phone": "本单位办公电话，便于核对",
    "date": "确认的日期，如 {year}-{month:02d}-08",
    "declaration": "全部填好后选“本季度填报完毕”；本季度没有任何事项的选“本季度无新增事项”"
                   "（各表可不填）；还没填完的选“尚未填完”",
}


FINGERPRINT_LABEL = "报表指纹（系统使用，请勿修改）"


FINGERPRINT_COLUMN = 9  # after the closed lists of the hidden sheet


FINGERPRINT_CELL = f"{get_column_letter(FINGERPRINT_COLUMN)}{FIRST_LIST_ROW}"


def _canonical(value) -> str:
    """A cell's value as the fingerprint sees it: the same whether openpyxl wrote it or
    calamine read it back (dates as ISO text, whole floats as integers)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return normalize.clean_text(value)


def fingerprint(grid_values: Sequence, register_rows: Sequence[Sequence[tuple[int, Sequence]]],
                confirmation: Sequence) -> str:
    """sha256 over every input of a workbook: the grid inputs (in layout order), each
    register's non-empty rows (row number, cells in column order) and the confirmation."""
    data = [[_canonical(v) for v in grid_values],
            [[[row, [_canonical(v) for v in cells]] for row, cells in rows]
             for rows in register_rows],
            [_canonical(v) for v in confirmation]]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


# Sheet order of a quarter's workbook (the hidden lists sheet comes last).
SHEETS: tuple[str, ...] = (SHEET_INSTRUCTIONS, SHEET_HEADER, SHEET_DISCLOSURE,
                           SHEET_INTERPRETATION, SHEET_ARTICLE20, SHEET_APPLICATIONS,
                           SHEET_CASES, SHEET_SUPERVISION, SHEET_LISTS)
