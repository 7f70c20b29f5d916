"""Headless LibreOffice for tests: skipped where it is missing, required under CI."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def soffice() -> str:
    """The soffice executable; skips the test without it, fails it when CI is set."""
    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI 环境必须安装 LibreOffice（soffice）")
        pytest.skip("LibreOffice (soffice) is not installed")
    return path


def convert(src: Path, fmt: str, outdir: Path, profile: Path) -> Path:
    """Save `src` as `fmt` (xlsx, xls, ods, pdf…) into `outdir`, as a person would with
    LibreOffice. Each call site passes its own profile folder, so parallel runs and a
    LibreOffice the developer has open never share one."""
    ext = fmt.split(":")[0]
    if outdir.resolve() == src.parent.resolve() and src.suffix.lower() == f".{ext}":
        raise ValueError("converting to the same format needs another output folder")
    subprocess.run([soffice(), "--headless", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", fmt, "--outdir", str(outdir), str(src)],
                   check=True, capture_output=True, timeout=180)
    out = outdir / f"{src.stem}.{ext}"
    assert out.is_file(), f"LibreOffice did not write {out}"
    return out
