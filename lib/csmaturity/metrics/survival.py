"""Retention as a survival curve: how long customers stay, from the accounts table.

A churn rate over one period says what share left that year; a Kaplan–Meier curve uses
every customer's whole history — the ones still active count as *censored* at the
reference date, not as lost — and gives the share still a customer t years after
starting, with its confidence band, by segment or start cohort. From it:

* the **median lifetime**: when half the customers have left (not reached while more
  than half remain, which is then said rather than guessed);
* the **expected lifetime** within the horizon observed, the restricted mean
  ``∫₀^τ S(t) dt`` (Royston & Parmar 2013): the years a new customer stays on average
  within the first τ years. It feeds the LTV "years retained" in place of
  ``1 / churn``, which assumes the same churn every year forever.

The estimator is lifelines' :class:`~lifelines.KaplanMeierFitter` (Greenwood variance,
log(−log) band) and the median's interval lifelines' :func:`~lifelines.utils.median_survival_times`.
The restricted mean is the exact area under lifelines' step curve, with the standard
error of Klein & Moeschberger (2003, §4.5) — lifelines' own
:func:`~lifelines.utils.restricted_mean_survival_time` gives the same mean by numerical
integration, but its "variance" is that of one customer's lifetime, not of the mean.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from csmaturity.errors import DataError, Problem, check_argument
from csmaturity.io.columns import fail, parse_dates, require_columns, row_numbers, rows_text, source_of
from csmaturity.metrics._result import MetricResult
from csmaturity.metrics._stats import check_probability, plain, z_for
from csmaturity.metrics.retention import DateLike, date_argument, duplicate_ids

__all__ = ["SurvivalResult", "survival", "DAYS_PER_YEAR"]

DAYS_PER_YEAR = 365.25
ALL = "all"
#: Segments smaller than this do not shorten the default horizon (one young account
#: would otherwise cut everyone's expected lifetime, and the LTV built on it, to weeks).
MIN_HORIZON_SEGMENT = 30


@dataclass(frozen=True, eq=False, kw_only=True)
class SurvivalResult(MetricResult):
    """Kaplan–Meier retention of customers from their start date, overall and by segment.

    Attributes
    ----------
    curve
        Tidy steps: ``segment`` (``"all"`` first, then each segment), ``years`` since
        the start, ``retention`` (the share still a customer), ``ci_low``,
        ``ci_high``, ``at_risk``, ``churned`` (at that time).
    summary
        One row per segment: ``segment``, ``customers``, ``churned``, ``censored``,
        ``median_years`` (NaN when not reached) with ``median_ci_low`` /
        ``median_ci_high``, ``expected_years`` (restricted mean to the horizon) with
        ``expected_ci_low`` / ``expected_ci_high``, ``retention_1y`` (S(1)) and
        ``retention_horizon`` (S(τ)). A segment followed for less than the horizon
        (or a year) has NaN there rather than a curve extended past its data (noted).
    as_of
        Reference date (ISO): active customers are censored there.
    horizon_years
        τ of the restricted mean, common to every segment.
    confidence
        Level of every interval.
    segment_by
        The segment column (None: overall only).
    notes
        What was left out or assumed.
    """

    curve: pd.DataFrame
    summary: pd.DataFrame
    as_of: str
    horizon_years: float
    confidence: float
    segment_by: str | None
    notes: tuple[str, ...] = ()

    def overall(self) -> dict[str, Any]:
        """The summary row of all customers, as a dict."""
        return self.summary.iloc[0].to_dict()

    @property
    def expected_years(self) -> float:
        """Expected lifetime of all customers within the horizon (restricted mean)."""
        return float(self.summary.iloc[0]["expected_years"])

    @property
    def median_years(self) -> float:
        """Median lifetime of all customers (NaN when more than half remain)."""
        return float(self.summary.iloc[0]["median_years"])

    def to_frame(self) -> pd.DataFrame:
        return self.summary.copy()

    def to_dict(self) -> dict[str, Any]:
        out = {k: plain(v) for k, v in vars(self).items() if k not in ("curve", "summary")}
        out["segments"] = [{k: plain(v) for k, v in row.items()} for row in self.summary.to_dict(orient="records")]
        return out


def _kaplan_meier() -> Any:
    """lifelines' fitter class, imported on first use (it takes a second) without
    letting its import-time warning filters leak into the caller's process."""
    with warnings.catch_warnings():
        from lifelines import KaplanMeierFitter
    return KaplanMeierFitter


