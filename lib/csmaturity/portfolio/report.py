"""Write the portfolio summary: CSV, Excel workbook and a self-contained HTML report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import xlsxwriter

from .._version import __version__
from ..i18n import labels
from ..io.files import atomic_path, atomic_write
from ..io.sheets import csv_text, workbook_options
from ..model import MaturityModel
from .compute import (
    MAX_CLIENT_ROWS,
    RESPONDENT_COLUMNS,
    cohort_comparison,
    common_gaps,
    dimension_scores,
    level_distribution,
)
from .ranking import DEFAULT_MIN_GROUP, Ranking, Segment, latest_results, rank_portfolio

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..report.branding import Branding

__all__ = ["PortfolioOutputs", "PortfolioSummary", "portfolio_language", "summarise_portfolio", "portfolio_figures",
           "benchmark_rows", "write_portfolio", "write_portfolio_workbook"]


@dataclass(frozen=True, kw_only=True)
class PortfolioOutputs:
    csv: Path
    percentiles_csv: Path
    xlsx: Path
    html: Path
    pdf: Path | None = None
    pptx: Path | None = None


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


def write_portfolio_workbook(summary: PortfolioSummary, model: MaturityModel, path: str | Path, lang: str = "en",
                             branding: Branding | None = None) -> Path:
    """``portfolio.xlsx``: the clients, their percentiles, the level distribution, the
    common gaps and the cohorts, each sheet with the words of ``lang`` for its headers
    and values, widths from its text and the print layout of the report workbook
    (:func:`csmaturity.report.excel.write_table`)."""
    from ..report.branding import DEFAULT_BRANDING
    from ..report.excel import SheetBook, write_table

    L, P = labels(lang), labels(lang)["portfolio_sheet"]
    dims = {d.id: d.name.get(lang) for d in model.dimensions}
    questions = model.questions_by_id
    headers = {"name": L["portfolio"]["client"], "industry": L["report"]["industry"],
               **{f.id: f.label.get(lang) for f in model.profile}, "currency": P["currency"],
               "assessment_date": L["report"]["assessed_on"], "overall": L["portfolio"]["overall"],
               "level_name": L["portfolio"]["level"], "coverage": L["summary"]["coverage"],
               "provisional": L["summary"]["provisional"], "top_gaps": P["top_gaps"], **dims,
               "segment": L["portfolio"]["segment"], "segment_size": P["segment_size"],
               "clients": L["portfolio"]["count"], "share": L["portfolio"]["share"],
               "question": L["portfolio"]["question"], "label": L["portfolio"]["practice"],
               "portfolio": L["portfolio"]["portfolio"], "clients_known": L["portfolio"]["known"],
               "level_id": P["level_id"], "client_id": L["appendix"]["client_id"],
               **{key: L["respondents"]["portfolio"][key] for key in RESPONDENT_COLUMNS}}
    scores = dict.fromkeys(["overall", "interval_low", "interval_high", *dims], "0.0")
    table = summary.table.drop(columns=["level"]).reset_index()
    if not (table["respondents"] > 1).any():  # one respondent each: nothing to say about agreement
        table = table.drop(columns=list(RESPONDENT_COLUMNS))
    table["top_gaps"] = ["\n".join(questions[q].text.get(lang) for q in str(gaps).split(", ") if q in questions)
                         for gaps in table["top_gaps"]]
    cohorts = summary.cohorts.reset_index().rename(columns={"item": "item_id"})
    cohort_names = {c.id: c.name.get(lang) for b in model.benchmarks for c in b.cohorts}
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {**workbook_options(lang), "nan_inf_to_errors": True})
        book.set_properties({"title": L["portfolio"]["title"], "comments": f"csmaturity {__version__}"})
        s = SheetBook(book, lang, branding or DEFAULT_BRANDING)
        sheets = P["sheets"]
        write_table(s, sheets["clients"], table, lang, headers=headers,  # a wide sheet: printed smaller
                    formats={**scores, "coverage": "0%", "agreement": "0.00"}, widths={"name": 28, "top_gaps": 50},
                    print_width=260)
        write_table(s, sheets["percentiles"], summary.percentiles.reset_index(), lang, headers=headers,
                    formats=dict.fromkeys(["overall", *dims], "0"))
        write_table(s, sheets["levels"], summary.levels.reset_index().rename(columns={"level": "level_id"}), lang,
                    headers=headers, formats={"share": "0%"})
        gaps = summary.gaps.reset_index().assign(dimension=lambda f: f["dimension"].map(dims))
        write_table(s, sheets["gaps"], gaps, lang, headers=headers, formats={"share": "0%"})
        if model.benchmarks:
            write_table(s, sheets["cohorts"], cohorts.drop(columns=["benchmark"], errors="ignore"), lang,
                        headers={**headers, **cohort_names},
                        formats=dict.fromkeys(["portfolio", *cohort_names], "0%"), widths={"label": 44})
        book.close()
    return Path(path)


def write_portfolio(
    summary: PortfolioSummary, model: MaturityModel, out_dir: str | Path, lang: str = "en", *,
    pdf: bool = False, deck: bool = False, branding: Branding | None = None, pdf_engine: str = "weasyprint",
) -> PortfolioOutputs:
    """Write ``portfolio.csv``, ``portfolio_percentiles.csv``, ``portfolio.xlsx`` and
    ``portfolio.html``, with ``pdf`` also ``portfolio.pdf`` printed by ``pdf_engine``
    (see :mod:`csmaturity.report.pdf`), with ``deck`` also ``portfolio.pptx`` (see
    :mod:`csmaturity.portfolio.deck`); ``branding`` is the firm's look of the workbook
    and the deck."""
    from ..plotting.export import figure_svg
    from ..report.context import svg_data_uri
    from ..report.html import render_html, shared_wording

    L = labels(lang)["portfolio"]
    out = Path(out_dir)
    dim_names = {d.id: d.name.get(lang) for d in model.dimensions}
    csv = atomic_write(out / "portfolio.csv", csv_text(summary.table))
    pct_csv = atomic_write(out / "portfolio_percentiles.csv", csv_text(summary.percentiles))
    xlsx = write_portfolio_workbook(summary, model, out / "portfolio.xlsx", lang, branding)
    figures = portfolio_figures(summary, model, lang)
    charts = {name: svg_data_uri(figure_svg(fig)) for name, fig in figures.items()}
    # Rendered like a client report: autoescaped, charts as SVG, the Japanese font embedded.
    context = dict(
        L=L, R=labels(lang)["respondents"]["portfolio"], lang=lang, s=summary, charts=charts, dims=dim_names,
        model=model, kit_version=__version__,
        generated=dt.date.today().isoformat(), segment=summary.segment_field,
        benchmarks=benchmark_rows(summary, model, lang),
        heatmap_title=L["heatmap_segments"] if summary.scores_by_segment else L["heatmap"],
        percentiles_note=L["percentiles_note"].format(segment=summary.segment_field.label,
                                                      min_group=summary.min_group),
    )
    html = render_html(context, "portfolio.html.j2", common=[shared_wording(model, lang)])
    page = atomic_write(out / "portfolio.html", html)
    printed = None
    if pdf:
        from ..report import pdf as printing
        from ..report.html import render_page

        printer = printing.pdf_engine(pdf_engine)
        printable = html if printer.prints_html_charts else printer.page(
            lambda uris: render_page({**context, "charts": uris}, "portfolio.html.j2"), printer.chart_svgs(figures))
        printed = printer.write(printable, out / "portfolio.pdf")
    slides = None
    if deck:
        from .deck import write_portfolio_deck

        slides = write_portfolio_deck(summary, model, out / "portfolio.pptx", lang, branding=branding)
    return PortfolioOutputs(csv=csv, percentiles_csv=pct_csv, xlsx=xlsx, html=page, pdf=printed, pptx=slides)
