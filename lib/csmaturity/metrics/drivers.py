"""Key-driver analysis of a relational survey: which experience items move the overall score.

A relational survey asks for an overall 0–10 likelihood to recommend and a rating of each
step of the experience (quotation, procedures, delivery, product quality, support…).
For each item:

* **importance** — how strongly the item goes with the overall score: the Pearson
  correlation, or the standardised regression coefficient of the overall score on all
  items at once (which separates items that merely move together);
* **performance** — the share of TOP1 / TOP2-box ratings;
* **quadrant** — where the item sits once importance and performance are split at their
  mean across items. High importance with low performance comes first.

Because the top 20–30 % of customers by value usually bring most of the revenue, the
same analysis is repeated for high-value and low-value customers: their drivers often
differ, and the high-value customers' pain points usually come first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from csmaturity.errors import DataError, Problem, check_argument
from csmaturity.io.columns import (
    ScaleColumn,
    fail,
    parse_numbers,
    parse_scale,
    require_columns,
    source_of,
)

__all__ = ["QUADRANTS", "key_drivers"]

# The ids the quadrant column holds; their names in each language are
# ``drivers.quadrants.<id>`` of the text store (csmaturity.i18n), looked up where shown.
QUADRANTS = ("priority to improve", "strength to keep", "secondary", "maintain", "undetermined")

MIN_PAIRS = 3  # a correlation from fewer pairs says nothing

COLUMNS = [
    "segment", "item", "n", "n_rated", "correlation", "std_coef", "importance", "top1", "top2",
    "performance", "importance_threshold", "performance_threshold", "quadrant", "note",
]


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson r = Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² Σ(y − ȳ)²); NaN if either is constant."""
    dx, dy = x - x.mean(), y - y.mean()
    denominator = math.sqrt(float(dx @ dx) * float(dy @ dy))
    return float(dx @ dy) / denominator if denominator > 0 else math.nan


def _std_coefficients(overall: np.ndarray, items: np.ndarray) -> np.ndarray:
    """Least squares of z(overall) on z(items) (columns with no spread are left NaN)."""
    spread = items.std(axis=0)
    usable = spread > 0
    betas = np.full(items.shape[1], np.nan)
    if overall.std() == 0 or not usable.any():
        return betas
    z_items = (items[:, usable] - items[:, usable].mean(axis=0)) / spread[usable]
    z_overall = (overall - overall.mean()) / overall.std()
    betas[usable] = np.linalg.lstsq(z_items, z_overall, rcond=None)[0]
    return betas


def _segments(
    survey: pd.DataFrame, segment_by: str | None, high_share: float, account: str, file: str
) -> tuple[list[tuple[str, np.ndarray]], float | None]:
    """("all", mask), then ("high_ltv", mask), ("low_ltv", mask) when splitting by value.

    The top ``high_share`` of *customers* (one value per account when an account column
    is present, so large accounts with many respondents do not move the cut) form the
    high segment; respondents with a blank value belong to neither.
    """
    everyone = np.ones(len(survey), dtype=bool)
    if segment_by is None:
        return [("all", everyone)], None
    values, problems = parse_numbers(survey[segment_by], segment_by, file)
    fail(problems)
    known = ~np.isnan(values)
    if account in survey.columns:
        per_customer = pd.Series(values[known], index=survey[account].to_numpy()[known])
        per_customer = per_customer[~per_customer.index.duplicated()]
    else:
        per_customer = pd.Series(values[known])
    n_high = round(high_share * len(per_customer))
    if n_high == 0 or n_high == len(per_customer):
        raise DataError([Problem(file, f"column '{segment_by}'",
                                 f"cannot split {len(per_customer)} customers into a top "
                                 f"{high_share:.0%} and the rest")])
    cut = float(np.sort(per_customer.to_numpy())[::-1][n_high - 1])
    high = known & (values >= cut)
    return [("all", everyone), ("high_ltv", high), ("low_ltv", known & ~high)], cut


def _quadrant(importance: float, performance: float, imp_cut: float, perf_cut: float) -> str:
    if math.isnan(importance) or math.isnan(imp_cut):
        return "undetermined"
    if importance >= imp_cut:
        return "strength to keep" if performance >= perf_cut else "priority to improve"
    return "maintain" if performance >= perf_cut else "secondary"


