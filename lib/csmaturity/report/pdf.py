"""The report as a PDF: the HTML page laid out on A4 by WeasyPrint.

WeasyPrint is an optional dependency (``pip install 'csmaturity[pdf]'``): a Python
package that lays out HTML with the CSS paged-media rules the report's stylesheet
uses (A4 pages, page numbers and the firm's footer in the margin, table headers
repeated on every page, headings kept with what follows). It needs the Pango text
library, present on most Linux desktops and installed with it by Homebrew and
conda; it downloads nothing and runs offline.

The PDF is made from the page the HTML file holds, with the Japanese font embedded
as one face holding every character the page uses (WeasyPrint does not combine
several faces of one family the way browsers do). Charts stay vector; their words
stay text, in a face of their own (:data:`~csmaturity.report.fonts.CHART_FAMILY`,
the font they were measured with): searchable in the PDF, and laid out in a third
of the time WeasyPrint takes to draw the same words as glyph outlines. The page may
load nothing but ``data:`` URIs: a report never reaches the network or the disk
while it is laid out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import MissingDependencyError
from ..io.files import atomic_path
from .fonts import CHART_FAMILY, font_face_css

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["PDF_INSTALL", "pdf_engine", "pdf_chart_svgs", "pdf_page", "write_pdf"]

#: How to install the PDF engine, as the error message says it.
PDF_INSTALL = "pip install 'csmaturity[pdf]'"


def pdf_engine() -> ModuleType:
    """The ``weasyprint`` module; :class:`MissingDependencyError` saying how to install
    it when it, or the Pango library it loads, is missing."""
    try:
        import weasyprint
    except ImportError as exc:
        raise MissingDependencyError("WeasyPrint (it writes the PDF)", PDF_INSTALL, str(exc)) from exc
    except OSError as exc:  # the package is there, a system library it loads is not
        raise MissingDependencyError(
            "the Pango text library (WeasyPrint lays out the PDF with it)",
            "apt-get install libpango-1.0-0 libpangoft2-1.0-0 (Debian/Ubuntu), brew install pango (macOS)",
            str(exc).splitlines()[0]) from exc
    return weasyprint


def pdf_chart_svgs(figures: Mapping[str, Figure]) -> dict[str, bytes]:
    """The figures as SVG for the PDF: their text as text in the charts' face."""
    from ..plotting.export import figure_svg

    return {name: figure_svg(fig, text_font=CHART_FAMILY) for name, fig in figures.items()}


def pdf_page(render: Callable[[dict[str, str]], str], charts: Mapping[str, bytes]) -> str:
    """The page to lay out as a PDF: ``render`` (the page's template, given the charts
    as ``<img>`` sources by name) with ``charts`` from :func:`pdf_chart_svgs`, its own
    font embedded and the charts' face beside it."""
    from .context import svg_data_uri
    from .html import embed_font

    page = render({name: svg_data_uri(svg) for name, svg in charts.items()})
    words = b"".join(charts.values()).decode("utf-8")
    return embed_font(page, also=font_face_css(words, family=CHART_FAMILY, start=0))


def write_pdf(page: str, path: str | Path) -> Path:
    """Lay out an HTML page (with its fonts embedded, see :func:`pdf_page`) as an A4
    PDF, written atomically to ``path``.

    Raises
    ------
    MissingDependencyError
        WeasyPrint or the Pango library is not installed (the message says how).
    """
    weasyprint = pdf_engine()
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    # The page's @font-face rules are read with this configuration; the same object
    # must lay out and write the document, or the embedded font is not found.
    fonts = FontConfiguration()
    html = weasyprint.HTML(string=page, url_fetcher=URLFetcher(allowed_protocols={"data"}))
    with atomic_path(path) as tmp:
        html.write_pdf(str(tmp), font_config=fonts)
    return Path(path)
