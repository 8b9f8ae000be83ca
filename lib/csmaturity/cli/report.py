"""Report command: the scored client report (HTML, Excel, results JSON, the action plan
as CSV and Excel for trackers)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import ArgumentError, CsMaturityError
from ..i18n import LANGUAGES
from ..model import MaturityModel, load_model
from ..portfolio import DEFAULT_MIN_GROUP, check_min_group, check_segment, rank_portfolio, read_portfolio
from ..report.pdf import PDF_ENGINES
from ..respondents import load_client


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write a client's report: self-contained HTML, Excel workbook, results JSON and "
                                      "the action plan as CSV/Excel for trackers; with --pdf and --pptx also a PDF "
                                      "and a deck")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE",
                   help="the client's answers YAML; or its folder, or several answers files of it (one per "
                        "respondent): the report shows their consensus and where they disagree")
    p.add_argument("--out", type=Path, default=Path("out/reports"), help="output folder (default out/reports)")
    p.add_argument("--lang", choices=LANGUAGES, help="report language (default: the client's)")
    p.add_argument("--model", type=Path, help="maturity model YAML (default: the shipped model)")
    p.add_argument("--target", metavar="LEVEL",
                   help="the level the client aims for (a level id of the model; default: the answers file's target)")
    deliver = p.add_argument_group("deliverables")
    deliver.add_argument("--formats", type=report_formats, default=("html", "xlsx"), metavar="LIST",
                         help="report formats, comma-separated: html, pdf, pptx, xlsx (default html,xlsx; the results "
                              "JSON and the action plan for trackers are always written)")
    deliver.add_argument("--pdf", action="store_true",
                         help="also write the report as an A4 PDF (needs WeasyPrint: pip install 'csmaturity[pdf]')")
    deliver.add_argument("--pptx", action="store_true",
                         help="also write a PowerPoint deck (needs python-pptx: pip install 'csmaturity[deck]')")
    add_branding_option(deliver)
    add_pdf_engine_option(deliver)
    data = p.add_argument_group("data",
                                "the client's tables; by default those named in the answers file's data: section")
    data.add_argument("--accounts", type=Path, help="accounts table (CSV or Excel)")
    data.add_argument("--survey", type=Path, help="relational NPS survey (CSV or Excel)")
    data.add_argument("--previous", type=Path,
                      help="the client's previous answers file (the same client id): adds the change since then")
    data.add_argument("--history", nargs="+", action="extend", type=Path, metavar="FILE_OR_DIR",
                      help="earlier answers files of the client, or folders of them (*.yaml), any number: adds the "
                           "trend per dimension and overall, level changes and survey metrics between waves "
                           "(without --previous, the latest is the previous assessment)")
    data.add_argument("--previous-other-client", action="store_true",
                      help="allow a previous or earlier assessment of another client id; the report states it")
    data.add_argument("--previous-survey", type=Path,
                      help="the survey at the previous assessment (default: the earlier wave of --survey)")
    data.add_argument("--period", nargs=2, metavar=("START", "END"),
                      help="retention period, ISO dates "
                           "(default: the 12 months to the latest date in the accounts table)")
    port = p.add_argument_group("portfolio",
                                "the client's percentile among other clients' results (e.g. a batch folder)")
    port.add_argument("--portfolio", nargs="+", action="extend", type=Path, metavar="DIR_OR_FILE",
                      help="results JSON files, or folders whose *.results.json and */*.results.json are read "
                           "(a batch folder); the client's own earlier results are left out and it is ranked fresh")
    add_ranking_options(port, "rank the client among clients with the same value of this")
    p.add_argument("--notebook", action="store_true",
                   help="run the diagnosis notebook with papermill instead, keeping it and its code-free HTML as the "
                        "audit trail (not with --period)")
    p.set_defaults(handler=cmd_report)


def add_branding_option(group: argparse._ActionsContainer) -> None:
    """``--branding FILE``, the same in every command that writes deliverables."""
    group.add_argument("--branding", type=Path, metavar="FILE",
                       help="branding YAML: firm name, logo, colours, consultant, footer, confidentiality line "
                            "(applied to the HTML, PDF, deck and workbook)")


def add_pdf_engine_option(group: argparse._ActionsContainer) -> None:
    """``--pdf-engine``, the same in every command that writes a PDF."""
    group.add_argument("--pdf-engine", choices=PDF_ENGINES, default=PDF_ENGINES[0],
                       help="what prints the PDF: weasyprint (default; pip install 'csmaturity[pdf]') or chromium "
                            "(a Chromium or Chrome on the machine, about ten times faster; pip install "
                            "'csmaturity[browser]')")


def add_ranking_options(group: argparse._ActionsContainer, segment_help: str) -> None:
    """``--segment`` and ``--min-group``, spelt and checked alike in every command that ranks clients."""
    group.add_argument("--segment", metavar="FIELD",
                       help=f"{segment_help}: a choice or text field of the model's client profile, or industry "
                            "(default: the model's first such profile field)")
    group.add_argument("--min-group", type=min_group, default=DEFAULT_MIN_GROUP, metavar="N",
                       help="hide percentiles where fewer than N clients share the segment "
                            f"(default {DEFAULT_MIN_GROUP}, at least 2)")


def min_group(value: str) -> int:
    """argparse type of --min-group: the rule of :func:`csmaturity.portfolio.check_min_group`."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    try:
        return check_min_group(n)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def segment_option(model: MaturityModel, segment: str | None) -> str:
    """``--segment`` checked against ``model``'s segments (see
    :func:`csmaturity.portfolio.check_segment`), the error naming the option."""
    try:
        return check_segment(model, segment)
    except ArgumentError as exc:
        raise ArgumentError("--segment", f"--segment: {exc}") from None


