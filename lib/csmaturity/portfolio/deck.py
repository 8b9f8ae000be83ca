"""The portfolio as a PowerPoint deck: the batch's clients side by side, from the same
tables as ``portfolio.html`` and ``portfolio.xlsx`` (:class:`PortfolioSummary`).

Slides: cover, the maturity levels (a native column chart), the clients with their
overall score, level and percentile (and the team's agreement where a client answered
with several respondents), the dimension scores as a table coloured by score, the most
common gaps, and one slide per benchmark with the portfolio beside the survey cohorts.
The slide helpers, fonts and branding are the client deck's
(:class:`csmaturity.report.deck.SlideDeck`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..i18n import labels, text
from ..plotting.style import COLORS, PALETTE, blend
from ..report.branding import DEFAULT_BRANDING, Branding
from ..report.deck import BODY_HEIGHT, BODY_TOP, MARGIN, WIDTH, SlideDeck, cover
from ..report.formatting import fmt_percent, fmt_score

if TYPE_CHECKING:
    from ..model import MaturityModel
    from .report import PortfolioSummary

__all__ = ["write_portfolio_deck"]

#: Clients per slide of the clients and scores tables.
ROWS_PER_SLIDE = 12


def _pages(frame: pd.DataFrame, size: int = ROWS_PER_SLIDE) -> list[pd.DataFrame]:
    return [frame.iloc[k:k + size] for k in range(0, max(len(frame), 1), size)]


def _levels(d: SlideDeck, summary: PortfolioSummary) -> None:
    P = d.L["portfolio"]
    levels = summary.levels
    slide = d.slide(P["levels"], P["subtitle"].format(n=len(summary.table)))
    d.chart(slide, "COLUMN_CLUSTERED", MARGIN, BODY_TOP + 0.3, WIDTH - 2 * MARGIN, BODY_HEIGHT - 0.4,
            levels["name"].tolist(), [(P["count"], levels["clients"].tolist(), COLORS["client"])])


def _clients(d: SlideDeck, summary: PortfolioSummary, model: MaturityModel) -> None:
    P, R = d.L["portfolio"], d.L["respondents"]["portfolio"]
    scale = model.score_scale
    table = summary.table.sort_values("overall", ascending=False)
    teams = bool((table["respondents"] > 1).any())
    segment = summary.segment_field
    header = [P["client"], segment.label, P["overall"], P["level"], P["percentiles"]]
    widths = [3.6, 1.8, 1.3, 2.4, 1.6]
    if teams:
        header += [R["respondents"], R["agreement"]]
        widths += [1.1, 1.3]
    fit = (WIDTH - 2 * MARGIN) / sum(widths)
    widths = [w * min(fit, 1.0) for w in widths]
    for k, page in enumerate(_pages(table)):
        title = P["clients"] + (text("deliver.continued", d.lang) if k else "")
        slide = d.slide(title, text("portfolio.percentiles_note", d.lang, segment=segment.label,
                                    min_group=summary.min_group))
        rows = []
        for cid, row in page.iterrows():
            pct = summary.percentiles.loc[cid, "overall"]
            cells = [str(row["name"]), segment.value_label(row[summary.segment]), fmt_score(row["overall"], scale),
                     str(row["level_name"]), "—" if pd.isna(pct) else f"{pct:.0f}"]
            if teams:
                cells += [str(int(row["respondents"])),
                          "—" if pd.isna(row["agreement"]) else f"{row['agreement']:.2f}"]
            rows.append(cells)
        d.table(slide, MARGIN, BODY_TOP + 0.3, widths, header, rows, size=12,
                align=["left", "left", "right", "left", "right", *(["right", "right"] if teams else [])])


def _scores(d: SlideDeck, summary: PortfolioSummary, model: MaturityModel) -> None:
    """Clients (or segments) by dimensions, each cell coloured from white (the bottom of
    the scale) to the client blue (its top), like the portfolio page's heat map."""
    from pptx.dml.color import RGBColor

    P = d.L["portfolio"]
    scale = model.score_scale
    dims = [dim for dim in model.dimensions if dim.id in summary.scores.columns]
    title = P["heatmap_segments"] if summary.scores_by_segment else P["heatmap"]
    cell = min(1.25, (WIDTH - 2 * MARGIN - 3.0) / max(len(dims), 1))
    widths = [3.0, *[cell] * len(dims)]
    for k, page in enumerate(_pages(summary.scores)):
        slide = d.slide(title + (text("deliver.continued", d.lang) if k else ""),
                        P["score_axis"].format(min=f"{scale.min:g}", max=f"{scale.max:g}"))
        rows = [[str(name), *[fmt_score(row[dim.id], scale) for dim in dims]] for name, row in page.iterrows()]
        table = d.table(slide, MARGIN, BODY_TOP + 0.3, widths, ["", *[dim.name.get(d.lang) for dim in dims]], rows,
                        size=10 if len(dims) > 6 else 12, align=["left", *["center"] * len(dims)])
        for i, (_, row) in enumerate(page.iterrows(), start=1):
            for j, dim in enumerate(dims, start=1):
                value = row[dim.id]
                share = 0.0 if pd.isna(value) else (value - scale.min) / scale.span
                fill = COLORS["grid"] if pd.isna(value) else blend("#FFFFFF", COLORS["client"], share)
                table.cell(i, j).fill.fore_color.rgb = RGBColor.from_string(fill[1:])
                if share > 0.55:  # light text on the dark cells
                    for run in table.cell(i, j).text_frame.paragraphs[0].runs:
                        run.font.color.rgb = RGBColor.from_string("FFFFFF")


