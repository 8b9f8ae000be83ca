"""Key-driver analysis of a relational survey: which experience items move the overall score.

A relational survey asks for an overall 0–10 likelihood to recommend and a rating of each
step of the experience (quotation, procedures, delivery, product quality, support…).
For each item:

* **importance** — how strongly the item goes with the overall score: the Pearson
  correlation, the standardised regression coefficient of the overall score on all
  items at once (which separates items that merely move together), or the item's share
  of the variance the items explain together — Johnson's relative weight or its
  Shapley value (:mod:`csmaturity.metrics.importance`), with bootstrap intervals and a
  mark on the items whose importance cannot be told from noise;
* **performance** — the share of TOP1 / TOP2-box ratings;
* **quadrant** — where the item sits once importance and performance are split at their
  mean across items. High importance with low performance comes first.

Because the top 20–30 % of customers by value usually bring most of the revenue, the
same analysis is repeated for high-value and low-value customers: their drivers often
differ, and the high-value customers' pain points usually come first. The split takes
exactly the requested share of customers by rank; customers tied at the cut are
ordered by account id (or row), and the result says how many ties were split.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from csmaturity.errors import DataError, Problem, check_argument
from csmaturity.io.columns import (
    ScaleColumn,
    fail,
    parse_numbers,
    parse_scale,
    require_columns,
    source_of,
)
from csmaturity.metrics._stats import check_probability
from csmaturity.metrics.importance import IMPORTANCE_METHODS, relative_importance

__all__ = ["QUADRANTS", "IMPORTANCE", "key_drivers"]

# The ids the quadrant column holds; their names in each language are
# ``drivers.quadrants.<id>`` of the text store (csmaturity.i18n), looked up where shown.
QUADRANTS = ("priority to improve", "strength to keep", "secondary", "maintain", "undetermined")

MIN_PAIRS = 3  # a correlation from fewer pairs says nothing
#: Importance measures of :func:`key_drivers`.
IMPORTANCE = ("correlation", "regression", *IMPORTANCE_METHODS)
#: Above this condition number of the items' correlation matrix (two items correlated
#: beyond 1 − 2·10⁻⁸, or an item that is a sum of others) the β are not identifiable.
MAX_CONDITION = 1e8

COLUMNS = [
    "segment", "item", "n", "n_rated", "correlation", "std_coef", "importance", "importance_low",
    "importance_high", "importance_share", "distinguishable", "r_squared", "top1", "top2",
    "performance", "importance_threshold", "performance_threshold", "quadrant", "note",
]


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson r = Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² Σ(y − ȳ)²); NaN if either is constant."""
    dx, dy = x - x.mean(), y - y.mean()
    denominator = math.sqrt(float(dx @ dx) * float(dy @ dy))
    return float(dx @ dy) / denominator if denominator > 0 else math.nan


def _std_coefficients(overall: np.ndarray, items: np.ndarray, names: Sequence[str]) -> tuple[np.ndarray, str]:
    """Least squares of z(overall) on z(items), and a note when they are not identifiable.

    Columns with no spread are left NaN. When the items' correlation matrix is singular
    or nearly so (condition number above :data:`MAX_CONDITION`), no β is reported: any
    split of the shared effect between the collinear items fits equally well.
    """
    spread = items.std(axis=0)
    usable = spread > 0
    betas = np.full(items.shape[1], np.nan)
    if overall.std() == 0 or not usable.any():
        return betas, ""
    z_items = (items[:, usable] - items[:, usable].mean(axis=0)) / spread[usable]
    if usable.sum() > 1:
        corr = z_items.T @ z_items / len(z_items)
        evals, evecs = np.linalg.eigh(corr)
        condition = float(evals[-1] / evals[0]) if evals[0] > 0 else math.inf
        if condition > MAX_CONDITION:
            involved = [n for n, load in zip(np.asarray(names)[usable], evecs[:, 0], strict=True) if abs(load) > 0.1]
            return betas, (f"items {', '.join(involved)} are collinear (condition number {condition:.1e}): "
                           "regression coefficients not identifiable")
    z_overall = (overall - overall.mean()) / overall.std()
    betas[usable] = np.linalg.lstsq(z_items, z_overall, rcond=None)[0]
    return betas, ""


