"""The command line: Chinese help, exit codes, configuration errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli.main import main
from pipeline.cli.parser import build_parser

SUBCOMMANDS = ["init", "collect", "check", "tables", "build", "dashboards", "report", "status",
               "rules", "sample", "pack", "review"]


def _help(argv, capsys) -> str:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    return capsys.readouterr().out


def _english_words(text: str) -> list[str]:
    """English words in help text, other than option names, metavars and program names."""
    text = re.sub(r"--?[\w-]+", "", text)
    words = re.findall(r"[A-Za-z]{3,}", text)
    allowed = {"xxgk", "JSON", "Word", "toml", "python", "init", "check", "build", "history",
               "draft", "collect", "dashboards", "report", "status", "rules", "sample",
               "version", "help", "quarter", "year", "json", "unit", "config", "workbooks",
               "outputs", "inbox", "force", "tables", "pack"}
    allowed |= {"PDF", "Chromium", "Chrome", "Edge"}  # a format's and browsers' names
    allowed.add("zip")  # the format of a packed file
    allowed |= {"review", "docx", "html", "htm", "pdf", "txt"}  # file types xxgk review reads
    return [w for w in words if w not in allowed]


def test_main_help_is_chinese(capsys):
    out = _help(["--help"], capsys)
    assert out.startswith("用法：xxgk")
    assert "政府信息公开工作年度报告" in out and "退出码" in out
    for name in SUBCOMMANDS:
        assert name in out
    assert _english_words(out) == []


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_subcommand_help_is_chinese(name, capsys):
    out = _help([name, "--help"], capsys)
    assert out.startswith(f"用法：xxgk {name}")
    assert "显示本帮助并退出" in out
    assert _english_words(out) == []


def test_bad_arguments_exit_2_with_chinese_message(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check"])
    assert exc.value.code == 2
    assert "缺少必需的参数：--year" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["check", "--year", "二〇二三"])
    assert exc.value.code == 2
    assert "年度应为四位数字" in capsys.readouterr().err


def test_missing_config_exits_2(tmp_path, capsys):
    code = main(["check", "--year", "2023", "--config", str(tmp_path / "none.toml")])
    assert code == 2
    err = capsys.readouterr().err
    assert "找不到配置文件" in err and "none.toml" in err


def test_bad_config_key_names_key_and_file(tmp_path, repo_root, capsys):
    text = (repo_root / "tests" / "single_organ.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("postcode =", "postcod ="), encoding="utf-8")
    assert main(["status", "--year", "2023", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "postcode" in err and str(bad) in err


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "用法：xxgk" in capsys.readouterr().out


def test_python_dash_m_pipeline_works():
    out = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True,
                         text=True, check=True).stdout
    assert out.startswith("xxgk ")


def test_parser_has_global_options_everywhere():
    parser = build_parser()
    args = parser.parse_args(["status", "--year", "2023", "--workbooks", "w", "--outputs", "o"])
    assert (args.workbooks, args.outputs, args.config) == ("w", "o", "xxgk.toml")


def test_global_option_before_command_is_kept():
    args = build_parser().parse_args(["--config", "x.toml", "check", "--year", "2023"])
    assert args.config == "x.toml"
    args = build_parser().parse_args(["check", "--year", "2023", "--config", "y.toml"])
    assert args.config == "y.toml"


def test_init_writes_every_template_and_never_overwrites(tmp_path, repo_root, config, capsys):
    argv = ["init", "--year", "2024", "--workbooks", str(tmp_path),
            "--config", str(repo_root / "tests" / "single_organ.toml")]
    assert main(argv) == 0
    files = sorted(tmp_path.rglob("*.xlsx"))
    assert len(files) == len(config.units) * 4
    assert (tmp_path / "2024" / "第3季度" / "2024年第3季度-青松社区.xlsx") in files
    before = {p: p.read_bytes() for p in files}
    capsys.readouterr()
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "共生成 0 本，更新 0 本，跳过 28 本" in out
    assert {p: p.read_bytes() for p in files} == before


def test_init_history_writes_a_blank_published_tables_form(tmp_path, repo_root):
    argv = ["init", "--year", "2020", "--history", "--workbooks", str(tmp_path),
            "--config", str(repo_root / "tests" / "single_organ.toml")]
    assert main(argv) == 0
    assert (tmp_path / "2020" / "2020年已公开报表.xlsx").is_file()


def test_a_second_run_on_the_same_outputs_waits_for_none_and_says_why(repo_root, tmp_path,
                                                                     capsys):
    from pipeline.build import outputs_folder

    out = tmp_path / "outputs"
    argv = ["check", "--year", "2023", "--config", str(repo_root / "tests" / "single_organ.toml"),
            "--workbooks", str(repo_root / "workbooks" / "团结大街街道"), "--outputs", str(out)]
    with outputs_folder.outputs_lock(out):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "另一个 xxgk 正在使用输出目录" in err
        assert not (out / outputs_folder.STORE_NAME).exists()
        # a second holder is refused too, in the same process (the lock is per open file)
        with pytest.raises(outputs_folder.Busy):
            with outputs_folder.outputs_lock(out):
                pass
    assert main(argv) == 0           # released: the next run goes ahead
    assert (out / outputs_folder.STORE_NAME).is_file()


def test_a_killed_holder_leaves_no_lock_behind(tmp_path):
    from pipeline.build import outputs_folder

    out = tmp_path / "outputs"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path\n"
         "from pipeline.build.outputs_folder import outputs_lock\n"
         f"with outputs_lock(Path({str(out)!r})):\n"
         "    print('held', flush=True); time.sleep(120)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        started = time.monotonic()
        with pytest.raises(outputs_folder.Busy):
            with outputs_folder.outputs_lock(out):
                pass
        assert time.monotonic() - started < 1.0  # refused at once, not after a wait
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    with outputs_folder.outputs_lock(out):  # the dead holder's lock went with it
        pass


def test_tables_writes_the_consolidated_workbook_and_check_says_how(repo_root, tmp_path, capsys):
    out = tmp_path / "outputs"
    argv = ["--year", "2023", "--config", str(repo_root / "tests" / "single_organ.toml"),
            "--workbooks", str(repo_root / "workbooks" / "团结大街街道"), "--outputs", str(out)]
    assert main(["check", *argv]) == 0
    assert "请运行 xxgk tables --year 2023，或运行 xxgk build" in capsys.readouterr().out
    assert main(["check", "--json", *argv]) == 0
    assert json.loads(capsys.readouterr().out) == []  # the hint is for people only
    path = out / "2023" / "2023年汇总报表.xlsx"
    path.unlink(missing_ok=True)  # whether or not check wrote it
    assert main(["tables", *argv]) == 0
    printed = capsys.readouterr().out
    assert "审核完成：错误 0 条" in printed
    assert printed.rstrip().endswith(f"汇总报表：{path}")
    assert path.is_file()


@pytest.mark.parametrize("reader", ["head -1", "true"])
def test_output_cut_short_by_the_reader_ends_quietly(reader, tmp_path):
    """`xxgk rules | head -1`: the pipe closes before everything is written (`true` closes it
    before anything is: the write fails for sure). No traceback, only the first line."""
    xxgk = Path(sys.executable).with_name("xxgk")
    err = tmp_path / "stderr.txt"
    out = subprocess.run(f"'{xxgk}' rules 2>'{err}' | {reader}; echo \"exit=${{PIPESTATUS[0]}}\"",
                         shell=True, executable="/bin/bash", capture_output=True, text=True,
                         timeout=120).stdout
    assert err.read_text(encoding="utf-8") == ""
    if reader == "true":  # the write failed: exit 1, as Python itself exits on a closed pipe
        assert out.splitlines() == ["exit=1"]
    else:  # the first line, whether or not the rest still fitted into the pipe
        assert out.splitlines()[0] == "# 审核规则一览 (rule catalogue)"
        assert out.splitlines()[1] in ("exit=0", "exit=1")
