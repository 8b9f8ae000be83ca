"""How fast the survey metrics are, against the floor of a bare ``numpy.bincount``.

    python benchmarks/metrics.py [--responses 10000000] [--repeat 5]

Prints, in one run:

* NPS / CES / NRS over N integer answers, each as a ratio to ``np.bincount`` on the same
  array (the counting any implementation must do; target: within 2×, with the adjusted
  Wald interval of NPS / NRS and the t interval of CES), plus NPS on float answers with
  blanks (the path a column with empty cells takes) against its own floor: drop the
  NaNs, cast, count;
* key-driver analysis of 100,000 answers × 10 items, overall and by value segment, by
  correlation, regression and relative weights (target: under a second);
* relative importance with 1,000 bootstrap resamples, relative weights and Shapley
  values, 10 items × 100,000 answers (target: under 10 s on 2 cores);
* the Kaplan–Meier retention curve of 100,000 accounts in three segments.

Timings are the best of ``--repeat`` runs. This is a report, not a test: nothing fails.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from csmaturity.metrics import ces, key_drivers, nps, nrs, relative_importance, survival


def best_of(repeat: int, call: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        timings.append(time.perf_counter() - start)
    return min(timings)


def survey_metrics(n: int, repeat: int, rng: np.random.Generator) -> None:
    print(f"Survey metrics over {n:,} answers (best of {repeat})")
    print(f"  {'metric':<22}{'metric s':>10}{'bincount s':>12}{'ratio':>8}")
    for label, function, lo, hi in (("NPS 0-10", nps, 0, 10), ("CES 1-7", ces, 1, 7), ("NRS 1-5", nrs, 1, 5)):
        answers = rng.integers(lo, hi + 1, size=n)
        floor = best_of(repeat, partial(np.bincount, answers, minlength=hi + 1))
        took = best_of(repeat, partial(function, answers))
        print(f"  {label + ' (int64)':<22}{took:>10.4f}{floor:>12.4f}{took / floor:>7.2f}x")
    with_blanks = rng.integers(0, 11, size=n).astype(np.float64)
    with_blanks[rng.random(n) < 0.02] = np.nan
    took = best_of(repeat, lambda: nps(with_blanks))
    # Its floor: the least any float path must do (drop NaN, cast, count).
    floor = best_of(repeat, lambda: np.bincount(
        with_blanks[~np.isnan(with_blanks)].astype(np.intp), minlength=11))
    print(f"  {'NPS (float, 2% blank)':<22}{took:>10.4f}{floor:>12.4f}{took / floor:>7.2f}x")


def drivers(n: int, n_items: int, repeat: int, rng: np.random.Generator) -> None:
    items = [f"item_{k}" for k in range(n_items)]
    ratings = rng.integers(1, 6, size=(n, n_items))
    weights = np.linspace(1.0, 0.1, n_items)
    overall = np.clip(np.rint((ratings - 3) @ weights / weights.sum() * 3 + 7 + rng.normal(0, 1.5, n)), 0, 10)
    survey = pd.DataFrame(ratings, columns=items)
    survey["nps"] = overall.astype(np.int64)
    survey["account_id"] = rng.integers(0, n // 2, size=n)
    survey["arr"] = np.exp(rng.normal(14, 1.2, size=n // 2))[survey["account_id"]]
    print(f"\nKey drivers over {n:,} answers x {n_items} items (best of {repeat})")
    for label, kwargs in (("overall, correlation", {}),
                          ("overall, regression", {"importance": "regression"}),
                          ("overall, relative weights", {"importance": "relative_weight", "bootstrap": 0}),
                          ("overall + high/low value", {"segment_by": "arr"})):
        took = best_of(repeat, partial(key_drivers, survey, items, **kwargs))
        verdict = "under 1 s" if took < 1 else "OVER 1 s"
        print(f"  {label:<28}{took:>8.3f} s  ({verdict})")
    y = overall.astype(np.float64)
    x = ratings.astype(np.float64)
    took = best_of(repeat, partial(relative_importance, y, x, items, bootstrap=0))
    print(f"  {'relative weights alone':<28}{took:>8.3f} s  ({'under 1 s' if took < 1 else 'OVER 1 s'})")
    print(f"\nRelative importance, 1,000 bootstrap resamples of {n:,} answers x {n_items} items (one run)")
    for method in ("relative_weight", "shapley"):
        took = best_of(1, partial(relative_importance, y, x, items, method=method, bootstrap=1000))
        verdict = "under 10 s" if took < 10 else "OVER 10 s"
        print(f"  {method:<28}{took:>8.3f} s  ({verdict})")


def retention_curve(n: int, repeat: int, rng: np.random.Generator) -> None:
    start = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3650, n), unit="D")
    churn = start + pd.to_timedelta(rng.exponential(5 * 365.25, n).round(), unit="D")
    accounts = pd.DataFrame({"start_date": start, "churn_date": churn.where(churn <= pd.Timestamp("2025-03-31")),
                             "segment": rng.choice(["SMB", "Mid-Market", "Enterprise"], n)})
    survival(accounts.head(100))  # lifelines is imported on first use: not timed
    took = best_of(repeat, partial(survival, accounts, as_of="2025-03-31", segment_by="segment"))
    print(f"\nKaplan-Meier retention of {n:,} accounts, overall and 3 segments (best of {repeat})")
    print(f"  {'survival()':<28}{took:>8.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    survey_metrics(args.responses, args.repeat, rng)
    drivers(100_000, 10, max(1, args.repeat - 2), rng)
    retention_curve(100_000, max(1, args.repeat - 2), rng)


if __name__ == "__main__":
    main()
