"""The report as a PDF: the HTML page laid out on A4 by one of two engines.

* ``weasyprint`` (the default): a Python package (``pip install 'csmaturity[pdf]'``)
  that lays out HTML with the CSS paged-media rules the report's stylesheet uses (A4
  pages, page numbers and the firm's footer in the margin, table headers repeated on
  every page, headings kept with what follows). It needs the Pango text library,
  present on most Linux desktops and installed with it by Homebrew and conda; it
  downloads nothing and runs offline. The page it lays out carries the Japanese font
  as one face holding every character the page uses (WeasyPrint does not combine
  several faces of one family the way browsers do). Charts stay vector; their words
  stay text, in a face of their own (:data:`~csmaturity.report.fonts.CHART_FAMILY`,
  the font they were measured with): searchable in the PDF, and laid out in a third
  of the time WeasyPrint takes to draw the same words as glyph outlines.
* ``chromium``: a headless Chromium or Google Chrome already on the machine, driven
  through Playwright (``pip install 'csmaturity[browser]'``), kept open for the
  process and printing every PDF into one tab: about ten times faster than
  WeasyPrint, for batches. It prints the HTML report's own page (its charts with
  their words as outlines: an SVG shown as an image cannot use the page's fonts).

Either way the page may load nothing but ``data:`` URIs: a report never reaches the
network or the disk while it is laid out.
"""

from __future__ import annotations

import queue
import shutil
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from contextlib import suppress
from multiprocessing.util import Finalize
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MissingDependencyError, check_argument
from ..io.files import atomic_path
from .fonts import CHART_FAMILY, font_face_css

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["PDF_INSTALL", "PDF_ENGINES", "PdfEngine", "pdf_engine", "check_pdf_engine", "close_pdf_engines",
           "chromium_program", "write_pdf"]

#: How to install the default PDF engine, as the error message says it.
PDF_INSTALL = "pip install 'csmaturity[pdf]'"
#: The PDF engines, the default first.
PDF_ENGINES = ("weasyprint", "chromium")
#: The tab's size in CSS pixels: the text column of the pages' A4 sheet (210 mm less
#: the stylesheets' 13 mm side margins, at 96 px per inch) by one sheet's height.
PRINT_VIEWPORT = {"width": round((210 - 2 * 13) / 25.4 * 96), "height": round(297 / 25.4 * 96)}
#: The names a Chromium or Chrome program goes by on PATH.
CHROMIUM_PROGRAMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


class PdfEngine:
    """One way to make the PDF: the charts it prints, the page it lays out, the file."""

    name: str = ""

    def chart_svgs(self, figures: Mapping[str, Figure]) -> dict[str, bytes]:
        """The figures as SVG for this engine's page."""
        raise NotImplementedError

    #: Whether it prints the HTML page's own charts (then a report draws them once).
    prints_html_charts = False

    def page(self, render: Callable[[dict[str, str]], str], charts: Mapping[str, bytes], *,
             common: Sequence[str] = ()) -> str:
        """The page to print: ``render`` (the page's template, given the charts as
        ``<img>`` sources by name) with ``charts`` from :meth:`chart_svgs`, its fonts
        embedded (``common``: wordings shared with other pages, see
        :func:`~csmaturity.report.html.embed_font`, where the engine combines faces)."""
        raise NotImplementedError

    def write(self, page: str, path: str | Path) -> Path:
        """Print ``page`` as an A4 PDF, written atomically to ``path``."""
        raise NotImplementedError

    def start(self, page: str, path: Path) -> Future[None]:
        """Begin printing ``page`` into ``path`` (a temporary file the caller moves into
        place) and return at once where the engine prints in processes of its own; the
        future is done when the file is whole. The caller writes its other files
        meanwhile and must wait for the future before it removes or moves ``path``."""
        done: Future[None] = Future()
        try:
            self.write(page, path)
            done.set_result(None)
        except BaseException as exc:  # handed to the caller, who raises it
            done.set_exception(exc)
        return done


