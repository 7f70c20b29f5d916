from pipeline import store
from pipeline.core import statutory
from tests import seed_tables


def test_seed_store_round_trips_the_seed_tables(seed_store):
    con = store.connect(seed_store)
    assert store.read_years(con) == {2021: "published", 2022: "workbooks", 2023: "workbooks"}
    y = store.read_tables(con, 2023)
    a, b, c = seed_tables.seed_2023()
    assert (y.a, y.b, y.c) == (a, b, c)
    assert y.figures["items_published"] == 1342
    assert store.read_tables(con, 2019) is None


def test_seed_tables_satisfy_the_hard_rules():
    prev = None
    for make in (seed_tables.sample_2021, seed_tables.sample_2022, seed_tables.seed_2023):
        a, b, c = make()
        assert statutory.check_hard_rules(a, b, c, prev) == []
        prev = b
