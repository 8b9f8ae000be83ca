"""Write the portfolio summary: CSV, Excel workbook and a self-contained HTML report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._version import __version__
from ..i18n import labels
from ..io.files import atomic_path, atomic_write
from ..io.sheets import XLSX_OPTIONS, csv_text
from ..model import MaturityModel
from .compute import MAX_CLIENT_ROWS, cohort_comparison, common_gaps, dimension_scores, level_distribution
from .ranking import DEFAULT_MIN_GROUP, Ranking, Segment, latest_results, rank_portfolio

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["PortfolioOutputs", "PortfolioSummary", "portfolio_language", "summarise_portfolio", "portfolio_figures",
           "benchmark_rows", "write_portfolio"]


@dataclass(frozen=True, kw_only=True)
class PortfolioOutputs:
    csv: Path
    percentiles_csv: Path
    xlsx: Path
    html: Path


@dataclass(frozen=True, eq=False, kw_only=True)
class PortfolioSummary:
    """Every table of the portfolio report; the clients are those of ``ranking``."""

    ranking: Ranking
    levels: pd.DataFrame
    scores: pd.DataFrame
    gaps: pd.DataFrame
    cohorts: pd.DataFrame

    @property
    def table(self) -> pd.DataFrame:
        """One row per client (:func:`~csmaturity.portfolio.portfolio_table`)."""
        return self.ranking.table

    @property
    def percentiles(self) -> pd.DataFrame:
        """Each client's percentiles within its segment (:attr:`Ranking.percentiles`)."""
        return self.ranking.percentiles

    @property
    def scores_by_segment(self) -> bool:
        """Whether :attr:`scores` holds segment means (many clients), not a row per client."""
        return len(self.table) > MAX_CLIENT_ROWS

    @property
    def segment(self) -> str:
        """The id of the segment clients are ranked within."""
        return self.ranking.segment_field.id

    @property
    def segment_field(self) -> Segment:
        """The segment clients are ranked within, with its labels."""
        return self.ranking.segment_field

    @property
    def min_group(self) -> int:
        return self.ranking.min_group


def portfolio_language(model: MaturityModel) -> str:
    """The portfolio report's language when none is given: English when the model is
    written in it, else the model's first language."""
    return "en" if "en" in model.languages else model.languages[0]


def summarise_portfolio(results: Iterable[Mapping[str, Any]], model: MaturityModel, lang: str = "en",
                        segment: str | None = None, min_group: int = DEFAULT_MIN_GROUP) -> PortfolioSummary:
    """The portfolio's tables from its clients' results dicts, each client counted once
    with its latest results; ``segment`` None ranks within the model's default segment
    (see :func:`~csmaturity.portfolio.rank_portfolio` for the errors)."""
    model.check_language(lang)
    latest = latest_results(results, model)
    ranking = rank_portfolio(latest, model, segment=segment, min_group=min_group, lang=lang)
    return PortfolioSummary(
        ranking=ranking,
        levels=level_distribution(ranking.table, model, lang),
        scores=dimension_scores(ranking.table, list(ranking.dimensions), ranking.segment_field.id,
                                ranking.segment_field.value_label),
        gaps=common_gaps(latest, model, lang),
        cohorts=cohort_comparison(latest, model, lang),
    )


def portfolio_figures(summary: PortfolioSummary, model: MaturityModel, lang: str) -> dict[str, Figure]:
    """Every chart of the portfolio report, by name (what the notebook displays):
    ``levels``, ``heatmap`` and, per benchmark of the model, ``cohorts_<benchmark id>``
    (none without benchmarks)."""
    from ..plotting.portfolio import cohort_comparison_chart, dimension_heatmap, level_distribution_chart

    names = {d.id: d.name.get(lang) for d in model.dimensions}
    return {
        "levels": level_distribution_chart(summary.levels, lang=lang),
        "heatmap": dimension_heatmap(summary.scores, names, model.score_scale, lang=lang),
        **{f"cohorts_{b.id}": cohort_comparison_chart(summary.cohorts, b, lang=lang) for b in model.benchmarks},
    }


def benchmark_rows(summary: PortfolioSummary, model: MaturityModel, lang: str) -> list[dict[str, Any]]:
    """Per benchmark of the model: the benchmark, its cohorts named in ``lang`` and its
    rows of :attr:`PortfolioSummary.cohorts` with that benchmark's cohort columns (what
    the report shows beside each benchmark's chart)."""
    return [{"benchmark": b, "cohorts": [(c.id, c.name.get(lang)) for c in b.cohorts],
             "rows": summary.cohorts[summary.cohorts["benchmark"] == b.id]} for b in model.benchmarks]


def write_portfolio(
    summary: PortfolioSummary, model: MaturityModel, out_dir: str | Path, lang: str = "en"
) -> PortfolioOutputs:
    """Write ``portfolio.csv``, ``portfolio_percentiles.csv``, ``portfolio.xlsx`` and ``portfolio.html``."""
    from ..plotting.export import figure_svg
    from ..report.context import svg_data_uri
    from ..report.html import render_html, shared_wording

    L = labels(lang)["portfolio"]
    out = Path(out_dir)
    dim_names = {d.id: d.name.get(lang) for d in model.dimensions}
    csv = atomic_write(out / "portfolio.csv", csv_text(summary.table))
    pct_csv = atomic_write(out / "portfolio_percentiles.csv", csv_text(summary.percentiles))
    xlsx = out / "portfolio.xlsx"
    with atomic_path(xlsx) as tmp:
        with pd.ExcelWriter(tmp, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}) as writer:
            summary.table.rename(columns=dim_names).to_excel(writer, sheet_name="clients")
            summary.percentiles.rename(columns=dim_names).to_excel(writer, sheet_name="percentiles")
            summary.levels.to_excel(writer, sheet_name="levels")
            summary.gaps.to_excel(writer, sheet_name="common_gaps")
            if model.benchmarks:
                summary.cohorts.to_excel(writer, sheet_name="cohorts")
    charts = {name: svg_data_uri(figure_svg(fig)) for name, fig in portfolio_figures(summary, model, lang).items()}
    # Rendered like a client report: autoescaped, charts as SVG, the Japanese font embedded.
    html = render_html(dict(
        L=L, lang=lang, s=summary, charts=charts, dims=dim_names, model=model, kit_version=__version__,
        generated=dt.date.today().isoformat(), segment=summary.segment_field,
        benchmarks=benchmark_rows(summary, model, lang),
        heatmap_title=L["heatmap_segments"] if summary.scores_by_segment else L["heatmap"],
        percentiles_note=L["percentiles_note"].format(segment=summary.segment_field.label,
                                                      min_group=summary.min_group),
    ), "portfolio.html.j2", common=[shared_wording(model, lang)])
    page = atomic_write(out / "portfolio.html", html)
    return PortfolioOutputs(csv=csv, percentiles_csv=pct_csv, xlsx=xlsx, html=page)
