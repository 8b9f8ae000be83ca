"""Tables the kit writes for spreadsheets (CSV and Excel): client text stays text.

A client name such as ``=cmd|' /C calc'!A0`` or an industry ``=1+1`` must never become
a formula in a consultant's Excel. Workbooks are written with XlsxWriter's string-to-
formula and string-to-URL conversions off (:data:`XLSX_OPTIONS`); CSV has no cell types,
so text that Excel would read as a formula -- starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return -- gets a leading apostrophe, as OWASP recommends for CSV
injection. Numbers are left as numbers. Japanese cells are set in :data:`JA_FONT`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["XLSX_OPTIONS", "FORMULA_STARTS", "JA_FONT", "JA_CHARSET", "neutralise", "neutralised", "csv_text"]

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
