"""What each `xxgk` subcommand does. Output to the terminal is Chinese."""

from __future__ import annotations

import functools
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.build import checking, outputs_folder
from pipeline.cli.parser import EXIT_FINDINGS, EXIT_OK, paths
from pipeline.core.config import Config, load_district
from pipeline.core.findings import format_finding
from pipeline.review import returns
from pipeline.workbooks import filenames, layout


class CannotRun(Exception):
    """The command cannot run at all (exit 2); the message is Chinese."""


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


def _say(text: str) -> None:
    print(text, flush=True)


@dataclass(frozen=True)
class Target:
    """One organ to work on: its configuration, its workbooks folder, and the outputs folder
    with `organ` (its short name in a district, "" for a single organ) saying where in it."""
    cfg: Config
    config_path: Path
    workbooks: Path
    outputs: Path
    organ: str


def _targets(args) -> list[Target]:
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


def _each(args, work) -> int:
    """Run `work(target)` for every organ, each under its name in a district; the worst exit
    code of them."""
    targets = _targets(args)
    code = EXIT_OK
    for t in targets:
        if t.organ:
            _say(f"【{t.cfg.organ.name}】")
        code = max(code, work(t))
    return code


def _summary(result: checking.CheckResult) -> None:
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


def _check(t: Target, year: int, command: str) -> checking.CheckResult:
    if not t.workbooks.is_dir():
        raise CannotRun(f"找不到报表目录 {t.workbooks}，请用 --workbooks 指定。")
    return checking.check(t.cfg, t.workbooks, t.outputs, year, command=command, organ=t.organ)


@_exclusive
def cmd_check(args) -> int:
    if args.json:  # one list for every organ; in a district each finding names its organ
        found, code = [], EXIT_OK
        for t in _targets(args):
            result = _check(t, args.year, "check")
            found += [{**({"organ": t.organ} if t.organ else {}), **f.to_dict()}
                      for f in result.findings]
            code = max(code, EXIT_FINDINGS if result.errors else EXIT_OK)
        print_json(found)
        return code

    def work(t: Target) -> int:
        result = _check(t, args.year, "check")
        _print_findings(result.findings)
        _summary(result)
        xlsx, _ = outputs_folder.findings_paths(t.outputs, args.year, t.organ)
        _say(f"审核结果表：{xlsx}")
        if args.year in result.tables:
            _say(f"如需汇总报表（附数据来源），请运行 xxgk tables --year {args.year}，"
                 "或运行 xxgk build 一并生成。")
        return EXIT_FINDINGS if result.errors else EXIT_OK
    return _each(args, work)


def _refuse_final(result: checking.CheckResult, done) -> None:
    """Why no final report is made, in Chinese: the returns not confirmed, the errors."""
    _say(f"未生成正式报告：{done.summary()}。")
    waiting = [s for s in result.content.submissions
               if s.year == result.year and s.status != returns.CONFIRMED]
    if waiting:
        _say(f"{result.year}年应交 {done.expected} 本报表，已确认且无错误 "
             f"{done.counts.get(returns.CONFIRMED, 0)} 本。尚未确认的报表：")
        by_unit: dict[str, list] = {}
        for s in waiting:
            by_unit.setdefault(s.unit, []).append(s)
        for unit, subs in by_unit.items():
            _say(f"  {unit}：" + "；".join(f"第{s.quarter}季度 {_state_text(s)}" for s in subs))
    if result.errors:
        _say(f"审核仍有 {result.errors} 条错误，详见审核结果表。")
    _say("正式报告只能用全部已确认、审核无错误的数据生成：请各单位填好报表后在“基本信息”工作表的"
         "“填报确认”中确认，改正错误后重新运行；或加 --draft 生成标注“草稿”的报告。")


def _report(t: Target, result, year, draft) -> int:
    from pipeline.report.model import run_report

    done = result.completeness()
    if not done.final_ok and not draft:
        _refuse_final(result, done)
        return EXIT_FINDINGS
    final = done.final_ok and not draft
    docx, html = run_report(outputs_folder.store_path(t.outputs, t.organ), t.config_path, year,
                            t.outputs, draft=not final, organ=t.organ)
    if final:
        outputs_folder.record_final(t.outputs, year, [
            s.file for s in result.content.submissions if s.year == year and s.file],
            (docx, html), t.organ)
        _say(f"年度报告（正式）：{docx}")
    else:
        _say(f"年度报告（草稿：{done.summary()}）：{docx}")
    _say(f"网页版：{html}")
    return EXIT_FINDINGS if result.errors else EXIT_OK


