"""`xxgk review PATH…`: review reports made elsewhere (a Word draft, a saved web page, a PDF,
copied text) as an assessor would, and write what was found under outputs/审核/."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pipeline.cli.parser import EXIT_FINDINGS, EXIT_OK
from pipeline.cli.terminal import CannotRun, print_findings, say
from pipeline.reports_in.run import FORMAT_NAMES, find_reports, review_all, write_reviewed


def cmd_review(args) -> int:
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CannotRun(f"找不到：{'、'.join(missing)}")
    if not find_reports(paths):
        raise CannotRun("所给文件夹中没有可审核的报告（.docx .html .htm .pdf .txt .md）。")
    reviewed = review_all(paths, args.year)
    folders, summary = write_reviewed(Path(args.outputs), reviewed,
                                      summary=len(reviewed) > 1 or any(p.is_dir() for p in paths))
    code = EXIT_FINDINGS if any(r.errors for r in reviewed) else EXIT_OK
    if args.json:
        json.dump([{"file": str(r.path), "format": r.kind, "organ": r.organ, "year": r.year,
                    "findings": [f.to_dict() for f in r.findings]} for r in reviewed],
                  sys.stdout, ensure_ascii=False, indent=2)
        print()
        return code
    for r in reviewed:
        say(f"【{r.path.name}】{FORMAT_NAMES.get(r.kind, r.kind)}，{r.organ or '机关未识别'}，"
            f"{f'{r.year}年度' if r.year else '年度未识别'}：错误 {r.errors} 条，"
            f"警告 {r.warnings} 条。")
        print_findings(r.findings, limit=20)
        say(f"审核结果：{folders[r.path]}")
    if summary is not None:
        say(f"共审核 {len(reviewed)} 份报告，有错误的 {sum(bool(r.errors) for r in reviewed)} 份。"
            f"汇总表：{summary}")
    return code
