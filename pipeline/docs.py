"""Generates docs/rules.md, the one place where every rule ID is listed with the message a user
sees. `make docs` rewrites it; a test fails when it is stale."""

from __future__ import annotations

from pathlib import Path

from pipeline.core.atomic import write_text
from pipeline.core.findings import SEVERITY_LABELS, all_rules

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def render_rules() -> str:
    lines = [
        "# 审核规则一览 (rule catalogue)",
        "",
        "由 `make docs` 根据代码生成，请勿手工编辑。每条审核结果都带有下表中的规则编号；",
        "消息中的 {…} 在运行时替换为具体的单元格、数值等。",
        "",
        "| 编号 | 级别 | 规则 | 用户看到的消息 |",
        "| --- | --- | --- | --- |",
    ]
    for r in all_rules():
        msg = r.template.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {r.id} | {SEVERITY_LABELS[r.severity]} | {r.title} | {msg} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    write_text(DOC, render_rules())
    print(f"已写入 {DOC}")
