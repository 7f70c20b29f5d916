"""`make bench`: how the pipeline's cost compares with the unavoidable cost of parsing the files.

A synthetic city (250 units × 4 quarters = 1,000 filled workbooks by default) is generated in a
temporary folder, then timed side by side, median of several repetitions:

  1. floor: python-calamine reading every sheet of every file, nothing else (one process);
  2. usual: pandas.read_excel(sheet_name=None, engine="openpyxl") over every file;
  3. check: pipeline.build.check (ingestion, consolidation, review, store, outputs) with a
     fresh outputs folder, so the parse cache is empty;
  4. incremental: the same after one count cell of one workbook changed, cache warm;

plus the peak memory of 3 measured in a child process. The result goes to docs/benchmarks.md
and one summary line for scripts.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.metadata import version
from pathlib import Path

from pipeline import atomic, build, layout, statutory
from pipeline.config import Config, load_config
from pipeline.sample import OFFICE_UNIT, apportion, sample_data
from pipeline.template import QuarterData, RegisterRow, write_workbook

ROOT = Path(__file__).resolve().parent.parent
BASE_CONFIG = ROOT / "xxgk.toml"
DOC = ROOT / "docs" / "benchmarks.md"
YEAR = 2023
QUARTERS = (1, 2, 3, 4)
VARIANTS = 4  # distinct filled contents per quarter (besides the office's own)
PLACEHOLDER = "XXGKBENCHUNIT"  # unit name written into the templates, replaced per file
EDIT_SHEET, EDIT_CELL = layout.SHEET_SUPERVISION, "B4"  # the count cell step 4 changes

# Targets of the issue; the report says for each whether it was met.
TARGETS = {"floor_ratio": 1.3, "usual_ratio": 6.0, "incremental_ratio": 0.05, "peak_mb": 500}


# --- The synthetic city -------------------------------------------------------------------------

def city_units(count: int) -> list[str]:
    """The office itself and invented communities (第0001社区 …): `count` names in all."""
    return [OFFICE_UNIT, *(f"第{i:04d}社区" for i in range(1, count))]


def _toml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(s, ensure_ascii=False) for s in items) + "]"


def city_config_text(base: Config, units: Sequence[str]) -> str:
    """xxgk.toml for the city: the project's organ and lists, with the invented units."""
    organ = base.organ
    lines = ["[organ]"]
    for key in ("name", "short_name", "contact_office", "address", "postcode", "phone",
                "supervision_phone", "contact_person", "contact_mobile"):
        lines.append(f"{key} = {json.dumps(getattr(organ, key), ensure_ascii=False)}")
    lines += [f"legal_basis = {_toml_list(organ.legal_basis)}", "", "[units]",
              f"names = {_toml_list(units)}", "", "[disclosure]",
              f"categories = {_toml_list(base.categories)}",
              f"channels = {_toml_list(base.channels)}",
              f"interpretation_forms = {_toml_list(base.interpretation_forms)}",
              f"application_channels = {_toml_list(base.application_channels)}", ""]
    return "\n".join(lines)


def _applications(cfg: Config, quarter: int, variant: int) -> list[RegisterRow]:
    """Two answered applications per community workbook (invented, obviously fake)."""
    first = date(YEAR, quarter * 3 - 2, 3)
    rows = []
    for i in range(2):
        received = first.replace(day=3 + 7 * i + variant)
        rows.append({
            "app_id": f"{YEAR}-Q{quarter}-{i + 1:02d}", "received": received,
            "channel": cfg.application_channels[(variant + i) % len(cfg.application_channels)],
            "applicant_class": statutory.APPLICANT_CLASSES[(variant + i) % 2][1],
            "name": "示例申请人", "phone": "（示例）", "id_number": "（示例）",
            "summary": "示例申请内容", "extended": "否", "consult_days": 0,
            "answered": received.replace(day=received.day + 10),
            "outcome": statutory.OUTCOME_CHOICES[(variant + i) % 3], "fee": 0,
        })
    return rows


def variant_data(cfg: Config, quarter: int, variant: int | None) -> QuarterData:
    """A filled workbook's values: the office's own (variant None), or one of the community
    variants, each with its own numbers."""
    unit = OFFICE_UNIT if variant is None else cfg.units[1 + variant % (len(cfg.units) - 1)]
    shift = 0 if variant is None else variant + 1
    categories = [c for c in cfg.categories if c != "其他"]
    per_category = apportion(40 + 9 * shift + 5 * quarter, range(1, len(categories) + 1))
    items = {(unit, quarter, c): n for c, n in zip(categories, per_category, strict=True)}
    data = sample_data(cfg, YEAR, quarter, unit, items)
    if variant is not None:
        data.applications = _applications(cfg, quarter, variant)
    return data


def _patched(template: bytes, unit: str) -> bytes:
    """The template with the placeholder unit replaced (header cell, titles, instructions);
    every other zip member is copied as it is."""
    out = io.BytesIO()
    name = unit.encode("utf-8")
    with zipfile.ZipFile(io.BytesIO(template)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if PLACEHOLDER.encode() in data:
                data = data.replace(PLACEHOLDER.encode(), name)
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@dataclass
class City:
    root: Path
    config: Path
    workbooks: Path
    files: list[Path]


def city_slots(size: int) -> list[tuple[str, int]]:
    """(unit, quarter) of each workbook: units × 4 quarters, the last unit possibly partial."""
    units = city_units(max(2, -(-size // len(QUARTERS))))
    return [(u, q) for u in units for q in QUARTERS][:size]


def generate_city(root: str | Path, size: int = 1000) -> City:
    """Write the config and `size` filled workbooks of YEAR under `root` (deterministic).

    Only 1 + VARIANTS workbooks per quarter are written with openpyxl; every file is a copy of
    one of them with the unit's name patched into the XML, so each header matches its path."""
    root = Path(root)
    slots = city_slots(size)
    units = list(dict.fromkeys(u for u, _ in slots))
    config = root / "xxgk.toml"
    atomic.write_text(config, city_config_text(load_config(BASE_CONFIG), units))
    cfg = load_config(config)
    workbooks = root / "workbooks"
    templates: dict[tuple[int, int | None], bytes] = {}
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        for q in QUARTERS:
            for variant in (None, *range(VARIANTS)):
                path = Path(tmp) / f"{q}-{variant}.xlsx"
                write_workbook(cfg, path, PLACEHOLDER, YEAR, q,
                               data=variant_data(cfg, q, variant))
                templates[(q, variant)] = path.read_bytes()
    position = {u: i for i, u in enumerate(units)}
    files = []
    for unit, q in slots:
        variant = None if unit == OFFICE_UNIT else (position[unit] - 1) % VARIANTS
        path = layout.quarter_path(workbooks, YEAR, q, unit)
        atomic.write_bytes(path, _patched(templates[(q, variant)], unit))
        files.append(path)
    return City(root, config, workbooks, files)
