"""A year's consolidated result: the three statutory tables and the headline figures.

The same structure comes from workbooks (consolidation) and from a published-tables workbook
(history), so the store, the review, the dashboards and the report read one shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.core import statutory

Cells = dict[tuple[str, str], "int | float | None"]


# Headline figures used by the text and the dashboards. A published-tables workbook carries the
# first two; the rest exist only for years consolidated from workbooks.
FIGURES: dict[str, str] = {
    "items_published": "主动公开政府信息条数",
    "interpretations": "政策解读次数",
    "categories_published": "主动公开内容类别数",
    "self_inspections": "自查次数",
    "items_screened": "筛查公开内容条数",
    "problems_found": "发现问题条数",
    "problems_fixed": "已整改问题条数",
    "trainings": "培训次数",
    "complaints": "群众投诉、举报件数",
    "board_updates": "公开栏更新次数",
    "fee_charged_yuan": "收取信息处理费（元）",
    "answered_on_time": "按时答复申请数",
    "answered_late": "逾期答复申请数",
    "answered_unknown": "未能核对答复时限的申请数",
}


HISTORY_FIGURES = ("items_published", "interpretations")


@dataclass
class YearTables:
    year: int
    source: str  # "workbooks" or "published"
    a: Cells = field(default_factory=dict)
    b: Cells = field(default_factory=dict)
    c: Cells = field(default_factory=dict)
    figures: dict[str, int | float | None] = field(default_factory=dict)

    def table(self, name: str) -> Cells:
        return {"A": self.a, "B": self.b, "C": self.c}[name]


def empty_tables(year: int, source: str) -> YearTables:
    """All cells present and blank (None): "not filled" until a rule or a reader decides."""
    return YearTables(
        year, source,
        a=dict.fromkeys(statutory.TABLE_A_CELLS),
        b=dict.fromkeys(statutory.TABLE_B_CELLS),
        c=dict.fromkeys(statutory.TABLE_C_CELLS),
    )
