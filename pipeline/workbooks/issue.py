"""Issuing a year's or a quarter's workbooks: new templates carry the applications the quarter
before left open, and a template nobody has typed into is refreshed when more are open now; a
workbook a person has typed into is never written again."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core import normalize, statutory
from pipeline.core.config import Config
from pipeline.core.records import Application
from pipeline.workbooks import filenames, layout, reading, sheet_reading
from pipeline.workbooks.template import RegisterRow, issued_fingerprint, write_workbook


def _previous(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def _existing_workbook(workbooks_dir: Path, year: int, quarter: int, unit: str) -> Path | None:
    """The unit's workbook for a quarter, whichever spreadsheet format it was saved in."""
    base = filenames.quarter_path(workbooks_dir, year, quarter, unit)
    for suffix in filenames.WORKBOOK_SUFFIXES:
        if base.with_suffix(suffix).is_file():
            return base.with_suffix(suffix)
    return None


def _personal_cells(path: Path, app_ids: set[str]) -> dict[str, RegisterRow]:
    """The personal columns of some applications, copied as typed, to carry them into the next
    workbook. They go from workbook to workbook only, never into records."""
    reg = layout.APPLICATIONS
    out: dict[str, RegisterRow] = {}
    with sheet_reading.open_workbook(path) as wb:
        sheet = sheet_reading.read_sheet(wb, reg.sheet)
    for _, cells in sheet_reading.register_rows(sheet, reg):
        app_id = normalize.parse_text(cells[0]).value
        if app_id in app_ids and app_id not in out:
            out[app_id] = {c.key: v for c, v in zip(reg.columns, cells, strict=True)
                           if c.personal}
    return out


def carried_row(cfg: Config, app: Application, personal: RegisterRow) -> RegisterRow:
    """An open application as a register row of the next quarter (answer and outcome blank)."""
    lists = layout.choice_lists(cfg)
    return {
        **personal,
        "app_id": app.app_id, "received": app.received, "channel": app.channel,
        "applicant_class": (statutory.APPLICANT_CLASS_LABELS.get(app.applicant_class)
                            if app.applicant_class else None),
        "correction_sent": app.correction_sent, "correction_received": app.correction_received,
        "extended": lists["list_yes_no"].text(layout.YES if app.extended else layout.NO),
        "consult_days": app.consult_days, "fee": app.fee,
    }


def open_at_end(cfg: Config, workbooks_dir: str | Path, year: int, quarter: int,
                unit: str) -> list[RegisterRow]:
    """Register rows of the unit's applications still open (no answer date or no outcome) in
    its workbook of year/quarter; none if that workbook is missing or unreadable."""
    path = _existing_workbook(Path(workbooks_dir), year, quarter, unit)
    if path is None:
        return []
    result = reading.ingest_file(cfg, workbooks_dir, path)
    still_open = [a for a in result.applications if a.answered is None or a.outcome is None]
    if not still_open:
        return []
    personal = _personal_cells(path, {a.app_id for a in still_open})
    return [carried_row(cfg, a, personal.get(a.app_id, {})) for a in still_open]


def stored_fingerprint(path: str | Path) -> str | None:
    """The fingerprint a workbook was issued with (on its hidden lists sheet), if readable."""
    try:
        with sheet_reading.open_workbook(path) as wb:
            sheet = sheet_reading.read_sheet(wb, layout.SHEET_LISTS)
    except BaseException as exc:  # noqa: B036 - any unreadable file just has none
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return None
    return normalize.clean_text(sheet.cell(layout.FINGERPRINT_CELL)) or None


@dataclass
class InitReport:
    """What `init_year` did: new workbooks, untouched ones refreshed with the applications the
    quarter before left open (path, how many), those left alone, and the unit-quarters whose
    previous quarter has not come back yet (nothing could be carried)."""

    written: list[Path] = field(default_factory=list)
    refreshed: list[tuple[Path, int]] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    waiting: list[tuple[str, int]] = field(default_factory=list)


def _untouched(cfg: Config, workbooks_dir: Path, path: Path) -> bool:
    """An accepted workbook nobody has typed into (its inputs are as issued)."""
    result = reading.ingest_file(cfg, workbooks_dir, path)
    return result.accepted and not result.header.touched


def init_year(cfg: Config, workbooks_dir: str | Path, year: int,
              quarter: int | None = None) -> InitReport:
    """Workbooks for every unit and quarter of a year (or one quarter).

    Each new workbook's register starts with the applications still open at the end of the
    previous quarter (Q1: the previous year's Q4), read from that quarter's workbook. A
    workbook that exists is never overwritten once a person has typed into it; an untouched one
    (a blank template as issued) is written again when the previous quarter now leaves
    applications open that it does not carry, so the register the officer opens is complete."""
    workbooks_dir = Path(workbooks_dir)
    report = InitReport()
    for q in (quarter,) if quarter else (1, 2, 3, 4):
        for unit in cfg.units:
            prev_year, prev_q = _previous(year, q)
            prev = _existing_workbook(workbooks_dir, prev_year, prev_q, unit)
            fresh = prev in report.written or prev in {p for p, _ in report.refreshed}
            if quarter and prev_year == year and (
                    prev is None or fresh or _untouched(cfg, workbooks_dir, prev)):
                report.waiting.append((unit, q))
            carried = [] if prev is None or fresh else open_at_end(
                cfg, workbooks_dir, prev_year, prev_q, unit)
            path = filenames.quarter_path(workbooks_dir, year, q, unit)
            existing = _existing_workbook(workbooks_dir, year, q, unit)
            if existing is None:
                report.written.append(write_workbook(cfg, path, unit, year, q,
                                                     open_applications=carried))
            elif (existing == path and carried
                  and stored_fingerprint(path) != issued_fingerprint(cfg, carried)
                  and _untouched(cfg, workbooks_dir, path)):
                write_workbook(cfg, path, unit, year, q, open_applications=carried,
                               replace=True)
                report.refreshed.append((path, len(carried)))
            else:
                report.skipped.append(existing)
    return report
