"""The district's dashboard page for leaders (outputs/<year>/全区/dashboards/index.html): the
district's year-over-year charts, every organ side by side, the return matrix, and a link to
each organ's own pages. Offline like the organ pages, with plotly.min.js beside it.

notebooks/district.ipynb builds its figures and writes the page from them, as the organ
notebook does; `run_district_dashboard` runs it once (kernel python3) for the whole district."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import plotly.graph_objects as go

from pipeline.dashboards import district_data, site
from pipeline.dashboards.dashboard_data import DashboardData
from pipeline.notebooks import NOTEBOOKS_DIR, notebook_path, run_notebook

NOTEBOOK = "district.ipynb"


INDEX_LABEL = "全区汇总"


def organ_job(organ: str, store_path: str | Path, dashboards_dir: str | Path) -> dict:
    """One organ of the district for the notebook (`organs`): where its store and pages are."""
    return {"organ": organ, "store_path": str(Path(store_path).resolve()),
            "dashboards_dir": str(Path(dashboards_dir).resolve())}


def load_district_data(name: str, organs: Sequence[Mapping], year: int, *,
                       years_back: int = 2, config_path: str | Path = "",
                       draft: bool = False) -> DashboardData:
    """Every organ's data read from its store (organ_job), combined; an organ without a store
    or without the year is left out and named on the page."""
    parts, left_out = {}, []
    for job in organs:
        if not Path(job["store_path"]).is_file():
            left_out.append(job["organ"])
            continue
        try:
            parts[job["organ"]] = site.load_data(job["store_path"], year, years_back=years_back,
                                                 config_path=config_path, organ=job["organ"])
        except ValueError:  # the store has no such year
            left_out.append(job["organ"])
    return district_data.combine(name, year, parts, left_out=left_out, draft=draft)


def titles(data: DashboardData) -> tuple[str, str]:
    years = sorted(data.sources)
    span = f"{years[0]}—{years[-1]}年逐年对比" if len(years) > 1 else f"{years[0]}年"
    title = f"{data.organ}{data.year}年政府信息公开工作看板（全区）"
    if data.draft:
        title = f"【草稿】{title}"
    return title, f"{INDEX_LABEL} · {len(data.parts)}个机关 · {span}"


def organ_links(organs: Sequence[Mapping], shown: Sequence[str], output_dir: str | Path
                ) -> list[tuple[str, str, bool]]:
    """The district page first, then each organ of `shown` (those with the year's data, whose
    pages the same run writes), by a relative link: the outputs folder can be copied whole to
    another computer."""
    links = [(INDEX_LABEL, site.INDEX, True)]
    for job in organs:
        if job["organ"] in shown:
            index = Path(job["dashboards_dir"]) / site.INDEX
            href = Path(os.path.relpath(index, Path(output_dir).resolve())).as_posix()
            links.append((job["organ"], href, False))
    return links


def write_district_page(data: DashboardData, figures: Mapping[str, go.Figure],
                        organs: Sequence[Mapping], output_dir: str | Path, *,
                        generated: date | None = None) -> Path:
    """Write the district's index.html from the figures the notebook holds, in their order."""
    title, subtitle = titles(data)
    return site.write_page(figures.values(), Path(output_dir) / site.INDEX, title, subtitle,
                           nav=organ_links(organs, list(data.parts), output_dir), generated=generated,
                           notice=data.notice())


def run_district_dashboard(name: str, organs: Sequence[Mapping], year: int,
                           output_dir: str | Path, executed: str | Path, *,
                           years_back: int = 2, config_path: str | Path = "",
                           draft: bool = False) -> Path:
    """Run notebooks/district.ipynb once: the district page in `output_dir`, the executed
    notebook as `executed`. Fails before a kernel starts when no organ has a store."""
    if not any(Path(job["store_path"]).is_file() for job in organs):
        raise ValueError("没有任何机关的数据库，无法生成全区看板：请先运行 xxgk build。")
    run_notebook(notebook_path(NOTEBOOK), Path(executed), {
        "year": year, "years_back": years_back, "district": name, "organs": list(organs),
        "config_path": str(Path(config_path).resolve()) if config_path else "",
        "output_dir": str(Path(output_dir).resolve()), "draft": draft,
    }, cwd=NOTEBOOKS_DIR)
    return Path(output_dir) / site.INDEX
