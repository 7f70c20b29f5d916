"""The committed sample workbooks are exactly what the generator writes (not stale), for every
organ of the sample district. Committed by an earlier run, they also show the generator writes
the same files every time."""

from __future__ import annotations

import zipfile

import pytest

from pipeline.core.config import load_district
from pipeline.sample.demo import write_sample

STALE = "示例报表已过期：请删除 workbooks 下该机关的文件夹后运行 make sample"

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
    assert present == expected, STALE


def test_committed_sample_content_is_current(generated, repo_root):
    root, written = generated
    stale = [p.relative_to(root).as_posix() for p in written
             if _parts(p) != _parts(repo_root / "workbooks" / "团结大街街道" / p.relative_to(root))]
    assert stale == [], STALE


@pytest.mark.parametrize("organ", ["演示路街道", "区演示数据局"])
def test_each_invented_organs_sample_is_current(organ, repo_root, tmp_path):
    cfg = load_district(repo_root / "xxgk.toml").organ(organ)
    written, skipped = write_sample(cfg, tmp_path)
    assert skipped == []
    committed = repo_root / "workbooks" / organ
    assert (sorted(p.relative_to(committed).as_posix() for p in committed.rglob("*.xlsx"))
            == sorted(p.relative_to(tmp_path).as_posix() for p in written)), STALE
    assert [p.name for p in written
            if _parts(p) != _parts(committed / p.relative_to(tmp_path))] == [], STALE
