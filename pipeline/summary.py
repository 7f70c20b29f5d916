"""The year's consolidated workbook (汇总报表), rendered from the store like the dashboards and
the report: `xxgk check` only reviews and stores, so that a rerun after one fixed cell stays
cheap (issue 7); `xxgk tables` and `xxgk build` write this workbook."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from pipeline import build, history, store
from pipeline.config import Config

# Only non-zero contributions reach the lineage sheets (history leaves zero and blank out), so
# SQLite skips the rest, most of the table. Rows come sorted on every field so that the sums
# of decimal amounts do not depend on the order the store keeps its rows in.
_LINEAGE_QUERY = (
    "SELECT year, tbl, row_key, col_key, unit, quarter, file, sheet, cell, value FROM lineage "
    "WHERE year = ? AND value <> 0 "
    "ORDER BY tbl, row_key, col_key, file, sheet, cell, unit, quarter, value")


def _read_lineage(con, year: int) -> list[store.Lineage]:
    """The year's non-zero lineage rows, in an order independent of the store's row order."""
    return [store.Lineage(*row[:-1], store._cell_value(row[-1]))
            for row in con.execute(_LINEAGE_QUERY, (year,))]


def write_summary(store_path: Path, cfg: Config, year: int, outputs_dir: Path) -> Path:
    """Write outputs/<Y>/<Y>年汇总报表.xlsx from the store: the three tables, the headline
    figures and where each number came from. Returns the path written."""
    with closing(store.connect(store_path)) as con:
        tables = store.read_tables(con, year)
        if tables is None:
            raise ValueError(f"数据库 {store_path} 中没有{year}年的数据，无法生成汇总报表。"
                             f"请先运行 xxgk check --year {year}。")
        lineage = _read_lineage(con, year)
    path = build.consolidated_path(outputs_dir, year)
    history.write_published(path, tables,
                            title=f"{cfg.organ.name}{year}年政府信息公开工作年度报表（汇总）",
                            lineage=lineage)
    return path
