"""Portfolio tables across many clients' results (pure computation over DataFrames).

Input: the per-client results dictionaries (:meth:`Assessment.to_dict`, as written by
each report's results JSON). Output: one row per client, the level distribution, the
most common gaps and the portfolio beside each benchmark's cohorts. Percentiles within a
segment are :mod:`.ranking`'s.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from ..model import MaturityModel

__all__ = [
    "find_results",
    "load_results",
    "read_portfolio",
    "portfolio_table",
    "level_distribution",
    "dimension_scores",
    "common_gaps",
    "cohort_comparison",
    "MAX_CLIENT_ROWS",
]

#: Above this many clients, scores by dimension are shown per segment, not per client.
MAX_CLIENT_ROWS = 60
#: Columns of :func:`portfolio_table` from several respondents (see :func:`_respondent_columns`).
RESPONDENT_COLUMNS = ("respondents", "agreement", "interval_low", "interval_high")


def find_results(paths: Iterable[str | Path]) -> list[Path]:
    """Results JSON files named by ``paths``: a folder gives its ``*.results.json`` and
    ``*/*.results.json`` (a batch folder holds one sub-folder per client); a file is
    taken as it is. Sorted within each folder, duplicates dropped; a path that does not
    exist is an error naming it."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted({*path.glob("*.results.json"), *path.glob("*/*.results.json")})
        elif path.is_file():
            found.append(path)
        else:
            raise DataError([Problem(str(path), "", "no such results file or folder")])
    return list(dict.fromkeys(found))


