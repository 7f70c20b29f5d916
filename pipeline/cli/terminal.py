"""How the commands speak to the terminal: Chinese lines, findings, and the error of a
command that cannot run."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

from pipeline.core.findings import format_finding

T = TypeVar("T")

_bar: list[tqdm] = []  # the progress bar on the terminal now, if any


class CannotRun(Exception):
    """The command cannot run at all (exit 2); the message is Chinese."""


def say(text: str) -> None:
    if _bar:  # above the bar, which is drawn again under it
        _bar[0].write(text, file=sys.stdout)
        sys.stdout.flush()
    else:
        print(text, flush=True)


def progress(items: Iterable[T], total: int, what: str, unit: str) -> Iterator[T]:
    """`items`, with a progress bar on the terminal (standard error, only when it is one)
    while they are worked on; what is said meanwhile is printed above the bar."""
    with tqdm(items, total=total, desc=what, unit=unit, file=sys.stderr, leave=False,
              disable=total < 2 or not sys.stderr.isatty()) as bar:
        if bar.disable:
            yield from items
            return
        _bar.append(bar)
        try:
            yield from bar
        finally:
            _bar.remove(bar)


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
