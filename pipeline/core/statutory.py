"""The 2021 national format of the annual report (国办公开办函〔2021〕30号) as data.

This module is the only place where statutory labels are written. Templates, ingestion,
consolidation, review, the report and the tests all read them from here, by stable English keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PARTS: tuple[tuple[str, str], ...] = (
    ("overview", "一、总体情况"),
    ("proactive", "二、主动公开政府信息情况"),
    ("applications", "三、收到和处理政府信息公开申请情况"),
    ("appeals", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
)


PART_HEADINGS: dict[str, str] = dict(PARTS)


# Conventional sub-sections of part 一 and part 六 (not statutory, but what real reports use).
OVERVIEW_SECTIONS: tuple[tuple[str, str], ...] = (
    ("proactive", "（一）主动公开"),
    ("requests", "（二）依申请公开"),
    ("management", "（三）政府信息管理"),
    ("platforms", "（四）政府信息公开平台建设"),
    ("supervision", "（五）监督保障"),
)


OTHER_SECTIONS: tuple[tuple[str, str], ...] = (
    ("fees", "（一）信息处理费收取情况"),
    ("key_points", "（二）落实上级年度政务公开工作要点情况"),
)


INFO_CONTENT = "信息内容"


@dataclass(frozen=True)
class Block:
    """One block of table A: a header row, then a 信息内容 row, then its item rows."""

    key: str
    header: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, str], ...]


TABLE_A_BLOCKS: tuple[Block, ...] = (
    Block(
        "art20_1",
        "第二十条第（一）项",
        (("made", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
        (("rules", "规章"), ("normative", "行政规范性文件")),
    ),
    Block("art20_5", "第二十条第（五）项", (("decisions", "本年处理决定数量"),),
          (("licensing", "行政许可"),)),
    Block("art20_6", "第二十条第（六）项", (("decisions", "本年处理决定数量"),),
          (("penalty", "行政处罚"), ("coercion", "行政强制"))),
    Block("art20_8", "第二十条第（八）项", (("amount", "本年收费金额（单位：万元）"),),
          (("fees", "行政事业性收费"),)),
)


# (row_key, col_key) of the 10 numeric cells, in reading order.
TABLE_A_CELLS: tuple[tuple[str, str], ...] = tuple(
    (row, col) for b in TABLE_A_BLOCKS for row, _ in b.rows for col, _ in b.columns
)


# The only cell that is an amount (万元, decimals allowed); every other cell is a count.
AMOUNT_CELLS: frozenset[tuple[str, str]] = frozenset({("fees", "amount")})


# Stocks are read at the end of the year, not summed over quarters.
STOCK_CELLS: frozenset[tuple[str, str]] = frozenset({("rules", "in_force"), ("normative", "in_force")})


TABLE_A_ROW_LABELS: dict[str, str] = {k: v for b in TABLE_A_BLOCKS for k, v in b.rows}


def table_a_column_label(row_key: str, col_key: str) -> str:
    for b in TABLE_A_BLOCKS:
        if row_key in dict(b.rows):
            return dict(b.columns)[col_key]
    raise KeyError(row_key)


TABLE_B_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


APPLICANT_HEADER = "申请人情况"


LEGAL_PERSON_GROUP = "法人或其他组织"


NATURAL_PERSON = ("natural", "自然人")


LEGAL_PERSON_COLUMNS: tuple[tuple[str, str], ...] = (
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("nonprofit", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
)


TOTAL = ("total", "总计")


# The six applicant classes (an application belongs to exactly one), then 总计.
APPLICANT_CLASSES: tuple[tuple[str, str], ...] = (NATURAL_PERSON, *LEGAL_PERSON_COLUMNS)


TABLE_B_COLUMNS: tuple[tuple[str, str], ...] = (*APPLICANT_CLASSES, TOTAL)


APPLICANT_CLASS_LABELS: dict[str, str] = dict(APPLICANT_CLASSES)


@dataclass(frozen=True)
class RowB:
    """A row of table B. A group has no number of its own; its children are leaves."""

    key: str
    label: str
    level: int  # 0: 一、二、三、四; 1: （一）…（七）; 2: numbered items
    group: bool = False
    outcome: bool = False  # one of the 21 possible results of an application
    parent: str | None = None
    children: tuple[str, ...] = field(default=())


def _leaves(parent: str, labels: tuple[str, ...]) -> tuple[RowB, ...]:
    return tuple(
        RowB(f"{parent}_{i}", label, 2, outcome=True, parent=parent)
        for i, label in enumerate(labels, start=1)
    )


_WITHHELD = _leaves("withheld", (
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
))


_UNAVAILABLE = _leaves("unavailable", (
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
))


_NOT_PROCESSED = _leaves("not_processed", (
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
))


_OTHER = _leaves("other", (
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
))


def _group(key: str, label: str, leaves: tuple[RowB, ...]) -> tuple[RowB, ...]:
    return (RowB(key, label, 1, group=True, parent="results",
                 children=tuple(r.key for r in leaves)), *leaves)


TABLE_B_ROWS: tuple[RowB, ...] = (
    RowB("new", "一、本年新收政府信息公开申请数量", 0),
    RowB("carried_in", "二、上年结转政府信息公开申请数量", 0),
    RowB("results", "三、本年度办理结果", 0, group=True),
    RowB("disclosed", "（一）予以公开", 1, outcome=True, parent="results"),
    RowB("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, outcome=True,
         parent="results"),
    *_group("withheld", "（三）不予公开", _WITHHELD),
    *_group("unavailable", "（四）无法提供", _UNAVAILABLE),
    *_group("not_processed", "（五）不予处理", _NOT_PROCESSED),
    *_group("other", "（六）其他处理", _OTHER),
    RowB("results_total", "（七）总计", 1, parent="results"),
    RowB("carried_out", "四、结转下年度继续办理", 0),
)


TABLE_B_ROW: dict[str, RowB] = {r.key: r for r in TABLE_B_ROWS}


# The 25 rows that carry numbers (groups have none).
TABLE_B_NUMERIC_ROWS: tuple[str, ...] = tuple(r.key for r in TABLE_B_ROWS if not r.group)


OUTCOME_ROWS: tuple[RowB, ...] = tuple(r for r in TABLE_B_ROWS if r.outcome)


TABLE_B_CELLS: tuple[tuple[str, str], ...] = tuple(
    (r, c) for r in TABLE_B_NUMERIC_ROWS for c, _ in TABLE_B_COLUMNS
)


def outcome_choice(key: str) -> str:
    """The text an officer picks in the register's outcome dropdown: group label + item label."""
    row = TABLE_B_ROW[key]
    if row.level == 2:
        return f"{TABLE_B_ROW[row.parent].label}：{row.label}"
    return row.label


