"""Deliverables: the PDF, the deck, branding, workbooks fit to print, and the charts they show.

The PDF tests read the PDFs with poppler's tools (pdfinfo, pdffonts, pdftotext,
pdftoppm), as a person checking a file would; they and the tools they need are
optional outside CI (skipped, saying why) and required under CI (CI=true).
"""

from __future__ import annotations

import re
import subprocess
import time
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from csmaturity.cli import main
from csmaturity.errors import ConfigError, MissingDependencyError
from csmaturity.i18n import labels, text
from csmaturity.report import build_report, compute_results
from csmaturity.report.branding import load_branding

from conftest import CLIENTS, ROOT, SAMPLE, require_module, require_tool

pytestmark = pytest.mark.xdist_group("formats")  # the module's deliverables are made once

QUICK = ROOT / "lib" / "csmaturity" / "models" / "examples" / "cs_quick_check.yaml"
QUICK_CLIENT = SAMPLE / "quick_check" / "northstar-crm.yaml"
PDF_INSTALL = "pip install 'csmaturity[pdf]'"
DECK_INSTALL = "pip install 'csmaturity[deck]'"
POPPLER = "apt-get install poppler-utils"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
#: A page's body: below the top margin and above the footer band (millimetres of A4).
TOP_MM, BOTTOM_MM, PAGE_MM = 14, 17, 297


def need_pdf() -> None:
    require_module("weasyprint", PDF_INSTALL)
    for tool in ("pdfinfo", "pdffonts", "pdftotext", "pdftoppm"):
        require_tool(tool, POPPLER)


def need_chromium() -> None:
    need_pdf()  # the PDF tools
    require_module("playwright", "pip install 'csmaturity[browser]'")
    require_tool("chromium", "apt-get install chromium")


def need_deck() -> None:
    require_module("pptx", DECK_INSTALL)


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def page_texts(pdf: Path) -> list[str]:
    """The text of every page (pdftotext separates pages by form feeds)."""
    return run("pdftotext", "-layout", str(pdf), "-").split("\f")[:-1]


def page_fill(pdf: Path, tmp: Path) -> list[float]:
    """How far down its body each page is inked, as a fraction of the body's height.

    The proxy of "how full" a page is: the lowest row of the page body holding ink
    (between the top margin and the footer band with the page number), rasterized at
    20 dpi. Charts count (their text is drawn as outlines, which text extraction would
    miss), and a page whose content stops a fifth of the way down is what a reader
    sees as a nearly empty page, whatever it holds.
    """
    run("pdftoppm", "-r", "20", "-gray", str(pdf), str(tmp / "page"))
    fills = []
    for image in sorted(tmp.glob("page-*.pgm")):
        data = image.read_bytes()
        width, height = (int(v) for v in data.split(maxsplit=3)[1:3])
        pixels = np.frombuffer(data[-width * height:], dtype=np.uint8).reshape(height, width)
        body = pixels[int(height * TOP_MM / PAGE_MM):int(height * (PAGE_MM - BOTTOM_MM) / PAGE_MM)]
        inked = np.flatnonzero((body < 200).any(axis=1))
        fills.append(0.0 if inked.size == 0 else (inked.max() + 1) / body.shape[0])
    return fills


@pytest.fixture(scope="module")
def branding_file(tmp_path_factory) -> Path:
    from PIL import Image

    folder = tmp_path_factory.mktemp("branding")
    Image.new("RGB", (300, 80), (122, 30, 60)).save(folder / "logo.png")
    (folder / "branding.yaml").write_text(
        "firm: Example Advisory\nconsultant: Hanako Sato\nlogo: logo.png\n"
        "colors: {primary: '#7A1E3C', accent: '#C0392B'}\n"
        "footer: {en: Example Advisory Ltd.}\n"
        "confidentiality: {ja: '社外秘：{client} 様向け', en: 'Confidential: prepared for {client}'}\n",
        encoding="utf-8")
    return folder / "branding.yaml"


@pytest.fixture(scope="module")
def hikari(tmp_path_factory, branding_file) -> dict[str, Path]:
    """Every format of the Japanese sample client with data, branded, through the command line."""
    need_pdf()
    need_deck()
    out = tmp_path_factory.mktemp("hikari")
    assert main(["report", str(CLIENTS / "hikari-cloud.yaml"), "--out", str(out), "--pdf", "--pptx",
                 "--branding", str(branding_file)]) == 0
    return {kind: out / f"hikari-cloud.ja.report.{kind}" for kind in ("html", "pdf", "pptx", "xlsx")}


@pytest.fixture(scope="module")
def chromium_pdfs(tmp_path_factory, branding_file) -> dict[str, Path]:
    """The Japanese sample client with data (branded, through the command line) and the
    English one, printed by Chromium."""
    need_chromium()
    out = tmp_path_factory.mktemp("chromium")
    assert main(["report", str(CLIENTS / "hikari-cloud.yaml"), "--out", str(out), "--formats", "html,pdf",
                 "--pdf-engine", "chromium", "--branding", str(branding_file)]) == 0
    northwind = build_report(CLIENTS / "northwind-analytics.yaml", out_dir=out, formats=["pdf"],
                             pdf_engine="chromium").pdf
    return {"hikari": out / "hikari-cloud.ja.report.pdf", "hikari_html": out / "hikari-cloud.ja.report.html",
            "northwind": northwind}


