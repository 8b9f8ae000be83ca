"""Portfolio summary across many clients' results (pure computation over DataFrames).

Input: the per-client results dictionaries (:meth:`Assessment.to_dict`, as written by
each report's results JSON). Output: one row per client, the level distribution, the
most common gaps, the portfolio beside the survey cohorts, and each client's
percentile per dimension within its segment.

Percentile of a client in a dimension: the mid-rank percentile within its segment,
``100 * (below + 0.5 * tied_others) / (n - 1)`` where ``below`` is how many others
scored lower and ``tied_others`` how many others scored the same (0 = lowest,
100 = highest, 50 = middle). It is hidden (missing) where fewer than ``min_group``
clients share the segment, so that no single client can be singled out.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from ..model import MaturityModel

__all__ = [
    "DEFAULT_MIN_GROUP",
    "SEGMENTS",
    "find_results",
    "load_results",
    "read_portfolio",
    "portfolio_table",
    "level_distribution",
    "common_gaps",
    "cohort_comparison",
    "segment_percentiles",
    "client_percentiles",
]

DEFAULT_MIN_GROUP = 5

#: Columns of :func:`portfolio_table` a portfolio can be segmented by.
SEGMENTS = ("business_model", "industry", "arr_band")


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


def load_results(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """Read results JSON files, each one client's results or a list of them (a batch's
    portfolio snapshot); a damaged one is an error naming the file."""
    out: list[dict[str, Any]] = []
    for path in paths:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise DataError([Problem(str(path), "", f"cannot read results JSON: {exc}")]) from None
        out.extend(data if isinstance(data, list) else [data])
    return out


def read_portfolio(paths: str | Iterable[str | Path]) -> list[dict[str, Any]]:
    """The results of the clients a report is ranked among: folders and results files
    as :func:`find_results` takes them, or one string of them joined by ``os.pathsep``
    (as a notebook parameter holds them). DataError naming the paths when none is found."""
    items = [p for p in paths.split(os.pathsep) if p] if isinstance(paths, str) else list(paths)
    found = find_results(items)
    if not found:
        raise DataError([Problem(", ".join(map(str, items)), "", "no *.results.json found for the portfolio")])
    return load_results(found)


def portfolio_table(results: list[dict[str, Any]], model: MaturityModel, lang: str = "en") -> pd.DataFrame:
    """One row per client: profile, overall, level, one column per dimension, top gaps."""
    rows = []
    for r in results:
        client = r["client"]
        row = {
            "client_id": client["id"],
            "name": client["name"],
            "industry": client["industry"],
            "business_model": client["profile"]["business_model"],
            "arr_band": client["profile"]["arr_band"],
            "assessment_date": client["assessment_date"],
            "overall": r["overall"],
            "level": r["level"]["id"],
            "level_name": next(lv.name.get(lang) for lv in model.levels if lv.id == r["level"]["id"]),
            "coverage": r["coverage"],
            "provisional": r["provisional"],
        }
        row.update({d.id: r["dimensions"].get(d.id) for d in model.dimensions})
        row["top_gaps"] = ", ".join(r["top_gaps"][:3])
        rows.append(row)
    columns = ["client_id", "name", "industry", "business_model", "arr_band", "assessment_date", "overall",
               "level", "level_name", "coverage", "provisional", *[d.id for d in model.dimensions], "top_gaps"]
    return pd.DataFrame(rows, columns=columns).set_index("client_id").sort_index()


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
    """Per benchmark item: share of the portfolio with the practice (over clients whose
    answer is known) beside the survey cohorts' published shares (NaN = unpublished)."""
    rows = []
    for item in model.benchmark.items:
        known = [r["benchmark"][item.id] for r in results if r.get("benchmark", {}).get(item.id) is not None]
        rows.append(
            {
                "item": item.id,
                "label": item.label.get(lang),
                "portfolio": (sum(known) / len(known)) if known else np.nan,
                "clients_known": len(known),
                "effective": np.nan if item.effective is None else item.effective,
                "not_effective": np.nan if item.not_effective is None else item.not_effective,
            }
        )
    return pd.DataFrame(rows).set_index("item")


def _midrank_percentile(values: pd.Series) -> pd.Series:
    n = len(values)
    if n < 2:
        return pd.Series(np.nan, index=values.index)
    below = values.rank(method="min") - 1
    ties = values.rank(method="max") - values.rank(method="min")
    return 100 * (below + 0.5 * ties) / (n - 1)


def segment_percentiles(
    table: pd.DataFrame,
    dimensions: list[str],
    segment: str = "business_model",
    min_group: int = DEFAULT_MIN_GROUP,
) -> pd.DataFrame:
    """Percentile of each client per dimension (and overall) within its ``segment``;
    missing where the segment has fewer than ``min_group`` clients."""
    if min_group < 2:
        raise ValueError("min_group must be at least 2: a percentile among fewer singles a client out")
    columns = ["overall", *dimensions]
    out = pd.DataFrame(np.nan, index=table.index, columns=columns)
    for _, group in table.groupby(segment):
        if len(group) >= min_group:
            for col in columns:
                out.loc[group.index, col] = _midrank_percentile(group[col].astype(float))
    out.insert(0, "segment", table[segment])
    out.insert(1, "segment_size", table.groupby(segment)[segment].transform("size"))
    return out


def client_percentiles(percentiles: pd.DataFrame, client_id: str) -> dict[str, float | None] | None:
    """One client's percentiles (``None`` per value where hidden), or None if absent."""
    if client_id not in percentiles.index:
        return None
    row = percentiles.loc[client_id].drop(["segment", "segment_size"])
    return {k: (None if pd.isna(v) else round(float(v), 1)) for k, v in row.items()}