def _tables(t: Target, year) -> None:
    from pipeline.outputs.tables_workbook import write_summary

    path = write_summary(outputs_folder.store_path(t.outputs, t.organ), t.cfg, year,
                         outputs_folder.consolidated_path(t.outputs, year, t.organ))
    _say(f"汇总报表：{path}")


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
    _say(f"图表：{pages[0]}（共 {len(pages)} 页）")
    if browser:
        from pipeline.dashboards import pdf

        try:
            pdfs = pdf.print_pages(pages, browser=browser)
        except pdf.PdfError as exc:
            raise CannotRun(str(exc)) from None
        _say(f"图表 PDF：{pdfs[0].parent}（共 {len(pdfs)} 份）")


def _checked_year(t: Target, year: int, command: str) -> checking.CheckResult | None:
    """Check first (the store must reflect the inputs), print the outcome; None if the year
    has no data at all."""
    result = _check(t, year, command)
    _print_findings(result.findings)
    _summary(result)
    return result if year in result.tables else None


def _roll_up(args, results: dict[str, checking.CheckResult]) -> int:
    """After every organ of a district: the 全区 tables (the sum of the organs') and the
    district's checks, under outputs/<year>/全区/. Not for a single organ, nor for one organ
    of a district (--organ): the sum needs them all."""
    from pipeline.core.model import YearTables
    from pipeline.outputs.district_tables import district_summary_path, write_district_summary
    from pipeline.outputs.findings_file import write_findings
    from pipeline.review import district
    from pipeline.workbooks.published import read_published

    config_path, workbooks, outputs = paths(args)
    whole = load_district(config_path)
    if whole.single or args.organ:
        return EXIT_OK
    year = args.year
    _say(f"【{whole.name}全区】")
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
    _say(f"全区汇总报表：{path}（{len(parts)} 个机关之和）")
    found = district.organ_findings(organs, year)
    name = filenames.published_file_name(year)
    history = workbooks / outputs_folder.DISTRICT_DIR / str(year) / name
    if history.is_file():
        file = f"{outputs_folder.DISTRICT_DIR}/{year}/{name}"
        published, read = read_published(history, year, file=file)
        found += read + district.published_findings(published, total, parts, file, year)
    xlsx, js = outputs_folder.findings_paths(outputs, year, outputs_folder.DISTRICT_DIR)
    write_findings(xlsx, js, found)
    _print_findings(found)
    errors = sum(f.severity == "error" for f in found)
    _say(f"全区审核：错误 {errors} 条，警告 {sum(f.severity == 'warning' for f in found)} 条。"
         f"全区审核结果表：{xlsx}")
    return EXIT_FINDINGS if errors else EXIT_OK


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
        done = result.completeness()
        if not done.final_ok and not args.draft:
            # nothing that looks final (dashboards included) from data nobody vouched for
            _refuse_final(result, done)
            return EXIT_FINDINGS
        _dashboards(t, args.year, draft=args.draft or not done.final_ok, browser=browser)
        return _report(t, result, args.year, args.draft)
    code = _each(args, work)
    return max(code, _roll_up(args, results))


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
    code = _each(args, work)
    return max(code, _roll_up(args, results))


@_exclusive
def cmd_dashboards(args) -> int:
    targets = _targets(args)
    for t in targets:
        if args.unit and args.unit not in t.cfg.units:
            raise CannotRun(f"配置中{t.organ and f'机关“{t.organ}”'}没有单位“{args.unit}”。"
                            f"可选：{'、'.join(t.cfg.units)}")
    browser = _pdf_browser(args)

    def work(t: Target) -> int:
        result = _checked_year(t, args.year, "dashboards")
        if result is None:
            return EXIT_FINDINGS
        _dashboards(t, args.year, [args.unit] if args.unit else None,
                    draft=not result.completeness().final_ok, browser=browser)
        return EXIT_FINDINGS if result.errors else EXIT_OK
    return _each(args, work)


@_exclusive
def cmd_report(args) -> int:
    def work(t: Target) -> int:
        result = _checked_year(t, args.year, "report")
        if result is None:
            return EXIT_FINDINGS
        return _report(t, result, args.year, args.draft)
    return _each(args, work)


def cmd_init(args) -> int:
    return _each(args, lambda t: _init(t, args))


def _init(t: Target, args) -> int:
    cfg, workbooks = t.cfg, t.workbooks
    if args.history:
        from pipeline.core.model import empty_tables
        from pipeline.workbooks.published import write_published

        target = filenames.published_path(workbooks, args.year)
        if target.exists():
            _say(f"已存在，未覆盖：{target}")
            return EXIT_OK
        write_published(target, empty_tables(args.year, "published"),
                        title=f"{cfg.organ.name}{args.year}年政府信息公开工作年度报表（已公开）",
                        blank=True)
        _say(f"已生成：{target}")
        return EXIT_OK
    from pipeline.workbooks.issue import init_year

    done = init_year(cfg, workbooks, args.year, args.quarter)
    for p in done.written:
        _say(f"已生成：{p}")
    for p, n in done.refreshed:
        _say(f"已更新：{p}（尚未填写的空白报表，已预填上季度末仍未办结的申请 {n} 件）")
    for p in done.skipped:
        _say(f"已存在，未覆盖：{p}")
    _say(f"共生成 {len(done.written)} 本，更新 {len(done.refreshed)} 本，跳过 {len(done.skipped)} 本。")
    if done.waiting:
        who = "、".join(f"{u}" for u, _ in done.waiting)
        q = done.waiting[0][1]
        _say(f"提示：{who}的第{q - 1}季度报表尚未交回或尚未填写，第{q}季度台账暂时无法预填上季度未办结的"
             f"申请。收回上季度报表后请再运行 xxgk init --year {args.year} --quarter {q}：尚未填写的空白报表"
             "会自动补上这些申请，已填写的报表不会被改动。")
    return EXIT_OK


