"""How the commands speak to the terminal: Chinese lines, findings, and the error of a
command that cannot run."""

from __future__ import annotations

import json
import sys

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


def print_json(obj) -> None:
    """Findings for programs, as JSON: always UTF-8 bytes, whatever the console's encoding
    (a program reading the output decodes it as UTF-8, and nothing is replaced)."""
    text = json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
    out = getattr(sys.stdout, "buffer", None)
    if out is None:  # a text-only stream (io.StringIO) has no encoding to get wrong
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    out.write(text.encode("utf-8"))
    out.flush()
