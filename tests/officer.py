"""What an officer does to a workbook xxgk issued: open it (openpyxl here, Excel or WPS in the
office), type into the unlocked cells, fill in the 填报确认, save."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from pipeline.core.config import Config
from pipeline.workbooks import layout


def type_into(path: Path, cells: dict[str, dict[str, object]]) -> None:
    """Type values: {sheet: {cell: value}}."""
    wb = openpyxl.load_workbook(path)
    for sheet, values in cells.items():
        for cell, value in values.items():
            wb[sheet][cell] = value
    wb.save(path)


def every_input(cfg: Config, value: object = 0) -> dict[str, dict[str, object]]:
    """Every grid input cell of a workbook, with the same value."""
    out: dict[str, dict[str, object]] = {}
    for grid in layout.grids(cfg):
        out.setdefault(grid.sheet, {}).update({inp.cell: value for inp in grid.inputs})
    return out


def grid_cell(cfg: Config, topic: str, key: str, dim: str = "") -> tuple[str, str]:
    """(sheet, cell) of one grid input."""
    for grid in layout.grids(cfg):
        for inp in grid.inputs:
            if (inp.topic, inp.key, inp.dim) == (topic, key, dim):
                return grid.sheet, inp.cell
    raise KeyError((topic, key, dim))


def confirmation(declaration: str = layout.DONE, officer: str | None = "测试填报员",
                 phone: str | None = "0472-5550199", day: date | None = date(2024, 4, 8)
                 ) -> dict[str, dict[str, object]]:
    """The 填报确认 cells as the officer fills them (the declaration as the dropdown shows it)."""
    values = {"officer": officer, "phone": phone, "date": day,
              "declaration": dict(layout.DECLARATIONS)[declaration]}
    return {layout.SHEET_HEADER: {layout.CONFIRM_CELLS[k]: v for k, v in values.items()}}


def fill_and_confirm(cfg: Config, path: Path, extra: dict[str, dict[str, object]] | None = None,
                     **confirm) -> None:
    """A complete return: every grid input 0 (or `extra`), confirmed complete."""
    cells = every_input(cfg)
    for sheet, values in (extra or {}).items():
        cells.setdefault(sheet, {}).update(values)
    for sheet, values in confirmation(**confirm).items():
        cells.setdefault(sheet, {}).update(values)
    type_into(path, cells)