def restricted_mean(times: np.ndarray, survival: np.ndarray, at_risk: np.ndarray, events: np.ndarray,
                    horizon: float) -> tuple[float, float]:
    """Area under a Kaplan–Meier step curve up to ``horizon``, and its variance.

    Formula
    -------
    With the curve's steps at ``t_i`` (``S`` constant on ``[t_i, t_{i+1})``, ``t_0 = 0``):
    ``μ = Σ_i S(t_i) (min(t_{i+1}, τ) − t_i)`` over ``t_i < τ``;
    ``var(μ) = Σ_{t_i ≤ τ} A_i² d_i / (n_i (n_i − d_i))`` with ``A_i = ∫_{t_i}^τ S(u) du``,
    d_i churns among n_i at risk (a step where everyone left adds nothing: A_i = 0).
    """
    order = np.argsort(times)
    t, s, n, d = times[order], survival[order], at_risk[order], events[order]
    inside = t < horizon
    t, s, n, d = t[inside], s[inside], n[inside], d[inside]
    widths = np.diff(np.append(t, horizon))
    areas = s * widths
    mean = float(areas.sum())
    # S is right-continuous: on [t_i, t_{i+1}) it holds the value after the drop at t_i.
    remaining = np.cumsum(areas[::-1])[::-1]  # A_i = ∫_{t_i}^τ S
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where((d > 0) & (n > d), remaining**2 * d / (n * (n - d)), 0.0)
    return mean, float(terms.sum())


