"""The report's results as an Excel workbook a consultant can edit before delivery.

One sheet per table (summary, dimensions, answers, one per benchmark of the model,
recommendations, roadmap, and metrics / change when present), each an Excel table with
filters and number formats, plus a native radar chart of the dimension scores on the
model's scale. Scores show one decimal more than the report. Text is written
with ``write_string``: a company name or an evidence note that starts with ``=`` stays
text and can never become a formula.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import xlsxwriter

from ..i18n import join_list, labels, text
from ..io.files import atomic_path
from ..io.sheets import XLSX_OPTIONS
from . import tables
from .branding import DEFAULT_BRANDING, Branding
from .context import report_context

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from .results import ReportResults

__all__ = ["write_excel"]

# Number format per column key (the rest are text or plain numbers).
PERCENT = {"weight", "fraction", "separation", "share", "share_accounts", "share_arr", "top1", "top2", "performance"}
#: Columns holding scores on the model's scale (formatted with its decimals, plus one).
SCORES = {"score", "next_gate", "previous", "current", "delta"}
ONE_DECIMAL = {"score", "impact", "priority", "next_gate", "previous", "current", "delta", "difference", "percentile"}
THREE_DECIMALS = {"p_value"}
UNIT_FORMATS = {"points": "+0.0;-0.0;0.0", "share": "0.0%", "mean": "0.00", "amount": "#,##0", "count": "#,##0",
                "ratio": "0.00"}


class _Sheets:
    """Cell formats shared by all sheets of one workbook."""

    def __init__(self, book: Workbook):
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.formats: dict[str, Any] = {}

    def number(self, num_format: str) -> Any:
        if num_format not in self.formats:
            self.formats[num_format] = self.book.add_format({"num_format": num_format, "valign": "top"})
        return self.formats[num_format]


def _cell(sheet: Worksheet, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Write one value with its proper type; blanks for missing numbers."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def _table(s: _Sheets, name: str, frame: pd.DataFrame, lang: str, *, start_row: int = 0,
           widths: dict[str, int] | None = None, row_formats: list[str] | None = None,
           headers: dict[str, str] | None = None, formats: dict[str, str] | None = None) -> Worksheet:
    """A sheet holding ``frame`` as an Excel table with localized headers (``headers``
    names columns the store does not, ``formats`` sets a column's number format)."""
    sheet = s.book.add_worksheet(name) if name not in s.book.sheetnames else s.book.get_worksheet_by_name(name)
    headers = {**labels(lang)["columns"], **(headers or {})}
    columns = list(frame.columns)
    for j, key in enumerate(columns):
        num_format = ((formats or {}).get(key) or ("0%" if key in PERCENT else "0.0" if key in ONE_DECIMAL
                      else "0.000" if key in THREE_DECIMALS else "General"))
        fmt = s.number(num_format) if key != "value" else None
        for i, value in enumerate(frame[key].tolist()):
            cell_fmt = (s.number(UNIT_FORMATS[row_formats[i]]) if key in ("value", "low", "high") and row_formats
                        else fmt)
            if isinstance(value, str):
                cell_fmt = s.wrap
            _cell(sheet, start_row + 1 + i, j, value, cell_fmt)
        sheet.set_column(j, j, (widths or {}).get(key, 14))
    if columns:
        sheet.add_table(start_row, 0, start_row + max(len(frame), 1), len(columns) - 1, {
            "columns": [{"header": headers.get(key, key)} for key in columns],
            "style": "Table Style Light 9",
            "autofilter": True,
        })
    sheet.freeze_panes(start_row + 1, 0)
    return sheet


def _score_format(results: ReportResults) -> str:
    """The number format of a score: the model's decimals plus one (``0.0``, ``0.00``)."""
    return "0." + "0" * (results.assessment.model.score_scale.decimals + 1)


def _summary(s: _Sheets, results: ReportResults, context: dict[str, Any]) -> None:
    a = results.assessment
    lang = a.lang
    L = labels(lang)
    card = a.scorecard
    client = a.answers.client
    sheet = s.book.add_worksheet(text("excel.sheets.summary", lang))
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 90)
    sheet.write_string(0, 0, L["report"]["title"], s.title)
    sim = context["summary"]["similarity"]
    dims = a.dimension_table()
    left_out = dims[(dims["weight"] > 0) & dims["score"].isna()]["name"].tolist()
    rows: list[tuple[str, Any, str | None]] = [
        (L["excel"]["client"], client.name, None),
        (L["appendix"]["client_id"], client.id, None),
        (L["report"]["industry"], client.industry, None),
        *[(field["label"], field["value"], None) for field in context["client"]["profile"]],
        (L["report"]["assessed_on"], client.assessment_date.isoformat(), None),
        (L["summary"]["overall"], round(card.overall, 2), _score_format(results)),
        (L["summary"]["level"], card.level.name.get(lang), None),
        *([(L["excel"]["excluded"], join_list(left_out, lang, conjunction=False), None)] if left_out else []),
        (L["summary"]["coverage"], card.coverage, "0%"),
        (L["summary"]["provisional"], card.provisional, None),
        *([(L["summary"]["similarity"].format(cohort=sim["leading"]),
            sim["posterior_leading"] if sim["items_used"] else None, "0%")] if sim else []),
        *_portfolio_rows(results, L),
        (L["appendix"]["kit"], f"csmaturity {a.kit_version}", None),
        (L["appendix"]["model"], f"{a.model.id} {a.model.version}", None),
        (L["appendix"]["input_hash"], a.input_hash, None),
    ]
    for i, (label, value, num_format) in enumerate(rows, start=2):
        sheet.write_string(i, 0, label, s.bold)
        _cell(sheet, i, 1, value, s.number(num_format) if num_format else s.wrap)
    row = len(rows) + 3
    sheet.write_string(row, 0, L["excel"]["verdict"], s.bold)
    for i, sentence in enumerate(context["verdict"]):
        sheet.write_string(row + i, 1, sentence, s.wrap)


