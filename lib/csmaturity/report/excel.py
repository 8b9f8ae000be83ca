"""The report's results as an Excel workbook a consultant can edit before delivery.

One sheet per table (summary, dimensions, answers, benchmark, recommendations,
roadmap, and metrics / change when present), each an Excel table with filters and
number formats, plus a native radar chart of the dimension scores. Text is written
with ``write_string``: a company name or an evidence note that starts with ``=`` stays
text and can never become a formula.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import xlsxwriter

from ..i18n import labels, text
from ..io.files import atomic_path
from ..io.sheets import XLSX_OPTIONS
from . import tables
from .verdict import verdict

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from .results import ReportResults

__all__ = ["write_excel"]

# Number format per column key (the rest are text or plain numbers).
PERCENT = {"weight", "fraction", "effective", "not_effective", "separation", "share", "share_accounts", "share_arr",
           "top1", "top2", "performance"}
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
           widths: dict[str, int] | None = None, row_formats: list[str] | None = None) -> Worksheet:
    """A sheet holding ``frame`` as an Excel table with localized headers."""
    sheet = s.book.add_worksheet(name) if name not in s.book.sheetnames else s.book.get_worksheet_by_name(name)
    headers = labels(lang)["columns"]
    columns = list(frame.columns)
    for j, key in enumerate(columns):
        num_format = ("0%" if key in PERCENT else "0.0" if key in ONE_DECIMAL
                      else "0.000" if key in THREE_DECIMALS else "General")
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


def _summary(s: _Sheets, results: ReportResults) -> None:
    a = results.assessment
    lang = a.lang
    L = labels(lang)
    card = a.scorecard
    client = a.answers.client
    sheet = s.book.add_worksheet(text("excel.sheets.summary", lang))
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 90)
    sheet.write_string(0, 0, L["report"]["title"], s.title)
    rows: list[tuple[str, Any, str | None]] = [
        (L["excel"]["client"], client.name, None),
        (L["appendix"]["client_id"], client.id, None),
        (L["report"]["industry"], client.industry, None),
        (L["report"]["assessed_on"], client.assessment_date.isoformat(), None),
        (L["summary"]["overall"], round(card.overall, 2), "0.0"),
        (L["summary"]["level"], card.level.name.get(lang), None),
        (L["summary"]["coverage"], card.coverage, "0%"),
        (L["summary"]["provisional"], card.provisional, None),
        (L["summary"]["similarity"],
         a.similarity.posterior_leading if a.similarity and a.similarity.items_used else None, "0%"),
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
    for i, sentence in enumerate(verdict(results)):
        sheet.write_string(row + i, 1, sentence, s.wrap)


def _portfolio_rows(results: ReportResults, L: dict[str, Any]) -> list[tuple[str, Any, str | None]]:
    """The summary sheet's portfolio rows: segment, overall percentile (or why it is
    hidden) and what the radar's median covers; none without a portfolio."""
    position = results.portfolio_position()
    if position is None:
        return []
    P = L["portfolio"]
    segment = P["segment_value"].format(segment_name=position["segment_labels"]["name"],
                                        segment=position["segment_labels"]["value"], n=position["segment_size"],
                                        min_group=position["min_group"])
    overall = (P["hidden_short"].format(min_group=position["min_group"]) if position["hidden"]
               else position["percentiles"]["overall"])
    rows: list[tuple[str, Any, str | None]] = [(P["segment_label"], segment, None),
                                               (P["percentile_label"], overall, "0.0")]
    median = tables.portfolio_median_label(results)
    if median:
        rows.append((P["median_label"], median, None))
    return rows


def _radar(s: _Sheets, sheet: Worksheet, n: int, lang: str) -> None:
    """A native (editable) radar chart of the dimension scores beside the table."""
    chart = s.book.add_chart({"type": "radar", "subtype": "filled"})
    name = sheet.get_name().replace("'", "''")
    chart.add_series({
        "name": text("chart.radar.current", lang),
        "categories": f"='{name}'!$B$2:$B${n + 1}",
        "values": f"='{name}'!$E$2:$E${n + 1}",
        "fill": {"color": "#0173B2", "transparency": 70},
        "line": {"color": "#0173B2", "width": 2},
    })
    chart.set_y_axis({"min": 0, "max": 100, "major_unit": 25})
    chart.set_legend({"none": True})
    chart.set_size({"width": 560, "height": 420})
    sheet.insert_chart(n + 3, 1, chart)


def write_excel(results: ReportResults, path: str | Path) -> Path:
    """Write the workbook atomically to ``path`` (a failure leaves any old file intact)."""
    lang = results.lang
    sheets = labels(lang)["excel"]["sheets"]
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {**XLSX_OPTIONS, "nan_inf_to_errors": True})
        book.set_properties({"title": text("report.title", lang),
                             "comments": f"csmaturity {results.assessment.kit_version}"})
        s = _Sheets(book)
        _summary(s, results)
        dims = tables.dimension_rows(results)
        sheet = _table(s, sheets["dimensions"], dims, lang, widths={"name": 24, "description": 60, "dimension_id": 14})
        _radar(s, sheet, len(dims), lang)
        _table(s, sheets["answers"], tables.answer_rows(results), lang,
               widths={"question": 60, "answer": 40, "evidence": 50, "dimension": 20})
        bench = tables.benchmark_rows(results)
        bench["client"] = bench["client"].map(labels(lang)["match"])
        _table(s, sheets["benchmark"], bench, lang, widths={"label": 44, "note": 50, "dimension": 20, "client": 18})
        _table(s, sheets["recommendations"], tables.recommendation_rows(results), lang,
               widths={"title": 32, "action": 70, "depends_on": 30, "triggered_by": 30})
        _table(s, sheets["roadmap"], tables.roadmap_rows(results), lang, widths={"title": 40, "phase": 20})
        if results.metrics is not None:
            rows = tables.metric_rows(results)
            units = rows["unit"].tolist()
            rows["unit"] = rows["unit"].map(labels(lang)["unit"])
            _table(s, sheets["metrics"], rows, lang, widths={"section": 28, "metric": 40}, row_formats=units)
        if results.change is not None:
            _table(s, sheets["change"], tables.change_rows(results), lang, widths={"name": 28})
            survey = tables.survey_change_rows(results)
            survey["unit"] = survey["unit"].map(labels(lang)["unit"])
            if len(survey):
                _table(s, sheets["survey_change"], survey, lang, widths={"metric": 16})
        book.close()
    return Path(path)
