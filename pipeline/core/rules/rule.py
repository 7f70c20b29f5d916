"""A rule: a stable ID, a severity, a short Chinese title and the Chinese message a finding of it
carries (str.format fields filled per finding)."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "note")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    template: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.id}: severity {self.severity}")