@pytest.fixture(scope="module")
def hikari_deck(tmp_path_factory, branding_file) -> Path:
    """The branded deck of the Japanese sample client with data (no PDF engine needed)."""
    need_deck()
    return build_report(CLIENTS / "hikari-cloud.yaml", out_dir=tmp_path_factory.mktemp("deck"), formats=["pptx"],
                        branding=branding_file).pptx


@pytest.fixture(scope="module")
def northwind_pdf(tmp_path_factory) -> Path:
    need_pdf()
    return build_report(CLIENTS / "northwind-analytics.yaml", out_dir=tmp_path_factory.mktemp("nw"),
                        formats=["pdf"]).pdf


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, Path]:
    """Decks without a PDF engine: the English sample client and a quick-check client."""
    need_deck()
    out = tmp_path_factory.mktemp("decks")
    return {"northwind": build_report(CLIENTS / "northwind-analytics.yaml", out_dir=out, formats=["pptx"]).pptx,
            "quick": build_report(QUICK_CLIENT, out_dir=out, model_file=QUICK, formats=["pptx", "xlsx"]).pptx}


def test_the_module_runs_as_one_group_on_one_test_process(request):
    # Its deliverables are made once only if the test runner keeps the group together.
    if not getattr(request.config.option, "loadgroup", False):  # what pytest-xdist sets in a test process
        pytest.skip("not run on test processes with --dist loadgroup")
    assert request.node.nodeid.endswith("@formats")


# --------------------------------------------------------------------------- PDF


@pytest.mark.slow
def test_the_pdf_is_a4_with_its_fonts_embedded(hikari, northwind_pdf):
    assert_a4_with_every_font_embedded_and_no_serif(northwind_pdf)
    fonts = assert_a4_with_every_font_embedded_and_no_serif(hikari["pdf"])
    assert any("csmaturity-ja" in line for line in fonts)  # the Japanese face of the report


@pytest.mark.slow
def test_pdf_charts_keep_their_words_as_text_in_the_charts_face(hikari, northwind_pdf):
    """The charts of a PDF are laid out with their text as text, in the bundled font
    they were measured with (Latin letters too): it can be searched and copied."""
    for pdf, lang in ((hikari["pdf"], "ja"), (northwind_pdf, "en")):
        fonts = run("pdffonts", str(pdf))
        assert "csmaturity-charts" in fonts
        words = run("pdftotext", "-layout", str(pdf), "-")
        assert text("chart.roadmap.xlabel", lang) in words  # the roadmap chart's axis


@pytest.mark.slow
def test_no_pdf_page_is_nearly_empty_but_the_end_of_a_section(hikari, northwind_pdf, tmp_path):
    """Every page is at least 30 % inked down its body, except the summary page (the
    first section, followed by a page break) and the document's last page."""
    quick = build_report(QUICK_CLIENT, out_dir=tmp_path / "quick", model_file=QUICK, formats=["pdf"]).pdf
    for k, pdf in enumerate((hikari["pdf"], northwind_pdf, quick)):
        assert_no_page_nearly_empty(pdf, tmp_path / f"pages{k}")


def assert_answers_table_repeats_its_header_row(pdf: Path) -> None:
    L = labels("ja")
    pages = page_texts(pdf)
    first = next(i for i, page in enumerate(pages) if L["sections"]["answers"] in page)
    last = next(i for i, page in enumerate(pages) if L["sections"]["method"] in page)
    heads = [next(line for line in page.splitlines() if line.strip()) for page in pages[first + 1:last + 1]]
    continued = [head for head in heads if L["sections"]["method"] not in head]
    assert continued  # the answers table runs over two pages or more
    for head in continued:
        assert L["columns"]["question"] in head and L["columns"]["answer"] in head, head


def assert_branded_footer_and_page_numbers(pdf: Path) -> None:
    pages = page_texts(pdf)
    for number, page in enumerate(pages, start=1):
        assert "社外秘：ひかりクラウド株式会社様向け" in page.replace(" ", "")  # extraction drops the space
        assert "Example Advisory Ltd." in page
        assert f"{number} / {len(pages)}" in page
    assert "Hanako Sato" in pages[0] and "Example Advisory" in pages[0]


def assert_a4_with_every_font_embedded_and_no_serif(pdf: Path) -> list[str]:
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", run("pdfinfo", "-f", "1", "-l", "99", str(pdf)))
    assert sizes and {(round(float(w)), round(float(h))) for w, h in sizes} == {(595, 842)}  # A4 portrait
    fonts = run("pdffonts", str(pdf)).splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)  # every font embedded (emb column)
    # The page numbers are set in the report's font, not a serif default of the engine.
    assert not [line for line in fonts if "Serif" in line]
    return fonts


