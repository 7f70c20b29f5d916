"""Dashboard pages printed to A4 PDF by a real browser, for leaders to forward and print.

A Chromium-family browser (Chromium, Google Chrome, Microsoft Edge: one is on nearly every
office computer) opens each page from disk headless, with every way to the network shut, lets
the charts draw (virtual time runs until the page is idle) and prints it with the page's own
print CSS (@page A4). One browser per page, since --print-to-pdf prints one address; a few run
side by side. Each PDF is written atomically to dashboards/PDF/<page stem>.pdf.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.core import atomic

PDF_DIR = "PDF"


# Looked up on PATH, in this order.
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                 "microsoft-edge", "microsoft-edge-stable", "msedge", "chrome")


# Where Windows installs them, under these environment variables' folders.
WINDOWS_BROWSERS = (("PROGRAMFILES", r"Google\Chrome\Application\chrome.exe"),
                    ("PROGRAMFILES(X86)", r"Google\Chrome\Application\chrome.exe"),
                    ("LOCALAPPDATA", r"Google\Chrome\Application\chrome.exe"),
                    ("PROGRAMFILES(X86)", r"Microsoft\Edge\Application\msedge.exe"),
                    ("PROGRAMFILES", r"Microsoft\Edge\Application\msedge.exe"))


# No request can leave the machine: no proxy that works, no name that resolves, no QUIC, no
# background services (updates, sync, safe-browsing lists).
OFFLINE_FLAGS = ("--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
                 "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-extensions",
                 "--no-first-run", "--no-default-browser-check")


# Milliseconds of virtual time: the page runs until idle (charts drawn), at most this long.
TIME_BUDGET = 10_000


# Wide enough that the charts are laid out at the page's full width (main is at most 980 px);
# print CSS zooms to 0.72, which fits 997 px on an A4 line.
WINDOW = "1000,1400"


TIMEOUT = 120


class PdfError(RuntimeError):
    """No browser, or the browser could not print a page; the message is Chinese."""


def find_browser() -> str:
    """The first Chromium-family browser found, or a Chinese error naming what to install."""
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    for variable, relative in WINDOWS_BROWSERS:
        folder = os.environ.get(variable)
        path = Path(folder, *relative.split("\\")) if folder else None
        if path and path.is_file():
            return str(path)
    raise PdfError("找不到可以打印 PDF 的浏览器。请安装 Chromium、谷歌 Chrome 或微软 Edge 浏览器"
                   "（Debian/Ubuntu 可运行 sudo apt install chromium）后重试；"
                   "不需要 PDF 时请去掉 --pdf。")


def pdf_path(page: Path) -> Path:
    return page.parent / PDF_DIR / f"{page.stem}.pdf"


def print_command(browser: str, page: Path, target: Path, profile: Path) -> list[str]:
    """The browser's command line printing `page` to `target` with a fresh `profile`."""
    sandbox = ["--no-sandbox"] if getattr(os, "geteuid", lambda: 1)() == 0 else []
    return [browser, "--headless", *sandbox, "--disable-gpu", "--hide-scrollbars",
            *OFFLINE_FLAGS, f"--user-data-dir={profile}", f"--window-size={WINDOW}",
            f"--virtual-time-budget={TIME_BUDGET}", "--no-pdf-header-footer",
            f"--print-to-pdf={target}", page.resolve().as_uri()]


def print_page(browser: str, page: Path) -> Path:
    """Print one page to dashboards/PDF/<stem>.pdf; the old PDF stays until the new is whole."""
    target = pdf_path(page)
    # A browser helper still closing may hold the profile a moment (Windows): not an error.
    with tempfile.TemporaryDirectory(prefix="xxgk-pdf-", ignore_cleanup_errors=True) as profile, \
            atomic.atomic_path(target) as tmp:
        try:
            done = subprocess.run(print_command(browser, page, tmp, Path(profile)),
                                  capture_output=True, text=True, errors="replace",
                                  timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise PdfError(f"浏览器 {TIMEOUT} 秒内未能把 {page.name} 打印成 PDF。") from None
        with tmp.open("rb") as written:
            is_pdf = written.read(5) == b"%PDF-"
        if done.returncode != 0 or not is_pdf:
            tail = "\n".join(done.stderr.strip().splitlines()[-5:])
            raise PdfError(f"浏览器未能把 {page.name} 打印成 PDF（退出码 {done.returncode}）。"
                           f"浏览器的输出：\n{tail}")
    return target


def print_pages(pages: Sequence[Path], *, browser: str | None = None) -> list[Path]:
    """Print every page, a few at a time (one browser uses more than one core); the PDFs in
    the pages' order."""
    browser = browser or find_browser()
    with ThreadPoolExecutor(max_workers=max(1, min(len(pages), os.cpu_count() or 1))) as pool:
        return list(pool.map(lambda page: print_page(browser, Path(page)), pages))
