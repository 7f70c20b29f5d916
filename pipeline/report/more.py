"""The other organs' reports in one run of notebooks/report.ipynb: a district's build runs the
notebook once for all its organs instead of starting a kernel per organ. The notebook shows and
writes its own organ's report; its last cell writes these the same way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import closing
from pathlib import Path

from pipeline import store
from pipeline.core.config import load_config
from pipeline.report import web, word
from pipeline.report.model import build_report_model, report_files, require_final


def organ_job(store_path: str | Path, output_dir: str | Path, *, config_path: str | Path,
              organ: str, draft: bool) -> dict:
    """One more organ for the notebook (`more_organs`): JSON, as papermill passes it."""
    return {"store_path": str(Path(store_path).resolve()),
            "output_dir": str(Path(output_dir).resolve()),
            "config_path": str(Path(config_path).resolve()), "organ": organ, "draft": draft}


def write_more(jobs: Sequence[Mapping], year: int) -> list[Path]:
    """Each organ's DOCX and HTML, as the notebook writes its own organ's."""
    written = []
    for job in jobs:
        cfg = load_config(job["config_path"], job["organ"])
        with closing(store.connect(job["store_path"])) as con:
            model = build_report_model(con, cfg, year)
        require_final(model, job["draft"])
        docx, html = report_files(job["output_dir"], model.title)
        word.write_docx(docx, model, job["draft"])
        web.write_html(html, model, job["draft"])
        written += [docx, html]
    return written
