"""`xxgk status` and what collect prints after filing: each unit's returns, quarter by
quarter, as a table on the terminal, with counts, rejected files and who confirmed what."""

from __future__ import annotations

from pipeline.cli.organs import Target, check_organ
from pipeline.cli.parser import EXIT_FINDINGS, EXIT_OK
from pipeline.cli.terminal import say
from pipeline.review import returns
from pipeline.workbooks import layout


def state_text(s) -> str:
    """A return's state as the status lists it; a rejected file is named."""
    text = returns.STATE_LABELS[s.status]
    if s.rejected:
        text += f"（交来的文件“{s.rejected}”未被接受，原因见审核结果）"
    elif s.status == returns.UNTOUCHED:
        text += "（空白报表，尚未填写）"
    return text


def print_status(t: Target, year: int) -> int:
    """Check the year (the states come from reading every workbook), then print each unit's
    returns: state per quarter, counts, rejected files and who confirmed what."""
    result = check_organ(t, year, "status")
    subs = [s for s in result.content.submissions if s.year == year]
    if not subs:
        say(f"{year}年没有报表，也没有已公开报表。")
        return EXIT_FINDINGS
    done = result.completeness()
    by = {(s.unit, s.quarter): s for s in subs}
    units = list(dict.fromkeys(s.unit for s in subs))
    width = max(_display_width(u) for u in units) + 2
    say(f"{year}年报送情况（{done.summary()}）：")
    say(_pad("单位", width) + "".join(_pad(f"第{q}季度", 10) for q in returns.QUARTERS))
    for unit in units:
        say(_pad(unit, width) + "".join(
            _pad(returns.STATE_LABELS[by[(unit, q)].status], 10) for q in returns.QUARTERS))
    counts = "，".join(f"{label} {done.counts.get(state, 0)} 本"
                      for state, label in returns.STATE_LABELS.items())
    say(f"共 {done.expected} 本：{counts}。")
    rejected = [s for s in subs if s.rejected]
    if rejected:
        say("被拒收的文件（按未收到计）：")
        for s in rejected:
            say(f"  {s.unit} 第{s.quarter}季度：{s.rejected}")
    confirmed = [s for s in subs if s.officer or s.confirmed_on]
    if confirmed:
        say("填报确认：")
        declarations = dict(layout.DECLARATIONS)
        for s in confirmed:
            who = "，".join(x for x in (s.officer, s.officer_phone) if x) or "未填写填报人"
            when = s.confirmed_on.isoformat() if s.confirmed_on else "未填写日期"
            choice = declarations.get(s.declaration, "未选择")
            say(f"  {s.unit} 第{s.quarter}季度：{who}，{when}，“{choice}”")
    return EXIT_FINDINGS if result.errors else EXIT_OK


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    """Left-aligned in a column of a terminal, where a Chinese character takes two places."""
    return text + " " * max(1, width - _display_width(text))
