"""Charts of an assessment and of the CS metrics, in the report style.

Every function takes result objects (an :class:`~csmaturity.assessment.Assessment`, a
metrics result, a DataFrame) and an optional matplotlib ``ax``; it draws, and returns
the Figure. Nothing is computed here that the report shows as a number: the maths
lives in the engine and in :mod:`csmaturity.metrics`. Labels come from
:mod:`csmaturity.i18n` in the chart's language; client-supplied text is drawn
literally (``$`` cannot switch on mathtext).

Figures are built with :class:`matplotlib.figure.Figure`, not pyplot, so a batch
worker does not accumulate open figures; notebooks display them all the same.
"""

from __future__ import annotations

import itertools
import re
import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import check_argument
from ..i18n import text
from .style import COLORS, PALETTE, theme

if TYPE_CHECKING:  # imported lazily at run time: the engine never needs matplotlib
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..assessment import Assessment
    from ..model import Benchmark, ScoreScale

__all__ = [
    "radar_chart",
    "benchmark_name",
    "benchmark_chart",
    "has_timeline",
    "draw_cohorts",
    "roadmap_chart",
    "change_chart",
    "respondent_heatmap",
    "quadrant_chart",
    "trend_chart",
    "loyalty_chart",
    "health_chart",
    "concentration_chart",
    "driver_quadrant",
    "driver_quadrants",
    "nps_nrs_chart",
    "survival_chart",
    "literal",
]

# Width of a chart on an A4 page with 18 mm margins, in inches.
PAGE_WIDTH = 7.0


def literal(value: Any) -> str:
    """Client text for a chart: ``$`` escaped so that matplotlib never reads mathtext."""
    return str(value).replace("$", r"\$")


# Units that a Japanese line break must not split: Latin words and numbers, katakana
# words (U+30A1-U+30FA with the long-vowel mark U+30FC), groups in full-width (U+FF08,
# U+FF09) or ASCII parentheses; other characters stand alone.
_JA_TOKENS = re.compile(r"[A-Za-z0-9./&+-]+|[\u30a1-\u30fa\u30fc]+|\uff08[^\uff09]*\uff09|\([^)]*\)|.", re.DOTALL)


def _wrap(label: str, width: int, lang: str) -> str:
    """Wrap a label to lines of at most about ``width`` characters.

    Japanese has no spaces: it breaks between characters, but never inside a Latin or
    katakana word or a parenthesis, and a single character is not left alone on the
    last line: the character before it moves down to join it (a katakana word then a
    two-kanji word is split after the katakana word, not between the two kanji).
    """
    if lang != "ja":
        return textwrap.fill(label, width, break_long_words=False)
    lines: list[list[str]] = [[]]
    for token in _JA_TOKENS.findall(label):
        if lines[-1] and sum(map(len, lines[-1])) + len(token) > width:
            lines.append([])
        lines[-1].append(token)
    if len(lines) > 1 and sum(map(len, lines[-1])) == 1 and len(lines[-2]) > 1 and len(lines[-2][-1]) == 1:
        lines[-1].insert(0, lines[-2].pop())
    return "\n".join("".join(line) for line in lines)


def _new_axes(ax: Axes | None, size: tuple[float, float], **subplot: Any) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot(**subplot)


def _percent_axis(axis: Any) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


# --------------------------------------------------------------------------- maturity