def report_formats(value: str) -> tuple[str, ...]:
    """argparse type of --formats: comma-separated report formats, each known."""
    from ..report.build import FORMATS

    asked = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [f for f in asked if f not in FORMATS]
    if unknown or not asked:
        raise argparse.ArgumentTypeError(f"expected some of {', '.join(FORMATS)}, comma-separated; got {value!r}")
    return asked


def cmd_report(args: argparse.Namespace) -> int:
    from ..notebook import run_diagnosis_notebook  # heavy: only when a report is made
    from ..report import build_report
    from ..report.branding import load_branding

    if args.segment is not None or args.portfolio:
        segment_option(load_model(args.model), args.segment)
    files = {"accounts_file": args.accounts, "survey_file": args.survey, "previous_file": args.previous,
             "previous_survey_file": args.previous_survey}
    earlier = {"previous_other_client": args.previous_other_client}
    ranking = {"portfolio_segment": args.segment, "portfolio_min_group": args.min_group}
    client = args.files[0] if len(args.files) == 1 else args.files
    formats = list(dict.fromkeys([*args.formats, *(["pdf"] if args.pdf else []), *(["pptx"] if args.pptx else [])]))
    if args.notebook:
        if args.period:
            print("error: --period is not a notebook parameter; leave it out with --notebook", file=sys.stderr)
            return 2
        if len(args.files) > 1:
            print("error: with --notebook, give one answers file or the client's folder", file=sys.stderr)
            return 2
        # A report language the model is not written in, or a wrong answers file, fails here
        # with its message rather than in a notebook cell.
        model = load_model(args.model)
        model.check_language(args.lang or load_client(client, model).client.language)
        load_branding(args.branding)  # a wrong branding file too
        if args.portfolio:
            # Fails here, naming the paths or the results at fault, rather than in a notebook cell.
            rank_portfolio(read_portfolio(args.portfolio), model, segment=args.segment, min_group=args.min_group)
        paths = os.pathsep.join(map(str, args.portfolio or []))
        history = os.pathsep.join(map(str, args.history or []))
        try:
            written = run_diagnosis_notebook(client, args.out, lang=args.lang, model_file=args.model,
                                             portfolio_paths=paths, history_paths=history, target=args.target or "",
                                             formats=",".join(formats), branding_file=args.branding,
                                             pdf_engine=args.pdf_engine,
                                             **ranking, **files, **earlier)
        except CsMaturityError:
            raise
        except Exception as exc:
            from papermill.exceptions import PapermillExecutionError  # installed: the notebook ran

            if not isinstance(exc, PapermillExecutionError):
                raise
            # A cell failed (typically on the client's data): its error, not papermill's traceback.
            print(f"error: the diagnosis notebook stopped at cell {exc.exec_count}: {exc.ename}: {exc.evalue}\n"
                  f"  the partly executed notebook is kept in {args.out} (*.diagnosis.failed.ipynb)", file=sys.stderr)
            return 1
    else:
        outputs = build_report(client, out_dir=args.out, lang=args.lang, model_file=args.model,
                               period=tuple(args.period) if args.period else None, history=args.history,
                               target=args.target,
                               portfolio=read_portfolio(args.portfolio) if args.portfolio else None,
                               formats=formats, branding=load_branding(args.branding), pdf_engine=args.pdf_engine,
                               **ranking, **files, **earlier)
        written = outputs.written()
    for kind, path in written.items():
        print(f"{kind:>12}: {path}")
    return 0