def key_drivers(
    survey: pd.DataFrame,
    items: Sequence[str],
    *,
    overall: str = "nps",
    overall_scale: tuple[int, int] = (0, 10),
    item_scale: tuple[int, int] = (1, 5),
    importance: Literal["correlation", "regression"] = "correlation",
    performance: Literal["top2", "top1"] = "top2",
    split: Literal["mean", "median"] | tuple[float, float] = "mean",
    segment_by: str | None = None,
    high_share: float = 0.3,
    account: str = "account_id",
    file: str | None = None,
) -> pd.DataFrame:
    """Importance × performance of each survey item, overall and by customer value.

    Formula
    -------
    For each segment and item, over respondents who answered both the item and the
    overall question:
    ``correlation = Pearson r(item, overall)``;
    ``std_coef = β`` of least squares ``z(overall) = Σ β_j z(item_j)`` on the respondents
    who answered everything (z = (x − mean) / std);
    ``top1 = #(rating = hi) / #rated``, ``top2 = #(rating ≥ hi − 1) / #rated``.
    ``importance`` and ``performance`` are the chosen ones. Within a segment, an item is
    "priority to improve" when importance ≥ the threshold and performance < the
    threshold, "strength to keep" when both are ≥, "maintain" (possibly overinvested)
    with low importance and high performance, "secondary" when both are low.
    Thresholds are the mean (or median) over items unless given.

    Parameters
    ----------
    survey
        One row per respondent with the overall score and item ratings (and, to split
        by value, a value column joined from the accounts table).
    items
        Item rating columns, e.g. ``["item_quotation", "item_support"]``.
    overall
        Overall score column (0–10 likelihood to recommend by default).
    overall_scale, item_scale
        Integer scales of the overall score and of the items.
    importance
        ``"correlation"`` (default) or ``"regression"`` (standardised coefficients).
    performance
        ``"top2"`` (default) or ``"top1"``.
    split
        ``"mean"``, ``"median"``, or explicit ``(importance, performance)`` thresholds.
    segment_by
        Value column (LTV or ARR) to split customers into ``high_ltv`` (top
        ``high_share``) and ``low_ltv``; None analyses everyone only.
    high_share
        Fraction of customers in the high segment (default 0.3).
    account
        Account id column, used so that each customer counts once in the split.
    file
        File named in error messages.

    Returns
    -------
    pandas.DataFrame
        One row per (segment, item) with columns ``segment`` (``all``, ``high_ltv``,
        ``low_ltv``), ``item``, ``n`` (pairs behind the importance), ``n_rated``,
        ``correlation``, ``std_coef``, ``importance``, ``top1``, ``top2``,
        ``performance``, ``importance_threshold``, ``performance_threshold``,
        ``quadrant`` and ``note``. Whenever an importance cannot be computed (all
        ratings identical, too few answers) it is NaN, the quadrant is
        ``"undetermined"`` and ``note`` says why — never a silent NaN. The segment cut
        is in ``attrs["segment_cut"]``.

    Raises
    ------
    DataError
        Missing columns or ratings off their scales (every problem listed with rows).
    """
    check_argument(bool(items), "items", "give at least one item column")
    check_argument((isinstance(split, tuple) and len(split) == 2) or split in ("mean", "median"), "split",
                   f"split must be 'mean', 'median' or (importance, performance), got {split!r}")
    check_argument(0 < high_share < 1, "high_share", f"high_share must be between 0 and 1, got {high_share!r}")
    file_name = source_of(survey, file)
    needed = [overall, *items] + ([segment_by] if segment_by else [])
    require_columns(survey, needed, file_name, purpose="key-driver analysis")

    overall_col, problems = parse_scale(survey[overall], *overall_scale, overall, file_name)
    item_cols: list[ScaleColumn] = []
    for item in items:
        column, item_problems = parse_scale(survey[item], *item_scale, item, file_name)
        item_cols.append(column)
        problems += item_problems
    fail(problems)

    def answered(column: ScaleColumn) -> np.ndarray:
        return np.ones(len(column.codes), dtype=bool) if column.blank is None else ~column.blank

    y = overall_col.codes.astype(np.float64)
    y_ok = answered(overall_col)
    x = np.column_stack([c.codes for c in item_cols]).astype(np.float64)
    x_ok = np.column_stack([answered(c) for c in item_cols])
    hi = item_scale[1]

    segments, cut = _segments(survey, segment_by, high_share, account, file_name)
    rows = []
    for segment, in_segment in segments:
        complete = in_segment & y_ok & x_ok.all(axis=1)
        betas = (_std_coefficients(y[complete], x[complete]) if complete.sum() > len(items) + 1
                 else np.full(len(items), np.nan))
        segment_rows = []
        for j, item in enumerate(items):
            rated = in_segment & x_ok[:, j]
            pairs = rated & y_ok
            n_pairs, n_rated = int(pairs.sum()), int(rated.sum())
            notes = []
            correlation = math.nan
            if n_pairs < MIN_PAIRS:
                notes.append(f"only {n_pairs} answer(s) with the overall score: importance undefined")
            else:
                item_values, overall_values = x[pairs, j], y[pairs]
                correlation = _pearson(item_values, overall_values)
                if item_values.min() == item_values.max():
                    notes.append(f"all ratings identical (= {item_values[0]:g}): correlation undefined")
                elif overall_values.min() == overall_values.max():
                    notes.append(f"all overall scores identical (= {overall_values[0]:g}): "
                                 "correlation undefined")
            if importance == "regression" and math.isnan(betas[j]) and not notes:
                notes.append("regression coefficient undefined (too few complete answers or no spread)")
            ratings = x[rated, j]
            top1 = float((ratings == hi).mean()) if n_rated else math.nan
            top2 = float((ratings >= hi - 1).mean()) if n_rated else math.nan
            if not n_rated:
                notes.append("no ratings in this segment: performance undefined")
            segment_rows.append({
                "segment": segment, "item": item, "n": n_pairs, "n_rated": n_rated,
                "correlation": correlation, "std_coef": float(betas[j]),
                "importance": correlation if importance == "correlation" else float(betas[j]),
                "top1": top1, "top2": top2,
                "performance": top2 if performance == "top2" else top1,
                "note": "; ".join(notes),
            })
        frame = pd.DataFrame(segment_rows)
        if isinstance(split, tuple):
            imp_cut, perf_cut = (float(v) for v in split)
        else:
            reduce = np.nanmean if split == "mean" else np.nanmedian
            defined_imp = frame["importance"].dropna().to_numpy()
            defined_perf = frame["performance"].dropna().to_numpy()
            imp_cut = float(reduce(defined_imp)) if defined_imp.size else math.nan
            perf_cut = float(reduce(defined_perf)) if defined_perf.size else math.nan
        frame["importance_threshold"] = imp_cut
        frame["performance_threshold"] = perf_cut
        frame["quadrant"] = [
            _quadrant(i, p, imp_cut, perf_cut) for i, p in zip(frame["importance"], frame["performance"], strict=True)
        ]
        rows.append(frame)
    result = pd.concat(rows, ignore_index=True)[COLUMNS]
    result.attrs["segment_cut"] = cut
    return result
