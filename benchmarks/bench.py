"""`make bench`: how the pipeline's cost compares with the unavoidable cost of parsing the files.

A synthetic city (250 units × 4 quarters = 1,000 filled workbooks by default, `--size 10000`
for the large one) is generated in a temporary folder, then timed side by side, median of `--repeat`
repetitions (`--usual-repeat` for 2, which takes half a minute a time):

  1. floor: python-calamine reading every sheet of every file, nothing else (one process);
  2. usual: pandas.read_excel(sheet_name=None, engine="openpyxl") over every file;
  3. check: pipeline.build.check (ingestion, consolidation, review, store, outputs) with a
     fresh outputs folder, so the parse cache is empty;
  4. incremental: check again after one count cell of one workbook changed, cache warm;

plus the peak memory of 3, measured in a child process. The numbers, the machine and a profile
of where 3 and 4 spend their time go to docs/benchmarks.md (between markers, so the analysis
written around them stays), and the last line printed is a summary for scripts.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from benchmarks import district
from benchmarks.bench_doc import (
    district_summary,
    render_block,
    render_district_block,
    summary_line,
    update_district_doc,
    update_doc,
)
from pipeline.build import checking
from pipeline.core import atomic, statutory
from pipeline.core.config import Config, load_config, load_district
from pipeline.sample.demo import OFFICE_UNIT, OTHER_CATEGORY, apportion, sample_data
from pipeline.speed import process_pool
from pipeline.workbooks import filenames, layout, reading
from pipeline.workbooks.template import QuarterData, RegisterRow, write_workbook

ROOT = Path(__file__).resolve().parent.parent
BASE_CONFIG = ROOT / "xxgk.toml"  # its first organ lends the city its lists
DOC = ROOT / "docs" / "benchmarks.md"
YEAR = 2023
QUARTERS = (1, 2, 3, 4)
VARIANTS = 4  # distinct filled contents per quarter (besides the office's own)
PLACEHOLDER = "XXGKBENCHUNIT"  # unit name written into the templates, replaced per file
USUAL_MAX_FILES = 1000  # above this, step 2 is timed on an even sample and scaled


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
    """Two answered applications per community workbook (invented, obviously fake); their IDs
    carry the unit's name (patched in per file), as each unit numbers its own."""
    first = date(YEAR, quarter * 3 - 2, 3)
    rows = []
    for i in range(2):
        received = first.replace(day=3 + 7 * i + variant)
        rows.append({
            "app_id": f"{PLACEHOLDER}-{YEAR}-Q{quarter}-{i + 1:02d}", "received": received,
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
    categories = [c for c in cfg.categories if c != OTHER_CATEGORY]
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
    atomic.write_text(config, city_config_text(load_district(BASE_CONFIG).organs[0], units))
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
        path = filenames.quarter_path(workbooks, YEAR, q, unit)
        atomic.write_bytes(path, _patched(templates[(q, variant)], unit))
        files.append(path)
    return City(root, config, workbooks, files)


# --- Timings -----------------------------------------------------------------------------------

Step = tuple[Callable[[int], object], "Callable[[int], object] | None"]


def medians(steps: Sequence[Step], repeat: int) -> list[float]:
    """Median wall time of each step `(run, prepare)`: `run(i)` timed, `prepare(i)` untimed
    first. The steps take turns in every repetition (1, 3, 1, 3, …), so a machine that slows
    down or speeds up during the benchmark weighs on each alike."""
    times: list[list[float]] = [[] for _ in steps]
    for i in range(repeat):
        for spent, (run, prepare) in zip(times, steps, strict=True):
            if prepare is not None:
                prepare(i)
            gc.collect()
            start = time.perf_counter()
            run(i)
            spent.append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def read_floor(files: Sequence[Path]) -> None:
    """Step 1: every sheet of every file through python-calamine, and nothing else."""
    from python_calamine import CalamineWorkbook

    for p in files:
        wb = CalamineWorkbook.from_path(str(p))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()


def read_usual(files: Sequence[Path]) -> None:
    """Step 2: what a script would usually do, pandas over openpyxl, every sheet."""
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl: unsupported data-validation extensions
        for p in files:
            pd.read_excel(p, sheet_name=None, engine="openpyxl")


def even_sample(files: Sequence[Path], count: int) -> list[Path]:
    """`count` files spread evenly over the list (all of them when there are not more)."""
    if len(files) <= count:
        return list(files)
    return [files[i * len(files) // count] for i in range(count)]


def edit_cell(path: Path, sheet: str, cell: str, value: int) -> None:
    """Step 4's change: one cell rewritten the way a person's Excel save would (openpyxl)."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
        wb[sheet][cell] = value
        with atomic.atomic_path(path) as tmp:
            wb.save(tmp)


_MEMORY_CHILD = """
import json, resource, sys
from pathlib import Path
from pipeline.build import checking
from pipeline.core.config import load_config
config, workbooks, outputs, year = sys.argv[1:5]
checking.check(load_config(config), Path(workbooks), Path(outputs), int(year))
print(json.dumps({"main_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "workers_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def peak_memory(city: City, outputs: Path) -> tuple[float, float]:
    """(main process, largest pool worker) maximum resident set size in MB of step 3, run in a
    fresh Python process (so nothing the benchmark itself holds is counted). ru_maxrss of
    RUSAGE_SELF is the main process; of RUSAGE_CHILDREN, read after the pool has been shut
    down and its workers waited for, the largest single worker (Linux reports kilobytes)."""
    done = subprocess.run(
        [sys.executable, "-c", _MEMORY_CHILD, str(city.config), str(city.workbooks),
         str(outputs), str(YEAR)], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"测量内存的子进程出错：{done.stderr[-2000:]}")
    sizes = json.loads(done.stdout.strip().splitlines()[-1])
    return sizes["main_kb"] / 1024, sizes["workers_kb"] / 1024


# Stages of a check shown in the profile: (module file, function, label).
STAGES = (
    ("pipeline/speed/incremental.py", "previous", "读取上次运行的记录"),
    ("pipeline/speed/incremental.py", "_read_unread", "解析改动的报表（含进程池中的逐单位汇总，边收边写数据库）"),
    ("pipeline/speed/parsing.py", "read_jobs", "读取同单位其余报表（缓存）"),
    ("pipeline/speed/incremental.py", "decode", "各单位汇总的解码（沿用的，或进程池做的）"),
    ("pipeline/consolidate/unit_part.py", "consolidate_unit", "主进程中的逐单位汇总"),
    ("pipeline/consolidate/year_total.py", "combine", "全年合计"),
    ("pipeline/review/table_rules.py", "review_year", "表格审核"),
    ("pipeline/store.py", "finish", "写数据库其余部分（含年报文字审核）"),
    ("pipeline/report/model.py", "build_report_model", "年报文字审核"),
    ("pipeline/outputs/findings_file.py", "write_findings", "写审核结果（有变化时）"),
)


def profile_stages(run: Callable[[], object]) -> tuple[float, list[tuple[str, float]]]:
    """Total and per-stage cumulative time of one run under cProfile (with its overhead)."""
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.runcall(run)
    total = time.perf_counter() - start
    stats = pstats.Stats(profiler).stats
    stages = []
    for file, function, label in STAGES:
        spent = sum(v[3] for (path, _, name), v in stats.items()
                    if name == function and Path(path).as_posix().endswith(file))
        stages.append((label, spent))
    return total, stages


@dataclass
class BenchResult:
    size: int
    repeat: int
    floor: float
    usual: float
    usual_files: int  # files step 2 was timed on (scaled to all files when fewer)
    check: float
    incremental: float
    main_mb: float
    worker_mb: float
    workers: int
    profiles: dict[str, tuple[float, list[tuple[str, float]]]] = field(default_factory=dict)
    usual_repeat: int = 3

    @property
    def ratios(self) -> dict[str, float]:
        return {"floor_ratio": self.check / self.floor, "usual_ratio": self.usual / self.check,
                "incremental_ratio": self.incremental / self.check, "peak_mb": self.peak_mb}

    @property
    def peak_mb(self) -> float:
        """Upper bound of step 3's memory at one time: the main process plus every pool worker
        at its largest (pages the workers share with the main process count in each)."""
        return self.main_mb + self.workers * self.worker_mb


def _check_run(cfg: Config, city: City, outputs: Path) -> checking.CheckResult:
    result = checking.check(cfg, city.workbooks, outputs, YEAR)
    errors = [f for f in result.findings if f.severity == "error"]
    if errors or YEAR not in result.tables:
        raise RuntimeError(f"合成数据审核出错，基准无效：{errors[:3]}")
    return result


def run_bench(city: City, repeat: int, log: Callable[[str], None] = print, *,
              usual_repeat: int = 3) -> BenchResult:
    cfg = load_config(city.config)
    files = city.files
    work = city.root / "runs"
    log(f"1/5、3/5 下限（calamine 读取 {len(files)} 本报表的全部工作表）与 xxgk check"
        "（缓存为空），交替运行……")
    fresh = [work / f"check-{i}" for i in range(repeat)]
    floor, check = medians([
        (lambda i: read_floor(files), None),
        (lambda i: _check_run(cfg, city, fresh[i]),
         lambda i: shutil.rmtree(fresh[i], ignore_errors=True))], repeat)
    usual_files = even_sample(files, USUAL_MAX_FILES)
    log(f"2/5 常见做法：pandas.read_excel 读取 {len(usual_files)} 本……")
    usual = (medians([(lambda i: read_usual(usual_files), None)], usual_repeat)[0]
             * len(files) / len(usual_files))

    log("4/5 改动一个单元格后再次运行（缓存已热）……")
    warm = fresh[-1]
    target = files[len(files) // 2]
    edited = layout.supervision_grid(cfg).inputs[0]
    before = _check_run(cfg, city, warm).tables[YEAR].figures[edited.key]
    original = reading.ingest_file(cfg, city.workbooks, target)
    old = next(f.value for f in original.facts if f.cell == edited.cell
               and f.sheet == layout.SHEET_SUPERVISION)
    values = [old + 7 + i for i in range(repeat)]
    seen = []

    def rerun(i: int) -> None:
        result = _check_run(cfg, city, warm)
        seen.append((result.tables[YEAR].figures[edited.key], result.content.kept is not None))

    incremental = medians([(rerun, lambda i: edit_cell(
        target, layout.SHEET_SUPERVISION, edited.cell, values[i]))], repeat)[0]
    if seen != [(before - old + v, True) for v in values]:
        raise RuntimeError(f"改动后汇总数未随之变化或没有沿用上次的数据库（{seen}），增量运行有误。")

    log("5/5 峰值内存与耗时分布……")
    main_mb, worker_mb = peak_memory(city, work / "memory")
    profiles = {}
    profiles["3"] = profile_stages(lambda: _check_run(cfg, city, work / "profile"))
    edit_cell(target, layout.SHEET_SUPERVISION, edited.cell, old)
    profiles["4"] = profile_stages(lambda: _check_run(cfg, city, work / "profile"))
    return BenchResult(len(files), repeat, floor, usual, len(usual_files), check, incremental,
                       main_mb, worker_mb, process_pool.pool_workers(len(files)), profiles,
                       usual_repeat)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench",
        description="性能基准：生成虚构城市的季度报表，比较读取下限、常见做法、xxgk check 和增量运行。")
    parser.add_argument("--size", type=int, default=1000, help="报表本数（默认 1000；大规模 10000）")
    parser.add_argument("--repeat", type=int, default=5,
                        help="步骤 1、3、4 的重复次数，取中位数（默认 5）")
    parser.add_argument("--usual-repeat", type=int, default=3,
                        help="步骤 2（pandas，较慢）的重复次数（默认 3）")
    parser.add_argument("--organs", type=int, default=50,
                        help="全区基准的机关数（默认 50；0 为不做全区基准）")
    parser.add_argument("--doc", type=Path, default=DOC, help="写入结果的文件（默认 docs/benchmarks.md）")
    args = parser.parse_args(argv)
    if args.size < 2 or args.repeat < 1 or args.usual_repeat < 1 or args.organs < 0:
        parser.error("--size 至少为 2，--repeat 和 --usual-repeat 至少为 1，--organs 不能为负数")
    with tempfile.TemporaryDirectory(prefix="xxgk-bench-") as tmp:
        started = time.perf_counter()
        print(f"生成 {args.size} 本合成报表……", flush=True)
        city = generate_city(tmp, args.size)
        print(f"已生成，用时 {time.perf_counter() - started:.1f} 秒。", flush=True)
        result = run_bench(city, args.repeat, log=lambda s: print(s, flush=True),
                           usual_repeat=args.usual_repeat)
        whole = None
        if args.organs:
            started = time.perf_counter()
            print(f"生成全区 {args.organs} 个机关的报表……", flush=True)
            place = district.generate_district(Path(tmp) / "district", args.organs,
                                               load_config(city.config))
            print(f"已生成，用时 {time.perf_counter() - started:.1f} 秒。", flush=True)
            whole = district.run_district_bench(place, log=lambda s: print(s, flush=True))
    update_doc(args.doc, result)
    print(render_block(result).rsplit("\n", 1)[0])
    line = summary_line(result)
    if whole is not None:
        update_district_doc(args.doc, whole)
        print(render_district_block(whole).rsplit("\n", 1)[0])
        line += district_summary(whole)
    print(f"已写入 {args.doc}")
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
