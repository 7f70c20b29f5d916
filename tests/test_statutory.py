"""The statutory model against an independent transcription, and its single-source rule."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from pipeline.core import statutory

HERE = Path(__file__).resolve().parent


def _sections() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = None
    for line in (HERE / "official_labels.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = re.fullmatch(r"\[(\w+)\]", line)
        if m:
            current = out.setdefault(m.group(1), [])
        else:
            current.append(line)
    return out


OFFICIAL = _sections()


def test_parts_in_order():
    assert [label for _, label in statutory.PARTS] == OFFICIAL["parts"]


def test_table_a_blocks():
    got = [f"{b.header}|{','.join(c for _, c in b.columns)}|{','.join(r for _, r in b.rows)}"
           for b in statutory.TABLE_A_BLOCKS]
    assert got == OFFICIAL["table_a_blocks"]
    assert len(statutory.TABLE_A_CELLS) == 10


def test_table_b_labels_and_shape():
    assert statutory.TABLE_B_CORNER == OFFICIAL["table_b_corner"][0]
    assert [label for _, label in statutory.TABLE_B_COLUMNS] == OFFICIAL["table_b_columns"]
    assert [r.label for r in statutory.TABLE_B_ROWS] == OFFICIAL["table_b_rows"]
    assert len(statutory.TABLE_B_NUMERIC_ROWS) == 25
    # (一), (二) and 8 + 3 + 5 + 3 numbered items
    assert len(statutory.OUTCOME_ROWS) == 2 + 8 + 3 + 5 + 3
    assert statutory.TABLE_B_ROW["unavailable_1"].parent == "unavailable"


def test_table_c():
    assert [label for _, label in statutory.TABLE_C_GROUPS] == OFFICIAL["table_c_groups"]
    assert [label for _, label in statutory.TABLE_C_COLUMNS] == OFFICIAL["table_c_columns"]
    assert len(statutory.TABLE_C_CELLS) == 15


def test_labels_use_full_width_punctuation():
    labels = [r.label for r in statutory.TABLE_B_ROWS] + [b.header for b in statutory.TABLE_A_BLOCKS]
    for label in labels:
        assert not re.search(r"[():,]", label), label


def test_outcome_choices_are_unique():
    assert len(set(statutory.OUTCOME_CHOICES)) == len(statutory.OUTCOME_CHOICES)


def test_hard_rules_catch_each_violation():
    a = dict.fromkeys(statutory.TABLE_A_CELLS, 0)
    b = dict.fromkeys(statutory.TABLE_B_CELLS, 0)
    c = dict.fromkeys(statutory.TABLE_C_CELLS, 0)
    assert statutory.check_hard_rules(a, b, c) == []
    b2 = {**b, ("new", "natural"): 1, ("new", "total"): 1}
    assert {v.rule for v in statutory.check_hard_rules(a, b2, c)} == {1}
    b3 = {**b, ("disclosed", "natural"): 1}
    assert {2, 3} <= {v.rule for v in statutory.check_hard_rules(a, b3, c)}
    c4 = {**c, ("review", "upheld"): 1}
    assert {v.rule for v in statutory.check_hard_rules(a, b, c4)} == {4}
    a5 = {**a, ("rules", "made"): None}
    assert {v.rule for v in statutory.check_hard_rules(a5, b, c)} == {5}
    a5b = {**a, ("fees", "amount"): 1.25}
    assert statutory.check_hard_rules(a5b, b, c) == []
    prev = {**b, ("carried_out", "natural"): 1}
    assert {v.rule for v in statutory.check_hard_rules(a, b, c, prev)} == {6}


def test_labels_live_only_in_the_statutory_module():
    """grep proves it: no statutory label is typed in any other source file of the package."""
    distinctive = [r.label for r in statutory.TABLE_B_ROWS if len(r.label) > 4]
    distinctive += [statutory.TABLE_B_CORNER]
    distinctive += [c for b in statutory.TABLE_A_BLOCKS for _, c in b.columns]
    distinctive += [b.header for b in statutory.TABLE_A_BLOCKS]
    distinctive += [label for _, label in statutory.PARTS]
    root = HERE.parent
    files = subprocess.run(["git", "ls-files", "pipeline", "notebooks"], cwd=root,
                           capture_output=True, text=True, check=True).stdout.split()
    files += [str(p.relative_to(root)) for p in (root / "pipeline").glob("*.py")]
    offenders = []
    for rel in sorted(set(files)):
        if rel.endswith("statutory.py"):
            continue
        text = (root / rel).read_text(encoding="utf-8")
        offenders += [(rel, label) for label in distinctive if label in text]
    assert offenders == []
