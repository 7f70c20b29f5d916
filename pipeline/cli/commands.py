"""What each `xxgk` subcommand does. Output to the terminal is Chinese."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

from pipeline.build import checking, outputs_folder
from pipeline.cli import pack
from pipeline.cli.organs import (
    Target,
    check_organ,
    district_page,
    each,
    roll_up,
    targets,
    whole_district,
)
from pipeline.cli.parser import EXIT_FINDINGS, EXIT_OK, paths
from pipeline.cli.status import print_status, state_text
from pipeline.cli.terminal import CannotRun, print_findings, print_json, say
from pipeline.core.config import load_district
from pipeline.review import returns
from pipeline.workbooks import filenames


def _exclusive(command):
    """Run the command holding the outputs folder's lock (see outputs_folder.outputs_lock), once the
    configuration has been found valid (a wrong --config must not create the folder)."""
    @functools.wraps(command)
    def run(args) -> int:
        config_path, _, outputs = paths(args)
        load_district(config_path)
        try:
            with outputs_folder.outputs_lock(outputs):
                return command(args)
        except outputs_folder.Busy as exc:
            raise CannotRun(str(exc)) from None
    return run


def _summary(result: checking.CheckResult) -> None:
    counts = {s: sum(f.severity == s for f in result.findings)
              for s in ("error", "warning", "note")}
    say(f"审核完成：错误 {counts['error']} 条，警告 {counts['warning']} 条，"
         f"提示 {counts['note']} 条。")


@_exclusive
def cmd_check(args) -> int:
    if args.json:  # one list for every organ; in a district each finding names its organ
        found, code = [], EXIT_OK
        for t in targets(args):
            result = check_organ(t, args.year, "check")
            found += [{**({"organ": t.organ} if t.organ else {}), **f.to_dict()}
                      for f in result.findings]
            code = max(code, EXIT_FINDINGS if result.errors else EXIT_OK)
        print_json(found)
        return code

    def work(t: Target) -> int:
        result = check_organ(t, args.year, "check")
        print_findings(result.findings)
        _summary(result)
        xlsx, _ = outputs_folder.findings_paths(t.outputs, args.year, t.organ)
        say(f"审核结果表：{xlsx}")
        if args.year in result.tables:
            say(f"如需汇总报表（附数据来源），请运行 xxgk tables --year {args.year}，"
                 "或运行 xxgk build 一并生成。")
        return EXIT_FINDINGS if result.errors else EXIT_OK
    return each(args, work)


def _refuse_final(result: checking.CheckResult, done) -> None:
    """Why no final report is made, in Chinese: the returns not confirmed, the errors."""
    say(f"未生成正式报告：{done.summary()}。")
    waiting = [s for s in result.content.submissions
               if s.year == result.year and s.status != returns.CONFIRMED]
    if waiting:
        say(f"{result.year}年应交 {done.expected} 本报表，已确认且无错误 "
             f"{done.counts.get(returns.CONFIRMED, 0)} 本。尚未确认的报表：")
        by_unit: dict[str, list] = {}
        for s in waiting:
            by_unit.setdefault(s.unit, []).append(s)
        for unit, subs in by_unit.items():
            say(f"  {unit}：" + "；".join(f"第{s.quarter}季度 {state_text(s)}" for s in subs))
    if result.errors:
        say(f"审核仍有 {result.errors} 条错误，详见审核结果表。")
    say("正式报告只能用全部已确认、审核无错误的数据生成：请各单位填好报表后在“基本信息”工作表的"
         "“填报确认”中确认，改正错误后重新运行；或加 --draft 生成标注“草稿”的报告。")


def _ready_or_refused(t: Target, result: checking.CheckResult, draft: bool,
                      ready: list[tuple[Target, checking.CheckResult, bool]]) -> int:
    """Add the organ to `ready` with whether its report and pages are drafts; but nothing that
    looks final (dashboards included) from data nobody vouched for: without --draft, say why
    no final report is made instead."""
    done = result.completeness()
    if not done.final_ok and not draft:
        _refuse_final(result, done)
        return EXIT_FINDINGS
    ready.append((t, result, draft or not done.final_ok))
    return EXIT_FINDINGS if result.errors else EXIT_OK


def _reported(t: Target, result, year: int, draft: bool, docx: Path, html: Path) -> None:
    """Say where the report went; a final one is recorded (collect then protects its
    workbooks)."""
    if draft:
        say(f"年度报告（草稿：{result.completeness().summary()}）：{docx}")
    else:
        outputs_folder.record_final(t.outputs, year, [
            s.file for s in result.content.submissions if s.year == year and s.file],
            (docx, html), t.organ)
        say(f"年度报告（正式）：{docx}")
    say(f"网页版：{html}")


def _tables(t: Target, year) -> None:
    from pipeline.outputs.tables_workbook import write_summary

    path = write_summary(outputs_folder.store_path(t.outputs, t.organ), t.cfg, year,
                         outputs_folder.consolidated_path(t.outputs, year, t.organ))
    say(f"汇总报表：{path}")


def _pdf_browser(args) -> str | None:
    """With --pdf, the browser that will print, found before anything runs."""
    if not args.pdf:
        return None
    from pipeline.dashboards import pdf

    try:
        return pdf.find_browser()
    except pdf.PdfError as exc:
        raise CannotRun(str(exc)) from None


def _dashboards(t: Target, year, units=None, draft: bool = False,
                browser: str | None = None) -> None:
    """The pages by the notebook; with a `browser`, then their PDFs, by this process."""
    from pipeline.dashboards.site import run_dashboards

    pages = run_dashboards(outputs_folder.store_path(t.outputs, t.organ), year, t.outputs,
                           units=units, config_path=t.config_path, draft=draft, organ=t.organ)
    say(f"图表：{pages[0]}（共 {len(pages)} 页）")
    if browser:
        _print_pdfs(pages, browser)


def _print_pdfs(pages: list[Path], browser: str) -> None:
    from pipeline.dashboards import pdf

    try:
        pdfs = pdf.print_pages(pages, browser=browser)
    except pdf.PdfError as exc:
        raise CannotRun(str(exc)) from None
    say(f"图表 PDF：{pdfs[0].parent}（共 {len(pdfs)} 份）")


def _checked_year(t: Target, year: int, command: str) -> checking.CheckResult | None:
    """Check first (the store must reflect the inputs), print the outcome; None if the year
    has no data at all."""
    result = check_organ(t, year, command)
    print_findings(result.findings)
    _summary(result)
    return result if year in result.tables else None


@_exclusive
def cmd_build(args) -> int:
    browser = _pdf_browser(args)
    results: dict[str, checking.CheckResult] = {}

    def work(t: Target) -> int:
        result = _checked_year(t, args.year, "build")
        if result is None:
            return EXIT_FINDINGS
        results[t.organ] = result
        _tables(t, args.year)  # a working document, wanted most while errors remain
        return _ready_or_refused(t, result, args.draft, ready)
    ready: list[tuple[Target, checking.CheckResult, bool]] = []
    code = each(args, work)
    code = max(code, roll_up(args, results))
    whole = whole_district(args)
    # the leaders' page of the whole district only when every organ's data may be shown
    district = (district_page(args, draft=any(draft for _, _, draft in ready))
                if whole is not None and len(ready) == len(whole.organs) else None)
    if whole is not None and district is None:
        waiting = "、".join(c.organ.short_name for c in whole.organs
                            if c.organ.short_name not in {t.organ for t, _, _ in ready})
        say(f"未生成全区看板：{waiting}的数据尚不能生成正式报告（原因见上）。"
            "全部机关的报表确认无误后重新运行，或加 --draft 生成标注“草稿”的全区看板。")
    if ready:
        _pages_and_reports(ready, args.year, browser, district)
    return code


def _pages_and_reports(ready: list[tuple[Target, checking.CheckResult, bool]], year: int,
                       browser: str | None, district: Callable[[], Path] | None, *,
                       pages: bool = True, reports: bool = True) -> None:
    """The dashboards (`pages`) and reports (`reports`) of every organ ready for them (with
    whether each is a draft) and the 全区 page (`district`), the notebooks run side by side,
    one per core: the organs are shared out among a few dashboard runs, one report run makes
    every report. A district does not start a kernel per organ; the executed notebooks of a
    district's run are kept under outputs/<year>/全区/notebooks/."""
    from pipeline.dashboards import more as more_pages
    from pipeline.dashboards.site import NOTEBOOK as DASHBOARD
    from pipeline.dashboards.site import page_name, run_dashboards
    from pipeline.report import more as more_reports
    from pipeline.report.model import NOTEBOOK as REPORT
    from pipeline.report.model import report_paths, run_report
    from pipeline.speed.side_by_side import run_side_by_side, share_out

    first = ready[0][0]
    notebooks = None
    if len(ready) > 1 or district:
        notebooks = outputs_folder.year_dir(first.outputs, year, outputs_folder.DISTRICT_DIR
                                            ) / "notebooks"

    def store_of(t: Target) -> Path:
        return outputs_folder.store_path(t.outputs, t.organ)

    def year_of(t: Target) -> Path:
        return outputs_folder.year_dir(t.outputs, year, t.organ).resolve()

    runs = share_out(ready, [len(t.cfg.units) + 1 for t, _, _ in ready]) if pages else []
    calls = []
    for i, ((t, _, draft), *rest) in enumerate(runs, start=1):
        name = DASHBOARD if len(runs) == 1 else f"{Path(DASHBOARD).stem}-{i}.ipynb"
        calls.append(functools.partial(
            run_dashboards, store_of(t), year, t.outputs, config_path=t.config_path, draft=draft,
            organ=t.organ, executed=notebooks / name if notebooks else None,
            more=[more_pages.organ_job(store_of(o), year_of(o) / "dashboards",
                                       config_path=o.config_path, organ=o.organ, draft=d)
                  for o, _, d in rest]))
    if reports:
        (t, _, draft), *rest = ready
        calls.append(functools.partial(
            run_report, store_of(t), t.config_path, year, t.outputs, draft=draft, organ=t.organ,
            executed=notebooks / REPORT if notebooks else None,
            more=[more_reports.organ_job(store_of(o), year_of(o) / "report",
                                         config_path=o.config_path, organ=o.organ, draft=d)
                  for o, _, d in rest]))
    if district:
        calls.append(district)
    results = run_side_by_side(calls, finished=_progress(len(calls)))
    for t, result, draft in ready:
        if t.organ:
            say(f"【{t.cfg.organ.name}】")
        if pages:
            dash = year_of(t) / "dashboards"
            written = [dash / page_name(None), *(dash / page_name(u) for u in t.cfg.units)]
            say(f"图表：{written[0]}（共 {len(written)} 页）")
            if browser:
                _print_pdfs(written, browser)
        if reports:
            _reported(t, result, year, draft, *report_paths(year_of(t), t.cfg.organ.name, year))
    if district:
        _district_said(results[-1], browser)


