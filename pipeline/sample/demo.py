"""The sample quarter workbooks for 2022 and 2023, filled as the office would fill them.

The 2023 totals reproduce the published 2023 report of 团结大街街道 (1342 items, 16 meeting-based
interpretations, one application answered as 本机关不掌握相关政府信息); 2022 is invented. The
numbers are spread over units, quarters and categories by fixed integer weights, so the sample
is the same on every run. Applicants' names, phones and ID numbers are invented.

The sample district's invented organs get the same kind of year, scaled to their number of
units (团结大街街道 has seven); an organ's first unit is its own office (街道本级, 办公室), which
alone interprets policies and receives applications.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.core import statutory
from pipeline.core.config import Config
from pipeline.core.model import YearTables, empty_tables
from pipeline.core.records import SUPERVISION_KEYS
from pipeline.workbooks import filenames, layout
from pipeline.workbooks.template import QuarterData, RegisterRow, write_workbook

SAMPLE_YEARS = (2022, 2023)


OFFICE_UNIT = "街道本级"  # the seed organ's own office (an organ's office is its first unit)

SEED_UNITS = 7  # 团结大街街道's units: its totals are the seed's, other organs' scaled


OTHER_CATEGORY = "其他"  # the catch-all category stays empty in the sample


# Distinct proactive items in the year, over every unit, quarter and category but 其他.
ITEMS_PUBLISHED = {2022: 1105, 2023: 1342}


# Fixed weights: units (in xxgk.toml order, cycled), quarters, categories (cycled).
_UNIT_WEIGHTS = (30, 12, 11, 10, 9, 8, 7)


_QUARTER_WEIGHTS = (22, 25, 26, 27)


_CATEGORY_WEIGHTS = (18, 14, 8, 16, 12, 9, 8, 7, 8)


# Share of a category's items published on each channel (cycled): the first channel carries
# every item, so each item is on at least one channel and no channel exceeds the distinct count.
_CHANNEL_SHARES = ((1, 1), (1, 2), (2, 3), (1, 2), (1, 5), (1, 3))


# Interpretations by the office itself, per quarter: form -> (Q1, Q2, Q3, Q4).
_INTERPRETATIONS = {
    2022: {"会议": (3, 3, 3, 3), "图文": (1, 1, 1, 0)},
    2023: {"会议": (4, 4, 4, 4)},
}


# Management and supervision of the office itself, per quarter: key -> (Q1, Q2, Q3, Q4).
_OFFICE_SUPERVISION = {
    2022: {"self_inspections": (0, 1, 0, 1), "items_screened": (0, 450, 0, 480),
           "problems_found": (0, 0, 0, 5), "problems_fixed": (0, 0, 0, 5),
           "trainings": (1, 1, 1, 1), "board_updates": (3, 3, 4, 3)},
    2023: {"self_inspections": (0, 1, 0, 1), "items_screened": (0, 500, 0, 523),
           "problems_found": (0, 0, 0, 9), "problems_fixed": (0, 0, 0, 9),
           "trainings": (1, 1, 1, 1), "board_updates": (3, 4, 3, 4)},
}


# Invented applicants (obviously fake): app_id -> personal columns of the register.
_APPLICANTS: dict[str, RegisterRow] = {
    "2021-007": {"name": "李雷", "phone": "13900139000", "id_number": "110105198805052345",
                 "summary": "申请公开辖区2021年冬季供暖补贴发放名单"},
    "2022-001": {"name": "王小明", "phone": "13700137000", "id_number": "110105199203033456",
                 "summary": "申请公开2021年社区养老服务站建设情况"},
    "2022-002": {"name": "示例商贸有限公司", "phone": "13600136000",
                 "id_number": "91150203MA0000000X",
                 "summary": "申请公开街道2022年便民市场摊位招租结果"},
    "2022-003": {"name": "张小红", "phone": "13500135000", "id_number": "110105199512124567",
                 "summary": "申请公开某小区加装电梯审批材料"},
    "2023-001": {"name": "韩梅梅", "phone": "13800138000", "id_number": "110105199001011234",
                 "summary": "申请公开2022年辖区老旧小区改造资金使用明细"},
}


# Every invented personal value, for tests that prove none of it leaves the workbooks.
SAMPLE_PERSONAL_DATA: tuple[str, ...] = tuple(
    v for person in _APPLICANTS.values() for v in person.values())


# The officers who confirm each unit's returns (invented, cycled over the units): the office's
# own data, shown by `xxgk status`, never in the report or the dashboards.
_OFFICERS = (("赵一鸣", "0472-5550101"), ("钱二丽", "0472-5550102"), ("孙三强", "0472-5550103"),
             ("李四梅", "0472-5550104"), ("周五洋", "0472-5550105"), ("吴六平", "0472-5550106"),
             ("郑七星", "0472-5550107"))


SAMPLE_OFFICERS: tuple[str, ...] = tuple(v for officer in _OFFICERS for v in officer)


def confirmation(cfg: Config, year: int, quarter: int, unit: str,
                 declaration: str = layout.DONE) -> dict[str, object]:
    """The 填报确认 an officer of the unit fills: name, phone, the 8th of the month after the
    quarter, and the declaration (as the dropdown shows it)."""
    officer, phone = _OFFICERS[cfg.units.index(unit) % len(_OFFICERS)]
    confirmed = date(year + quarter // 4, quarter * 3 % 12 + 1, 8)
    return {"officer": officer, "phone": phone, "date": confirmed,
            "declaration": dict(layout.DECLARATIONS)[declaration]}


def _application(app_id: str, received: date, channel: str, applicant: str,
                 answered: date | None = None, outcome: str | None = None) -> RegisterRow:
    return {
        "app_id": app_id, "received": received, "channel": channel,
        "applicant_class": statutory.APPLICANT_CLASS_LABELS[applicant],
        **_APPLICANTS[app_id],
        "extended": "否", "consult_days": 0, "answered": answered,
        "outcome": statutory.outcome_choice(outcome) if outcome else None, "fee": 0,
    }


# The office's registers: (year, quarter) -> rows.
_APPLICATIONS: dict[tuple[int, int], list[RegisterRow]] = {
    (2022, 1): [
        _application("2021-007", date(2021, 12, 20), "当面申请", "natural",
                     date(2022, 1, 10), "disclosed"),
        _application("2022-001", date(2022, 3, 14), "网络平台", "natural",
                     date(2022, 3, 30), "disclosed"),
    ],
    (2022, 2): [_application("2022-002", date(2022, 6, 20), "信函", "business")],
    (2022, 3): [
        _application("2022-002", date(2022, 6, 20), "信函", "business",
                     date(2022, 7, 12), "partial"),
        _application("2022-003", date(2022, 9, 5), "当面申请", "natural",
                     date(2022, 9, 15), "other_3"),
    ],
    (2023, 2): [
        _application("2023-001", date(2023, 5, 8), "网络平台", "natural",
                     date(2023, 5, 22), "unavailable_1"),
    ],
}


_CASES: dict[tuple[int, int], list[RegisterRow]] = {
    (2022, 3): [{"case_id": "2022-F01", "kind": dict(statutory.TABLE_C_GROUPS)["review"],
                 "received": date(2022, 8, 1), "result": dict(statutory.CASE_RESULTS)["upheld"]}],
}


def apportion(total: int, weights) -> list[int]:
    """Split `total` in proportion to integer weights (largest remainder, ties to the first)."""
    weights = list(weights)
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[:total - sum(shares)]:
        shares[i] += 1
    return shares


def _cycled(weights: tuple, n: int) -> list:
    return [weights[i % len(weights)] for i in range(n)]


def _items(cfg: Config, year: int) -> dict[tuple[str, int, str], int]:
    """(unit, quarter, category) -> distinct items, summing exactly to ITEMS_PUBLISHED[year]
    (scaled to the organ's number of units)."""
    categories = [c for c in cfg.categories if c != OTHER_CATEGORY]
    out = {}
    total = ITEMS_PUBLISHED[year] * len(cfg.units) // SEED_UNITS
    units = apportion(total, _cycled(_UNIT_WEIGHTS, len(cfg.units)))
    for unit, unit_total in zip(cfg.units, units, strict=True):
        for q, q_total in enumerate(apportion(unit_total, _QUARTER_WEIGHTS), start=1):
            per_cat = apportion(q_total, _cycled(_CATEGORY_WEIGHTS, len(categories)))
            out.update({(unit, q, c): n for c, n in zip(categories, per_cat, strict=True)})
    return out


def sample_data(cfg: Config, year: int, quarter: int, unit: str,
                items: dict[tuple[str, int, str], int]) -> QuarterData:
    """Every input cell of one workbook typed (0 where nothing happened), its registers, and
    its officer's confirmation."""
    inputs: dict[tuple[str, str, str], object] = {}
    shares = _cycled(_CHANNEL_SHARES, len(cfg.channels))
    for category in cfg.categories:
        distinct = items.get((unit, quarter, category), 0)
        inputs[("disclosure", category, "")] = distinct
        for channel, (num, den) in zip(cfg.channels, shares, strict=True):
            inputs[("disclosure", category, channel)] = distinct * num // den
    office = unit == cfg.units[0]
    for form in cfg.interpretation_forms:
        by_quarter = _INTERPRETATIONS[year].get(form) if office else None
        inputs[("interpretation", form, "")] = by_quarter[quarter - 1] if by_quarter else 0
    for row, col in statutory.TABLE_A_CELLS:
        inputs[("article20", row, col)] = 0
    unit_index = cfg.units.index(unit)
    for key in SUPERVISION_KEYS:
        by_quarter = _OFFICE_SUPERVISION[year].get(key) if office else None
        if by_quarter:
            value = by_quarter[quarter - 1]
        elif key == "board_updates" and not office:
            value = 1 + (unit_index + quarter) % 2
        else:
            value = 0
        inputs[("supervision", key, "")] = value
    return QuarterData(
        inputs=inputs,
        applications=list(_APPLICATIONS.get((year, quarter), [])) if office else [],
        cases=list(_CASES.get((year, quarter), [])) if office else [],
        confirmation=confirmation(cfg, year, quarter, unit),
    )


def write_sample_quarters(cfg: Config, workbooks_dir: str | Path,
                          ) -> tuple[list[Path], list[Path]]:
    """Write the filled 2022 and 2023 workbooks of every unit; existing files are skipped."""
    written: list[Path] = []
    skipped: list[Path] = []
    for year in SAMPLE_YEARS:
        items = _items(cfg, year)
        for quarter in (1, 2, 3, 4):
            for unit in cfg.units:
                path = filenames.quarter_path(workbooks_dir, year, quarter, unit)
                if path.exists():
                    skipped.append(path)
                    continue
                written.append(write_workbook(cfg, path, unit, year, quarter,
                                              data=sample_data(cfg, year, quarter, unit, items)))
    return written, skipped


# 2021 exists only as its published tables: two applications by natural persons, one answered
# (予以公开) and one carried into 2022, which the 2022 register closes.
PUBLISHED_YEAR = 2021


_PUBLISHED_B = {("new", "natural"): 2, ("disclosed", "natural"): 1,
                ("carried_out", "natural"): 1}


_PUBLISHED_FIGURES = {"items_published": 980, "interpretations": 10}


def published_tables(units: int = SEED_UNITS) -> YearTables:
    """The sample's 2021 published tables, every cell filled (0 where nothing happened); the
    items published scaled to an organ of `units` units."""
    tables = empty_tables(PUBLISHED_YEAR, "published")
    for cells in (tables.a, tables.b, tables.c):
        for key in cells:
            cells[key] = 0
    for (row, col), n in _PUBLISHED_B.items():
        tables.b[(row, col)] = n
        tables.b[(row, statutory.TOTAL[0])] = n
    tables.b[("results_total", "natural")] = tables.b[("results_total", "total")] = sum(
        n for (row, _), n in _PUBLISHED_B.items() if statutory.TABLE_B_ROW[row].outcome)
    tables.figures = dict(_PUBLISHED_FIGURES)
    tables.figures["items_published"] = _PUBLISHED_FIGURES["items_published"] * units // SEED_UNITS
    return tables


def write_sample(cfg: Config, workbooks_dir: str | Path) -> tuple[list[Path], list[Path]]:
    """The whole embedded sample: 2021 published tables, 2022–2023 quarter workbooks and the
    office's report text. Existing files are skipped, never overwritten."""
    from pipeline.report.office_text import paragraphs_path
    from pipeline.sample.office_words import write_sample_paragraphs
    from pipeline.workbooks.published import write_published

    written, skipped = write_sample_quarters(cfg, workbooks_dir)
    published = Path(workbooks_dir) / str(PUBLISHED_YEAR) / filenames.published_file_name(
        PUBLISHED_YEAR)
    if published.exists():
        skipped.append(published)
    else:
        write_published(published, published_tables(len(cfg.units)),
                        title=f"{cfg.organ.name}{PUBLISHED_YEAR}年政府信息公开工作年度报表（已公开）")
        written.append(published)
    texts = [paragraphs_path(workbooks_dir, y) for y in SAMPLE_YEARS]
    if any(p.exists() for p in texts):
        skipped += [p for p in texts if p.exists()]
    else:
        written += write_sample_paragraphs(workbooks_dir, cfg=cfg)
    return written, skipped
