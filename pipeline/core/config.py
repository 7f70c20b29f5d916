"""The one configuration source, xxgk.toml: the organ, its reporting units and its lists; or a
district ([district] and one [[organs]] table per organ, each with its units, the lists shared
under [disclosure] unless the organ gives its own).

A missing or malformed key is reported with the key and the file, in Chinese.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipeline.core import file_names, normalize


class ConfigError(Exception):
    """The configuration cannot be used; the message (Chinese) names the file and the key."""


@dataclass(frozen=True)
class Organ:
    name: str
    short_name: str
    contact_office: str
    address: str
    postcode: str
    phone: str
    supervision_phone: str
    contact_person: str
    contact_mobile: str
    legal_basis: tuple[str, ...]
    kind: str = ""  # 街道 / 镇 / 部门 / 区政府 in a district; "" when not given


@dataclass(frozen=True)
class Config:
    path: Path
    organ: Organ
    units: tuple[str, ...]
    categories: tuple[str, ...]
    channels: tuple[str, ...]
    interpretation_forms: tuple[str, ...]
    application_channels: tuple[str, ...]


@dataclass(frozen=True)
class District:
    """Every organ a configuration describes. A single-organ file is a district of one with no
    name (`single`): its workbooks and outputs folders are the organ's own."""
    path: Path
    name: str
    short_name: str
    organs: tuple[Config, ...]

    @property
    def single(self) -> bool:
        return not self.name

    def organ(self, short_name: str) -> Config:
        for cfg in self.organs:
            if cfg.organ.short_name == short_name:
                return cfg
        raise ConfigError(f"配置文件 {self.path} 中没有机关“{short_name}”。可选："
                          f"{'、'.join(c.organ.short_name for c in self.organs)}。")


ORGAN_KINDS = ("区政府", "部门", "街道", "镇")


# Kinds of organ with no power to make 规章 (only ministries and the governments of provinces
# and of cities with districts have it): a figure there is almost surely misplaced. An organ
# whose kind is not given is taken as xxgk's first user, a 街道.
NO_RULE_MAKING = {"街道": "街道办事处", "镇": "镇人民政府", "": "街道办事处"}

_DISCLOSURE_KEYS = ("categories", "channels", "interpretation_forms", "application_channels")

_ORGAN_KEYS = ("name", "short_name", "contact_office", "address", "postcode", "phone",
               "supervision_phone", "contact_person", "contact_mobile")


def _get(table: dict, section: str, key: str, path: Path, kind: type):
    if key not in table:
        raise ConfigError(f"配置文件 {path} 缺少 [{section}] 下的 {key}，请补上。")
    value = table[key]
    if kind is str:
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"配置文件 {path} 中 [{section}] {key} 应为非空文字。")
        return value.strip()
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, str) and v.strip() for v in value)):
        raise ConfigError(f"配置文件 {path} 中 [{section}] {key} 应为非空的文字列表，如 [\"甲\", \"乙\"]。")
    items = tuple(v.strip() for v in value)
    dup = sorted({v for v in items if items.count(v) > 1})
    if dup:
        raise ConfigError(f"配置文件 {path} 中 [{section}] {key} 有重复项：{'、'.join(dup)}。")
    return items


def _section(data: dict, name: str, path: Path) -> dict:
    table = data.get(name)
    if not isinstance(table, dict):
        raise ConfigError(f"配置文件 {path} 缺少 [{name}] 部分。")
    return table


def _unit_names(units: tuple[str, ...], path: Path) -> tuple[str, ...]:
    """Unit names are matched against the workbooks' headers: one holding an invisible
    character, or two that are one name written two ways (full-width or compatibility
    forms), would make files of one unit look like another's."""
    seen: dict[str, str] = {}
    for unit in units:
        hidden = normalize.invisible(unit)
        if hidden:
            raise ConfigError(
                f"配置文件 {path} 中 [units] names 的“{unit}”含有看不见的字符："
                f"{normalize.describe_invisible(hidden)}。这类字符常随复制粘贴带入，"
                "会使报表上的单位名称对不上。请在配置文件中重新输入这个单位名称。")
        same = seen.setdefault(normalize.identity(unit), unit)
        if same != unit:
            raise ConfigError(
                f"配置文件 {path} 中 [units] names 的“{same}”和“{unit}”是同一个名称的不同写法"
                f"（全角与半角字符，或兼容汉字与常用汉字，统一后都是“{normalize.identity(unit)}”）。"
                "请只保留一个，并统一写法。")
    return units


