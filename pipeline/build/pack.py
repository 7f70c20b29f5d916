"""One zip of what a leader or the district needs from a year's outputs: each organ's report
(Word and web page), its dashboards folder (pages, plotly.min.js, the PDFs if printed) and its
findings workbook; for a whole district also the 全区 folder (its tables and findings).

Names in the zip are stored in UTF-8 with the UTF-8 flag set (Python's zipfile sets it for every
name that is not plain ASCII, and every name here starts with the Chinese top folder), so
Windows' Explorer, WPS and 7-Zip show them as written instead of as mojibake. The zip is written
atomically: a failed pack never leaves a half zip where a good one was."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build import outputs_folder
from pipeline.core.atomic import atomic_path
from pipeline.report.model import report_paths

# Executed notebooks are kept for analysts, not sent to leaders.
_NOT_PACKED = ("notebooks",)


@dataclass(frozen=True)
class Organ:
    """An organ whose outputs are packed: `short` its folder under outputs/<year>/ ("" for a
    single-organ configuration), `name` its full name (the report's file name)."""
    short: str
    name: str


@dataclass
class Pack:
    """What goes into the zip (file, name in the zip) and what was looked for and not found
    (Chinese descriptions)."""
    files: list[tuple[Path, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def pack_name(name: str, year: int) -> str:
    """The zip's file name (and its top folder): the organ's or district's name and the year."""
    return f"{name}{year}年年度报告材料.zip"


def _folder_files(folder: Path) -> list[Path]:
    """The files of a folder to pack: not hidden (temp files), not earlier zips."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")
                  and p.suffix.lower() != ".zip"
                  and not any(part in _NOT_PACKED for part in p.relative_to(folder).parts))


def _organ_files(outputs: Path, year: int, organ: Organ, prefix: str, pack: Pack) -> None:
    folder = outputs_folder.year_dir(outputs, year, organ.short)
    who = f"{organ.short}：" if organ.short else ""
    wanted = [*((p, "年度报告") for p in report_paths(folder, organ.name, year)),
              (outputs_folder.findings_paths(outputs, year, organ.short)[0], "审核结果表")]
    for path, what in wanted:
        if path.is_file():
            pack.files.append((path, f"{prefix}{path.relative_to(folder).as_posix()}"))
        else:
            pack.missing.append(f"{who}{what} {path.name}")
    dashboards = folder / "dashboards"
    pages = _folder_files(dashboards) if dashboards.is_dir() else []
    if not pages:
        pack.missing.append(f"{who}图表文件夹 dashboards")
    pack.files += [(p, f"{prefix}dashboards/{p.relative_to(dashboards).as_posix()}")
                   for p in pages]


def collect_pack(outputs: Path, year: int, organs: list[Organ], top: str,
                 district: bool) -> Pack:
    """The files of `organs` (each in its own folder in the zip when there are several) and,
    for a `district`, of outputs/<year>/全区/; every name under the folder `top`."""
    pack = Pack()
    for organ in organs:
        sub = f"{organ.short}/" if len(organs) > 1 else ""
        _organ_files(outputs, year, organ, f"{top}/{sub}", pack)
    if district:
        whole = outputs_folder.year_dir(outputs, year, outputs_folder.DISTRICT_DIR)
        files = _folder_files(whole) if whole.is_dir() else []
        if not files:
            pack.missing.append(f"全区汇总（{outputs_folder.DISTRICT_DIR} 文件夹）")
        pack.files += [(p, f"{top}/{outputs_folder.DISTRICT_DIR}/{p.relative_to(whole).as_posix()}")
                       for p in files]
    return pack


def write_zip(target: Path, files: list[tuple[Path, str]]) -> Path:
    """The files under their names in a new zip at `target`, written atomically."""
    with atomic_path(target) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED,
                                                     strict_timestamps=False) as zf:
        for path, name in files:
            zf.write(path, name)
    return target