def load_results(paths: Iterable[str | Path], *, skipped: list[Problem] | None = None) -> list[dict[str, Any]]:
    """Read results JSON files, each one client's results or a list of them (a batch's
    portfolio snapshot); a damaged one (unreadable, not JSON, not results) is an error
    naming the file, or, given a ``skipped`` list, is named there and left out."""
    out: list[dict[str, Any]] = []
    for path in paths:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            entries = data if isinstance(data, list) else [data]
            if not all(isinstance(e, dict) and isinstance(e.get("client"), dict) for e in entries):
                raise ValueError("not a client's results (no 'client' block)")
        except (OSError, ValueError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            problem = Problem(str(path), "", f"cannot read results JSON: {exc}")
            if skipped is None:
                raise DataError([problem]) from None
            skipped.append(problem)
            continue
        out.extend(entries)
    return out


def read_portfolio(paths: str | Iterable[str | Path], *, skipped: list[Problem] | None = None) -> list[dict[str, Any]]:
    """The results of the clients a report is ranked among: folders and results files
    as :func:`find_results` takes them, or one string of them joined by ``os.pathsep``
    (as a notebook parameter holds them). DataError naming the paths when none is found;
    ``skipped`` as in :func:`load_results`."""
    items = [p for p in paths.split(os.pathsep) if p] if isinstance(paths, str) else list(paths)
    found = find_results(items)
    if not found:
        raise DataError([Problem(", ".join(map(str, items)), "", "no *.results.json found for the portfolio")])
    return load_results(found, skipped=skipped)


def portfolio_table(results: list[dict[str, Any]], model: MaturityModel, lang: str = "en") -> pd.DataFrame:
    """One row per client: name, industry, one column per profile field of the model
    (missing where a client's results lack it), the currency of its money figures,
    overall, level, how many respondents answered with their agreement and the overall's
    interval over resampled respondents (:data:`RESPONDENT_COLUMNS`; NaN for a single
    respondent), one column per dimension (NaN where the model left the dimension out of
    the client's score), top gaps."""
    fields = [f.id for f in model.profile]
    rows = []
    for r in results:
        client = r["client"]
        profile = client.get("profile") or {}
        row = {
            "client_id": client["id"],
            "name": client["name"],
            "industry": client["industry"],
            **{f: profile.get(f) for f in fields},
            "currency": client.get("currency"),
            "assessment_date": client["assessment_date"],
            "overall": r["overall"],
            "level": r["level"]["id"],
            "level_name": next(lv.name.get(lang) for lv in model.levels if lv.id == r["level"]["id"]),
            "coverage": r["coverage"],
            "provisional": r["provisional"],
            **_respondent_columns(r.get("respondents")),
        }
        row.update({d.id: r["dimensions"].get(d.id) for d in model.dimensions})
        row["top_gaps"] = ", ".join(r["top_gaps"][:3])
        rows.append(row)
    columns = ["client_id", "name", "industry", *fields, "currency", "assessment_date", "overall", "level",
               "level_name", "coverage", "provisional", *RESPONDENT_COLUMNS, *[d.id for d in model.dimensions],
               "top_gaps"]
    table = pd.DataFrame(rows, columns=columns).set_index("client_id").sort_index()
    dims = [d.id for d in model.dimensions]
    numbers = ["overall", *RESPONDENT_COLUMNS[1:], *dims]
    table[numbers] = table[numbers].astype(float)  # None (an excluded dimension, one respondent) -> NaN
    table["respondents"] = table["respondents"].astype(int)
    return table


def _respondent_columns(summary: dict[str, Any] | None) -> dict[str, Any]:
    """A client's respondents count, agreement (Krippendorff's alpha over all questions)
    and the interval of its overall score over resampled respondents; one respondent
    (or results from before several were possible): 1 and None."""
    if not summary:
        return {"respondents": 1, "agreement": None, "interval_low": None, "interval_high": None}
    low, high = summary["robustness"]["interval"] if summary["count"] > 1 else (None, None)
    return {"respondents": summary["count"], "agreement": summary["agreement"]["overall"], "interval_low": low,
            "interval_high": high}


def level_distribution(table: pd.DataFrame, model: MaturityModel, lang: str = "en") -> pd.DataFrame:
    """Clients and share per level, in the model's level order (levels with no client included)."""
    counts = table["level"].value_counts().reindex([lv.id for lv in model.levels], fill_value=0)
    return pd.DataFrame(
        {
            "name": [lv.name.get(lang) for lv in model.levels],
            "clients": counts.to_numpy(),
            "share": counts.to_numpy() / max(len(table), 1),
        },
        index=pd.Index(counts.index, name="level"),
    )


def dimension_scores(table: pd.DataFrame, dimensions: list[str], segment: str,
                     value_label: Callable[[Any], str] = str) -> pd.DataFrame:
    """Scores by dimension to show side by side: one row per client, named, highest
    overall first, or, above :data:`MAX_CLIENT_ROWS` clients, the mean of each value of
    ``segment`` (rows named like ``"B2B (n=12)"``, the value shown by ``value_label``).
    Columns are the dimension ids."""
    if len(table) > MAX_CLIENT_ROWS:
        groups = table.groupby(segment)
        data = groups[dimensions].mean()
        data.index = [f"{value_label(value)} (n={n})" for value, n in groups.size().reindex(data.index).items()]
        return data.astype(float)
    ranked = table.sort_values("overall", ascending=False)
    return ranked[dimensions].set_axis(ranked["name"].astype(str), axis=0).astype(float)


def common_gaps(results: list[dict[str, Any]], model: MaturityModel, lang: str = "en", top: int = 3) -> pd.DataFrame:
    """How many clients have each question among their ``top`` gaps, most common first."""
    counts: dict[str, int] = {}
    for r in results:
        for qid in r["top_gaps"][:top]:
            counts[qid] = counts.get(qid, 0) + 1
    rows = [
        {
            "question_id": qid,
            "dimension": model.questions_by_id[qid].dimension,
            "question": model.questions_by_id[qid].text.get(lang),
            "clients": n,
            "share": n / max(len(results), 1),
        }
        for qid, n in counts.items()
        if qid in model.questions_by_id
    ]
    table = pd.DataFrame(rows, columns=["question_id", "dimension", "question", "clients", "share"])
    return table.sort_values(["clients", "question_id"], ascending=[False, True]).set_index("question_id")


def cohort_comparison(results: list[dict[str, Any]], model: MaturityModel, lang: str = "en") -> pd.DataFrame:
    """Per item of each of the model's benchmarks: share of the portfolio with the
    practice (over clients whose answer is known) beside the published share of each
    cohort of that benchmark (NaN = unpublished, or a cohort of another benchmark). No
    rows for a model without benchmarks."""
    cohorts = [c.id for b in model.benchmarks for c in b.cohorts]
    rows = []
    for bench in model.benchmarks:
        for item in bench.items:
            known = [r["benchmark"][item.id] for r in results if r.get("benchmark", {}).get(item.id) is not None]
            rows.append(
                {
                    "item": item.id,
                    "benchmark": bench.id,
                    "label": item.label.get(lang),
                    "portfolio": (sum(known) / len(known)) if known else np.nan,
                    "clients_known": len(known),
                    **{c: np.nan if item.shares.get(c) is None else item.shares[c] for c in cohorts},
                }
            )
    columns = ["item", "benchmark", "label", "portfolio", "clients_known", *cohorts]
    return pd.DataFrame(rows, columns=columns).set_index("item")