def _fit(durations: np.ndarray, events: np.ndarray, horizon: float, confidence: float,
         segment: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One segment's curve and summary row."""
    from lifelines.utils import median_survival_times

    fitter = _kaplan_meier()(alpha=1 - confidence)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines' notes on ties and zero durations
        fitter.fit(durations, event_observed=events)
    table = fitter.event_table
    survival = fitter.survival_function_.iloc[:, 0]
    band = fitter.confidence_interval_survival_function_
    curve = pd.DataFrame({
        "segment": segment, "years": survival.index.to_numpy(dtype=float), "retention": survival.to_numpy(),
        "ci_low": band.iloc[:, 0].to_numpy(), "ci_high": band.iloc[:, 1].to_numpy(),
        "at_risk": table["at_risk"].reindex(survival.index).fillna(0).to_numpy(dtype=int),
        "churned": table["observed"].reindex(survival.index).fillna(0).to_numpy(dtype=int),
    })
    mean, variance = restricted_mean(curve["years"].to_numpy(), curve["retention"].to_numpy(),
                                     curve["at_risk"].to_numpy(), curve["churned"].to_numpy(), horizon)
    median = float(fitter.median_survival_time_)
    median_band = median_survival_times(fitter.confidence_interval_survival_function_)
    half = z_for(confidence) * math.sqrt(max(0.0, float(variance))) if math.isfinite(variance) else math.nan

    def finite(value: float) -> float:
        return value if math.isfinite(value) else math.nan

    if horizon > float(durations.max()):  # the curve past the last observation is not data
        mean = variance = math.nan

    row = {
        "segment": segment, "customers": int(len(durations)), "churned": int(events.sum()),
        "censored": int(len(durations) - events.sum()),
        "median_years": finite(median),
        "median_ci_low": finite(float(median_band.iloc[0, 0])),
        "median_ci_high": finite(float(median_band.iloc[0, 1])),
        "expected_years": float(mean),
        "expected_ci_low": max(0.0, float(mean) - half) if math.isfinite(mean) else math.nan,
        "expected_ci_high": min(horizon, float(mean) + half) if math.isfinite(mean) else math.nan,
        "retention_1y": float(fitter.predict(1.0)) if durations.max() >= 1.0 else math.nan,
        "retention_horizon": float(fitter.predict(horizon)) if math.isfinite(mean) else math.nan,
    }
    return curve, row


def survival(
    accounts: pd.DataFrame,
    *,
    as_of: DateLike | None = None,
    segment_by: str | None = None,
    horizon_years: float | None = None,
    confidence: float = 0.95,
    start_date: str = "start_date",
    churn_date: str = "churn_date",
    account: str = "account_id",
    file: str | None = None,
) -> SurvivalResult:
    """Kaplan–Meier retention curve, median and expected lifetime, overall and by segment.

    Formula
    -------
    Each customer's time is ``(churn date or as_of) − start date`` in years (days /
    365.25); a churn is an event, an active customer is censored at ``as_of`` (so is a
    churn dated after it). ``S(t) = Π_{t_i ≤ t} (1 − d_i / n_i)`` over the churn times
    t_i, with d_i churns among the n_i customers still at risk; the band is
    lifelines' log(−log) transform of Greenwood's variance. Median: the first t with
    S(t) ≤ 0.5. Expected lifetime within the horizon τ: ``∫₀^τ S(t) dt``, with the
    interval ``± z · √var``; τ defaults to the shortest of the longest follow-up times
    of all customers and of each segment with at least :data:`MIN_HORIZON_SEGMENT`
    customers, so that those are observed over the whole horizon (a smaller segment
    followed for less gets no expected lifetime, noted).

    Parameters
    ----------
    accounts
        One row per customer with a start date and (for those who left) a churn date.
    as_of
        Reference date (default: the latest start or churn date in the table).
        Customers who start after it are left out (noted).
    segment_by
        Column to split by (e.g. ``"segment"``, ``"plan"``, or a start-year cohort
        added with ``accounts.assign(cohort=...)``); customers with a blank value are
        counted in "all" only (noted).
    horizon_years
        τ of the restricted mean (default as above); at most the longest follow-up.
    confidence
        Level of the band and intervals (default 0.95).
    start_date, churn_date, account
        Column names (the account column, when present, is checked for duplicates).
    file
        File named in error messages.

    Returns
    -------
    SurvivalResult

    Raises
    ------
    DataError
        A missing column, malformed or blank start dates, a churn before the start,
        a duplicate account id, or no customer started by ``as_of``.
    ValueError
        A bad ``confidence``, ``horizon_years`` or ``as_of``.
    """
    check_probability(confidence, "confidence")
    file_name = source_of(accounts, file)
    require_columns(accounts, [start_date, churn_date], file_name, purpose="the retention curve")
    problems = duplicate_ids(accounts, account, file_name)
    starts, start_problems = parse_dates(accounts[start_date], start_date, file_name)
    churns, churn_problems = parse_dates(accounts[churn_date], churn_date, file_name)
    problems += start_problems + churn_problems
    starts, churns = starts.dt.normalize(), churns.dt.normalize()

    def rows_of(mask: np.ndarray) -> str:
        return rows_text(row_numbers(accounts, np.flatnonzero(mask)))

    blank = starts.isna().to_numpy()
    if blank.any() and not start_problems:
        problems.append(Problem(file_name, f"column '{start_date}', {rows_of(blank)}",
                                "start date is blank: the customer's time cannot be counted"))
    backwards = (churns < starts).to_numpy()
    if backwards.any():
        problems.append(Problem(file_name, f"columns '{start_date}' and '{churn_date}', {rows_of(backwards)}",
                                "churn date is before the start date"))
    if segment_by is not None:
        require_columns(accounts, [segment_by], file_name, purpose="the retention curve by segment")
    fail(problems)

    latest = max(d for d in (starts.max(), churns.max()) if pd.notna(d))
    reference = date_argument(as_of, "as_of") if as_of is not None else latest
    notes: list[str] = []
    started = (starts <= reference).to_numpy()
    if not started.any():
        raise DataError([Problem(file_name, f"column '{start_date}'",
                                 f"no customer started by {reference.date()}: no retention curve")])
    if (~started).any():
        notes.append(f"{int((~started).sum())} customer(s) starting after {reference.date()} left out")
    churned = churns.notna().to_numpy() & (churns <= reference).to_numpy()
    end = churns.where(pd.Series(churned, index=churns.index), reference)
    years = ((end - starts).dt.days.to_numpy(dtype=float) / DAYS_PER_YEAR)[started]
    events = churned[started]

    groups: list[tuple[str, np.ndarray]] = [(ALL, np.ones(len(years), dtype=bool))]
    if segment_by is not None:
        labels = accounts[segment_by].to_numpy(dtype=object)[started]
        known = np.array([not (v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == "")
                          for v in labels])
        if (~known).any():
            notes.append(f"{int((~known).sum())} customer(s) with a blank '{segment_by}' counted in 'all' only")
        names = sorted({str(v) for v in labels[known]})
        groups += [(name, known & (labels.astype(str) == name)) for name in names]

    longest = min(float(years[mask].max()) for name, mask in groups
                  if name == ALL or mask.sum() >= MIN_HORIZON_SEGMENT)
    if horizon_years is None:
        horizon = longest
    else:
        check_argument(0 < horizon_years <= float(years.max()), "horizon_years",
                       f"horizon_years must be in (0, {float(years.max()):.2f}] (the longest follow-up), "
                       f"got {horizon_years!r}")
        horizon = float(horizon_years)
    check_argument(horizon > 0, "horizon_years", "every customer started on the reference date: no time observed")
    curves, rows = [], []
    for name, mask in groups:
        curve, row = _fit(years[mask], events[mask], horizon, confidence, name)
        curves.append(curve)
        rows.append(row)
    short = [row["segment"] for row in rows if math.isnan(row["expected_years"])]
    if short:
        notes.append(f"followed for less than {horizon:.1f} years: {', '.join(short)} (no expected lifetime over "
                     "that horizon)")
    if math.isnan(rows[0]["median_years"]):
        notes.append(f"more than half the customers remain after {float(years.max()):.1f} years: "
                     "the median lifetime is not reached")
    return SurvivalResult(
        curve=pd.concat(curves, ignore_index=True), summary=pd.DataFrame(rows), as_of=reference.date().isoformat(),
        horizon_years=horizon, confidence=confidence, segment_by=segment_by, notes=tuple(notes),
    )
