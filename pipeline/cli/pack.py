"""`xxgk pack`: a year's report, dashboards and findings in one zip, to send to a leader or
the district (see build.pack)."""

from __future__ import annotations

from pathlib import Path

from pipeline.build import outputs_folder, pack
from pipeline.cli.organs import targets
from pipeline.cli.parser import EXIT_FINDINGS, EXIT_OK, paths
from pipeline.cli.terminal import CannotRun, say
from pipeline.core.config import load_district


def _latest_year(outputs: Path) -> int:
    """The latest year with a folder under outputs/, when --year is not given."""
    years = [int(p.name) for p in outputs.glob("[12][0-9][0-9][0-9]") if p.is_dir()]
    if not years:
        raise CannotRun(f"输出目录 {outputs} 中还没有任何年度的成果，请先运行 xxgk build --year 年度，"
                        "或用 --outputs 指定输出目录。")
    return max(years)


def cmd_pack(args) -> int:
    config_path, _, outputs = paths(args)
    district = load_district(config_path)
    chosen = targets(args)
    year = args.year or _latest_year(outputs)
    whole = not district.single and not args.organ
    organs = [pack.Organ(t.organ, t.cfg.organ.name) for t in chosen]
    name = pack.pack_name(district.name if whole else chosen[0].cfg.organ.name, year)
    target = Path(args.output) if args.output else outputs_folder.year_dir(outputs, year) / name
    if target.is_dir():
        target /= name
    found = pack.collect_pack(outputs, year, organs, Path(name).stem, district=whole)
    if not found.files:
        raise CannotRun(f"输出目录 {outputs} 中没有 {year} 年的年度报告、图表或审核结果，"
                        f"请先运行 xxgk build --year {year}。")
    pack.write_zip(target, found.files)
    say(f"已打包：{target}（{len(found.files)} 个文件）")
    if found.missing:
        say("以下成果尚未生成，未打包（请先运行 xxgk build）：" + "；".join(found.missing))
        return EXIT_FINDINGS
    return EXIT_OK
