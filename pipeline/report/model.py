"""The statutory annual report as one model, read from the store, and the run that writes it.

`build_report_model` gathers everything the writers need (title, preamble, the six parts with
their text, the three tables laid out cell by cell as the national format prints them); the DOCX
and HTML writers only render it, so both show the same words and numbers. `run_report` runs
notebooks/report.ipynb, which calls the writers, the way an analyst would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import store
from pipeline.core import statutory
from pipeline.core.config import Config, load_config
from pipeline.core.findings import Finding
from pipeline.core.model import YearTables
from pipeline.core.numbers import as_written
from pipeline.notebooks import NOTEBOOKS_DIR, notebook_path, run_notebook
from pipeline.report import placeholders, text_review
from pipeline.report.composition import Part, compose
from pipeline.report.placeholders import TextData
from pipeline.review import returns
from pipeline.review.deadlines import OVERDUE_OPEN

if TYPE_CHECKING:
    import pandas as pd


REPORT_NAME = "政府信息公开工作年度报告"


DRAFT = "草稿"


NOTEBOOK = "report.ipynb"


# The text block of an A4 page with the GB/T 9704 margins (210 - 28 - 26 mm).
TEXT_WIDTH_MM = 156.0


class ReportError(Exception):
    """The report cannot be made; the message (Chinese) says why and what to do."""


def report_title(organ: str, year: int) -> str:
    return f"{organ}{year}年{REPORT_NAME}"


@dataclass(frozen=True)
class GridCell:
    """One printed cell, anchored at its top-left slot, spanning rowspan × colspan slots."""

    row: int
    col: int
    text: str
    kind: str  # "header", "label" or "number"
    rowspan: int = 1
    colspan: int = 1
    key: tuple[str, str] | None = None  # (row_key, col_key) of a number cell


@dataclass(frozen=True)
class Grid:
    """A statutory table in the official layout; widths in mm add up to the text width."""

    name: str  # "A", "B", "C"
    n_rows: int
    widths: tuple[float, ...]
    cells: tuple[GridCell, ...]
    header_rows: int  # rows repeated at the top of each page

    @property
    def n_cols(self) -> int:
        return len(self.widths)


def _number(cells, key) -> str:
    """Every numeric cell is printed; a blank cell (already an error of the review) prints 0."""
    v = cells.get(key)
    return as_written(0 if v is None else v)


def _even(n: int, fixed: tuple[float, ...] = ()) -> tuple[float, ...]:
    rest = (TEXT_WIDTH_MM - sum(fixed)) / n
    return (*fixed, *([round(rest, 2)] * n))


def grid_a(cells) -> Grid:
    """Table A: per block a header row across the table, a 信息内容 row, then its items."""
    value_cols = max(len(b.columns) for b in statutory.TABLE_A_BLOCKS)
    out: list[GridCell] = []
    r = 0
    for block in statutory.TABLE_A_BLOCKS:
        if value_cols % len(block.columns):
            raise ValueError(block.key)
        span = value_cols // len(block.columns)
        out.append(GridCell(r, 0, block.header, "header", colspan=value_cols + 1))
        out.append(GridCell(r + 1, 0, statutory.INFO_CONTENT, "header"))
        out += [GridCell(r + 1, 1 + i * span, label, "header", colspan=span)
                for i, (_, label) in enumerate(block.columns)]
        r += 2
        for row_key, row_label in block.rows:
            out.append(GridCell(r, 0, row_label, "label"))
            out += [GridCell(r, 1 + i * span, _number(cells, (row_key, col)), "number",
                             colspan=span, key=(row_key, col))
                    for i, (col, _) in enumerate(block.columns)]
            r += 1
    return Grid("A", r, _even(value_cols, (48.0,)), tuple(out), header_rows=0)


def _numeric_descendants(key: str) -> int:
    children = [r for r in statutory.TABLE_B_ROWS if r.parent == key]
    return sum(_numeric_descendants(c.key) if c.group else 1 for c in children)


def grid_b(cells) -> Grid:
    """Table B: the corner cell over three label columns and three header rows; the results
    row (三) merged down all its rows in the first column, the groups (三)–(六) of results down
    theirs in the second, as in the national format."""
    n_classes = len(statutory.LEGAL_PERSON_COLUMNS)
    out = [
        GridCell(0, 0, statutory.TABLE_B_CORNER, "header", rowspan=3, colspan=3),
        GridCell(0, 3, statutory.APPLICANT_HEADER, "header", colspan=len(statutory.TABLE_B_COLUMNS)),
        GridCell(1, 3, statutory.NATURAL_PERSON[1], "header", rowspan=2),
        GridCell(1, 4, statutory.LEGAL_PERSON_GROUP, "header", colspan=n_classes),
        *(GridCell(2, 4 + i, label, "header")
          for i, (_, label) in enumerate(statutory.LEGAL_PERSON_COLUMNS)),
        GridCell(1, 4 + n_classes, statutory.TOTAL[1], "header", rowspan=2),
    ]
    r = 3
    for row in statutory.TABLE_B_ROWS:
        depth = row.level
        if row.group:
            out.append(GridCell(r, depth, row.label, "label", rowspan=_numeric_descendants(row.key)))
            continue
        out.append(GridCell(r, depth, row.label, "label", colspan=3 - depth))
        out += [GridCell(r, 3 + i, _number(cells, (row.key, col)), "number", key=(row.key, col))
                for i, (col, _) in enumerate(statutory.TABLE_B_COLUMNS)]
        r += 1
    return Grid("B", r, _even(len(statutory.TABLE_B_COLUMNS), (9.0, 17.0, 54.0)), tuple(out),
                header_rows=3)


def grid_c(cells) -> Grid:
    """Table C: 行政复议 over its five columns (two header rows high); 行政诉讼 over ten, split
    into 未经复议直接起诉 and 复议后起诉; the result names; one row of numbers."""
    n = len(statutory.TABLE_C_COLUMNS)
    out = [GridCell(0, 0, statutory.REVIEW[1], "header", rowspan=2, colspan=n),
           GridCell(0, n, statutory.LITIGATION, "header",
                    colspan=n * len(statutory.LITIGATION_GROUPS))]
    out += [GridCell(1, n * (i + 1), label, "header", colspan=n)
            for i, (_, label) in enumerate(statutory.LITIGATION_GROUPS)]
    for g, (group, _) in enumerate(statutory.TABLE_C_GROUPS):
        for i, (col, label) in enumerate(statutory.TABLE_C_COLUMNS):
            out.append(GridCell(2, g * n + i, label, "header"))
            out.append(GridCell(3, g * n + i, _number(cells, (group, col)), "number",
                                key=(group, col)))
    return Grid("C", 4, _even(n * len(statutory.TABLE_C_GROUPS)), tuple(out), header_rows=3)


def table_grids(tables: YearTables) -> dict[str, Grid]:
    return {"A": grid_a(tables.a), "B": grid_b(tables.b), "C": grid_c(tables.c)}


@dataclass(frozen=True)
class ReportModel:
    year: int
    organ: str
    title: str
    preamble: tuple[str, ...]
    parts: tuple[Part, ...]
    tables: YearTables
    grids: dict[str, Grid]
    # Document timestamps: the end of the statistics period, so a rerun gives the same file.
    stamp: datetime
    findings: tuple[Finding, ...] = field(default=())
    # How far the year's returns go; a final report needs completeness.final_ok.
    completeness: returns.Completeness | None = None

    def draft_note(self) -> str:
        """What a draft says about its data, e.g. "草稿（数据截至第2季度，3本未确认）"."""
        done = self.completeness
        return f"{DRAFT}（{done.summary()}）" if done is not None and not done.final_ok else DRAFT


def text_data(con: sqlite3.Connection, tables: YearTables) -> TextData:
    """The tables plus the sums of the year's facts the words need (see
    placeholders.text_data), as consolidation added them up (a city has ~100 facts per
    workbook), and the count of open applications past their deadline, which only the
    deadline findings know."""
    overdue, = con.execute("SELECT count(*) FROM findings WHERE year = ? AND rule = ?",
                           (tables.year, OVERDUE_OPEN)).fetchone()
    return placeholders.text_data(tables, con.execute(
        "SELECT topic, key, dim, value FROM fact_sums WHERE year = ? "
        "AND topic IN ('disclosure', 'interpretation')", (tables.year,)), overdue_open=overdue)


def build_report_model(con: sqlite3.Connection, cfg: Config, year: int) -> ReportModel:
    """Everything the writers need, from the store and the configuration (no personal data
    exists in the store, so none can reach the report)."""
    tables = store.read_tables(con, year)
    if tables is None:
        years = "、".join(map(str, store.read_years(con))) or "无"
        raise ReportError(f"数据库中没有{year}年的数据（已有年度：{years}）。"
                          f"请先运行 xxgk build 生成{year}年的汇总数据。")
    data = text_data(con, tables)
    paragraphs = store.read_paragraphs(con, year)
    previous = (store.read_paragraphs(con, year - 1)
                if year - 1 in store.read_years(con) else None)
    preamble, parts = compose(cfg, data, paragraphs)
    findings = text_review.review_text(cfg, year, tables, paragraphs, previous, parts,
                                       data=data)
    done = (returns.published(year) if tables.source == "published" else
            returns.completeness(year, store.read_submissions(con, year),
                                 store.count_errors(con, year)))
    return ReportModel(year, cfg.organ.name, report_title(cfg.organ.name, year), preamble, parts,
                       tables, table_grids(tables), datetime(year, 12, 31, tzinfo=UTC),
                       tuple(findings), done)


def require_final(model: ReportModel, draft: bool) -> None:
    """A final report (not `draft`) is made only from a year whose every return is confirmed
    and free of errors: raise ReportError saying how far the data go otherwise."""
    if not draft and model.completeness is not None and not model.completeness.final_ok:
        raise ReportError(f"不能生成正式报告：{model.completeness.summary()}。请等全部报表确认、"
                          "改正错误后再生成；或设置 draft = True 生成标注“草稿”的报告。")


def table_frames(tables: YearTables) -> dict[str, pd.DataFrame]:
    """The three tables with their statutory labels, for reading in the notebook (pandas is
    imported here: `xxgk check` reviews the report text without it)."""
    import pandas as pd

    a = pd.DataFrame(
        [(b.header, label, statutory.table_a_column_label(row, col), tables.a.get((row, col)))
         for b in statutory.TABLE_A_BLOCKS for row, label in b.rows for col, _ in b.columns],
        columns=["条款", statutory.INFO_CONTENT, "项目", "数值"])

    def b_label(row):
        parent = statutory.TABLE_B_ROW.get(row.parent or "")
        return f"{parent.label} {row.label}" if parent and parent.group and row.level == 2 \
            else row.label
    b = pd.DataFrame(
        [[tables.b.get((row, col)) for col, _ in statutory.TABLE_B_COLUMNS]
         for row in statutory.TABLE_B_NUMERIC_ROWS],
        index=[b_label(statutory.TABLE_B_ROW[r]) for r in statutory.TABLE_B_NUMERIC_ROWS],
        columns=[label for _, label in statutory.TABLE_B_COLUMNS])
    c = pd.DataFrame(
        [[tables.c.get(key) for key in statutory.TABLE_C_CELLS]],
        columns=pd.MultiIndex.from_tuples(
            [(dict(statutory.TABLE_C_GROUPS)[g], dict(statutory.TABLE_C_COLUMNS)[k])
             for g, k in statutory.TABLE_C_CELLS]))
    return {statutory.PART_HEADINGS[p]: df for p, df in
            (("proactive", a), ("applications", b), ("appeals", c))}


def plain_text(model: ReportModel) -> str:
    """The report's words as plain text (tables shown as a marker)."""
    lines = [model.title, "", *model.preamble]
    for part in model.parts:
        lines += ["", part.heading]
        for section in part.sections:
            if section.heading:
                lines.append(section.heading)
            lines += section.paragraphs
        if part.table:
            lines.append(f"〔表格：{part.heading}〕")
    return "\n".join(lines)


