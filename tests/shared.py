"""Folders made once per test run and shared by the tests that only read them.

Making the sample workbooks or a full build takes seconds; many tests start from the same one.
`shared_folder` makes it once per run, even when pytest-xdist spreads the tests over several
processes (the first to ask makes it, the others wait for it), and records a digest of every
file: a test that changes a shared folder fails the run instead of silently changing what the
tests after it see. A test that changes files works on a copy (`copy_tree`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from filelock import FileLock


def copy_tree(src: Path, dst: Path) -> Path:
    """A copy whose files are as new as freshly written ones (modification time now), as the
    tests had when they wrote the folder themselves."""
    shutil.copytree(src, dst, copy_function=shutil.copy)
    return dst


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@contextmanager
def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str,
                  make: Callable[[Path], object]) -> Iterator[tuple[Path, object]]:
    """Around a session fixture's yield: gives (folder, what `make(folder)` returned, through
    JSON) and, at the end of the session, fails if any file in the folder changed."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    root = base / "shared"
    root.mkdir(exist_ok=True)
    folder, manifest = root / name, root / f"{name}.json"
    with FileLock(root / f"{name}.lock"):
        if not manifest.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a maker that failed part way
            made = make(folder)
            manifest.write_text(json.dumps({"made": made, "files": digests(folder)},
                                           ensure_ascii=False), encoding="utf-8")
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    yield folder, recorded["made"]
    changed = sorted(set(recorded["files"].items()) ^ set(digests(folder).items()))
    assert not changed, f"a test changed the shared folder {name}: {changed[:5]}"
