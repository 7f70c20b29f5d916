"""A year whose returns are not all in: every page says so, and every year is compared over
the same quarters (never half a year against a whole one)."""

from __future__ import annotations

import sqlite3

import pytest

from pipeline import store
from pipeline.dashboards import dashboard_data, registry, site
from tests.conftest import build_seed_store


@pytest.fixture(scope="module")
def partial_store(tmp_path_factory, config):
    """The hand-made seed store, but in 2023 only the first two quarters are in and confirmed:
    the third and fourth are blank templates, with no facts."""
    path = build_seed_store(tmp_path_factory.mktemp("partial") / "xxgk.sqlite", config)
    con = sqlite3.connect(path)
    con.execute("UPDATE submissions SET status = 'untouched', file = NULL "
                "WHERE year = 2023 AND quarter > 2")
    con.execute("DELETE FROM facts WHERE year = 2023 AND quarter > 2")
    con.commit()
    con.close()
    return path


def _write(data, out, **kw):
    """Every page's figures from the registry, then the pages, as the notebook does."""
    pages = site.page_data(data, **kw)
    return site.write_pages(pages, {n: registry.dashboard_figures(p) for n, p in pages.items()},
                            out)


def _items(path, year, quarters):
    """Distinct items the facts hold for some quarters (straight from the store)."""
    con = sqlite3.connect(path)
    marks = ",".join("?" * len(quarters))
    (n,) = con.execute(f"SELECT sum(value) FROM facts WHERE year = ? AND topic = 'disclosure' "
                       f"AND dim = '' AND quarter IN ({marks})", (year, *quarters)).fetchone()
    con.close()
    return n


def test_a_partial_year_is_compared_over_the_same_quarters(partial_store):
    con = store.connect(partial_store)
    data = dashboard_data.load_dashboard(con, 2023, years_back=2)
    con.close()
    assert data.through == 2 and data.completeness.partial
    # the published 2021 has no quarters: it cannot be compared like with like
    assert data.sources == {2022: "q2", 2023: "q2"}
    fig = registry.dashboard_figures(data)["proactive_total"]
    bar = fig.data[0]
    assert list(bar.x) == ["2022年1—2季度", "2023年1—2季度"]
    assert list(bar.y) == [_items(partial_store, 2022, (1, 2)), _items(partial_store, 2023, (1, 2))]
    assert _items(partial_store, 2022, (1, 2)) < _items(partial_store, 2022, (1, 2, 3, 4))
    # the quarter chart holds only the first two quarters of every year
    quarters = registry.dashboard_figures(data)["by_quarter"]
    assert all(sum(t.y[2:]) == 0 for t in quarters.data)


def test_every_page_of_a_partial_year_says_how_far_the_data_go(partial_store, config,
                                                               tmp_path):
    pages = _write(site.load_data(partial_store, 2023), tmp_path, all_units=True)
    assert len(pages) == 1 + len(config.units)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "本年度数据不完整：数据截至第2季度，14本未确认（其中未填14本）" in text, page.name
        assert "各年度均只比较第1—2季度的数据（同期对比）" in text
        assert "草稿" not in text


def test_a_draft_says_so_on_every_page(partial_store, tmp_path):
    pages = _write(site.load_data(partial_store, 2023, draft=True), tmp_path, all_units=True)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "【草稿】" in text and "草稿：数据截至第2季度" in text


def test_a_complete_year_carries_no_notice(seed_store, tmp_path):
    [page] = _write(site.load_data(seed_store, 2023), tmp_path)
    text = page.read_text(encoding="utf-8")
    assert "数据不完整" not in text and "草稿" not in text


def test_the_report_of_a_partial_year_can_only_be_a_draft(partial_store, config):
    from pipeline.report import model as report_model

    con = store.connect(partial_store)
    model = report_model.build_report_model(con, config, 2023)
    con.close()
    with pytest.raises(report_model.ReportError, match="不能生成正式报告：数据截至第2季度"):
        report_model.require_final(model, draft=False)
    report_model.require_final(model, draft=True)  # a draft may be made
    assert model.draft_note() == "草稿（数据截至第2季度，14本未确认（其中未填14本））"


def test_each_chart_does_what_the_registry_says_of_a_partial_year(partial_store):
    """Partial: SAME_QUARTERS and FROM_REGISTERS compare 2022 and 2023 over quarters 1–2 only
    (no published year, no year tables); THIS_YEAR shows 2023 alone; UNCHANGED shows the
    whole report year, quarters 3 and 4 included."""
    data = site.load_data(partial_store, 2023)
    frames = registry.dashboard_frames(data)
    partial = {c.key: c.partial for c in registry.CHARTS}
    for key, frame in frames.items():
        years = set(frame["year"])
        if partial[key] is registry.Partial.THIS_YEAR:
            assert years == {2023}, key
        elif partial[key] is registry.Partial.UNCHANGED:
            assert years <= {2023}, key
        else:
            assert years <= {2022, 2023}, key
            if "quarter" in frame:
                assert set(frame["quarter"]) <= {1, 2}, key
    assert set(frames["submissions"]["quarter"]) == {1, 2, 3, 4}
    # from the facts, not table B's whole year: 2022's first two quarters only
    assert frames["proactive_total"]["value"].tolist() == [_items(partial_store, 2022, (1, 2)),
                                                           _items(partial_store, 2023, (1, 2))]
    assert set(frames["interpretations"]["series"]) == {"会议"}  # no published 合计
    review = registry.dashboard_figures(data, frames)["review"]
    # 2022's review case is not compared with half of 2023, which has none
    assert review.data == () and review.layout.annotations[0].text == "各年度均无行政复议、行政诉讼案件"