def _segments(
    survey: pd.DataFrame, segment_by: str | None, high_share: float, account: str, file: str
) -> tuple[list[tuple[str, np.ndarray]], float | None, str]:
    """("all", mask), then ("high_ltv", mask), ("low_ltv", mask) when splitting by value,
    the value of the last customer in the high group, and a note on split ties.

    The top ``high_share`` of *customers* (one value per account when an account column
    is present, so large accounts with many respondents do not move the cut) form the
    high segment: ``round(high_share × customers)`` of them exactly, ranked by value
    (largest first) and, among equal values, by account id (or row order without an
    account column). Respondents with a blank value belong to neither.
    """
    everyone = np.ones(len(survey), dtype=bool)
    if segment_by is None:
        return [("all", everyone)], None, ""
    values, problems = parse_numbers(survey[segment_by], segment_by, file)
    fail(problems)
    known = ~np.isnan(values)
    keys = survey[account].to_numpy() if account in survey.columns else np.arange(len(survey))
    if keys.dtype == object and len({type(k) for k in keys}) > 1:
        keys = keys.astype(str)  # ids of mixed types (7 and "A7") sort as text
    customers = pd.DataFrame({"key": keys[known], "value": values[known]}).drop_duplicates("key")
    n_customers = len(customers)
    n_high = round(high_share * n_customers)
    if n_high == 0 or n_high == n_customers:
        raise DataError([Problem(file, f"column '{segment_by}'",
                                 f"cannot split {n_customers} customer(s) into a top {high_share:.0%} and the "
                                 f"rest: one group would be empty")])
    ranked = customers.sort_values(["value", "key"], ascending=[False, True], kind="mergesort")
    cut = float(ranked["value"].iloc[n_high - 1])
    high = known & pd.Series(keys).isin(ranked["key"].iloc[:n_high]).to_numpy()
    tied = ranked["value"] == cut
    tied_high = int(tied.iloc[:n_high].sum())
    note = ""
    if tied_high < int(tied.sum()):
        by = f"by '{account}'" if account in survey.columns else "by row order"
        note = (f"{int(tied.sum())} customers share the cut value {cut:g}: {tied_high} of them ({by}) are in "
                f"the top {high_share:.0%} so that it holds {n_high} of {n_customers} customers")
    return [("all", everyone), ("high_ltv", high), ("low_ltv", known & ~high)], cut, note


def _quadrant(importance: float, performance: float, imp_cut: float, perf_cut: float) -> str:
    if math.isnan(importance) or math.isnan(imp_cut):
        return "undetermined"
    if importance >= imp_cut:
        return "strength to keep" if performance >= perf_cut else "priority to improve"
    return "maintain" if performance >= perf_cut else "secondary"