class _WeasyPrint(PdfEngine):
    name = "weasyprint"

    def __init__(self) -> None:
        try:
            import weasyprint
        except ImportError as exc:
            raise MissingDependencyError("WeasyPrint (it writes the PDF)", PDF_INSTALL, str(exc)) from exc
        except OSError as exc:  # the package is there, a system library it loads is not
            raise MissingDependencyError(
                "the Pango text library (WeasyPrint lays out the PDF with it)",
                "apt-get install libpango-1.0-0 libpangoft2-1.0-0 (Debian/Ubuntu), brew install pango (macOS)",
                str(exc).splitlines()[0]) from exc
        self.module = weasyprint

    def chart_svgs(self, figures: Mapping[str, Figure]) -> dict[str, bytes]:
        from ..plotting.export import figure_svg

        return {name: figure_svg(fig, text_font=CHART_FAMILY) for name, fig in figures.items()}

    def page(self, render: Callable[[dict[str, str]], str], charts: Mapping[str, bytes], *,
             common: Sequence[str] = ()) -> str:
        from .context import svg_data_uri
        from .html import embed_font

        # One face for the page: WeasyPrint does not combine faces of a family.
        page = render({name: svg_data_uri(svg) for name, svg in charts.items()})
        words = b"".join(charts.values()).decode("utf-8")
        return embed_font(page, also=font_face_css(words, family=CHART_FAMILY, start=0))

    def write(self, page: str, path: str | Path) -> Path:
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        # The page's @font-face rules are read with this configuration; the same object
        # must lay out and write the document, or the embedded font is not found.
        fonts = FontConfiguration()
        html = self.module.HTML(string=page, url_fetcher=URLFetcher(allowed_protocols={"data"}))
        with atomic_path(path) as tmp:
            html.write_pdf(str(tmp), font_config=fonts)
        return Path(path)


def chromium_program() -> str:
    """The path of the Chromium or Chrome program on PATH; MissingDependencyError
    saying how to install one when there is none."""
    for name in CHROMIUM_PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    raise MissingDependencyError("Chromium or Google Chrome (it prints the PDF with the chromium engine)",
                                 "apt-get install chromium (Debian/Ubuntu), brew install --cask chromium (macOS)",
                                 f"none of {', '.join(CHROMIUM_PROGRAMS)} is on PATH")