def radar_chart(
    assessment: Assessment,
    *,
    previous: Assessment | None = None,
    portfolio: pd.Series | None = None,
    portfolio_label: str | None = None,
    lang: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Dimension scores on a radar over the model's score scale, with the level bands as
    rings. A dimension without a score (no known answer, left out of the overall) has
    no point: the outline passes it by and its name says it was left out.

    ``previous`` adds the earlier assessment (dashed); ``portfolio`` (a Series of
    median scores by dimension id) adds a dotted reference polygon, named in the legend
    by ``portfolio_label`` (default "Portfolio median").
    """
    lang = lang or assessment.lang
    dims = assessment.dimension_table()
    scale = assessment.model.score_scale
    with theme():
        fig, ax = _new_axes(ax, (PAGE_WIDTH * 0.62, PAGE_WIDTH * 0.62), projection="polar")
        if getattr(ax, "name", "") != "polar":
            raise ValueError("radar_chart needs a polar axes (projection='polar')")
        n = len(dims)
        angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
        ax.set_theta_offset(np.pi / 2)
        ax.set_theta_direction(-1)
        ax.set_ylim(scale.min, scale.max)
        bounds = [lv.min for lv in assessment.model.levels[1:]] + [scale.max]
        ax.set_yticks(bounds)
        ax.set_yticklabels([f"{b:g}" for b in bounds], fontsize=7, color=COLORS["muted"])
        ax.set_rlabel_position(90 / n)
        ax.set_xticks(angles)
        left_out = "\n" + text("chart.radar.excluded", lang)
        ax.set_xticklabels([_wrap(str(name), 8 if lang == "ja" else 13, lang) + (left_out if pd.isna(score) else "")
                            for name, score in zip(dims["name"], dims["score"], strict=True)], fontsize=8.5)
        ax.tick_params(axis="x", pad=13)
        ax.grid(color=COLORS["grid"], linewidth=0.8)
        ax.spines["polar"].set_color("#BBBBBB")

        def points(scores: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
            """The closed outline through the dimensions that have a score."""
            values = np.asarray(scores, dtype=float)
            keep = ~np.isnan(values)
            kept_angles, kept = angles[keep], values[keep]
            return np.concatenate([kept_angles, kept_angles[:1]]), np.concatenate([kept, kept[:1]])

        def polygon(scores: Sequence[float], **style: Any) -> None:
            ax.plot(*points(scores), **style)

        if portfolio is not None:
            polygon(portfolio.reindex(dims.index).to_numpy(dtype=float), color=COLORS["muted"], linestyle=":",
                    linewidth=1.4, label=portfolio_label or text("chart.radar.portfolio", lang))
        if previous is not None:
            prev = previous.scorecard.dimensions["score"].reindex(dims.index).to_numpy(dtype=float)
            polygon(prev, color=COLORS["previous"], linestyle="--", linewidth=1.4,
                    label=text("chart.radar.previous", lang, date=previous.answers.client.assessment_date.isoformat()))
        scores = dims["score"].to_numpy(dtype=float)
        ax.fill(*points(scores), color=COLORS["client"], alpha=0.18, zorder=2)
        polygon(scores, color=COLORS["client"], linewidth=2, marker="o", markersize=4, zorder=3,
                label=text("chart.radar.current", lang))
        if previous is not None or portfolio is not None:
            # Below the bottom dimension names, not over them; one entry a row when the
            # entries would not fit side by side ("Median of segment B2B (6 clients)"...).
            names = ax.get_legend_handles_labels()[1]
            width = sum(len(name) + sum(unicodedata.east_asian_width(c) in "WF" for c in name) for name in names)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncols=len(names) if width <= 56 else 1,
                      fontsize=8)
    return fig


_COHORT_MARKERS = ("o", "s", "^", "v", "P", "X")


def benchmark_name(bench: Benchmark, lang: str) -> str:
    """How the report names a benchmark in a sentence: "the 2021 survey" from its year,
    "the survey" without one."""
    return text("benchmark.named_year", lang, year=bench.year) if bench.year else text("benchmark.named", lang)


def draw_cohorts(ax: Axes, data: pd.DataFrame, bench: Benchmark, y: np.ndarray, lang: str) -> None:
    """One dot per cohort of ``bench`` on each row of ``data`` (its share column), the
    contrast's two cohorts joined by a line; a missing share draws no dot."""
    if bench.contrast is not None:
        lead, lag = bench.contrast
        both = data[lead].notna().to_numpy() & data[lag].notna().to_numpy()
        ax.hlines(y[both], data[lead][both], data[lag][both], color="#BBBBBB", linewidth=2, zorder=1)
    roles = dict(zip(bench.contrast or (), ("leading", "lagging"), strict=False))
    others = iter(c for c in PALETTE if c not in (COLORS["client"], COLORS["leading"], COLORS["lagging"]))
    for k, cohort in enumerate(bench.cohorts):
        color = COLORS[roles[cohort.id]] if cohort.id in roles else next(others)
        ax.scatter(data[cohort.id], y, s=46, marker=_COHORT_MARKERS[k % len(_COHORT_MARKERS)], color=color,
                   zorder=3, label=cohort.name.get(lang))


def benchmark_chart(assessment: Assessment, *, benchmark: str | None = None, lang: str | None = None,
                    ax: Axes | None = None) -> Figure:
    """Each practice of a benchmark (default: the model's first): the share of each of
    its cohorts, and whether the client has it (filled marker), lacks it (open) or did
    not know (?)."""
    lang = lang or assessment.lang
    model = assessment.model
    check_argument(bool(model.benchmarks), "assessment", f"the model '{model.id}' has no benchmark")
    bench = next((b for b in model.benchmarks if b.id == benchmark), None) if benchmark else model.benchmarks[0]
    check_argument(bench is not None, "benchmark",
                   f"unknown benchmark {benchmark!r}; expected one of {[b.id for b in model.benchmarks]}")
    assert bench is not None
    table = assessment.benchmark[assessment.benchmark["benchmark"] == bench.id]
    n = len(table)
    with theme():
        fig, ax = _new_axes(ax, (PAGE_WIDTH, 0.3 * n + 1.3))
        y = np.arange(n)[::-1]
        draw_cohorts(ax, table, bench, y, lang)
        client_x = 1.09
        unknown = table["client"].isna().to_numpy()  # don't know / unanswered (None, NaN or NA)
        has = table["client"].where(~unknown, False).astype(bool).to_numpy()
        for yi in y[unknown]:
            ax.text(client_x, yi, "?", ha="center", va="center", fontsize=10, color=COLORS["muted"])
        for mask, face in ((has, COLORS["client"]), (~has & ~unknown, "white")):
            ax.scatter(np.full(mask.sum(), client_x), y[mask], s=60, marker="D", zorder=3, clip_on=False,
                       facecolor=face, edgecolor=COLORS["client"], linewidth=1.5)
        ax.text(client_x, n - 0.35, text("chart.benchmark.client", lang), ha="center", va="bottom", fontsize=8,
                color=COLORS["client"])
        ax.axvline(1.02, color="#BBBBBB", linewidth=0.8)
        ax.set_yticks(y)
        ax.set_yticklabels([_wrap(str(lbl), 22 if lang == "ja" else 44, lang) for lbl in table["label"]], fontsize=8)
        ax.set_xlim(-0.02, 1.15)
        ax.set_ylim(-0.7, n - 0.1)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        _percent_axis(ax.xaxis)
        ax.tick_params(axis="x", labelsize=8)
        # Wrapped: centred under the axes, a long label would run past the figure's edge.
        ax.set_xlabel(_wrap(text("chart.benchmark.xlabel", lang, survey=benchmark_name(bench, lang)),
                            44 if lang == "ja" else 76, lang), fontsize=8)
        ax.grid(axis="y", visible=False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.45, 1.0), ncols=min(len(bench.cohorts), 3), fontsize=8)
    return fig