OUTCOME_CHOICES: tuple[str, ...] = tuple(outcome_choice(r.key) for r in OUTCOME_ROWS)


REVIEW = ("review", "行政复议")


LITIGATION = "行政诉讼"


LITIGATION_GROUPS: tuple[tuple[str, str], ...] = (
    ("direct_suit", "未经复议直接起诉"),
    ("suit_after_review", "复议后起诉"),
)


TABLE_C_GROUPS: tuple[tuple[str, str], ...] = (REVIEW, *LITIGATION_GROUPS)


CASE_RESULTS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other_result", "其他结果"),
    ("pending", "尚未审结"),
)


TABLE_C_COLUMNS: tuple[tuple[str, str], ...] = (*CASE_RESULTS, TOTAL)


TABLE_C_CELLS: tuple[tuple[str, str], ...] = tuple(
    (g, c) for g, _ in TABLE_C_GROUPS for c, _ in TABLE_C_COLUMNS
)


SUPERSEDED_LABELS: tuple[str, ...] = (
    "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
    "第二十条第（九）项",
)


# Labels only the 2019 trial format (国办公开办函〔2019〕60号) had: its table A columns and rows.
# In that format （六）其他处理 was one row without the three numbered items.
TRIAL_2019_LABELS: tuple[str, ...] = (
    *SUPERSEDED_LABELS, "其他对外管理服务事项", "采购项目数量", "采购总金额", "政府集中采购",
)


