"""Offline dashboard pages: one self-contained HTML file per page, opened by double click.

Every page inlines plotly.js once and fetches nothing (government intranets have no internet).
The documented entry point is notebooks/dashboard.ipynb. A kernel start costs 2–3 s, so
`run_dashboards` does not start one per unit: it runs the notebook ONCE with `all_units=True`,
which displays the sub-district charts and writes index.html plus every unit page from a single
read of the store (DashboardData.for_unit narrows it in memory). Before starting the kernel it
reads the store itself, so a missing store, year or unit fails fast with a Chinese message.
An analyst who wants one unit's charts in the notebook runs it with unit="<单位>", which
displays and writes that page only."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from urllib.parse import quote

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.utils import PlotlyJSONEncoder

from pipeline.core import atomic
from pipeline.core.config import load_config
from pipeline.dashboards import charts, dashboard_data
from pipeline.notebooks import NOTEBOOKS_DIR, notebook_path, run_notebook
from pipeline.store import connect

INDEX = "index.html"


INDEX_LABEL = "全街道汇总"


NOTEBOOK = "dashboard.ipynb"


PLOT_CONFIG = {"displayModeBar": False, "responsive": True, "displaylogo": False}


NOTE = ("说明：标注“（据已公开报表）”的年份只有当年已公开的年度报表数据，没有分单位、分季度和登记台账明细，"
        "图中以斜线、浅色表示。上年基数小于10时，变化以件（条、次）数表示，不计算百分比。"
        "本页为离线文件，无需联网即可查看和打印。")


CSS = f"""
* {{ box-sizing: border-box; }}
body {{ margin: 0; background: #f3f5f8; color: #222;
       font-family: {charts.FONT_FAMILY}; }}
