"""Findings: every problem the pipeline sees, with a stable rule ID and where to look.

The rules themselves are listed in one registry (pipeline.core.rules), by stage."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from pipeline.core.rules import REGISTRY
from pipeline.core.rules.rule import SEVERITIES, Rule

__all__ = ["SEVERITIES", "SEVERITY_LABELS", "Finding", "Rule", "all_rules", "finding",
           "format_finding", "rule_title"]

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "note": "提示"}


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: str
    message: str
    unit: str | None = None
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    year: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    def location(self) -> str:
        """Where to look, in Chinese: 文件 … 工作表 … 单元格 …"""
        parts = []
        if self.file:
            parts.append(f"文件“{self.file}”")
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.cell:
            parts.append(f"单元格 {self.cell}")
        return "，".join(parts)


def finding(rule_id: str, *, unit=None, file=None, sheet=None, cell=None, year=None,
            **fields) -> Finding:
    """Make a finding of a registered rule; the message is the rule's template with `fields`."""
    rule = REGISTRY[rule_id]
    return Finding(rule.id, rule.severity, rule.template.format(**fields), unit=unit,
                   file=file, sheet=sheet, cell=cell, year=year)


def rule_title(rule_id: str) -> str:
    """A registered rule's short Chinese title."""
    return REGISTRY[rule_id].title


def all_rules() -> list[Rule]:
    """Every rule, by ID (the catalogue in docs/rules.md and `xxgk rules`)."""
    return list(REGISTRY.values())


def format_finding(f: Finding) -> str:
    where = f.location()
    head = f"[{SEVERITY_LABELS[f.severity]} {f.rule}]"
    return f"{head} {where}：{f.message}" if where else f"{head} {f.message}"