def _progress(runs: int) -> Callable[[int], None] | None:
    """Tell how many of the notebook runs have ended, when there are several."""
    if runs < 2:
        return None
    ended = []

    def finished(_: int) -> None:
        ended.append(1)
        say(f"笔记本运行完成 {len(ended)}/{runs}")
    return finished


def _district_said(page: Path, browser: str | None) -> None:
    say(f"全区看板：{page}")
    if browser:
        _print_pdfs([page], browser)


@_exclusive
def cmd_tables(args) -> int:
    """A working document: written even while errors remain, since those tables are exactly
    what staff need to look at."""
    results: dict[str, checking.CheckResult] = {}

    def work(t: Target) -> int:
        result = _checked_year(t, args.year, "tables")
        if result is None:
            return EXIT_FINDINGS
        results[t.organ] = result
        _tables(t, args.year)
        return EXIT_FINDINGS if result.errors else EXIT_OK
    code = each(args, work)
    return max(code, roll_up(args, results))


@_exclusive
def cmd_dashboards(args) -> int:
    for t in targets(args):
        if args.unit and args.unit not in t.cfg.units:
            raise CannotRun(f"配置中{t.organ and f'机关“{t.organ}”'}没有单位“{args.unit}”。"
                            f"可选：{'、'.join(t.cfg.units)}")
    browser = _pdf_browser(args)

    ready: list[tuple[Target, checking.CheckResult, bool]] = []
    missing = []

    def work(t: Target) -> int:
        result = _checked_year(t, args.year, "dashboards")
        if result is None:
            missing.append(t)
            return EXIT_FINDINGS
        draft = not result.completeness().final_ok  # pages of an unvouched year say 草稿
        if args.unit:  # one unit's page: that organ's notebook, now
            _dashboards(t, args.year, [args.unit], draft=draft, browser=browser)
        else:
            ready.append((t, result, draft))
        return EXIT_FINDINGS if result.errors else EXIT_OK
    code = each(args, work)
    district = None
    if whole_district(args) is not None and not args.unit:
        district = district_page(args, draft=bool(missing) or any(d for _, _, d in ready))
    if ready:
        _pages_and_reports(ready, args.year, browser, district, reports=False)
    return code


