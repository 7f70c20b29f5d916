"""Names Windows accepts in a file or folder name. Unit and organ names become file and folder
names (the quarter workbooks, the dashboards' pages, the organ's folders, the report), and the
office's computers run Windows: a name Windows refuses would stop a run half way, or make a
folder nobody can open or delete there."""

from __future__ import annotations

import re

# Characters Windows refuses in a name, and the full-width form to type instead, which
# Windows accepts and which reads the same in Chinese text.
FORBIDDEN = {"<": "＜", ">": "＞", ":": "：", '"': "＂", "/": "／", "\\": "＼", "|": "｜",
             "?": "？", "*": "＊"}

# Device names Windows reserves, with or without an extension (CON, con.txt); COM¹ … as well.
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³])(\..*)?", re.IGNORECASE)


def _shown(ch: str) -> str:
    return f"“{ch}”" if ch.isprintable() else f"控制字符 U+{ord(ch):04X}"


def name_problem(name: str) -> str | None:
    """Why Windows would refuse `name` as (part of) a file name, and what to type instead, in
    Chinese; None when it is accepted."""
    bad = list(dict.fromkeys(ch for ch in name if ch in FORBIDDEN or ord(ch) < 32))
    if bad:
        fixed = "".join(FORBIDDEN.get(ch, "") if ch in bad else ch for ch in name)
        return (f"含有 Windows 文件名不允许的字符{'、'.join(_shown(ch) for ch in bad)}。"
                f"请改为“{fixed}”（用全角字符代替，控制字符删去）")
    if name.endswith((".", " ")):
        return f"以“{name[-1]}”结尾，Windows 会把文件名末尾的点和空格去掉。请改为“{name.rstrip('. ')}”"
    if _RESERVED.fullmatch(name):
        return (f"是 Windows 保留的设备名，不能用作文件名。请改用其他名称（例如“{name}办公室”这样"
                "加上其他文字）")
    return None
