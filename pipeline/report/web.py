"""The report as one self-contained web page, ready to paste into the government site's CMS.

The page is templates/report.html.j2: inline styles, nothing loaded from elsewhere, and every
text from data, configuration or the office's paragraphs escaped (autoescape).
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from pipeline.core.atomic import write_text
from pipeline.report.model import ReportModel


@functools.cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.PackageLoader("pipeline.report"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    return env.get_template("report.html.j2")


def render_html(model: ReportModel, draft: bool = False) -> str:
    return _template().render(model=model, draft=draft)


def write_html(path: str | Path, report_model: ReportModel, draft: bool = False) -> Path:
    write_text(path, render_html(report_model, draft))
    return Path(path)
