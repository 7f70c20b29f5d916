"""The `xxgk` command: parse, run the command, turn what cannot run into exit code 2 and a
Chinese message, and end quietly when the output is cut off (`xxgk … | head`). Its output
survives any console: a character the console's encoding lacks is shown as "?"."""

from __future__ import annotations

import io
import os
import sys

from pipeline.cli.parser import EXIT_CANNOT_RUN, EXIT_FINDINGS, build_parser, paths


def main(argv: list[str] | None = None) -> int:
    tolerant_output()
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, not at exit: a closed pipe is then caught below
        return code
    except BrokenPipeError:
        # The reader went away (xxgk rules | head): end quietly. Python flushes stdout once
        # more at exit, which would raise again: from now on it writes to devnull.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS  # as Python itself exits on EPIPE


def tolerant_output() -> None:
    """Keep the encoding the environment gives stdout and stderr (a Windows console's code
    page, a redirected file's locale encoding, PYTHONIOENCODING), but replace what it cannot
    encode instead of failing: a unit named with a character GBK lacks must not end a run
    with a UnicodeEncodeError half way through."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def _paths_fit(args) -> None:
    """Refuse to start when a path the command could write is too long for Windows, before
    anything is written (exit 2, the path named)."""
    from datetime import date

    from pipeline.build.long_paths import too_long
    from pipeline.cli.terminal import CannotRun
    from pipeline.core.config import load_district

    config, workbooks, outputs = paths(args)
    problem = too_long(load_district(config), workbooks, outputs,
                       getattr(args, "year", None) or date.today().year, args.organ)
    if problem:
        raise CannotRun(problem)


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_CANNOT_RUN
    from pipeline.cli import commands
    from pipeline.cli.terminal import CannotRun
    from pipeline.core.config import ConfigError
    from pipeline.notebooks import NotebookError

    try:
        if args.command != "rules":  # the only command that touches neither folder
            _paths_fit(args)
        return getattr(commands, f"cmd_{args.command}")(args)
    except (ConfigError, CannotRun) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except NotebookError as exc:  # the run started but could not finish its outputs
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FINDINGS
