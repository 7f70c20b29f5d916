"""Findings: every problem the pipeline sees, with a stable rule ID and where to look.

Each stage declares its rules with `define` at import time; `all_rules()` imports every stage so
the catalogue (docs/rules.md, `xxgk rules`) is complete.
"""

from __future__ import annotations

import importlib
from dataclasses import asdict, dataclass

SEVERITIES = ("error", "warning", "note")
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "note": "提示"}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str     # short Chinese name of the rule
    template: str  # Chinese message; str.format fields are filled per finding


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


_RULES: dict[str, Rule] = {}

# Modules that define rules; all_rules() imports them so the catalogue is complete.
RULE_MODULES = (
    "pipeline.config",
    "pipeline.ingest",
    "pipeline.collect",
    "pipeline.consolidate",
    "pipeline.review",
    "pipeline.deadlines",
    "pipeline.history",
    "pipeline.report_text",
    "pipeline.build",
)


def define(rule_id: str, severity: str, title: str, template: str) -> Rule:
    if severity not in SEVERITIES:
        raise ValueError(severity)
    existing = _RULES.get(rule_id)
    rule = Rule(rule_id, severity, title, template)
    if existing is not None and existing != rule:
        raise ValueError(f"rule {rule_id} defined twice")
    _RULES[rule_id] = rule
    return rule


def finding(rule_id: str, *, unit=None, file=None, sheet=None, cell=None, year=None,
            **fields) -> Finding:
    """Make a finding of a declared rule; the message is the rule's template with `fields`."""
    rule = _RULES[rule_id]
    return Finding(rule.id, rule.severity, rule.template.format(**fields), unit=unit,
                   file=file, sheet=sheet, cell=cell, year=year)


def rule_title(rule_id: str) -> str:
    """A declared rule's short Chinese title."""
    return _RULES[rule_id].title


def all_rules() -> list[Rule]:
    for name in RULE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a stage not written yet
            if exc.name != name:
                raise
    return sorted(_RULES.values(), key=lambda r: r.id)


def has_errors(findings) -> bool:
    return any(f.severity == "error" for f in findings)


def format_finding(f: Finding) -> str:
    where = f.location()
    head = f"[{SEVERITY_LABELS[f.severity]} {f.rule}]"
    return f"{head} {where}：{f.message}" if where else f"{head} {f.message}"
