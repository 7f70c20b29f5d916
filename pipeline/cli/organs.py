"""The organs a command works on (one, or every organ of a district), and the district's
roll-up after them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.build import checking, outputs_folder
from pipeline.cli.parser import EXIT_FINDINGS, EXIT_OK, paths
from pipeline.cli.terminal import CannotRun, print_findings, progress, say
from pipeline.core.config import Config, District, load_district
from pipeline.workbooks import filenames


@dataclass(frozen=True)
class Target:
    """One organ to work on: its configuration, its workbooks folder, and the outputs folder
    with `organ` (its short name in a district, "" for a single organ) saying where in it."""
    cfg: Config
    config_path: Path
    workbooks: Path
    outputs: Path
    organ: str


def targets(args) -> list[Target]:
    """The organs a command works on: the one organ of a single-organ configuration; every
    organ of a district (in the configuration's order), or the one named by --organ. A
    district's workbooks are in one folder per organ (workbooks/<short name>/)."""
    config_path, workbooks, outputs = paths(args)
    district = load_district(config_path)
    wanted = getattr(args, "organ", None)
    if district.single:
        cfg = district.organs[0]
        if wanted and wanted != cfg.organ.short_name:
            raise CannotRun(f"配置文件 {config_path} 只有一个机关“{cfg.organ.short_name}”，"
                            f"没有“{wanted}”。")
        return [Target(cfg, config_path, workbooks, outputs, "")]
    organs = [district.organ(wanted)] if wanted else district.organs
    return [Target(cfg, config_path, workbooks / cfg.organ.short_name, outputs,
                   cfg.organ.short_name) for cfg in organs]


def check_organ(t: Target, year: int, command: str) -> checking.CheckResult:
    """Check one organ's year (its workbooks read, its store and findings written)."""
    if not t.workbooks.is_dir():
        raise CannotRun(f"找不到报表目录 {t.workbooks}，请用 --workbooks 指定。")
    return checking.check(t.cfg, t.workbooks, t.outputs, year, command=command, organ=t.organ)


def each(args, work) -> int:
    """Run `work(target)` for every organ, each under its name in a district; the worst exit
    code of them."""
    code = EXIT_OK
    chosen = targets(args)
    for t in progress(chosen, len(chosen), "各机关", "个"):
        if t.organ:
            say(f"【{t.cfg.organ.name}】")
        code = max(code, work(t))
    return code


def whole_district(args) -> District | None:
    """The district when a command works on all its organs (None for a single organ or for
    one organ of a district): only then are the 全区 outputs made."""
    config_path, _, _ = paths(args)
    whole = load_district(config_path)
    return None if whole.single or getattr(args, "organ", None) else whole


def district_page(args, draft: bool) -> Callable[[], Path]:
    """The run making the 全区 dashboard page (outputs/<year>/全区/dashboards/index.html)
    from every organ's store, linking each organ's pages; its notebook is kept under
    outputs/<year>/全区/notebooks/."""
    from pipeline.dashboards.district_site import NOTEBOOK, organ_job, run_district_dashboard

    config_path, _, outputs = paths(args)
    whole = load_district(config_path)
    year = args.year
    jobs = [organ_job(cfg.organ.short_name, outputs_folder.store_path(outputs, cfg.organ.short_name),
                      outputs_folder.year_dir(outputs, year, cfg.organ.short_name) / "dashboards")
            for cfg in whole.organs]
    folder = outputs_folder.year_dir(outputs, year, outputs_folder.DISTRICT_DIR)
    return functools.partial(run_district_dashboard, whole.name, jobs, year,
                             folder / "dashboards", folder / "notebooks" / NOTEBOOK,
                             config_path=config_path, draft=draft)


def roll_up(args, results: dict[str, checking.CheckResult]) -> int:
    """After every organ of a district: the 全区 tables (the sum of the organs') and the
    district's checks, under outputs/<year>/全区/. Not for a single organ, nor for one organ
    of a district (--organ): the sum needs them all."""
    from pipeline.core.model import YearTables
    from pipeline.outputs.district_tables import district_summary_path, write_district_summary
    from pipeline.outputs.findings_file import write_findings
    from pipeline.review import district
    from pipeline.workbooks.published import read_published

    config_path, workbooks, outputs = paths(args)
    whole = whole_district(args)
    if whole is None:
        return EXIT_OK
    year = args.year
    say(f"【{whole.name}全区】")
    organs, parts = [], {}
    for cfg in whole.organs:
        short = cfg.organ.short_name
        result = results.get(short)
        tables: YearTables | None = result.tables.get(year) if result else None
        done = result.completeness() if tables is not None else None
        xlsx, _ = outputs_folder.findings_paths(outputs, year, short)
        organs.append(district.OrganYear(cfg.organ.name, short, tables, done,
                                         xlsx.relative_to(outputs).as_posix()))
        if tables is not None:
            parts[short] = tables
    total = district.district_sum(parts, year)
    folder = outputs_folder.year_dir(outputs, year, outputs_folder.DISTRICT_DIR)
    path = write_district_summary(district_summary_path(folder, whole.name, year),
                                  f"{whole.name}{year}年政府信息公开工作年度报表（全区汇总）",
                                  total, parts)
    say(f"全区汇总报表：{path}（{len(parts)} 个机关之和）")
    found = district.organ_findings(organs, year)
    name = filenames.published_file_name(year)
    history = workbooks / outputs_folder.DISTRICT_DIR / str(year) / name
    if history.is_file():
        file = f"{outputs_folder.DISTRICT_DIR}/{year}/{name}"
        published, read = read_published(history, year, file=file)
        found += read + district.published_findings(published, total, parts, file, year)
    xlsx, js = outputs_folder.findings_paths(outputs, year, outputs_folder.DISTRICT_DIR)
    write_findings(xlsx, js, found)
    print_findings(found)
    errors = sum(f.severity == "error" for f in found)
    say(f"全区审核：错误 {errors} 条，警告 {sum(f.severity == 'warning' for f in found)} 条。"
         f"全区审核结果表：{xlsx}")
    return EXIT_FINDINGS if errors else EXIT_OK
