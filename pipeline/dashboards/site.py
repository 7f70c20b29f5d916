"""Offline dashboard pages: one HTML file per page, opened by double click.

The pages of a folder share one copy of plotly.js beside them (plotly.min.js, ~4.6 MB: inlined
in every page it made a district's dashboards gigabytes), loaded by a relative classic
<script src>, which a browser runs from file:// with no server; nothing is fetched from the
network (government intranets have no internet). A page copied without it says so in Chinese.
templates/page.html.j2 lays it out. The pages are made by notebooks/dashboard.ipynb, which
builds every page's figures (registry.py) and writes each page from the figures it holds, so
what an analyst changes in the notebook is what the page shows. A kernel start costs 2–3 s,
so `run_dashboards` does not start one per unit: it runs the notebook ONCE with
`all_units=True`, which displays the sub-district charts and writes index.html plus every unit
page from a single read of the store (DashboardData.for_unit narrows it in memory). Before
starting the kernel it reads the store itself, so a missing store, year or unit fails fast
with a Chinese message. An analyst who wants one unit's charts in the notebook runs it with
unit="<单位>", which displays and writes that page only."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from plotly.offline import get_plotlyjs
from plotly.utils import PlotlyJSONEncoder

from pipeline.core import atomic
from pipeline.core.config import load_config
from pipeline.dashboards import charts, dashboard_data
from pipeline.notebooks import NOTEBOOKS_DIR, notebook_path, run_notebook
from pipeline.store import connect

INDEX = "index.html"


PLOTLY_JS = "plotly.min.js"


INDEX_LABEL = "全街道汇总"


NOTEBOOK = "dashboard.ipynb"


TEMPLATE = "page.html.j2"


_TEMPLATES = Environment(loader=PackageLoader("pipeline.dashboards", "templates"),
                         autoescape=True, undefined=StrictUndefined,
                         keep_trailing_newline=True)


PLOT_CONFIG = {"displayModeBar": False, "responsive": True, "displaylogo": False}


NOTE = ("说明：标注“（据已公开报表）”的年份只有当年已公开的年度报表数据，没有分单位、分季度和登记台账明细，"
        "图中以斜线、浅色表示。上年基数小于10时，变化以件（条、次）数表示，不计算百分比。"
        "本页为离线文件，无需联网即可查看和打印。")


def page_name(unit: str | None) -> str:
    return INDEX if unit is None else f"{unit}.html"


def nav_links(units: Sequence[str], current: str | None, *, index: bool = True
              ) -> list[tuple[str, str, bool]]:
    """(label, relative link, is current page) for the index (unless `index` is False) and
    each page of `units`."""
    pages = [*([(INDEX_LABEL, None)] if index else []), *((u, u) for u in units)]
    return [(label, page_name(unit), unit == current) for label, unit in pages]


# Characters that must not appear raw in JSON inside <script> (as plotly.io does it).
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("/", "\\u002f"), ("\u2028", "\\u2028"),
                ("\u2029", "\\u2029"))


def figure_json(fig: go.Figure) -> str:
    """The figure and its config as JSON for Plotly.newPlot, Chinese kept readable (UTF-8)."""
    text = json.dumps({**fig.to_plotly_json(), "config": PLOT_CONFIG}, cls=PlotlyJSONEncoder,
                      ensure_ascii=False, separators=(",", ":"))
    for raw, safe in _SCRIPT_SAFE:
        text = text.replace(raw, safe)
    return text


def render_page(figures: Iterable[go.Figure], title: str, subtitle: str, *,
                nav: Sequence[tuple[str, str, bool]] = (), generated: date | None = None,
                notice: str = "") -> str:
    """The page as one HTML string: plotly.js loaded from PLOTLY_JS beside it, figures drawn by
    Plotly.newPlot. `notice`: shown above the charts (a draft, a year whose data are not
    complete)."""
    return _TEMPLATES.get_template(TEMPLATE).render(
        title=title, subtitle=subtitle, nav=nav, generated=generated or date.today(),
        notice=notice, note=NOTE, font_family=charts.FONT_FAMILY, plotly_js=PLOTLY_JS,
        charts=[{"height": fig.layout.height or 440, "json": Markup(figure_json(fig))}
                for fig in figures])


@functools.cache
def _plotly_bytes() -> bytes:
    return get_plotlyjs().encode("utf-8")


def write_plotly_js(folder: str | Path) -> Path:
    """PLOTLY_JS in `folder` (atomic), rewritten only when its content differs: the pages of
    every run share it, and an unchanged file keeps its date for backups and copies."""
    path = Path(folder) / PLOTLY_JS
    data = _plotly_bytes()
    if not (path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data):
        atomic.write_bytes(path, data)
    return path


def write_page(figures: Iterable[go.Figure], path: str | Path, title: str, subtitle: str, *,
               nav: Sequence[tuple[str, str, bool]] = (), generated: date | None = None,
               notice: str = "") -> Path:
    """Write one page (UTF-8, atomic) and, beside it, the PLOTLY_JS it loads. nav: (label,
    relative href, current)."""
    path = Path(path)
    write_plotly_js(path.parent)
    atomic.write_text(path, render_page(figures, title, subtitle, nav=nav, generated=generated,
                                        notice=notice))
    return path


def page_titles(data: dashboard_data.DashboardData) -> tuple[str, str]:
    years = sorted(data.sources)
    span = f"{years[0]}—{years[-1]}年逐年对比" if len(years) > 1 else f"{years[0]}年"
    # The unit in brackets: "团结大街街道街道本级…" would read as a stutter.
    who = f"（{data.unit}）" if data.unit else ""
    title = f"{data.organ}{data.year}年政府信息公开工作看板{who}"
    if data.draft:
        title = f"【草稿】{title}"
    subtitle = f"填报单位：{data.unit} · {span}" if data.unit else f"{INDEX_LABEL} · {span}"
    return title, subtitle


def page_data(data: dashboard_data.DashboardData, *, unit: str = "", all_units: bool = False,
              units: Sequence[str] = ()) -> dict[str, dashboard_data.DashboardData]:
    """The pages a notebook run writes, by file name, each with its data: one unit's page; or
    the index, plus with `all_units` the pages of `units` (all units when empty)."""
    if unit and all_units:
        raise ValueError("参数 unit 与 all_units 不能同时使用：生成全部单位页面时请将 unit 留空。")
    written = [unit] if unit else [None, *((units or data.units) if all_units else ())]
    return {page_name(u): data if u is None else data.for_unit(u) for u in written}


def write_pages(pages: Mapping[str, dashboard_data.DashboardData],
                figures: Mapping[str, Mapping[str, go.Figure]], output_dir: str | Path, *,
                generated: date | None = None) -> list[Path]:
    """Write each of `pages` (file name → data, as `page_data` gives them) from the figures
    the notebook holds for it, in their order: figures[file name][chart key]."""
    missing = [name for name in pages if name not in figures]
    if missing:
        raise ValueError(f"没有页面 {'、'.join(missing)} 的图表，无法生成这些页面。")
    folder = Path(output_dir)
    written = {d.unit for d in pages.values()}
    units = next(iter(pages.values())).units if pages else ()
    # The menu links the pages of this run and those an earlier run left, never a missing one.
    index = None in written or (folder / page_name(None)).is_file()
    linked = [u for u in units if u in written or (folder / page_name(u)).is_file()]
    out = []
    for name, data in pages.items():
        title, subtitle = page_titles(data)
        out.append(write_page(figures[name].values(), folder / name, title, subtitle,
                              nav=nav_links(linked, data.unit, index=index),
                              generated=generated, notice=data.notice()))
    return out


def load_data(store_path: str | Path, year: int, *, years_back: int = 2,
              config_path: str | Path | None = "", draft: bool = False,
              organ: str = "") -> dashboard_data.DashboardData:
    """Read the store once; units and the organ's short name come from the configuration
    (the organ `organ` of a district's) when one is given, else the units from the store.
    `draft` marks every page 草稿."""
    cfg = load_config(config_path, organ) if config_path else None
    con = connect(store_path)
    try:
        return dashboard_data.load_dashboard(con, year, years_back=years_back,
                                     units=cfg.units if cfg else None,
                                     organ=cfg.organ.short_name if cfg else "", draft=draft)
    finally:
        con.close()


def run_dashboards(store_path: str | Path, year: int, outputs_dir: str | Path, *,
                   units: Sequence[str] | None = None, years_back: int = 2,
                   config_path: str | Path | None = None, draft: bool = False,
                   organ: str = "", more: Sequence[dict] = (),
                   executed: str | Path | None = None) -> list[Path]:
    """Run notebooks/dashboard.ipynb once (kernel python3): index.html and the pages of
    `units` (every unit when None) under outputs/<year>/dashboards/, the executed notebook
    as outputs/<year>/notebooks/dashboard.ipynb (outputs/<year>/<organ>/… for an organ of a
    district; or `executed`). In the same run, every page of the organs of `more`
    (dashboards.more.organ_job). Returns this organ's pages, index first."""
    year_dir = Path(outputs_dir).resolve() / str(year) / organ
    dash_dir = year_dir / "dashboards"
    # Fails here, before a kernel starts, on a missing store, year, configuration or unit.
    known = load_data(store_path, year, years_back=years_back, config_path=config_path,
                      organ=organ).units
    unknown = [u for u in units or () if u not in known]
    if unknown:
        raise ValueError(f"{year}年没有填报单位“{'、'.join(unknown)}”。可选单位：{'、'.join(known)}。")
    page_units = list(units or known)
    run_notebook(notebook_path(NOTEBOOK), Path(executed or year_dir / "notebooks" / NOTEBOOK), {
        "year": year, "years_back": years_back, "unit": "", "all_units": True, "draft": draft,
        "units": page_units, "store_path": str(Path(store_path).resolve()),
        "output_dir": str(dash_dir),
        "config_path": str(Path(config_path).resolve()) if config_path else "", "organ": organ,
        "more_organs": list(more),
    }, cwd=NOTEBOOKS_DIR)
    return [dash_dir / page_name(None), *(dash_dir / page_name(u) for u in page_units)]
