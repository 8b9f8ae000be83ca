"""Writing a client's report files: HTML, PDF, deck, Excel, the machine-readable results
JSON and the action plan as a task list for trackers (CSV and Excel)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from concurrent import futures
from contextlib import ExitStack
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import check_argument
from ..io.files import atomic_path, inside, safe_name
from ..portfolio.ranking import DEFAULT_MIN_GROUP
from .branding import DEFAULT_BRANDING, Branding, load_branding
from .context import render_charts, report_context, report_figures
from .excel import write_excel
from .html import embed_font, render_page, shared_wording
from .plan_export import write_plan_csv, write_plan_xlsx
from .results import ReportResults, compute_results

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FORMATS", "DEFAULT_FORMATS", "ReportOutputs", "report_paths", "results_json_path", "check_formats",
           "check_engines", "write_report", "build_report"]

#: The report's formats besides the results JSON and the plan's task list, always written.
FORMATS = ("html", "pdf", "pptx", "xlsx")
#: What a report writes unless asked for more: the PDF and the deck need optional packages.
DEFAULT_FORMATS = ("html", "xlsx")


@dataclass(frozen=True, kw_only=True)
class ReportOutputs:
    """Paths of one client report; a format not written is None."""

    html: Path | None
    xlsx: Path | None
    results_json: Path
    plan_csv: Path
    plan_xlsx: Path
    pdf: Path | None = None
    pptx: Path | None = None

    def written(self) -> dict[str, Path]:
        """The files written, by kind (``html``, ``pdf``, ``pptx``, ``xlsx``, ``results_json``,
        ``plan_csv``, ``plan_xlsx``)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """``formats`` in the order of :data:`FORMATS`, each once; ArgumentError naming an unknown one."""
    asked = list(formats)
    unknown = [f for f in asked if f not in FORMATS]
    check_argument(not unknown, "formats", f"unknown report format(s) {', '.join(map(repr, unknown))}; "
                                           f"expected some of {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in asked)


def check_engines(formats: Iterable[str], pdf_engine: str = "weasyprint") -> None:
    """MissingDependencyError, saying how to install it, when a format's optional
    package is missing (the PDF engine for ``pdf``, python-pptx for ``pptx``);
    ArgumentError for an unknown PDF engine."""
    if "pdf" in formats:
        from . import pdf

        pdf.check_pdf_engine(pdf_engine)
    if "pptx" in formats:
        from .deck import deck_engine

        deck_engine()


def report_paths(client_id: str, lang: str, out_dir: str | Path,
                 formats: Iterable[str] = FORMATS) -> ReportOutputs:
    """Where a client's report files go: ``<safe id>.<lang>.report.html`` and so on,
    for each of ``formats``; the results JSON, ``.plan.csv`` and ``.plan.xlsx`` always.

    The client id is untrusted text (``../../etc/x``): it is reduced to a safe file
    name and the result is checked to stay inside ``out_dir``.
    """
    stem = f"{safe_name(client_id)}.{lang}"
    kinds = check_formats(formats)
    return ReportOutputs(
        **{kind: inside(out_dir, f"{stem}.report.{kind}") if kind in kinds else None for kind in FORMATS},
        results_json=inside(out_dir, f"{stem}.results.json"),
        plan_csv=inside(out_dir, f"{stem}.plan.csv"),
        plan_xlsx=inside(out_dir, f"{stem}.plan.xlsx"),
    )


def results_json_path(out_dir: str | Path, client_id: str, lang: str | None = None) -> Path:
    """The results JSON of a client's report in ``out_dir``.

    Without ``lang``, the one results file of that client in the folder (a batch
    folder holds one language per client); FileNotFoundError if there is none or
    more than one.
    """
    if lang is not None:
        return report_paths(client_id, lang, out_dir).results_json
    found = sorted(Path(out_dir).glob(f"{safe_name(client_id)}.*.results.json"))
    if len(found) != 1:
        raise FileNotFoundError(f"expected one results file for {client_id!r} in {out_dir}, found {len(found)}")
    return found[0]


def write_report(results: ReportResults, out_dir: str | Path, *, charts: dict[str, bytes] | None = None,
                 formats: Sequence[str] = DEFAULT_FORMATS, branding: Branding = DEFAULT_BRANDING,
                 figures: Mapping[str, Figure] | None = None, pdf_engine: str = "weasyprint") -> ReportOutputs:
    """Write the report in each of ``formats`` (:data:`FORMATS`), the results JSON and
    the plan's task list (CSV and workbook).

    The files are rendered into temporary files and moved into place together once
    all are whole, so a failure (a full disk, a missing PDF engine) leaves the earlier
    report set untouched and no partial file behind. ``charts`` reuses charts already
    rendered (see :func:`csmaturity.report.render_charts`), ``figures`` the figures
    already drawn (see :func:`csmaturity.report.report_figures`), saved again for a PDF
    engine that needs charts of its own; ``branding`` puts the
    firm's look on every format; ``pdf_engine`` prints the PDF (one of
    :data:`~csmaturity.report.pdf.PDF_ENGINES`).

    Raises
    ------
    ArgumentError
        An unknown format.
    MissingDependencyError
        ``pdf`` without its engine, ``pptx`` without python-pptx (the message says how
        to install them); nothing is written then.
    """
    kinds = check_formats(formats)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    paths = report_paths(results.assessment.client_id, results.lang, out_dir, kinds)
    written = paths.written()
    outputs = {kind: str(path) for kind, path in written.items()}
    summary = json.dumps({**results.to_dict(), "outputs": outputs}, ensure_ascii=False, indent=2, default=str)
    pages: dict[str, str] = {}
    common = [shared_wording(results.assessment.model, results.lang)]
    printer = None
    if "pdf" in kinds:
        from . import pdf

        printer = pdf.pdf_engine(pdf_engine)
        pdf_charts = (charts if printer.prints_html_charts and charts is not None
                      else printer.chart_svgs(figures if figures is not None else report_figures(results)))
    if {"html", "pdf"} & set(kinds):
        context = report_context(results, charts if "html" in kinds else pdf_charts, branding=branding)
        if "html" in kinds:
            pages["html"] = embed_font(render_page(context), common=common)
        if printer is not None:
            # An engine that prints the HTML page's charts prints the HTML page itself.
            pages["pdf"] = (pages["html"] if printer.prints_html_charts and "html" in pages
                            else printer.page(lambda uris: render_page({**context, "charts": uris}), pdf_charts,
                                              common=common))
    # Every file is written to a temporary file first and moved into place only when
    # every one is whole: a full disk leaves the earlier set, not a mix of two runs.
    with ExitStack() as stack:
        tmp = {kind: stack.enter_context(atomic_path(path)) for kind, path in written.items()}
        # A browser prints the PDF in processes of its own while the other files are written.
        printing = printer.start(pages["pdf"], tmp["pdf"]) if printer is not None else None
        try:
            if "xlsx" in tmp:
                write_excel(results, tmp["xlsx"], branding=branding)
            if "pptx" in tmp:
                from .deck import write_deck

                write_deck(results, tmp["pptx"], branding=branding)
            if "html" in tmp:
                tmp["html"].write_text(pages["html"], encoding="utf-8")
            tmp["results_json"].write_text(summary + "\n", encoding="utf-8")
            write_plan_csv(results.assessment, tmp["plan_csv"])
            write_plan_xlsx(results.assessment, tmp["plan_xlsx"], branding=branding)
        finally:
            if printing is not None:  # its file is removed with the others if anything failed
                futures.wait([printing])
        if printing is not None:
            printing.result()
    return paths


def build_report(
    client_file: str | Path | Sequence[str | Path],
    *,
    out_dir: str | Path,
    lang: str | None = None,
    model_file: str | Path | None = None,
    accounts_file: str | Path | None = None,
    survey_file: str | Path | None = None,
    previous_file: str | Path | None = None,
    previous_survey_file: str | Path | None = None,
    history: Sequence[str | Path] | None = None,
    previous_other_client: bool = False,
    target: str | None = None,
    portfolio: Iterable[Mapping[str, Any]] | pd.DataFrame | None = None,
    portfolio_segment: str | None = None,
    portfolio_min_group: int = DEFAULT_MIN_GROUP,
    period: tuple[str, str] | None = None,
    formats: Sequence[str] = DEFAULT_FORMATS,
    branding: Branding | str | Path | None = None,
    pdf_engine: str = "weasyprint",
) -> ReportOutputs:
    """Assess one client and write its report into ``out_dir``: each of ``formats``
    (default HTML and Excel; see :data:`FORMATS`), the results JSON and the plan as CSV
    and Excel.

    The one call behind ``csmaturity report``, the diagnosis notebook and the batch
    runner. ``client_file`` is an answers file, or a client folder or several answers
    files of one client (several respondents). Data files default to those named in the
    answers file's ``data:`` section;
    see :func:`csmaturity.report.compute_results` for the parameters and errors.
    ``branding`` is a :class:`~csmaturity.report.branding.Branding` or the path of a
    branding YAML file (see :func:`~csmaturity.report.branding.load_branding`).
    ``pdf_engine`` prints the PDF: ``weasyprint`` (the default) or ``chromium`` (a
    Chromium on the machine, about ten times faster; see :mod:`csmaturity.report.pdf`).
    """
    kinds = check_formats(formats)
    check_engines(kinds, pdf_engine)  # before the work, not after it
    if "pdf" in kinds:
        from . import pdf

        pdf.pdf_engine(pdf_engine)  # a browser starts while the report is computed
    if not isinstance(branding, Branding):
        branding = load_branding(branding)
    results = compute_results(
        client_file, lang=lang, model_file=model_file, accounts_file=accounts_file, survey_file=survey_file,
        previous_file=previous_file, previous_survey_file=previous_survey_file, history=history,
        previous_other_client=previous_other_client, target=target, portfolio=portfolio,
        portfolio_segment=portfolio_segment, portfolio_min_group=portfolio_min_group, period=period,
    )
    figures = report_figures(results) if {"html", "pdf"} & set(kinds) else None  # drawn once for both
    charts = render_charts(results, figures=figures) if "html" in kinds else None
    return write_report(results, out_dir, charts=charts, figures=figures, formats=kinds, branding=branding,
                        pdf_engine=pdf_engine)
