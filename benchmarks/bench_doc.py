"""The generated part of docs/benchmarks.md: the machine, the medians, the four targets and
the profiles of one `make bench` run (benchmarks.bench), written between markers so the
analysis written around them stays."""

from __future__ import annotations

import os
import platform
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pipeline.core import atomic
from pipeline.speed import process_pool

# Targets of the issues: (ratio, comparison, bound).
TARGETS = {"floor_ratio": ("<=", 1.3), "usual_ratio": (">=", 6.0),
           "incremental_ratio": ("<", 0.05), "peak_mb": ("<", 500.0),
           "build_overhead_ratio": ("<=", 1.5), "dashboard_mb_per_organ": ("<=", 6.0)}


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "未安装"


def machine() -> str:
    """The machine in one line: CPU model, cores, memory, Python, libraries, date."""
    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"，内存 {int(line.split()[1]) / 1024 / 1024:.1f} GB"
                break
    except OSError:  # not Linux
        pass
    libs = "，".join(f"{n} {_package_version(n)}" for n in
                    ("xxgk", "python-calamine", "openpyxl", "pandas", "tqdm"))
    return (f"{cpu}，{os.cpu_count()} 核（可用 {process_pool.usable_cores()} 核）{memory}；"
            f"{platform.system()} {platform.release()}；Python {platform.python_version()}；"
            f"{libs}；{date.today().isoformat()}")


def _met(name: str, value: float) -> str:
    op, bound = TARGETS[name]
    ok = {"<=": value <= bound, ">=": value >= bound, "<": value < bound}[op]
    return "达到" if ok else "未达到"


def summary_line(result) -> str:
    r = result.ratios
    return (f"bench: floor_ratio={r['floor_ratio']:.2f} usual_ratio={r['usual_ratio']:.2f} "
            f"incremental_ratio={r['incremental_ratio']:.3f} peak_mb={r['peak_mb']:.0f}")


def district_summary(result) -> str:
    """The district's part of the `bench:` line."""
    r = result.ratios
    return (f" build_overhead_ratio={r['build_overhead_ratio']:.2f}"
            f" dashboard_mb_per_organ={r['dashboard_mb_per_organ']:.2f}")


def render_district_block(result) -> str:
    """The generated part of docs/benchmarks.md for a district of synthetic organs."""
    r = result.ratios
    return "\n".join([
        f"## 全区：{result.organs} 个机关（{result.workbooks} 本报表）", "",
        f"机器：{machine()}。", "",
        "每个机关如示例的演示路街道：街道本级和 3 个社区，2021 年已公开报表，2022—2023 年报表已填并确认。"
        "xxgk build 在单独的进程中运行，输出目录为空；对照是在同一个 Python 进程中直接调用笔记本所用的"
        "函数完成同样的工作（审核、汇总报表、看板页面、年度报告、全区汇总报表和全区看板），不经 papermill、依次完成；xxgk build 的笔记本按核数同时运行，所以比值可以小于 1。", "",
        "| 步骤 | 耗时（秒） | 每个机关（秒） |", "| --- | ---: | ---: |",
        f"| xxgk build | {result.build:.1f} | {result.build / result.organs:.2f} |",
        f"| 同样的工作，一个进程，不经 papermill | {result.direct:.1f} | "
        f"{result.direct / result.organs:.2f} |", "",
        "| 指标 | 实测 | 目标 | 结果 |", "| --- | ---: | ---: | --- |",
        f"| build_overhead_ratio | {r['build_overhead_ratio']:.2f} | ≤ 1.5 | "
        f"{_met('build_overhead_ratio', r['build_overhead_ratio'])} |",
        f"| dashboard_mb_per_organ（看板文件总字节 ÷ 机关数，MB） | "
        f"{r['dashboard_mb_per_organ']:.2f} | ≤ 6 | "
        f"{_met('dashboard_mb_per_organ', r['dashboard_mb_per_organ'])} |", "",
        "bench:" + district_summary(result)])


def update_district_doc(path: Path, result) -> None:
    _replace_block(path, f"district={result.organs}", render_district_block(result))