TableCells = dict[tuple[str, str], "int | float | None"]


@dataclass(frozen=True)
class Violation:
    """A broken hard rule: which rule, which cell, what was expected and what was found."""

    rule: int
    table: str
    row: str
    col: str
    expected: float | None
    found: float | None


def _num(v):
    return 0 if v is None else v


def check_hard_rules(a: TableCells, b: TableCells, c: TableCells,
                     previous_b: TableCells | None = None) -> list[Violation]:
    """Rules 1–6 of the national format. Blank cells break rule 5 and count as 0 elsewhere."""
    out: list[Violation] = []
    cols_b = [k for k, _ in TABLE_B_COLUMNS]
    for col in cols_b:  # rule 1: 一 + 二 = （七） + 四
        lhs = _num(b.get(("new", col))) + _num(b.get(("carried_in", col)))
        rhs = _num(b.get(("results_total", col))) + _num(b.get(("carried_out", col)))
        if lhs != rhs:
            out.append(Violation(1, "B", "results_total", col, lhs, rhs))
    for row in TABLE_B_NUMERIC_ROWS:  # rule 2: 总计 = sum of the six applicant columns
        s = sum(_num(b.get((row, k))) for k, _ in APPLICANT_CLASSES)
        if s != _num(b.get((row, "total"))):
            out.append(Violation(2, "B", row, "total", s, b.get((row, "total"))))
    for col in cols_b:  # rule 3: （七）总计 = sum of the 21 outcome leaves
        s = sum(_num(b.get((r.key, col))) for r in OUTCOME_ROWS)
        if s != _num(b.get(("results_total", col))):
            out.append(Violation(3, "B", "results_total", col, s, b.get(("results_total", col))))
    for g, _ in TABLE_C_GROUPS:  # rule 4: each group's 总计 = the four results
        s = sum(_num(c.get((g, k))) for k, _ in CASE_RESULTS)
        if s != _num(c.get((g, "total"))):
            out.append(Violation(4, "C", g, "total", s, c.get((g, "total"))))
    for table, cells, keys in (("A", a, TABLE_A_CELLS), ("B", b, TABLE_B_CELLS),
                               ("C", c, TABLE_C_CELLS)):  # rule 5: filled, non-negative, integral
        for key in keys:
            v = cells.get(key)
            bad = (v is None or v < 0
                   or (key not in AMOUNT_CELLS and table == "A" and v != int(v))
                   or (table != "A" and v != int(v)))
            if bad:
                out.append(Violation(5, table, key[0], key[1], None, v))
    if previous_b is not None:  # rule 6: 二、上年结转 = last year's 四、结转下年度继续办理
        for col in cols_b:
            if _num(previous_b.get(("carried_out", col))) != _num(b.get(("carried_in", col))):
                out.append(Violation(6, "B", "carried_in", col,
                                     previous_b.get(("carried_out", col)),
                                     b.get(("carried_in", col))))
    return out


HARD_RULES: dict[int, str] = {
    1: "表三每一列：第一项加第二项之和等于第三项（七）总计加第四项之和",
    2: "表三每一行：总计等于六类申请人之和",
    3: "表三每一列：（七）总计等于（一）至（六）各项办理结果之和",
    4: "表四每组：总计等于结果维持、结果纠正、其他结果、尚未审结之和",
    5: "每个数字单元格都必须填写：0不能留空，不能写“/”或“无”；除收费金额外均为非负整数",
    6: "本年“二、上年结转”等于上年“四、结转下年度继续办理”（逐列）",
}
