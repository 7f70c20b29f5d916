"""Every rule xxgk checks, in one registry. A rule's ID prefix tells the stage it belongs to:

| prefix | stage | module |
| --- | --- | --- |
| IN, ID, ST | reading the workbooks: files, cells, registers, grids; identity; confirmation | workbooks |
| CO | collecting returns from an inbox | collect |
| HI | reading a published-tables workbook | published |
| CS | consolidating a year from its units | consolidate |
| DL | answer deadlines | deadlines |
| RV | the statutory and plausibility rules of a year's tables | review |
| TX | the report's words | text |
| DS | a district's roll-up of its organs | district |
| RP | reviewing a report made elsewhere (Word, web page, PDF, text) | reports_in |

A new rule is added to its stage's tuple here, then raised with `findings.finding(ID, …)`.
"""

from __future__ import annotations

from pipeline.core.rules import (
    collect,
    consolidate,
    deadlines,
    district,
    published,
    reports_in,
    review,
    text,
    workbooks,
)
from pipeline.core.rules.rule import Rule


def _registry(*stages) -> dict[str, Rule]:
    out: dict[str, Rule] = {}
    for stage in stages:
        for rule in stage.RULES:
            if rule.id in out:
                raise ValueError(f"rule {rule.id} defined twice")
            out[rule.id] = rule
    return dict(sorted(out.items()))


REGISTRY: dict[str, Rule] = _registry(workbooks, collect, published, consolidate, deadlines,
                                      review, text, district, reports_in)
