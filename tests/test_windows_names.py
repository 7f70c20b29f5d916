"""File names and paths Windows accepts (issue 18): a unit or organ name that would make a file
name Windows refuses is a configuration error naming it; a path too long for Windows stops the
run before anything is written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.build import long_paths
from pipeline.build.long_paths import MAX_PATH, longest_path, too_long
from pipeline.cli.main import main
from pipeline.core.config import ConfigError, load_config, load_district
from pipeline.core.file_names import name_problem

ROOT = Path(__file__).resolve().parent.parent


def _single_with_units(tmp_path: Path, *units: str) -> Path:
    text = (ROOT / "tests" / "single_organ.toml").read_text(encoding="utf-8")
    names = json.dumps(list(units), ensure_ascii=False)  # a TOML array of basic strings
    text = re.sub(r"names = \[.*?\]", lambda _: f"names = {names}", text, flags=re.S)
    path = tmp_path / "xxgk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("char", "instead"), [
    ("<", "＜"), (">", "＞"), (":", "："), ('"', "＂"), ("/", "／"), ("\\", "＼"), ("|", "｜"),
    ("?", "？"), ("*", "＊")])
def test_a_unit_name_with_a_character_windows_forbids(tmp_path, char, instead):
    path = _single_with_units(tmp_path, "街道本级", f"青松{char}社区")
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    message = str(exc.value)
    assert f"[units] names 的单位名称“青松{char}社区”含有 Windows 文件名不允许的字符“{char}”" in message
    assert f"请改为“青松{instead}社区”" in message


def test_a_control_character_is_named_by_its_code(tmp_path):
    path = _single_with_units(tmp_path, "青松\t社区")
    with pytest.raises(ConfigError, match="控制字符 U\\+0009。请改为“青松社区”"):
        load_config(path)


@pytest.mark.parametrize("name", ["青松社区.", "青松社区..."])
def test_a_trailing_dot(tmp_path, name):
    with pytest.raises(ConfigError, match=f"“{re.escape(name)}”以“\\.”结尾.*请改为“青松社区”"):
        load_config(_single_with_units(tmp_path, name))


@pytest.mark.parametrize("name", ["CON", "nul", "Aux", "PRN", "COM1", "lpt9", "CON.txt", "com3.社区"])
def test_a_reserved_device_name(tmp_path, name):
    with pytest.raises(ConfigError, match=f"“{re.escape(name)}”是 Windows 保留的设备名"):
        load_config(_single_with_units(tmp_path, "街道本级", name))


@pytest.mark.parametrize("name", ["青松社区（一）", "COM10", "CONSOLE", "LPT", "A.B社区", "第1.5网格",
                                  "𠀀社区", "青松－社区"])
def test_names_windows_accepts(name):
    assert name_problem(name) is None


def test_an_organ_short_name_in_a_district(tmp_path):
    """The short name is a folder name (workbooks/<short>/, outputs/<year>/<short>/)."""
    text = (ROOT / "xxgk.toml").read_text(encoding="utf-8")
    assert text.count('short_name = "演示路街道"') == 1
    path = tmp_path / "xxgk.toml"
    path.write_text(text.replace('short_name = "演示路街道"', 'short_name = "演示路/街道"'),
                    encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_district(path)
    assert ("[organs 第2个] short_name 的机关简称“演示路/街道”含有 Windows 文件名不允许的字符“/”。"
            "请改为“演示路／街道”") in str(exc.value)


def _folder(base: Path, length: int) -> Path:
    """A folder under `base` whose absolute path is exactly `length` characters, in folders
    of up to 40 Chinese characters (Linux allows 255 bytes a name)."""
    folder = base.resolve()
    while (pad := length - len(str(folder)) - 1) > 0:
        folder /= "深" * min(pad, 40) if pad != 41 else "深" * 39
    assert len(str(folder)) == length
    return folder


def test_the_longest_path_of_the_district_from_a_folder_100_deep(tmp_path):
    """From an outputs folder 100 characters deep the longest path is the report of the organ
    with the longest name: 100 + "/2023/团结大街街道/report/" (20) + the title (33) + ".docx" (5),
    and 14 more for its temp file; well within Windows' limit."""
    district = load_district(ROOT / "xxgk.toml")
    deep = _folder(tmp_path, 100)
    path, length = longest_path(district, deep / "w", deep, 2023)
    assert path == deep / "2023/团结大街街道/report/包头市昆都仑区团结大街街道办事处2023年政府信息公开工作年度报告.docx"
    assert length == 100 + 20 + 33 + 5 + 14
    assert too_long(district, deep / "w", deep, 2023) is None


def test_a_folder_one_character_too_deep(tmp_path):
    """259 characters fit (MAX_PATH 260 holds the terminating NUL); 260 do not."""
    district = load_district(ROOT / "xxgk.toml")
    fits = _folder(tmp_path, MAX_PATH - (20 + 33 + 5 + 14))
    assert too_long(district, tmp_path, fits, 2023) is None
    deeper = Path(f"{fits}深")
    message = too_long(district, tmp_path, deeper, 2023)
    assert message.startswith(f"路径过长：{deeper}/2023/团结大街街道/report/包头市昆都仑区团结大街街道办事处"
                              "2023年政府信息公开工作年度报告.docx（246 个字符，写入时的临时文件名还要多 14 个），"
                              "超过 Windows 允许的 259 个字符")


def test_a_unit_outside_the_bmp_counts_two(tmp_path):
    """Windows counts UTF-16 code units: "𠀀" is two."""
    (tmp_path / "rare").mkdir()
    (tmp_path / "plain").mkdir()
    rare = load_district(_single_with_units(tmp_path / "rare", "𠀀" * 10))
    plain = load_district(_single_with_units(tmp_path / "plain", "一" * 10))
    folder = _folder(tmp_path, 150)
    assert longest_path(rare, folder, tmp_path, 2023)[1] - longest_path(plain, folder, tmp_path,
                                                                         2023)[1] == 10


def test_a_command_with_a_too_deep_outputs_folder_writes_nothing(tmp_path, capsys):
    outputs = _folder(tmp_path, 240)
    code = main(["check", "--year", "2023", "--config", str(ROOT / "xxgk.toml"),
                 "--workbooks", str(ROOT / "workbooks"), "--outputs", str(outputs)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"错误：路径过长：{outputs}/2023/团结大街街道/report/")
    assert "请把报表目录和输出目录移到较浅的文件夹" in err
    assert not outputs.exists()


def test_a_long_unit_name_makes_its_dashboard_pdf_the_longest(tmp_path):
    """The page of a unit, printed to PDF, is the longest path under a deep outputs folder when
    the unit's name is long; long_paths names it as dashboards.site and .pdf do."""
    from pipeline.dashboards.pdf import pdf_path
    from pipeline.dashboards.site import INDEX, PLOTLY_JS, page_name

    unit = "青松社区第一网格" * 5
    district = load_district(_single_with_units(tmp_path, "街道本级", unit))
    outputs = _folder(tmp_path, 150)
    path, length = longest_path(district, tmp_path / "w", outputs, 2023)
    assert path == outputs / "2023" / "dashboards" / "PDF" / f"{unit}.pdf"
    assert length == 150 + len("/2023/dashboards/PDF/") + 40 + len(".pdf") + 14
    assert path == pdf_path(outputs / "2023" / "dashboards" / page_name(unit))
    assert (long_paths._INDEX, long_paths._PLOTLY_JS) == (INDEX, PLOTLY_JS)