def _portfolio_rows(results: ReportResults, L: dict[str, Any]) -> list[tuple[str, Any, str | None]]:
    """The summary sheet's portfolio rows: segment, overall percentile (or why it is
    hidden) and what the radar's median covers; none without a portfolio."""
    position = results.portfolio_position()
    if position is None:
        return []
    P = L["portfolio"]
    words = tables.portfolio_segment(results)
    assert words is not None
    segment = P["segment_value"].format(segment_name=words["name"], segment=words["value"], n=position["segment_size"],
                                        min_group=position["min_group"])
    overall = (P["hidden_short"].format(min_group=position["min_group"]) if position["hidden"]
               else position["percentiles"]["overall"])
    rows: list[tuple[str, Any, str | None]] = [(P["segment_label"], segment, None),
                                               (P["percentile_label"], overall, "0.0")]
    median = tables.portfolio_median_label(results)
    if median:
        rows.append((P["median_label"], median, None))
    return rows


def _grid_step(span: float) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) dividing ``span`` into 3 to 5
    or so rings: 25 on 0-100, 1 on 1-4."""
    base = 10 ** math.floor(math.log10(span))
    steps = [m * base * f for f in (1, 0.1) for m in (5, 2.5, 2, 1)]
    return next(step for step in steps if span / step >= 3)


def _radar(s: _Sheets, sheet: Worksheet, n: int, results: ReportResults) -> None:
    """A native (editable) radar chart of the dimension scores beside the table, on the
    model's scale (a dimension without a score is a blank cell: no point)."""
    lang = results.lang
    scale = results.assessment.model.score_scale
    chart = s.book.add_chart({"type": "radar", "subtype": "filled"})
    name = sheet.get_name().replace("'", "''")
    chart.add_series({
        "name": text("chart.radar.current", lang),
        "categories": f"='{name}'!$B$2:$B${n + 1}",
        "values": f"='{name}'!$E$2:$E${n + 1}",
        "fill": {"color": "#0173B2", "transparency": 70},
        "line": {"color": "#0173B2", "width": 2},
    })
    chart.set_y_axis({"min": scale.min, "max": scale.max, "major_unit": _grid_step(scale.span)})
    chart.set_legend({"none": True})
    chart.set_size({"width": 560, "height": 420})
    sheet.insert_chart(n + 3, 1, chart)


def write_excel(results: ReportResults, path: str | Path, *, branding: Branding = DEFAULT_BRANDING) -> Path:
    """Write the workbook atomically to ``path`` (a failure leaves any old file intact)."""
    lang = results.lang
    sheets = labels(lang)["excel"]["sheets"]
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {**XLSX_OPTIONS, "nan_inf_to_errors": True})
        book.set_properties({"title": text("report.title", lang),
                             "comments": f"csmaturity {results.assessment.kit_version}"})
        s = _Sheets(book)
        context = report_context(results, charts={})
        _summary(s, results, context)
        score_formats = dict.fromkeys(SCORES, _score_format(results))
        dims = tables.dimension_rows(results)
        sheet = _table(s, sheets["dimensions"], dims, lang, widths={"name": 24, "description": 60, "dimension_id": 14},
                       formats=score_formats)
        _radar(s, sheet, len(dims), results)
        _table(s, sheets["answers"], tables.answer_rows(results), lang,
               widths={"question": 60, "answer": 40, "evidence": 50, "dimension": 20, "insight": 50, "next_step": 50})
        for k, (bench, section) in enumerate(zip(results.assessment.model.benchmarks, context["benchmarks"],
                                                 strict=True)):
            rows = tables.benchmark_rows(results, bench)
            rows["client"] = rows["client"].map(labels(lang)["match"])
            cohorts = {c["column"]: c["name"] for c in section["cohorts"]}
            name = sheets["benchmark"] if k == 0 else f"{sheets['benchmark']} {k + 1}"
            _table(s, name, rows, lang, widths={"label": 44, "note": 50, "dimension": 20, "client": 18,
                                                **dict.fromkeys(cohorts, 16)},
                   headers=cohorts, formats=dict.fromkeys(cohorts, "0%"))
        recs = tables.recommendation_rows(results)
        if (recs["source"] == "answer").any():
            recs["source"] = recs["source"].map(labels(lang)["recommendations"]["source"])
        else:  # only the model's recommendations: nothing to tell apart
            recs = recs.drop(columns=["source", "question"])
        _table(s, sheets["recommendations"], recs, lang,
               widths={"title": 32, "action": 70, "question": 40, "depends_on": 30, "triggered_by": 30})
        _table(s, sheets["roadmap"], tables.roadmap_rows(results), lang, widths={"title": 40, "phase": 20})
        if results.metrics is not None:
            rows = tables.metric_rows(results)
            units = rows["unit"].tolist()
            rows["unit"] = rows["unit"].map(labels(lang)["unit"])
            _table(s, sheets["metrics"], rows, lang, widths={"section": 28, "metric": 40}, row_formats=units)
        if results.change is not None:
            _table(s, sheets["change"], tables.change_rows(results), lang, widths={"name": 28}, formats=score_formats)
            survey = tables.survey_change_rows(results)
            survey["unit"] = survey["unit"].map(labels(lang)["unit"])
            if len(survey):
                _table(s, sheets["survey_change"], survey, lang, widths={"metric": 16})
        book.close()
    return Path(path)
