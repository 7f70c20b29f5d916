"""Filing the workbooks officers mail back, whatever they named them.

Each file in the inbox (and its subfolders, and the zips it holds: inbox_zip) is identified by
the header written inside it, not by its name, and copied to its place under workbooks/. The
inbox is only ever read. A different
file already in that place is moved to the quarter's 历史版本 folder, never overwritten; a file
that cannot be placed is listed with the reason.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.core.atomic import atomic_path
from pipeline.core.config import Config
from pipeline.core.findings import Finding, finding, format_finding
from pipeline.core.records import Header
from pipeline.workbooks import filenames, folders, identity, inbox_zip, layout, reading, scanned


@dataclass(frozen=True)
class Filed:
    """An inbox file with a place under workbooks/: where it went and what it displaced."""

    source: str           # path relative to the inbox
    header: Header
    target: Path          # its canonical place
    earlier: tuple[Path, ...] = ()  # where the files it replaced were moved
    final: bool = False   # it replaced a workbook of a year whose final report was made


@dataclass(frozen=True)
class Rejected:
    source: str
    finding: Finding

    @property
    def reason(self) -> str:
        return self.finding.message


@dataclass
class CollectReport:
    workbooks_dir: Path
    placed: list[Filed] = field(default_factory=list)
    replaced: list[Filed] = field(default_factory=list)
    unchanged: list[Filed] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [r.finding for r in self.rejected]

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    def _rel(self, path: Path) -> str:
        return folders.relative_name(self.workbooks_dir, path)

    def lines(self) -> list[str]:
        """What collect did, one Chinese line per file, then a count."""
        out = [f"已归档：{f.source} → {self._rel(f.target)}" for f in self.placed]
        out += [f"已替换：{f.source} → {self._rel(f.target)}（原文件保留为 "
                f"{'、'.join(self._rel(p) for p in f.earlier)}）"
                + (f"。注意：{f.header.year}年的正式年报是用原文件生成的，请重新生成年度报告并核对"
                   if f.final else "")
                for f in self.replaced]
        out += [f"已是最新，无需归档：{f.source}（与 {self._rel(f.target)} 相同）"
                for f in self.unchanged]
        out += [f"未归档：{format_finding(r.finding)}" for r in self.rejected]
        total = len(self.placed) + len(self.replaced) + len(self.unchanged) + len(self.rejected)
        out.append(f"收件箱共 {total} 个文件：新归档 {len(self.placed)} 个，替换 {len(self.replaced)} 个，"
                   f"无需归档 {len(self.unchanged)} 个，未归档 {len(self.rejected)} 个。")
        return out


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _inbox_files(inbox: Path, workbooks_dir: Path, year: int
                 ) -> tuple[list[Path], list[Rejected]]:
    """Every file under the inbox, sorted, except temp files and anything already under
    workbooks/ (so an inbox that contains the workbooks folder is not filed onto itself); and
    every entry that is not a regular file, never opened (a FIFO would block the read), with
    the reason (folders.odd_entry): a folder only when it is named like a workbook."""
    workbooks = workbooks_dir.resolve()
    files, odd = [], []
    for p in sorted(inbox.rglob("*")):
        if filenames.is_temporary(p.name) or p.resolve().is_relative_to(workbooks):
            continue
        if p.is_file():
            files.append(p)
        elif not p.is_dir() or p.suffix.lower() in filenames.WORKBOOK_SUFFIXES:
            what = folders.odd_entry(p)
            if what is not None:
                rel = folders.relative_name(inbox, p)
                odd.append(Rejected(rel, finding("IN014", file=rel, year=year, what=what[0],
                                                 advice=what[1])))
    return files, odd


def _identify(cfg: Config, root: Path, path: Path, rel: str, year: int) -> Header | Finding:
    """The header of an inbox file if it can be filed for `year`, else why not. `rel` names
    the file in messages; `root` is the folder it was found in (the inbox, or where a zip was
    unpacked)."""
    suffix = path.suffix.lower()
    if suffix not in filenames.WORKBOOK_SUFFIXES:
        return finding("CO001", file=rel, year=year, suffix=path.suffix or "无")
    try:
        with path.open("rb") as fh:
            start = fh.read(8)
    except OSError as exc:
        return finding("CO003", file=rel, year=year,
                       detail=f"系统无法读取此文件（{type(exc).__name__}），请确认它没有被其他程序占用。")
    if not start.startswith(scanned.SPREADSHEET_MAGIC):
        return finding("CO002", file=rel, year=year, suffix=path.suffix)
    result = reading.ingest_file(cfg, root, path)  # stops after the header: inbox names are free
    header = result.header
    if header is None:
        detail = next(f.message for f in result.findings if f.severity == "error")
        return finding("CO003", file=rel, year=year, detail=detail)
    where = {"unit": header.unit, "file": rel, "year": year, "sheet": layout.SHEET_HEADER}
    if header.year != year:
        return finding("CO004", cell=layout.HEADER_CELLS["year"], found=header.year,
                       wanted=year, file_quarter=header.quarter, **where)
    unit = identity.configured_unit(cfg, header.unit)
    if unit is None:
        return finding("CO005", cell=layout.HEADER_CELLS["unit"], name=header.unit,
                       units="、".join(cfg.units), **where)
    if header.version not in layout.SUPPORTED_VERSIONS:
        return finding("CO006", cell=layout.HEADER_CELLS["version"], version=header.version,
                       supported="、".join(layout.SUPPORTED_VERSIONS), file_year=year,
                       file_quarter=header.quarter, **where)
    return Header(unit, header.year, header.quarter, header.version, rel)


def _conflicts(headers: dict[Path, Header], year: int) -> dict[Path, Finding]:
    """Inbox files claiming the same unit-quarter with different bytes: none of them is filed."""
    groups: dict[tuple[str, int], list[Path]] = {}
    for path, h in headers.items():
        groups.setdefault((h.unit, h.quarter), []).append(path)
    out = {}
    for (unit, quarter), paths in groups.items():
        if len({_digest(p) for p in paths}) > 1:
            files = "、".join(headers[p].file for p in paths)
            for p in paths:
                out[p] = finding("CO007", unit=unit, file=headers[p].file, year=year,
                                 count=len(paths), name=unit, file_year=year,
                                 file_quarter=quarter, files=files)
    return out


def _canonical_target(workbooks_dir: Path, header: Header, suffix: str) -> Path:
    """The file's place: the conventional name with the file's own spreadsheet suffix."""
    base = filenames.quarter_path(workbooks_dir, header.year, header.quarter, header.unit)
    return base.with_suffix(suffix.lower())


def _in_place(target: Path) -> list[Path]:
    """Files already holding the target's unit-quarter, in any spreadsheet format."""
    if not target.parent.is_dir():
        return []
    return sorted(p for p in target.parent.iterdir()
                  if p.is_file() and p.stem == target.stem
                  and p.suffix.lower() in filenames.WORKBOOK_SUFFIXES)


