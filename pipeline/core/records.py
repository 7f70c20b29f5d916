"""What ingestion hands to consolidation: tidy records, each with the cell it came from.

Personal data (applicants' names, phones, ID numbers, request texts) is never read into these
records, so nothing downstream can leak it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Lineage:
    year: int
    tbl: str
    row_key: str
    col_key: str
    unit: str
    quarter: int
    file: str
    sheet: str
    cell: str
    value: float | None


@dataclass(frozen=True, slots=True)
class Source:
    """Lineage of a value: the workbook (relative to the workbooks folder), sheet and cell."""

    file: str
    sheet: str
    cell: str


@dataclass(frozen=True, slots=True)
class Header:
    """Identity of one quarter's workbook and what its officer declared, as written inside it.

    `touched`: some input differs from the template as issued (an untouched one is 未填).
    `declaration`: the 填报确认 choice (layout.DECLARATIONS key), None when blank or unreadable.
    The officer's name and phone are the office's own data: they may appear in the status and
    the findings, never in the report or the dashboards."""

    unit: str
    year: int
    quarter: int
    version: str
    file: str
    touched: bool = True
    declaration: str | None = None
    officer: str | None = None
    officer_phone: str | None = None
    confirmed_on: date | None = None


@dataclass(slots=True)
class Submission:
    """One expected return: a unit's workbook for a quarter, and its state (see
    pipeline.review.returns). `rejected`: a file in its place that could not be accepted."""

    year: int
    unit: str
    quarter: int
    file: str | None
    status: str
    rejected: str | None = None
    officer: str | None = None
    officer_phone: str | None = None
    confirmed_on: date | None = None
    declaration: str | None = None


# Topics of a Fact and what key/dim mean for each:
#   "disclosure":     key = category (from xxgk.toml), dim = channel, or "" for distinct items
#   "interpretation": key = form (from xxgk.toml), dim = ""
#   "article20":      key = table A row key, dim = table A column key (statutory keys)
#   "supervision":    key = one of SUPERVISION_KEYS, dim = ""
TOPICS = ("disclosure", "interpretation", "article20", "supervision")


# Management and supervision facts a unit reports each quarter (labels live in the layout).
SUPERVISION_KEYS = (
    "self_inspections",   # 自查次数
    "items_screened",     # 筛查公开内容条数
    "problems_found",     # 发现（被通报）问题条数
    "problems_fixed",     # 已整改问题条数
    "trainings",          # 培训次数
    "complaints",         # 群众投诉、举报件数
    "board_updates",      # 公开栏更新次数
)


class Fact(NamedTuple):
    """One numeric input cell. value None means the cell was left blank ("未填写").

    A tuple, and the cell it came from is kept as three fields, not as a Source: a city has
    a million facts, made again from the parse cache on every run; a tuple is made four times
    faster than a frozen dataclass, and a Source object each would take ~40 MB more."""

    unit: str
    year: int
    quarter: int
    topic: str
    key: str
    dim: str
    value: int | float | None
    file: str | None
    sheet: str | None
    cell: str | None

    @property
    def source(self) -> Source | None:
        return None if self.file is None else Source(self.file, self.sheet, self.cell)


@dataclass(frozen=True, slots=True)
class Application:
    """One row of the application register (依申请公开登记台账), without personal fields.

    applicant_class is a statutory key (APPLICANT_CLASSES); outcome is a statutory outcome row
    key (OUTCOME_ROWS) or None while the application is open.
    """

    unit: str
    year: int
    quarter: int
    app_id: str
    received: date | None
    channel: str | None
    applicant_class: str | None
    correction_sent: date | None = None
    correction_received: date | None = None
    extended: bool = False
    consult_days: int | None = 0  # None: typed but unusable (reported where it was read)
    answered: date | None = None
    outcome: str | None = None
    fee: float = 0.0
    source: Source | None = None
    cells: dict[str, str] = field(default_factory=dict, compare=False)  # field -> cell address


@dataclass(frozen=True, slots=True)
class Case:
    """One administrative review or litigation case. kind is a TABLE_C_GROUPS key, result a
    CASE_RESULTS key ("pending" while open on 31 December)."""

    unit: str
    year: int
    quarter: int
    case_id: str
    kind: str | None
    received: date | None
    result: str | None
    source: Source | None = None
