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
from ..io.sheets import XLSX_OPTIONS, csv_text, neutralised

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


def write_plan_xlsx(assessment: Assessment, path: str | Path) -> Path:
    """Write the tracker table as one Excel sheet with a header filter, widths and
    wrapped descriptions, atomically."""
    table = neutralised(tracker_table(assessment))
    widths = {"Summary": 40, "Description": 60, "Owner": 18, "Start date": 11, "Due date": 11, "Labels": 28,
              "Rank": 6, "Quarter": 9, "Depends on": 36, "Success KPI": 40, "Effort": 8}
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="xlsxwriter",
                                                  engine_kwargs={"options": XLSX_OPTIONS}) as writer:
        table.to_excel(writer, sheet_name="plan", index=False)
        book, sheet = writer.book, writer.sheets["plan"]
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        for k, column in enumerate(TRACKER_COLUMNS):
            sheet.set_column(k, k, widths[column], wrap)
        sheet.autofilter(0, 0, len(table), len(TRACKER_COLUMNS) - 1)
        sheet.freeze_panes(1, 1)
    return Path(path)
