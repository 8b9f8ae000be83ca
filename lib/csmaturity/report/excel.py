"""The report's results as an Excel workbook a consultant can edit before delivery.

One sheet per table (summary, dimensions, answers, one per benchmark of the model,
recommendations, roadmap, and metrics / change / history when present), each an Excel
table with filters and number formats, plus a native radar chart of the dimension
scores on the model's scale. The summary sheet opens with the executive page (the
same headline, findings, first actions and next-level box as the report, from
:func:`csmaturity.report.executive.executive_summary`); the recommendations sheet is
the action plan in its order, with owner, start, due date and KPI. Scores show one
decimal more than the report. Money carries the client's currency. Text is written
with ``write_string``: a company name or an evidence note that starts with ``=`` stays
text and can never become a formula.

Every sheet prints on A4 landscape, one page wide, its header row repeated on each
page (:func:`csmaturity.io.sheets.set_print_layout`); columns are as wide as their
text up to a limit and rows as tall as their wrapped text; machine ids are the last
columns, kept for editing and left out of the print area; every value is in the
workbook's language (booleans, efforts and question ids as words), in a font that has
Japanese for a Japanese workbook.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from ..i18n import join_list, labels, text
from ..io.files import atomic_path
from ..io.sheets import (
    column_width,
    row_height,
    set_print_layout,
    sheet_font,
    workbook_options,
)
from . import tables
from .branding import DEFAULT_BRANDING, Branding
from .context import report_context
from .respondents import write_respondent_sheets

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from .results import ReportResults

__all__ = ["write_excel", "SheetBook", "write_table"]

# Number format per column key (the rest are text or plain numbers).
PERCENT = {"weight", "fraction", "separation", "share", "share_accounts", "share_arr", "top1", "top2", "performance"}
#: Columns holding scores on the model's scale (formatted with its decimals, plus one).
SCORES = {"score", "next_gate", "previous", "current", "delta"}
ONE_DECIMAL = {"score", "impact", "priority", "next_gate", "previous", "current", "delta", "difference", "percentile"}
THREE_DECIMALS = {"p_value"}
UNIT_FORMATS = {"points": "+0.0;-0.0;0.0", "share": "0.0%", "mean": "0.00", "amount": "#,##0", "count": "#,##0",
                "ratio": "0.00"}


#: Most width (Excel units) of a column of long text; it wraps beyond.
LONG_TEXT = 48
#: Columns of the model's feedback on answers, left out of a sheet when empty throughout.
FEEDBACK = ("insight", "next_step")
#: Most width of the printed columns together: an A4 landscape page holds about 150
#: units at full size; a wider sheet is printed smaller, down to about 80 %.
PRINT_WIDTH = 185.0
#: The least width a long-text column is narrowed to when a sheet is too wide.
NARROWEST_TEXT = 22.0


class SheetBook:
    """Cell formats and the print layout shared by all sheets of one workbook (a
    client's report, whose ``client`` name goes into the page footer, or the portfolio)."""

    def __init__(self, book: Workbook, lang: str, branding: Branding = DEFAULT_BRANDING, client: str = ""):
        self.book = book
        self.lang = lang
        self.branding = branding
        self.client = client
        self.title = book.add_format({"bold": True, "font_size": 14, "font_color": branding.colors.primary})
        self.bold = book.add_format({"bold": True, "valign": "top"})
        # Indented: a text column never reads as one with the right-aligned number before it.
        self.wrap = book.add_format({"text_wrap": True, "valign": "top", "indent": 1})
        self.formats: dict[str, Any] = {}
        #: Column widths of each sheet written by :func:`write_table` (Excel units), by name.
        self.widths: dict[str, list[float]] = {}

    def number(self, num_format: str, align: str | None = None) -> Any:
        key = f"{num_format}|{align}"
        if key not in self.formats:
            self.formats[key] = self.book.add_format({"num_format": num_format, "valign": "top",
                                                      **({"align": align} if align else {})})
        return self.formats[key]

    def print_layout(self, sheet: Worksheet, last_row: int, last_col: int, header_row: int | None,
                     first_col: int = 0, landscape: bool = True) -> None:
        """A4 landscape, one page wide; the header row repeated; the firm's footer and logo."""
        b = self.branding
        footer = text("deliver.footer_separator", self.lang).join(
            filter(None, (b.wording("confidentiality", self.lang, self.client),
                          b.wording("footer", self.lang, self.client), self.client)))
        logo = (b.logo.name, b.logo_bytes) if b.logo is not None and b.logo_bytes is not None else None
        set_print_layout(sheet, lang=self.lang, last_row=last_row, last_col=last_col,
                         header_rows=None if header_row is None else (header_row, header_row),
                         first_col=first_col, landscape=landscape, footer_left=footer, header_right=b.firm or "",
                         logo=logo)


def _cell(sheet: Worksheet, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Write one value with its proper type; blanks for missing numbers."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def _words(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with true/false columns as the language's yes and no (a printed sheet
    shows words, not ``FALSE``)."""
    yes_no = {True: text("deliver.yes", lang), False: text("deliver.no", lang)}
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column].dtype):
            out[column] = out[column].map(yes_no)
    return out


def _fit_print_width(widths: list[float], budget: float = PRINT_WIDTH) -> list[float]:
    """Column widths narrowed so that together they stay within ``budget``: the wide
    (text) columns give up the excess in proportion, none below
    :data:`NARROWEST_TEXT` (their text wraps onto more lines instead)."""
    excess = sum(widths) - budget
    wide = [w - NARROWEST_TEXT for w in widths if w > NARROWEST_TEXT]
    if excess <= 0 or not wide:
        return widths
    share = min(excess / sum(wide), 1.0)
    return [w - share * (w - NARROWEST_TEXT) if w > NARROWEST_TEXT else w for w in widths]


def write_table(s: SheetBook, name: str, frame: pd.DataFrame, lang: str, *, start_row: int = 0,
           widths: dict[str, int] | None = None, row_formats: list[str] | None = None,
           headers: dict[str, str] | None = None, formats: dict[str, str] | None = None,
           print_width: float = PRINT_WIDTH) -> Worksheet:
    """A sheet holding ``frame`` as an Excel table with localized headers (``headers``
    names columns the store does not, ``formats`` sets a column's number format,
    ``widths`` caps a column's width, ``print_width`` the printed columns' total),
    laid out for print: machine ids (``*_id`` columns) first and outside the print
    area; a column of the model's feedback that no answer has is left out."""
    sheet = s.book.add_worksheet(name) if name not in s.book.sheetnames else s.book.get_worksheet_by_name(name)
    headers = {**labels(lang)["columns"], **(headers or {})}
    frame = _words(frame, lang)
    frame = frame.drop(columns=[k for k in FEEDBACK if k in frame.columns and not frame[k].astype(bool).any()])
    ids = [key for key in frame.columns if key.endswith("_id")]
    columns = ids + [key for key in frame.columns if key not in ids]
    column_widths: list[float] = []
    for j, key in enumerate(columns):
        num_format = ((formats or {}).get(key) or ("0%" if key in PERCENT else "0.0" if key in ONE_DECIMAL
                      else "0.000" if key in THREE_DECIMALS else "General"))
        fmt = s.number(num_format) if key != "value" else None
        values = frame[key].tolist()
        for i, value in enumerate(values):
            cell_fmt = (s.number(UNIT_FORMATS[row_formats[i]]) if key in ("value", "low", "high") and row_formats
                        else fmt)
            if isinstance(value, str):
                cell_fmt = s.wrap
            _cell(sheet, start_row + 1 + i, j, value, cell_fmt)
        shown = [v if isinstance(v, str) else f"{v:,.2f}" if isinstance(v, float) else v for v in values]
        column_widths.append(column_width(shown, headers.get(key, key), most=(widths or {}).get(key, LONG_TEXT)))
    column_widths[len(ids):] = _fit_print_width(column_widths[len(ids):], print_width)
    for j, width in enumerate(column_widths):
        sheet.set_column(j, j, width)
    s.widths[sheet.get_name()] = column_widths
    if columns:
        sheet.add_table(start_row, 0, start_row + max(len(frame), 1), len(columns) - 1, {
            "columns": [{"header": headers.get(key, key), "header_format": s.wrap} for key in columns],
            "style": "Table Style Light 9",
            "autofilter": True,
        })
        sheet.set_row(start_row, row_height([headers.get(k, k) for k in columns], column_widths, lang))
        for i in range(len(frame)):
            sheet.set_row(start_row + 1 + i, row_height([frame[k].iloc[i] for k in columns], column_widths, lang))
    sheet.freeze_panes(start_row + 1, 0)
    s.print_layout(sheet, start_row + max(len(frame), 1), len(columns) - 1, start_row, first_col=len(ids))
    return sheet


def _score_format(results: ReportResults) -> str:
    """The number format of a score: the model's decimals plus one (``0.0``, ``0.00``)."""
    return "0." + "0" * (results.assessment.model.score_scale.decimals + 1)


def _executive_rows(results: ReportResults) -> list[tuple[str, Any, str | None]]:
    """The executive page as label/value rows: headline, findings, the first actions
    (rank, title, owner, quarter), the next-level and target boxes, the data lines."""
    page = results.executive
    L = labels(results.lang)
    E = L["executive"]
    rows: list[tuple[str, Any, str | None]] = [(L["excel"]["headline"], page.headline, None)]
    rows += [(f"{E['findings_title']} {k}", f.text, None) for k, f in enumerate(page.findings, start=1)]
    rows += [(f"{E['actions_title']} {act.rank}",
              f"{act.title} — {E['owner']}: {act.owner_label} · {E['start']}: {act.quarter}"
              + (f" · {E['kpi']}: {act.kpi}" if act.kpi else ""), None) for act in page.actions]
    for box in (page.next_level, page.target):
        if box is not None:
            rows.append((box.title, box.summary, None))
    rows += [(E["data_title"], line, None) for line in page.data.lines]
    if page.data.stale_note:
        rows.append((E["stale"], page.data.stale_note, None))
    rows += [(r.label, r.text, None) for r in page.data.reconciliation]
    return rows


def _summary(s: SheetBook, results: ReportResults, context: dict[str, Any]) -> None:
    a = results.assessment
    lang = a.lang
    L = labels(lang)
    card = a.scorecard
    client = a.answers.client
    sheet = s.book.add_worksheet(text("excel.sheets.summary", lang))
    sheet.write_string(0, 0, L["report"]["title"], s.title)
    sim = a.similarity
    bench = next((b for b in a.model.benchmarks if sim is not None and b.id == sim.benchmark), None)
    dims = a.dimension_table()
    left_out = dims[(dims["weight"] > 0) & dims["score"].isna()]["name"].tolist()
    branding = s.branding
    rows: list[tuple[str, Any, str | None]] = [
        *_executive_rows(results),
        (L["excel"]["client"], client.name, None),
        (L["appendix"]["client_id"], client.id, None),
        (L["report"]["industry"], client.industry, None),
        *[(field["label"], field["value"], None) for field in context["client"]["profile"]],
        (L["report"]["assessed_on"], client.assessment_date.isoformat(), None),
        *([(text("deliver.consultant", lang), branding.byline(), None)] if branding.byline() else []),
        (L["summary"]["overall"], round(card.overall, 2), _score_format(results)),
        (L["summary"]["level"], card.level.name.get(lang), None),
        *([(L["excel"]["excluded"], join_list(left_out, lang, conjunction=False), None)] if left_out else []),
        (L["summary"]["coverage"], card.coverage, "0%"),
        (L["summary"]["provisional"], text("deliver.yes" if card.provisional else "deliver.no", lang), None),
        # the count anyone can check, never a near-certain percentage
        *([(L["summary"]["majority"].format(cohort=bench.cohort(sim.leading).name.get(lang)),
            L["summary"]["majority_value"].format(k=sim.majority_agreement, n=sim.majority_items), None)]
          if sim is not None and bench is not None and sim.majority_items else []),
        (L["excel"]["currency"], a.currency, None),
        *_portfolio_rows(results, L),
        (L["appendix"]["kit"], f"csmaturity {a.kit_version}", None),
        (L["appendix"]["model"], f"{a.model.id} {a.model.version}", None),
        (L["appendix"]["input_hash"], a.input_hash, None),
    ]
    rows += [(L["excel"]["verdict"] if i == 0 else "", sentence, None) for i, sentence in enumerate(context["verdict"])]
    widths = [column_width([label for label, _, _ in rows], "", most=34), 80.0]
    sheet.set_column(0, 0, widths[0])
    sheet.set_column(1, 1, widths[1])
    for i, (label, value, num_format) in enumerate(rows, start=2):
        sheet.write_string(i, 0, label, s.bold)
        _cell(sheet, i, 1, value, s.number(num_format, "left") if num_format else s.wrap)
        sheet.set_row(i, row_height([label, value], widths, lang))
    s.print_layout(sheet, len(rows) + 1, 1, None, landscape=False)  # two columns: a portrait page


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


def _directions(survey: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Survey changes with their unit and direction (better / worse) in words."""
    survey = survey.copy()
    survey["unit"] = survey["unit"].map(labels(lang)["unit"])
    survey["direction"] = survey["direction"].map(lambda d: text(f"change.{d}", lang) if d else None)
    return survey


def _history(s: SheetBook, results: ReportResults, name: str, score_formats: dict[str, str]) -> None:
    """One sheet with the trend (a row per assessment: date, overall, level, each
    dimension) and, below, the survey metrics between waves."""
    history = results.history
    assert history is not None
    a = results.assessment
    lang = a.lang
    levels = {lv.id: lv.name.get(lang) for lv in a.model.levels}
    trend = history.trend.reset_index()
    trend["level"] = trend["level"].map(levels)
    names = {d.id: d.name.get(lang) for d in a.model.dimensions}
    formats = {**score_formats, "overall": score_formats["score"], **dict.fromkeys(names, score_formats["score"])}
    sheet = write_table(s, name, trend, lang, headers=names, formats=formats, widths=dict.fromkeys(names, 16))
    row = len(trend) + 3
    for step in history.survey:
        frame = _directions(tables.comparison_rows(step.comparisons), lang)
        sheet.write_string(row, 0, text("history.from_to", lang, before=step.before.date or step.before.wave,
                                        after=step.after.date or step.after.wave), s.bold)
        for j, column in enumerate(frame.columns):
            sheet.write_string(row + 1, j, labels(lang)["columns"].get(column, column), s.bold)
        for i, values in enumerate(frame.itertuples(index=False), start=row + 2):
            for j, value in enumerate(values):
                _cell(sheet, i, j, value)
        row += len(frame) + 3
    # The print area takes in the survey tables below the trend.
    ids = sum(str(c).endswith("_id") for c in trend.columns)
    s.print_layout(sheet, max(row - 2, len(trend)), max(len(trend.columns) - 1, 6), 0, first_col=ids)


def _grid_step(span: float) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) dividing ``span`` into 3 to 5
    or so rings: 25 on 0-100, 1 on 1-4."""
    base = 10 ** math.floor(math.log10(span))
    steps = [m * base * f for f in (1, 0.1) for m in (5, 2.5, 2, 1)]
    return next(step for step in steps if span / step >= 3)


def _radar(s: SheetBook, sheet: Worksheet, dims: pd.DataFrame, results: ReportResults) -> None:
    """A native (editable) radar chart of the dimension scores below the table, on the
    model's scale (a dimension without a score is a blank cell: no point), starting a
    printed page of its own so that it is never cut."""
    lang = results.lang
    scale = results.assessment.model.score_scale
    n = len(dims)
    ids = [key for key in dims.columns if key.endswith("_id")]
    columns = ids + [key for key in dims.columns if key not in ids]  # as _table lays them out
    name_col, score_col = (xl_col_to_name(columns.index(key)) for key in ("name", "score"))
    chart = s.book.add_chart({"type": "radar", "subtype": "filled"})
    sheet_name = sheet.get_name().replace("'", "''")
    chart.add_series({
        "name": text("chart.radar.current", lang),
        "categories": f"='{sheet_name}'!${name_col}$2:${name_col}${n + 1}",
        "values": f"='{sheet_name}'!${score_col}$2:${score_col}${n + 1}",
        "fill": {"color": s.branding.colors.accent, "transparency": 70},
        "line": {"color": s.branding.colors.accent, "width": 2},
    })
    font = {"name": sheet_font(lang), "size": 9}
    chart.set_x_axis({"num_font": font})
    chart.set_y_axis({"min": scale.min, "max": scale.max, "major_unit": _grid_step(scale.span), "num_font": font})
    chart.set_legend({"none": True})
    chart.set_title({"none": True})
    chart.set_size({"width": 640, "height": 460})
    top = n + 3
    sheet.insert_chart(top, len(ids), chart, {"x_offset": 10, "y_offset": 10})
    sheet.set_h_pagebreaks([top])
    # The print area reaches down and across to the chart's far corner (about 25 default
    # rows; a column unit is about 7 pixels), so that no part of it is left off the page.
    widths = s.widths[sheet.get_name()]
    last, reach = len(ids), 0.0
    while reach < 660:
        reach += 7 * (widths[last] if last < len(widths) else 8.43) + 5
        last += 1
    s.print_layout(sheet, top + 25, max(len(columns), last) - 1, 0, first_col=len(ids))


def write_excel(results: ReportResults, path: str | Path, *, branding: Branding = DEFAULT_BRANDING) -> Path:
    """Write the workbook atomically to ``path`` (a failure leaves any old file intact)."""
    lang = results.lang
    sheets = labels(lang)["excel"]["sheets"]
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {**workbook_options(lang), "nan_inf_to_errors": True})
        book.set_properties({"title": text("report.title", lang), "author": branding.byline(),
                             "company": branding.firm or "",
                             "comments": f"csmaturity {results.assessment.kit_version}"})
        s = SheetBook(book, lang, branding, results.assessment.answers.client.name)
        context = report_context(results, charts={})
        _summary(s, results, context)
        score_formats = dict.fromkeys(SCORES, _score_format(results))
        dims = tables.dimension_rows(results)
        sheet = write_table(s, sheets["dimensions"], dims, lang,
                            widths={"name": 24, "description": 60, "dimension_id": 14}, formats=score_formats)
        _radar(s, sheet, dims, results)
        write_respondent_sheets(s, results)
        write_table(s, sheets["answers"], tables.answer_rows(results), lang,
               widths={"question": 60, "answer": 40, "evidence": 50, "dimension": 20, "insight": 50, "next_step": 50})
        for k, (bench, section) in enumerate(zip(results.assessment.model.benchmarks, context["benchmarks"],
                                                 strict=True)):
            rows = tables.benchmark_rows(results, bench)
            rows["client"] = rows["client"].map(labels(lang)["match"])
            cohorts = {c["column"]: c["name"] for c in section["cohorts"]}
            name = sheets["benchmark"] if k == 0 else f"{sheets['benchmark']} {k + 1}"
            write_table(s, name, rows, lang, widths={"label": 44, "note": 50, "dimension": 20, "client": 18,
                                                **dict.fromkeys(cohorts, 16)},
                   headers=cohorts, formats=dict.fromkeys(cohorts, "0%"))
        recs = tables.recommendation_rows(results)
        recs["effort"] = recs["effort"].map(labels(lang)["plan"]["effort"])
        by_id = results.assessment.model.questions_by_id
        recs["triggered_by"] = ["\n".join(by_id[q].text.get(lang) for q in ids if q in by_id)
                                for ids in results.assessment.plan["triggered_by"]]  # the table's (plan's) order
        recs["quadrant"] = recs["quadrant"].map(lambda q: text(f"plan.quadrant.{q}", lang))
        if (recs["source"] == "answer").any():
            recs["source"] = recs["source"].map(labels(lang)["recommendations"]["source"])
        else:  # only the model's recommendations: nothing to tell apart
            recs = recs.drop(columns=["source", "question"])
        write_table(s, sheets["recommendations"], recs, lang,
                    widths={"title": 32, "action": 70, "question": 40, "depends_on": 30, "triggered_by": 30, "kpi": 40,
                            "owner": 18, "quadrant": 16})
        write_table(s, sheets["roadmap"], tables.roadmap_rows(results), lang, widths={"title": 40, "phase": 20})
        if results.metrics is not None:
            rows = tables.metric_rows(results)
            units = rows["unit"].tolist()
            # an amount names its currency
            rows["unit"] = [labels(lang)["unit"][u] + (f" ({results.assessment.currency})" if u == "amount" else "")
                            for u in units]
            write_table(s, sheets["metrics"], rows, lang, widths={"section": 28, "metric": 40}, row_formats=units)
        if results.change is not None:
            write_table(s, sheets["change"], tables.change_rows(results), lang, widths={"name": 28},
                        formats=score_formats)
            survey = _directions(tables.survey_change_rows(results), lang)
            if len(survey):
                write_table(s, sheets["survey_change"], survey, lang, widths={"metric": 16})
        if results.history is not None:
            _history(s, results, sheets["history"], score_formats)
        book.close()
    return Path(path)
