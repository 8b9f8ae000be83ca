"""The Japanese font embedded in HTML pages (reports, portfolio pages, notebook audits).

The bundled IPAexGothic (:func:`csmaturity.plotting.style.japanese_font_path`, the
charts' font) is cut down to the characters a page uses and embedded as ``@font-face``
rules, so a page shows Japanese text offline on a machine without a Japanese font.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from ..plotting.style import japanese_font_path

__all__ = ["font_face_css", "EMBEDDED_FAMILY", "CHART_FAMILY"]


@lru_cache(maxsize=1)
def _font_bytes() -> bytes:
    return japanese_font_path().read_bytes()


#: CSS family name of the embedded font subset (first in the report's font stack).
EMBEDDED_FAMILY = "csmaturity-ja"
#: CSS family of the charts' text where a chart keeps its text as text (the PDF): the
#: same font the charts were measured with, Latin letters included.
CHART_FAMILY = "csmaturity-charts"
#: The first code point the page's face carries: punctuation, symbols, kana, kanji;
#: Latin text keeps the system fonts.
PAGE_FROM = 0x2000


def _embeddable(text: str, start: int = PAGE_FROM) -> frozenset[str]:
    """The printable characters of ``text`` from code point ``start`` up."""
    return frozenset(c for c in set(text) if ord(c) >= start and c.isprintable())


def font_face_css(used_text: str, *, common: Sequence[str] = (), family: str = EMBEDDED_FAMILY,
                  start: int = PAGE_FROM) -> str:
    """``@font-face`` rules embedding the bundled Japanese font, cut down to the
    characters of ``used_text`` from code point ``start`` up (default U+2000; 0 for a
    face that also sets Latin text, as the charts' own); "" when there are none.

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
    used = _embeddable(used_text, start)
    if not used:
        return ""
    faces: list[frozenset[str]] = []
    covered: frozenset[str] = frozenset()
    for wording in common:
        faces.append(_embeddable(wording, start) - covered)
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
    # Lazy: only the glyphs kept are read, not the font's 12,000 (ten times faster, same
    # bytes); no new time stamp, so the same characters give the same bytes on every run.
    # The glyphs' own bounding boxes are kept as they are (the outlines do not change):
    # computing them again takes half the subsetting's time, and only the whole font's
    # box and maxima in its header tables, kept from the full font, come out larger.
    font = TTFont(io.BytesIO(_font_bytes()), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
    # Only characters the font has: an emoji or a rare ideograph would leave the subset
    # without a character map; the browser takes those from the system's fonts.
    covered = set(font.getBestCmap()) & set(map(ord, chars))
    if not covered:
        return ""
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(covered))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    data = base64.b64encode(out.getvalue()).decode("ascii")
    return (f"@font-face {{ font-family: '{family}'; src: url(data:font/ttf;base64,{data}) format('truetype'); "
            f"unicode-range: {_unicode_range(covered)}; }}")