def assert_no_page_nearly_empty(pdf: Path, folder: Path, *, lang: str | None = None) -> None:
    """No page between the first and the last is under 30 % inked; with ``lang``, a
    section's last page may be (the next page opens with a section heading)."""
    folder.mkdir()
    fills = page_fill(pdf, folder)
    assert len(fills) >= 5
    middle = {page + 2: round(f, 2) for page, f in enumerate(fills[1:-1])}
    if lang is not None:
        titles = [t for t in labels(lang)["sections"].values() if isinstance(t, str)]
        opening = [next((line for line in page.splitlines() if line.strip()), "") for page in page_texts(pdf)]
        middle = {page: f for page, f in middle.items() if not any(t in opening[page] for t in titles)}
    assert all(f >= 0.3 for f in middle.values()), (pdf.name, middle)


@pytest.mark.slow
def test_pdf_tables_repeat_their_header_row_on_every_page(hikari):
    assert_answers_table_repeats_its_header_row(hikari["pdf"])


@pytest.mark.slow
def test_pdf_pages_carry_the_branding_footer_and_page_numbers(hikari):
    assert hikari["pptx"].is_file() and hikari["xlsx"].is_file()  # --pdf --pptx add to the default formats
    assert_branded_footer_and_page_numbers(hikari["pdf"])
    assert "担当: Hanako Sato" in hikari["html"].read_text(encoding="utf-8")  # the same cover in the HTML
    assert "--brand: #7A1E3C" in hikari["html"].read_text(encoding="utf-8")


def test_a_missing_pdf_engine_says_how_to_install_it_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(__import__("sys").modules, "weasyprint", None)  # import fails as if not installed
    with pytest.raises(MissingDependencyError, match=re.escape(PDF_INSTALL)):
        build_report(CLIENTS / "northwind-analytics.yaml", out_dir=tmp_path / "lib", formats=["html", "pdf"])
    assert not (tmp_path / "lib").exists() or not list((tmp_path / "lib").iterdir())
    assert main(["report", str(CLIENTS / "northwind-analytics.yaml"), "--out", str(tmp_path / "cli"), "--pdf"]) == 1
    assert PDF_INSTALL in capsys.readouterr().err
    assert not (tmp_path / "cli").exists() or not list((tmp_path / "cli").iterdir())


def test_report_formats_choose_what_is_written(tmp_path, capsys):
    out = tmp_path / "html"
    assert main(["report", str(CLIENTS / "midori-fintech.yaml"), "--formats", "html", "--out", str(out)]) == 0
    written = sorted(p.name.split(".", 2)[2] for p in out.iterdir())
    assert written == ["plan.csv", "plan.xlsx", "report.html", "results.json"]  # no workbook
    with pytest.raises(SystemExit) as stop:
        main(["report", str(CLIENTS / "midori-fintech.yaml"), "--formats", "html,docx", "--out", str(out)])
    assert stop.value.code == 2 and "html, pdf, pptx, xlsx" in capsys.readouterr().err


def test_a_missing_deck_engine_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(__import__("sys").modules, "pptx", None)
    assert main(["batch", str(QUICK_CLIENT), "--model", str(QUICK), "--out", str(tmp_path), "--workers", "1",
                 "--no-progress", "--formats", "html,pptx"]) == 1
    assert DECK_INSTALL in capsys.readouterr().err
    assert not list(tmp_path.glob("*/*.report.*"))  # refused before any client ran


def test_an_unknown_format_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["batch", str(QUICK_CLIENT), "--out", str(tmp_path), "--formats", "html,docx"])
    assert stop.value.code == 2 and "html, pdf, pptx, xlsx" in capsys.readouterr().err


@pytest.mark.slow
def test_chromium_prints_the_same_report_to_the_same_rules(chromium_pdfs, tmp_path):
    hikari, northwind = chromium_pdfs["hikari"], chromium_pdfs["northwind"]
    for pdf in (hikari, northwind):
        assert_a4_with_every_font_embedded_and_no_serif(pdf)
    assert_branded_footer_and_page_numbers(hikari)
    assert_answers_table_repeats_its_header_row(hikari)
    for k, (pdf, lang) in enumerate(((hikari, "ja"), (northwind, "en"))):
        assert_no_page_nearly_empty(pdf, tmp_path / f"pages{k}", lang=lang)
    # The Japanese text is text in the embedded face (a browser renames the face it embeds).
    words = run("pdftotext", "-layout", str(hikari), "-")
    assert "ひかりクラウド株式会社" in words and labels("ja")["sections"]["method"] in words
    # It printed the HTML file's own page: the same title and the same charts.
    html = chromium_pdfs["hikari_html"].read_text(encoding="utf-8")
    assert run("pdfinfo", str(hikari)).split("Title:")[1].splitlines()[0].strip() in html


