"""Writing a client's report files: HTML, Excel, the machine-readable results JSON and
the action plan as a task list for trackers (CSV and Excel)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..io.files import atomic_path, inside, safe_name
from ..portfolio.ranking import DEFAULT_MIN_GROUP
from .context import render_charts, report_context
from .excel import write_excel
from .html import render_html, shared_wording
from .plan_export import write_plan_csv, write_plan_xlsx
from .results import ReportResults, compute_results

__all__ = ["ReportOutputs", "report_paths", "results_json_path", "write_report", "build_report"]


@dataclass(frozen=True, kw_only=True)
class ReportOutputs:
    """Paths written for one client report."""

    html: Path
    xlsx: Path
    results_json: Path
    plan_csv: Path
    plan_xlsx: Path


def report_paths(client_id: str, lang: str, out_dir: str | Path) -> ReportOutputs:
    """Where a client's report files go: ``<safe id>.<lang>.report.html``,
    ``.report.xlsx``, ``.results.json``, ``.plan.csv`` and ``.plan.xlsx``.

    The client id is untrusted text (``../../etc/x``): it is reduced to a safe file
    name and the result is checked to stay inside ``out_dir``.
    """
    stem = f"{safe_name(client_id)}.{lang}"
    return ReportOutputs(
        html=inside(out_dir, f"{stem}.report.html"),
        xlsx=inside(out_dir, f"{stem}.report.xlsx"),
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


def write_report(results: ReportResults, out_dir: str | Path, *,
                 charts: dict[str, bytes] | None = None) -> ReportOutputs:
    """Render and write the HTML report, the workbook, the results JSON and the plan's
    task list (CSV and workbook).

    The five files are rendered into temporary files and moved into place together
    once all are whole, so a failure (a full disk, say) leaves the earlier report set
    untouched and no partial file behind. ``charts`` reuses charts already rendered (see
    :func:`csmaturity.report.render_charts`).
    """
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    paths = report_paths(results.assessment.client_id, results.lang, out_dir)
    html = render_html(report_context(results, charts), common=[shared_wording(results.assessment.model, results.lang)])
    outputs = {key: str(path) for key, path in vars(paths).items()}
    summary = json.dumps({**results.to_dict(), "outputs": outputs}, ensure_ascii=False, indent=2, default=str)
    # Every file is written to a temporary file first and moved into place only when
    # every one is whole: a full disk leaves the earlier set, not a mix of two runs.
    with ExitStack() as stack:
        xlsx, page, data, plan_csv, plan_xlsx = (
            stack.enter_context(atomic_path(p))
            for p in (paths.xlsx, paths.html, paths.results_json, paths.plan_csv, paths.plan_xlsx))
        write_excel(results, xlsx)
        page.write_text(html, encoding="utf-8")
        data.write_text(summary + "\n", encoding="utf-8")
        write_plan_csv(results.assessment, plan_csv)
        write_plan_xlsx(results.assessment, plan_xlsx)
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
) -> ReportOutputs:
    """Assess one client and write its report (HTML, Excel, results JSON, the plan as
    CSV and Excel) into ``out_dir``.

    The one call behind ``csmaturity report``, the diagnosis notebook and the batch
    runner. ``client_file`` is an answers file, or a client folder or several answers
    files of one client (several respondents). Data files default to those named in the
    answers file's ``data:`` section;
    see :func:`csmaturity.report.compute_results` for the parameters and errors.
    """
    results = compute_results(
        client_file, lang=lang, model_file=model_file, accounts_file=accounts_file, survey_file=survey_file,
        previous_file=previous_file, previous_survey_file=previous_survey_file, history=history,
        previous_other_client=previous_other_client, target=target, portfolio=portfolio,
        portfolio_segment=portfolio_segment, portfolio_min_group=portfolio_min_group, period=period,
    )
    return write_report(results, out_dir, charts=render_charts(results))
