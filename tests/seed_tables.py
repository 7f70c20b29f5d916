"""Expected tables typed by hand, independently of the code under test.

2023 is transcribed from the published report of 团结大街街道 (all cells not listed are 0).
2021 and 2022 are the sample's invented years: 2021 carries one application (自然人) into 2022,
which closes it; 2022 carries none into 2023.
"""

from __future__ import annotations

from pipeline.core import statutory


def _zeros():
    return (
        dict.fromkeys(statutory.TABLE_A_CELLS, 0),
        dict.fromkeys(statutory.TABLE_B_CELLS, 0),
        dict.fromkeys(statutory.TABLE_C_CELLS, 0),
    )


def seed_2023():
    a, b, c = _zeros()
    for row in ("new", "unavailable_1", "results_total"):
        b[(row, "natural")] = 1
        b[(row, "total")] = 1
    return a, b, c


def sample_2022():
    a, b, c = _zeros()
    b.update({
        ("new", "natural"): 2, ("new", "business"): 1, ("new", "total"): 3,
        ("carried_in", "natural"): 1, ("carried_in", "total"): 1,
        ("disclosed", "natural"): 2, ("disclosed", "total"): 2,
        ("partial", "business"): 1, ("partial", "total"): 1,
        ("other_3", "natural"): 1, ("other_3", "total"): 1,
        ("results_total", "natural"): 3, ("results_total", "business"): 1,
        ("results_total", "total"): 4,
    })
    c.update({("review", "upheld"): 1, ("review", "total"): 1})
    return a, b, c


def sample_2021():
    a, b, c = _zeros()
    b.update({
        ("new", "natural"): 2, ("new", "total"): 2,
        ("disclosed", "natural"): 1, ("disclosed", "total"): 1,
        ("results_total", "natural"): 1, ("results_total", "total"): 1,
        ("carried_out", "natural"): 1, ("carried_out", "total"): 1,
    })
    return a, b, c


# Headline figures of the sample (2023's are the seed's: 1300余条, 16 meeting-based
# interpretations, 1000余条 screened, 9 problems, no complaints, no fee, 9 kinds of content).
SAMPLE_FIGURES = {
    2021: {"items_published": 980, "interpretations": 10},
    2022: {"items_published": 1105, "interpretations": 15},
    2023: {"items_published": 1342, "interpretations": 16, "categories_published": 9,
           "self_inspections": 2, "items_screened": 1023, "problems_found": 9,
           "problems_fixed": 9, "complaints": 0, "fee_charged_yuan": 0},
}
