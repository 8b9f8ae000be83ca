"""The SVG backend the report's charts are saved with: matplotlib's own, remembering
how each string is measured and outlined across figures.

Drawing text as outlines (``svg.fonttype: path``) means shaping every label with the
Japanese font, twice per draw (once to lay the figure out, once to draw it), and
outlining its glyphs again in every figure. A report's ten charts, and a batch's
hundreds, repeat the same labels (dimension names, tick values, axis titles): measured
and outlined once per process, they cost a dictionary look-up afterwards. The bytes
written are those of matplotlib's SVG backend (a test compares them).

Used as ``fig.savefig(..., format="svg", backend=BACKEND)`` by
:func:`csmaturity.plotting.export.figure_svg`; nothing global is changed.
"""

from __future__ import annotations

import codecs
from collections import OrderedDict
from typing import Any

from matplotlib import cbook
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.font_manager import fontManager, get_font
from matplotlib.textpath import TextToPath

__all__ = ["BACKEND", "FigureCanvas", "CachedTextToPath"]

#: The name ``savefig(backend=...)`` loads this module by.
BACKEND = f"module://{__name__}"


class CachedTextToPath(TextToPath):
    """matplotlib's text-to-outline converter with two caches shared by every figure
    of the process: a string's measure (per font and size) and its glyphs' outlines
    (per font). Fonts are held by the cache, so the ids in its keys stay theirs.

    Mathematical text (``$...$``) is passed through uncached. The caches are emptied
    when they reach :attr:`limit` entries, which bounds memory in a long batch."""

    limit = 20_000

    def __init__(self) -> None:
        super().__init__()
        self._fonts: dict[int, Any] = {}
        self._measures: dict[tuple[Any, ...], tuple[float, float, float]] = {}
        self._glyphs: dict[tuple[Any, ...], tuple[list[Any], OrderedDict[str, Any], list[Any]]] = {}

    def _trim(self) -> None:
        if len(self._measures) + len(self._glyphs) >= self.limit:
            self._measures.clear()
            self._glyphs.clear()
            self._fonts.clear()

    def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> tuple[float, float, float]:
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        # Keyed by the font properties, not the font file they lead to (finding it is
        # a third of the cost): the charts are drawn inside the report theme, whose
        # font settings are fixed for the process.
        key = (s, prop)
        measure = self._measures.get(key)
        if measure is None:
            self._trim()
            measure = self._measures[(s, prop.copy())] = super().get_text_width_height_descent(s, prop, ismath)
        return measure

    def get_glyphs_with_font(self, font: Any, s: str, glyph_map: Any = None, return_new_glyphs_only: bool = False,
                             *, features: Any = None, language: Any = None) -> tuple[list[Any], Any, list[Any]]:
        key = (id(font), s, tuple(features or ()), language)
        found = self._glyphs.get(key)
        if found is None:
            self._trim()
            self._fonts[id(font)] = font
            found = self._glyphs[key] = super().get_glyphs_with_font(font, s, features=features, language=language)
        info, outlines, rects = found
        if glyph_map is None:
            glyph_map = OrderedDict()
        new = OrderedDict((name, path) for name, path in outlines.items() if name not in glyph_map)
        if not return_new_glyphs_only:
            glyph_map.update(new)
            new = glyph_map
        return list(info), new, list(rects)


#: One converter for the process: what it learns from one chart serves the next.
_TEXT_TO_PATH = CachedTextToPath()


#: A font's ascent, descent and line gap at a size, in points, as matplotlib's text
#: layout reads them from the font's tables for every line of every label it lays out.
_HEIGHT_METRICS: dict[Any, tuple[float, float, float]] = {}


class _Renderer(RendererSVG):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._text2path = _TEXT_TO_PATH

    def _get_font_height_metrics(self, prop: Any) -> tuple[float | None, float | None, float | None]:
        """matplotlib's own reading of the font's height tables (``Text._get_layout``,
        at the 72 dpi a figure is drawn at here), remembered per font and size: finding
        the font file and reading its tables was a seventh of saving a chart. matplotlib
        asks a renderer for this when it has the method, and measures itself otherwise
        (as it does here for a font without those tables)."""
        metrics = _HEIGHT_METRICS.get(prop)
        if metrics is None:
            font = get_font(fontManager._find_fonts_by_props(prop))
            for name, gap, ascent, descent in (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                                               ("hhea", "lineGap", "ascent", "descent")):
                table = font.get_sfnt_table(name)
                if table is not None:
                    # matplotlib's own expression at dpi 72, for the same last bit
                    scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * 72 / 72
                    metrics = (table[ascent] * scale, -table[descent] * scale, table[gap] * scale)
                    break
            else:
                return None, None, None
            if len(_HEIGHT_METRICS) >= CachedTextToPath.limit:
                _HEIGHT_METRICS.clear()
            _HEIGHT_METRICS[prop.copy()] = metrics
        return metrics


class FigureCanvas(FigureCanvasBase):
    """matplotlib's SVG canvas (``print_svg`` as in ``backend_svg``) drawing with the
    caching converter."""

    filetypes = {"svg": "Scalable Vector Graphics"}
    fixed_dpi = 72

    def get_default_filetype(self) -> str:
        return "svg"

    def print_svg(self, filename: Any, *, bbox_inches_restore: Any = None, metadata: Any = None,
                  **_raster_options: Any) -> None:
        # savefig passes dpi, colours and orientation to any third-party canvas;
        # matplotlib's SVG canvas has them dropped for it, as here.
        with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
            if not cbook.file_requires_unicode(fh):
                fh = codecs.getwriter("utf-8")(fh)
            dpi = self.figure.dpi
            self.figure.dpi = 72
            width, height = self.figure.get_size_inches()
            renderer = MixedModeRenderer(
                self.figure, width, height, dpi,
                _Renderer(width * 72, height * 72, fh, image_dpi=dpi, metadata=metadata),
                bbox_inches_restore=bbox_inches_restore)
            self.figure.draw(renderer)
            renderer.finalize()
