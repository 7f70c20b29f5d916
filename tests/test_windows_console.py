"""The office's own computers (issue 18): the package imports without POSIX-only modules, and
every command's output survives a GBK console or a redirected file.

"𠀀" (U+20000) is outside GBK: a unit named with it is what breaks a GBK console."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

XXGK = Path(sys.executable).with_name("xxgk")
ROOT = Path(__file__).resolve().parent.parent
RARE = "𠀀"

_BLOCKED_IMPORTS = """
import importlib, pkgutil, sys, warnings
BLOCKED = {"fcntl", "pwd", "grp", "resource", "termios", "tty", "pty", "syslog", "crypt", "spwd"}
for name in list(sys.modules):
    if name.split(".")[0] in BLOCKED:
        del sys.modules[name]

class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"POSIX only: {name}")

sys.meta_path.insert(0, Blocker())
warnings.simplefilter("ignore")  # filelock: "only soft file lock is available" without fcntl
try:
    import fcntl  # noqa: F401
    sys.exit("the blocker let fcntl through")
except ImportError:
    pass
import pipeline
names = [info.name for info in pkgutil.walk_packages(pipeline.__path__, "pipeline.")]
failed = []
for name in names:
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {exc!r}")
print(len(names))
print("\\n".join(failed))
"""


def test_every_module_imports_without_posix_only_modules():
    """What Windows lacks (fcntl, pwd, grp, resource, termios …) is imported nowhere at module
    level: each module of the package imports with those made unimportable."""
    done = subprocess.run([sys.executable, "-c", _BLOCKED_IMPORTS], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    count, _, failed = done.stdout.partition("\n")
    assert failed.strip() == ""
    assert int(count) > 80  # the walk really went through the package


@pytest.fixture(scope="module")
def rare_office(tmp_path_factory) -> Path:
    """A one-organ configuration with a unit named with a character GBK lacks, and its first
    quarter's blank workbooks (`xxgk init`)."""
    folder = tmp_path_factory.mktemp("rare")
    text = (ROOT / "tests" / "single_organ.toml").read_text(encoding="utf-8")
    text = re.sub(r"names = \[.*?\]", f'names = ["街道本级", "{RARE}社区"]', text, flags=re.S)
    (folder / "xxgk.toml").write_text(text, encoding="utf-8")
    done = _run(folder, "init", "--year", "2023", "--quarter", "1")
    assert done.returncode == 0, done.stderr
    return folder


def _run(folder: Path, *args: str, encoding: str = "gbk",
         command: tuple[str, ...] = (str(XXGK),)) -> subprocess.CompletedProcess:
    """A command with stdout and stderr piped (not a terminal) in the given encoding; the
    bytes are returned as they were written."""
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    env.pop("PYTHONUTF8", None)
    return subprocess.run([*command, *args], cwd=folder, env=env, capture_output=True,
                          timeout=120)


def _gbk(done: subprocess.CompletedProcess) -> tuple[str, str]:
    """stdout and stderr decoded as GBK: raises if anything else was written."""
    return done.stdout.decode("gbk"), done.stderr.decode("gbk")


def test_status_to_a_gbk_console_replaces_what_gbk_lacks(rare_office):
    done = _run(rare_office, "status", "--year", "2023")
    out, err = _gbk(done)
    assert done.returncode == 0, err
    assert "Traceback" not in err and err == ""
    assert "?社区    未填" in out  # the unit's row, its name's rare character replaced
    assert "街道本级  未填" in out


def test_python_m_pipeline_is_the_same_command(rare_office):
    """`python -m pipeline` (no script, no make) prints what `xxgk` prints."""
    by_script = _run(rare_office, "status", "--year", "2023")
    by_module = _run(rare_office, "status", "--year", "2023",
                     command=(sys.executable, "-m", "pipeline"))
    assert by_module.returncode == by_script.returncode == 0
    assert by_module.stdout == by_script.stdout
    assert "第1季度".encode("gbk") in by_module.stdout


def test_check_findings_naming_the_unit_reach_a_gbk_pipe(rare_office):
    done = _run(rare_office, "check", "--year", "2023")
    out, err = _gbk(done)
    assert "Traceback" not in err
    assert done.returncode == 0  # warnings only: the blank returns of one quarter
    assert "[警告 CS001] ?社区没有2023年第4季度报表" in out
    assert "审核完成：错误 0 条" in out


def test_json_is_utf8_whatever_the_console(rare_office):
    done = _run(rare_office, "check", "--year", "2023", "--json")
    assert done.returncode == 0, done.stderr.decode("gbk")
    found = json.loads(done.stdout.decode("utf-8"))
    assert {f["unit"] for f in found if f["rule"] == "CS001"} == {"街道本级", f"{RARE}社区"}


def test_help_and_errors_on_a_gbk_console(rare_office):
    helped = _run(rare_office, "--help")
    assert helped.returncode == 0
    assert "用法：xxgk" in _gbk(helped)[0]
    # argparse's error, naming the rare character typed as a year: exit 2, the character replaced
    wrong_year = _run(rare_office, "status", "--year", RARE)
    out, err = _gbk(wrong_year)
    assert wrong_year.returncode == 2
    assert "年度应为四位数字，如 2023，而不是“?”" in err and "Traceback" not in err
    # the command's own error (exit 2)
    wrong_organ = _run(rare_office, "status", "--year", "2023", "--organ", RARE)
    out, err = _gbk(wrong_organ)
    assert wrong_organ.returncode == 2
    assert err.startswith("错误：配置文件 xxgk.toml 只有一个机关“团结大街街道”，没有“?”。")


def test_a_utf8_pipe_keeps_every_character(rare_office):
    """Where the environment's encoding can show the character, it is kept, not replaced."""
    done = _run(rare_office, "status", "--year", "2023", encoding="utf-8")
    assert done.returncode == 0
    assert f"{RARE}社区".encode() in done.stdout
