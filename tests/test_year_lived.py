"""A year as staff live it, through the real `xxgk` commands: nothing counts until an officer
vouches for it, and a final report is made only from a year where every return is confirmed.

The walk: init → some units fill and confirm, one declares an empty quarter, one types without
confirming, one never returns → status shows each state → build refuses a final report and
says why → --draft writes drafts marked as such (report, web page, dashboards) → everyone
confirms → build writes the final report, which carries no officer's name or phone."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from datetime import date

import pytest
from docx import Document

from pipeline import store
from pipeline.cli.main import main
from pipeline.workbooks import filenames, layout
from tests import officer
from tests.shared import copy_tree

pytestmark = pytest.mark.slow  # started first (tests/conftest.py)

YEAR = 2024


def run(root, *args) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main([*args, "--year", str(YEAR), "--workbooks", str(root / "workbooks"),
                     "--outputs", str(root / "outputs"),
                     "--config", str(root / "xxgk.toml")])
    return code, out.getvalue()


def path(root, q, unit):
    return filenames.quarter_path(root / "workbooks", YEAR, q, unit)


def status_row(text: str, unit: str) -> list[str]:
    """The four states printed for a unit by `xxgk status`."""
    line = next(line for line in text.splitlines() if line.startswith(unit + " "))
    return line.split()[1:]


def docx_text(p) -> str:
    doc = Document(p)
    parts = [para.text for para in doc.paragraphs]
    for section in doc.sections:
        parts += [para.text for para in section.header.paragraphs]
        parts += [para.text for para in section.even_page_header.paragraphs]
    parts += [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def office(tmp_path_factory, repo_root, config):
    """The sample office (2021–2023 as committed) at the start of 2024."""
    root = tmp_path_factory.mktemp("year")
    shutil.copytree(repo_root / "workbooks" / "团结大街街道", root / "workbooks")
    shutil.copy(repo_root / "tests" / "single_organ.toml", root / "xxgk.toml")
    code, out = run(root, "init")
    assert code == 0 and "共生成 28 本" in out
    return root


def test_a_year_as_it_is_lived(office, config):
    root = office
    # Before anyone types a cell: every return 未填, nothing to report.
    code, out = run(root, "status")
    assert code == 0
    assert all(status_row(out, u) == ["未填"] * 4 for u in config.units)
    code, out = run(root, "build")
    assert code == 1 and "未生成正式报告" in out and "尚无任何单位填报数据" in out
    assert not list((root / "outputs").rglob("*.docx"))

    # First quarter: the office and 青松社区 fill everything and confirm; 和顺社区 had nothing
    # happen and only says so; 明德社区 has started typing; 友谊社区 never returns.
    items = officer.grid_cell(config, "disclosure", "党建工作")
    officer.fill_and_confirm(config, path(root, 1, "街道本级"),
                             {items[0]: {items[1]: 12}}, officer="甲填报", phone="0472-5551001")
    officer.fill_and_confirm(config, path(root, 1, "青松社区"), {items[0]: {items[1]: 5}},
                             officer="乙填报", phone="0472-5551002")
    officer.type_into(path(root, 1, "和顺社区"),
                      officer.confirmation(layout.NOTHING, officer="丙填报",
                                           phone="0472-5551003"))
    officer.type_into(path(root, 1, "明德社区"), {items[0]: {items[1]: 3}})
    path(root, 1, "友谊社区").unlink()

    code, out = run(root, "status")
    assert code == 0
    assert status_row(out, "街道本级") == ["已确认", "未填", "未填", "未填"]
    assert status_row(out, "青松社区")[0] == "已确认"
    assert status_row(out, "和顺社区")[0] == "已确认"
    assert status_row(out, "明德社区")[0] == "填写中"
    assert status_row(out, "友谊社区")[0] == "未收到"
    assert status_row(out, "康宁社区")[0] == "未填"
    assert "已确认 3 本" in out and "未收到 1 本" in out and "填写中 1 本" in out
    assert "甲填报，0472-5551001，2024-04-08，“本季度填报完毕”" in out  # who vouched
    assert "丙填报" in out and "“本季度无新增事项”" in out

    code, out = run(root, "build")
    assert code == 1
    assert "未生成正式报告：数据截至第1季度，25本未确认" in out
    assert "友谊社区：第1季度 未收到" in out and "明德社区：第1季度 填写中" in out
    assert not list((root / "outputs").rglob("*.docx"))

    code, out = run(root, "build", "--draft")
    assert code == 0, out
    report = root / "outputs" / str(YEAR) / "report"
    [docx] = report.glob("*.docx")
    [html] = report.glob("*.html")
    mark = "草稿（数据截至第1季度，25本未确认"
    assert mark in docx_text(docx)
    assert mark in html.read_text(encoding="utf-8")
    pages = list((root / "outputs" / str(YEAR) / "dashboards").glob("*.html"))
    assert len(pages) == 1 + len(config.units)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "【草稿】" in text and "草稿：数据截至第1季度，25本未确认" in text, page.name
    assert not (root / "outputs" / str(YEAR) / "定稿记录.json").exists()

    # The rest of the year: every return filled and confirmed (和顺社区 keeps declaring
    # empty quarters), 友谊社区 sends its first quarter after all.
    code, out = run(root, "init", "--quarter", "1")  # a new template for the one lost
    assert code == 0 and "共生成 1 本" in out
    for unit in config.units:
        for q in (1, 2, 3, 4):
            p = path(root, q, unit)
            if q == 1 and unit in ("街道本级", "青松社区", "和顺社区"):
                continue
            day = date(YEAR + q // 4, q * 3 % 12 + 1, 8)
            if unit == "和顺社区":
                officer.type_into(p, officer.confirmation(layout.NOTHING, day=day))
            else:
                officer.fill_and_confirm(config, p, day=day)

    code, out = run(root, "status")
    assert code == 0 and "已确认 28 本" in out
    code, out = run(root, "build")
    assert code == 0, out
    assert "年度报告（正式）" in out
    text = docx_text(docx)
    assert "草稿" not in text
    assert "草稿" not in html.read_text(encoding="utf-8")
    record = json.loads((root / "outputs" / str(YEAR) / "定稿记录.json").read_text("utf-8"))
    assert record["year"] == YEAR and len(record["workbooks"]) == 28
    # the items typed in the first quarter (12 + 5; 明德社区's 3 were later overwritten by
    # its complete return of zeros) are the year's
    con = store.connect(root / "outputs" / "xxgk.sqlite")
    assert store.read_tables(con, YEAR).figures["items_published"] == 17
    con.close()
    # The officers' names and phones are the office's own: never in the report or dashboards.
    outputs = [docx_text(docx), html.read_text(encoding="utf-8"),
               *(p.read_text(encoding="utf-8")
                 for p in (root / "outputs" / str(YEAR) / "dashboards").glob("*.html"))]
    for secret in ("甲填报", "乙填报", "丙填报", "0472-5551001", "测试填报员", "0472-5550199"):
        assert not any(secret in o for o in outputs), secret


# --- A copy of last year's workbook: no advice may rewrite the past ---------------------------

ADVICE = r"xxgk (?:init|collect|check|build|status)(?: --[a-z-]+(?: \d+)?)*"


def _hashes(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _follow(root, text: str) -> list[str]:
    """Run every `xxgk …` command a message advises (with this office's folders)."""
    import re

    done = []
    for command in dict.fromkeys(re.findall(ADVICE, text)):
        args = command.split()[1:]
        if "--year" in args:
            i = args.index("--year")
            year = args[i + 1]
            del args[i:i + 2]
        else:
            year = str(YEAR)
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            main([*args, "--year", year, "--workbooks", str(root / "workbooks"),
                  "--outputs", str(root / "outputs"), "--config", str(root / "xxgk.toml")])
        done.append(command)
    return done


@pytest.fixture(scope="module")
def closed_2023_once(tmp_path_factory, repo_root, built_sample):
    """The sample office with its 2023 final report made (the sample built once a run,
    tests/conftest.py), and 2024's templates issued."""
    root = tmp_path_factory.mktemp("closed")
    copy_tree(built_sample.workbooks, root / "workbooks")
    copy_tree(built_sample.outputs, root / "outputs")
    shutil.copy(repo_root / "tests" / "single_organ.toml", root / "xxgk.toml")
    assert (root / "outputs" / "2023" / "定稿记录.json").is_file()  # the final report was made
    assert run(root, "init")[0] == 0
    return root


@pytest.fixture
def closed_2023(closed_2023_once, tmp_path):
    """A copy of closed_2023_once of the test's own."""
    return copy_tree(closed_2023_once, tmp_path / "office")


def test_no_advice_on_a_copied_last_year_file_changes_an_accepted_workbook(closed_2023,
                                                                          config):
    root = closed_2023
    accepted = _hashes(root / "workbooks" / "2023")
    # 青松社区's officer copied last year's first quarter and typed this year's numbers in it.
    copied = root / "inbox" / "青松社区一季度.xlsx"
    copied.parent.mkdir()
    shutil.copy(filenames.quarter_path(root / "workbooks", 2023, 1, "青松社区"), copied)
    sheet, cell = officer.grid_cell(config, "disclosure", "党建工作")
    officer.type_into(copied, {sheet: {cell: 99}})

    code, out = run(root, "collect", str(root / "inbox"))
    assert code == 1 and "CO004" in out
    assert "xxgk collect --year 2023" not in out and "workbooks/2023" not in out
    followed = _follow(root, out)
    assert followed == ["xxgk init --year 2024 --quarter 1"]

    # Put by hand into this year's folder under this year's name, it is refused as well.
    misplaced = path(root, 1, "青松社区")
    misplaced.unlink()
    shutil.copy(copied, misplaced)
    code, out = run(root, "check")
    assert code == 1 and "ID107" in out and "workbooks/2023" not in out
    assert "不要把它改存到 2023 年的文件夹" in out
    code, status = run(root, "status")
    assert status_row(status, "青松社区")[0] == "未收到"
    assert "2024/第1季度/2024年第1季度-青松社区.xlsx" in status  # named as rejected
    misplaced.unlink()  # "请把此文件移出 workbooks 文件夹"
    followed += _follow(root, out)
    assert _hashes(root / "workbooks" / "2023") == accepted

    # Collected into 2023 after all (against the advice): the final year is protected.
    code, out = run_for(root, 2023, "collect", str(root / "inbox"))
    assert code == 1 and "CO008" in out and "--replace-final" in out
    assert _hashes(root / "workbooks" / "2023") == accepted
    # Only when told to does it replace, keeping the old version, and it says so.
    code, out = run_for(root, 2023, "collect", str(root / "inbox"), "--replace-final")
    assert code == 0, out
    target = "2023/第1季度/2023年第1季度-青松社区.xlsx"
    assert "已替换" in out and "2023年的正式年报是用原文件生成的" in out
    earlier = list((root / "workbooks" / "2023" / "第1季度" / "历史版本").glob("*.xlsx"))
    assert len(earlier) == 1 and earlier[0].read_bytes() == accepted[target.split("/", 1)[1]]


def run_for(root, year, *args) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main([*args, "--year", str(year), "--workbooks", str(root / "workbooks"),
                     "--outputs", str(root / "outputs"), "--config", str(root / "xxgk.toml")])
    return code, out.getvalue()


def test_a_non_spreadsheet_return_is_an_error(closed_2023):
    root = closed_2023
    inbox = root / "inbox"
    inbox.mkdir()
    (inbox / "青松社区一季度.csv").write_text("类别,条数\n党建工作,5\n", encoding="utf-8")
    (inbox / "青松社区一季度.html").write_text("<table><tr><td>5</td></tr></table>",
                                            encoding="utf-8")
    code, out = run(root, "collect", str(inbox))
    assert code == 1
    assert out.count("[错误 CO001]") == 2
