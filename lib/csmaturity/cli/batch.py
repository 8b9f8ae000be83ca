"""Batch commands: batch, demo, synth, portfolio."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..batch import DEFAULT_CLIENT_TIMEOUT, BatchResult, expand_client_paths, run_batch
from ..i18n import LANGUAGES
from ..io.resources import sample_path
from ..model import load_model
from ..portfolio import DEFAULT_MIN_GROUP, find_results, load_results
from ..portfolio.report import PortfolioOutputs, portfolio_language, summarise_portfolio, write_portfolio
from ..synth import write_synthetic_clients
from .report import (  # the options of `csmaturity report`
    add_branding_option,
    add_pdf_engine_option,
    add_ranking_options,
    report_formats,
    segment_option,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batch", help="diagnose many clients in parallel and summarise the portfolio")
    p.add_argument("clients", nargs="+", type=Path,
                   help="answers files, client folders (one file per respondent) or folders of clients "
                        "(their answers files and client folders)")
    p.add_argument("--out", type=Path, required=True, help="batch folder")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="parallel workers (default: number of cores)")
    p.add_argument("--engine", choices=["papermill", "direct"], default="direct",
                   help="papermill: run the diagnosis notebook per client (audit trail); direct: library only (fast)")
    p.add_argument("--resume", action="store_true",
                   help="skip clients whose inputs, model and kit are unchanged since their last good report")
    p.add_argument("--lang", choices=LANGUAGES, help="report language (default: each client's own)")
    p.add_argument("--model", type=Path, help="maturity model YAML (default: the shipped model)")
    p.add_argument("--scheduler", help="address of a Dask distributed scheduler (pip install 'csmaturity[dask]')")
    add_ranking_options(p, "portfolio percentiles (the summary's and, with --portfolio, each report's) are taken "
                           "among clients with the same value of this")
    p.add_argument("--portfolio", nargs="+", action="extend", type=Path, metavar="DIR_OR_FILE",
                   help="rank each client among these results (e.g. last quarter's batch folder): its percentile per "
                        "dimension within --segment goes into its report")
    p.add_argument("--client-timeout", type=float, default=DEFAULT_CLIENT_TIMEOUT, metavar="SECONDS",
                   help=f"stop and fail a client still running after this long (default {DEFAULT_CLIENT_TIMEOUT:g})")
    p.add_argument("--formats", type=report_formats, default=("html", "xlsx"), metavar="LIST",
                   help="report formats per client, comma-separated: html, pdf, pptx, xlsx (default html,xlsx; the "
                        "results JSON is always written); with pdf and pptx the portfolio gets a PDF and a deck too")
    add_branding_option(p)
    add_pdf_engine_option(p)
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_batch)

    p = sub.add_parser("demo",
                       help="diagnose every sample client (reports + portfolio) and print where the outputs are")
    p.add_argument("--clients", type=Path,
                   help="folder of clients: answers files and client folders (default: the kit's sample clients)")
    p.add_argument("--out", type=Path, default=Path("out/demo"))
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--model", type=Path)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("synth", help="write realistic synthetic client files (load tests, benchmarks)")
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--model", type=Path)
    p.set_defaults(handler=cmd_synth)

    p = sub.add_parser("portfolio", help="rebuild the portfolio summary of a batch folder")
    p.add_argument("batch_dir", type=Path)
    p.add_argument("--lang", choices=LANGUAGES,
                   help="language of the summary (default: English when the model is written in it)")
    p.add_argument("--model", type=Path)
    add_ranking_options(p, "percentiles are taken among clients with the same value of this")
    p.add_argument("--pdf", action="store_true",
                   help="also write portfolio.pdf (needs WeasyPrint: pip install 'csmaturity[pdf]')")
    p.add_argument("--pptx", action="store_true",
                   help="also write portfolio.pptx (needs python-pptx: pip install 'csmaturity[deck]')")
    add_branding_option(p)
    add_pdf_engine_option(p)
    p.set_defaults(handler=cmd_portfolio)


def print_outcomes(result: BatchResult) -> None:
    table = result.summary()[["status", "level", "overall", "seconds", "error"]].rename_axis("client")
    table["seconds"] = table["seconds"].round(1)
    table["error"] = table["error"].fillna("").map(lambda e: e.splitlines()[0][:70] if e else "")
    print(table.to_string())
    counts = table["status"].value_counts()
    print(f"\n{counts.get('ok', 0)} ok, {counts.get('skipped', 0)} skipped (unchanged), "
          f"{counts.get('failed', 0)} failed "
          f"in {result.seconds:.1f} s; logs in {result.out_dir / 'logs'}")


def build_portfolio(batch_dir: Path, model_file: Path | None, lang: str | None, segment: str | None, smallest: int,
                    batch: BatchResult | None = None, *, pdf: bool = False, deck: bool = False,
                    branding: Path | None = None, pdf_engine: str = "weasyprint") -> PortfolioOutputs | None:
    """Summarise the results JSON of ``batch``'s clients (of every client under
    ``batch_dir`` without one), with ``pdf`` also as a PDF (printed by ``pdf_engine``), with ``deck`` also as a
    PowerPoint deck; None when there are none.
    Results in the folder from clients not in this batch (renamed or removed since)
    are left out, and said so."""
    paths = find_results([batch_dir])
    if batch is not None:
        mine = {Path(o.results_json).resolve() for o in batch.outcomes if o.results_json and o.status != "failed"}
        older = [p for p in paths if p.resolve() not in mine]
        if older:
            print(f"note: {len(older)} results in {batch_dir} from clients not in this batch are left out of the "
                  f"portfolio (csmaturity portfolio {batch_dir} summarises them all)", file=sys.stderr)
        paths = [p for p in paths if p.resolve() in mine]
    if not paths:
        return None
    model = load_model(model_file)
    lang = lang or portfolio_language(model)
    summary = summarise_portfolio(load_results(paths), model, lang, segment, smallest)
    from ..report.branding import load_branding

    return write_portfolio(summary, model, batch_dir, lang, pdf=pdf, deck=deck, branding=load_branding(branding),
                           pdf_engine=pdf_engine)


def print_portfolio(outputs: PortfolioOutputs) -> None:
    print("portfolio: " + "\n           ".join(str(p) for p in (outputs.html, outputs.pdf, outputs.pptx) if p))



def cmd_batch(args: argparse.Namespace) -> int:
    files = expand_client_paths(args.clients)
    if not files:
        print("error: no answers files found", file=sys.stderr)
        return 1
    # Wrong options fail here, before any client runs, rather than in the summary after them all.
    model = load_model(args.model)
    segment_option(model, args.segment)
    if args.lang:
        model.check_language(args.lang)
    try:
        result = run_batch(files, args.out, engine=args.engine, workers=args.workers, resume=args.resume,
                           lang=args.lang, model_file=args.model, scheduler=args.scheduler,
                           progress=not args.no_progress,
                           portfolio=args.portfolio, portfolio_segment=args.segment, portfolio_min_group=args.min_group,
                           client_timeout=args.client_timeout, formats=args.formats, branding=args.branding,
                           pdf_engine=args.pdf_engine)
    except KeyboardInterrupt:
        print("\ninterrupted: finished reports are complete; rerun with --resume to do the rest", file=sys.stderr)
        return 130
    print_outcomes(result)
    outputs = build_portfolio(args.out, args.model, args.lang, args.segment, args.min_group, result,
                              pdf="pdf" in args.formats, deck="pptx" in args.formats, branding=args.branding,
                              pdf_engine=args.pdf_engine)
    if outputs:
        print_portfolio(outputs)
    return 1 if result.failed else 0


def cmd_demo(args: argparse.Namespace) -> int:
    clients = args.clients or sample_path("clients")
    if not clients.is_dir():
        print(f"error: {clients} is not a folder of answers files", file=sys.stderr)
        return 1
    result = run_batch(expand_client_paths([clients]), args.out, workers=args.workers, model_file=args.model)
    print_outcomes(result)
    outputs = build_portfolio(args.out, args.model, None, None, DEFAULT_MIN_GROUP, result)
    print(f"\nreports (open the .report.html files in a browser; .report.xlsx to edit; .plan.csv/.plan.xlsx for "
          f"trackers): {args.out}/<client>/")
    print(f"portfolio summary: {outputs.html if outputs else None}")
    return 1 if result.failed else 0


def cmd_synth(args: argparse.Namespace) -> int:
    paths = write_synthetic_clients(load_model(args.model), args.n, args.out, args.seed)
    print(f"wrote {len(paths)} synthetic clients to {args.out}")
    return 0


def cmd_portfolio(args: argparse.Namespace) -> int:
    segment_option(load_model(args.model), args.segment)
    outputs = build_portfolio(args.batch_dir, args.model, args.lang, args.segment, args.min_group, pdf=args.pdf,
                              deck=args.pptx, branding=args.branding, pdf_engine=args.pdf_engine)
    if outputs is None:
        print(f"error: no results JSON under {args.batch_dir}", file=sys.stderr)
        return 1
    print_portfolio(outputs)
    return 0
