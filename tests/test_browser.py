"""The pages in a real headless Chromium with the network switched off: every chart draws,
nothing is logged to the console, and a screenshot is a real picture.

Skipped when Chromium is missing, except under CI (environment variable CI set): there a
missing browser fails the run.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from pipeline.dashboards import registry, site

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars",
         # Even if the namespace below is unavailable, no request can leave the machine.
         "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000"]


def _browser() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None and Path("/usr/bin/chromium").is_file():
        path = "/usr/bin/chromium"
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI 环境中找不到 Chromium 浏览器，无法检查看板页面。")
        pytest.skip("未安装 Chromium，跳过浏览器检查。")
    return path


def _offline_prefix() -> list[str]:
    """Run inside a network namespace with no interfaces up, when the system allows it."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    browser = _browser()
    prefix = _offline_prefix()
    runs = iter(range(1000))

    def run(url: str, *extra: str) -> subprocess.CompletedProcess:
        profile = tmp_path_factory.mktemp(f"profile{next(runs)}")
        return subprocess.run([*prefix, browser, *FLAGS, f"--user-data-dir={profile}", *extra,
                               url], capture_output=True, text=True, timeout=90)
    return run


@pytest.fixture(scope="module")
def pages(tmp_path_factory, config, repo_root):
    from tests.conftest import build_seed_store

    tmp = tmp_path_factory.mktemp("pages")
    store = build_seed_store(tmp / "xxgk.sqlite", config)
    data = site.load_data(store, 2023, config_path=repo_root / "tests" / "single_organ.toml")
    pages = site.page_data(data, all_units=True, units=["青松社区"])
    site.write_pages(pages, {n: registry.dashboard_figures(p) for n, p in pages.items()},
                     tmp / "dashboards")
    return tmp / "dashboards"


def console_messages(stderr: str) -> list[str]:
    """Console output and uncaught errors of the page itself (not of Chromium's own UI)."""
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line and "source: file://" in line]


def chart_sections(dom: str) -> list[str]:
    return dom.split('<section class="chart">')[1:]


def test_console_capture_sees_page_errors(chromium, tmp_path):
    """Control: a page that logs an error and throws is caught by the same capture."""
    probe = tmp_path / "probe.html"
    probe.write_text('<!DOCTYPE html><html><body><script>console.error("probe-error");'
                     "undefinedFunction();</script></body></html>", encoding="utf-8")
    messages = console_messages(chromium(probe.as_uri(), "--dump-dom").stderr)
    assert any("probe-error" in m for m in messages)
    assert any("Uncaught ReferenceError" in m for m in messages)


@pytest.mark.parametrize(("page", "charts"), [("index.html", 12), ("青松社区.html", 10)])
def test_every_chart_draws_offline_without_console_errors(chromium, pages, page, charts):
    result = chromium((pages / page).as_uri(), "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    sections = chart_sections(result.stdout)
    assert len(sections) == charts
    for i, section in enumerate(sections, start=1):
        assert re.search(r'<svg[^>]*class="main-svg"', section), f"图表 {i} 没有画出"
    assert console_messages(result.stderr) == []
    assert "<h1>团结大街街道" in result.stdout
    assert '<p id="no-plotly" class="missing" role="alert" hidden="">' in result.stdout


def test_a_page_copied_without_plotly_js_says_so(chromium, pages, tmp_path):
    """Copied alone, a page cannot draw its charts; it says in Chinese what is missing."""
    shutil.copy(pages / "index.html", tmp_path / "index.html")
    result = chromium((tmp_path / "index.html").as_uri(), "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert ('<p id="no-plotly" class="missing" role="alert">图表程序文件 plotly.min.js 缺失，'
            "请把整个 dashboards 文件夹一起复制。</p>") in result.stdout
    assert not re.search(r'<svg[^>]*class="main-svg"', result.stdout)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_screenshot(chromium, pages, tmp_path):
    shot = tmp_path / "index.png"
    result = chromium((pages / "index.html").as_uri(), f"--screenshot={shot}",
                      "--window-size=1280,2000")
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert _png_size(data) == (1280, 2000)
    assert len(data) > 50_000  # a blank or error page compresses to a few kilobytes
    assert console_messages(result.stderr) == []
