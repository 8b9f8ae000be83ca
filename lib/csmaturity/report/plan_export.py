"""The action plan as a task list that trackers import: Jira, Asana, Excel.

One row per action in the plan's order, with the columns those importers map
(``Summary``, ``Description``, ``Owner``, ``Start date``, ``Due date``, ``Labels``),
then the plan's own (rank, quarter, what it depends on, success KPI, effort). Headers
carry no punctuation (Jira's importer asks for that); dates are ISO ``YYYY-MM-DD``;
labels are space-separated tokens without spaces (Jira splits them so). The CSV is
UTF-8 without a byte-order mark, which Jira and Asana read; Excel users open the
workbook instead. Text a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..assessment import Assessment
from ..i18n import text
from ..io.files import atomic_path, atomic_write
from ..io.sheets import csv_text, neutralised, workbook_options
from .branding import DEFAULT_BRANDING, Branding

__all__ = ["TRACKER_COLUMNS", "tracker_table", "write_plan_csv", "write_plan_xlsx"]

#: The columns of :func:`tracker_table`, in order.
TRACKER_COLUMNS = ["Summary", "Description", "Owner", "Start date", "Due date", "Labels", "Rank", "Quarter",
                   "Depends on", "Success KPI", "Effort"]


def _labels(row: pd.Series) -> str:
    tokens = ["csmaturity", row["quadrant"]]
    if row["phase"]:
        tokens.append(f"phase-{row['phase']}")
    if row["unblocks"]:
        tokens.append("next-level")
    return " ".join(t.replace(" ", "_") for t in tokens)


def tracker_table(assessment: Assessment) -> pd.DataFrame:
    """The plan as tracker rows (see the module docstring), in the plan's order."""
    lang = assessment.lang
    plan = assessment.plan
    titles = dict(zip(plan["recommendation"], plan["title"], strict=True))
    rows = []
    for rank, row in plan.iterrows():
        parts = [row["action"]] if row["action"] else []
        if row["kpi"]:
            parts.append(text("plan.kpi_line", lang, kpi=row["kpi"]))
        rows.append({
            "Summary": row["title"],
            "Description": "\n\n".join(parts),
            "Owner": row["owner"] or "",
            "Start date": row["start"].isoformat(),
            "Due date": row["due"].isoformat(),
            "Labels": _labels(row),
            "Rank": int(rank),
            "Quarter": row["quarter"],
            "Depends on": "; ".join(titles[d] for d in row["after"]),
            "Success KPI": row["kpi"] or "",
            "Effort": text(f"plan.effort.{row['effort']}", lang),
        })
    return pd.DataFrame(rows, columns=TRACKER_COLUMNS)


def write_plan_csv(assessment: Assessment, path: str | Path) -> Path:
    """Write the tracker table as CSV (UTF-8), atomically."""
    return atomic_write(path, csv_text(tracker_table(assessment), index=False))


#: The printed columns' total width: eleven columns, printed a little smaller than the
#: report's sheets so that the description keeps about fifty characters a line.
PLAN_PRINT_WIDTH = 200.0


def write_plan_xlsx(assessment: Assessment, path: str | Path, *, branding: Branding = DEFAULT_BRANDING) -> Path:
    """Write the tracker table as one Excel sheet, atomically: laid out as the report
    workbook's sheets are (an Excel table with filters, widths and row heights for the
    wrapped text, the language's font, A4 landscape one page wide with the header row
    repeated and the firm's footer), the headers the importers' names."""
    import xlsxwriter

    from .excel import SheetBook, write_table

    lang = assessment.lang
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), workbook_options(lang))
        book.set_properties({"title": text("plan.tracker_title", lang), "author": branding.byline(),
                             "company": branding.firm or "", "comments": f"csmaturity {assessment.kit_version}"})
        s = SheetBook(book, lang, branding, assessment.answers.client.name)
        write_table(s, "plan", neutralised(tracker_table(assessment)), lang, headers={c: c for c in TRACKER_COLUMNS},
                    widths={"Summary": 28, "Description": 56, "Owner": 14, "Labels": 18, "Depends on": 22,
                            "Success KPI": 26},
                    print_width=PLAN_PRINT_WIDTH)
        book.close()
    return Path(path)
