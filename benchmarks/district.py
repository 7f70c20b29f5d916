"""The district part of `make bench`: a district of synthetic organs (50 by default, each like
the sample's 演示路街道: its office and three communities, 2021 published, 2022–2023 filled and
confirmed) built by `xxgk build`, against the same work done in one Python process without
papermill (the notebooks' code called directly), and the dashboards' bytes per organ.

  build_overhead_ratio   = time of `xxgk build` ÷ time of the same work in one process
  dashboard_mb_per_organ = bytes of every dashboard file ÷ organs, in MB
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from pipeline import store
from pipeline.build import checking, outputs_folder
from pipeline.core import atomic
from pipeline.core.config import Config, load_district
from pipeline.dashboards import district_site, registry, site
from pipeline.outputs.district_tables import district_summary_path, write_district_summary
from pipeline.outputs.tables_workbook import write_summary
from pipeline.report import model as report_model
from pipeline.report import web, word
from pipeline.review import district as district_review
from pipeline.sample.demo import write_sample

YEAR = 2023
ORGAN_UNITS = ("街道本级", "第一社区", "第二社区", "第三社区")


@dataclass
class District:
    root: Path
    config: Path
    workbooks: Path
    organs: int


@dataclass
class DistrictResult:
    organs: int
    workbooks: int
    build: float  # seconds of `xxgk build` (a fresh outputs folder)
    direct: float  # seconds of the same work in one process, no papermill
    dashboard_bytes: int

    @property
    def ratios(self) -> dict[str, float]:
        return {"build_overhead_ratio": self.build / self.direct,
                "dashboard_mb_per_organ": self.dashboard_bytes / self.organs / 1024 / 1024}


def _organ_name(i: int) -> str:
    return f"第{i:03d}演示街道"


def district_config_text(base: Config, organs: int) -> str:
    """A district of `organs` organs, the lists of `base` shared by all."""
    def items(values) -> str:
        return "[" + ", ".join(f'"{v}"' for v in values) + "]"
    lines = ["[district]", 'name = "演示市演示区"', 'short_name = "演示区"', "",
             "[disclosure]", f"categories = {items(base.categories)}",
             f"channels = {items(base.channels)}",
             f"interpretation_forms = {items(base.interpretation_forms)}",
             f"application_channels = {items(base.application_channels)}"]
    for i in range(1, organs + 1):
        short = _organ_name(i)
        lines += ["", "[[organs]]", 'kind = "街道"', f'name = "演示市演示区{short}办事处"',
                  f'short_name = "{short}"', 'contact_office = "党政办公室（演示）"',
                  'address = "演示路1号（演示地址）"', 'postcode = "000000"',
                  'phone = "0000-0000000"', 'supervision_phone = "0000-0000001"',
                  'contact_person = "（联系人姓名）"', 'contact_mobile = "（联系人电话）"',
                  f"legal_basis = {items(base.organ.legal_basis)}",
                  f"units = {items(ORGAN_UNITS)}"]
    return "\n".join(lines) + "\n"


def _write_organ(args: tuple[str, str, str]) -> int:
    config, short, workbooks = args
    written, _ = write_sample(load_district(config).organ(short), Path(workbooks) / short)
    return len(written)


def generate_district(root: str | Path, organs: int, base: Config) -> District:
    """The district's configuration and every organ's sample workbooks (two processes)."""
    root = Path(root)
    config = root / "xxgk.toml"
    atomic.write_text(config, district_config_text(base, organs))
    workbooks = root / "workbooks"
    jobs = [(str(config), _organ_name(i), str(workbooks)) for i in range(1, organs + 1)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(_write_organ, jobs))
    return District(root, config, workbooks, organs)


def run_build(d: District, outputs: Path) -> float:
    """`xxgk build` as staff run it: a process of its own, a fresh outputs folder."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pipeline", "build", "--year", str(YEAR),
                           "--config", str(d.config), "--workbooks", str(d.workbooks),
                           "--outputs", str(outputs)], capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"xxgk build 失败，基准无效：{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return took


def run_direct(d: District, outputs: Path) -> float:
    """The same outputs in this process: each organ checked, its tables, its pages and its
    report made by the functions the notebooks call; then the 全区 tables and page."""
    started = time.perf_counter()
    whole = load_district(d.config)
    parts = {}
    for cfg in whole.organs:
        short = cfg.organ.short_name
        result = checking.check(cfg, d.workbooks / short, outputs, YEAR, command="build",
                                organ=short)
        parts[short] = result.tables[YEAR]
        store_path = outputs_folder.store_path(outputs, short)
        year_dir = outputs_folder.year_dir(outputs, YEAR, short)
        write_summary(store_path, cfg, YEAR, outputs_folder.consolidated_path(outputs, YEAR, short))
        data = site.load_data(store_path, YEAR, config_path=d.config, organ=short)
        pages = site.page_data(data, unit="", all_units=True, units=[])
        figures = {name: registry.dashboard_figures(page, registry.dashboard_frames(page))
                   for name, page in pages.items()}
        site.write_pages(pages, figures, year_dir / "dashboards")
        with closing(store.connect(store_path)) as con:
            model = report_model.build_report_model(con, cfg, YEAR)
        docx, html = report_model.report_files(year_dir / "report", model.title)
        word.write_docx(docx, model, False)
        web.write_html(html, model, False)
    total = district_review.district_sum(parts, YEAR)
    district_dir = outputs_folder.year_dir(outputs, YEAR, outputs_folder.DISTRICT_DIR)
    write_district_summary(district_summary_path(district_dir, whole.name, YEAR), whole.name,
                           total, parts)
    jobs = [district_site.organ_job(short, outputs_folder.store_path(outputs, short),
                                    outputs_folder.year_dir(outputs, YEAR, short) / "dashboards")
            for short in parts]
    data = district_site.load_district_data(whole.name, jobs, YEAR, config_path=d.config)
    district_site.write_district_page(data, registry.dashboard_figures(data), jobs,
                                      district_dir / "dashboards")
    return time.perf_counter() - started


def dashboard_bytes(outputs: Path) -> int:
    return sum(p.stat().st_size for p in (outputs / str(YEAR)).glob("*/dashboards/**/*")
               if p.is_file())


def run_district_bench(d: District, log=print) -> DistrictResult:
    work = d.root / "runs"
    log(f"全区：{d.organs} 个机关，xxgk build（每次新的输出目录）……")
    build_out = work / "build"
    build = run_build(d, build_out)
    size = dashboard_bytes(build_out)
    log("全区：同样的工作在一个进程中直接完成（不经 papermill）……")
    direct_out = work / "direct"
    direct = run_direct(d, direct_out)
    workbooks = sum(1 for _ in d.workbooks.rglob("*.xlsx"))
    shutil.rmtree(work, ignore_errors=True)
    return DistrictResult(d.organs, workbooks, build, direct, size)
