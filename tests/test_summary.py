"""The consolidated workbook (汇总报表) written from the store after a check of the committed
sample. Expected numbers are typed by hand in tests/seed_tables.py."""

from __future__ import annotations

import random
import shutil
import sqlite3

import openpyxl
import pytest

from pipeline.build import outputs_folder
from pipeline.core import cell_names, statutory
from pipeline.outputs.tables_workbook import write_summary
from pipeline.workbooks import published
from tests import seed_tables

LINEAGE_SHEETS = {published.LINEAGE_SHEET: 3, published.REGISTER_LINEAGE_SHEET: 5}  # key columns


@pytest.fixture(scope="module")
def checked(tmp_path_factory, checked_sample):
    """An outputs folder holding only the store of the committed sample, checked once
    (tests/conftest.py): no 汇总报表 yet."""
    out = tmp_path_factory.mktemp("out")
    shutil.copy(outputs_folder.store_path(checked_sample.outputs), outputs_folder.store_path(out))
    return out


@pytest.fixture(scope="module")
def written(checked, config):
    return write_summary(outputs_folder.store_path(checked), config, 2023,
                         outputs_folder.consolidated_path(checked, 2023))


def _values(path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_summary_is_written_where_the_outputs_table_says(checked, written):
    assert written == checked / "2023" / "2023年汇总报表.xlsx"
    assert written.is_file()


def test_summary_reads_back_with_the_published_tables_reader(written):
    tables, findings = published.read_published(written, 2023)
    a, b, c = seed_tables.seed_2023()
    assert (tables.a, tables.b, tables.c) == (a, b, c)
    assert findings == []
    for key in ("items_published", "interpretations"):
        assert tables.figures[key] == seed_tables.SAMPLE_FIGURES[2023][key], key
    wb = openpyxl.load_workbook(written, read_only=True)
    assert wb.sheetnames[-2:] == [published.LINEAGE_SHEET, published.REGISTER_LINEAGE_SHEET]
    assert wb[cell_names.SHEETS["A"]]["A1"].value == (
        "包头市昆都仑区团结大街街道办事处2023年政府信息公开工作年度报表（汇总）")


def _label_to_cell() -> dict[tuple[str, str, str], tuple[str, str, str]]:
    """(sheet name, row label, column label) as the lineage sheets head a column → cell."""
    cells = {"A": statutory.TABLE_A_CELLS, "B": statutory.TABLE_B_CELLS,
             "C": statutory.TABLE_C_CELLS}
    return {(cell_names.SHEETS[t], *cell_names.cell_labels(t, r, c)): (t, r, c)
            for t, keys in cells.items() for r, c in keys}


def _lineage_columns(ws, keys: int) -> dict[tuple[str, str, str], tuple[object, list]]:
    """Each column of a lineage sheet: its cell → (合计, the values listed under it)."""
    heads = {}
    r = 1
    while (name := ws.cell(r, keys).value) != published.LINEAGE_HEADS[-1]:
        heads[name] = r
        r += 1
    total_row = r
    labels = _label_to_cell()
    out = {}
    for j in range(keys + 1, ws.max_column + 1):
        head = tuple(ws.cell(heads[h], j).value for h in published.LINEAGE_HEADS[:3])
        listed = [ws.cell(i, j).value for i in range(total_row + 2, ws.max_row + 1)]
        out[labels[head]] = (ws.cell(total_row, j).value, [v for v in listed if v is not None])
    return out


@pytest.mark.parametrize("year, expected", [(2022, seed_tables.sample_2022),
                                            (2023, seed_tables.seed_2023)])
def test_lineage_totals_are_the_table_cells(checked, config, tmp_path, year, expected):
    path = write_summary(outputs_folder.store_path(checked), config, year,
                         outputs_folder.consolidated_path(tmp_path, year))
    wb = openpyxl.load_workbook(path)
    columns = {}
    for sheet, keys in LINEAGE_SHEETS.items():
        columns |= _lineage_columns(wb[sheet], keys)
    typed = dict(zip("ABC", expected(), strict=True))
    nonzero = {(t, r, c): v for t, cells in typed.items() for (r, c), v in cells.items() if v}
    assert set(columns) == set(nonzero)  # every non-zero number is traced, nothing else
    for cell, (total, listed) in columns.items():
        assert total == nonzero[cell], cell
        assert sum(listed) == total, cell


def _shuffle(path, tables: tuple[str, ...], seed: int) -> None:
    con = sqlite3.connect(path)
    for table in tables:
        rows = con.execute(f"SELECT * FROM {table}").fetchall()
        random.Random(seed).shuffle(rows)
        con.execute(f"DELETE FROM {table}")
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    con.commit()
    con.close()


def test_summary_does_not_depend_on_the_order_of_the_stores_rows(checked, written, config,
                                                                  tmp_path):
    copy = tmp_path / outputs_folder.STORE_NAME
    shutil.copy(outputs_folder.store_path(checked), copy)
    before = sqlite3.connect(copy).execute("SELECT * FROM lineage").fetchall()
    _shuffle(copy, ("lineage", "table_cells", "figures"), seed=7)
    after = sqlite3.connect(copy).execute("SELECT * FROM lineage").fetchall()
    assert after != before and sorted(after, key=repr) == sorted(before, key=repr)
    path = write_summary(copy, config, 2023,
                         outputs_folder.consolidated_path(tmp_path / "out", 2023))
    assert _values(path) == _values(written)


def test_a_year_missing_from_the_store_is_a_clear_error(checked, config, tmp_path):
    with pytest.raises(ValueError, match="没有2030年的数据"):
        write_summary(outputs_folder.store_path(checked), config, 2030,
                      outputs_folder.consolidated_path(tmp_path, 2030))
    assert not outputs_folder.consolidated_path(tmp_path, 2030).exists()
