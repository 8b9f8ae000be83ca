"""Write the portfolio summary: CSV, Excel workbook and a self-contained HTML report."""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .._version import __version__
from ..io.files import atomic_path, atomic_write
from ..model import LANGUAGES, MaturityModel
from .compute import (
    DEFAULT_MIN_GROUP,
    cohort_comparison,
    common_gaps,
    level_distribution,
    portfolio_table,
    segment_percentiles,
)
from ..report.html import render_html

__all__ = ["PortfolioOutputs", "PortfolioSummary", "summarise_portfolio", "write_portfolio"]


@dataclass(frozen=True)
class PortfolioOutputs:
    csv: Path
    percentiles_csv: Path
    xlsx: Path
    html: Path


@dataclass(frozen=True)
class PortfolioSummary:
    """Every table of the portfolio report."""

    table: pd.DataFrame
    levels: pd.DataFrame
    gaps: pd.DataFrame
    cohorts: pd.DataFrame
    percentiles: pd.DataFrame
    segment: str
    min_group: int


def summarise_portfolio(results: list[dict[str, Any]], model: MaturityModel, lang: str = "en",
                        segment: str = "business_model", min_group: int = DEFAULT_MIN_GROUP) -> PortfolioSummary:
    table = portfolio_table(results, model, lang)
    if segment not in table.columns:
        raise ValueError(f"unknown segment column {segment!r}; expected one of industry, business_model, arr_band")
    return PortfolioSummary(
        table=table,
        levels=level_distribution(table, model, lang),
        gaps=common_gaps(results, model, lang),
        cohorts=cohort_comparison(results, model, lang),
        percentiles=segment_percentiles(table, [d.id for d in model.dimensions], segment, min_group),
        segment=segment,
        min_group=min_group,
    )


@lru_cache(maxsize=2)
def _labels(lang: str) -> dict[str, str]:
    tree = yaml.safe_load((resources.files("csmaturity.i18n") / "portfolio.yaml").read_text(encoding="utf-8"))
    return {key: pair[lang] for key, pair in tree.items()}


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def write_portfolio(summary: PortfolioSummary, model: MaturityModel, out_dir: str | Path, lang: str = "en") -> PortfolioOutputs:
    """Write ``portfolio.csv``, ``portfolio_percentiles.csv``, ``portfolio.xlsx`` and ``portfolio.html``."""
    from ..plotting.portfolio import cohort_comparison_chart, dimension_heatmap, level_distribution_chart

    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {lang!r}")
    out = Path(out_dir)
    L = _labels(lang)
    dim_names = {d.id: d.name.get(lang) for d in model.dimensions}
    csv = atomic_write(out / "portfolio.csv", summary.table.to_csv())
    pct_csv = atomic_write(out / "portfolio_percentiles.csv", summary.percentiles.to_csv())
    xlsx = out / "portfolio.xlsx"
    with atomic_path(xlsx) as tmp:
        with pd.ExcelWriter(tmp, engine="xlsxwriter") as writer:
            summary.table.rename(columns=dim_names).to_excel(writer, sheet_name="clients")
            summary.percentiles.rename(columns=dim_names).to_excel(writer, sheet_name="percentiles")
            summary.levels.to_excel(writer, sheet_name="levels")
            summary.gaps.to_excel(writer, sheet_name="common_gaps")
            summary.cohorts.to_excel(writer, sheet_name="cohorts")
    charts = {
        "levels": _png(level_distribution_chart(summary.levels, L["levels"])),
        "heatmap": _png(dimension_heatmap(summary.table, dim_names, summary.segment,
                                          L["heatmap"] if len(summary.table) <= 60 else L["heatmap_segments"])),
        "cohorts": _png(cohort_comparison_chart(summary.cohorts, L, L["cohorts"])),
    }
    # Rendered like a client report: autoescaped, with the Japanese font embedded.
    html = render_html(dict(
        L=L, lang=lang, s=summary, charts=charts, dims=dim_names, model=model, kit_version=__version__,
        generated=dt.date.today().isoformat(),
        percentiles_note=L["percentiles_note"].format(segment=summary.segment, min_group=summary.min_group),
    ), "portfolio.html.j2")
    page = atomic_write(out / "portfolio.html", html)
    return PortfolioOutputs(csv, pct_csv, xlsx, page)
