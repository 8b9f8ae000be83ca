"""Retention over a period from an accounts table: churn, GRR, NRR, upsell and cross-sell.

The accounts table has one row per customer. The ARR column is each customer's ARR at
the start of the period; movements during the period come in separate columns
(contraction, upsell and cross-sell ARR, all positive amounts). Rates are fractions in
[0, 1] (NRR may exceed 1).

Who counts (with ``period_start`` and ``period_end``, both inclusive, compared as
calendar dates: a churn at 10:00 on the period's last day is a churn in the period):

* **at start** — ``start_date < period_start`` and not churned before it
  (``churn_date`` blank or ``≥ period_start``);
* **lost** — at start and ``churn_date ≤ period_end``;
* **new** — ``period_start ≤ start_date ≤ period_end`` and still active at the end.

Without a period the table is read as a snapshot of the customers at the start: every
row is "at start" and a true ``churned`` flag (or, lacking that column, any churn
date) means lost.

Tables that cannot be right are refused rather than counted: an account id twice, a
churn date before the start date, a downgrade larger than the account's ARR, a blank
churned flag in a snapshot with no churn date to decide it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from csmaturity.errors import DataError, Problem, check_argument
from csmaturity.io.columns import (
    fail,
    parse_dates,
    parse_flags,
    parse_numbers,
    require_columns,
    row_numbers,
    rows_text,
    source_of,
)
from csmaturity.metrics._result import MetricResult

__all__ = ["RetentionResult", "retention"]

DateLike = str | dt.date | pd.Timestamp


@dataclass(frozen=True, kw_only=True)
class RetentionResult(MetricResult):
    """Customer and revenue retention of the customers active at the period start.

    Attributes
    ----------
    period_start, period_end
        ISO dates of the period (None for a snapshot table).
    customers_at_start, customers_lost, customers_retained
        The starting cohort, those lost during the period, and the rest.
    new_customers, customers_at_end
        Customers won during the period and still active; ``retained + new``.
    churn_rate, retention_rate
        ``lost / at_start`` and ``1 − churn_rate``.
    starting_arr, churned_arr, contraction_arr, expansion_arr, ending_arr
        ARR of the starting cohort at the start; ARR of the lost customers; downgrades
        and upsell + cross-sell of retained customers; ``start − churned − contraction +
        expansion``.
    grr, nrr
        ``(start − churned − contraction) / start`` and
        ``(start − churned − contraction + expansion) / start``.
    upsell_customers, cross_sell_customers
        Customers of the starting cohort with an upsell / cross-sell in the period.
    upsell_rate, cross_sell_rate
        Those counts divided by ``customers_at_start`` (None when the column is absent).
    notes
        What was assumed (e.g. a missing contraction column read as no contraction).
    """

    period_start: str | None
    period_end: str | None
    customers_at_start: int
    customers_lost: int
    customers_retained: int
    new_customers: int
    customers_at_end: int
    churn_rate: float
    retention_rate: float
    starting_arr: float
    churned_arr: float
    contraction_arr: float
    expansion_arr: float
    ending_arr: float
    grr: float
    nrr: float
    upsell_customers: int | None
    cross_sell_customers: int | None
    upsell_rate: float | None
    cross_sell_rate: float | None
    notes: tuple[str, ...] = ()


def date_argument(value: DateLike, name: str) -> pd.Timestamp:
    """A period bound as a date (midnight); ArgumentError (a ValueError) naming it when unreadable."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    check_argument(stamp is not pd.NaT, name, f"{name} must be a date such as 2025-04-01, got {value!r}")
    return stamp.normalize()


def duplicate_ids(accounts: pd.DataFrame, account: str, file_name: str) -> list[Problem]:
    """A problem naming the rows whose account id appeared on an earlier row (none
    without the id column): a customer counted twice would move every rate."""
    if account not in accounts.columns:
        return []
    ids = accounts[account]
    twice = (ids.duplicated(keep=False) & ids.notna()).to_numpy()
    if not twice.any():
        return []
    shown = ", ".join(map(str, pd.unique(ids[twice])[:5]))
    return [Problem(file_name, f"column '{account}', {rows_text(row_numbers(accounts, np.flatnonzero(twice)))}",
                    f"account ids appear more than once ({shown}): one row per customer expected")]