def _file_name(value: str, path: Path, where: str, what: str) -> str:
    """A name that becomes part of file or folder names must be one Windows accepts."""
    problem = file_names.name_problem(value)
    if problem:
        raise ConfigError(f"配置文件 {path} 中 {where} 的{what}“{value}”{problem}。"
                          f"{what}会用作文件名或文件夹名，必须是 Windows 允许的名称。")
    return value


def _read(path: Path) -> dict:
    if not path.is_file():
        raise ConfigError(f"找不到配置文件 {path}。请在项目根目录运行，或用 --config 指定。")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件 {path} 不是 UTF-8 编码，请另存为 UTF-8。") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 格式有误：{exc}") from None


def _organ_config(path: Path, organ_t: dict, section: str, units: tuple[str, ...],
                  units_key: str, disclosure: dict, disclosure_section: str) -> Config:
    kind = organ_t.get("kind", "")
    if kind and kind not in ORGAN_KINDS:
        raise ConfigError(f"配置文件 {path} 中 [{section}] kind 应为{'、'.join(ORGAN_KINDS)}之一，"
                          f"现为“{kind}”。")
    organ = Organ(**{k: _get(organ_t, section, k, path, str) for k in _ORGAN_KEYS},
                  legal_basis=_get(organ_t, section, "legal_basis", path, list), kind=kind)
    _file_name(organ.name, path, f"[{section}] name", "机关名称")
    _file_name(organ.short_name, path, f"[{section}] short_name", "机关简称")
    lists = {k: _get(disclosure, disclosure_section, k, path, list) for k in _DISCLOSURE_KEYS}
    for unit in _unit_names(units, path):
        _file_name(unit, path, units_key, "单位名称")
    return Config(path=path, organ=organ, units=units, **lists)


def load_district(path: str | Path) -> District:
    """Every organ of the configuration (one, unnamed, for a single-organ file)."""
    path = Path(path)
    data = _read(path)
    if "district" not in data:
        return District(path, "", "", (_single(path, data),))
    district_t = _section(data, "district", path)
    organs_t = data.get("organs")
    if not isinstance(organs_t, list) or not organs_t:
        raise ConfigError(f"配置文件 {path} 有 [district]，但没有任何 [[organs]]（每个机关一段）。")
    shared = data.get("disclosure", {})
    organs = []
    for i, organ_t in enumerate(organs_t, start=1):
        section = f"organs 第{i}个"
        own = organ_t.get("disclosure", {})
        lists = {**shared, **own}
        organs.append(_organ_config(path, organ_t, section,
                                    _get(organ_t, section, "units", path, list), f"[{section}] units",
                                    lists,
                                    f"{section} disclosure" if own else "disclosure"))
    shorts = [c.organ.short_name for c in organs]
    dup = sorted({s for s in shorts if shorts.count(s) > 1})
    if dup:
        raise ConfigError(f"配置文件 {path} 中有两个机关的简称相同：{'、'.join(dup)}。"
                          "简称用作文件夹名，必须各不相同。")
    name = _file_name(_get(district_t, "district", "name", path, str), path, "[district] name",
                      "全区名称")
    return District(path, name, _get(district_t, "district", "short_name", path, str),
                    tuple(organs))


def _single(path: Path, data: dict) -> Config:
    organ_t = _section(data, "organ", path)
    units_t = _section(data, "units", path)
    return _organ_config(path, organ_t, "organ", _get(units_t, "units", "names", path, list),
                         "[units] names", _section(data, "disclosure", path), "disclosure")


def load_config(path: str | Path, organ: str = "") -> Config:
    """One organ's configuration: the file's organ, or in a district the organ `organ`."""
    district = load_district(path)
    if district.single:
        return district.organs[0]
    if not organ:
        raise ConfigError(f"配置文件 {district.path} 描述的是{district.name}的多个机关，"
                          f"请用 --organ 指定一个：{'、'.join(c.organ.short_name for c in district.organs)}。")
    return district.organ(organ)