@_exclusive
def cmd_collect(args) -> int:
    from pipeline.workbooks.collect import collect

    targets = _targets(args)
    if len(targets) > 1:
        raise CannotRun("配置文件描述的是全区多个机关：收集报表时请用 --organ 指定收到的是哪个机关的报表"
                        f"（{'、'.join(t.organ for t in targets)}）。")
    [t] = targets
    inbox = Path(args.inbox)
    if not inbox.is_dir():
        raise CannotRun(f"找不到收件箱文件夹 {inbox}。")
    report = collect(t.cfg, inbox, t.workbooks, args.year,
                     final=outputs_folder.read_final(t.outputs, args.year, t.organ),
                     replace_final=args.replace_final)
    for line in report.lines():
        _say(line)
    status = _print_status(t, args.year)
    return EXIT_FINDINGS if report.errors else status


def _state_text(s) -> str:
    """A return's state as the status lists it; a rejected file is named."""
    text = returns.STATE_LABELS[s.status]
    if s.rejected:
        text += f"（交来的文件“{s.rejected}”未被接受，原因见审核结果）"
    elif s.status == returns.UNTOUCHED:
        text += "（空白报表，尚未填写）"
    return text


def _print_status(t: Target, year: int) -> int:
    """Check the year (the states come from reading every workbook), then print each unit's
    returns: state per quarter, counts, rejected files and who confirmed what."""
    result = _check(t, year, "status")
    subs = [s for s in result.content.submissions if s.year == year]
    if not subs:
        _say(f"{year}年没有报表，也没有已公开报表。")
        return EXIT_FINDINGS
    done = result.completeness()
    by = {(s.unit, s.quarter): s for s in subs}
    units = list(dict.fromkeys(s.unit for s in subs))
    width = max(_display_width(u) for u in units) + 2
    _say(f"{year}年报送情况（{done.summary()}）：")
    _say(_pad("单位", width) + "".join(_pad(f"第{q}季度", 10) for q in returns.QUARTERS))
    for unit in units:
        _say(_pad(unit, width) + "".join(
            _pad(returns.STATE_LABELS[by[(unit, q)].status], 10) for q in returns.QUARTERS))
    counts = "，".join(f"{label} {done.counts.get(state, 0)} 本"
                      for state, label in returns.STATE_LABELS.items())
    _say(f"共 {done.expected} 本：{counts}。")
    rejected = [s for s in subs if s.rejected]
    if rejected:
        _say("被拒收的文件（按未收到计）：")
        for s in rejected:
            _say(f"  {s.unit} 第{s.quarter}季度：{s.rejected}")
    confirmed = [s for s in subs if s.officer or s.confirmed_on]
    if confirmed:
        _say("填报确认：")
        declarations = dict(layout.DECLARATIONS)
        for s in confirmed:
            who = "，".join(x for x in (s.officer, s.officer_phone) if x) or "未填写填报人"
            when = s.confirmed_on.isoformat() if s.confirmed_on else "未填写日期"
            choice = declarations.get(s.declaration, "未选择")
            _say(f"  {s.unit} 第{s.quarter}季度：{who}，{when}，“{choice}”")
    return EXIT_FINDINGS if result.errors else EXIT_OK


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    """Left-aligned in a column of a terminal, where a Chinese character takes two places."""
    return text + " " * max(1, width - _display_width(text))


@_exclusive
def cmd_status(args) -> int:
    return _each(args, lambda t: _print_status(t, args.year))


def cmd_rules(args) -> int:
    from pipeline.docs import render_rules

    sys.stdout.write(render_rules())
    return EXIT_OK


def cmd_sample(args) -> int:
    from pipeline.sample.demo import write_sample

    def work(t: Target) -> int:
        written, skipped = write_sample(t.cfg, t.workbooks)
        _say(f"已生成示例文件 {len(written)} 个，跳过已有文件 {len(skipped)} 个（不会覆盖），"
             f"位于 {t.workbooks}")
        return EXIT_OK
    return _each(args, work)


def print_json(obj) -> None:
    """Findings for programs, as JSON."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")