def test_chromium_loads_nothing_but_the_page(tmp_path):
    need_chromium()
    import functools
    import http.server
    import threading

    from PIL import Image

    from csmaturity.report.pdf import write_pdf

    Image.new("RGB", (40, 40), (200, 0, 0)).save(tmp_path / "pixel.png")
    asked: list[str] = []

    class Recording(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            asked.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Recording, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/pixel.png"
        page = f'<html><body><p>Outside</p><img src="{url}"><link rel="stylesheet" href="{url}"></body></html>'
        pdf = write_pdf(page, tmp_path / "out.pdf", engine="chromium")
    finally:
        server.shutdown()
    assert "Outside" in run("pdftotext", str(pdf), "-")
    assert asked == []  # nothing reached the server
    sizes = {tuple(line.split()[3:5]) for line in run("pdfimages", "-list", str(pdf)).splitlines()[2:]}
    assert ("40", "40") not in sizes  # (the browser may draw its broken-image mark)


def test_a_failure_while_the_pdf_prints_leaves_the_earlier_report_whole(tmp_path, monkeypatch):
    need_chromium()
    import csmaturity.report.build as build
    from csmaturity.report.pdf import write_pdf

    results = compute_results(QUICK_CLIENT, model_file=QUICK)
    build.write_report(results, tmp_path, formats=("html", "pdf", "xlsx"), pdf_engine="chromium")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    # The PDF is printing in the browser when the workbook fails.
    monkeypatch.setattr(build, "write_excel", full_disk)
    with pytest.raises(OSError, match="No space left"):
        build.write_report(results, tmp_path, formats=("html", "pdf", "xlsx"), pdf_engine="chromium")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no temporary file, nothing replaced
    page = "<html><body><p>After</p></body></html>"
    assert "After" in run("pdftotext", str(write_pdf(page, tmp_path / "next.pdf", engine="chromium")), "-")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "next.pdf"])  # no late-written file


def test_a_browser_that_cannot_start_fails_every_pdf_and_never_hangs(tmp_path):
    need_chromium()
    from csmaturity.report.pdf import _Chromium

    engine = _Chromium("/bin/false")  # starts (and fails to start) at once, as a batch worker's does
    try:
        with pytest.raises(Exception, match="(?i)browser|closed|exit"):  # the PDF tries again and says why
            engine.write("<p>x</p>", tmp_path / "first.pdf")
    finally:
        engine.close()
    assert not engine._thread.is_alive() and not list(tmp_path.iterdir())
    with pytest.raises(RuntimeError, match="closed"):  # not a job that waits for ever
        engine.write("<p>x</p>", tmp_path / "after.pdf")


def test_an_unknown_pdf_engine_is_refused(tmp_path, capsys):
    from csmaturity.errors import ArgumentError

    with pytest.raises(ArgumentError, match="weasyprint, chromium"):
        build_report(CLIENTS / "northwind-analytics.yaml", out_dir=tmp_path, formats=["pdf"], pdf_engine="prince")
    with pytest.raises(SystemExit) as stop:
        main(["report", str(CLIENTS / "northwind-analytics.yaml"), "--out", str(tmp_path), "--pdf",
              "--pdf-engine", "prince"])
    assert stop.value.code == 2 and "chromium" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_the_notebook_engine_prints_with_chromium_inside_its_kernel(tmp_path, monkeypatch):
    # A kernel runs an asyncio loop, where Playwright's synchronous API refuses to run:
    # the engine drives the browser from a thread of its own.
    need_chromium()
    import shutil
    import tempfile

    from csmaturity.batch import run_batch

    # The kernel's (and its browser's) temporary folder: a short path, as Chromium's
    # profile holds a socket, whose path may not exceed 107 bytes.
    temporary = Path(tempfile.mkdtemp(prefix="cs-"))
    monkeypatch.setenv("TMPDIR", str(temporary))
    out = tmp_path / "out"
    result = run_batch([QUICK_CLIENT], out, model_file=QUICK, engine="papermill", workers=1, progress=False,
                       formats=("html", "pdf"), pdf_engine="chromium")
    assert not result.failed, [o.error for o in result.failed]
    (pdf,) = out.glob("*/*.report.pdf")
    assert_a4_with_every_font_embedded_and_no_serif(pdf)
    (notebook,) = out.glob("*/*.diagnosis.ipynb")
    assert '"chromium"' in notebook.read_text(encoding="utf-8")  # the parameter the kernel was given
    # The browser was closed before the kernel stopped: its profile is gone with it.
    left = [p.name for p in temporary.iterdir() if "chrom" in p.name.lower() or "playwright" in p.name]
    shutil.rmtree(temporary)
    assert not left


