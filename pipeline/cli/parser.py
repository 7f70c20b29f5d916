"""The `xxgk` command line in Chinese: its commands, options, help and exit codes (0 clean, 1
errors found, 2 could not run: bad arguments, missing or bad configuration)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_CANNOT_RUN = 0, 1, 2


# argparse's own words, in Chinese (argparse looks its `_` up at call time).
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的取值：%(value)r",
    "expected one argument": "需要一个取值",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}


argparse._ = lambda s: _ARGPARSE_ZH.get(s, s)


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"年度应为四位数字，如 2023，而不是“{text}”") from None
    if not 2008 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"年度 {year} 不在 2008—2100 之间")
    return year


def _quarter(text: str) -> int:
    if text not in {"1", "2", "3", "4"}:
        raise argparse.ArgumentTypeError(f"季度应为 1、2、3 或 4，而不是“{text}”")
    return int(text)


def _global_options(defaults: bool) -> argparse.ArgumentParser:
    """--config/--workbooks/--outputs/--organ, accepted before or after the command. Only the top level
    sets defaults, so a value given before the command is not reset by the subcommand."""
    p = argparse.ArgumentParser(add_help=False)
    for flag, default, metavar, text in (
            ("--config", "xxgk.toml", "文件", "配置文件（默认 ./xxgk.toml）"),
            ("--workbooks", "workbooks", "目录", "报表目录（默认 ./workbooks）"),
            ("--outputs", "outputs", "目录", "输出目录（默认 ./outputs）"),
            ("--organ", None, "机关", "配置文件描述全区多个机关时，只处理这一个机关（填机关简称）；"
                                     "默认处理全部机关")):
        p.add_argument(flag, default=default if defaults else argparse.SUPPRESS,
                       metavar=metavar, help=text)
    return p


def _pdf_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pdf", action="store_true",
                   help="图表网页生成后，再把每一页打印成 A4 纸大小的 PDF 文件，保存在图表文件夹的"
                        " PDF 子文件夹中（需要安装 Chromium、谷歌 Chrome 或微软 Edge 浏览器）")


def build_parser() -> argparse.ArgumentParser:
    common = _global_options(defaults=False)
    parser = argparse.ArgumentParser(
        prog="xxgk", parents=[_global_options(defaults=True)],
        description="政府信息公开工作年度报告流水线：读取各单位季度报表，审核、汇总，"
                    "生成年度对比图表和年度报告（Word 与网页）。",
        epilog="退出码：0 没有错误；1 审核发现错误；2 无法运行（参数或配置有误）。"
               "示例：xxgk build --year 2023")
    parser.add_argument("--version", action="version", version=f"xxgk {__version__}",
                        help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", title="命令", metavar="<命令>")

    def add(name: str, help_text: str, year: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        if year:
            p.add_argument("--year", type=_year, required=True, metavar="年度",
                           help="报告年度，如 2023")
        return p

    p = add("init", "生成空白报表：每个单位每个季度一本（已有的文件不会被覆盖）")
    p.add_argument("--quarter", type=_quarter, metavar="季度",
                   help="只生成该季度（1—4）。新生成的报表和尚未填写的空白报表都会预填上季度末仍未办结的申请")
    p.add_argument("--history", action="store_true",
                   help="改为生成该年度“已公开报表”空白表（用于补录往年公开的三张表）")

    p = add("collect", "收集交回的报表：按表内单位、年度、季度归档到报表目录（收件箱不改动）；全区配置下按表内单位归到所属机关")
    p.add_argument("inbox", metavar="收件箱", help="存放交回报表的文件夹")
    p.add_argument("--replace-final", action="store_true",
                   help="允许替换已生成正式年报的年度中已归档的报表（原文件保留在“历史版本”中）")

    p = add("check", "审核报表：检查填报错误和勾稽关系，生成审核结果和数据库")
    p.add_argument("--json", action="store_true", help="以 JSON 格式输出审核结果")

    add("tables", "生成年度汇总报表（汇总后的三张表，附数据来源），供核对和存档")

    p = add("build", "完整运行：审核 → 汇总报表 → 图表 → 年度报告（全部报表已确认且无错误时才生成正式报告）")
    p.add_argument("--draft", action="store_true",
                   help="报表未全部确认或仍有错误时也生成报告和图表，每页标注“草稿”及数据截至哪个季度")
    _pdf_option(p)

    p = add("dashboards", "生成年度对比图表网页（可离线打开）")
    p.add_argument("--unit", metavar="单位", help="只生成该单位的图表页")
    _pdf_option(p)

    p = add("report", "生成年度报告（Word 与网页；全部报表已确认且无错误时才生成正式报告）")
    p.add_argument("--draft", action="store_true",
                   help="报表未全部确认或仍有错误时也生成报告，每页标注“草稿”及数据截至哪个季度")

    p = add("pack", "把年度报告（Word 与网页）、图表文件夹和审核结果表打包成一个 zip 文件，便于发给领导或上报",
            year=False)
    p.add_argument("--year", type=_year, metavar="年度", help="报告年度，如 2023（默认为输出目录中最近的年度）")
    p.add_argument("--output", metavar="文件",
                   help="zip 文件保存位置（默认在输出目录的该年度文件夹中，以机关名称和年度命名）")

    add("status", "查看报送情况：每个单位每个季度的报表是未收到、未填、填写中、已确认还是有错误")
    add("rules", "列出全部审核规则编号及说明", year=False)
    add("sample", "生成示例报表（示例机关：团结大街街道），已有的文件不会被覆盖", year=False)
    p = add("review", "审核其他途径得到的年度报告（Word、网页、PDF 或复制的文字）：读出三张表和各部分"
                      "文字，按法定格式和勾稽关系逐项检查，结果写入输出目录的“审核”文件夹", year=False)
    p.add_argument("paths", nargs="+", metavar="报告",
                   help="报告文件（.docx .html .htm .pdf .txt .md）或存放报告的文件夹")
    p.add_argument("--year", type=_year, metavar="年度", help="报告中看不出年度时按此年度审核（默认从报告标题或统计期限中读出）")
    p.add_argument("--json", action="store_true", help="以 JSON 格式输出审核结果")
    return parser


def paths(args) -> tuple[Path, Path, Path]:
    return Path(args.config), Path(args.workbooks), Path(args.outputs)
