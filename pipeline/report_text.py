"""The report's words: the office's paragraphs workbook, placeholders, default text written from
the data, and the review of the text (TX rules).

A year without a paragraphs workbook still gets a complete report: every section has a default
written from the store's numbers. The office replaces or extends any section in
workbooks/<Y>/<Y>年年报文字.xlsx, writing figures as {placeholders} so that the words always
agree with the tables.

Placeholders (the full list with descriptions is `placeholder_catalogue`, and every blank
paragraphs workbook carries it in a 占位符说明 sheet):
- {year}, {organ}, {short_name}, {contact_office}, {address}, {postcode}, {phone},
  {supervision_phone}: the report year and the organ from xxgk.toml;
- every key of model.FIGURES, e.g. {items_published}, {interpretations}, {items_screened},
  {problems_found}, {complaints}, {fee_charged_yuan}, written exactly, and the same key with
  `_approx`, e.g. {items_published_approx} → "1300余" (see `approx`);
- {applications_received}, {applications_carried_in}, {applications_closed},
  {applications_carried_out} (table three, 总计 column), {reviews}, {lawsuits} (table four);
- {categories}, {channels}: the categories and channels that carried items, joined with "、";
  {items_<category>} and {interpretations_<form>} per category / form of xxgk.toml;
- every table cell as {a.<row>.<col>}, {b.<row>.<col>}, {c.<group>.<col>} (statutory keys).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline import ingest, statutory
from pipeline.atomic import atomic_path
from pipeline.config import Config
from pipeline.findings import Finding, define, finding
from pipeline.model import FIGURES, YearTables

# --- Rules -----------------------------------------------------------------------------------

define("TX001", "error", "年报文字表无法读取",
       "年报文字工作簿{problem}，本年度报告将全部使用系统生成的默认文字。请使用 xxgk 生成的"
       "空白年报文字表（工作表“年报文字”，第1行列名：{columns}）。")
define("TX002", "error", "段落编号无法识别",
       "段落编号“{key}”无法识别，这一行的文字不会进入报告。请从下拉列表中选择：{keys}。")
define("TX003", "error", "段落方式无法识别",
       "段落“{key}”的方式“{mode}”无法识别，请填写“{modes}”之一。")
define("TX004", "error", "段落编号重复",
       "段落编号“{key}”出现了不止一次（第{rows}行），报告只能用其中一段。请合并为一行。")
define("TX010", "error", "占位符无法识别",
       "“{section}”中的占位符“{placeholder}”无法识别，报告中会原样显示。请改为年报文字表"
       "“占位符说明”工作表中列出的名称。")
define("TX011", "error", "占位符本年无数据",
       "“{section}”中的占位符“{placeholder}”在{report_year}年没有数据，报告中会原样显示。请改写为"
       "具体文字，或先补齐数据。")
define("TX020", "error", "存在的主要问题为空",
       "第五部分“{heading}”写的是“{text}”。这一部分必须如实写出本年度存在的问题和改进情况，"
       "不能为空或写“无”。请在年报文字表的“problems”一行填写。")
define("TX021", "warning", "存在的主要问题使用默认文字",
       "第五部分“{heading}”使用的是系统生成的通用文字，不能代替本机关的实际情况。请在年报文字表"
       "的“problems”一行写出本年度存在的具体问题和改进措施。")
define("TX022", "error", "存在的主要问题与上年相同",
       "第五部分“{heading}”与{previous}年度报告的文字完全相同，评估中会按“内容雷同”扣分。"
       "请按本年度实际情况重写。")
define("TX030", "error", "文字中的数字与报表不一致",
       "“{section}”中写的{what}是“{stated}”，而报表数据为{actual}。请改正文字，或改用占位符"
       "{placeholder}，让数字自动与报表一致。")
define("TX031", "error", "分项之和与合计不一致",
       "“{section}”中“{snippet}”：各分项之和为{parts}，与合计{total}不一致，请核对。")
define("TX032", "warning", "文字中的年份不是报告年度",
       "“{section}”中写有“{snippet}”，而本报告是{report_year}年度报告，可能沿用了往年文字。"
       "请核对年份。")
define("TX033", "error", "部分标题缺失或被改动",
       "报告第{number}部分应为“{heading}”，实际为“{found}”。六个部分的标题必须与法定格式一致，"
       "请改回法定标题。")
define("TX034", "warning", "段落与上年相同",
       "“{section}”与{previous}年度报告的文字完全相同，可能被评为“内容雷同”。请按本年度实际情况"
       "改写。")
define("TX035", "error", "信息处理费与数据不一致",
       "数据显示本年度收取信息处理费{fee}元，而第六部分“{section}”写的是“{snippet}”。"
       "请核对后使文字与数据一致。")
define("TX036", "error", "文字称全部按时答复，与期限核对结果不符",
       "“{section}”中写有“{snippet}”，但答复期限的核对结果是：{facts}，不能说全部按时答复。"
       "请删去这一说法，如实写明办理时限情况：{advice}。")

# --- The paragraphs workbook -----------------------------------------------------------------

SHEET = "年报文字"
PLACEHOLDER_SHEET = "占位符说明"
COLUMNS = ("段落编号", "所属部分", "方式", "文字", "说明")
REPLACE = "替换默认"
APPEND = "追加在默认之后"
MODES = (REPLACE, APPEND)
# How the store keeps the mode: appended text starts with this mark, replacing text has none.
APPEND_MARK = "〔追加〕"
PREAMBLE_LABEL = "前言"


@dataclass(frozen=True)
class Slot:
    """A place in the report the office can write: a paragraph key and where it belongs."""

    key: str
    part: str  # a statutory part key, or "preamble"
    heading: str | None  # the sub-section heading, None for a part's opening text
    hint: str


_OVERVIEW_HINTS = {
    "proactive": "主动公开的内容类别、条数和政策解读情况",
    "requests": "依申请公开的渠道、收到和办理的申请",
    "management": "信息发布审核、管理制度",
    "platforms": "政府网站、公开栏等公开平台和渠道",
    "supervision": "考核、自查、问题整改、投诉举报",
}
_OTHER_HINTS = {
    "fees": "是否收取信息处理费（须与数据一致）",
    "key_points": "落实上级年度政务公开工作要点的情况",
}

SLOTS: tuple[Slot, ...] = (
    Slot("preamble", "preamble", None,
         "报告开头：编制依据和报告组成。统计期限和联系方式始终附在其后，无需填写"),
    Slot("overview.intro", "overview", None, "总体情况的开头综述"),
    *(Slot(f"overview.{k}", "overview", h, _OVERVIEW_HINTS.get(k, ""))
      for k, h in statutory.OVERVIEW_SECTIONS),
    Slot("problems", "problems", None,
         "必须写出本年度的具体问题和改进措施，不能写“无”，不能照抄上年"),
    *(Slot(f"other.{k}", "other", h, _OTHER_HINTS.get(k, "")) for k, h in statutory.OTHER_SECTIONS),
)
SLOT: dict[str, Slot] = {s.key: s for s in SLOTS}
PARAGRAPH_KEYS: tuple[str, ...] = tuple(SLOT)


def slot_label(key: str) -> str:
    """The section as a reader names it: the part heading followed by the section heading."""
    slot = SLOT[key]
    if slot.part == "preamble":
        return PREAMBLE_LABEL
    return statutory.PART_HEADINGS[slot.part] + (slot.heading or "")


def paragraphs_path(workbooks_dir: str | Path, year: int) -> Path:
    return Path(workbooks_dir) / str(year) / f"{year}年{SHEET}.xlsx"


def mark(mode: str, text: str) -> str:
    """The text as the store keeps it, with its mode."""
    return APPEND_MARK + text if mode == APPEND else text


def split_mode(stored: str) -> tuple[str, str]:
    """(mode, text) of a stored paragraph."""
    if stored.startswith(APPEND_MARK):
        return APPEND, stored[len(APPEND_MARK):]
    return REPLACE, stored


def write_paragraphs_workbook(path: str | Path, year: int,
                              rows: Mapping[str, tuple[str, str]],
                              *, cfg: Config | None = None) -> Path:
    """Write a paragraphs workbook listing every key; `rows` maps key -> (mode, text).

    With no rows it is the blank workbook an office fills. An existing workbook is never
    overwritten: it holds the office's own words.
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} 已存在，不会覆盖。如需重新生成，请先移走原文件。")
    unknown = sorted(set(rows) - set(PARAGRAPH_KEYS))
    if unknown:
        raise KeyError(f"unknown paragraph keys: {unknown}")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(COLUMNS)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for slot in SLOTS:
        mode, text = rows.get(slot.key, (REPLACE, ""))
        ws.append((slot.key, slot_label(slot.key), mode, text, slot.hint))
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    for col, width in zip("ABCDE", (22, 48, 16, 90, 40), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    last = len(SLOTS) + 1
    modes = DataValidation(type="list", formula1='"' + ",".join(MODES) + '"', allow_blank=True,
                           showErrorMessage=True, errorTitle="方式",
                           error="请选择：" + "、".join(MODES))
    modes.add(f"C2:C{last}")
    keys = DataValidation(type="list", formula1='"' + ",".join(PARAGRAPH_KEYS) + '"',
                          allow_blank=False, showErrorMessage=True, errorTitle="段落编号",
                          error="请从下拉列表中选择段落编号。")
    keys.add(f"A2:A{last}")
    ws.add_data_validation(modes)
    ws.add_data_validation(keys)
    ws.cell(last + 2, 1, f"{year}年度报告的文字。“方式”选“{REPLACE}”时用本段代替系统默认文字，"
                         f"选“{APPEND}”时接在默认文字之后；“文字”留空则使用默认文字。"
                         "一个单元格内可用换行（Alt+Enter）分段。数字请尽量用占位符，"
                         "如 {items_published_approx}，见“占位符说明”工作表。")
    ref = wb.create_sheet(PLACEHOLDER_SHEET)
    ref.append(("占位符", "含义"))
    for cell in ref[1]:
        cell.font = bold
    for name, description in placeholder_catalogue(cfg):
        ref.append(("{" + name + "}", description))
    ref.column_dimensions["A"].width = 40
    ref.column_dimensions["B"].width = 70
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def read_paragraphs(path: str | Path, year: int, workbooks_dir: str | Path | None = None
                    ) -> tuple[list[tuple[int, str, str, str, str, str]], list[Finding]]:
    """The store's paragraph rows (year, key, marked text, file, sheet, cell) and findings.

    `file` is relative to `workbooks_dir` (default: the workbook's folder's parent). Rows with
    empty text are left out: that section keeps its default text.
    """
    path = Path(path)
    base = Path(workbooks_dir) if workbooks_dir is not None else path.parent.parent
    try:
        file = path.relative_to(base).as_posix()
    except ValueError:
        file = path.name
    columns = "、".join(COLUMNS)
    grids, reason = ingest.read_grids(path, [SHEET])
    if reason is not None:
        return [], [finding("TX001", file=file, year=year, problem=f"无法打开（{reason}）",
                            columns=columns)]
    if SHEET not in grids:
        return [], [finding("TX001", file=file, year=year, problem=f"中没有工作表“{SHEET}”",
                            columns=columns)]
    grid = grids[SHEET]
    header = [_text(v) for v in grid[0]] if grid else []
    missing = [c for c in ("段落编号", "方式", "文字") if c not in header]
    if missing:
        return [], [finding("TX001", file=file, sheet=SHEET, cell="A1", year=year,
                            problem=f"第1行缺少列“{'、'.join(missing)}”", columns=columns)]
    i_key, i_mode, i_text = (header.index(c) for c in ("段落编号", "方式", "文字"))
    text_col = openpyxl.utils.get_column_letter(i_text + 1)
    rows: list[tuple[int, str, str, str, str, str]] = []
    findings: list[Finding] = []
    seen: dict[str, list[int]] = {}
    for r, values in enumerate(grid[1:], start=2):
        values = list(values) + [None] * (len(header) - len(values))
        key, mode, text = _text(values[i_key]), _text(values[i_mode]), _text(values[i_text])
        if not text:
            continue
        cell = f"{text_col}{r}"
        if key not in SLOT:
            findings.append(finding("TX002", file=file, sheet=SHEET, cell=f"A{r}", year=year,
                                    key=key, keys="、".join(PARAGRAPH_KEYS)))
            continue
        if mode and mode not in MODES:
            mode_col = openpyxl.utils.get_column_letter(i_mode + 1)
            findings.append(finding("TX003", file=file, sheet=SHEET, cell=f"{mode_col}{r}",
                                    year=year, key=key, mode=mode, modes="”或“".join(MODES)))
            continue
        seen.setdefault(key, []).append(r)
        rows.append((year, key, mark(mode or REPLACE, text), file, SHEET, cell))
    for key, at in seen.items():
        if len(at) > 1:
            findings.append(finding("TX004", file=file, sheet=SHEET, cell=f"A{at[1]}", year=year,
                                    key=key, rows="、".join(map(str, at))))
            rows = [row for row in rows if row[1] != key or row[5] == f"{text_col}{at[0]}"]
    return rows, findings


# --- Numbers and placeholders ----------------------------------------------------------------

def fmt_number(v: int | float) -> str:
    """A count as an integer, an amount with its decimals (0.35 stays 0.35, 2.0 becomes 2)."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def approx(v: int | float) -> str:
    """The "N余" form reports use: from 1000 on rounded down to hundreds (1342 → "1300余"),
    from 100 on to tens (135 → "130余"), below 100 exact. A value that is already round is
    written exactly (1300 → "1300"), since "1300余" would say there were more."""
    n = int(v)
    if n < 100:
        return fmt_number(v)
    step = 100 if n >= 1000 else 10
    floor = n // step * step
    return str(n) if floor == n and n == v else f"{floor}余"


def approx_agrees(stated: int, actual: int | float) -> bool:
    """Whether "stated余" describes `actual`: 1300余 covers 1300–1399, 1000余 covers 1000–1999."""
    step = 1
    while stated and stated % (step * 10) == 0:
        step *= 10
    return stated <= actual < stated + step


@dataclass(frozen=True)
class TextData:
    """What the words are written from: the year's tables and the facts behind the headline
    figures (sums over units and quarters, keyed as in xxgk.toml). An empty facts dict means
    "not known" (a year known only from its published tables, or facts not supplied)."""

    tables: YearTables
    categories: dict[str, int | float] = field(default_factory=dict)  # distinct items
    channels: dict[str, int | float] = field(default_factory=dict)
    interpretations: dict[str, int | float] = field(default_factory=dict)  # by form
    # Applications still open past their deadline (the year's deadline findings, DL004): the
    # tables cannot show them, and the words must not call every answer timely while they exist.
    overdue_open: int = 0

    @property
    def year(self) -> int:
        return self.tables.year

    @staticmethod
    def by_key(facts: dict[str, int | float], key: str) -> int | float | None:
        """A fact's total: 0 for a name nobody reported, None when no facts are known."""
        return facts.get(key, 0) if facts else None


def text_data(tables: YearTables,
              facts: Iterable[tuple[str, str, str, int | float | None]], *,
              overdue_open: int = 0) -> TextData:
    """Sum the year's facts, given as (topic, key, dim, value) like records.Fact: distinct items
    per category (dim ""), items per channel, interpretations per form. Blank cells add nothing."""
    categories: dict[str, int | float] = {}
    channels: dict[str, int | float] = {}
    interpretations: dict[str, int | float] = {}
    for topic, key, dim, value in facts:
        if value is None:
            continue
        if topic == "disclosure":
            target, name = (categories, key) if dim == "" else (channels, dim)
        elif topic == "interpretation":
            target, name = interpretations, key
        else:
            continue
        target[name] = target.get(name, 0) + value
    return TextData(tables, categories, channels, interpretations, overdue_open)


def _nonzero(facts: Mapping[str, int | float], order: Sequence[str]) -> list[str]:
    ordered = [k for k in order if k in facts] + sorted(set(facts) - set(order))
    return [k for k in ordered if facts[k]]


def _total(cells, row: str, col: str = statutory.TOTAL[0]):
    return cells.get((row, col))


def _sum(*values):
    return None if any(v is None for v in values) else sum(values)


def _placeholders(cfg: Config | None, data: TextData | None
                  ) -> list[tuple[str, str, int | float | str | None]]:
    """(name, description, value) of every placeholder; one list for the catalogue and values."""
    t = data.tables if data else None
    fig = t.figures if t else {}
    out: list[tuple[str, str, int | float | str | None]] = []
    organ = cfg.organ if cfg else None
    out.append(("year", "报告年度", data.year if data else None))
    for name, attr, description in (
            ("organ", "name", "机关全称"), ("short_name", "short_name", "机关简称"),
            ("contact_office", "contact_office", "咨询联系部门"), ("address", "address", "联系地址"),
            ("postcode", "postcode", "邮政编码"), ("phone", "phone", "联系电话"),
            ("supervision_phone", "supervision_phone", "监督电话")):
        out.append((name, description, getattr(organ, attr) if organ else None))
    for key, label in FIGURES.items():
        v = fig.get(key)
        out.append((key, label, v))
        out.append((f"{key}_approx", f"{label}（约数，如1342写作“1300余”）",
                    None if v is None else approx(v)))
    b = t.b if t else {}
    c = t.c if t else {}
    for name, row in (("applications_received", "new"), ("applications_carried_in", "carried_in"),
                      ("applications_closed", "results_total"),
                      ("applications_carried_out", "carried_out")):
        out.append((name, f"{statutory.TABLE_B_ROW[row].label}（{statutory.TOTAL[1]}）",
                    _total(b, row)))
    out.append(("reviews", f"{statutory.REVIEW[1]}（{statutory.TOTAL[1]}）",
                _total(c, statutory.REVIEW[0])))
    out.append(("lawsuits", f"{statutory.LITIGATION}（{statutory.TOTAL[1]}）",
                _sum(*(_total(c, g) for g, _ in statutory.LITIGATION_GROUPS)) if t else None))
    cats = _nonzero(data.categories, cfg.categories if cfg else ()) if data else []
    chans = _nonzero(data.channels, cfg.channels if cfg else ()) if data else []
    out.append(("categories", "有公开信息的内容类别（以“、”分隔）", "、".join(cats) or None))
    out.append(("channels", "有公开信息的公开渠道（以“、”分隔）", "、".join(chans) or None))
    for cat in cfg.categories if cfg else ():
        out.append((f"items_{cat}", f"“{cat}”类主动公开信息条数",
                    data.by_key(data.categories, cat) if data else None))
    for form in cfg.interpretation_forms if cfg else ():
        out.append((f"interpretations_{form}", f"以“{form}”形式开展的政策解读次数",
                    data.by_key(data.interpretations, form) if data else None))
    for prefix, part, keys, label in (
            ("a", "proactive", statutory.TABLE_A_CELLS,
             lambda r, k: f"{statutory.TABLE_A_ROW_LABELS[r]}·"
                          f"{statutory.table_a_column_label(r, k)}"),
            ("b", "applications", statutory.TABLE_B_CELLS,
             lambda r, k: f"{statutory.TABLE_B_ROW[r].label}·{dict(statutory.TABLE_B_COLUMNS)[k]}"),
            ("c", "appeals", statutory.TABLE_C_CELLS,
             lambda r, k: f"{dict(statutory.TABLE_C_GROUPS)[r]}·{dict(statutory.TABLE_C_COLUMNS)[k]}")):
        cells = t.table(prefix.upper()) if t else {}
        number = statutory.PART_HEADINGS[part].split("、")[0]
        for r, k in keys:
            out.append((f"{prefix}.{r}.{k}", f"第{number}部分表格：{label(r, k)}", cells.get((r, k))))
    return out


def placeholder_catalogue(cfg: Config | None = None) -> list[tuple[str, str]]:
    """Every placeholder name with its Chinese description (per-category and per-form names
    need the configuration)."""
    return [(name, description) for name, description, _ in _placeholders(cfg, None)]


def placeholder_values(cfg: Config, data: TextData) -> dict[str, str]:
    """The text each placeholder stands for this year; names without data are left out."""
    return {name: fmt_number(v) if isinstance(v, int | float) else v
            for name, _, v in _placeholders(cfg, data) if v is not None}


PLACEHOLDER_RE = re.compile(r"\{([^{}\s]+)\}")


def render(text: str, values: Mapping[str, str]) -> str:
    """Fill {placeholders}; an unknown one, or one without data, stays visible as written
    (the review reports it as TX010 / TX011)."""
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


# --- Default text ------------------------------------------------------------------------------

def _stripped_label(label: str) -> str:
    """"（二）部分公开（区分处理的…）" → "部分公开", "1.重复申请" → "重复申请"."""
    label = re.sub(r"^(（[一二三四五六七八九十]+）|\d+\.)", "", label)
    return re.sub(r"（[^）]*）$", "", label)


def _outcome_phrases(b) -> list[str]:
    out = []
    for row in statutory.OUTCOME_ROWS:
        n = _total(b, row.key)
        if not n:
            continue
        label = _stripped_label(row.label)
        parent = statutory.TABLE_B_ROW[row.parent]
        if parent.level > 0:  # a numbered item keeps its group: 无法提供（本机关不掌握…）
            label = f"{_stripped_label(parent.label)}（{label}）"
        out.append(f"{label}{fmt_number(n)}件")
    return out


def _timeliness(fig: Mapping[str, int | float | None], overdue_open: int) -> str:
    """What the words may say about deadlines: "all in time" only when every answer of the year
    was judged on time and no open application is past its deadline; late answers and overdue
    open applications with their counts; with answers that could not be judged, no count of
    timely ones (it would read as the whole)."""
    on_time, late, unknown = (fig.get(k) for k in
                              ("answered_on_time", "answered_late", "answered_unknown"))
    out = []
    if late:
        out.append(f"已办结的申请中，按时答复{fmt_number(on_time)}件，逾期答复{fmt_number(late)}件"
                   if unknown == 0 and on_time is not None
                   else f"已办结的申请中，逾期答复{fmt_number(late)}件")
    elif on_time and late == 0 and unknown == 0:
        out.append(f"已办结的申请中，按时答复{fmt_number(on_time)}件" if overdue_open
                   else "已办结的申请均在法定期限内答复")
    if overdue_open:
        out.append(f"尚未办结的申请中，有{fmt_number(overdue_open)}件已超过法定答复期限，仍在办理")
    return "；".join(out) + "。" if out else ""


def _breakdown(total, facts: Mapping[str, int | float], names: Sequence[str], unit: str) -> str:
    """"，其中A3条、B4条" when the parts add up to the total, else nothing."""
    if total is None or len(names) < 2 or sum(facts[k] for k in names) != total:
        return ""
    return "，其中" + "、".join(f"{k}{fmt_number(facts[k])}{unit}" for k in names)


def default_paragraphs(cfg: Config, data: TextData) -> dict[str, list[str]]:
    """The text of every slot written from the data, in the style of published reports."""
    y, t, fig = data.year, data.tables, data.tables.figures
    o = cfg.organ
    short = o.short_name
    law = o.legal_basis[0]
    other_basis = "、".join(o.legal_basis[1:])
    parts = "，".join(h.split("、", 1)[1] for _, h in statutory.PARTS)
    cats = _nonzero(data.categories, cfg.categories)
    chans = _nonzero(data.channels, cfg.channels)
    forms = _nonzero(data.interpretations, cfg.interpretation_forms)
    items = fig.get("items_published")
    interp = fig.get("interpretations")
    n_cats = fig.get("categories_published") or len(cats)
    b, c = t.b, t.c
    new, carried_in = _total(b, "new") or 0, _total(b, "carried_in") or 0
    closed, carried_out = _total(b, "results_total") or 0, _total(b, "carried_out") or 0
    d: dict[str, list[str]] = {}

    d["preamble"] = [
        f"本年度报告根据{law}（以下简称《条例》）{'、' + other_basis if other_basis else ''}"
        f"有关要求，由{o.name}编制。全文包括：{parts}。"]
    d["overview.intro"] = [
        f"{y}年，{short}认真贯彻落实{law}，按照上级关于政府信息公开工作的统一部署，明确工作分工"
        "和职责，做好信息发布、依申请公开、平台维护和监督保障等工作，推动政府信息公开工作规范"
        "有序开展。"]

    proactive = []
    if cats:
        listed = "、".join(cats)
        proactive.append(f"{y}年，{short}结合工作职责，围绕{listed}"
                         f"{'' if n_cats == len(cats) else '等'}共{fmt_number(n_cats)}项内容"
                         "依法主动公开政府信息。")
    if items:
        proactive.append(f"全年新增主动公开政府信息共{fmt_number(items)}条"
                         f"{_breakdown(items, data.categories, cats, '条')}。")
    elif items == 0:
        proactive.append("本年度未新增主动公开政府信息。")
    if interp and len(forms) == 1 and data.interpretations[forms[0]] == interp:
        proactive.append(f"全年通过{forms[0]}方式进行政策解读{fmt_number(interp)}次。")
    elif interp:
        proactive.append(f"全年开展政策解读共{fmt_number(interp)}次"
                         f"{_breakdown(interp, data.interpretations, forms, '次')}。")
    elif interp == 0:
        proactive.append("本年度未开展政策解读。")
    d["overview.proactive"] = ["".join(proactive)] if proactive else [
        f"{short}按照有关规定主动公开政府信息。"]

    channels = "、".join(c for c in cfg.application_channels if c != "其他")
    requests = [f"{short}按照{law}规定的程序和时限办理政府信息公开申请，申请人可通过{channels}"
                "等方式提出申请。"]
    if new == 0 and carried_in == 0:
        requests.append(f"{y}年，{short}未收到政府信息公开申请。")
    else:
        s = f"{y}年，{short}收到政府信息公开申请{fmt_number(new)}件"
        if carried_in:
            s += f"，上年结转{fmt_number(carried_in)}件"
        s += f"，本年办结{fmt_number(closed)}件"
        outcomes = _outcome_phrases(b)
        if outcomes:
            s += "，办理结果为：" + "、".join(outcomes)
        if carried_out:
            s += f"；尚未办结、转入下一年度{fmt_number(carried_out)}件"
        requests.append(s + "。" + _timeliness(fig, data.overdue_open))
    reviews = _total(c, statutory.REVIEW[0]) or 0
    suits = sum(_total(c, g) or 0 for g, _ in statutory.LITIGATION_GROUPS)
    if reviews == 0 and suits == 0:
        requests.append(f"本年度未发生政府信息公开{statutory.REVIEW[1]}、{statutory.LITIGATION}"
                        "案件。")
    else:
        requests.append(f"本年度发生政府信息公开{statutory.REVIEW[1]}{fmt_number(reviews)}件、"
                        f"{statutory.LITIGATION}{fmt_number(suits)}件。")
    d["overview.requests"] = requests

    management = (f"{short}严格落实政府信息发布审核制度，对拟公开的政府信息执行初审、复审、发布"
                  "流程，严防涉密涉敏信息公开，推动政府信息公开工作规范化、专业化。")
    if fig.get("trainings"):
        management += f"全年组织政府信息公开业务培训{fmt_number(fig['trainings'])}次。"
    if items:
        management += (f"本年度，{short}新增主动公开政府信息{approx(items)}条，"
                       f"收到政府信息公开申请{fmt_number(new)}件。")
    d["overview.management"] = [management]

    if chans:
        platforms = (f"{short}通过{'、'.join(chans)}{'等' if len(chans) > 1 else ''}渠道公开政府"
                     "信息，及时更新基层政务公开标准化规范化相关栏目，确保公开内容准确、及时。")
    else:
        platforms = (f"{short}依托政府网站和各类公开平台公开政府信息，及时更新基层政务公开标准化"
                     "规范化相关栏目，确保公开内容准确、及时。")
    if fig.get("board_updates"):
        platforms += f"全年更新政务公开栏{fmt_number(fig['board_updates'])}次。"
    d["overview.platforms"] = [platforms]

    sup = (f"{short}将政府信息公开工作纳入年度目标绩效考核，明确工作责任，严格审核发布内容，"
           "重点监督公开内容的真实性、时效性、合法性。")
    si, screened = fig.get("self_inspections"), fig.get("items_screened")
    if si:
        sup += f"全年开展自查{fmt_number(si)}次"
        sup += f"，对{approx(screened)}条公开内容进行筛查。" if screened else "。"
    found, fixed = fig.get("problems_found"), fig.get("problems_fixed")
    if found:
        sup += f"发现问题{fmt_number(found)}条"
        sup += f"，已整改{fmt_number(fixed)}条。" if fixed is not None else "。"
    elif found == 0:
        sup += "自查中未发现问题。"
    sup += f"设立意见箱和监督电话{o.supervision_phone}，收集群众对政府信息公开工作的意见建议。"
    complaints = fig.get("complaints")
    if complaints == 0:
        sup += f"{y}年度，未接到群众投诉、举报。"
    elif complaints:
        sup += f"全年接到群众投诉、举报{fmt_number(complaints)}件。"
    d["overview.supervision"] = [sup]

    problems = ["一是政府信息公开工作的规范化、标准化水平有待进一步提高。二是工作人员业务能力"
                "有待加强。三是公开内容的及时性和完整性需要持续改进。"]
    if found:
        problems.append(f"本年度自查发现问题{fmt_number(found)}条"
                        f"{f'，已整改{fmt_number(fixed)}条' if fixed is not None else ''}。")
    problems.append(f"针对上述问题，{short}将加强业务培训，规范公开内容和流程，强化监督检查，"
                    "推动政府信息公开工作提质增效。")
    d["problems"] = ["".join(problems)]

    fee = fig.get("fee_charged_yuan")
    if fee is None:
        d["other.fees"] = ["本年度信息处理费收取情况未记录，请核实后填写。"]
    elif fee:
        d["other.fees"] = [f"本年度收取政府信息公开信息处理费{fmt_number(fee)}元。"]
    else:
        d["other.fees"] = ["本年度未收取政府信息公开信息处理费。"]
    d["other.key_points"] = [
        f"{short}按照上级年度政务公开工作要点要求，主动公开政府信息、重点领域信息和通知公告等"
        "内容，做好政策解读和依申请公开工作，推进基层政务公开标准化规范化建设。"]
    return d


# --- Composition -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Section:
    key: str  # paragraph key
    heading: str | None
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Part:
    key: str  # statutory part key
    heading: str
    sections: tuple[Section, ...]
    table: str | None  # "A", "B", "C" or None


PART_TABLES = {"proactive": "A", "applications": "B", "appeals": "C"}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def contact_paragraph(cfg: Config, year: int) -> str:
    """Always printed after the preamble, whatever the office writes."""
    o = cfg.organ
    return (f"本年度报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
            f"如对本年度报告有任何疑问，请联系{o.contact_office}（地址：{o.address}，"
            f"邮编：{o.postcode}，电话：{o.phone}）。")


def compose(cfg: Config, data: TextData, paragraphs: Mapping[str, str]
            ) -> tuple[tuple[str, ...], tuple[Part, ...]]:
    """(preamble paragraphs, the six parts): the office's text replaces or follows the default
    of its section; placeholders are filled from the same data as the tables."""
    values = placeholder_values(cfg, data)
    defaults = default_paragraphs(cfg, data)

    def text(key: str) -> tuple[str, ...]:
        stored = paragraphs.get(key)
        if stored is None:
            return tuple(defaults[key])
        mode, own = split_mode(stored)
        own_lines = _lines(render(own, values))
        return tuple((defaults[key] if mode == APPEND else []) + own_lines)

    preamble = (*text("preamble"), contact_paragraph(cfg, data.year))
    parts = tuple(
        Part(key, heading,
             tuple(Section(s.key, s.heading, text(s.key)) for s in SLOTS if s.part == key),
             PART_TABLES.get(key))
        for key, heading in statutory.PARTS)
    return preamble, parts


# --- Review (TX rules) ---------------------------------------------------------------------

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CLAUSE = r"[^。；;，,\d]"
_NUM = r"(\d+)(余)?"
_APPLICATIONS_RE = re.compile(rf"(?:收到|接到|新收|受理)({_CLAUSE}{{0,25}}?){_NUM}\s*(?:件|条|个|份)")
_ITEMS_RE = re.compile(rf"主动公开{_CLAUSE}{{0,15}}?{_NUM}\s*条")
_INTERP_RE = re.compile(rf"解读{_CLAUSE}{{0,10}}?{_NUM}\s*(?:次|场|期)")
_BREAKDOWN_RE = re.compile(r"共(\d+)\s*(条|件|项|次|个)[，,：:]?\s*其中([^。；;]*)")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_COMPARISON = ("较", "比", "与", "同", "对比")
_EMPTY_WORDS = {"", "无", "暂无", "没有", "无问题", "不存在"}
# Counts of table three and of the deadline check as reports state them: (what, the words
# before the number, the placeholder, where the count is).
_APP = r"(?:的|了|共|政府信息公开|依申请公开|申请|事项)*"
_COUNT_PATTERNS = (
    ("办结的政府信息公开申请数", rf"(?<![未尚])办结{_APP}", "{applications_closed}",
     "results_total"),
    ("上年结转的政府信息公开申请数", rf"上一?年度?结转{_APP}", "{applications_carried_in}",
     "carried_in"),
    ("结转下年度继续办理的申请数", rf"(?:结转|转入)(?:至|到)?下一?年度?(?:继续办理)?{_APP}",
     "{applications_carried_out}", "carried_out"),
    ("逾期答复的申请数", rf"逾期(?:答复|办结|办理|回复)?{_APP}", "{answered_late}",
     "answered_late"),
    ("按时答复的申请数", rf"按时(?:答复|办结|办理|回复){_APP}", "{answered_on_time}",
     "answered_on_time"),
)
_COUNT_RES = tuple((what, re.compile(rf"{words}{_NUM}\s*件"), placeholder, key)
                   for what, words, placeholder, key in _COUNT_PATTERNS)
# A claim that every application was answered in time, in the wordings reports use: 均在法定
# 期限内答复, 均已按时限要求答复, 全部按期办结, 按时答复率100%, 无逾期, 未发生超期答复 …
_ALL = r"(?:均|全部|全都|都|一律|悉数|全数)(?:已经?|能够?|得到|予以)*"
_IN_TIME = (r"(?:(?:在|于)?(?:法定|规定|承诺)?的?(?:期限|时限|时间|工作日)内"
            r"|按照?(?:法定|规定)?的?(?:时限|期限)(?:要求)?|按时|按期|如期|准时)")
_ALL_ON_TIME_RE = re.compile(
    rf"{_ALL}{_IN_TIME}(?:予以|进行|作出|完成|给予)?(?:答复|办结|办理|回复|办完)"
    r"|按(?:时|期)(?:答复|办结|回复|办理)?率(?:为|达到?|是)?(?:100(?:\.0+)?\s*[%％]|百分之百)"
    r"|(?:无|没有|未|均未|从未|零)(?:出现|发生|有)?(?:一件|任何)?(?:逾期|超期|超时)")
_SENTENCE_RE = re.compile(r"[。；;！!？?\n]")

_FEE_NONE_RE = re.compile(r"(未|没有|不|无|免)[^。；;，,\d]{0,8}?(收取|收费)|免收|免费")
_FEE_CHARGED_RE = re.compile(r"收取[^。；;，,\d]{0,15}?(\d+(?:\.\d+)?)\s*元")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", split_mode(text)[1])


def _where(key: str, paragraphs: Mapping[str, str], year: int) -> dict:
    """Office text is located in its workbook; default text has no file to point at."""
    if key in paragraphs:
        return {"file": f"{year}/{year}年{SHEET}.xlsx", "sheet": SHEET}
    return {}


def _sections(parts: Sequence[Part]) -> Iterable[tuple[Section, str]]:
    for part in parts:
        for section in part.sections:
            yield section, "\n".join(section.paragraphs).translate(_FULLWIDTH_DIGITS)


def _agrees(stated: str, approx_mark: str | None, actual) -> bool:
    return approx_agrees(int(stated), actual) if approx_mark else int(stated) == actual


def _figure_findings(year, tables: YearTables, parts, paragraphs,
                     interpretations_by_form: Mapping[str, int | float] | None) -> list[Finding]:
    out = []
    received = _total(tables.b, "new")
    items = tables.figures.get("items_published")
    interp = tables.figures.get("interpretations")
    for section, text in _sections(parts):
        where = _where(section.key, paragraphs, year)
        label = slot_label(section.key)

        def check(m, what, actual, placeholder, stated, mark_, _label=label, _where=where):
            if actual is not None and not _agrees(stated, mark_, actual):
                out.append(finding("TX030", year=year, **_where, section=_label, what=what,
                                   stated=m.group(0), actual=fmt_number(actual),
                                   placeholder=placeholder))

        for what, pattern, placeholder, key in _COUNT_RES:
            actual = tables.figures.get(key) if key in FIGURES else _total(tables.b, key)
            for m in pattern.finditer(text):
                check(m, what, actual, placeholder, m.group(1), m.group(2))
        for m in _APPLICATIONS_RE.finditer(text):
            if "申请" in m.group(1) or "要求公开" in m.group(1):
                check(m, "收到的政府信息公开申请数", received, "{applications_received}",
                      m.group(2), m.group(3))
        for m in _ITEMS_RE.finditer(text):
            check(m, "主动公开政府信息条数", items, "{items_published} 或 {items_published_approx}",
                  m.group(1), m.group(2))
        for m in _INTERP_RE.finditer(text):
            clause = re.split(r"[。；;，,]", text[:m.start()])[-1]
            form = next((f for f in (interpretations_by_form or {}) if f in clause), None)
            if form is not None:
                check(m, f"以{form}形式开展的政策解读次数", interpretations_by_form[form],
                      f"{{interpretations_{form}}}", m.group(1), m.group(2))
            else:
                check(m, "政策解读次数", interp, "{interpretations}", m.group(1), m.group(2))
    return out


def _breakdown_findings(year, parts, paragraphs) -> list[Finding]:
    out = []
    for section, text in _sections(parts):
        for m in _BREAKDOWN_RE.finditer(text):
            total, unit, tail = int(m.group(1)), m.group(2), m.group(3)
            numbers = re.findall(rf"(\d+)(余)?\s*{unit}", tail)
            if len(numbers) < 2 or any(mark_ for _, mark_ in numbers):
                continue
            s = sum(int(n) for n, _ in numbers)
            if s != total:
                out.append(finding("TX031", year=year, **_where(section.key, paragraphs, year),
                                   section=slot_label(section.key), snippet=m.group(0)[:60],
                                   parts=s, total=total))
    return out


def _year_findings(year, parts, paragraphs) -> list[Finding]:
    """A year other than the report year (or the next one, for plans) that opens a paragraph
    or is followed by 以来/全年/度, unless it is a comparison (较2022年…)."""
    out = []
    for part in parts:
        for section in part.sections:
            for p in section.paragraphs:
                p = p.translate(_FULLWIDTH_DIGITS)
                for m in _YEAR_RE.finditer(p):
                    y = int(m.group(1))
                    if y in (year, year + 1):
                        continue
                    before = p[:m.start()]
                    after = p[m.end():]
                    if before.endswith(_COMPARISON):
                        continue
                    if before.strip() == "" or after.startswith(("以来", "全年", "度", "年度")):
                        out.append(finding("TX032", year=year,
                                           **_where(section.key, paragraphs, year),
                                           section=slot_label(section.key),
                                           snippet=p[m.start():m.end() + 8], report_year=year))
    return out


def _heading_findings(year, parts) -> list[Finding]:
    out = []
    found = {p.key: p.heading for p in parts}
    for i, (key, heading) in enumerate(statutory.PARTS):
        actual = parts[i].heading if i < len(parts) else None
        if actual != heading:
            out.append(finding("TX033", year=year, number=heading.split("、")[0], heading=heading,
                               found=found.get(key) or actual or "（缺失）"))
    return out


def _problems_findings(year, parts, paragraphs, previous) -> list[Finding]:
    heading = statutory.PART_HEADINGS["problems"]
    where = _where("problems", paragraphs, year)
    part = next((p for p in parts if p.key == "problems"), None)
    rendered = "".join(p for s in part.sections for p in s.paragraphs) if part else ""
    own = _norm(paragraphs["problems"]) if "problems" in paragraphs else None
    for text in (own, re.sub(r"\s+", "", rendered)):
        if text is not None and text.strip("。.！!") in _EMPTY_WORDS:
            return [finding("TX020", year=year, **where, heading=heading, text=text)]
    if own is None:
        return [finding("TX021", year=year, heading=heading)]
    if previous and "problems" in previous and _norm(previous["problems"]) == own:
        return [finding("TX022", year=year, **where, heading=heading, previous=year - 1)]
    return []


def _repeat_findings(year, paragraphs, previous) -> list[Finding]:
    if not previous:
        return []
    return [finding("TX034", year=year, **_where(key, paragraphs, year), section=slot_label(key),
                    previous=year - 1)
            for key in PARAGRAPH_KEYS
            if key != "problems" and key in paragraphs and key in previous
            and _norm(paragraphs[key]) and _norm(paragraphs[key]) == _norm(previous[key])]


def _fee_findings(year, tables, parts, paragraphs) -> list[Finding]:
    fee = tables.figures.get("fee_charged_yuan")
    if fee is None:
        return []
    out = []
    key = "other.fees"
    for section, text in _sections(parts):
        if section.key != key:
            continue
        charged = [float(m.group(1)) for m in _FEE_CHARGED_RE.finditer(text)]
        says_none = _FEE_NONE_RE.search(text)
        if fee > 0 and says_none and not any(charged):
            out.append(finding("TX035", year=year, **_where(key, paragraphs, year),
                               section=slot_label(key), fee=fmt_number(fee),
                               snippet=says_none.group(0)))
        elif fee == 0 and any(charged):
            m = _FEE_CHARGED_RE.search(text)
            out.append(finding("TX035", year=year, **_where(key, paragraphs, year),
                               section=slot_label(key), fee=0, snippet=m.group(0)))
    return out


def _on_time_findings(year, tables, parts, paragraphs, overdue_open: int) -> list[Finding]:
    """A claim that every answer was in time, while the deadline check found late answers,
    open applications past their deadline, or answers it could not judge."""
    fig = tables.figures
    late, unknown = fig.get("answered_late") or 0, fig.get("answered_unknown") or 0
    if not (late or overdue_open or unknown):
        return []
    facts, advice = [], []
    if late:
        facts.append(f"本年度有{fmt_number(late)}件申请逾期答复")
        advice.append("写明逾期的件数，例如“其中逾期答复{answered_late}件”（占位符让数字与报表"
                      "一致），并说明逾期原因和整改措施")
    if overdue_open:
        facts.append(f"有{fmt_number(overdue_open)}件未办结的申请已超过答复期限")
        advice.append(f"写明尚未办结的申请中有{fmt_number(overdue_open)}件已超过法定答复期限、"
                      "仍在办理")
    if unknown:
        facts.append(f"有{fmt_number(unknown)}件已答复的申请未能核对是否按时答复")
        advice.append("先按审核结果改正台账中的日期或征求意见天数（或升级节假日日历）后重新运行，"
                      "核对之前不要写全部按时答复")
    out = []
    for section, text in _sections(parts):
        for sentence in _SENTENCE_RE.split(text):
            # about applications (not, say, letters from the public answered in time)
            if "申请" not in sentence and "答复" not in sentence:
                continue
            out += (
                finding("TX036", year=year, **_where(section.key, paragraphs, year),
                        section=slot_label(section.key), snippet=m.group(0),
                        facts="，".join(facts), advice="；".join(advice))
                for m in _ALL_ON_TIME_RE.finditer(sentence))
    return out


def _placeholder_findings(cfg, year, parts, paragraphs) -> list[Finding]:
    known = {name for name, _ in placeholder_catalogue(cfg)}
    out = []
    for section, text in _sections(parts):
        for name in dict.fromkeys(PLACEHOLDER_RE.findall(text)):
            rule = "TX011" if name in known else "TX010"
            out.append(finding(rule, year=year, **_where(section.key, paragraphs, year),
                               section=slot_label(section.key), placeholder="{" + name + "}",
                               report_year=year))
    return out


def review_text(cfg: Config, year: int, tables: YearTables, paragraphs: Mapping[str, str],
                previous_paragraphs: Mapping[str, str] | None,
                rendered_parts: Sequence[Part] | None = None, *, data: TextData | None = None
                ) -> list[Finding]:
    """The TX rules over the composed report: placeholders, part 五, numbers against the
    tables, breakdowns, years, headings, repeats of last year, the fee statement, and claims
    of timely answers against the deadline check (the figures and `data.overdue_open`).

    `data` (see `text_data`) supplies the facts behind per-category and per-form placeholders;
    without it those placeholders count as "no data". Without `rendered_parts` the report's
    parts are composed here from `data`.
    """
    data = data or TextData(tables)
    if rendered_parts is None:
        _, rendered_parts = compose(cfg, data, paragraphs)
    interpretations_by_form = data.interpretations or None
    return [
        *_heading_findings(year, rendered_parts),
        *_placeholder_findings(cfg, year, rendered_parts, paragraphs),
        *_problems_findings(year, rendered_parts, paragraphs, previous_paragraphs),
        *_figure_findings(year, tables, rendered_parts, paragraphs, interpretations_by_form),
        *_breakdown_findings(year, rendered_parts, paragraphs),
        *_year_findings(year, rendered_parts, paragraphs),
        *_repeat_findings(year, paragraphs, previous_paragraphs),
        *_fee_findings(year, tables, rendered_parts, paragraphs),
        *_on_time_findings(year, tables, rendered_parts, paragraphs, data.overdue_open),
    ]


# --- The sample office's own words -------------------------------------------------------------

_SAMPLE_2023 = {
    "overview.intro": (
        "2023年以来，团结大街街道以习近平新时代中国特色社会主义思想为指导，认真贯彻落实"
        "《中华人民共和国政府信息公开条例》和党中央、国务院决策部署，坚持以人民为中心，坚持"
        "“党建引领、党员示范、综合治理、精准服务”的工作总思路和“一心为民、一网承接、一线服务”"
        "的工作机制。按照上级对政府信息公开工作的统一部署，调整了政府信息公开工作领导小组，"
        "明确工作分工及职责：社会事务办具体负责推进、指导、协调，街道纪工委负责监督全街道的"
        "政府信息公开工作。进一步做好政府网站建设维护、信息发布、网上依申请公开等相关工作，"
        "确保政府信息公开工作有序开展。"),
    "overview.proactive": (
        "2023年，团结大街街道深入贯彻落实国务院、自治区、包头市关于政务公开工作的部署，结合"
        "办事处工作职责和内容，主要围绕党建、财政预算、行政审批、公共服务、便民事项、社会救助等"
        "共{categories_published}项内容依法公示，全年新增主动公开政府信息"
        "{items_published_approx}条。一是加大重点领域主动公开力度；二是进一步完善便民服务中心、"
        "社区便民服务站的标准化建设，突出政务公开栏，强化政务公开的准确度和时效性；三是强化公开"
        "的规范化，不断拓展政府信息公开的广度和深度，推动政府信息公开工作走深走实。"),
    "overview.requests": (
        "政府门户网站设立了依申请公开专栏，方便公民、法人和其他组织申请政府信息公开。"
        "《昆都仑区人民政府办公室信息公开指南》对依申请公开的程序、申请方式、申请内容、注意事项"
        "和答复时限等都作了详细规定。\n"
        "2023年，团结大街街道收到群众申请公开政府信息{applications_received}件，"
        "均已按时限要求答复。"),
    "overview.management": (
        "团结大街街道坚持以人民为中心的发展思想，认真落实上级关于政务公开工作的决策部署，按照"
        "“放管服”改革要求集中统一对外公开并动态更新。一是明确政务信息发布审核流程，严把审查关，"
        "杜绝涉密涉敏信息公开，严格落实信息发布初审、复审、发布流程，对拟公开的政府信息逐级审查。"
        "二是推动“互联网+公众参与”，调动公众参与的积极性，主动接受公众监督。三是修订完善街道"
        "政务公开方案及办事指南，为申请人申请政务公开提供遵循。\n"
        "本年度，团结大街街道新增主动公开政府信息{items_published_approx}条，收到政府信息公开"
        "申请{applications_received}件、办结{applications_closed}件，全年通过会议方式进行政策解读"
        "{interpretations_会议}次。"),
    "overview.platforms": (
        "在政府信息平台上对基层政务公开标准化规范化相关栏目进行了调整，规范了平台设置，加强了"
        "政府信息日常管理。一是通过LED显示屏、政务公开栏等形式在全街道范围内开展《条例》宣传，"
        "重点面向政务信息工作人员和各站所负责人。二是通过政府网站、三务公开平台、街道和社区"
        "公众号、信息公示栏等多渠道公开，重点对财政预算、食品安全、养老服务、医疗卫生、社会救助"
        "等方面信息及时公示。三是规范信息发布流程，明确“三务公开”的范围、内容和时限，每季度开展"
        "一次信息管理和维护，有效增强街道、社区各项事务的透明度。"),
    "overview.supervision": (
        "街道严格按照《中华人民共和国政府信息公开条例》开展政府信息公开工作，强化组织领导，落实"
        "工作责任，严格审核发布内容，重点监督公开内容的真实性、时效性、合法性，及时准确回复群众"
        "咨询。纪工委负责监督考核评估，并将政府信息公开纳入年度目标绩效考核。每半年组织开展一次"
        "自查，对上传到平台上的{items_screened_approx}条公开内容逐一筛查。2023年11月，纪工委对"
        "部分表述不规范和公开不规范的{problems_found}条问题进行了通报，相关社区及时进行了整改。"
        "设立意见箱和监督电话{supervision_phone}，收集群众对信息公开工作的意见，及时调查落实。"
        "2023年度，未接到群众的投诉、举报。"),
    "problems": (
        "一是政务公开考核力度有待加强。存在信息共享不及时等问题，监督机制不够完善，审查不够严谨。"
        "二是政府信息公开不够规范，工作人员业务水平有待提高。公开的内容和形式不统一，工作人员"
        "更换频繁，业务能力参差不齐。三是部分领域公开内容有交叉。便民服务、社会救助等工作街道和"
        "社区都进行公开，容易出现重复公开或漏公开。\n"
        "针对以上问题，团结大街街道将加强组织领导，对信息发布的初审、复审、发布全程监督，对不规范"
        "的及时通报整改；加大工作人员培训力度，统一公开内容和形式；明确街道与社区的公开分工，"
        "避免重复公开和漏公开，使政务公开做到规范化、制度化、标准化。"),
    "other.fees": "本年度未收取政府信息公开信息处理费，不设账户，无单独收费项目。",
    "other.key_points": (
        "团结大街街道抓实抓细政府信息公开学习宣传工作，按照上级对政府信息公开工作的要求，主动"
        "公开政府信息、重点领域信息、通知公告等内容。"),
}

_SAMPLE_2022 = {
    "overview.intro": (
        "2022年，团结大街街道按照区委、区政府关于政务公开工作的安排，把政府信息公开作为服务群众"
        "的重要抓手，由党政办统筹、各社区分工落实，逐步建立起街道和社区两级公开工作机制。"),
    "overview.proactive": (
        "全年围绕党建工作、便民事项、社会救助、养老服务等群众关心的事项主动公开政府信息"
        "{items_published_approx}条，开展政策解读{interpretations}次，重点做好疫情防控和惠民政策"
        "的宣传解读。"),
    "overview.requests": (
        "2022年，团结大街街道收到政府信息公开申请{applications_received}件，均按规定程序登记、"
        "办理和答复。"),
    "overview.supervision": (
        "街道将政府信息公开纳入社区年度考核，组织开展公开栏和网站栏目专项检查，对检查中发现的"
        "更新不及时等问题督促社区限期整改。"),
    "problems": (
        "一是社区公开栏更新不够及时，部分信息公开后未及时撤换。二是政策解读形式比较单一，以会议"
        "解读为主。三是个别社区对依申请公开的办理流程还不熟悉。\n"
        "下一步，街道将建立公开栏定期更新台账，丰富图文、音视频等解读形式，并对社区工作人员开展"
        "依申请公开专题培训。"),
    "other.key_points": "对照上级政务公开工作要点逐项制定任务清单，按季度跟踪落实。",
}


def write_sample_paragraphs(workbooks_dir: str | Path, *, cfg: Config | None = None
                            ) -> list[Path]:
    """The sample office's 2022 and 2023 paragraphs workbooks (2023 follows its real report)."""
    written = []
    for year, texts, appended in ((2022, _SAMPLE_2022, {"other.key_points"}),
                                  (2023, _SAMPLE_2023, set())):
        rows = {k: (APPEND if k in appended else REPLACE, v) for k, v in texts.items()}
        written.append(write_paragraphs_workbook(paragraphs_path(workbooks_dir, year), year, rows,
                                                 cfg=cfg))
    return written
