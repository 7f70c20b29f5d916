"""What each `xxgk` subcommand does. Output to the terminal is Chinese."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from pipeline import build
from pipeline.cli import EXIT_FINDINGS, EXIT_OK, paths, print_json
from pipeline.config import load_config
from pipeline.findings import format_finding


class CannotRun(Exception):
    """The command cannot run at all (exit 2); the message is Chinese."""


def _exclusive(command):
    """Run the command holding the outputs folder's lock (see build.outputs_lock), once the
    configuration has been found valid (a wrong --config must not create the folder)."""
    @functools.wraps(command)
    def run(args) -> int:
        config_path, _, outputs = paths(args)
        load_config(config_path)
        try:
            with build.outputs_lock(outputs):
                return command(args)
        except build.Busy as exc:
            raise CannotRun(str(exc)) from None
    return run


def _say(text: str) -> None:
    print(text, flush=True)


def _setup(args):
    config_path, workbooks, outputs = paths(args)
    cfg = load_config(config_path)
    return cfg, config_path, workbooks, outputs


def _summary(result: build.CheckResult) -> None:
    counts = {s: sum(f.severity == s for f in result.findings)
              for s in ("error", "warning", "note")}
    _say(f"审核完成：错误 {counts['error']} 条，警告 {counts['warning']} 条，"
         f"提示 {counts['note']} 条。")


def _print_findings(findings, limit: int = 50) -> None:
    shown = [f for f in findings if f.severity != "note"]
    for f in shown[:limit]:
        _say(format_finding(f))
    if len(shown) > limit:
        _say(f"……另有 {len(shown) - limit} 条，详见审核结果表。")


def _check(args, command: str):
    cfg, config_path, workbooks, outputs = _setup(args)
    if not workbooks.is_dir():
        raise CannotRun(f"找不到报表目录 {workbooks}，请用 --workbooks 指定。")
    result = build.check(cfg, workbooks, outputs, args.year, command=command)
    return cfg, config_path, workbooks, outputs, result


@_exclusive
def cmd_check(args) -> int:
    *_, outputs, result = _check(args, "check")
    if args.json:
        print_json([f.to_dict() for f in result.findings])
    else:
        _print_findings(result.findings)
        _summary(result)
        xlsx, _ = build.findings_paths(outputs, args.year)
        _say(f"审核结果表：{xlsx}")
        if args.year in result.tables:
            _say(f"如需汇总报表（附数据来源），请运行 xxgk tables --year {args.year}，"
                 "或运行 xxgk build 一并生成。")
    return EXIT_FINDINGS if result.errors else EXIT_OK


def _report(cfg, config_path, outputs, result, year, draft) -> int:
    from pipeline.report import run_report

    if result.errors and not draft:
        _say(f"仍有 {result.errors} 条错误，未生成正式报告。请改正后重新运行，"
             "或加 --draft 生成标注“草稿”的报告。")
        return EXIT_FINDINGS
    docx, html = run_report(build.store_path(outputs), config_path, year, outputs,
                            draft=bool(result.errors) or draft)
    _say(f"年度报告：{docx}")
    _say(f"网页版：{html}")
    return EXIT_FINDINGS if result.errors else EXIT_OK


def _tables(cfg, outputs, year) -> None:
    from pipeline.summary import write_summary

    path = write_summary(build.store_path(outputs), cfg, year, outputs)
    _say(f"汇总报表：{path}")


def _dashboards(config_path, outputs, year, units=None) -> None:
    from pipeline.dashboards import run_dashboards

    pages = run_dashboards(build.store_path(outputs), year, outputs, units=units,
                           config_path=config_path)
    _say(f"图表：{pages[0]}（共 {len(pages)} 页）")


def _checked_year(args, command: str):
    """Check first (the store must reflect the inputs), print the outcome; None if the year
    has no data at all."""
    run = _check(args, command)
    result = run[-1]
    _print_findings(result.findings)
    _summary(result)
    return run if args.year in result.tables else None


@_exclusive
def cmd_build(args) -> int:
    run = _checked_year(args, "build")
    if run is None:
        return EXIT_FINDINGS
    cfg, config_path, _, outputs, result = run
    _tables(cfg, outputs, args.year)
    _dashboards(config_path, outputs, args.year)
    return _report(cfg, config_path, outputs, result, args.year, args.draft)


@_exclusive
def cmd_tables(args) -> int:
    """A working document: written even while errors remain, since those tables are exactly
    what staff need to look at."""
    run = _checked_year(args, "tables")
    if run is None:
        return EXIT_FINDINGS
    cfg, _, _, outputs, result = run
    _tables(cfg, outputs, args.year)
    return EXIT_FINDINGS if result.errors else EXIT_OK


@_exclusive
def cmd_dashboards(args) -> int:
    cfg = load_config(args.config)
    if args.unit and args.unit not in cfg.units:
        raise CannotRun(f"配置中没有单位“{args.unit}”。可选：{'、'.join(cfg.units)}")
    run = _checked_year(args, "dashboards")
    if run is None:
        return EXIT_FINDINGS
    _, config_path, _, outputs, result = run
    _dashboards(config_path, outputs, args.year, [args.unit] if args.unit else None)
    return EXIT_FINDINGS if result.errors else EXIT_OK


@_exclusive
def cmd_report(args) -> int:
    run = _checked_year(args, "report")
    if run is None:
        return EXIT_FINDINGS
    cfg, config_path, _, outputs, result = run
    return _report(cfg, config_path, outputs, result, args.year, args.draft)


def cmd_init(args) -> int:
    cfg, _, workbooks, _ = _setup(args)
    if args.history:
        from pipeline.history import write_published
        from pipeline.model import empty_tables

        target = build.published_path(workbooks, args.year)
        if target.exists():
            _say(f"已存在，未覆盖：{target}")
            return EXIT_OK
        write_published(target, empty_tables(args.year, "published"),
                        title=f"{cfg.organ.name}{args.year}年政府信息公开工作年度报表（已公开）",
                        blank=True)
        _say(f"已生成：{target}")
        return EXIT_OK
    from pipeline.template import init_year

    written, skipped = init_year(cfg, workbooks, args.year, args.quarter)
    for p in written:
        _say(f"已生成：{p}")
    for p in skipped:
        _say(f"已存在，未覆盖：{p}")
    _say(f"共生成 {len(written)} 本，跳过 {len(skipped)} 本。")
    return EXIT_OK


def cmd_collect(args) -> int:
    from pipeline.collect import collect

    cfg, _, workbooks, _ = _setup(args)
    inbox = Path(args.inbox)
    if not inbox.is_dir():
        raise CannotRun(f"找不到收件箱文件夹 {inbox}。")
    report = collect(cfg, inbox, workbooks, args.year)
    for line in report.lines():
        _say(line)
    _print_status(cfg, workbooks, args.year)
    return EXIT_FINDINGS if report.errors else EXIT_OK


def _print_status(cfg, workbooks: Path, year: int) -> int:
    from pipeline.consolidate import submissions
    from pipeline.ingest import ingest_year

    ing = ingest_year(cfg, workbooks, year)
    subs = submissions(cfg, year, ing.headers, ing.findings)
    marks = {"submitted": "已交", "missing": "未交", "errors": "有错"}
    by = {(s.unit, s.quarter): s.status for s in subs}
    width = max(len(u) for u in cfg.units) + 2
    _say(f"{year}年报送情况：")
    _say("单位".ljust(width) + "  ".join(f"第{q}季度" for q in range(1, 5)))
    for unit in cfg.units:
        cells = [marks[by.get((unit, q), "missing")].ljust(5) for q in range(1, 5)]
        _say(unit.ljust(width) + "  ".join(cells))
    missing = [(u, q) for (u, q), s in by.items() if s == "missing"]
    _say(f"未交 {len(missing)} 本，有错 {sum(s == 'errors' for s in by.values())} 本。")
    return EXIT_OK


def cmd_status(args) -> int:
    cfg, _, workbooks, _ = _setup(args)
    return _print_status(cfg, workbooks, args.year)


def cmd_rules(args) -> int:
    from pipeline.docs import render_rules

    sys.stdout.write(render_rules())
    return EXIT_OK


def cmd_sample(args) -> int:
    from pipeline.sample import write_sample

    cfg, _, workbooks, _ = _setup(args)
    written, skipped = write_sample(cfg, workbooks)
    _say(f"已生成示例文件 {len(written)} 个，跳过已有文件 {len(skipped)} 个（不会覆盖），"
         f"位于 {workbooks}")
    return EXIT_OK

