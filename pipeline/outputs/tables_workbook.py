"""The year's consolidated workbook (汇总报表), rendered from the store like the dashboards and
the report: `xxgk check` only reviews and stores, so that a rerun after one fixed cell stays
cheap; `xxgk tables` and `xxgk build` write this workbook."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from pipeline import store
from pipeline.core.config import Config
from pipeline.workbooks import published


def write_summary(store_path: Path, cfg: Config, year: int, path: Path) -> Path:
    """Write the year's consolidated workbook (outputs/<Y>/<Y>年汇总报表.xlsx) from the store:
    the three tables, the headline figures and where each number came from."""
    with closing(store.connect(store_path)) as con:
        tables = store.read_tables(con, year)
        if tables is None:
            raise ValueError(f"数据库 {store_path} 中没有{year}年的数据，无法生成汇总报表。"
                             f"请先运行 xxgk check --year {year}。")
        # the lineage sheets list non-zero contributions only: SQLite skips the rest
        lineage = store.read_lineage(con, year, nonzero=True)
    published.write_published(path, tables,
                              title=f"{cfg.organ.name}{year}年政府信息公开工作年度报表（汇总）",
                              lineage=lineage)
    return path
