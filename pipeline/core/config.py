"""The one configuration source, xxgk.toml: the organ, its reporting units and its lists.

A missing or malformed key is reported with the key and the file, in Chinese.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipeline.core import normalize


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


@dataclass(frozen=True)
class Config:
    path: Path
    organ: Organ
    units: tuple[str, ...]
    categories: tuple[str, ...]
    channels: tuple[str, ...]
    interpretation_forms: tuple[str, ...]
    application_channels: tuple[str, ...]


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


def load_config(path: str | Path) -> Config:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"找不到配置文件 {path}。请在项目根目录运行，或用 --config 指定。")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件 {path} 不是 UTF-8 编码，请另存为 UTF-8。") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 格式有误：{exc}") from None
    organ_t = _section(data, "organ", path)
    organ = Organ(**{k: _get(organ_t, "organ", k, path, str) for k in _ORGAN_KEYS},
                  legal_basis=_get(organ_t, "organ", "legal_basis", path, list))
    units_t = _section(data, "units", path)
    disc = _section(data, "disclosure", path)
    return Config(
        path=path,
        organ=organ,
        units=_unit_names(_get(units_t, "units", "names", path, list), path),
        categories=_get(disc, "disclosure", "categories", path, list),
        channels=_get(disc, "disclosure", "channels", path, list),
        interpretation_forms=_get(disc, "disclosure", "interpretation_forms", path, list),
        application_channels=_get(disc, "disclosure", "application_channels", path, list),
    )
