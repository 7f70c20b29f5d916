"""The committed sample workbooks are exactly what the generator writes (not stale)."""

from __future__ import annotations

import zipfile

import pytest

from pipeline.sample.demo import write_sample

# Parts that carry the time a file was written, not its content.
VOLATILE = {"docProps/core.xml"}


def _parts(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n not in VOLATILE}


@pytest.fixture(scope="module")
def generated(sample_workbooks):
    """What the generator writes into an empty folder (made once a run, tests/conftest.py)."""
    assert sample_workbooks.skipped == []
    return sample_workbooks.root, sample_workbooks.written


def test_committed_sample_has_exactly_the_generated_files(generated, repo_root):
    root, written = generated
    committed = repo_root / "workbooks" / "团结大街街道"
    expected = sorted(p.relative_to(root).as_posix() for p in written)
    present = sorted(p.relative_to(committed).as_posix() for p in committed.rglob("*.xlsx"))
    assert present == expected, "示例报表已过期：请删除 workbooks/2021–2023 后运行 make sample"


def test_committed_sample_content_is_current(generated, repo_root):
    root, written = generated
    stale = [p.relative_to(root).as_posix() for p in written
             if _parts(p) != _parts(repo_root / "workbooks" / "团结大街街道" / p.relative_to(root))]
    assert stale == [], "示例报表已过期：请删除 workbooks/2021–2023 后运行 make sample"


def test_the_generator_is_deterministic(generated, tmp_path, config):
    root, written = generated
    again, _ = write_sample(config, tmp_path)
    assert [_parts(p) for p in again] == [_parts(p) for p in written]