@_exclusive
def cmd_report(args) -> int:
    ready: list[tuple[Target, checking.CheckResult, bool]] = []

    def work(t: Target) -> int:
        result = _checked_year(t, args.year, "report")
        if result is None:
            return EXIT_FINDINGS
        return _ready_or_refused(t, result, args.draft, ready)
    code = each(args, work)
    if ready:
        _pages_and_reports(ready, args.year, None, None, pages=False)
    return code


def cmd_init(args) -> int:
    return each(args, lambda t: _init(t, args))


def _init(t: Target, args) -> int:
    cfg, workbooks = t.cfg, t.workbooks
    if args.history:
        from pipeline.core.model import empty_tables
        from pipeline.workbooks.published import write_published

        target = filenames.published_path(workbooks, args.year)
        if target.exists():
            say(f"已存在，未覆盖：{target}")
            return EXIT_OK
        write_published(target, empty_tables(args.year, "published"),
                        title=f"{cfg.organ.name}{args.year}年政府信息公开工作年度报表（已公开）",
                        blank=True)
        say(f"已生成：{target}")
        return EXIT_OK
    from pipeline.workbooks.issue import init_year

    done = init_year(cfg, workbooks, args.year, args.quarter)
    for p in done.written:
        say(f"已生成：{p}")
    for p, n in done.refreshed:
        say(f"已更新：{p}（尚未填写的空白报表，已预填上季度末仍未办结的申请 {n} 件）")
    for p in done.skipped:
        say(f"已存在，未覆盖：{p}")
    say(f"共生成 {len(done.written)} 本，更新 {len(done.refreshed)} 本，跳过 {len(done.skipped)} 本。")
    if done.waiting:
        who = "、".join(f"{u}" for u, _ in done.waiting)
        q = done.waiting[0][1]
        say(f"提示：{who}的第{q - 1}季度报表尚未交回或尚未填写，第{q}季度台账暂时无法预填上季度未办结的"
             f"申请。收回上季度报表后请再运行 xxgk init --year {args.year} --quarter {q}：尚未填写的空白报表"
             "会自动补上这些申请，已填写的报表不会被改动。")
    return EXIT_OK