def report_files(output_dir: str | Path, title: str) -> tuple[Path, Path]:
    """The DOCX and HTML in a report folder; the file name is the report's title."""
    return Path(output_dir) / f"{title}.docx", Path(output_dir) / f"{title}.html"


def report_paths(year_dir: str | Path, organ: str, year: int) -> tuple[Path, Path]:
    """<year folder>/report/<organ name><Y>年政府信息公开工作年度报告.docx and .html."""
    return report_files(Path(year_dir) / "report", report_title(organ, year))


def run_report(store_path: str | Path, config_path: str | Path, year: int,
               outputs_dir: str | Path, *, draft: bool = False, organ: str = "",
               more: Sequence[dict] = (),
               executed: str | Path | None = None) -> tuple[Path, Path]:
    """Run notebooks/report.ipynb (kernel python3), keeping the executed notebook under
    outputs/<Y>/notebooks (outputs/<Y>/<organ>/… for an organ of a district; or as
    `executed`); in the same run, the reports of the organs of `more`
    (report.more.organ_job). Returns this organ's DOCX and HTML."""
    cfg = load_config(config_path, organ)
    year_dir = Path(outputs_dir).resolve() / str(year) / organ
    docx_path, html_path = report_paths(year_dir, cfg.organ.name, year)
    run_notebook(notebook_path(NOTEBOOK), Path(executed or year_dir / "notebooks" / NOTEBOOK),
                 {"year": year, "draft": draft, "store_path": str(Path(store_path).resolve()),
                  "config_path": str(Path(config_path).resolve()), "organ": organ,
                  "output_dir": str(docx_path.parent), "more_organs": list(more)},
                 cwd=NOTEBOOKS_DIR)
    expected = [docx_path, html_path]
    for job in more:
        title = report_title(load_config(job["config_path"], job["organ"]).organ.name, year)
        expected += report_files(job["output_dir"], title)
    for path in expected:
        if not path.is_file():
            raise ReportError(f"笔记本 {NOTEBOOK} 运行结束，但没有生成 {path}。")
    return docx_path, html_path
