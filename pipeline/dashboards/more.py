"""The other organs' pages in one run of notebooks/dashboard.ipynb: a district's build runs the
notebook once for all its organs instead of starting a kernel per organ. The notebook shows
and writes its own organ's pages; its last cell writes these with the registry's figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from pipeline.dashboards import registry, site


def organ_job(store_path: str | Path, output_dir: str | Path, *, config_path: str | Path,
              organ: str, draft: bool, units: Sequence[str] = ()) -> dict:
    """One more organ for the notebook (`more_organs`): JSON, as papermill passes it."""
    return {"store_path": str(Path(store_path).resolve()),
            "output_dir": str(Path(output_dir).resolve()),
            "config_path": str(Path(config_path).resolve()), "organ": organ, "draft": draft,
            "units": list(units)}


def write_more(jobs: Sequence[Mapping], year: int, years_back: int) -> list[Path]:
    """Every page of each organ of `jobs`, as the notebook writes its own organ's."""
    written = []
    for job in jobs:
        data = site.load_data(job["store_path"], year, years_back=years_back,
                              config_path=job["config_path"], draft=job["draft"],
                              organ=job["organ"])
        pages = site.page_data(data, all_units=True, units=job["units"])
        figures = {name: registry.dashboard_figures(page, registry.dashboard_frames(page))
                   for name, page in pages.items()}
        written += site.write_pages(pages, figures, job["output_dir"])
    return written