def earlier_version_path(path: Path, when: datetime) -> Path:
    """A free name for a displaced file in 历史版本, dated when it was displaced."""
    folder = path.parent / filenames.EARLIER_VERSIONS_DIR
    stamp = when.strftime("%Y%m%d-%H%M%S")
    candidate = folder / f"{path.stem}.{stamp}{path.suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{path.stem}.{stamp}-{n}{path.suffix}"
        n += 1
    return candidate


def _file(src: Path, header: Header, workbooks_dir: Path, when: datetime,
          report: CollectReport, final: dict | None, replace_final: bool) -> None:
    """Copy one identified file to its place (copy2, atomically), moving aside what differs;
    in a year whose final report was made, only when told to (`replace_final`)."""
    target = _canonical_target(workbooks_dir, header, src.suffix)
    same = target.is_file() and _digest(target) == _digest(src)
    displaced = [p for p in _in_place(target) if not (same and p == target)]
    if same and not displaced:
        report.unchanged.append(Filed(header.file, header, target))
        return
    if displaced and final is not None and not replace_final:
        report.rejected.append(Rejected(header.file, finding(
            "CO008", unit=header.unit, file=header.file, year=header.year,
            final_year=header.year, built=str(final.get("built", "")).replace("T", " "),
            target="、".join(f"“{folders.relative_name(workbooks_dir, p)}”" for p in displaced))))
        return
    earlier = []
    with atomic_path(target) as tmp:
        shutil.copy2(src, tmp)
        for old in displaced:
            backup = earlier_version_path(old, when)
            backup.parent.mkdir(parents=True, exist_ok=True)
            old.rename(backup)
            earlier.append(backup)
    filed = Filed(header.file, header, target, tuple(earlier), final=final is not None)
    (report.replaced if earlier else report.placed).append(filed)


@dataclass(frozen=True)
class Place:
    """Where one organ's returns go: its configuration, its workbooks folder, and the record
    of its year's final report (build.read_final), if one was made."""
    cfg: Config
    workbooks_dir: Path
    final: dict | None = None