class _Chromium(PdfEngine):
    """Chromium kept open for the process, driven from a thread of its own: Playwright's
    objects belong to the thread that made them, and its synchronous API refuses to
    run where an asyncio loop runs (a Jupyter kernel). The browser starts as soon as
    the engine is asked for (while the first report is still being computed), prints
    while the caller writes its other files, and closes when the process exits."""

    name = "chromium"

    def __init__(self, program: str) -> None:
        self.program = program
        self._closed = False
        self._jobs: queue.Queue[tuple[str, Path, Future[None]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._serve, name="csmaturity-pdf", daemon=True)
        self._thread.start()

    def chart_svgs(self, figures: Mapping[str, Figure]) -> dict[str, bytes]:
        from ..plotting.export import figure_svg

        return {name: figure_svg(fig) for name, fig in figures.items()}

    prints_html_charts = True

    def page(self, render: Callable[[dict[str, str]], str], charts: Mapping[str, bytes], *,
             common: Sequence[str] = ()) -> str:
        from .context import svg_data_uri
        from .html import embed_font

        return embed_font(render({name: svg_data_uri(svg) for name, svg in charts.items()}), common=common)

    def write(self, page: str, path: str | Path) -> Path:
        with atomic_path(path) as tmp:
            self.start(page, tmp).result()
        return Path(path)

    def start(self, page: str, path: Path) -> Future[None]:
        done: Future[None] = Future()
        if self._closed:  # its thread has ended: the job would wait for ever
            done.set_exception(RuntimeError("this Chromium PDF engine is closed; ask pdf_engine() for a new one"))
        else:
            self._jobs.put((page, Path(path), done))
        return done

    def close(self) -> None:
        """Close the browser and end the thread."""
        self._closed = True
        self._jobs.put(None)
        self._thread.join(timeout=30)

    def _launch(self) -> tuple[Any, Any, Any]:
        """Playwright, the browser and its one tab; nothing left running on failure."""
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        try:
            browser = playwright.chromium.launch(executable_path=self.program)
            # Laid out for print at the width it prints at, the page is not laid out a
            # second time to print it: half the renderer's work, the same PDF.
            tab = browser.new_page(viewport=PRINT_VIEWPORT)
            tab.emulate_media(media="print")
            tab.route("**/*", lambda route: route.abort())  # nothing from the network or the disk
        except BaseException:
            playwright.stop()
            raise
        return playwright, browser, tab

    def _serve(self) -> None:
        playwright = browser = tab = None
        try:
            with suppress(Exception):  # tried again for the first PDF, whose caller gets the error
                playwright, browser, tab = self._launch()
            while (job := self._jobs.get()) is not None:
                page, path, done = job
                try:
                    if tab is None:
                        playwright, browser, tab = self._launch()
                    tab.set_content(page, wait_until="load")
                    tab.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
                    done.set_result(None)
                except BaseException as exc:  # handed to the caller, who raises it
                    done.set_exception(exc)
        finally:
            if browser is not None:
                browser.close()
            if playwright is not None:
                playwright.stop()


def _chromium_ready() -> str:
    """The Chromium program, once Playwright is known to be there to drive it."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError("Playwright (it drives Chromium to print the PDF)",
                                     "pip install 'csmaturity[browser]'", str(exc)) from exc
    return chromium_program()


_chromium: list[_Chromium] = []  # the process's browser, once it is asked for
_lock = threading.Lock()


def pdf_engine(name: str = "weasyprint") -> PdfEngine:
    """The PDF engine ``name`` (one of :data:`PDF_ENGINES`); Chromium is started once
    per process and kept.

    Raises
    ------
    ArgumentError
        An unknown engine.
    MissingDependencyError
        The engine is not installed (the message says how).
    """
    _check_name(name)
    if name == "weasyprint":
        return _WeasyPrint()
    with _lock:
        if not _chromium:
            _chromium.append(_Chromium(_chromium_ready()))
            # A pool's worker process ends through multiprocessing's exit, which runs its
            # finalizers but not atexit; the main process runs them from atexit.
            Finalize(None, _chromium[0].close, exitpriority=10)
        return _chromium[0]


def _check_name(name: str) -> None:
    check_argument(name in PDF_ENGINES, "pdf_engine", f"unknown PDF engine {name!r}; expected one of "
                                                      f"{', '.join(PDF_ENGINES)}")


def close_pdf_engines() -> None:
    """Close the process's browser, if one was started (the next PDF starts another).
    Otherwise it closes when the process ends."""
    with _lock:
        engines = list(_chromium)
        _chromium.clear()
    for engine in engines:
        engine.close()


def check_pdf_engine(name: str) -> None:
    """That the PDF engine ``name`` can run here, without starting it (a batch's own
    process checks before its workers start theirs); raises as :func:`pdf_engine` does."""
    _check_name(name)
    if name == "weasyprint":
        _WeasyPrint()
    elif not _chromium:
        _chromium_ready()


def write_pdf(page: str, path: str | Path, engine: str = "weasyprint") -> Path:
    """Print an HTML page (from :meth:`PdfEngine.page`, or any page carrying its fonts) as
    an A4 PDF with ``engine``, written atomically to ``path``.

    Raises
    ------
    MissingDependencyError
        The engine is not installed (the message says how).
    """
    return pdf_engine(engine).write(page, path)