@pytest.mark.slow
@pytest.mark.pool
def test_batch_writes_every_format_per_client_and_a_portfolio_pdf(tmp_path, branding_file, capsys):
    # On two worker processes, each printing with its own Chromium (the batch's fast PDF
    # engine; the single-report tests above cover WeasyPrint's and Chromium's pages).
    need_chromium()
    need_deck()
    psutil = pytest.importorskip("psutil")
    clients = sorted((SAMPLE / "quick_check").glob("*.yaml"))[:2]
    command = ["batch", *map(str, clients), "--model", str(QUICK), "--out", str(tmp_path), "--no-progress",
               "--pdf-engine", "chromium", "--branding", str(branding_file)]
    before = {p.pid for p in psutil.process_iter()}
    assert main([*command, "--workers", "2", "--formats", "html,pdf,pptx,xlsx"]) == 0
    # The workers closed their browsers (this process keeps its own, for the portfolio's PDF):
    # one left open would outlive its worker, no longer a child of this process. (Chromium's
    # crash handlers leave the process tree by design and end with their browser.)
    ours = {p.pid for p in psutil.Process().children(recursive=True)}
    left = [p for p in psutil.process_iter(["name"]) if p.pid not in before and p.pid not in ours
            and "chrom" in (p.info["name"] or "").lower() and "crashpad" not in p.info["name"]]
    deadline = time.monotonic() + 15  # a closing browser takes a moment to end
    while (running := [p for p in left if _running(p)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not running
    printed = capsys.readouterr().out
    # The portfolio's three files are named, not the page the PDF was laid out from.
    assert all(str(tmp_path / f"portfolio.{kind}") in printed for kind in ("html", "pdf", "pptx"))
    assert "</html>" not in printed
    for client in clients:
        written = {p.name.split(".report.")[-1] for p in (tmp_path / client.stem).glob("*.report.*")}
        assert written == {"html", "pdf", "pptx", "xlsx"}
        assert_a4_with_every_font_embedded_and_no_serif(next((tmp_path / client.stem).glob("*.report.pdf")))
    assert_a4_with_every_font_embedded_and_no_serif(tmp_path / "portfolio.pdf")
    assert (tmp_path / "portfolio.pptx").is_file()  # pptx among the formats: a portfolio deck too
    # Resuming with the same formats skips; asking for fewer formats makes the reports again.
    assert main([*command, "--workers", "1", "--resume", "--formats", "html,pdf,pptx,xlsx"]) == 0
    summary = (tmp_path / "batch_summary.csv").read_text(encoding="utf-8")
    assert summary.count("skipped") == 2
    assert main([*command, "--workers", "1", "--resume"]) == 0
    assert "skipped" not in (tmp_path / "batch_summary.csv").read_text(encoding="utf-8")


def _running(process) -> bool:
    """Whether a process still runs (an ended one whose parent has not reaped it is a zombie)."""
    import psutil

    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


# --------------------------------------------------------------------------- deck


def _slides(path: Path):
    import pptx

    return list(pptx.Presentation(str(path)).slides)


def test_the_deck_has_the_slides_of_the_report_in_order(decks):
    from csmaturity.report.deck import slide_titles

    L = labels("en")
    titles = slide_titles(decks["northwind"])
    expected = [L["sections"]["summary"], L["executive"]["ladder_title"], L["sections"]["dimensions"],
                text("sections.benchmark", "en", survey=text("benchmark.named_year", "en", year=2021)),
                text("deck.top_actions", "en"), L["sections"]["roadmap"]]
    assert titles[1:7] == expected
    assert titles[7] == text("executive.box.title_next", "en", level="CS 1.0 Retention")  # what the next level takes
    assert all(t.startswith(L["sections"]["answers"]) for t in titles[8:])  # no data: no metrics slide
    assert any("Northwind Analytics Ltd." in s.text_frame.text for s in _slides(decks["northwind"])[0].shapes
               if s.has_text_frame)
    quick = slide_titles(decks["quick"])
    assert not [t for t in quick if t.startswith("Comparison with")]  # the instrument has no benchmark
    assert L["sections"]["roadmap_unphased"] in quick


def test_the_portfolio_deck_shows_the_clients_side_by_side(tmp_path, branding_file):
    need_deck()
    from pptx.oxml.ns import qn

    from csmaturity.model import load_model
    from csmaturity.portfolio.deck import write_portfolio_deck
    from csmaturity.portfolio.report import summarise_portfolio
    from csmaturity.report.deck import EAST_ASIAN_FONT, slide_titles

    model = load_model()
    paths = [*sorted(CLIENTS.glob("*.yaml")), CLIENTS / "kaede-works"]
    summary = summarise_portfolio([compute_results(path).to_dict() for path in paths], model, "ja")
    deck = write_portfolio_deck(summary, model, tmp_path / "portfolio.pptx", "ja",
                                branding=load_branding(branding_file))
    P = labels("ja")["portfolio"]
    assert slide_titles(deck) == [P["title"], P["levels"], P["clients"], P["heatmap"], P["gaps"], P["cohorts"]]
    slides = _slides(deck)
    clients = next(shape.table for shape in slides[2].shapes if shape.has_table)
    rows = [[clients.cell(i, j).text for j in range(len(clients.columns))] for i in range(len(clients.rows))]
    assert len(rows) == 1 + 7 and rows[0][-2:] == ["回答者数", "一致度（α）"]  # a client answered as a team
    assert [r[2] for r in rows[1:]] == sorted((r[2] for r in rows[1:]), key=float, reverse=True)
    kaede = next(r for r in rows if r[0] == "かえでワークス株式会社")
    assert kaede[-2:] == ["4", "0.23"]
    scores = next(shape.table for shape in slides[3].shapes if shape.has_table)
    assert len(scores.columns) == 1 + len(model.dimensions) and len(scores.rows) == 1 + 7
    words = " ".join(shape.text_frame.text for shape in slides[1].shapes if shape.has_text_frame)
    assert "Example Advisory" in words and "社外秘" not in words  # the firm's footer, no one client's line
    for slide in slides:
        for run in slide.shapes._spTree.iter(qn("a:r")):
            if JAPANESE.search(run.find(qn("a:t")).text or ""):
                assert run.find(qn("a:rPr")).find(qn("a:ea")).get("typeface") == EAST_ASIAN_FONT


def test_every_japanese_run_of_the_deck_names_an_east_asian_font(hikari_deck):
    from pptx.oxml.ns import qn

    from csmaturity.report.deck import EAST_ASIAN_FONT

    japanese_runs = 0
    parts = [slide.shapes._spTree for slide in _slides(hikari_deck)]
    parts += [shape.chart._chartSpace for slide in _slides(hikari_deck) for shape in slide.shapes if shape.has_chart]
    for part in parts:
        for run in part.iter(qn("a:r")):
            props = run.find(qn("a:rPr"))
            words = run.find(qn("a:t")).text or ""
            if JAPANESE.search(words):
                japanese_runs += 1
                assert props is not None and props.find(qn("a:ea")) is not None, words
                assert props.find(qn("a:ea")).get("typeface") == EAST_ASIAN_FONT
                assert props.get("lang") == "ja-JP"
        for defaults in part.iter(qn("a:defRPr")):  # chart text (axis labels, categories)
            assert defaults.find(qn("a:ea")) is not None
    assert japanese_runs > 100
    with zipfile.ZipFile(hikari_deck) as archive:  # text typed later takes the theme's fonts
        theme = archive.read("ppt/theme/theme1.xml").decode("utf-8")
    assert f'<a:ea typeface="{EAST_ASIAN_FONT}"/>' in theme


def test_the_deck_charts_are_native_and_editable(hikari_deck):
    charts = [shape.chart for slide in _slides(hikari_deck) for shape in slide.shapes if shape.has_chart]
    assert len(charts) >= 3  # dimension scores, benchmark, NPS / NRS
    dims = charts[0]
    results = compute_results(CLIENTS / "hikari-cloud.yaml")
    names = results.assessment.dimension_table()["name"].tolist()
    assert list(dims.plots[0].categories) == names
    scores = results.assessment.scorecard.dimensions["score"].round(6).tolist()
    assert [round(v, 6) for v in dims.plots[0].series[0].values] == scores


def test_the_deck_carries_the_branding(hikari_deck):
    import pptx

    deck = pptx.Presentation(str(hikari_deck))
    cover = deck.slides[0]
    assert any(shape.shape_type == 13 for shape in cover.shapes)  # the logo (a picture)
    cover_text = " ".join(s.text_frame.text for s in cover.shapes if s.has_text_frame)
    assert "Hanako Sato" in cover_text and "Example Advisory" in cover_text
    title = deck.slides[1].shapes[0].text_frame.paragraphs[0].runs[0]
    assert str(title.font.color.rgb) == "7A1E3C"  # the firm's primary colour
    footers = [" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in list(deck.slides)[1:]]
    assert all("社外秘：ひかりクラウド株式会社 様向け" in f for f in footers)
    assert deck.core_properties.author == "Hanako Sato, Example Advisory"


def test_deck_text_keeps_markup_spaces_and_control_characters_as_python_pptx_writes_them(tmp_path):
    """The deck's text boxes, shapes and tables are written as XML: a client's or an
    answer's text with markup characters, only spaces or a control character reads back
    as python-pptx's own run writes and reads it."""
    need_deck()
    import pptx
    from pptx.util import Inches

    from csmaturity.report.branding import DEFAULT_BRANDING
    from csmaturity.report.deck import SlideDeck

    hostile = ["R&D <Team> \"x\" 'y'", "   ", "bell\x07tab\tend", "]]> &amp;"]
    deck = SlideDeck("en", DEFAULT_BRANDING, "A & B <Co>")
    slide = deck.slide("Title <&>")
    deck.text(slide, 1, 1, 4, 1, hostile)
    deck.rect(slide, 1, 2.5, 3, 1, "EEEEEE", label=hostile[0])
    deck.table(slide, 1, 4, [2, 2, 2, 2], hostile, [hostile[::-1]])
    empty = deck.text(slide, 6, 1, 2, 1, [])  # no paragraph given: the text body still holds one
    assert len(empty.text_frame.paragraphs) == 1
    reference = slide.shapes.add_textbox(0, 0, Inches(1), Inches(1)).text_frame
    for k, value in enumerate(hostile):  # python-pptx's own writing of each text
        (reference.paragraphs[0] if k == 0 else reference.add_paragraph()).add_run().text = value
    path = deck.save(tmp_path / "hostile.pptx", "hostile")

    shapes = pptx.Presentation(str(path)).slides[0].shapes
    expected = [p.runs[0].text for p in shapes[-1].text_frame.paragraphs]
    assert expected[1] == "   " and "&" in expected[0]  # the reference keeps them
    box, shape, table = shapes[-5], shapes[-4], shapes[-3]  # as added, before the empty box and the reference
    assert [p.runs[0].text for p in box.text_frame.paragraphs] == expected
    assert shape.text_frame.text == expected[0]
    cells = table.table
    assert [cells.cell(0, j).text_frame.paragraphs[0].runs[0].text for j in range(4)] == expected
    assert [cells.cell(1, j).text_frame.paragraphs[0].runs[0].text for j in range(4)] == expected[::-1]
    assert cells.rows[1].height > 0 and table.height == sum(row.height for row in cells.rows)

def test_branding_files_are_validated(tmp_path):
    bad = tmp_path / "branding.yaml"
    bad.write_text("firm: X\ncolors: {primary: blue}\nlogo: missing.png\nslogan: hi\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_branding(bad)
    where = {p.location for p in caught.value.problems}
    assert {"colors.primary", "slogan"} <= where
    bad.write_text('colors: {primary: "#0b4f8a\\n"}\n', encoding="utf-8")  # a colour and a line break
    with pytest.raises(ConfigError, match="colors.primary"):
        load_branding(bad)
    bad.write_text("logo: missing.png\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="logo.*file not found"):
        load_branding(bad)
    bad.write_text("logo: logo.svg\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="PNG or JPEG"):
        load_branding(bad)
    assert load_branding(None).firm is None


# --------------------------------------------------------------------------- workbooks


def _print_setup(ws) -> tuple:
    setup = ws.page_setup
    # A fit of one page wide is the file format's default: openpyxl reads it back as None.
    return (setup.paperSize, setup.orientation, ws.sheet_properties.pageSetUpPr.fitToPage, setup.fitToWidth or 1,
            setup.fitToHeight)


@pytest.fixture(scope="module")
def japanese_workbook(tmp_path_factory, branding_file) -> Path:
    return build_report(CLIENTS / "hikari-cloud.yaml", out_dir=tmp_path_factory.mktemp("xlsx"), formats=["xlsx"],
                        branding=branding_file).xlsx


def test_every_report_sheet_prints_on_a4_one_page_wide_with_its_header_row(japanese_workbook):
    book = openpyxl.load_workbook(japanese_workbook)
    for ws in book.worksheets:
        orientation = "portrait" if ws.title == "サマリー" else "landscape"  # the summary: two columns
        assert _print_setup(ws) == (9, orientation, True, 1, 0), ws.title  # A4, fitted to the page width
        assert ws.print_area
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
    dims = book["領域スコア"]
    assert dims.print_title_rows == "$1:$1"  # the header row on every page
    assert dims["A1"].value == "領域ID" and dims.print_area.startswith("'領域スコア'!$B$1")  # ids not printed
    assert [b.id for b in dims.row_breaks.brk]  # the radar starts a page: never cut in half
    assert "社外秘：ひかりクラウド株式会社 様向け" in dims.oddFooter.left.text


def test_the_japanese_workbook_is_in_a_japanese_font_and_in_words(japanese_workbook):
    from csmaturity.io.sheets import JA_FONT

    book = openpyxl.load_workbook(japanese_workbook)
    model_ids = set(compute_results(CLIENTS / "hikari-cloud.yaml").assessment.model.questions_by_id)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and JAPANESE.search(cell.value):
                    assert cell.font.name == JA_FONT, (ws.title, cell.coordinate)
                assert not isinstance(cell.value, bool), (ws.title, cell.coordinate)  # no TRUE / FALSE
    recs = list(book["施策"].iter_rows(values_only=True))
    header = recs[0]
    efforts = {r[header.index("工数")] for r in recs[1:]}
    assert efforts <= set(labels("ja")["plan"]["effort"].values()) | {None}  # not S / M / L
    triggers = [r[header.index("きっかけの設問")] for r in recs[1:]]
    assert not [t for t in triggers for part in re.split(r"[\n, ]+", t or "") if part in model_ids]
    summary = {r[0]: r[1] for r in book["サマリー"].iter_rows(values_only=True) if r[0]}
    assert summary["暫定判定"] == "いいえ"
    heights = [book["サマリー"].row_dimensions[r].height for r in range(3, book["サマリー"].max_row + 1)]
    assert all(h for h in heights) and max(heights) > 20  # wrapped rows are as tall as their text


def test_the_plan_workbook_prints_like_the_report_sheets(japanese_workbook):
    from csmaturity.io.sheets import JA_FONT

    ws = openpyxl.load_workbook(japanese_workbook.with_name("hikari-cloud.ja.plan.xlsx"))["plan"]
    assert [c.value for c in ws[1]][:3] == ["Summary", "Description", "Owner"]  # the importers' names
    assert _print_setup(ws) == (9, "landscape", True, 1, 0) and ws.print_title_rows == "$1:$1"
    assert "社外秘：ひかりクラウド株式会社 様向け" in ws.oddFooter.left.text
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    japanese = [c for c in cells if isinstance(c.value, str) and JAPANESE.search(c.value)]
    assert japanese and all(c.font.name == JA_FONT for c in japanese)
    heights = [ws.row_dimensions[r].height for r in range(2, ws.max_row + 1)]
    # every description holds the action, a blank line and its KPI: no row is left one line tall
    assert min(heights) >= 3 * 16.5


def test_the_portfolio_workbook_is_labelled_and_laid_out(tmp_path):
    from csmaturity.model import load_model
    from csmaturity.portfolio.report import summarise_portfolio, write_portfolio_workbook

    results = [compute_results(path).to_dict() for path in sorted(CLIENTS.glob("*.yaml"))]
    model = load_model()
    path = write_portfolio_workbook(summarise_portfolio(results, model, "en"), model, tmp_path / "p.xlsx", "en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Clients", "Percentiles", "Levels", "Common gaps", "Survey cohorts"]
    for ws in book.worksheets:
        header = [c.value for c in ws[1]]
        assert not [h for h in header if re.fullmatch(r"[a-z_]+", str(h))], (ws.title, header)  # words, not keys
        assert _print_setup(ws) == (9, "landscape", True, 1, 0)
        assert all((ws.column_dimensions[c.column_letter].width or 0) >= 6 for c in ws[1])
    rows = list(book["Clients"].iter_rows(values_only=True))
    currency = {r[rows[0].index("Client")]: r[rows[0].index("Currency")] for r in rows[1:]}
    assert currency["ひかりクラウド株式会社"] == "JPY" and currency["Northwind Analytics Ltd."] == "USD"


def test_the_intake_form_prints_without_its_row_keys(tmp_path):
    from csmaturity.intake import write_intake_template
    from csmaturity.io.sheets import JA_FONT
    from csmaturity.model import load_model

    model = load_model()
    path = write_intake_template(model, tmp_path / "intake.xlsx", lang="ja")
    book = openpyxl.load_workbook(path)
    form = book.worksheets[1]
    assert form.column_dimensions["G"].hidden  # the keys: kept for the importer, out of sight
    assert form.print_area.endswith(":$F$" + str(form.max_row)) and form.print_title_rows
    assert _print_setup(form) == (9, "landscape", True, 1, 0)
    assert form["A1"].font.name == JA_FONT


# --------------------------------------------------------------------------- charts


def _drawn(fig):
    """The renderer of ``fig`` drawn once (text extents are known only then)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def test_roadmap_labels_never_run_across_the_end_of_their_bar():
    from csmaturity.plotting.charts import roadmap_chart

    for client in ("hikari-cloud", "northwind-analytics"):
        a = compute_results(CLIENTS / f"{client}.yaml").assessment
        fig = roadmap_chart(a)
        renderer = _drawn(fig)
        ax = fig.axes[0]
        to_data = ax.transData.inverted()
        road = a.roadmap
        labels_ = [t for t in ax.texts if re.match(r"\d+\. ", t.get_text())]
        assert len(labels_) == len(road)
        for label in labels_:
            step = int(label.get_text().split(".")[0])
            start, end = road.loc[step, "start_month"], road.loc[step, "end_month"]
            box = label.get_window_extent(renderer)
            (left, _), (right, _) = to_data.transform([(box.x0, 0), (box.x1, 0)])
            inside = left >= start - 0.05 and right <= end + 0.05
            assert inside or left >= end - 0.05 or right <= start + 0.05, (client, label.get_text(), left, right)


def test_the_english_benchmark_axis_label_fits_the_figure():
    from csmaturity.plotting.charts import benchmark_chart

    fig = benchmark_chart(compute_results(CLIENTS / "northwind-analytics.yaml").assessment)
    renderer = _drawn(fig)
    box = fig.axes[0].xaxis.label.get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width


def test_matrix_labels_are_light_on_dark_cells_and_key_driver_panels_share_their_axes():
    from csmaturity.plotting.charts import driver_quadrants, nps_nrs_chart

    m = compute_results(CLIENTS / "hikari-cloud.yaml").metrics
    ax = nps_nrs_chart(m.matrix, lang="ja").axes[0]
    image = ax.images[0]
    for label in ax.texts:
        share = float(label.get_text().split("%")[0]) / 100
        r, g, b, _ = image.to_rgba(share)
        dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45
        assert label.get_color() == ("white" if dark else "#222222")
    assert any(t.get_color() == "white" for t in ax.texts)
    panels = [a for a in driver_quadrants(m.drivers, lang="en").axes if a.get_title(loc="left")]
    assert len(panels) == 3
    assert len({a.get_xlim() for a in panels}) == 1 and len({a.get_ylim() for a in panels}) == 1
    assert all(re.search(r"\(n=[\d,]+\)", a.get_title(loc="left")) for a in panels)
