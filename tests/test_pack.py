"""`xxgk pack` (issue 18): the report, the dashboards folder and the findings in one zip whose
names open correctly on Windows: UTF-8 with the UTF-8 flag (bit 11) set, read back from the raw
headers, not only through zipfile."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.cli.main import main
from tests.zips import raw_names

ROOT = Path(__file__).resolve().parent.parent
SINGLE = str(ROOT / "tests" / "single_organ.toml")
TITLE = "包头市昆都仑区团结大街街道办事处2023年政府信息公开工作年度报告"
TOP = "包头市昆都仑区团结大街街道办事处2023年年度报告材料"
UNITS = ["街道本级", "青松社区", "明德社区", "和顺社区", "康宁社区", "兴业社区", "友谊社区"]


def _pack(outputs: Path, *args: str, config: str = SINGLE) -> int:
    return main(["pack", "--config", config, "--outputs", str(outputs),
                 "--workbooks", str(outputs.parent / "workbooks"), *args])


def test_pack_of_a_built_organ(built_sample, tmp_path, capsys):
    target = tmp_path / "送领导" / "报告.zip"
    assert _pack(built_sample.outputs, "--year", "2023", "--output", str(target)) == 0
    assert capsys.readouterr().out == f"已打包：{target}（12 个文件）\n"
    expected = {f"{TOP}/report/{TITLE}.docx", f"{TOP}/report/{TITLE}.html",
                f"{TOP}/2023年审核结果.xlsx", f"{TOP}/dashboards/index.html",
                f"{TOP}/dashboards/plotly.min.js", *(f"{TOP}/dashboards/{u}.html" for u in UNITS)}
    data = target.read_bytes()
    raw = raw_names(data)
    assert {name.decode("utf-8") for name, _, _ in raw} == expected
    assert all(flags & 0x800 and local & 0x800 for _, flags, local in raw)
    with zipfile.ZipFile(target) as zf:
        assert zf.read(f"{TOP}/dashboards/plotly.min.js") == (
            built_sample.outputs / "2023" / "dashboards" / "plotly.min.js").read_bytes()
    assert sorted(p.name for p in target.parent.iterdir()) == ["报告.zip"]  # no temp file left


def test_pack_defaults_to_the_latest_year_and_its_folder(built_sample, tmp_path, capsys):
    """Without --year, the latest year in outputs/; without --output, a zip named after the
    organ in that year's folder (here a copy, the shared build is only read)."""
    outputs = tmp_path / "outputs"
    for p in (built_sample.outputs / "2023").rglob("*"):
        if p.is_file() and "notebooks" not in p.parts:
            (outputs / p.relative_to(built_sample.outputs)).parent.mkdir(parents=True, exist_ok=True)
            (outputs / p.relative_to(built_sample.outputs)).write_bytes(p.read_bytes())
    (outputs / "2022").mkdir()
    (outputs / "2022" / "report").mkdir()
    assert _pack(outputs) == 0
    made = outputs / "2023" / f"{TOP}.zip"
    assert capsys.readouterr().out.startswith(f"已打包：{made}（12 个文件）")
    made.write_bytes(b"old")  # a second pack replaces the zip, and does not pack the old one
    assert _pack(outputs) == 0
    with zipfile.ZipFile(made) as zf:
        assert len(zf.namelist()) == 12


def test_pack_before_build_says_what_is_missing(checked_sample, tmp_path, capsys):
    """After `xxgk check` only the findings exist: they are packed, and the report and the
    dashboards are named as not made yet (exit 1)."""
    target = tmp_path / "a.zip"
    assert _pack(checked_sample.outputs, "--year", "2023", "--output", str(target)) == 1
    out = capsys.readouterr().out
    assert out == (f"已打包：{target}（1 个文件）\n以下成果尚未生成，未打包（请先运行 xxgk build）："
                   f"年度报告 {TITLE}.docx；年度报告 {TITLE}.html；图表文件夹 dashboards\n")
    with zipfile.ZipFile(target) as zf:
        assert zf.namelist() == [f"{TOP}/2023年审核结果.xlsx"]


def test_pack_with_nothing_built_cannot_run(tmp_path, capsys):
    assert _pack(tmp_path / "outputs", "--year", "2023") == 2
    assert "没有 2023 年的年度报告、图表或审核结果，请先运行 xxgk build --year 2023" in (
        capsys.readouterr().err)
    assert _pack(tmp_path / "outputs") == 2
    assert "还没有任何年度的成果" in capsys.readouterr().err


def _fake_district_outputs(outputs: Path) -> None:
    """The files a district's build leaves that pack looks at, with made-up contents."""
    organs = {"团结大街街道": "包头市昆都仑区团结大街街道办事处", "演示路街道": "包头市昆都仑区演示路街道办事处",
              "区演示数据局": "包头市昆都仑区演示数据局"}
    for short, name in organs.items():
        folder = outputs / "2023" / short
        for rel in (f"report/{name}2023年政府信息公开工作年度报告.docx",
                    f"report/{name}2023年政府信息公开工作年度报告.html", "2023年审核结果.xlsx",
                    "2023年汇总报表.xlsx", "dashboards/index.html", "dashboards/plotly.min.js",
                    "dashboards/PDF/index.pdf", "notebooks/dashboard.ipynb",
                    "dashboards/.index.html.abcdefgh.tmp"):
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(rel, encoding="utf-8")
    for rel in ("包头市昆都仑区2023年全区汇总报表.xlsx", "2023年审核结果.xlsx", "notebooks/report.ipynb"):
        (outputs / "2023" / "全区" / rel).parent.mkdir(parents=True, exist_ok=True)
        (outputs / "2023" / "全区" / rel).write_text(rel, encoding="utf-8")


def test_pack_of_a_district_and_of_one_organ(tmp_path, capsys):
    """Every organ in its folder and the 全区 folder (no executed notebooks, no temp files, no
    consolidated tables of the organs); with --organ, that organ alone, as for a single one."""
    outputs = tmp_path / "outputs"
    _fake_district_outputs(outputs)
    district = str(ROOT / "xxgk.toml")
    assert _pack(outputs, "--year", "2023", config=district) == 0
    made = outputs / "2023" / "包头市昆都仑区2023年年度报告材料.zip"
    with zipfile.ZipFile(made) as zf:
        names = zf.namelist()
    top = "包头市昆都仑区2023年年度报告材料"
    assert len(names) == 3 * 6 + 2
    assert f"{top}/演示路街道/dashboards/PDF/index.pdf" in names
    assert f"{top}/全区/包头市昆都仑区2023年全区汇总报表.xlsx" in names
    assert f"{top}/区演示数据局/report/包头市昆都仑区演示数据局2023年政府信息公开工作年度报告.docx" in names
    assert not [n for n in names if "notebooks" in n or ".tmp" in n or "汇总报表.xlsx" in n
                and "全区" not in n]
    capsys.readouterr()
    assert _pack(outputs, "--year", "2023", "--organ", "演示路街道", config=district) == 0
    one = outputs / "2023" / "包头市昆都仑区演示路街道办事处2023年年度报告材料.zip"
    with zipfile.ZipFile(one) as zf:
        assert sorted(zf.namelist()) == sorted(
            f"包头市昆都仑区演示路街道办事处2023年年度报告材料/{rel}" for rel in (
                "report/包头市昆都仑区演示路街道办事处2023年政府信息公开工作年度报告.docx",
                "report/包头市昆都仑区演示路街道办事处2023年政府信息公开工作年度报告.html",
                "2023年审核结果.xlsx", "dashboards/index.html", "dashboards/plotly.min.js",
                "dashboards/PDF/index.pdf"))
