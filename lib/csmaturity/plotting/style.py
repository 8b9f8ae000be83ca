"""One look for every chart: the Japanese font, a colour-blind-safe palette, print sizes.

The Japanese font is IPAexGothic, shipped by the ``matplotlib-fontja`` wheel, so the
labels render as real glyphs on a fresh machine after ``pip install`` (matplotlib draws
a "missing glyph" box, without failing, when no font covers a character). The font
file is registered with matplotlib once per process; :func:`theme` then yields a
``matplotlib.rc_context`` built from seaborn's "whitegrid" style (its values written
out, :data:`SEABORN_WHITEGRID_PAPER`) with that font put back as the family.

Charts use the rc context rather than global state, so a batch worker or a notebook
that restyles matplotlib does not change a report. :func:`apply_theme` sets the same
style globally, for notebooks.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError

__all__ = [
    "JA_FONT_FAMILY",
    "PALETTE",
    "COLORS",
    "SEABORN_WHITEGRID_PAPER",
    "blend",
    "disagreement_color",
    "japanese_font_path",
    "register_japanese_font",
    "theme_rc",
    "theme",
    "apply_theme",
]

#: Family name of the bundled IPAexGothic font, as matplotlib knows it.
JA_FONT_FAMILY = "IPAexGothic"

#: Okabe-Ito colours (seaborn's "colorblind" palette): distinguishable with the common
#: colour-vision deficiencies and in greyscale print by lightness.
PALETTE = ("#0173B2", "#DE8F05", "#029E73", "#D55E00", "#CC78BC", "#CA9161", "#FBAFE4", "#949494", "#ECE133", "#56B4E9")

#: Roles used across charts, so the same thing has the same colour everywhere.
COLORS = {
    "client": "#0173B2",  # the client: blue
    "previous": "#949494",  # an earlier assessment: grey
    "leading": "#029E73",  # a benchmark's leading cohort (e.g. feels CS works): green
    "lagging": "#DE8F05",  # its lagging cohort: orange
    "good": "#0173B2",
    "neutral": "#BBBBBB",
    "bad": "#D55E00",  # at risk / detractors: vermilion
    "accent": "#CC78BC",
    "ink": "#222222",
    "muted": "#666666",
    "grid": "#DDDDDD",
}


@lru_cache(maxsize=1)
def japanese_font_path() -> Path:
    """The IPAexGothic TTF shipped by ``matplotlib-fontja``.

    Located without importing the package, whose import changes matplotlib's global
    font setting as a side effect.
    """
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError("matplotlib-fontja (it ships the Japanese chart font)",
                                     "pip install matplotlib-fontja")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ipaexg.ttf"
    if not path.is_file():
        raise MissingDependencyError(f"the Japanese font file {path}",
                                     "pip install --force-reinstall matplotlib-fontja")
    return path


@lru_cache(maxsize=1)
def register_japanese_font() -> str:
    """Add IPAexGothic to matplotlib's font manager (once per process); return its family."""
    from matplotlib import font_manager

    path = japanese_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


