"""Client reports: one self-contained HTML file, an Excel workbook, a results JSON and
the action plan as a task list (CSV and Excel) for trackers.

One call writes them all::

    from csmaturity.report import build_report
    outputs = build_report("client.yaml", out_dir="out", lang="ja",
                           accounts_file="accounts.csv", survey_file="survey.csv")
    outputs.html, outputs.xlsx, outputs.results_json, outputs.plan_csv, outputs.plan_xlsx

The pieces are public so the diagnosis notebook can show the same charts inline and
write the same files: :func:`compute_results` (every number), :func:`render_charts`
(SVG bytes), :func:`executive_summary` (the executive page every format opens with),
:func:`report_context` and :func:`render_html` (the page),
:func:`write_excel` and :func:`write_report`. Running the diagnosis notebook and its
audit HTML live one layer up, in :mod:`csmaturity.notebook`. Templates (Jinja2, autoescaped) live in
the repository's ``templates/`` folder, packaged as ``csmaturity/templates``.
"""

from ..plotting.export import figure_svg
from .build import ReportOutputs, build_report, report_paths, results_json_path, write_report
from .change import AssessmentChange, AssessmentHistory, assessment_history, compare_assessments
from .context import chart_titles, render_charts, report_context, report_figures
from .data_context import DataContext, data_context
from .excel import write_excel
from .executive import ExecutiveSummary, executive_summary
from .html import render_html, templates_dir
from .metrics_summary import MetricsSummary, compute_metrics
from .results import ReportResults, SourceFile, cached_model, compute_results
from .verdict import verdict

__all__ = [
    "AssessmentChange",
    "AssessmentHistory",
    "DataContext",
    "ExecutiveSummary",
    "SourceFile",
    "assessment_history",
    "data_context",
    "executive_summary",
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

