"""How the commands speak to the terminal: Chinese lines, findings, and the error of a
command that cannot run."""

from __future__ import annotations

from pipeline.core.findings import format_finding


class CannotRun(Exception):
    """The command cannot run at all (exit 2); the message is Chinese."""


def say(text: str) -> None:
    print(text, flush=True)


def print_findings(findings, limit: int = 50) -> None:
    shown = [f for f in findings if f.severity != "note"]
    for f in shown[:limit]:
        say(format_finding(f))
    if len(shown) > limit:
        say(f"……另有 {len(shown) - limit} 条，详见审核结果表。")