#: seaborn's ``axes_style("whitegrid")`` with ``plotting_context("paper")`` (seaborn 0.13),
#: written out: importing seaborn for two dictionaries would cost a report 0.4 s (it
#: imports pyplot and ipywidgets). A test keeps them equal to seaborn's. Its default
#: colour map ("rocket", registered by importing seaborn) is left out: no chart uses it.
SEABORN_WHITEGRID_PAPER: dict[str, Any] = {
    "figure.facecolor": "white", "axes.labelcolor": ".15", "xtick.direction": "out", "ytick.direction": "out",
    "xtick.color": ".15", "ytick.color": ".15", "axes.axisbelow": True, "grid.linestyle": "-", "text.color": ".15",
    "font.family": ["sans-serif"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True,
    "xtick.top": False, "ytick.right": False, "axes.grid": True, "axes.facecolor": "white", "axes.edgecolor": ".8",
    "grid.color": ".8", "axes.spines.left": True, "axes.spines.bottom": True, "axes.spines.right": True,
    "axes.spines.top": True, "xtick.bottom": False, "ytick.left": False,
    "axes.linewidth": 1.0, "grid.linewidth": 0.8, "lines.linewidth": 1.2, "lines.markersize": 4.8,
    "patch.linewidth": 0.8, "xtick.major.width": 1.0, "ytick.major.width": 1.0, "xtick.minor.width": 0.8,
    "ytick.minor.width": 0.8, "xtick.major.size": 4.8, "ytick.major.size": 4.8, "xtick.minor.size": 3.2,
    "ytick.minor.size": 3.2, "font.size": 9.6, "axes.labelsize": 9.6, "axes.titlesize": 9.6,
    "xtick.labelsize": 8.8, "ytick.labelsize": 8.8, "legend.fontsize": 8.8, "legend.title_fontsize": 9.6,
}


@lru_cache(maxsize=1)
def _base_rc() -> dict[str, Any]:
    from cycler import cycler

    family = register_japanese_font()
    rc: dict[str, Any] = dict(SEABORN_WHITEGRID_PAPER)
    rc.update(
        {
            # After the seaborn style, which would put its own sans-serif list first.
            "font.family": [family, "DejaVu Sans"],
            "axes.prop_cycle": cycler(color=list(PALETTE)),
            # Charts are drawn at print size (7 in wide = the A4 text width): 8-9 pt text.
            "font.size": 8.5,
            "axes.labelsize": 8.5,
            "axes.titlesize": 9.5,
            "xtick.labelsize": 8,
            "ytick.labelsize": 8,
            "legend.fontsize": 8,
            "axes.edgecolor": "#BBBBBB",
            "axes.labelcolor": COLORS["ink"],
            "axes.titleweight": "normal",  # IPAexGothic has no bold face
            "axes.titlelocation": "left",
            "axes.titlepad": 10,
            "grid.color": COLORS["grid"],
            "text.color": COLORS["ink"],
            "xtick.color": COLORS["muted"],
            "ytick.color": COLORS["muted"],
            "legend.frameon": False,
            "figure.dpi": 100,
            "savefig.dpi": 200,  # rasters (PNG exports, images inside an SVG): sharp at A4 width
            "svg.fonttype": "path",  # report charts are SVG: text as outlines, no font needed to view
            # Constrained layout already fits every chart to its figure; "tight" would
            # draw each figure twice to measure it.
            "savefig.bbox": "standard",
            "figure.constrained_layout.w_pad": 0.1,  # the margin "tight" would have added
            "figure.constrained_layout.h_pad": 0.1,
            "savefig.facecolor": "white",
            "svg.hashsalt": "csmaturity",  # reproducible SVG ids
        }
    )
    return rc



def theme_rc() -> dict[str, Any]:
    """The rc settings of the report style (a copy: safe to modify)."""
    return dict(_base_rc())


#: Settings that say how matplotlib runs, not how a chart looks (matplotlib's own list
#: of what a style may not set): a chart drawn inside :func:`theme` leaves them alone.
NOT_STYLE = ("backend", "backend_fallback", "interactive", "toolbar", "timezone", "date.epoch",
             "figure.max_open_warning", "figure.raise_window", "savefig.directory", "tk.window_focus",
             "docstring.hardcopy", "webagg.")


@lru_cache(maxsize=1)
def _validated_theme() -> dict[str, Any]:
    """matplotlib's defaults with the report style on top, as validated settings:
    validated once, since a report enters :func:`theme` some fifty times and
    validating 300 settings each time was a tenth of a second of a cold report."""
    import matplotlib as mpl

    with mpl.rc_context():
        mpl.rcdefaults()
        mpl.rcParams.update(_base_rc())
        return {key: mpl.rcParams._get(key) for key in mpl.rcParams if not key.startswith(NOT_STYLE)}


@contextmanager
def theme() -> Iterator[None]:
    """Draw (and save) charts inside this block to get the report style.

    The block starts from matplotlib's defaults, not from the caller's settings, so a
    chart is the same pixel for pixel in a script, a batch worker or a notebook whose
    inline backend changed the figure colours and dpi.
    """
    import matplotlib as mpl

    with mpl.rc_context():
        for key, value in _validated_theme().items():
            mpl.rcParams._set(key, value)  # validated above; _set is matplotlib's stable way in
        yield


def apply_theme() -> None:
    """Set the report style globally (for notebooks: inline plots match the report)."""
    import matplotlib as mpl

    mpl.rcParams.update(_base_rc())


def blend(low: str, high: str, share: float) -> str:
    """The colour ``share`` (0-1) of the way from ``low`` to ``high`` (both ``#RRGGBB``),
    for tables coloured like the charts without a plotting library (the deck)."""
    share = min(max(share, 0.0), 1.0)
    a, b = (tuple(int(c[k:k + 2], 16) for k in (1, 3, 5)) for c in (low, high))
    return "#" + "".join(f"{round(x + (y - x) * share):02X}" for x, y in zip(a, b, strict=True))


def disagreement_color(deviation: float, limit: float) -> str:
    """A respondent's cell in the disagreement heat map: white at the consensus, blue
    above it, vermilion below, saturated ``limit`` away (as :func:`charts.respondent_heatmap`)."""
    if deviation != deviation:  # NaN: nothing known
        return "#FFFFFF"
    return blend("#FFFFFF", COLORS["client"] if deviation > 0 else COLORS["bad"], abs(deviation) / limit)