def retention(
    accounts: pd.DataFrame,
    period_start: DateLike | None = None,
    period_end: DateLike | None = None,
    *,
    start_date: str = "start_date",
    churn_date: str = "churn_date",
    churned: str = "churned",
    arr: str = "arr",
    contraction: str = "contraction_arr",
    upsell: str = "upsell_arr",
    cross_sell: str = "cross_sell_arr",
    account: str = "account_id",
    file: str | None = None,
) -> RetentionResult:
    """Churn, retention, GRR, NRR, upsell and cross-sell rates over a period.

    Formula
    -------
    ``churn_rate = customers lost in the period / customers at its start``;
    ``retention_rate = 1 − churn_rate``;
    ``GRR = (ARR_start − ARR_churned − ARR_contraction) / ARR_start``;
    ``NRR = (ARR_start − ARR_churned − ARR_contraction + ARR_expansion) / ARR_start``,
    with ``ARR_expansion = upsell + cross-sell ARR``;
    ``upsell_rate = customers at start with upsell ARR > 0 / customers at start``
    (cross-sell likewise). Only the starting cohort counts: new customers add to
    ``customers_at_end`` but never to GRR/NRR. A lost customer's own upsell or
    contraction is ignored in ARR — its whole starting ARR is counted as churned — but
    an upsell it made before leaving still counts in ``upsell_rate``.

    Parameters
    ----------
    accounts
        One row per customer (see the module doc for who counts as at start / lost).
    period_start, period_end
        Inclusive period bounds (ISO strings, dates or Timestamps). Give both, or
        neither for a snapshot table.
    start_date, churn_date, churned, arr, contraction, upsell, cross_sell
        Column names. ``arr`` is the ARR at period start. The movement columns are
        optional; blanks in them mean no movement. A missing contraction column is
        read as none; a missing upsell / cross-sell column leaves that rate None.
        Both noted in ``notes``. Dates with a time of day count by their date.
    account
        Account id column, checked for duplicates when present.
    file
        File named in error messages (default: the table's ``attrs["source"]``).

    Returns
    -------
    RetentionResult

    Raises
    ------
    DataError
        A required column is missing; dates, flags or amounts are malformed; a customer
        of the starting cohort has no ARR; a churned flag disagrees with the churn date;
        a churn date falls before the start date; a downgrade exceeds the account's
        ARR; an account id appears twice; a snapshot's churned flag is blank with no
        churn date to decide it; or there are no customers at the period start.
    ValueError
        Only one period bound given, or the end is before the start.
    """
    check_argument((period_start is None) == (period_end is None), "period_start, period_end",
                   "give both period_start and period_end, or neither for a snapshot")
    file_name = source_of(accounts, file)
    has_period = period_start is not None
    notes: list[str] = []
    problems: list[Problem] = duplicate_ids(accounts, account, file_name)

    def rows_of(mask: np.ndarray) -> str:
        return rows_text(row_numbers(accounts, np.flatnonzero(mask)))

    if has_period:
        require_columns(accounts, [start_date, churn_date, arr], file_name, purpose="retention over a period")
        begin, end = date_argument(period_start, "period_start"), date_argument(period_end, "period_end")
        check_argument(end >= begin, "period_end", f"period_end {end.date()} is before period_start {begin.date()}")
        starts, start_problems = parse_dates(accounts[start_date], start_date, file_name)
        churns, churn_problems = parse_dates(accounts[churn_date], churn_date, file_name)
        problems += start_problems + churn_problems
        # Calendar dates: a churn at 10:00 on the last day is within the period.
        starts, churns = starts.dt.normalize(), churns.dt.normalize()
        blank_start = starts.isna().to_numpy()
        if blank_start.any() and not start_problems:
            problems.append(Problem(file_name, f"column '{start_date}', {rows_of(blank_start)}",
                                    "start date is blank: cannot tell whether the customer was active"))
        backwards = (churns < starts).to_numpy()
        if backwards.any():
            problems.append(Problem(file_name, f"columns '{start_date}' and '{churn_date}', {rows_of(backwards)}",
                                    "churn date is before the start date"))
        if churned in accounts.columns:
            flags, _, flag_problems = parse_flags(accounts[churned], churned, file_name)
            problems += flag_problems
            mismatch = flags != churns.notna().to_numpy()
            if mismatch.any() and not (flag_problems or churn_problems):
                problems.append(Problem(
                    file_name, f"columns '{churned}' and '{churn_date}', {rows_of(mismatch)}",
                    "churned flag and churn date disagree (a churned customer needs a churn date "
                    "and an active one none)"))
        at_start = (starts < begin).to_numpy() & ~(churns < begin).to_numpy()
        churned_by_end = (churns <= end).to_numpy()  # NaT compares False: never churned
        lost = at_start & churned_by_end
        new = ((starts >= begin) & (starts <= end)).to_numpy() & ~churned_by_end
    else:
        require_columns(accounts, [arr], file_name, purpose="retention")
        if churned in accounts.columns:
            lost, blank_flag, flag_problems = parse_flags(accounts[churned], churned, file_name)
            problems += flag_problems
            if blank_flag.any() and churn_date in accounts.columns:
                churns, churn_problems = parse_dates(accounts[churn_date], churn_date, file_name)
                problems += churn_problems
                lost = np.where(blank_flag, churns.notna().to_numpy(), lost)
                notes.append(f"{int(blank_flag.sum())} blank '{churned}' flag(s) read from '{churn_date}'")
            elif blank_flag.any():
                problems.append(Problem(file_name, f"column '{churned}', {rows_of(blank_flag)}",
                                        "churned flag is blank: cannot tell whether the customer left "
                                        "(write true or false)"))
        elif churn_date in accounts.columns:
            churns, churn_problems = parse_dates(accounts[churn_date], churn_date, file_name)
            problems += churn_problems
            lost = churns.notna().to_numpy()
        else:
            raise DataError([Problem(file_name, f"column '{churned}'",
                                     f"required column is missing for retention: give a '{churned}' "
                                     f"flag or a '{churn_date}' column")])
        at_start = np.ones(len(accounts), dtype=bool)
        new = np.zeros(len(accounts), dtype=bool)

    arr_values, arr_problems = parse_numbers(accounts[arr], arr, file_name, lo=0)
    problems += arr_problems
    missing_arr = at_start & np.isnan(arr_values)
    if missing_arr.any() and not arr_problems:
        problems.append(Problem(file_name, f"column '{arr}', {rows_of(missing_arr)}",
                                "ARR is blank for customers active at the period start"))
    movements = {}
    for column in (contraction, upsell, cross_sell):
        if column in accounts.columns:
            amounts, amount_problems = parse_numbers(accounts[column], column, file_name, lo=0)
            problems += amount_problems
            movements[column] = np.nan_to_num(amounts, nan=0.0)  # blank: no movement
    if contraction in movements:
        too_large = at_start & (movements[contraction] > np.nan_to_num(arr_values, nan=np.inf))
        if too_large.any():
            problems.append(Problem(file_name, f"columns '{contraction}' and '{arr}', {rows_of(too_large)}",
                                    "the downgrade is larger than the account's ARR at the start (a "
                                    "customer who leaves is a churn, not a contraction)"))
    fail(problems)

    n_start = int(at_start.sum())
    if n_start == 0:
        where = f"on {begin.date()}" if has_period else "in the table"
        raise DataError([Problem(file_name, f"column '{start_date}'" if has_period else "",
                                 f"no customers active at the period start {where}: churn and "
                                 "retention rates are undefined (check the period and the "
                                 "start/churn dates)")])

    def movement(column: str, label: str) -> np.ndarray | None:
        if column not in movements:
            notes.append(f"no '{column}' column: {label}")
        return movements.get(column)

    contraction_values = movement(contraction, "contraction taken as 0")
    upsell_values = movement(upsell, "upsell not measured (no upsell rate, none counted in expansion)")
    cross_values = movement(cross_sell, "cross-sell not measured (no cross-sell rate, none counted in expansion)")

    retained = at_start & ~lost
    starting_arr = float(arr_values[at_start].sum())
    churned_arr = float(arr_values[lost].sum())
    contraction_arr = float(contraction_values[retained].sum()) if contraction_values is not None else 0.0
    expansion_arr = sum(float(v[retained].sum()) for v in (upsell_values, cross_values) if v is not None)
    ending_arr = starting_arr - churned_arr - contraction_arr + expansion_arr
    if starting_arr > 0:
        grr = (starting_arr - churned_arr - contraction_arr) / starting_arr
        nrr = ending_arr / starting_arr
    else:
        grr = nrr = float("nan")
        notes.append("starting ARR is 0: GRR and NRR are undefined (NaN)")

    def event_count(values: np.ndarray | None) -> int | None:
        return None if values is None else int((at_start & (values > 0)).sum())

    n_lost, n_new = int(lost.sum()), int(new.sum())
    upsell_customers, cross_customers = event_count(upsell_values), event_count(cross_values)
    return RetentionResult(
        period_start=begin.date().isoformat() if has_period else None,
        period_end=end.date().isoformat() if has_period else None,
        customers_at_start=n_start,
        customers_lost=n_lost,
        customers_retained=n_start - n_lost,
        new_customers=n_new,
        customers_at_end=n_start - n_lost + n_new,
        churn_rate=n_lost / n_start,
        retention_rate=1 - n_lost / n_start,
        starting_arr=starting_arr,
        churned_arr=churned_arr,
        contraction_arr=contraction_arr,
        expansion_arr=expansion_arr,
        ending_arr=ending_arr,
        grr=grr,
        nrr=nrr,
        upsell_customers=upsell_customers,
        cross_sell_customers=cross_customers,
        upsell_rate=None if upsell_customers is None else upsell_customers / n_start,
        cross_sell_rate=None if cross_customers is None else cross_customers / n_start,
        notes=tuple(notes),
    )
