"""Paths Windows can open. Without the long-path setting (off on most office PCs) Windows
refuses a path of more than 259 characters (MAX_PATH, 260, counts the terminating NUL), and
Excel and WPS refuse longer ones even with it. A workbooks or outputs folder deep in a Chinese
path and a long organ or unit name together can pass that: the run is then refused before
anything is written, naming the longest path, rather than failing half way through.

Every file xxgk writes or files under the two folders is listed here by the same functions that
name it, with what its temp file adds while it is written (core.atomic)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pipeline.build import outputs_folder
from pipeline.build.pack import pack_name
from pipeline.core.config import Config, District
from pipeline.dashboards.pdf import pdf_path
from pipeline.outputs.district_tables import district_summary_path
from pipeline.report.model import report_paths
from pipeline.workbooks import collect, filenames

MAX_PATH = 259  # characters; Windows' MAX_PATH of 260 holds the terminating NUL

# core.atomic writes ".<name>.<8 random characters>.tmp" beside its target.
_ATOMIC = len("..") + 8 + len(".tmp")
# SQLite's journal beside a store or cache being updated ("<name>-journal").
_JOURNAL = len("-journal")

# The dashboards folder's files, as dashboards.site names them (not imported from there: it
# loads plotly and pandas, which every command would then pay for; tests/test_windows_names.py
# holds the two to the same names): index.html and a page per unit, printed to PDF/<page>.pdf,
# and plotly.min.js beside them.
_INDEX, _PLOTLY_JS = "index.html", "plotly.min.js"


def windows_length(path: Path) -> int:
    """Length as Windows counts it: UTF-16 code units (a character beyond the BMP, such as
    "𠀀", counts two)."""
    return len(str(path).encode("utf-16-le")) // 2


def _workbook_paths(cfg: Config, workbooks: Path, year: int) -> list[tuple[Path, int]]:
    """(path, what a temp name adds) of the organ's workbooks, for the longest quarter."""
    out = [(filenames.published_path(workbooks, year), _ATOMIC),
           (workbooks / str(year) / filenames.report_text_file_name(year), _ATOMIC)]
    for unit in cfg.units:
        quarter = filenames.quarter_path(workbooks, year, 1, unit)
        out += [(quarter, _ATOMIC), (collect.earlier_version_path(quarter, datetime.now()), 0)]
    return out


def _output_paths(cfg: Config, outputs: Path, year: int, organ: str) -> list[tuple[Path, int]]:
    """(path, what a temp name adds) of the organ's outputs and data."""
    folder = outputs_folder.year_dir(outputs, year, organ)
    dashboards = folder / "dashboards"
    pages = [dashboards / _INDEX, *(dashboards / f"{unit}.html" for unit in cfg.units)]
    out = [(p, _ATOMIC) for p in (
        *report_paths(folder, cfg.organ.name, year), *pages, *(pdf_path(p) for p in pages),
        dashboards / _PLOTLY_JS, outputs_folder.consolidated_path(outputs, year, organ),
        *outputs_folder.findings_paths(outputs, year, organ),
        outputs_folder.final_record_path(outputs, year, organ),
        outputs_folder.year_dir(outputs, year) / pack_name(cfg.organ.name, year))]
    store = outputs_folder.store_path(outputs, organ)
    cache = outputs_folder.cache_dir(outputs, organ) / f"{year}.sqlite"
    return out + [(store, _ATOMIC + _JOURNAL), (store, _JOURNAL), (cache, _JOURNAL)]


def _district_paths(district: District, workbooks: Path, outputs: Path, year: int
                    ) -> list[tuple[Path, int]]:
    folder = outputs_folder.year_dir(outputs, year, outputs_folder.DISTRICT_DIR)
    page = folder / "dashboards" / _INDEX
    return [(district_summary_path(folder, district.name, year), _ATOMIC), (page, _ATOMIC),
            (pdf_path(page), _ATOMIC),
            (outputs_folder.year_dir(outputs, year) / pack_name(district.name, year), _ATOMIC),
            *((p, _ATOMIC) for p in outputs_folder.findings_paths(
                outputs, year, outputs_folder.DISTRICT_DIR)),
            (filenames.published_path(workbooks / outputs_folder.DISTRICT_DIR, year), 0)]


def longest_path(district: District, workbooks: Path, outputs: Path, year: int,
                 organ: str | None = None) -> tuple[Path, int]:
    """The longest path xxgk would write or file for `year` under the two folders (made
    absolute), and its length with its temp name's; only organ `organ`'s (a short name) when
    given. Years have four digits: any year gives the same lengths."""
    workbooks, outputs = Path(workbooks).resolve(), Path(outputs).resolve()
    found: list[tuple[Path, int]] = []
    if district.single:
        cfg = district.organs[0]
        found += _workbook_paths(cfg, workbooks, year) + _output_paths(cfg, outputs, year, "")
    else:
        for cfg in [district.organ(organ)] if organ else district.organs:
            short = cfg.organ.short_name
            found += (_workbook_paths(cfg, workbooks / short, year)
                      + _output_paths(cfg, outputs, year, short))
        if not organ:
            found += _district_paths(district, workbooks, outputs, year)
    return max(((p, windows_length(p) + extra) for p, extra in found), key=lambda x: x[1])


def too_long(district: District, workbooks: Path, outputs: Path, year: int,
             organ: str | None = None) -> str | None:
    """Why Windows could not open the longest path (Chinese), None when every path fits."""
    path, length = longest_path(district, workbooks, outputs, year, organ)
    if length <= MAX_PATH:
        return None
    own = windows_length(path)
    temp = f"，写入时的临时文件名还要多 {length - own} 个" if length > own else ""
    return (f"路径过长：{path}（{own} 个字符{temp}），超过 Windows 允许的 {MAX_PATH} 个字符，"
            "在 Windows 上无法写入或打开。请把报表目录和输出目录移到较浅的文件夹"
            "（如 D:\\xxgk），或用 --workbooks、--outputs 指定较短的路径，也可以缩短配置中的机关或单位"
            "名称。")
