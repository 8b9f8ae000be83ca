"""Charts of a portfolio: level distribution, clients x dimensions heatmap, cohort comparison.

Each function takes the DataFrames of :mod:`csmaturity.portfolio` and returns a Figure
drawn in the report style (Japanese font, colour-blind-safe palette).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from .style import COLORS, theme

__all__ = ["level_distribution_chart", "dimension_heatmap", "cohort_comparison_chart", "MAX_HEATMAP_ROWS"]

#: Above this many clients the heatmap shows segment means instead of one row per client.
MAX_HEATMAP_ROWS = 60


def level_distribution_chart(levels: pd.DataFrame, title: str) -> Figure:
    with theme():
        fig, ax = plt.subplots(figsize=(7, 3))
        bars = ax.barh(levels["name"][::-1], levels["clients"][::-1], color=COLORS["client"])
        ax.bar_label(bars, labels=[f"{n} ({s:.0%})" for n, s in zip(levels["clients"][::-1], levels["share"][::-1])], padding=4)
        ax.set_xlabel("")
        ax.set_title(title)
        ax.set_xlim(0, max(levels["clients"].max() * 1.3, 1))
        fig.tight_layout()
    return fig


def dimension_heatmap(table: pd.DataFrame, dimension_names: dict[str, str], segment: str, title: str) -> Figure:
    """One row per client (sorted by overall), or per segment when there are many clients."""
    dims = list(dimension_names)
    if len(table) > MAX_HEATMAP_ROWS:
        data = table.groupby(segment)[dims].mean()
        data.index = [f"{s} (n={n})" for s, n in table[segment].value_counts().reindex(data.index).items()]
    else:
        data = table.sort_values("overall", ascending=False)[dims]
        data.index = table.sort_values("overall", ascending=False)["name"]
    data = data.rename(columns=dimension_names).astype(float)
    with theme():
        fig, ax = plt.subplots(figsize=(9, 1.2 + 0.32 * len(data)))
        sns.heatmap(data, ax=ax, vmin=0, vmax=100, cmap="cividis", annot=len(data) <= 30, fmt=".0f",
                    cbar_kws={"shrink": 0.6}, linewidths=0.5, linecolor="white")
        ax.set_ylabel("")
        ax.set_title(title)
        ax.tick_params(axis="x", rotation=35)
        plt.setp(ax.get_xticklabels(), ha="right")
        fig.tight_layout()
    return fig


def cohort_comparison_chart(comparison: pd.DataFrame, labels: dict[str, str], title: str) -> Figure:
    """Dot plot: portfolio share per practice beside both survey cohorts (missing dots = unpublished)."""
    data = comparison.dropna(subset=["portfolio"]).iloc[::-1]
    y = np.arange(len(data))
    with theme():
        fig, ax = plt.subplots(figsize=(9, 1.4 + 0.3 * len(data)))
        ax.scatter(data["effective"] * 100, y, color=COLORS["effective"], marker="s", label=labels["effective"], zorder=3)
        ax.scatter(data["not_effective"] * 100, y, color=COLORS["not_effective"], marker="D", label=labels["not_effective"], zorder=3)
        ax.scatter(data["portfolio"] * 100, y, color=COLORS["client"], s=60, label=labels["portfolio"], zorder=4)
        ax.set_yticks(y, data["label"])
        ax.set_xlim(-3, 103)  # whole dots at 0 % and 100 %
        ax.set_xlabel("%")
        ax.set_title(title)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False)
        fig.tight_layout()
    return fig
