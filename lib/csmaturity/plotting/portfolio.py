"""Charts of a portfolio: level distribution, scores by dimension, the portfolio beside
a benchmark's cohorts.

Drawn like the client report's charts (:mod:`.charts`): each function takes the
DataFrames of :mod:`csmaturity.portfolio`, draws on a new
:class:`~matplotlib.figure.Figure` (or the ``ax`` given) in the report style, with
labels from :mod:`csmaturity.i18n` in ``lang``, and returns the Figure; it computes
nothing a report shows as a number. Export with
:func:`~csmaturity.plotting.export.figure_svg`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..i18n import text
from .charts import PAGE_WIDTH, _new_axes, _percent_axis, _wrap, draw_cohorts, literal
from .style import COLORS, theme

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..model import Benchmark, ScoreScale

__all__ = ["level_distribution_chart", "dimension_heatmap", "cohort_comparison_chart"]


def level_distribution_chart(levels: pd.DataFrame, *, lang: str, ax: Axes | None = None) -> Figure:
    """Clients per maturity level (:func:`~csmaturity.portfolio.level_distribution`),
    first level at the top, each bar labelled with its count and share."""
    from matplotlib.ticker import MaxNLocator

    n = len(levels)
    with theme():
        fig, ax = _new_axes(ax, (PAGE_WIDTH, 0.38 * n + 0.9))
        y = np.arange(n)[::-1]
        bars = ax.barh(y, levels["clients"], height=0.6, color=COLORS["client"])
        ax.bar_label(bars, labels=[f"{c} ({s:.0%})" for c, s in zip(levels["clients"], levels["share"], strict=True)],
                     padding=4, fontsize=8)
        ax.set_yticks(y, [literal(name) for name in levels["name"]])
        ax.set_xlim(0, max(float(levels["clients"].max()) * 1.25, 1))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(text("portfolio.count", lang))
        ax.grid(axis="y", visible=False)
    return fig


def dimension_heatmap(scores: pd.DataFrame, dimension_names: dict[str, str], scale: ScoreScale, *, lang: str,
                      ax: Axes | None = None) -> Figure:
    """Scores as a heatmap coloured over the model's score ``scale``: the rows of
    :func:`~csmaturity.portfolio.dimension_scores` (clients or segments) by dimension,
    annotated up to 30 rows with the scale's decimals; a dimension the model left out
    of a client's score is a blank cell.

    Drawn with matplotlib alone (seaborn's heatmap would import scipy's statistics, a
    second of every portfolio page): cells as one mesh, numbers dark on light cells and
    white on dark ones.
    """
    from matplotlib.colors import Normalize, to_rgb

    data = scores.rename(columns=dimension_names, index=literal)
    values = data.to_numpy(dtype=float)
    n_rows, n_cols = values.shape
    label = text("portfolio.score_axis", lang, min=f"{scale.min:g}", max=f"{scale.max:g}")
    with theme():
        fig, ax = _new_axes(ax, (PAGE_WIDTH, 1.6 + 0.28 * n_rows))
        mesh = ax.pcolormesh(np.ma.masked_invalid(values), cmap="cividis", norm=Normalize(scale.min, scale.max),
                             edgecolors="white", linewidth=0.5)
        if n_rows <= 30:
            for (i, j), value in np.ndenumerate(values):
                if not np.isnan(value):
                    ax.text(j + 0.5, i + 0.5, f"{value:.{scale.decimals}f}", ha="center", va="center",
                            fontsize=7.5, color=COLORS["ink"] if _luminance(to_rgb(mesh.to_rgba(value))) > 0.408
                            else "white")
        bar = fig.colorbar(mesh, ax=ax, shrink=0.6)
        bar.set_label(label)
        bar.outline.set_visible(False)
        ax.set_xlim(0, n_cols)
        ax.set_ylim(n_rows, 0)  # first row at the top
        ax.set_xticks(np.arange(n_cols) + 0.5, [literal(c) for c in data.columns])
        ax.set_yticks(np.arange(n_rows) + 0.5, list(data.index))
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_facecolor(COLORS["grid"])  # a blank cell: the dimension was left out of that client's score
        ax.tick_params(axis="both", length=0, labelsize=8)
        # Slanted, each ending under its column: many dimension names do not fit side by side.
        for tick in ax.get_xticklabels():
            tick.set(rotation=30, ha="right", rotation_mode="anchor")
    return fig


def _luminance(rgb: tuple[float, float, float]) -> float:
    """Relative luminance of an sRGB colour (WCAG 2): above about 0.408, dark text on
    it contrasts more than white."""
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def cohort_comparison_chart(comparison: pd.DataFrame, bench: Benchmark, *, lang: str,
                            ax: Axes | None = None) -> Figure:
    """Each practice of benchmark ``bench``: the portfolio's share with it
    (:func:`~csmaturity.portfolio.cohort_comparison`) beside each cohort's (a missing
    dot = the source published no figure); practices no client answered are left out."""
    data = comparison[comparison["benchmark"] == bench.id].dropna(subset=["portfolio"])
    n = len(data)
    with theme():
        fig, ax = _new_axes(ax, (PAGE_WIDTH, 0.3 * n + 1.3))
        y = np.arange(n)[::-1]
        draw_cohorts(ax, data, bench, y, lang)
        ax.scatter(data["portfolio"], y, s=70, marker="D", color=COLORS["client"], zorder=4,
                   label=text("portfolio.portfolio", lang))
        ax.set_yticks(y, [_wrap(literal(lbl), 22 if lang == "ja" else 44, lang) for lbl in data["label"]], fontsize=8)
        ax.set_xlim(-0.03, 1.03)  # whole dots at 0 % and 100 %
        ax.set_ylim(-0.7, n - 0.3)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        _percent_axis(ax.xaxis)
        ax.set_xlabel(text("portfolio.cohorts_xlabel", lang))
        ax.grid(axis="y", visible=False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.45, 1.0), ncols=3, fontsize=8)
    return fig