def collect(cfg: Config, inbox: Path, workbooks_dir: Path, year: int, *,
            final: dict | None = None, replace_final: bool = False,
            now: datetime | None = None) -> CollectReport:
    """File every workbook of `year` found in the inbox under workbooks/; never touch the inbox.

    `final`: the record of the year's final report (build.read_final), if one was made: then a
    workbook already filed is replaced only with `replace_final`. `now` dates the earlier
    versions moved aside (the current time by default)."""
    reports, _ = collect_district({"": Place(cfg, Path(workbooks_dir), final)}, inbox,
                                  Path(workbooks_dir), year, replace_final=replace_final, now=now)
    return reports[""]


def collect_district(places: dict[str, Place], inbox: Path, workbooks_dir: Path, year: int, *,
                     replace_final: bool = False, now: datetime | None = None
                     ) -> tuple[dict[str, CollectReport], CollectReport]:
    """`collect` for the organs of `places` (by short name) at once: each return goes to the
    organ whose units hold its 填报单位 (a name several organs share cannot be routed: CO012).
    Returns each organ's report and one of what could not be routed (`workbooks_dir`: the
    district's workbooks folder); with one organ, its report holds everything."""
    inbox = Path(inbox)
    when = now or datetime.now()
    reports = {organ: CollectReport(place.workbooks_dir) for organ, place in places.items()}
    unrouted = CollectReport(Path(workbooks_dir))
    headers: dict[str, dict[Path, Header]] = {organ: {} for organ in places}
    files, unrouted.rejected = _inbox_files(inbox, Path(workbooks_dir), year)
    with tempfile.TemporaryDirectory(prefix="xxgk-collect-") as unpacked:
        for root, path, rel in _sources(inbox, files, Path(unpacked), year, unrouted):
            organ = _organ_of(places, root, path, rel, year)
            if isinstance(organ, Finding):
                unrouted.rejected.append(Rejected(rel, organ))
                continue
            identified = _identify(places[organ].cfg, root, path, rel, year)
            if isinstance(identified, Finding):
                reports[organ].rejected.append(Rejected(rel, identified))
            else:
                headers[organ][path] = identified
        for organ, found in headers.items():
            place, report = places[organ], reports[organ]
            conflicts = _conflicts(found, year)
            for path, header in found.items():
                if path in conflicts:
                    report.rejected.append(Rejected(header.file, conflicts[path]))
                else:
                    _file(path, header, place.workbooks_dir, when, report, place.final,
                          replace_final)
    if len(places) == 1:  # one organ: what the inbox held that is no return is its report's
        [report] = reports.values()
        report.rejected[:0], unrouted.rejected = unrouted.rejected, []
    return reports, unrouted


def _organ_of(places: dict[str, Place], root: Path, path: Path, rel: str, year: int
              ) -> str | Finding:
    """The organ a return belongs to, by the 填报单位 written in it. The only organ of a
    single organ's collect takes every file (its own checks name what is wrong); a file that
    is not a readable return belongs to no organ, and the checks say why."""
    first = next(iter(places))
    if len(places) == 1:
        return first
    unreadable = _identify(places[first].cfg, root, path, rel, year)
    if isinstance(unreadable, Finding) and unreadable.rule in ("CO001", "CO002", "CO003"):
        return unreadable
    header = reading.ingest_file(places[first].cfg, root, path).header
    owners = [organ for organ, place in places.items()
              if identity.configured_unit(place.cfg, header.unit) is not None]
    if len(owners) == 1:
        return owners[0]
    where = {"unit": header.unit, "file": rel, "year": year, "sheet": layout.SHEET_HEADER,
             "cell": layout.HEADER_CELLS["unit"], "name": header.unit}
    if not owners:
        return finding("CO011", **where)
    return finding("CO012", organs="、".join(owners), **where)


def _sources(inbox: Path, files: list[Path], unpacked: Path, year: int,
             report: CollectReport) -> list[tuple[Path, Path, str]]:
    """(folder, file, name for messages) of every file to identify: the inbox's own, and in
    place of each zip the workbooks it holds, unpacked under `unpacked` (inbox_zip); what a
    zip holds that cannot be taken out is rejected here."""
    out = []
    for i, path in enumerate(files):
        rel = folders.relative_name(inbox, path)
        if path.suffix.lower() != inbox_zip.ZIP_SUFFIX:
            out.append((inbox, path, rel))
            continue
        folder = unpacked / str(i)
        members, refused = inbox_zip.expand(path, rel, folder, year)
        out += [(folder, m.path, m.name) for m in members]
        report.rejected += [Rejected(name, f) for name, f in refused]
    return out
