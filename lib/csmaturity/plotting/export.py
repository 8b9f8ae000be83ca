"""Figures out of matplotlib: the one export every report and notebook chart goes through."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from .style import theme

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["SCREEN_DPI", "figure_svg", "figure_png", "png_size"]

#: Pixels per inch of a figure shown at its own size on a screen; PNGs for widgets are
#: drawn at twice this, shown at this size, so they stay sharp on high-density screens.
SCREEN_DPI = 80


#: The font of a text element as matplotlib's SVG backend writes it.
_FONT_FAMILY = re.compile(rb"font-family: [^;\"]+")


def figure_svg(fig: Figure, *, text_font: str | None = None) -> bytes:
    """SVG bytes of a figure in the report style: vector shapes and text drawn as
    outlines of the bundled font, so a chart is sharp on screen and in print at any
    size and needs no font where it is opened. Identical inputs give identical bytes
    (no date, fixed id salt). Saved through :mod:`.svgcanvas`, which measures and
    outlines a label once per process.

    With ``text_font`` the text stays text, set in that CSS font family: for a
    document that carries the bundled font under that name (the PDF), where text is
    searchable and a tenth of the outlines' weight to lay out.
    """
    import matplotlib as mpl

    from .svgcanvas import BACKEND

    buffer = io.BytesIO()
    with theme(), mpl.rc_context({"svg.fonttype": "path" if text_font is None else "none"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, backend=BACKEND)
    svg = buffer.getvalue()
    if text_font is not None:
        svg = _FONT_FAMILY.sub(f"font-family: '{text_font}'".encode(), svg)
    return svg


def figure_png(fig: Figure, dpi: int = 2 * SCREEN_DPI) -> bytes:
    """PNG bytes of a figure, cropped to what is drawn: for live widgets (an
    ipywidgets ``Image`` shows PNG), redrawn on every change, where SVG would be slow.
    Drawn at twice :data:`SCREEN_DPI` by default: show it at half its pixel width."""
    buffer = io.BytesIO()
    with theme():
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels of PNG bytes (from the header)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