def _gaps(d: SlideDeck, summary: PortfolioSummary, model: MaturityModel) -> None:
    P = d.L["portfolio"]
    if summary.gaps.empty:
        return
    names = {dim.id: dim.name.get(d.lang) for dim in model.dimensions}
    slide = d.slide(P["gaps"], P["gaps_note"])
    rows = [[str(row["question"]), names.get(row["dimension"], row["dimension"]), str(int(row["clients"])),
             fmt_percent(row["share"])] for _, row in summary.gaps.head(10).iterrows()]
    d.table(slide, MARGIN, BODY_TOP + 0.3, [7.2, 2.6, 1.2, 1.3],
            [P["question"], d.L["columns"]["dimension"], P["count"], P["share"]], rows, size=11,
            align=["left", "left", "right", "right"])


def _cohorts(d: SlideDeck, summary: PortfolioSummary, model: MaturityModel, limit: int = 10) -> None:
    P = d.L["portfolio"]
    for bench in model.benchmarks:
        rows = summary.cohorts[summary.cohorts["benchmark"] == bench.id] if "benchmark" in summary.cohorts else None
        if rows is None or rows.empty:
            continue
        cohorts = [c for c in bench.cohorts if c.id in rows.columns]
        order = (rows["portfolio"] - rows[[c.id for c in cohorts]].max(axis=1)).abs().fillna(0)
        rows = rows.assign(order=order).sort_values("order", ascending=False).head(limit)
        slide = d.slide(P["cohorts"], P["cohorts_note"].format(source=bench.source.get(d.lang)))
        series = [(P["portfolio"], rows["portfolio"].tolist(), COLORS["client"])]
        series += [(c.name.get(d.lang), rows[c.id].tolist(), PALETTE[1 + k % (len(PALETTE) - 1)])
                   for k, c in enumerate(cohorts)]
        d.chart(slide, "BAR_CLUSTERED", MARGIN, BODY_TOP + 0.3, WIDTH - 2 * MARGIN, BODY_HEIGHT - 0.4,
                rows["label"].tolist(), series, number_format="0%", axis=(0, 1), legend=True)


def write_portfolio_deck(summary: PortfolioSummary, model: MaturityModel, path: str | Path, lang: str, *,
                         branding: Branding | None = None) -> Path:
    """Write ``portfolio.pptx`` (see the module docstring) atomically to ``path``.

    Raises
    ------
    MissingDependencyError
        python-pptx is not installed (the message says how).
    """
    P = labels(lang)["portfolio"]
    d = SlideDeck(lang, branding or DEFAULT_BRANDING, None)  # many clients: no one's confidentiality line
    cover(d, P["title"], P["subtitle"].format(n=len(summary.table)), model.title.get(lang),
          dt.date.today().isoformat())
    _levels(d, summary)
    _clients(d, summary, model)
    _scores(d, summary, model)
    _gaps(d, summary, model)
    _cohorts(d, summary, model)
    return d.save(path, P["title"])