def render_block(result) -> str:
    """The generated part of docs/benchmarks.md for one size."""
    n = result.size
    per = 1000 / n
    usual_note = ("" if result.usual_files == n else
                  f"（按均匀抽取的 {result.usual_files} 本计时，再按 {n} 本折算）")
    rows = [
        ("1 下限：python-calamine 读取全部工作表（单进程）", result.floor),
        (f"2 常见做法：pandas.read_excel（openpyxl）{usual_note}", result.usual),
        ("3 xxgk check 含汇总（缓存为空）", result.check),
        ("4 改动一本报表的一个单元格后再次 check（缓存已热）", result.incremental),
    ]
    r = result.ratios
    lines = [
        f"## {n} 本报表（{-(-n // 4)} 个单位 × 4 个季度）", "",
        f"机器：{machine()}。", "",
        f"步骤 1、3、4 各取 {result.repeat} 次、步骤 2 取 {result.usual_repeat} 次的中位数（秒）；"
        "步骤 1 与 3 在每一轮中交替运行，机器快慢的变化对两者影响相同。", "",
        "| 步骤 | 耗时（秒） | 每本（毫秒） |", "| --- | ---: | ---: |",
        *(f"| {label} | {t:.2f} | {t * per:.2f} |" for label, t in rows), "",
        "| 指标 | 实测 | 目标 | 结果 |", "| --- | ---: | ---: | --- |",
        f"| 3/1（与下限之比） | {r['floor_ratio']:.2f} | ≤ 1.3 | {_met('floor_ratio', r['floor_ratio'])} |",
        f"| 2/3（常见做法慢几倍） | {r['usual_ratio']:.2f} | ≥ 6 | {_met('usual_ratio', r['usual_ratio'])} |",
        f"| 4/3（增量运行占比） | {r['incremental_ratio']:.3f} | < 0.05 | "
        f"{_met('incremental_ratio', r['incremental_ratio'])} |",
        f"| 3 的峰值内存（MB） | {r['peak_mb']:.0f} | < 500（按 10000 本考核） | "
        f"{_met('peak_mb', r['peak_mb']) if n >= 10000 else '—'} |", "",
        f"峰值内存 = 主进程最大常驻内存 {result.main_mb:.0f} MB + {result.workers} 个解析进程 × "
        f"单个解析进程最大常驻内存 {result.worker_mb:.0f} MB（在子进程中运行步骤 3，"
        "主进程取 `getrusage(RUSAGE_SELF).ru_maxrss`，解析进程取进程池关闭后的 "
        "`getrusage(RUSAGE_CHILDREN).ru_maxrss`，即最大的一个；解析进程与主进程共享的内存页"
        "在每个进程中都计入，所以这是同一时刻占用内存的上限）。", "",
    ]
    for step, title in (("3", "步骤 3 的"), ("4", "步骤 4 的")):
        total, stages = result.profiles[step]
        lines += [f"{title}耗时分布（cProfile 单独运行一次，含分析开销，共 {total:.2f} 秒；"
                  "“写数据库其余部分”包含“年报文字审核”；进程池中的工作不在其中）：", "",
                  "| 阶段 | 秒 | 占比 |", "| --- | ---: | ---: |",
                  *(f"| {label} | {t:.2f} | {t / total:.0%} |" for label, t in stages), ""]
    lines.append(summary_line(result))
    return "\n".join(lines)


DOC_INTRO = """# 性能基准 (benchmarks)

`make bench`（即 `python -m benchmarks.bench`，大规模用 `--size 10000`）生成一个虚构城市的
季度报表（默认 250 个单位 × 4 个季度 = 1000 本），比较：1 只用 python-calamine 读取全部
工作表（解析文件不可避免的成本）；2 常见做法 pandas.read_excel；3 `xxgk check`（读取、
审核、汇总、写数据库和输出，缓存为空）；4 改动一个单元格后再次运行。下面标记之间的内容由
`make bench` 自动生成，标记以外的说明为人工撰写，重新运行时保留。
"""


def update_doc(path: Path, result) -> None:
    _replace_block(path, f"size={result.size}", render_block(result))


def _replace_block(path: Path, name: str, content: str) -> None:
    """Replace (or add) one generated block, keeping everything else in the file."""
    begin, end = f"<!-- bench:{name} begin -->", f"<!-- bench:{name} end -->"
    block = f"{begin}\n{content}\n{end}"
    text = path.read_text(encoding="utf-8") if path.is_file() else DOC_INTRO
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    atomic.write_text(path, text)