def has_timeline(assessment: Assessment) -> bool:
    """Whether the model's roadmap can be drawn over months: it has phases, each with
    its start and end month."""
    phases = assessment.model.phases
    return bool(phases) and all(p.start_month is not None and p.end_month is not None for p in phases)


#: The roadmap's plot area is about this wide (inches): the figure less its margins.
_ROADMAP_AXES_WIDTH = PAGE_WIDTH - 0.4


def _text_inches(label: str, fontsize: float) -> float:
    """About how wide ``label`` is drawn (inches): wide characters one em, others half."""
    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.56 for c in label)
    return ems * fontsize / 72


def _bar_label_position(label: str, start: float, stop: float, end: float, *,
                        fontsize: float) -> tuple[float, str]:
    """Where a bar's label goes (x in months, alignment): inside the bar when it fits,
    else just after it, else just before it, so that no label runs across the end of
    a short bar; after it, clipped at the frame, when it fits nowhere."""
    pad = 0.25
    width = _text_inches(label, fontsize) * end / _ROADMAP_AXES_WIDTH + pad
    if stop - start >= width + pad:
        return start + pad, "left"
    if stop + width <= end:
        return stop + pad, "left"
    if start - width >= 0:
        return start - pad, "right"
    return stop + pad, "left"


def roadmap_chart(assessment: Assessment, *, lang: str | None = None, ax: Axes | None = None) -> Figure:
    """The phased roadmap as a timeline: one bar per step across its phase's months
    (only for a model whose phases all have months, see :func:`has_timeline`)."""
    lang = lang or assessment.lang
    check_argument(has_timeline(assessment), "assessment",
                   f"the model '{assessment.model.id}' has no roadmap phases with months to draw")
    road = assessment.roadmap
    phases = assessment.model.phases
    colors = {p.id: PALETTE[i % len(PALETTE)] for i, p in enumerate(phases)}
    n = max(len(road), 1)
    end = max(p.end_month for p in phases if p.end_month is not None)
    with theme():
        fig, ax = _new_axes(ax, (PAGE_WIDTH, 0.27 * n + 1.4))
        for p in phases:
            ax.axvspan(p.start_month, p.end_month, color=colors[p.id], alpha=0.07, zorder=0)
            # Above the frame, not across it.
            name = p.name.get(lang) + (f"\n{p.horizon.get(lang)}" if p.horizon else "")
            ax.annotate(name, xy=((p.start_month + p.end_month) / 2, 1.0),
                        xycoords=("data", "axes fraction"), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8, color=colors[p.id])
        y = road.index.to_numpy() - 1
        starts = road["start_month"].to_numpy()
        step_colors = [colors[phase] for phase in road["phase"]]
        # Light bars with dark text: a title may run past a short phase and stay legible.
        bars = ax.barh(y, road["end_month"].to_numpy() - starts, left=starts, height=0.66, color=step_colors,
                       alpha=0.3, edgecolor=step_colors, linewidth=0, zorder=2)
        for bar, moved in zip(bars, road["moved_by_dependency"], strict=True):
            if moved:
                bar.set_hatch("///")
        ax.vlines(starts, y - 0.33, y + 0.33, colors=step_colors, linewidth=3, capstyle="butt", zorder=3)
        ends = road["end_month"].to_numpy()
        for step, start, stop, title in zip(road.index, starts, ends, road["title"], strict=True):
            label = f"{step}. {literal(title)}"
            x, ha = _bar_label_position(label, start, stop, end, fontsize=7.5)
            ax.text(x, step - 1, label, va="center", ha=ha, fontsize=7.5, color=COLORS["ink"], zorder=4, clip_on=True)
        if road.empty:
            ax.text(end / 2, 0, text("chart.roadmap.empty", lang), ha="center", va="center", color=COLORS["muted"])
        ax.set_xlim(0, end)
        ax.set_ylim(n - 0.5, -0.6)
        ax.set_yticks([])
        ax.set_xticks(sorted({p.start_month for p in phases} | {p.end_month for p in phases}))
        ax.set_xlabel(text("chart.roadmap.xlabel", lang), fontsize=8.5)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", color="white", linewidth=1.2)
    return fig


def change_chart(change: pd.DataFrame, *, lang: str, scale: ScoreScale | None = None,
                 ax: Axes | None = None) -> Figure:
    """Score change per dimension since the previous assessment, on the model's
    ``scale`` (default 0-100).

    ``change`` has one row per dimension with ``name``, ``previous``, ``current``
    and ``delta`` columns (as built by the report's comparison); a dimension without a
    score then or now draws no arrow.
    """
    from ..model import ScoreScale

    scale = scale or ScoreScale()
    lo, hi = scale.min, scale.max
    n = len(change)
    with theme():
        fig, ax = _new_axes(ax, (PAGE_WIDTH, 0.3 * n + 1.0))
        y = np.arange(n)[::-1]
        for yi, (_, row) in zip(y, change.iterrows(), strict=True):
            if pd.isna(row["delta"]):
                continue
            ax.annotate("", xy=(row["current"], yi), xytext=(row["previous"], yi),
                        arrowprops={"arrowstyle": "-|>",
                                    "color": COLORS["client"] if row["delta"] >= 0 else COLORS["bad"],
                                    "linewidth": 1.6, "shrinkA": 0, "shrinkB": 0})
        ax.scatter(change["previous"], y, color=COLORS["previous"], s=30, zorder=3,
                   label=text("chart.change.previous", lang))
        ax.scatter(change["current"], y, color=COLORS["client"], s=36, zorder=3,
                   label=text("chart.change.current", lang))
        for yi, (_, row) in zip(y, change.iterrows(), strict=True):
            ax.text(hi + 0.02 * scale.span, yi, "—" if pd.isna(row["delta"]) else f"{row['delta']:+.{scale.decimals}f}",
                    va="center", fontsize=8, color=COLORS["client"] if not row["delta"] < 0 else COLORS["bad"])
        ax.set_yticks(y)
        ax.set_yticklabels([str(name) for name in change["name"]], fontsize=8)
        ax.set_xlim(lo, hi + 0.1 * scale.span)
        ax.set_xticks(np.linspace(lo, hi, 5))
        ax.set_xlabel(text("chart.change.xlabel", lang, min=f"{lo:g}", max=f"{hi:g}"), fontsize=8.5)
        ax.grid(axis="y", visible=False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, fontsize=8)
    return fig


