"""The three statutory tables of a report made elsewhere, read into `YearTables` by their official
labels (pipeline.core.statutory), whatever the markup: a table's cells, or one cell per line, or
rows of cells separated by spaces, tabs or "|".

Every cell of the document becomes a token in reading order; labels and numbers alternate, and a
row's numbers are the values that follow its label. A cell that is blank, "/", "—" or "无" stays
blank (None) for the rules to report, never 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.core import statutory
from pipeline.core.cell_names import SHEETS, TABLE_HEADINGS, where
from pipeline.core.findings import Finding, finding
from pipeline.core.model import YearTables, empty_tables
from pipeline.reports_in.document import Document, Table

# Labels as the statutory module writes them: full-width brackets, colons and commas, the
# slash of 本年增/减 half-width.
_LABEL_FORMS = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", "／": "/"})


_NUMBER_FORMS = str.maketrans("０１２３４５６７８９．，－／", "0123456789.,-/")


_SPACE = re.compile(r"[\s\u00a0\u3000]+")


_CJK = re.compile(r"[\u4e00-\u9fff]")


_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|（[一二三四五六七八九十]+）|\d+[.．、）]|（\d+）)")


_NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


# What a cell holds when it has no number: blank (&nbsp;), a slash, a dash, "无".
BLANKS = frozenset({"", "/", "-", "--", "—", "——", "－", "无", "空", "\\", "×", "x", "X"})


_UNITS = ("件", "条", "个", "项", "次", "万元")


def norm(text: str) -> str:
    """A label as compared: no spaces, full-width brackets, colons and commas."""
    return _SPACE.sub("", text).translate(_LABEL_FORMS)


def body(label: str) -> str:
    """A row label without its numbering (一、 （一） 1. 1、), normalized."""
    return _NUMBERING.sub("", norm(label))


def parse_number(text: str) -> tuple[int | float | None, bool]:
    """(value, understood): a number (full-width digits and thousands separators allowed), or
    (None, True) for a blank-like cell, or (None, False) for text that is no number."""
    t = _SPACE.sub("", text).translate(_NUMBER_FORMS)
    if t in BLANKS:
        return None, True
    for unit in _UNITS:
        t = t.removesuffix(unit)
    if _NUMBER.fullmatch(t):
        t = t.replace(",", "")
        return (float(t) if "." in t else int(t)), True
    return None, False


def _is_value(text: str) -> bool:
    """A cell that belongs where a number goes: a number, a blank-like mark, or short text
    without Chinese (a typing slip such as "1O")."""
    value, understood = parse_number(text)
    if understood:
        return True
    t = _SPACE.sub("", text)
    return not _CJK.search(t) and len(t) <= 8


# A label and the number after it run together ("总计0", as PDF text may come out).
_GLUED = re.compile(r"(?<=[\u4e00-\u9fff])(?=\d+$)")


@dataclass(frozen=True)
class Token:
    text: str
    value: bool
    block: int  # the document block it comes from


def tokens(doc: Document) -> list[Token]:
    """Every cell of the document in reading order: a table's cells (merged ones once), or the
    pieces of a paragraph split at "|", tabs or spaces."""
    out: list[Token] = []
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            for row in block.rows:
                out += [Token(c.text, _is_value(c.text), i) for c in row if c.origin]
            continue
        if "|" in block:
            pieces = block.strip().strip("|").split("|")
        elif "\t" in block:
            pieces = block.split("\t")
        else:
            pieces = [q for p in _SPACE.split(block) if p for q in _GLUED.split(p) if q]
            if len(pieces) > 1 and not any(_is_value(p) for p in pieces):
                pieces = [block]  # a sentence with spaces, or a label split by a space
        out += [Token(p.strip(), _is_value(p.strip()), i) for p in pieces]
    return out


@dataclass
class Run:
    """Labels in a row, then the values that follow them."""

    block: int  # where its last label is (its values follow there)
    labels: list[str]
    values: list[str] = field(default_factory=list)

    @property
    def joined(self) -> str:
        return norm("".join(self.labels))


# Longer than any label: a sentence of the words, never part of a row's label.
_SENTENCE = 60


def _sentence(text: str) -> bool:
    return len(text) > _SENTENCE or text.endswith(("。", "；"))


def runs(toks: list[Token]) -> list[Run]:
    """Labels and the values after them. Labels next to each other are one run (a label split
    over lines or cells, a row's group label), but a sentence stands alone."""
    out: list[Run] = []
    for t in toks:
        if t.value:
            if not out:
                out.append(Run(t.block, []))
            out[-1].values.append(t.text)
        elif out and not out[-1].values and not _sentence(t.text) \
                and not _sentence(out[-1].labels[-1] if out[-1].labels else ""):
            out[-1].labels.append(t.text)
            out[-1].block = t.block
        else:
            out.append(Run(t.block, [t.text]))
    return out


@dataclass(frozen=True)
class RowSpec:
    table: str
    key: str
    match: str  # normalized text the row's label contains (or equals, when exact)
    width: int
    exact: bool = False

    def matches(self, run: Run) -> bool:
        if self.exact:
            return any(body(label) == self.match for label in run.labels)
        return self.match in run.joined


def _leaf_match(label: str) -> str:
    """The start of a row's label that tells it apart: real reports shorten the rest."""
    return re.split(r"[、（“]", body(label))[0][:14]


_A_SPECS = tuple(
    RowSpec("A", row, {"normative": "规范性文件"}.get(row, norm(label)), len(b.columns))
    for b in statutory.TABLE_A_BLOCKS for row, label in b.rows)


_B_WIDTH = len(statutory.TABLE_B_COLUMNS)


_B_SPECS = tuple(
    RowSpec("B", r.key, "总计" if r.key == "results_total" else _leaf_match(r.label), _B_WIDTH,
            exact=r.key in ("results_total", "other_3"))
    for r in statutory.TABLE_B_ROWS if not r.group)


# How far ahead of the expected row a label may be matched (rows missing from a report).
_WINDOW = 6


_C_WORDS = ("复议", "诉讼", "起诉", "结果", "维持", "纠正", "其他", "尚未", "审结", "总计")


_B_START = ("本年新收", "勾稽关系")


_END = ("存在的主要问题", "其他需要报告")


@dataclass
class Reading:
    tables: YearTables
    findings: list[Finding]
    trial_2019: list[str]  # the labels that show the 2019 trial format
    found: set[str]  # the tables found ("A", "B", "C")


def _first(rs: list[Run], start: int, words: tuple[str, ...]) -> int | None:
    return next((i for i in range(start, len(rs)) if any(w in rs[i].joined for w in words)),
                None)


def _match_rows(rs: list[Run], specs: tuple[RowSpec, ...]) -> dict[str, tuple[int, Run]]:
    """Each row's run, matched in the official order (a label may skip a few missing rows)."""
    found: dict[str, tuple[int, Run]] = {}
    cursor = 0
    for i, run in enumerate(rs):
        for j in range(cursor, min(cursor + _WINDOW, len(specs))):
            if specs[j].matches(run):
                found[specs[j].key] = (i, run)
                cursor = j + 1
                break
    return found


class _Reader:
    def __init__(self, doc: Document, year: int) -> None:
        self.file = doc.name
        self.year = year
        self.tables = empty_tables(year, "published")
        self.findings: list[Finding] = []

    def note(self, rule: str, table: str, **fields) -> None:
        self.findings.append(finding(rule, file=self.file, sheet=SHEETS[table], year=self.year,
                                     **fields))

    def put(self, table: str, row: str, col: str, text: str) -> None:
        value, understood = parse_number(text)
        if not understood:
            self.note("RP006", table, where=where(table, row, col), text=text)
        self.tables.table(table)[(row, col)] = value

    def row(self, spec: RowSpec, values: list[str], columns: list[str]) -> None:
        label = _row_label(spec.table, spec.key)
        if len(values) > spec.width:
            self.note("RP007", spec.table, heading=TABLE_HEADINGS[spec.table], row=label,
                      found=len(values), expected=spec.width, extra="、".join(values[spec.width:]))
            values = values[:spec.width]
        if len(values) == spec.width:
            for col, text in zip(columns, values, strict=True):
                self.put(spec.table, spec.key, col, text)
            return
        inferred = self._short_b_row(spec, values) if spec.table == "B" else False
        self.note("RP005", spec.table, heading=TABLE_HEADINGS[spec.table], row=label,
                  found=len(values), expected=spec.width,
                  then=("缺的格按本行“总计”等于“自然人”推定为0（各格为非负整数，只能为0）"
                        if inferred else "无法判断缺的是哪几格，本行各格按未填写处理"))

    def _short_b_row(self, spec: RowSpec, values: list[str]) -> bool:
        """A row of table B that lost cells in a copy (the seed's web page did): when its first
        and last numbers (自然人, 总计) are equal and every number between is 0, the five
        organization columns can only be 0, as 总计 is the sum of six non-negative counts."""
        if len(values) < 2:
            return False
        numbers = [parse_number(v)[0] for v in values]
        first, last, middle = numbers[0], numbers[-1], numbers[1:-1]
        if first is None or last is None or first != last or any(m != 0 for m in middle):
            return False
        cells = self.tables.b
        cells[(spec.key, statutory.NATURAL_PERSON[0])] = first
        cells[(spec.key, statutory.TOTAL[0])] = last
        for col, _ in statutory.LEGAL_PERSON_COLUMNS:
            cells[(spec.key, col)] = 0
        return True


def _row_label(table: str, key: str) -> str:
    if table == "A":
        return statutory.TABLE_A_ROW_LABELS[key]
    return statutory.outcome_choice(key)


def _a_columns(key: str) -> list[str]:
    return next([c for c, _ in b.columns] for b in statutory.TABLE_A_BLOCKS if key in dict(b.rows))


def _from_block(rs: list[Run], block: int) -> int:
    """The first run at or after a block (a part's heading)."""
    return next((i for i, run in enumerate(rs) if run.block >= block), len(rs))


def read_tables(doc: Document, year: int, parts: dict[str, int] | None = None) -> Reading:
    """The three tables, the reading's findings (RP003–RP007), and whether the report is in
    the 2019 trial format (its table A is then not read: its columns were other ones).

    `parts` (part key → block index of its heading) keeps each table's search inside its part,
    so words about 第二十条 or 本年新收 in part 一 are not taken for a table; without headings
    the tables are found by their labels alone."""
    parts = parts or {}
    r = _Reader(doc, year)
    rs = runs(tokens(doc))

    def at(key: str, default: int = 0) -> int:
        return _from_block(rs, parts[key]) if key in parts else default

    start_a = _first(rs, at("proactive"), ("第二十条",))
    start_b = (_first(rs, max(at("applications"), start_a or 0), _B_START)
               or _first(rs, at("applications"), _B_START))
    if start_a is not None and start_b is not None and start_a > start_b:
        start_a = None
    found: set[str] = set()
    stop_a = start_b if start_b is not None else at("applications", len(rs))
    trial = sorted({label for run in rs[start_a or 0:stop_a]
                    for label in statutory.TRIAL_2019_LABELS if norm(label) in run.joined})
    if start_a is not None and not trial:
        found.add("A")
        rows = _match_rows(rs[start_a:stop_a], _A_SPECS)
        for spec in _A_SPECS:
            if spec.key in rows:
                r.row(spec, rows[spec.key][1].values, _a_columns(spec.key))
            else:
                r.note("RP004", "A", heading=TABLE_HEADINGS["A"], row=_row_label("A", spec.key))
    elif start_a is None:
        r.note("RP003", "A", heading=TABLE_HEADINGS["A"], label=statutory.TABLE_A_BLOCKS[0].header)
    after_b = start_b
    if start_b is not None:
        found.add("B")
        stop_b = at("appeals", at("problems", len(rs)))
        b_runs = rs[start_b:stop_b if stop_b > start_b else len(rs)]
        rows = _match_rows(b_runs, _B_SPECS)
        trial += _b_trial(b_runs, rows)
        columns = [c for c, _ in statutory.TABLE_B_COLUMNS]
        for spec in _B_SPECS:
            if spec.key in rows:
                r.row(spec, rows[spec.key][1].values, columns)
            elif not (trial and spec.key in ("other_1", "other_2", "other_3")):
                r.note("RP004", "B", heading=TABLE_HEADINGS["B"], row=_row_label("B", spec.key))
        after_b = start_b + max((i for i, _ in rows.values()), default=0) + 1
    else:
        r.note("RP003", "B", heading=TABLE_HEADINGS["B"], label=statutory.TABLE_B_ROWS[0].label)
    from_c = max(after_b or start_a or 0, at("appeals"))
    end = at("problems") if "problems" in parts and at("problems") > from_c else \
        _first(rs, from_c, _END)
    start_c = _first(rs, from_c, ("行政复议",))
    if start_c is not None and (end is None or start_c < end):
        found.add("C")
        _read_c(r, rs[start_c:end])
    else:
        r.note("RP003", "C", heading=TABLE_HEADINGS["C"], label=statutory.REVIEW[1])
    return Reading(r.tables, r.findings, trial, found)


def _b_trial(b_runs: list[Run], rows: dict) -> list[str]:
    """The 2019 format's single "other" row (no numbered items under it): its numbers go to
    other_3; the two other numbered items stay blank (they did not exist)."""
    other = statutory.TABLE_B_ROW["other"].label
    for run in b_runs:
        if run.values and body(run.labels[-1]) == body(other):
            if "other_3" not in rows:
                rows["other_3"] = (0, run)
            return [other]
    return []


def _read_c(r: _Reader, rs: list[Run]) -> None:
    """Table C is one row of 15 numbers under its header labels."""
    values: list[str] = []
    for run in rs:
        if values and not all(any(w in norm(label) for w in _C_WORDS) for label in run.labels):
            break
        values += run.values
        if len(values) >= len(statutory.TABLE_C_CELLS):
            break
    cells = statutory.TABLE_C_CELLS
    if len(values) != len(cells):
        r.note("RP005" if len(values) < len(cells) else "RP007", "C",
               heading=TABLE_HEADINGS["C"], row=statutory.REVIEW[1], found=len(values),
               expected=len(cells), then="无法判断缺的是哪几格，本表各格按未填写处理",
               extra="、".join(values[len(cells):]))
        if len(values) < len(cells):
            return
    for (row, col), text in zip(cells, values, strict=False):
        r.put("C", row, col, text)
