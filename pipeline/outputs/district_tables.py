"""The district's consolidated workbook (全区汇总报表): the sum of its organs' tables in the
organs' layout, and what each organ adds to each cell (各机关数据), as an organ's workbook
shows what each of its files adds."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from pipeline.core.cell_names import _TABLE_CELLS, SHEETS, cell_labels
from pipeline.core.model import YearTables
from pipeline.workbooks import published

PARTS_SHEET = "各机关数据"

_PARTS_NOTE = ("全区每个数字由各机关的汇总报表相加而来：每行一个机关，每列一个单元格。"
               "空白为该机关未填，这时全区的数字也空白。")


def district_summary_path(year_dir: Path, district: str, year: int) -> Path:
    return year_dir / f"{district}{year}年全区汇总报表.xlsx"


def write_district_summary(path: Path, title: str, total: YearTables,
                           parts: dict[str, YearTables]) -> Path:
    """The three tables of the district and the 各机关数据 sheet (organs by short name, in
    the configuration's order)."""
    cells = [(tbl, *key) for tbl, keys in _TABLE_CELLS.items() for key in keys]
    labels = [cell_labels(*c) for c in cells]
    rows = {organ: (i, organ) for i, organ in enumerate(parts, start=1)}  # (序号, 机关)

    def more(wb: Workbook) -> None:
        heads = published.LINEAGE_HEADS
        published.write_matrix(
            wb.create_sheet(PARTS_SHEET), _PARTS_NOTE, {"序号": 30, "机关": 20},
            [(heads[0], [SHEETS[c[0]] for c in cells], 30),
             (heads[1], [row for row, _ in labels], 90),
             (heads[2], [col for _, col in labels], 48),
             (heads[4], [total.table(c[0]).get(c[1:]) for c in cells], 20)],
            [{rows[organ]: t.table(c[0]).get(c[1:]) for organ, t in parts.items()}
             for c in cells], order=lambda row: row[0])

    published.write_published(path, total, title=title, more=more)
    return path