def respondent_heatmap(
    scores: pd.DataFrame,
    consensus: pd.Series,
    *,
    names: Mapping[str, str],
    lang: str,
    scale: ScoreScale | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Where the respondents disagree: each one's own score per dimension (rows), coloured
    by how far it lies above (blue) or below (vermilion) the team's consensus, beside
    the consensus itself (grey, the last column).

    ``scores`` has one row per dimension id and one column per respondent as shown
    (their display names; NaN where a respondent knew no answer of the dimension);
    ``consensus`` the consensus score per dimension id; ``names`` a dimension's name
    by id. Scores are on the model's ``scale`` (default 0-100); the colour saturates at
    half the scale away from the consensus.

    A table of numbers, drawn as one: cells are vector shapes, the labels plain texts
    beside them (no axis ticks), and the figure's margins are measured from the labels
    rather than laid out by constrained layout, which would draw every label twice.
    """
    from matplotlib.colors import LinearSegmentedColormap, Normalize

    from ..model import ScoreScale

    scale = scale or ScoreScale()
    n_dims, n_people = scores.shape
    values = scores.to_numpy(dtype=float)
    middle = consensus.reindex(scores.index).to_numpy(dtype=float)
    deviation = values - middle[:, None]
    limit = scale.span / 2
    cmap = LinearSegmentedColormap.from_list("disagreement", [COLORS["bad"], "#FFFFFF", COLORS["client"]])
    gap = 0.25  # between the respondents and the consensus column
    width = 8 if lang == "ja" else 14
    columns = [_wrap(literal(c), width, lang) for c in scores.columns] + [
        _wrap(text("respondents.chart.consensus", lang), width, lang)]
    rows = [_wrap(literal(names.get(d, d)), 12 if lang == "ja" else 24, lang) for d in scores.index]
    with theme():
        fig, ax = _table_axes(ax, rows, columns, n_people + 1 + gap, n_dims)
        ys = np.arange(n_dims + 1) - 0.5
        ax.pcolormesh(np.arange(n_people + 1) - 0.5, ys, np.ma.masked_invalid(deviation), cmap=cmap,
                      norm=Normalize(-limit, limit), edgecolors="white", linewidth=1.0)
        ax.pcolormesh([n_people - 0.5 + gap, n_people + 0.5 + gap], ys, np.zeros((n_dims, 1)),
                      cmap=LinearSegmentedColormap.from_list("consensus", [COLORS["grid"]] * 2),
                      edgecolors="white", linewidth=1.0)
        for i in range(n_dims):
            for j in range(n_people):
                strong = not np.isnan(deviation[i, j]) and abs(deviation[i, j]) > 0.6 * limit
                ax.text(j, i, "—" if np.isnan(values[i, j]) else scale.format(values[i, j]), ha="center",
                        va="center", fontsize=8, color="white" if strong else COLORS["ink"])
            ax.text(n_people + gap, i, "—" if np.isnan(middle[i]) else scale.format(middle[i]), ha="center",
                    va="center", fontsize=9, color=COLORS["ink"])
            ax.text(-0.6, i, rows[i], ha="right", va="center", fontsize=8, color=COLORS["muted"])
        for j, label in enumerate(columns):
            ax.text(j + (gap if j == n_people else 0), -0.6, label, ha="center", va="bottom", fontsize=8,
                    color=COLORS["muted"])
        ax.text((n_people + gap) / 2, n_dims - 0.35, text("respondents.chart.colorbar", lang), ha="center",
                va="top", fontsize=7.5, color=COLORS["muted"])
        ax.set_xlim(-0.5, n_people + 0.5 + gap)
        ax.set_ylim(n_dims - 0.5, -0.5)
        ax.set_axis_off()
    return fig


def _text_inches(label: str, size: float) -> float:
    """About how wide a label is drawn at ``size`` points (its longest line): a
    full-width character one em, another about 0.62 em."""
    return max(sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.62 for c in line)
               for line in label.split("\n")) * size / 72


def _table_axes(ax: Axes | None, rows: Sequence[str], columns: Sequence[str], n_columns: float,
                n_rows: int) -> tuple[Figure, Axes]:
    """``ax`` with its figure, or a new figure for a table of ``n_rows`` x ``n_columns``
    cells (about 0.95 x 0.34 inches, narrower when the page width asks for it) whose
    margins fit 8 pt labels: ``rows`` at the left, ``columns`` above, one line below."""
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    from matplotlib.figure import Figure

    left = max(_text_inches(label, 8) for label in rows) + 0.2
    top = max(label.count("\n") + 1 for label in columns) * 8 * 1.3 / 72 + 0.15
    bottom = 7.5 * 1.4 / 72 + 0.15
    cell = min(0.95, (PAGE_WIDTH - left - 0.1) / n_columns)
    size = (left + cell * n_columns + 0.1, top + 0.34 * n_rows + bottom)
    fig = Figure(figsize=size)
    ax = fig.add_subplot()
    fig.subplots_adjust(left=left / size[0], right=1 - 0.1 / size[0], top=1 - top / size[1], bottom=bottom / size[1])
    return fig, ax
#: The plan's quadrants as cells of the 2×2: (column, row), low effort left, high impact on top.
_QUADRANT_CELLS = {"quick_win": (0, 1), "major_project": (1, 1), "fill_in": (0, 0), "deprioritise": (1, 0)}


def quadrant_chart(assessment: Assessment, *, lang: str | None = None, per_cell: int = 6,
                   ax: Axes | None = None) -> Figure:
    """The action plan as a 2×2 of impact and effort: each action, by its plan rank
    and title, in the quadrant the plan gives it (``plan.quadrant``: quick wins top
    left, major projects top right, fill-ins bottom left, deprioritise bottom right).
    A cell lists at most ``per_cell`` actions (plan order) and says how many more."""
    lang = lang or assessment.lang
    plan = assessment.plan
    effort = {key: text(f"effort.{key}", lang) for key in ("S", "M", "L")}
    with theme():
        fig, ax = _new_axes(ax, (PAGE_WIDTH, 3.8))
        for quadrant, (col, row) in _QUADRANT_CELLS.items():
            good = quadrant == "quick_win"
            ax.add_patch(_rectangle((col, row), good))
            ax.text(col + 0.04, row + 0.94, text(f"plan.quadrant.{quadrant}", lang), fontsize=9.5,
                    va="top", color=COLORS["client"] if row == 1 else COLORS["muted"])
            rows = plan[plan["quadrant"] == quadrant]
            lines = [f"{rank}. {_first_line(literal(title), 34 if lang == 'en' else 19, lang)}"
                     for rank, title in zip(rows.index[:per_cell], rows["title"][:per_cell], strict=True)]
            if len(rows) > per_cell:
                lines.append(text("chart.quadrant.more", lang, n=len(rows) - per_cell))
            ax.text(col + 0.04, row + 0.8, "\n".join(lines), fontsize=8, va="top", linespacing=1.4,
                    color=COLORS["ink"])
        ax.set_xlim(0, 2)
        ax.set_ylim(0, 2)
        ax.set_xticks([0.5, 1.5], [text("chart.quadrant.effort_low", lang, S=effort["S"], M=effort["M"]),
                                   text("chart.quadrant.effort_high", lang, L=effort["L"])], fontsize=8)
        ax.set_yticks([0.5, 1.5], [text("chart.quadrant.impact_low", lang), text("chart.quadrant.impact_high", lang)],
                      fontsize=8)
        ax.set_xlabel(text("chart.quadrant.effort", lang), fontsize=8.5)
        ax.set_ylabel(text("chart.quadrant.impact", lang), fontsize=8.5)
        ax.grid(False)
        ax.axhline(1, color="white", linewidth=3)
        ax.axvline(1, color="white", linewidth=3)
    return fig


def _first_line(label: str, width: int, lang: str) -> str:
    """The first line of a wrapped label, with an ellipsis when more was cut."""
    lines = _wrap(label, width, lang).splitlines() or [""]
    return lines[0] + ("…" if len(lines) > 1 else "")


def _rectangle(corner: tuple[int, int], highlight: bool) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(corner, 1, 1, facecolor="#E3EEF8" if highlight else "#F4F6F9", edgecolor="none", zorder=0)


def trend_chart(trend: pd.DataFrame, names: Mapping[str, str], *, lang: str, scale: ScoreScale | None = None,
                ax: Axes | None = None) -> Figure:
    """Scores over several assessments: the overall score (thick) and each dimension
    in ``names`` (id -> name), one point per assessment date (``trend`` indexed by
    date, a column per dimension id and ``overall``, as the report's history holds)."""
    from ..model import ScoreScale

    scale = scale or ScoreScale()
    dates = [str(d) for d in trend.index]
    x = np.arange(len(dates))
    with theme():
        fig, ax = _new_axes(ax, (PAGE_WIDTH, 3.4))
        for k, (dim, name) in enumerate(names.items()):
            ax.plot(x, trend[dim].to_numpy(dtype=float), marker="o", markersize=3, linewidth=1.1,
                    color=PALETTE[(k + 1) % len(PALETTE)], label=literal(name), alpha=0.85)
        ax.plot(x, trend["overall"].to_numpy(dtype=float), marker="o", markersize=5, linewidth=2.6,
                color=COLORS["ink"], label=text("chart.trend.overall", lang), zorder=5)
        ax.set_xticks(x, dates, fontsize=8)
        ax.set_xlim(-0.3, len(dates) - 0.7)
        ax.set_ylim(scale.min, scale.max)
        ax.set_ylabel(text("chart.trend.ylabel", lang, min=f"{scale.min:g}", max=f"{scale.max:g}"), fontsize=8.5)
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7.5, frameon=False)
    return fig


# --------------------------------------------------------------------------- metrics


def loyalty_chart(nps: Any, nrs: Any | None = None, *, lang: str, ax: Axes | None = None) -> Figure:
    """NPS (and NRS) as stacked shares of detractors/passives/promoters, score ± interval."""
    rows = [("NPS", (nps.share_detractors, nps.share_passives, nps.share_promoters), nps)]
    if nrs is not None:
        rows.append(("NRS", (nrs.share_at_risk, nrs.share_neutrals, nrs.share_repeaters), nrs))
    names = {
        "NPS": [text(f"chart.loyalty.{k}", lang) for k in ("detractors", "passives", "promoters")],
        "NRS": [text(f"chart.loyalty.{k}", lang) for k in ("at_risk", "neutrals", "repeaters")],
    }
    colors = (COLORS["bad"], COLORS["neutral"], COLORS["good"])
    with theme():
        fig, ax = _new_axes(ax, (PAGE_WIDTH, 0.75 * len(rows) + 1.0))
        for yi, (metric, shares, result) in enumerate(rows):
            left = 0.0
            for k, (share, color) in enumerate(zip(shares, colors, strict=True)):
                ax.barh(yi, share, left=left, color=color, height=0.55, edgecolor="white")
                if share >= 0.07:
                    ax.text(left + share / 2, yi, f"{names[metric][k]}\n{share:.0%}", ha="center", va="center",
                            fontsize=7, color="white" if k != 1 else COLORS["ink"])
                left += share
            ax.text(1.02, yi, f"{metric} {result.score:+.1f}\n[{result.ci_low:+.1f}, {result.ci_high:+.1f}]",
                    va="center", ha="left", fontsize=8)
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([r[0] for r in rows])
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(0, 1.22)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        _percent_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(text("chart.loyalty.xlabel", lang, confidence=f"{nps.confidence:.0%}"), fontsize=8)
    return fig


def health_chart(summary: Any, *, lang: str, ax: Axes | None = None) -> Figure:
    """Shares of ARR and of accounts per health band; the red band's ARR is the ARR at risk."""
    frame = summary.to_frame()
    frame = frame[(frame["accounts"] > 0) | (frame["band"] != "no data")].fillna(0.0)
    band_colors = {"red": COLORS["bad"], "yellow": "#ECE133", "green": COLORS["leading"],
                   "no data": COLORS["neutral"]}
    with theme():
        fig, ax = _new_axes(ax, (PAGE_WIDTH, 2.0))
        for yi, column in enumerate(("share_arr", "share_accounts")):
            left = 0.0
            for _, row in frame.iterrows():
                share = float(row[column])
                ax.barh(yi, share, left=left, color=band_colors[row["band"]], height=0.55, edgecolor="white")
                if share >= 0.06:
                    name = text("chart.health." + row["band"].replace(" ", "_"), lang)
                    ax.text(left + share / 2, yi, f"{name} {share:.0%}", ha="center", va="center", fontsize=7.5,
                            color=COLORS["ink"] if row["band"] in ("yellow", "no data") else "white")
                left += share
        ax.set_yticks([0, 1])
        ax.set_yticklabels([text("chart.health.arr", lang), text("chart.health.accounts", lang)], fontsize=8)
        ax.set_ylim(1.5, -0.5)
        ax.set_xlim(0, 1)
        _percent_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(text("chart.health.xlabel", lang, red=f"{summary.red_below:g}", green=f"{summary.green_from:g}"),
                      fontsize=8)
    return fig


def concentration_chart(lorenz: pd.DataFrame, concentration: Any, *, lang: str, ax: Axes | None = None) -> Figure:
    """Pareto curve: share of the total brought by the largest customers."""
    with theme():
        fig, ax = _new_axes(ax, (PAGE_WIDTH * 0.55, PAGE_WIDTH * 0.45))
        ax.plot(lorenz["customer_share"], lorenz["value_share"], color=COLORS["client"], linewidth=2)
        ax.plot([0, 1], [0, 1], color="#BBBBBB", linestyle="--", linewidth=1)
        for fraction, share in sorted(concentration.top_shares.items()):
            ax.plot([fraction, fraction, 0], [0, share, share], color=COLORS["lagging"], linewidth=0.9,
                    linestyle=":")
            ax.scatter([fraction], [share], color=COLORS["lagging"], zorder=3, s=22)
            ax.annotate(text("chart.concentration.point", lang, top=f"{fraction:.0%}", share=f"{share:.0%}"),
                        (fraction, share), xytext=(8, -14), textcoords="offset points", fontsize=7.5)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        _percent_axis(ax.xaxis)
        _percent_axis(ax.yaxis)
        ax.set_xlabel(text("chart.concentration.xlabel", lang), fontsize=8)
        ax.set_ylabel(text("chart.concentration.ylabel", lang), fontsize=8)
    return fig


def _driver_limits(rows: pd.DataFrame) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis ranges (performance, importance) holding every point, interval and
    threshold of ``rows``."""
    defined = rows.dropna(subset=["importance", "performance"])
    perf = [*defined["performance"], *rows["performance_threshold"].dropna()]
    intervals = "importance_low" in defined and bool(defined["importance_low"].notna().any())
    low = defined["importance_low"].fillna(defined["importance"]) if intervals else defined["importance"]
    high = defined["importance_high"].fillna(defined["importance"]) if intervals else defined["importance"]
    cuts = rows["importance_threshold"].dropna().tolist()
    y_lo, y_hi = min([float(low.min()), *cuts]), max([float(high.max()), *cuts])
    # Padding in proportion: relative weights span a few hundredths, correlations tenths.
    pad = 0.15 * max(y_hi - y_lo, 0.05 if not intervals else 0.01)
    return (max(0.0, min(perf) - 0.08), min(1.05, max(perf) + 0.15)), (y_lo - pad, y_hi + pad)


def driver_quadrant(
    drivers: pd.DataFrame,
    *,
    segment: str = "all",
    item_labels: Mapping[str, str] | None = None,
    lang: str,
    ax: Axes | None = None,
    limits: tuple[tuple[float, float], tuple[float, float]] | None = None,
) -> Figure:
    """Importance × performance of the survey items of one segment, split at the thresholds.

    ``drivers`` is a :func:`csmaturity.metrics.key_drivers` result. ``limits`` (the
    performance and importance ranges) lets panels side by side share their axes; the
    title gives the segment's number of respondents. A label sits beside its point on
    the side away from the dashed thresholds.
    """
    rows = drivers[drivers["segment"] == segment]
    item_labels = item_labels or {}
    with theme():
        fig, ax = _new_axes(ax, (PAGE_WIDTH * 0.5, PAGE_WIDTH * 0.45))
        defined = rows.dropna(subset=["importance", "performance"])
        title = text(f"chart.drivers.segment_{segment}", lang)
        if "n" in rows and rows["n"].notna().any():
            title = text("deliver.chart_n", lang, name=title, n=f"{int(rows['n'].max()):,}")
        ax.set_title(title, fontsize=9)
        if defined.empty:
            ax.text(0.5, 0.5, text("chart.drivers.undefined", lang), ha="center", va="center", transform=ax.transAxes)
            return fig
        imp_cut = float(rows["importance_threshold"].iloc[0])
        perf_cut = float(rows["performance_threshold"].iloc[0])
        priority = defined["quadrant"] == "priority to improve"
        (x_lo, x_hi), (y_lo, y_hi) = limits or _driver_limits(rows)
        intervals = "importance_low" in defined and bool(defined["importance_low"].notna().any())
        low = defined["importance_low"] if intervals else defined["importance"]
        high = defined["importance_high"] if intervals else defined["importance"]
        # Shade the "priority to improve" quadrant: important to customers, rated low.
        ax.fill_between([x_lo, perf_cut], imp_cut, y_hi, color=COLORS["bad"], alpha=0.08, linewidth=0, zorder=0)
        ax.axvline(perf_cut, color="#999999", linewidth=0.8, linestyle="--")
        ax.axhline(imp_cut, color="#999999", linewidth=0.8, linestyle="--")
        ax.scatter(defined.loc[~priority, "performance"], defined.loc[~priority, "importance"], s=30,
                   color=COLORS["client"], zorder=3)
        ax.scatter(defined.loc[priority, "performance"], defined.loc[priority, "importance"], s=42, marker="D",
                   color=COLORS["bad"], zorder=3, label=text("chart.drivers.priority", lang))
        # Data units per inch of the panel, to tell whether a label would cross a threshold.
        box = ax.get_position()
        x_per_inch = (x_hi - x_lo) / max(box.width * fig.get_figwidth(), 0.5)
        y_per_inch = (y_hi - y_lo) / max(box.height * fig.get_figheight(), 0.5)
        hidden = defined["distinguishable"].eq(False) if "distinguishable" in defined else None
        placed: list[tuple[float, float, float, float]] = []  # labels drawn so far: x0, x1, y0, y1 (inches)
        for _, row in defined.sort_values("importance", ascending=False).iterrows():
            mark = "†" if hidden is not None and hidden[row.name] else ""
            label = literal(item_labels.get(row["item"], row["item"])) + mark
            x, y = row["performance"], row["importance"]
            width = (_text_inches(label, 7) + 0.1) * x_per_inch
            crosses = x < perf_cut < x + width or x + width > x_hi
            left = crosses and x - width > x_lo and not x - width < perf_cut < x
            near_line = abs(y - imp_cut) < 0.16 * y_per_inch
            dx = -5 if left else 5
            # Above the point, or below it beside a threshold or a label already drawn there.
            x0 = (x - x_lo) / x_per_inch + dx / 72 - (width / x_per_inch if left else 0)
            x1 = x0 + width / x_per_inch
            for dy in ((3 if y >= imp_cut else -11) if near_line else 3, -11, 11, -19):
                y0 = (y - y_lo) / y_per_inch + dy / 72
                if not any(x0 < b[1] and b[0] < x1 and y0 < b[3] and b[2] < y0 + 9 / 72 for b in placed):
                    break
            placed.append((x0, x1, y0, y0 + 9 / 72))
            # On a light ground: a dashed threshold it cannot avoid passes behind it.
            ax.annotate(label, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=7,
                        ha="right" if left else "left", zorder=4,
                        bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
        if intervals:
            ax.errorbar(defined["performance"], defined["importance"],
                        yerr=[defined["importance"] - low, high - defined["importance"]],
                        fmt="none", ecolor="#999999", elinewidth=0.8, capsize=2, zorder=2)
        ax.set_xlim(x_lo, x_hi)
        ax.set_ylim(y_lo, y_hi)
        _percent_axis(ax.xaxis)
        ax.tick_params(labelsize=7)
        ax.set_xlabel(text("chart.drivers.xlabel", lang), fontsize=7.5)
        method = drivers.attrs.get("importance", "correlation")
        ylabel = text("chart.drivers.ylabel" + ("" if method == "correlation" else f"_{method}"), lang)
        # Japanese, in full-width characters without spaces, is wrapped to the panel's height.
        ax.set_ylabel(_wrap(ylabel, 14, lang) if lang == "ja" else ylabel, fontsize=7.5)
    return fig


def driver_quadrants(
    drivers: pd.DataFrame, *, item_labels: Mapping[str, str] | None = None, lang: str
) -> Figure:
    """The key-driver quadrant of every segment side by side (overall, high- and low-LTV),
    on the same axis ranges so that the panels compare at a glance."""
    from matplotlib.figure import Figure

    segments = [s for s in ("all", "high_ltv", "low_ltv") if (drivers["segment"] == s).any()]
    shown = drivers[drivers["segment"].isin(segments)]
    limits = _driver_limits(shown) if shown[["importance", "performance"]].notna().all(axis=1).any() else None
    with theme():
        fig = Figure(figsize=(PAGE_WIDTH, PAGE_WIDTH * 0.4), layout="constrained")
        axes = fig.subplots(1, len(segments), sharey=False, squeeze=False)[0]
        for k, (segment, ax) in enumerate(zip(segments, axes, strict=True)):
            driver_quadrant(drivers, segment=segment, item_labels=item_labels, lang=lang, ax=ax, limits=limits)
            if k:
                ax.set_ylabel("")
        handles, names = axes[0].get_legend_handles_labels()
        if drivers["distinguishable"].eq(False).any() if "distinguishable" in drivers else False:
            from matplotlib.lines import Line2D

            handles = [*handles[:1], Line2D([], [], linestyle="none")]
            names = [*names[:1], text("chart.drivers.not_distinguishable", lang)]
        if handles:
            fig.legend(handles[:2], names[:2], loc="outside lower center", fontsize=8, ncols=2)
    return fig


def _ink_on(rgba: Sequence[float]) -> str:
    """Dark text on a light fill, white on a dark one (relative luminance below 0.45)."""
    r, g, b = (float(c) for c in rgba[:3])
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45 else COLORS["ink"]


def nps_nrs_chart(matrix: Any, *, lang: str, ax: Axes | None = None) -> Figure:
    """Heat map of respondents by NPS category (rows) × NRS category (columns)."""
    from ..metrics import NPS_CATEGORIES, NRS_CATEGORIES

    share = matrix.crosstab("share")
    count = matrix.crosstab("count")
    with theme():
        fig, ax = _new_axes(ax, (PAGE_WIDTH * 0.5, PAGE_WIDTH * 0.38))
        image = ax.imshow(share.to_numpy(dtype=float), cmap="Blues", aspect="auto", vmin=0,
                          vmax=max(0.01, float(share.to_numpy().max())) * 1.15)
        groups = matrix.table.set_index(["nps_category", "nrs_category"])["group"]
        for i, n_cat in enumerate(NPS_CATEGORIES):
            for j, r_cat in enumerate(NRS_CATEGORIES):
                named = bool(groups.get((n_cat, r_cat), ""))
                ax.text(j, i, f"{share.iloc[i, j]:.0%}\n({int(count.iloc[i, j])})", ha="center", va="center",
                        fontsize=8.5 if named else 8, color=_ink_on(image.to_rgba(share.iloc[i, j])))
                if named:
                    from matplotlib.patches import Rectangle

                    ax.add_patch(Rectangle((j - 0.48, i - 0.48), 0.96, 0.96, fill=False, edgecolor=COLORS["bad"],
                                           linewidth=1.8))
        ax.set_xticks(range(3))
        ax.set_xticklabels([text(f"chart.nps_nrs.{c}", lang) for c in NRS_CATEGORIES], fontsize=8)
        ax.set_yticks(range(3))
        ax.set_yticklabels([text(f"chart.nps_nrs.{c}", lang) for c in NPS_CATEGORIES], fontsize=8)
        ax.set_xlabel(text("chart.nps_nrs.xlabel", lang), fontsize=8)
        ax.set_ylabel(text("chart.nps_nrs.ylabel", lang), fontsize=8)
        ax.grid(False)
    return fig


def survival_chart(result: Any, *, lang: str, ax: Axes | None = None) -> Figure:
    """Kaplan–Meier retention: the share of customers still with you by years since their
    start, overall with its confidence band and per segment; the 50 % line marks the median.

    ``result`` is a :func:`csmaturity.metrics.survival` result.
    """
    curve = result.curve
    segments = [s for s in curve["segment"].unique() if s != "all"]
    colors = [c for c in PALETTE if c != COLORS["client"]]
    with theme():
        fig, ax = _new_axes(ax, (PAGE_WIDTH, PAGE_WIDTH * 0.42))
        everyone = curve[curve["segment"] == "all"]
        ax.fill_between(everyone["years"], everyone["ci_low"], everyone["ci_high"], step="post",
                        color=COLORS["client"], alpha=0.15, linewidth=0,
                        label=text("chart.survival.band", lang, confidence=f"{result.confidence:.0%}"))
        ax.step(everyone["years"], everyone["retention"], where="post", color=COLORS["client"], linewidth=2.2,
                label=text("chart.survival.all", lang))
        for segment, color in zip(segments, itertools.cycle(colors), strict=False):
            rows = curve[curve["segment"] == segment]
            ax.step(rows["years"], rows["retention"], where="post", color=color, linewidth=1.2,
                    label=literal(segment))
        ax.axhline(0.5, color="#999999", linewidth=0.8, linestyle="--")
        ax.text(0.005, 0.5, text("chart.survival.median", lang), transform=ax.get_yaxis_transform(),
                fontsize=7, color=COLORS["muted"], va="bottom")
        ax.axvline(result.horizon_years, color="#BBBBBB", linewidth=0.8, linestyle=":")
        ax.set_xlim(0, float(curve["years"].max()))
        ax.set_ylim(0, 1.02)
        _percent_axis(ax.yaxis)
        ax.tick_params(labelsize=7.5)
        ax.set_xlabel(text("chart.survival.xlabel", lang), fontsize=8)
        ax.set_ylabel(text("chart.survival.ylabel", lang), fontsize=8)
        ax.legend(loc="lower left", fontsize=7.5, ncols=2, frameon=False)
    return fig