# Small products (n × items): one BLAS thread is fastest, and threads that wait on cores
# busy elsewhere (a batch, a test run) made this ten times slower.
@threadpool_limits.wrap(limits=1, user_api="blas")
def key_drivers(
    survey: pd.DataFrame,
    items: Sequence[str],
    *,
    overall: str = "nps",
    overall_scale: tuple[int, int] = (0, 10),
    item_scale: tuple[int, int] = (1, 5),
    importance: Literal["correlation", "regression", "relative_weight", "shapley"] = "correlation",
    performance: Literal["top2", "top1"] = "top2",
    split: Literal["mean", "median"] | tuple[float, float] = "mean",
    segment_by: str | None = None,
    high_share: float = 0.3,
    account: str = "account_id",
    bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    file: str | None = None,
) -> pd.DataFrame:
    """Importance × performance of each survey item, overall and by customer value.

    Formula
    -------
    For each segment and item, over respondents who answered both the item and the
    overall question:
    ``correlation = Pearson r(item, overall)``;
    ``top1 = #(rating = hi) / #rated``, ``top2 = #(rating ≥ hi − 1) / #rated``.
    Over the respondents who answered everything (listwise):
    ``std_coef = β`` of least squares ``z(overall) = Σ β_j z(item_j)`` (z = (x − mean) /
    std); with ``importance="relative_weight"`` or ``"shapley"``, the item's share of
    R² (:func:`csmaturity.metrics.importance.relative_importance`) with its bootstrap
    interval and whether it is distinguishable from noise.
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
        Item rating columns, e.g. ``["item_quotation", "item_support"]`` (each once).
    overall
        Overall score column (0–10 likelihood to recommend by default).
    overall_scale, item_scale
        Integer scales of the overall score and of the items.
    importance
        ``"correlation"`` (default), ``"regression"`` (standardised coefficients),
        ``"relative_weight"`` (Johnson) or ``"shapley"`` (Shapley value regression).
    performance
        ``"top2"`` (default) or ``"top1"``.
    split
        ``"mean"``, ``"median"``, or explicit ``(importance, performance)`` thresholds.
    segment_by
        Value column (LTV or ARR) to split customers into ``high_ltv`` (top
        ``high_share``) and ``low_ltv``; None analyses everyone only.
    high_share
        Fraction of customers in the high segment (default 0.3), honoured exactly by
        rank (see the module doc for ties).
    account
        Account id column, used so that each customer counts once in the split.
    bootstrap, confidence, seed
        Resamples, level and seed of the relative-importance intervals (used with
        ``"relative_weight"`` and ``"shapley"`` only; 0 resamples for none).
    file
        File named in error messages.

    Returns
    -------
    pandas.DataFrame
        One row per (segment, item) with columns ``segment`` (``all``, ``high_ltv``,
        ``low_ltv``), ``item``, ``n`` (the answers behind the importance: pairs for a
        correlation, complete respondents for the other measures), ``n_rated``,
        ``correlation``, ``std_coef``, ``importance``, ``importance_low`` /
        ``importance_high`` (bootstrap interval), ``importance_share`` (of R²),
        ``distinguishable`` (True/False, None when not tested), ``r_squared`` (of the
        segment's model), ``top1``, ``top2``, ``performance``,
        ``importance_threshold``, ``performance_threshold``, ``quadrant`` and ``note``.
        Whenever an importance cannot be computed (all ratings identical, too few
        answers, collinear items) it is NaN, the quadrant is ``"undetermined"`` and
        ``note`` says why — never a silent NaN. ``attrs`` holds ``segment_cut`` (the
        value of the last high-value customer), ``segment_note`` (ties split at the
        cut, or ""), ``importance`` (the measure) and ``r_squared`` (by segment).

    Raises
    ------
    DataError
        Missing columns or ratings off their scales (every problem listed with rows),
        or a value split that would leave a group empty.
    ValueError
        An item listed twice, or an unknown measure.
    """
    check_argument(bool(items), "items", "give at least one item column")
    twice = sorted({i for i in items if list(items).count(i) > 1})
    check_argument(not twice, "items", f"items listed more than once: {', '.join(map(str, twice))}")
    check_argument(importance in IMPORTANCE, "importance",
                   f"importance must be one of {', '.join(IMPORTANCE)}, got {importance!r}")
    check_argument((isinstance(split, tuple) and len(split) == 2) or split in ("mean", "median"), "split",
                   f"split must be 'mean', 'median' or (importance, performance), got {split!r}")
    check_argument(0 < high_share < 1, "high_share", f"high_share must be between 0 and 1, got {high_share!r}")
    check_probability(confidence, "confidence")
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
    listwise = importance != "correlation"

    segments, cut, segment_note = _segments(survey, segment_by, high_share, account, file_name)
    rows = []
    r_squared_by_segment: dict[str, float] = {}
    for segment, in_segment in segments:
        complete = in_segment & y_ok & x_ok.all(axis=1)
        n_complete = int(complete.sum())
        betas, collinear = (_std_coefficients(y[complete], x[complete], items) if n_complete > len(items) + 1
                            else (np.full(len(items), np.nan), ""))
        relative = _relative(y[complete], x[complete], items, importance, bootstrap, confidence, seed)
        r_squared_by_segment[segment] = relative.r_squared if relative is not None else math.nan
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
            if importance == "regression" and collinear:
                notes.append(collinear)
            elif importance == "regression" and math.isnan(betas[j]) and not notes:
                notes.append("regression coefficient undefined (too few complete answers or no spread)")
            weight = dict(_NO_WEIGHT)
            if importance in IMPORTANCE_METHODS:
                weight, why = _item_weight(relative, item, n_complete, len(items))
                if why and not notes:
                    notes.append(why)
            ratings = x[rated, j]
            top1 = float((ratings == hi).mean()) if n_rated else math.nan
            top2 = float((ratings >= hi - 1).mean()) if n_rated else math.nan
            if not n_rated:
                notes.append("no ratings in this segment: performance undefined")
            chosen = {"correlation": correlation, "regression": float(betas[j])}.get(importance, weight["importance"])
            segment_rows.append({
                "segment": segment, "item": item, "n": n_complete if listwise else n_pairs, "n_rated": n_rated,
                "correlation": correlation, "std_coef": float(betas[j]), **weight, "importance": chosen,
                "r_squared": r_squared_by_segment[segment],
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
    result.attrs.update(segment_cut=cut, segment_note=segment_note, importance=importance,
                        r_squared=r_squared_by_segment)
    return result


#: The relative-importance columns of an item that has none.
_NO_WEIGHT = {"importance": math.nan, "importance_low": math.nan, "importance_high": math.nan,
              "importance_share": math.nan, "distinguishable": None}


def _relative(y: np.ndarray, x: np.ndarray, items: Sequence[str], importance: str, bootstrap: int,
              confidence: float, seed: int) -> Any:
    """The segment's relative importance over the items that vary (None when it cannot
    be computed: another measure chosen, no spread in the overall score, too few answers)."""
    if importance not in IMPORTANCE_METHODS or len(y) == 0 or y.min() == y.max():
        return None
    varying = [j for j in range(x.shape[1]) if x[:, j].min() < x[:, j].max()]
    if not varying or len(y) < len(varying) + 2:
        return None
    return relative_importance(y, x[:, varying], [items[j] for j in varying], method=importance,  # type: ignore[arg-type]
                               bootstrap=bootstrap, confidence=confidence, seed=seed)


def _item_weight(relative: Any, item: str, n_complete: int, n_items: int) -> tuple[dict[str, Any], str]:
    """An item's relative-importance columns, or NaN ones and why."""
    empty = dict(_NO_WEIGHT)
    if relative is None:
        return empty, (f"relative importance undefined: {n_complete} complete answer(s) for {n_items} item(s), "
                       "or no spread in the overall score")
    rows = relative.table.set_index("item")
    if item not in rows.index:
        return empty, "no spread in the complete answers: no share of R²"
    row = rows.loc[item]
    return {"importance": float(row["weight"]), "importance_low": float(row["ci_low"]),
            "importance_high": float(row["ci_high"]), "importance_share": float(row["share"]),
            "distinguishable": row["distinguishable"]}, ""
