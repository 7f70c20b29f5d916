"""A web page saved from a browser (.html, .htm), in any declared charset, GBK included:
paragraphs and headings in reading order, tables with colspan/rowspan expanded."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from pipeline.reports_in.document import Document, expand
from pipeline.reports_in.text_format import decode

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


# Elements that end a paragraph (text on either side is not run together).
_BREAKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article",
           "header", "footer", "title", "tr", "ul", "ol", "blockquote", "pre", "hr", "dd", "dt"}


_SKIP = {"script", "style", "noscript", "template", "head"}


def _span(value: str | None) -> int:
    m = re.match(r"\s*(\d{1,6})", value or "")
    return int(m.group(1)) if m else 1


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list = []
        self.text: list[str] = []  # the paragraph being read
        self.skip = 0
        self.title: list[str] = []
        self.in_title = False
        # open tables, innermost last: rows of (text, colspan, rowspan), the open cell
        self.tables: list[dict] = []

    def _flush(self) -> None:
        text = _clean("".join(self.text))
        self.text = []
        if text:
            self.blocks.append(text)

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            if tag == "head":
                return
            self.skip += 1
            return
        if tag == "title":
            self.in_title = True
            return
        a = dict(attrs)
        open_cell = self.tables[-1]["cell"] if self.tables else None
        if open_cell is not None and not open_cell["nested"] and tag in ("td", "th", "tr"):
            self._close_cell(self.tables[-1])  # markup may leave a cell unclosed
        if tag == "table":
            if self.tables and self.tables[-1]["cell"] is not None:
                self.tables[-1]["cell"]["nested"] += 1  # a table in a cell: its text joins the cell
                return
            self._flush()
            self.tables.append({"rows": [], "cell": None})
        elif self.tables and self.tables[-1]["cell"] is not None:
            if tag in _BREAKS:
                self.tables[-1]["cell"]["text"].append(" ")
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            t = self.tables[-1]
            if not t["rows"]:
                t["rows"].append([])
            t["cell"] = {"text": [], "colspan": _span(a.get("colspan")),
                         "rowspan": _span(a.get("rowspan")), "nested": 0}
        elif tag in _BREAKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in _SKIP:
            if tag != "head":
                self.skip = max(0, self.skip - 1)
            return
        if tag == "title":
            self.in_title = False
            return
        t = self.tables[-1] if self.tables else None
        if t is not None and t["cell"] is not None:
            cell = t["cell"]
            if cell["nested"]:
                if tag == "table":
                    cell["nested"] -= 1
                return
            if tag not in ("td", "th", "tr", "table"):
                return
            self._close_cell(t)
        if tag == "table" and t is not None:
            self.tables.pop()
            rows = [r for r in t["rows"] if r]
            if rows:
                self.blocks.append(expand(rows))
        elif tag in _BREAKS:
            self._flush()

    def _close_cell(self, t) -> None:
        cell = t["cell"]
        t["rows"][-1].append((_clean("".join(cell["text"])), cell["colspan"], cell["rowspan"]))
        t["cell"] = None

    def handle_data(self, data):
        if self.skip:
            return
        if self.in_title:
            self.title.append(data)
        elif self.tables and self.tables[-1]["cell"] is not None:
            self.tables[-1]["cell"]["text"].append(data)
        elif not self.tables:
            self.text.append(data)

    def close(self):
        super().close()
        while self.tables:  # a page cut off inside a table keeps what it had
            t = self.tables[-1]
            if t["cell"] is not None:
                self._close_cell(t)
            self.handle_endtag("table")
        self._flush()


def _clean(text: str) -> str:
    """&nbsp; and other spaces as one space; a cell or paragraph trimmed."""
    return re.sub(r"[\s\u00a0\u3000\u200b]+", " ", text).strip()


def read_html(name: str, data: bytes) -> Document:
    m = _CHARSET.search(data[:8192])
    text = decode(data, m.group(1).decode("ascii") if m else None)
    builder = _Builder()
    builder.feed(text)
    builder.close()
    blocks = builder.blocks
    title = _clean("".join(builder.title))
    if title:
        blocks.insert(0, title)
    return Document(name, "html", blocks)

