"""Shared fixtures. Tests never read ../shared: everything they need is in the repository.

The sample workbooks, a check of the committed sample and a full build are made once per run
(tests/shared.py) and only read: a test that changes files copies them first (copy_tree)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline.core.config import load_config
from tests.shared import copy_tree, digests, shared_folder

ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(items):
    """The slow modules first (stable: the rest keep their order): pytest-xdist hands each
    module whole to a worker as one frees up, and a long module handed out last would leave
    the other workers idle at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def config():
    return load_config(ROOT / "tests" / "single_organ.toml")


def _main(*args: str) -> tuple[int, str]:
    """`xxgk …` in this process: exit code and everything printed."""
    from pipeline.cli.main import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(args))
    return code, out.getvalue()


@pytest.fixture(scope="session")
def sample_workbooks(tmp_path_factory, config):
    """The embedded sample as `xxgk sample` writes it (pipeline.sample.demo.write_sample), made
    once: .root (read only: copy_tree it to change anything), .written and .skipped (what
    write_sample returned, as paths under .root)."""
    from pipeline.sample.demo import write_sample

    def make(folder: Path):
        written, skipped = write_sample(config, folder)
        return {"written": [p.relative_to(folder).as_posix() for p in written],
                "skipped": [p.relative_to(folder).as_posix() for p in skipped]}

    with shared_folder(tmp_path_factory, "sample", make) as (folder, made):
        yield SimpleNamespace(root=folder, written=[folder / p for p in made["written"]],
                              skipped=[folder / p for p in made["skipped"]])


@pytest.fixture(scope="session")
def checked_sample(tmp_path_factory, repo_root):
    """The committed sample checked once (`xxgk check --year 2023`) into a fresh outputs folder
    (read only): .code, .outputs, and .before, the digests of the committed workbooks before
    the check."""
    workbooks = repo_root / "workbooks" / "团结大街街道"

    def make(folder: Path):
        before = digests(workbooks)
        code, _ = _main("check", "--year", "2023", "--workbooks", str(workbooks),
                        "--outputs", str(folder), "--config", str(repo_root / "tests" / "single_organ.toml"))
        return {"code": code, "before": before}

    with shared_folder(tmp_path_factory, "checked", make) as (folder, made):
        yield SimpleNamespace(code=made["code"], outputs=folder, before=made["before"])


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory, repo_root, sample_workbooks):
    """The sample built once by `xxgk build --year 2023` (notebooks and all), read only:
    .workbooks and .outputs; copy_tree both to go on from there."""

    def make(folder: Path):
        copy_tree(sample_workbooks.root, folder / "workbooks")
        code, printed = _main("build", "--year", "2023", "--workbooks", str(folder / "workbooks"),
                              "--outputs", str(folder / "outputs"),
                              "--config", str(repo_root / "tests" / "single_organ.toml"))
        assert code == 0, printed
        return None

    with shared_folder(tmp_path_factory, "built", make) as (folder, _):
        yield SimpleNamespace(workbooks=folder / "workbooks", outputs=folder / "outputs")


def _split(total: int, parts: int) -> list[int]:
    """Split total into `parts` integers that differ by at most one (deterministic)."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


@pytest.fixture(scope="module")
def seed_dashboard(tmp_path_factory, config):
    """The dashboards' data of the seed store (build_seed_store): the report year 2023 and
    the two years before."""
    from pipeline import store
    from pipeline.dashboards import dashboard_data

    path = build_seed_store(tmp_path_factory.mktemp("store") / "xxgk.sqlite", config)
    con = store.connect(path)
    try:
        yield dashboard_data.load_dashboard(con, 2023, years_back=2)
    finally:
        con.close()


def build_seed_store(path: Path, cfg) -> Path:
    """A small store as the pipeline would write it: 2021 from published tables, 2022 and 2023
    from workbooks, with facts, applications, submissions and a finding. Numbers are typed by
    hand in tests/seed_tables.py, not computed by the code under test."""
    from datetime import date, datetime

    from pipeline.consolidate.unit_part import fact_sums
    from pipeline.core.findings import Finding
    from pipeline.core.model import YearTables
    from pipeline.core.records import Application, Case, Fact, Source, Submission
    from pipeline.store import StoreContent, write_store
    from tests import seed_tables as st

    content = StoreContent()
    for year, (a, b, c), source in ((2021, st.sample_2021(), "published"),
                                    (2022, st.sample_2022(), "workbooks"),
                                    (2023, st.seed_2023(), "workbooks")):
        content.years.append(YearTables(year, source, a, b, c, dict(st.SAMPLE_FIGURES[year])))
    for year in (2022, 2023):
        total = st.SAMPLE_FIGURES[year]["items_published"]
        cats = [c for c in cfg.categories if c != "其他"]
        per_unit = _split(total, len(cfg.units))
        for unit, unit_total in zip(cfg.units, per_unit, strict=True):
            for q, q_total in enumerate(_split(unit_total, 4), start=1):
                file = f"{year}/第{q}季度/{year}年第{q}季度-{unit}.xlsx"
                for cat, n in zip(cats, _split(q_total, len(cats)), strict=True):
                    content.facts.append(Fact(unit, year, q, "disclosure", cat, "", n,
                                              file, "主动公开", "B5"))
                    content.facts.append(Fact(unit, year, q, "disclosure", cat,
                                              cfg.channels[0], n, file, "主动公开", "C5"))
                content.submissions.append(Submission(year, unit, q, file, "confirmed"))
        meetings = st.SAMPLE_FIGURES[year]["interpretations"]
        for q, n in enumerate(_split(meetings, 4), start=1):
            file = f"{year}/第{q}季度/{year}年第{q}季度-街道本级.xlsx"
            content.facts.append(Fact("街道本级", year, q, "interpretation", "会议", "", n,
                                      file, "政策解读", "B4"))
    content.applications.append((Application(
        "街道本级", 2023, 2, "2023-001", date(2023, 5, 8), "网络平台", "natural",
        answered=date(2023, 5, 22), outcome="unavailable_1",
        source=Source("2023/第2季度/2023年第2季度-街道本级.xlsx", "依申请公开台账", "A5")),
        10, True))
    content.cases.append(Case("街道本级", 2022, 3, "2022-F01", "review", date(2022, 8, 1),
                              "upheld", Source("2022/第3季度/2022年第3季度-街道本级.xlsx",
                                               "复议诉讼台账", "A5")))
    content.findings.append(Finding("IN101", "note", "单元格未填写，已按0计。", unit="青松社区",
                                    file="2023/第1季度/2023年第1季度-青松社区.xlsx",
                                    sheet="第二十条", cell="C5", year=2023))
    content.fact_sums = [(y, *k, v) for y in sorted({f.year for f in content.facts})
                         for k, v in fact_sums([f for f in content.facts if f.year == y]).items()]
    write_store(path, content, version="test", report_year=2023, command="test",
                started=datetime(2024, 1, 10, 9, 0))
    return path


@pytest.fixture
def seed_store(tmp_path, config) -> Path:
    return build_seed_store(tmp_path / "xxgk.sqlite", config)


@pytest.fixture
def model(seed_store, config):
    """The 2023 report model built from the hand-made seed store."""
    from pipeline import store
    from pipeline.report import model as report_model

    con = store.connect(seed_store)
    try:
        return report_model.build_report_model(con, config, 2023)
    finally:
        con.close()
