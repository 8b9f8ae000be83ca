"""CRM return on investment and the sales, marketing and service KPIs that feed it.

ROI follows ``(gain − cost) / cost × 100``: the CRM spend of 12,000 that lifted gross
margin by 75,000 returns 525 %; spending 1,000 for 11,000 returns 1,000 % (ten times the
money back on top of the outlay).

Break-even is where the gain just repays the cost, ``gain = cost``, i.e. **ROI 0 %**.
One of the source articles places break-even at "ROI 100 %": under the formula above
that point is a gain of twice the cost, so this module uses 0 % and says so wherever
break-even is reported.

Amounts are in any one currency. Rates are fractions in [0, 1]; ROI is in percent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from csmaturity.errors import DataError, Problem, check_argument
from csmaturity.io.columns import fail, parse_dates, row_numbers, rows_text, source_of
from csmaturity.metrics._result import MetricResult

__all__ = [
    "RoiResult",
    "DurationSummary",
    "CaseClosure",
    "BeforeAfter",
    "roi_percent",
    "payback_months",
    "crm_roi",
    "average_deal_size",
    "margin_rate",
    "cost_per_lead",
    "win_rate",
    "sales_cycle_length",
    "time_to_close",
    "cases_per_agent",
    "same_day_closed_rate",
    "mean_time_to_resolution",
    "before_after",
]


def _bad(location: str, message: str) -> DataError:
    """Dates given as plain lists: the problem has no file to name."""
    return DataError([Problem(source_of(None, None), location, message)])


def _number(value: float, name: str, *, positive: bool = False, non_negative: bool = False) -> float:
    """A finite number, optionally > 0 or ≥ 0; an ArgumentError (ValueError) naming it otherwise."""
    finite = not isinstance(value, bool) and isinstance(value, (int, float, np.number)) and math.isfinite(value)
    check_argument(finite, name, f"{name} must be a finite number, got {value!r}")
    check_argument(not positive or value > 0, name, f"{name} must be greater than 0 (it is divided by), got {value!r}")
    check_argument(not non_negative or value >= 0, name, f"{name} must be ≥ 0, got {value!r}")
    return float(value)


def _ratio(numerator: float, denominator: float, numerator_name: str, denominator_name: str) -> float:
    return _number(numerator, numerator_name, non_negative=True) / _number(
        denominator, denominator_name, positive=True
    )


def roi_percent(gain: float, cost: float) -> float:
    """Return on investment in percent.

    Formula
    -------
    ``ROI = (gain − cost) / cost × 100``. Break-even (``gain = cost``) is ROI 0 %, not
    100 % as one source article states.

    Parameters
    ----------
    gain
        Gross gain attributed to the investment (e.g. the rise in gross margin).
    cost
        What the investment cost over the same period; must be > 0.

    Raises
    ------
    ValueError
        ``cost`` is 0 or negative (ROI undefined), or an input is not a finite number.

    Examples
    --------
    >>> roi_percent(75_000, 12_000)
    525.0
    >>> roi_percent(11_000, 1_000)
    1000.0
    """
    gain = _number(gain, "gain")
    cost = _number(cost, "cost", positive=True)
    return (gain - cost) / cost * 100.0


def payback_months(cost: float, monthly_gain: float) -> float:
    """Months until the gain repays the cost.

    Formula
    -------
    ``payback = cost / monthly gain``.

    Raises
    ------
    ValueError
        ``monthly_gain`` is 0 or negative (the cost is never repaid) or ``cost`` < 0.

    Examples
    --------
    >>> payback_months(12_000, 6_250)
    1.92
    """
    cost = _number(cost, "cost", non_negative=True)
    monthly_gain = _number(monthly_gain, "monthly_gain")
    check_argument(monthly_gain > 0, "monthly_gain",
                   f"monthly_gain must be greater than 0: with a gain of {monthly_gain!r} a month "
                   "the cost is never paid back")
    return cost / monthly_gain


@dataclass(frozen=True, kw_only=True)
class RoiResult(MetricResult):
    """ROI of an investment over a period, with break-even and payback.

    Attributes
    ----------
    gain, cost, net_gain
        Gain and cost over ``months``, and ``gain − cost``.
    roi_pct
        ``(gain − cost) / cost × 100``.
    break_even_gain
        The gain at which ROI is 0 % (equal to ``cost``).
    breaks_even
        ``gain ≥ cost`` (ROI ≥ 0 %).
    months, monthly_gain
        Length of the period and ``gain / months``.
    payback_months
        ``cost / monthly_gain``; None when there is no positive gain to repay it.
    """

    gain: float
    cost: float
    net_gain: float
    roi_pct: float
    break_even_gain: float
    breaks_even: bool
    months: float
    monthly_gain: float
    payback_months: float | None


def crm_roi(gain: float, cost: float, *, months: float = 12) -> RoiResult:
    """ROI, break-even and payback of a CRM (or any) investment.

    Formula
    -------
    ``ROI = (gain − cost) / cost × 100``; break-even at ``gain = cost`` (ROI 0 %);
    ``monthly gain = gain / months``; ``payback = cost / monthly gain`` months.

    Parameters
    ----------
    gain
        Gross gain over the period (e.g. increase in gross margin).
    cost
        Cost over the same period; must be > 0.
    months
        Length of the period the gain was earned over (default 12).

    Raises
    ------
    ValueError
        ``cost`` ≤ 0, ``months`` ≤ 0, or a non-finite input.

    Examples
    --------
    >>> r = crm_roi(75_000, 12_000)
    >>> r.roi_pct, r.breaks_even, r.payback_months
    (525.0, True, 1.92)
    """
    roi = roi_percent(gain, cost)
    months = _number(months, "months", positive=True)
    monthly_gain = float(gain) / months
    return RoiResult(
        gain=float(gain), cost=float(cost), net_gain=float(gain) - float(cost), roi_pct=roi,
        break_even_gain=float(cost), breaks_even=gain >= cost, months=months,
        monthly_gain=monthly_gain,
        payback_months=float(cost) / monthly_gain if monthly_gain > 0 else None,
    )


def average_deal_size(total_sales: float, deals: int) -> float:
    """Average deal size = total value of sales in a period / number of sales (deals).

    Raises ValueError when ``deals`` is 0 or an input is negative.
    """
    return _ratio(total_sales, deals, "total_sales", "deals")


def margin_rate(net_income: float, net_sales: float) -> float:
    """Margin rate = net income / net sales (a fraction; may be negative on a loss).

    Raises ValueError when ``net_sales`` is 0 or negative.
    """
    return _number(net_income, "net_income") / _number(net_sales, "net_sales", positive=True)


def cost_per_lead(marketing_spend: float, new_leads: int) -> float:
    """Cost per lead = total marketing spend / number of new leads.

    Raises ValueError when ``new_leads`` is 0 or an input is negative.
    """
    return _ratio(marketing_spend, new_leads, "marketing_spend", "new_leads")


def win_rate(won: int, opportunities: int) -> float:
    """Win rate = deals won / opportunities closed (won + lost) in the period.

    Raises ValueError when ``opportunities`` is 0 or fewer than ``won``.
    """
    rate = _ratio(won, opportunities, "won", "opportunities")
    check_argument(rate <= 1, "won", f"won cannot exceed opportunities ({won!r} > {opportunities!r})")
    return rate


def cases_per_agent(cases: int, agents: int, *, days: float | None = None) -> float:
    """Cases handled per agent, or per agent per day when ``days`` is given.

    Formula
    -------
    ``cases / agents`` (``/ days`` when given).

    Raises ValueError when ``agents`` (or ``days``) is 0 or an input is negative.
    """
    per_agent = _ratio(cases, agents, "cases", "agents")
    return per_agent if days is None else per_agent / _number(days, "days", positive=True)


@dataclass(frozen=True, kw_only=True)
class DurationSummary(MetricResult):
    """Durations between two dates per record (deal, case).

    Attributes
    ----------
    n
        Records with both dates.
    n_open
        Records with a start but no end yet (excluded, counted).
    mean, median
        Average and median duration in ``unit``.
    unit
        ``"days"`` or ``"hours"``.
    """

    n: int
    n_open: int
    mean: float
    median: float
    unit: str


def _paired_dates(start: ArrayLike | pd.Series, end: ArrayLike | pd.Series, start_name: str,
                  end_name: str, file: str | None) -> tuple[pd.Series, pd.Series, int]:
    """Parsed start and end dates (NaT where blank), checked, and the number still open."""
    start_series = start if isinstance(start, pd.Series) else pd.Series(list(start), dtype=object)
    end_series = end if isinstance(end, pd.Series) else pd.Series(list(end), dtype=object)
    check_argument(len(start_series) == len(end_series), f"{start_name}, {end_name}",
                   f"{start_name} and {end_name} must have the same length")
    starts, problems = parse_dates(start_series, start_name, file)
    ends, end_problems = parse_dates(end_series, end_name, file)
    fail(problems + end_problems)
    starts, ends = starts.reset_index(drop=True), ends.reset_index(drop=True)
    missing_start = starts.isna() & ends.notna()
    if missing_start.any():
        rows = row_numbers(start_series, np.flatnonzero(missing_start.to_numpy()))
        raise DataError([Problem(source_of(start_series, file), f"column '{start_name}', {rows_text(rows)}",
                                 f"blank start date but a {end_name} is given")])
    durations = ends - starts
    negative = (durations < pd.Timedelta(0)).to_numpy()
    if negative.any():
        rows = row_numbers(end_series, np.flatnonzero(negative))
        raise DataError([Problem(source_of(end_series, file), f"column '{end_name}', {rows_text(rows)}",
                                 f"{end_name} is before {start_name}")])
    n_open = int((starts.notna() & ends.isna()).sum())
    return starts, ends, n_open


def _summary(starts: pd.Series, ends: pd.Series, n_open: int, unit: Literal["days", "hours"],
             what: str) -> DurationSummary:
    done = (ends - starts).dropna()
    if done.empty:
        raise _bad(what, f"no record has both dates ({n_open} still open)")
    scale = pd.Timedelta(days=1) if unit == "days" else pd.Timedelta(hours=1)
    values = (done / scale).to_numpy(dtype=float)
    return DurationSummary(n=len(values), n_open=n_open, mean=float(values.mean()),
                           median=float(np.median(values)), unit=unit)


def sales_cycle_length(first_contact: ArrayLike | pd.Series, closed_won: ArrayLike | pd.Series,
                       *, file: str | None = None) -> DurationSummary:
    """Sales-cycle length: days from first contact with a customer to the sale.

    Formula
    -------
    ``mean(closed_won − first_contact)`` over deals with both dates (days); deals not
    yet won are excluded and counted as ``n_open``.

    Raises
    ------
    DataError
        Unparseable dates, a sale before its first contact, or no completed deal.
    """
    starts, ends, n_open = _paired_dates(first_contact, closed_won, "first_contact", "closed_won", file)
    return _summary(starts, ends, n_open, "days", "closed_won")


def time_to_close(opened: ArrayLike | pd.Series, closed: ArrayLike | pd.Series,
                  *, file: str | None = None) -> DurationSummary:
    """Time to close: days from opening an opportunity to closing it (won or lost).

    Formula
    -------
    ``mean(closed − opened)`` over closed opportunities (days); open ones are counted.

    Raises
    ------
    DataError
        Unparseable dates, a close before its opening, or nothing closed.
    """
    starts, ends, n_open = _paired_dates(opened, closed, "opened", "closed", file)
    return _summary(starts, ends, n_open, "days", "closed")


def mean_time_to_resolution(opened: ArrayLike | pd.Series, resolved: ArrayLike | pd.Series,
                            *, unit: Literal["hours", "days"] = "hours",
                            file: str | None = None) -> DurationSummary:
    """Mean time to resolution of support cases.

    Formula
    -------
    ``mean(resolved − opened)`` over resolved cases, in hours (or days); unresolved
    cases are excluded and counted as ``n_open``.

    Raises
    ------
    DataError
        Unparseable timestamps, a resolution before its opening, or nothing resolved.
    """
    starts, ends, n_open = _paired_dates(opened, resolved, "opened", "resolved", file)
    return _summary(starts, ends, n_open, unit, "resolved")


@dataclass(frozen=True, kw_only=True)
class CaseClosure(MetricResult):
    """Share of support cases closed on the day they were opened.

    Attributes
    ----------
    n_cases, n_open
        Cases with an opening date, and those of them not closed yet.
    n_same_day, same_day_rate
        Cases closed on their opening calendar day, and ``n_same_day / n_cases``
        (cases still open count as not closed the same day).
    """

    n_cases: int
    n_open: int
    n_same_day: int
    same_day_rate: float


def same_day_closed_rate(opened: ArrayLike | pd.Series, closed: ArrayLike | pd.Series,
                         *, file: str | None = None) -> CaseClosure:
    """Share of cases closed on the same calendar day they were opened.

    Formula
    -------
    ``#(date(closed) = date(opened)) / #cases``; open cases stay in the denominator.

    Raises
    ------
    DataError
        Unparseable timestamps, a close before its opening, or no case at all.
    """
    starts, ends, n_open = _paired_dates(opened, closed, "opened", "closed", file)
    n_cases = int(starts.notna().sum())
    if n_cases == 0:
        raise _bad("opened", "no case has an opening date")
    same_day = int((starts.dt.normalize() == ends.dt.normalize()).sum())
    return CaseClosure(n_cases=n_cases, n_open=n_open, n_same_day=same_day, same_day_rate=same_day / n_cases)


@dataclass(frozen=True, kw_only=True)
class BeforeAfter(MetricResult):
    """A KPI before and after a change (e.g. CRM roll-out).

    Attributes
    ----------
    metric
        Name of the KPI.
    before, after, change
        The two values and ``after − before``.
    change_pct
        ``(after − before) / |before| × 100``; None when ``before`` is 0.
    higher_is_better, improved
        The KPI's direction and whether the change went that way.
    """

    metric: str
    before: float
    after: float
    change: float
    change_pct: float | None
    higher_is_better: bool
    improved: bool


def before_after(before: float, after: float, *, metric: str = "", higher_is_better: bool = True) -> BeforeAfter:
    """Compare a KPI before and after a change (CSAT, retention, time to close…).

    Formula
    -------
    ``change = after − before``; ``change_pct = change / |before| × 100``;
    ``improved = change > 0`` when higher is better, ``change < 0`` otherwise.

    Examples
    --------
    >>> before_after(0.82, 0.88, metric="retention").change_pct  # doctest: +ELLIPSIS
    7.31...
    """
    before = _number(before, "before")
    after = _number(after, "after")
    change = after - before
    return BeforeAfter(
        metric=metric, before=before, after=after, change=change,
        change_pct=change / abs(before) * 100.0 if before != 0 else None,
        higher_is_better=higher_is_better,
        improved=change > 0 if higher_is_better else change < 0,
    )
