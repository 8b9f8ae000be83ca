"""One look for every chart: the Japanese font, a colour-blind-safe palette, print sizes.

The Japanese font is IPAexGothic, shipped by the ``matplotlib-fontja`` wheel, so the
labels render as real glyphs on a fresh machine after ``pip install`` (matplotlib draws
a "missing glyph" box, without failing, when no font covers a character). The font
file is registered with matplotlib once per process; :func:`theme` then yields a
``matplotlib.rc_context`` built from a seaborn style with that font put back as the
family, because ``sns.set_theme()`` resets ``font.family`` to its own default.

Charts use the rc context rather than global state, so a batch worker or a notebook
that restyles matplotlib does not change a report. :func:`apply_theme` sets the same
style globally, for notebooks.
"""

from __future__ import annotations

import importlib.util
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..errors import MissingDependencyError

__all__ = [
    "JA_FONT_FAMILY",
    "PALETTE",
    "COLORS",
    "japanese_font_path",
    "register_japanese_font",
    "theme_rc",
    "theme",
    "apply_theme",
    "font_face_css",
    "EMBEDDED_FAMILY",
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
    "effective": "#029E73",  # survey cohort that feels CS works: green
    "not_effective": "#DE8F05",  # the other cohort: orange
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
        raise MissingDependencyError("matplotlib-fontja (it ships the Japanese chart font)", "pip install matplotlib-fontja")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ipaexg.ttf"
    if not path.is_file():
        raise MissingDependencyError(f"the Japanese font file {path}", "pip install --force-reinstall matplotlib-fontja")
    return path


@lru_cache(maxsize=1)
def register_japanese_font() -> str:
    """Add IPAexGothic to matplotlib's font manager (once per process); return its family."""
    from matplotlib import font_manager

    path = japanese_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


@lru_cache(maxsize=1)
def _base_rc() -> dict[str, Any]:
    import seaborn as sns
    from cycler import cycler

    family = register_japanese_font()
    rc: dict[str, Any] = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("paper"))
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


@contextmanager
def theme() -> Iterator[None]:
    """Draw (and save) charts inside this block to get the report style.

    The block starts from matplotlib's defaults, not from the caller's settings, so a
    chart is the same pixel for pixel in a script, a batch worker or a notebook whose
    inline backend changed the figure colours and dpi.
    """
    import matplotlib as mpl

    with mpl.rc_context():
        mpl.rcdefaults()
        mpl.rcParams.update(_base_rc())
        yield


@lru_cache(maxsize=1)
def _font_bytes() -> bytes:
    return japanese_font_path().read_bytes()


#: CSS family name of the embedded font subset (first in the report's font stack).
EMBEDDED_FAMILY = "csmaturity-ja"


def _embeddable(text: str) -> frozenset[str]:
    """The characters of ``text`` that the embedded font carries: U+2000 and up
    (punctuation, symbols, kana, kanji); Latin text keeps the system fonts."""
    return frozenset(c for c in set(text) if ord(c) >= 0x2000 and c.isprintable())


def font_face_css(used_text: str, *, common: Sequence[str] = (), family: str = EMBEDDED_FAMILY) -> str:
    """``@font-face`` rules embedding the bundled Japanese font, cut down to the
    characters of ``used_text`` from U+2000 up; "" when there are none.

    A Japanese report then shows the same typeface as its charts on any machine,
    offline, with no font installed, for about 100 KB. The family must come first in
    the CSS font stack: Chrome does not fall back to a web font listed after a system
    font for a run that starts in Latin script or is bold (it draws boxes). Latin text
    is not in the subset, so it still uses the system fonts listed after it.
    Embedding IPA fonts in a document is allowed by the IPA Font License.

    Cutting a subset out of the 6 MB font takes a tenth of a second or more, the same
    work for every report of a batch. ``common`` holds wordings the page draws on and
    shares with other pages (the kit's labels with the model's texts; a notebook's
    explanations): each goes whole into a face built once per process, and only the
    page's other characters (a client's name, notes) into a small face of its own.
    Each face declares its ``unicode-range``, so the browser takes every character
    from the face that has it.
    """
    used = _embeddable(used_text)
    if not used:
        return ""
    faces: list[frozenset[str]] = []
    covered: frozenset[str] = frozenset()
    for wording in common:
        faces.append(_embeddable(wording) - covered)
        covered |= faces[-1]
    faces.append(used - covered)
    return "\n".join(filter(None, (_face_css(chars, family) for chars in faces if chars)))


def _unicode_range(points: set[int]) -> str:
    """``U+3042,U+3044-3046``: code points as CSS ``unicode-range``."""
    runs: list[list[int]] = []
    for point in sorted(points):
        if runs and point == runs[-1][1] + 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return ",".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in runs)


@lru_cache(maxsize=16)
def _face_css(chars: frozenset[str], family: str) -> str:
    """One ``@font-face`` rule with the font cut down to ``chars`` (cached per process);
    "" when the font has none of them. Its ``unicode-range`` names only the characters
    the font has, so the browser takes the others (such as ≤) from the system fonts."""
    import base64
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = []  # horizontal text only: no vertical or contextual forms
    options.hinting = False
    options.name_IDs = [1, 2]
    font = TTFont(io.BytesIO(_font_bytes()), recalcTimestamp=False)  # same bytes on every run
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(font)
    covered = set(font.getBestCmap()) & set(map(ord, chars))
    if not covered:
        return ""
    out = io.BytesIO()
    font.save(out)
    data = base64.b64encode(out.getvalue()).decode("ascii")
    return (f"@font-face {{ font-family: '{family}'; src: url(data:font/ttf;base64,{data}) format('truetype'); "
            f"unicode-range: {_unicode_range(covered)}; }}")


def apply_theme() -> None:
    """Set the report style globally (for notebooks: inline plots match the report)."""
    import matplotlib as mpl

    mpl.rcParams.update(_base_rc())
