"""The neutral document every reader produces: paragraphs and tables in reading order, tables as
rows of cell texts with merged cells expanded (a covered position repeats its cell's text and is
marked as not the origin)."""

from __future__ import annotations

from dataclasses import dataclass, field


class Unreadable(Exception):
    """The file cannot be read as a report; the message is Chinese and says what to do."""


@dataclass(frozen=True)
class Cell:
    text: str
    origin: bool = True  # False where a merged cell (colspan/rowspan) covers this position


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]


# A span beyond any statutory table (a broken page says colspan="99999"): cut, not obeyed.
MAX_SPAN = 40


Block = str | Table  # a paragraph's text, or a table


@dataclass
class Document:
    name: str  # the file name, as findings name it
    kind: str  # "docx", "html", "pdf", "text"
    blocks: list[Block] = field(default_factory=list)


def expand(rows: list[list[tuple[str, int, int]]]) -> Table:
    """A table from rows of (text, colspan, rowspan) as markup declares them: each cell placed at
    the first free position of its row, its span filled with covering copies."""
    grid: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, colspan, rowspan in row:
            while (r, c) in grid:
                c += 1
            colspan = min(max(colspan, 1), MAX_SPAN)
            rowspan = min(max(rowspan, 1), MAX_SPAN, len(rows) - r)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = Cell(text, origin=dr == 0 and dc == 0)
            c += colspan
    if not grid:
        return Table(())
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    return Table(tuple(tuple(grid.get((r, c), Cell("", origin=False)) for c in range(width))
                       for r in range(height)))
