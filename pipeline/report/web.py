"""The report as one self-contained web page, ready to paste into the government site's CMS.

Styles are inline attributes (a CMS keeps them when the article is pasted; a <style> block is
often stripped) and nothing is loaded from elsewhere. Every text from data, configuration or the
office's paragraphs is escaped.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from pipeline.core.atomic import write_text
from pipeline.report.model import Grid, ReportModel

SERIF = "'FangSong_GB2312','仿宋_GB2312','FangSong','STFangsong',serif"


HEI = "'SimHei','黑体','Heiti SC',sans-serif"


KAI = "'KaiTi_GB2312','楷体_GB2312','KaiTi','STKaiti',serif"


SONG = "'SimSun','宋体','Songti SC',serif"


ARTICLE = (f"max-width:820px;margin:0 auto;padding:24px 32px;font-family:{SERIF};font-size:16pt;"
           "line-height:1.8;color:#000;background:#fff")


TITLE = (f"font-family:'FZXiaoBiaoSong-B05S','方正小标宋简体',{SONG};font-size:22pt;"
         "font-weight:normal;text-align:center;line-height:1.5;margin:0 0 1em")


H1 = f"font-family:{HEI};font-size:16pt;font-weight:normal;text-indent:2em;margin:0.6em 0 0"


H2 = f"font-family:{KAI};font-size:16pt;font-weight:normal;text-indent:2em;margin:0"


P = "text-indent:2em;margin:0;text-align:justify"


BANNER = ("position:sticky;top:0;z-index:1;background:#c00000;color:#fff;text-align:center;"
          f"font-family:{HEI};font-size:14pt;letter-spacing:0.5em;padding:4px 0;margin:0 0 12px")


TABLE = (f"border-collapse:collapse;width:100%;table-layout:fixed;font-family:{SONG};"
         "font-size:10.5pt;line-height:1.4;margin:0.4em 0 0.8em")


CELL = "border:1px solid #000;padding:3px 2px;vertical-align:middle;word-break:break-all"


def _cell(spec, table: str) -> str:
    tag = "td" if spec.kind == "number" else "th"
    align = "left" if spec.kind == "label" and spec.rowspan == 1 else "center"
    attrs = [f'style="{CELL};text-align:{align};font-weight:normal"']
    if spec.rowspan > 1:
        attrs.append(f'rowspan="{spec.rowspan}"')
    if spec.colspan > 1:
        attrs.append(f'colspan="{spec.colspan}"')
    if spec.key is not None:
        attrs.append(f'data-cell="{escape(table)}.{escape(spec.key[0])}.{escape(spec.key[1])}"')
    elif spec.kind == "label":
        attrs.append('scope="rowgroup"' if spec.rowspan > 1 else 'scope="row"')
    return f"<{tag} {' '.join(attrs)}>{escape(spec.text)}</{tag}>"


def grid_html(grid: Grid) -> str:
    """A statutory table with rowspan/colspan exactly as in the DOCX."""
    total = sum(grid.widths)
    cols = "".join(f'<col style="width:{w / total * 100:.2f}%">' for w in grid.widths)
    rows: list[list[str]] = [[] for _ in range(grid.n_rows)]
    for spec in sorted(grid.cells, key=lambda c: (c.row, c.col)):
        rows[spec.row].append(_cell(spec, grid.name))
    body = "\n".join(f"<tr>{''.join(cells)}</tr>" for cells in rows)
    return (f'<table class="xxgk-table" id="table-{grid.name.lower()}" style="{TABLE}">'
            f"<colgroup>{cols}</colgroup>\n{body}\n</table>")


def render_html(model: ReportModel, draft: bool = False) -> str:
    out = ['<!DOCTYPE html>', '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(model.title)}</title>", "</head>", '<body style="margin:0">',
           f'<article class="xxgk-report" style="{ARTICLE}">']
    if draft:
        out.append(f'<div class="xxgk-draft" style="{BANNER}">{escape(model.draft_note())}</div>')
    out.append(f'<h1 style="{TITLE}">{escape(model.organ)}<br>'
               f"{escape(model.title[len(model.organ):])}</h1>")
    out += [f'<p style="{P}">{escape(t)}</p>' for t in model.preamble]
    for part in model.parts:
        out.append(f'<h2 style="{H1}">{escape(part.heading)}</h2>')
        for section in part.sections:
            if section.heading:
                out.append(f'<h3 style="{H2}">{escape(section.heading)}</h3>')
            out += [f'<p style="{P}">{escape(t)}</p>' for t in section.paragraphs]
        if part.table:
            out.append(grid_html(model.grids[part.table]))
    out += ["</article>", "</body>", "</html>", ""]
    return "\n".join(out)


def write_html(path: str | Path, report_model: ReportModel, draft: bool = False) -> Path:
    write_text(path, render_html(report_model, draft))
    return Path(path)
