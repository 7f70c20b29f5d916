"""docs/rules.md is the one place every rule ID is listed with the message a user sees."""

from __future__ import annotations

from pipeline.core.findings import all_rules
from pipeline.core.rules.rule import SEVERITIES
from pipeline.docs import DOC, render_rules


def test_rule_catalogue_is_current():
    assert DOC.read_text(encoding="utf-8") == render_rules(), (
        "docs/rules.md 已过期：请运行 make docs")


def test_every_rule_is_chinese_and_well_formed():
    rules = all_rules()
    assert len({r.id for r in rules}) == len(rules)
    for r in rules:
        assert r.severity in SEVERITIES
        assert r.id[:2].isalpha() and r.id[2:].isdigit(), r.id
        assert r.template.strip(), r.id
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.title), r.id