header {{ background: #1f4e99; color: #fff; padding: 14px 24px 10px; }}
header h1 {{ margin: 0 0 4px; font-size: 24px; }}
header p {{ margin: 0 0 8px; font-size: 14px; }}
nav a {{ color: #fff; margin-right: 14px; font-size: 14px; white-space: nowrap; }}
nav a[aria-current] {{ font-weight: bold; text-decoration: none;
                      border-bottom: 2px solid #fff; }}
main {{ max-width: 980px; margin: 0 auto; padding: 12px 16px 24px; }}
.chart {{ background: #fff; margin: 14px 0; padding: 6px; border-radius: 4px;
          box-shadow: 0 1px 3px rgba(0, 0, 0, .12);
          break-inside: avoid; page-break-inside: avoid; }}
.note {{ font-size: 13px; color: #555; line-height: 1.6; }}
.notice {{ background: #fff4e5; border-left: 6px solid #c0392b; color: #7a1f12;
           padding: 10px 14px; margin: 14px 0 0; font-size: 15px; line-height: 1.6; }}
@page {{ size: A4; margin: 10mm; }}
@media print {{
  body {{ background: #fff; }}
  header {{ background: none; color: #000; padding: 0 0 6px; border-bottom: 1px solid #000; }}
  nav {{ display: none; }}
  main {{ max-width: none; padding: 0; zoom: 0.72; }}
  .chart {{ box-shadow: none; margin: 0 0 6mm; }}
}}
"""


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
    """The page as one HTML string: plotly.js inlined once, figures drawn by Plotly.newPlot.
    `notice`: shown above the charts (a draft, a year whose data are not complete)."""
    generated = generated or date.today()
    notice_html = (f'<p class="notice" role="alert">{html.escape(notice)}</p>\n'
                   if notice else "")
    links = " ".join(
        f'<a href="{html.escape(quote(href))}"{" aria-current=page" if current else ""}>'
        f"{html.escape(label)}</a>" for label, href, current in nav)
    charts_html = "\n".join(
        f'<section class="chart"><div id="chart-{i}" class="plotly-graph-div" '
        f'style="height:{fig.layout.height or 440}px; width:100%;"></div>'
        f'<script>Plotly.newPlot("chart-{i}", {figure_json(fig)});</script></section>'
        for i, fig in enumerate(figures, start=1))
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body>
<header>
<h1>{html.escape(title)}</h1>
<p>{html.escape(subtitle)} · 生成日期：{generated.year}年{generated.month}月{generated.day}日</p>
<nav>{links}</nav>
</header>
<main>
{notice_html}{charts_html}
<p class="note">{html.escape(NOTE)}</p>
</main>
</body>
</html>
"""


def write_page(figures: Iterable[go.Figure], path: str | Path, title: str, subtitle: str, *,
               nav: Sequence[tuple[str, str, bool]] = (), generated: date | None = None,
               notice: str = "") -> Path:
    """Write one self-contained page (UTF-8, atomic). nav: (label, relative href, current)."""
    path = Path(path)
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


def write_dashboard(data: dashboard_data.DashboardData, output_dir: str | Path, *,
                    nav: Sequence[tuple[str, str, bool]] | None = None,
                    generated: date | None = None) -> Path:
    """The page of `data` (index.html for the sub-district, <unit>.html for a unit); `nav`
    defaults to the index and every unit page."""
    title, subtitle = page_titles(data)
    return write_page(charts.dashboard_figures(data).values(),
                      Path(output_dir) / page_name(data.unit), title, subtitle,
                      nav=nav_links(data.units, data.unit) if nav is None else nav,
                      generated=generated, notice=data.notice())


def write_pages(data: dashboard_data.DashboardData, output_dir: str | Path, *, unit: str = "",
                all_units: bool = False, units: Sequence[str] = (),
                generated: date | None = None) -> list[Path]:
    """What the notebook writes: one unit's page; or the index, plus with `all_units` the
    pages of `units` (all units when empty)."""
    if unit and all_units:
        raise ValueError("参数 unit 与 all_units 不能同时使用：生成全部单位页面时请将 unit 留空。")
    written = [unit] if unit else [None, *((units or data.units) if all_units else ())]
    # The menu links the pages of this run and those an earlier run left, never a missing one.
    folder = Path(output_dir)
    index = None in written or (folder / page_name(None)).is_file()
    linked = [u for u in data.units if u in written or (folder / page_name(u)).is_file()]
    return [write_dashboard(data if u is None else data.for_unit(u), folder,
                            nav=nav_links(linked, u, index=index), generated=generated)
            for u in written]


def load_data(store_path: str | Path, year: int, *, years_back: int = 2,
              config_path: str | Path | None = "", draft: bool = False) -> dashboard_data.DashboardData:
    """Read the store once; units and the organ's short name come from the configuration
    when one is given, else the units from the store. `draft` marks every page 草稿."""
    cfg = load_config(config_path) if config_path else None
    con = connect(store_path)
    try:
        return dashboard_data.load_dashboard(con, year, years_back=years_back,
                                     units=cfg.units if cfg else None,
                                     organ=cfg.organ.short_name if cfg else "", draft=draft)
    finally:
        con.close()


def run_dashboards(store_path: str | Path, year: int, outputs_dir: str | Path, *,
                   units: Sequence[str] | None = None, years_back: int = 2,
                   config_path: str | Path | None = None, draft: bool = False) -> list[Path]:
    """Run notebooks/dashboard.ipynb once (kernel python3): index.html and the pages of
    `units` (every unit when None) under outputs/<year>/dashboards/, the executed notebook
    as outputs/<year>/notebooks/dashboard.ipynb. Returns the pages, index first."""
    year_dir = Path(outputs_dir).resolve() / str(year)
    dash_dir = year_dir / "dashboards"
    # Fails here, before a kernel starts, on a missing store, year, configuration or unit.
    known = load_data(store_path, year, years_back=years_back, config_path=config_path).units
    unknown = [u for u in units or () if u not in known]
    if unknown:
        raise ValueError(f"{year}年没有填报单位“{'、'.join(unknown)}”。可选单位：{'、'.join(known)}。")
    page_units = list(units or known)
    run_notebook(notebook_path(NOTEBOOK), year_dir / "notebooks" / NOTEBOOK, {
        "year": year, "years_back": years_back, "unit": "", "all_units": True, "draft": draft,
        "units": page_units, "store_path": str(Path(store_path).resolve()),
        "output_dir": str(dash_dir),
        "config_path": str(Path(config_path).resolve()) if config_path else "",
    }, cwd=NOTEBOOKS_DIR)
    return [dash_dir / page_name(None), *(dash_dir / page_name(u) for u in page_units)]
