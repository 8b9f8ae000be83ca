"""Tables the kit writes for spreadsheets (CSV and Excel): client text stays text, and
every workbook prints on A4 (see :func:`set_print_layout`).

A client name such as ``=cmd|' /C calc'!A0`` or an industry ``=1+1`` must never become
a formula in a consultant's Excel. Workbooks are written with XlsxWriter's string-to-
formula and string-to-URL conversions off (:data:`XLSX_OPTIONS`); CSV has no cell types,
so text that Excel would read as a formula -- starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return -- gets a leading apostrophe, as OWASP recommends for CSV
injection. Numbers are left as numbers. Japanese cells are set in :data:`JA_FONT`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

__all__ = ["XLSX_OPTIONS", "FORMULA_STARTS", "JA_FONT", "JA_CHARSET", "neutralise", "neutralised", "csv_text",
           "EN_SHEET_FONT", "SHEET_FONT_SIZE", "sheet_font", "workbook_options", "text_width", "line_count",
           "row_height", "column_width", "header_footer_text", "set_print_layout"]

#: XlsxWriter workbook options: strings are written as strings, whatever they start with.
XLSX_OPTIONS: dict[str, Any] = {"strings_to_formulas": False, "strings_to_urls": False}

#: Font of Japanese cells: Excel's own Japanese default, installed with Windows and macOS
#: (elsewhere a spreadsheet program falls back to any installed Japanese font), and the
#: Shift-JIS character set that tells Excel the cell holds Japanese.
JA_FONT = "Yu Gothic"
JA_CHARSET = 128

#: First characters that make spreadsheet programs read a CSV cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` with a leading apostrophe when it is text a spreadsheet would run."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, column names, index labels and index
    names are neutralised."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column].dtype) and not pd.api.types.is_bool_dtype(out[column].dtype):
            out[column] = out[column].map(neutralise)
    out.columns = out.columns.map(neutralise)
    out.index = out.index.map(neutralise)
    out.index.names = [neutralise(name) for name in frame.index.names]
    return out


def csv_text(frame: pd.DataFrame, **options: Any) -> str:
    """``frame`` as CSV text that is safe to open in a spreadsheet program."""
    return neutralised(frame).to_csv(**options)


# --------------------------------------------------------------------------- print layout
#
# Every workbook the kit writes prints on A4, fitted to the page width (no column split
# across pages), with its header rows repeated on every page, page numbers in the
# footer, and text in a font that has Japanese for a Japanese workbook. Excel does not
# grow a row for wrapped text written by a program, so row heights are set from the
# text: a wrapped cell never runs into the next row.

#: The English workbook's font (Excel's default); a Japanese workbook is set in
#: :data:`JA_FONT` throughout (Calibri has no Japanese: viewers would substitute a font
#: of their own choice, cell by cell).
EN_SHEET_FONT = "Calibri"
#: Font size of the workbooks' cells (points) and the height of one line of it.
SHEET_FONT_SIZE = 10
_LINE_HEIGHT = {"ja": 16.5, "en": 13.5}  # Yu Gothic's line is taller than Calibri's
#: XlsxWriter's paper code of A4.
A4 = 9


def sheet_font(lang: str) -> str:
    """The font of a workbook in ``lang``."""
    return JA_FONT if lang == "ja" else EN_SHEET_FONT


def workbook_options(lang: str) -> dict[str, Any]:
    """XlsxWriter workbook options: :data:`XLSX_OPTIONS` and the language's font as
    every cell format's default (with the Japanese character set in Japanese)."""
    font: dict[str, Any] = {"font_name": sheet_font(lang), "font_size": SHEET_FONT_SIZE}
    if lang == "ja":
        font["font_charset"] = JA_CHARSET
    return {**XLSX_OPTIONS, "default_format_properties": font}


def text_width(value: Any) -> float:
    """The width of a text in Excel's column units (about one Latin digit each; an
    East-Asian wide character takes two), of its longest line."""
    import unicodedata

    lines = str(value).split("\n")
    return max(sum(2.0 if unicodedata.east_asian_width(c) in "WF" else 1.1 for c in line) for line in lines)


def line_count(value: Any, width: float) -> int:
    """How many lines a wrapped text takes in a column ``width`` units wide."""
    import math
    import unicodedata

    total = 0
    for line in str(value).split("\n"):
        # A wide character is 1.6 (LibreOffice) to 2 (Excel, Yu Gothic) units: between.
        units = sum(1.8 if unicodedata.east_asian_width(c) in "WF" else 1.05 for c in line)
        total += max(1, math.ceil(units / max(width - 0.5, 1.0)))
    return total


def row_height(values: Sequence[Any], widths: Sequence[float], lang: str) -> float:
    """The height (points) a row needs for its wrapped texts in columns of ``widths``."""
    lines = max((line_count(v, w) for v, w in zip(values, widths, strict=True) if isinstance(v, str)), default=1)
    return round(lines * _LINE_HEIGHT[lang] + 3, 1)


def column_width(values: Iterable[Any], header: str, *, least: float = 6, most: float = 50) -> float:
    """A column's width (Excel units) from its values and its header, within
    ``least``..``most`` (a longer text wraps). The header wraps too: it asks only for
    its longest word, or half of a header in Japanese (no spaces to break at)."""
    words = str(header).split() or [""]
    head = max(text_width(w) for w in words)
    if len(words) == 1 and head > 12 and head > 1.5 * len(words[0]):  # mostly wide characters
        head = head / 2
    widest = max([head + 2, *(text_width(v) + 1.5 for v in values if v is not None)])
    return float(min(max(widest, least), most))


def header_footer_text(value: str) -> str:
    """Text for a print header or footer: ``&`` doubled (it starts a control code there)."""
    return value.replace("&", "&&")


def set_print_layout(sheet: Any, *, lang: str, last_row: int, last_col: int, header_rows: tuple[int, int] | None,
                     first_col: int = 0, landscape: bool = True, footer_left: str = "", header_right: str = "",
                     logo: tuple[str, bytes] | None = None) -> None:
    """A4, fitted to the page width, ``header_rows`` (first, last) repeated on every
    page, the print area rows 0..``last_row`` and columns ``first_col``..``last_col``
    (columns before it, such as machine ids, stay on screen only), page
    numbers at the foot (``footer_left`` beside them), ``header_right`` and the logo
    (file name, bytes) at the head, in the workbook's font."""
    import io

    from ..i18n import text

    sheet.set_paper(A4)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)  # one page wide, as many long as it takes
    sheet.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.7)
    sheet.print_area(0, first_col, max(last_row, 0), max(last_col, first_col))
    if header_rows is not None:
        sheet.repeat_rows(*header_rows)
    font = f'&"{sheet_font(lang)},Regular"&8'
    sheet.set_footer(f"&L{font}{header_footer_text(footer_left)}&R{font}{text('deliver.page_of', lang)}")
    options: dict[str, Any] = {}
    left = ""
    if logo is not None:
        left = "&G"
        options = {"image_left": logo[0], "image_data_left": io.BytesIO(logo[1])}
    sheet.set_header(f"&L{left}&R{font}{header_footer_text(header_right)}", options)
