"""Client reports: one self-contained HTML file, an Excel workbook and a results JSON.

One call writes all three::

    from csmaturity.report import build_report
    outputs = build_report("client.yaml", out_dir="out", lang="ja",
                           accounts_file="accounts.csv", survey_file="survey.csv")
    outputs.html, outputs.xlsx, outputs.results_json

The pieces are public so the diagnosis notebook can show the same charts inline and
write the same files: :func:`compute_results` (every number), :func:`render_charts`
(SVG bytes), :func:`report_context` and :func:`render_html` (the page),
:func:`write_excel` and :func:`write_report`. Running the diagnosis notebook and its
audit HTML live one layer up, in :mod:`csmaturity.notebook`. Templates (Jinja2, autoescaped) live in
the repository's ``templates/`` folder, packaged as ``csmaturity/templates``.
"""

from ..plotting.export import figure_svg
from .build import ReportOutputs, build_report, report_paths, results_json_path, write_report
from .change import AssessmentChange, compare_assessments
from .context import chart_titles, render_charts, report_context, report_figures
from .excel import write_excel
from .html import render_html, templates_dir
from .metrics_summary import MetricsSummary, compute_metrics
from .results import ReportResults, cached_model, compute_results
from .verdict import verdict

__all__ = [
    "AssessmentChange",
    "MetricsSummary",
    "ReportOutputs",
    "ReportResults",
    "build_report",
    "cached_model",
    "chart_titles",
    "compare_assessments",
    "compute_metrics",
    "compute_results",
    "figure_svg",
    "render_charts",
    "render_html",
    "report_context",
    "report_figures",
    "report_paths",
    "results_json_path",
    "templates_dir",
    "verdict",
    "write_excel",
    "write_report",
]

