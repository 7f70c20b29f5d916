"""`xxgk dashboards --pdf`: the pages printed to A4 PDF by a real headless Chromium.

The browser runs twice in this module (the two pages of one `--pdf` run, made once). Skipped
when Chromium or pdftotext (poppler-utils) is missing, except under CI (environment variable
CI set): there a missing program fails the run, as in tests/test_browser.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline.dashboards import pdf, registry, site
from tests.conftest import _main
from tests.shared import copy_tree

pytestmark = pytest.mark.slow  # runs the dashboard notebook (tests/conftest.py)

MM = 72 / 25.4  # PDF points per millimetre


def _needed(found, what: str):
    if not found:
        if os.environ.get("CI"):
            pytest.fail(f"CI 环境中找不到{what}，无法检查看板 PDF。")
        pytest.skip(f"未安装{what}，跳过看板 PDF 检查。")


@pytest.fixture(scope="module")
def printed(tmp_path_factory, built_sample, repo_root):
    """`xxgk dashboards --unit 青松社区 --pdf` on a copy of the built sample: the index and
    青松社区's page, then their PDFs."""
    try:
        pdf.find_browser()
    except pdf.PdfError:
        _needed(False, " Chromium 浏览器")
    _needed(shutil.which("pdftotext") and shutil.which("pdfinfo"), " pdftotext（poppler-utils）")
    root = tmp_path_factory.mktemp("pdf")
    copy_tree(built_sample.workbooks, root / "workbooks")
    copy_tree(built_sample.outputs, root / "outputs")
    config = repo_root / "tests" / "single_organ.toml"
    code, out = _main("dashboards", "--year", "2023", "--unit", "青松社区", "--pdf",
                      "--workbooks", str(root / "workbooks"), "--outputs", str(root / "outputs"),
                      "--config", str(config))
    data = site.load_data(root / "outputs" / "xxgk.sqlite", 2023, config_path=config)
    return SimpleNamespace(code=code, out=out, dash=root / "outputs" / "2023" / "dashboards",
                           data={"index": data, "青松社区": data.for_unit("青松社区")})


def test_each_page_written_is_printed(printed):
    assert printed.code == 0, printed.out
    folder = printed.dash / "PDF"
    assert f"图表 PDF：{folder}（共 2 份）" in printed.out
    assert sorted(p.name for p in folder.iterdir()) == ["index.pdf", "青松社区.pdf"]


def _pdftotext(path: Path, *extra: str) -> str:
    return subprocess.run(["pdftotext", *extra, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.parametrize("stem", ["index", "青松社区"])
def test_the_pdf_opens_on_a4_and_shows_every_chart(printed, stem):
    path = printed.dash / "PDF" / f"{stem}.pdf"
    assert path.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages >= 1 and re.search(r"^Page size:.*\(A4\)", info, re.M), info
    text = re.sub(r"\s+", "", _pdftotext(path))
    titles = [fig.layout.title.text
              for fig in registry.dashboard_figures(printed.data[stem]).values()]
    assert len(titles) == (12 if stem == "index" else 10)
    assert [t for t in titles if re.sub(r"\s+", "", t) not in text] == []
    assert "团结大街街道2023年政府信息公开工作看板" in text
    assert "plotly.min.js缺失" not in text  # the note is hidden once Plotly is loaded


def test_every_chart_fits_the_page_width(printed):
    """Every word on every page lies within the 10 mm margins of the print CSS, and the charts
    are laid out at the page's width, not squeezed to a narrow window's."""
    boxes = _pdftotext(printed.dash / "PDF" / "index.pdf", "-bbox")
    pages = boxes.split("<page ")[1:]
    assert len(pages) >= 2
    widest = []
    for page in pages:
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        assert abs(width - 210 * MM) < 1
        left = [float(x) for x in re.findall(r'xMin="([\d.]+)"', page)]
        right = [float(x) for x in re.findall(r'xMax="([\d.]+)"', page)]
        assert min(left) >= 10 * MM - 1 and max(right) <= width - 10 * MM + 1
        widest.append(max(right))
    assert widest[0] > width - 30 * MM  # the first page: header and charts only


def test_without_pdf_no_pdf_is_made(built_sample):
    assert (built_sample.outputs / "2023" / "dashboards" / "index.html").is_file()
    assert not (built_sample.outputs / "2023" / "dashboards" / pdf.PDF_DIR).exists()


def _no_browser(monkeypatch, tmp_path) -> Path:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    for variable in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA"):
        monkeypatch.delenv(variable, raising=False)
    return empty


def test_build_pdf_without_a_browser_stops_before_anything_runs(monkeypatch, tmp_path,
                                                                 repo_root):
    _no_browser(monkeypatch, tmp_path)
    code, out = _main("build", "--year", "2023", "--pdf", "--workbooks",
                      str(repo_root / "workbooks" / "团结大街街道"), "--outputs", str(tmp_path / "out"),
                      "--config", str(repo_root / "tests" / "single_organ.toml"))
    assert code == 2
    assert "错误：找不到可以打印 PDF 的浏览器。请安装 Chromium、谷歌 Chrome 或微软 Edge 浏览器" in out
    assert "去掉 --pdf" in out
    assert not (tmp_path / "out" / "2023").exists()


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_the_browser_is_looked_for_on_path_then_where_windows_installs_it(monkeypatch,
                                                                          tmp_path):
    empty = _no_browser(monkeypatch, tmp_path)
    with pytest.raises(pdf.PdfError, match="找不到可以打印 PDF 的浏览器"):
        pdf.find_browser()
    edge = _executable(tmp_path / "x86" / "Microsoft" / "Edge" / "Application" / "msedge.exe")
    monkeypatch.setenv("PROGRAMFILES(X86)", str(tmp_path / "x86"))
    assert pdf.find_browser() == str(edge)
    on_path = _executable(empty / "msedge")
    assert pdf.find_browser() == str(on_path)
    chromium = _executable(empty / "chromium")
    assert pdf.find_browser() == str(chromium)  # Chromium first


def test_printing_shuts_every_way_to_the_network(tmp_path):
    page = tmp_path / "看板" / "index.html"
    command = pdf.print_command("chromium", page, tmp_path / "t.pdf", tmp_path / "profile")
    for flag in ("--headless", "--disable-quic", "--proxy-server=127.0.0.1:9",
                 "--host-resolver-rules=MAP * ~NOTFOUND", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-extensions",
                 "--no-pdf-header-footer", f"--print-to-pdf={tmp_path / 't.pdf'}",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        assert flag in command
    assert command[-1] == page.as_uri() and command[-1].startswith("file:///")