@_exclusive
def cmd_collect(args) -> int:
    """Returns filed by the 填报单位 written in them; in a district (without --organ) each to
    the organ whose units hold that name."""
    from pipeline.workbooks.collect import Place, collect_district

    chosen = targets(args)
    inbox = Path(args.inbox)
    if not inbox.is_dir():
        raise CannotRun(f"找不到收件箱文件夹 {inbox}。")
    _, workbooks, _ = paths(args)
    reports, unrouted = collect_district(
        {t.organ: Place(t.cfg, t.workbooks, outputs_folder.read_final(t.outputs, args.year,
                                                                      t.organ))
         for t in chosen}, inbox, workbooks, args.year, replace_final=args.replace_final)
    code = EXIT_OK
    for t in chosen:
        report = reports[t.organ]
        if t.organ:
            if not (report.placed or report.replaced or report.unchanged or report.rejected):
                continue
            say(f"【{t.cfg.organ.name}】")
        for line in report.lines():
            say(line)
        status = print_status(t, args.year)
        code = max(code, EXIT_FINDINGS if report.errors else status)
    if unrouted.rejected:
        say("【未能确定属于哪个机关的文件】")
        for line in unrouted.lines():
            say(line)
        code = max(code, EXIT_FINDINGS)
    return code


cmd_pack = _exclusive(pack.cmd_pack)


@_exclusive
def cmd_status(args) -> int:
    return each(args, lambda t: print_status(t, args.year))


def cmd_rules(args) -> int:
    from pipeline.docs import render_rules

    sys.stdout.write(render_rules())
    return EXIT_OK


def cmd_sample(args) -> int:
    from pipeline.sample.demo import write_sample

    def work(t: Target) -> int:
        written, skipped = write_sample(t.cfg, t.workbooks)
        say(f"已生成示例文件 {len(written)} 个，跳过已有文件 {len(skipped)} 个（不会覆盖），"
             f"位于 {t.workbooks}")
        return EXIT_OK
    return each(args, work)


def cmd_review(args) -> int:
    # imported here: the readers of Word, PDF and web pages cost every other command ~0.1 s
    from pipeline.cli.review_command import cmd_review as review

    return review(args)
