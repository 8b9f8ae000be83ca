"""The metrics section of a report: which library calls, on which rows, with what period.

This module only chooses inputs and calls :mod:`csmaturity.metrics`; every formula is
there. The choices it makes, which the report states beside the figures:

* **Survey wave** — when the survey has a ``survey_year`` column, the latest wave is
  the current one; the wave before it (if any) is the default "previous" survey.
* **Period** — retention needs a period. Unless one is given, it is the twelve months
  ending with the month of the latest start or churn date in the accounts table.
* **Current customers** — LTV, revenue concentration, the health score and the ARR at
  risk cover the accounts not churned.
* **Value split** — LTV by margin and retention is ARR × margin × expected years, the
  same multiple for every customer, so ranking by LTV is ranking by ARR: the revenue
  concentration and the high- vs low-LTV driver split use ARR.
* **Years retained** — with start dates in the accounts table, the expected lifetime
  within the years observed (Kaplan–Meier restricted mean, all accounts, as of the
  period end); ``1 / churn`` is stated beside it, and used only without start dates.
* **Key drivers** — importance is Johnson's relative weight (the item's share of the
  R² of the overall score on all items) with bootstrap intervals of
  :data:`DRIVER_RESAMPLES` resamples from a fixed seed, so a report is reproducible.

A column the tables do not have (no NRS question, no churn date…) leaves that metric
out with a note; a value that is present but wrong raises DataError naming the file,
column and rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import metrics as mx
from ..i18n import text
from ..io.readers import SURVEY_ITEMS, read_accounts, read_survey
from ..metrics._stats import plain

__all__ = ["MetricsSummary", "compute_metrics", "survey_scores", "read_survey_scores", "survey_changes",
           "SURVEY_METRICS"]

#: Account columns the three LTV estimates need beside ARR.
LTV_COLUMNS = ("revenue_to_date", "cost_of_sales_to_date", "orders_to_date")

#: Survey questions compared between waves, with the function that scores each.
SURVEY_METRICS = ("nps", "nrs", "csat", "ces", "dwb")

#: Key-driver importance of the report, and its bootstrap.
DRIVER_IMPORTANCE = "relative_weight"
DRIVER_RESAMPLES = 1000

#: The accounts column the retention curve is split by, when the table has it.
SURVIVAL_SEGMENT = "segment"

Notes = list[tuple[str, dict[str, Any]]]


@dataclass(frozen=True, eq=False, kw_only=True)
class MetricsSummary:
    """Every metric the report shows, each None when its data are not available."""

    accounts_file: str | None
    survey_file: str | None
    period: tuple[str, str] | None = None
    wave: int | None = None
    respondents: int = 0
    #: First and last answer dates of the current survey wave (None without dates).
    survey_dates: tuple[str, str] | None = None
    #: Rows of the accounts table, the current (not churned) ones and their ARR.
    accounts_total: int | None = None
    active_accounts: int | None = None
    active_arr: float | None = None
    nps: Any = None
    nrs: Any = None
    csat: Any = None
    ces: Any = None
    dwb: Any = None
    retention: Any = None
    #: Kaplan–Meier retention curve (metrics.survival), None without start dates.
    survival: Any = None
    ltv: Any = None
    concentration: Any = None
    lorenz: pd.DataFrame | None = None
    health: Any = None
    drivers: pd.DataFrame | None = None
    matrix: Any = None
    #: The survey wave before ``wave`` in the same file, and its scores (for the change).
    earlier_wave: int | None = None
    earlier_scores: dict[str, Any] = field(default_factory=dict)
    #: What was left out or assumed: ``(key, values)`` pairs, worded by ``notes.<key>``
    #: in the text store (``library`` carries a metric function's own note).
    notes: tuple[tuple[str, dict[str, Any]], ...] = ()

    def note_texts(self, lang: str) -> list[str]:
        """The notes in ``lang``."""
        return [text(f"notes.{key}", lang, **values) for key, values in self.notes]

    def driver_fit(self, segment: str = "all") -> dict[str, Any] | None:
        """``{"r_squared", "n"}`` of the key-driver model of ``segment`` (None when there
        is none or no R² was computed)."""
        if self.drivers is None:
            return None
        r2 = self.drivers.attrs.get("r_squared", {}).get(segment)
        rows = self.drivers[self.drivers["segment"] == segment]
        if r2 is None or rows.empty or r2 != r2:  # NaN: no relative importance
            return None
        return {"r_squared": float(r2), "n": int(rows["n"].max())}

    def method_notes(self, lang: str) -> dict[str, str]:
        """How each metric was computed, in ``lang``, worded from the results themselves
        (``metrics.method_note.*`` of the text store): ``loyalty``, ``retention``,
        ``survival``, ``ltv`` and ``drivers``, each present when that metric is."""
        notes: dict[str, str] = {}

        def say(key: str, **fields: Any) -> str:
            return text(f"metrics.method_note.{key}", lang, **fields)

        by_method: dict[str, list[str]] = {}
        confidence = ""
        for name, result in self.survey_results().items():
            by_method.setdefault(result.interval_method, []).append(
                say("metric_n", metric=name.upper(), n=f"{result.n_valid:,}"))
            confidence = f"{result.confidence:.0%}"
        if by_method:
            notes["loyalty"] = " ".join(say(f"interval_{method}", metrics=say("separator").join(names),
                                            confidence=confidence) for method, names in by_method.items())
        if self.retention is not None and self.period:
            notes["retention"] = say("retention", start=self.period[0], end=self.period[1],
                                     n=f"{self.retention.customers_at_start:,}")
        if self.survival is not None:
            overall = self.survival.overall()
            notes["survival"] = say("survival", as_of=self.survival.as_of, n=f"{overall['customers']:,}",
                                    churned=f"{overall['churned']:,}", horizon=f"{self.survival.horizon_years:.1f}")
        if self.ltv is not None:
            churn_years = 1 / self.retention.churn_rate if self.retention and self.retention.churn_rate else None
            if self.ltv.annual_churn is None and self.survival is not None:
                notes["ltv"] = (say("ltv_survival", churn_years=f"{churn_years:.1f}") if churn_years
                                else say("ltv_survival_no_churn"))
            else:
                notes["ltv"] = say("ltv_churn", years=f"{self.ltv.years_retained:.1f}")
        if self.drivers is not None:
            everyone = self.drivers[self.drivers["segment"] == "all"]
            method = self.drivers.attrs.get("importance", "correlation")
            r2 = self.drivers.attrs.get("r_squared", {}).get("all", float("nan"))
            notes["drivers"] = say(f"drivers_{method}", n=f"{int(everyone['n'].max()) if len(everyone) else 0:,}",
                                   r2=f"{r2:.2f}", resamples=f"{DRIVER_RESAMPLES:,}")
            hidden = int(self.drivers["distinguishable"].eq(False).sum())
            if hidden:
                notes["drivers"] += " " + say("drivers_noise", n=hidden)
            if self.drivers.attrs.get("segment_note"):
                notes["drivers"] += " " + say("drivers_ties", cut=f"{self.drivers.attrs['segment_cut']:,.0f}")
        return notes

    def survey_results(self) -> dict[str, Any]:
        """The survey metrics that were computed, by name."""
        return {name: getattr(self, name) for name in SURVEY_METRICS if getattr(self, name) is not None}

    def priority_items(self, segment: str = "all") -> list[str]:
        """Survey items in the "priority to improve" quadrant, most important first."""
        if self.drivers is None:
            return []
        rows = self.drivers[(self.drivers["segment"] == segment) & (self.drivers["quadrant"] == "priority to improve")]
        return rows.sort_values("importance", ascending=False)["item"].tolist()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (the part of the results file a batch collects)."""

        def dump(value: Any) -> Any:
            return value.to_dict() if value is not None else None

        drivers = None
        if self.drivers is not None:
            cols = ["segment", "item", "n", "importance", "importance_low", "importance_high", "distinguishable",
                    "performance", "quadrant"]
            drivers = [{k: plain(v) for k, v in row.items()} for row in self.drivers[cols].to_dict(orient="records")]
        return {
            "files": {"accounts": self.accounts_file, "survey": self.survey_file},
            "period": list(self.period) if self.period else None,
            "survey_wave": self.wave,
            "survey_dates": list(self.survey_dates) if self.survey_dates else None,
            "respondents": self.respondents,
            "accounts": {"rows": self.accounts_total, "current": self.active_accounts,
                         "current_arr": plain(self.active_arr)} if self.accounts_total is not None else None,
            **{name: dump(getattr(self, name)) for name in SURVEY_METRICS},
            "retention": dump(self.retention),
            "survival": dump(self.survival),
            "ltv": dump(self.ltv),
            "concentration": dump(self.concentration),
            "health": dump(self.health),
            "nps_nrs_matrix": {k: v for k, v in self.matrix.to_dict().items() if k != "cells"} if self.matrix else None,
            "key_drivers": drivers,
            "key_drivers_r_squared": plain(self.drivers.attrs.get("r_squared")) if self.drivers is not None else None,
            "notes": self.note_texts("en"),
        }


def _latest_wave(survey: pd.DataFrame) -> tuple[pd.DataFrame, int | None, pd.DataFrame | None]:
    """(current wave rows, its year, previous wave rows or None)."""
    if "survey_year" not in survey.columns or survey["survey_year"].isna().all():
        return survey, None, None
    years = sorted(int(y) for y in survey["survey_year"].dropna().unique())
    current = survey[survey["survey_year"] == years[-1]]
    previous = survey[survey["survey_year"] == years[-2]] if len(years) > 1 else None
    return current, years[-1], previous


def _answer_dates(survey: pd.DataFrame) -> tuple[str, str] | None:
    """First and last answer date of a survey wave; None without an answer-date column."""
    if "answered_on" not in survey.columns or survey["answered_on"].isna().all():
        return None
    dates = survey["answered_on"].dropna()
    return dates.min().date().isoformat(), dates.max().date().isoformat()


def _default_period(accounts: pd.DataFrame) -> tuple[str, str] | None:
    """Twelve months ending with the month of the latest start or churn date."""
    dates = [accounts[c].max() for c in ("start_date", "churn_date") if c in accounts.columns]
    dates = [d for d in dates if pd.notna(d)]
    if not dates or "churn_date" not in accounts.columns:
        return None
    end = (pd.Timestamp(max(dates)) + pd.offsets.MonthEnd(0)).date()
    start = (pd.Timestamp(end) - pd.DateOffset(years=1) + pd.Timedelta(days=1)).date()
    return start.isoformat(), end.isoformat()


def survey_scores(survey: pd.DataFrame) -> dict[str, Any]:
    """NPS, NRS, CSAT, CES and DWB of one survey wave (the questions it has)."""
    functions = {"nps": mx.nps, "nrs": mx.nrs, "csat": mx.csat, "ces": mx.ces, "dwb": mx.dwb}
    out = {}
    for name, function in functions.items():
        if name in survey.columns and survey[name].notna().any():
            out[name] = function(survey[name])
    return out


def compute_metrics(
    accounts_file: str | Path | None = None,
    survey_file: str | Path | None = None,
    *,
    period: tuple[str, str] | None = None,
    health_config: str | Path | None = None,
) -> MetricsSummary | None:
    """Read the client's tables and compute the report's metrics (None without data).

    Raises
    ------
    DataError
        A table cannot be read or holds invalid values (file, column and rows named).
    """
    if accounts_file is None and survey_file is None:
        return None
    notes: Notes = []
    values: dict[str, Any] = {}
    accounts = read_accounts(accounts_file) if accounts_file is not None else None
    if accounts is not None:
        values.update(_account_metrics(accounts, period, health_config, notes))
    if survey_file is not None:
        survey, wave, earlier = _latest_wave(read_survey(survey_file))
        values.update(wave=wave, respondents=len(survey), survey_dates=_answer_dates(survey), **survey_scores(survey))
        if earlier is not None:
            values.update(earlier_wave=int(earlier["survey_year"].iloc[0]), earlier_scores=survey_scores(earlier))
        if "nrs" in survey.columns and survey["nrs"].notna().any():
            values["matrix"] = mx.nps_nrs_matrix(survey["nps"], survey["nrs"])
        values.update(_drivers(survey, accounts, notes))
    return MetricsSummary(
        # Names only: the report reads the same wherever the files were.
        accounts_file=Path(accounts_file).name if accounts_file is not None else None,
        survey_file=Path(survey_file).name if survey_file is not None else None,
        notes=tuple(notes),
        **values,
    )


def _account_metrics(
    accounts: pd.DataFrame, period: tuple[str, str] | None, health_config: str | Path | None, notes: Notes
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    churned = pd.Series(False, index=accounts.index)
    if "churned" in accounts.columns:
        churned |= accounts["churned"].fillna(False).astype(bool)
    if "churn_date" in accounts.columns:
        churned |= accounts["churn_date"].notna()
    active = accounts[~churned]
    out.update(accounts_total=len(accounts), active_accounts=len(active),
               active_arr=float(active["arr"].fillna(0).sum()))
    if {"churned", "churn_date"} & set(accounts.columns):
        period = period or _default_period(accounts)
        out["period"] = period
        ret = mx.retention(accounts, *(period or (None, None)))
        out["retention"] = ret
        notes.extend(("library", {"text": note}) for note in ret.notes)
        curve = None
        if {"start_date", "churn_date"} <= set(accounts.columns):
            segment = SURVIVAL_SEGMENT if SURVIVAL_SEGMENT in accounts.columns else None
            curve = mx.survival(accounts, as_of=period[1] if period else None, segment_by=segment)
            out["survival"] = curve
            notes.extend(("library", {"text": note}) for note in curve.notes)
        missing = [c for c in LTV_COLUMNS if c not in accounts.columns]
        if missing:
            notes.append(("ltv_columns", {"columns": ", ".join(missing)}))
        elif active.empty:
            pass  # said once below, for every metric of current customers
        elif curve is not None:
            out["ltv"] = mx.ltv_estimates(active, years_retained=curve.expected_years)
        elif ret.churn_rate > 0:
            out["ltv"] = mx.ltv_estimates(active, annual_churn=ret.churn_rate)
        else:
            notes.append(("no_churn", {}))
    else:
        notes.append(("retention_columns", {"columns": "churned, churn_date"}))
    if active.empty:
        notes.append(("no_active", {"n": len(accounts)}))
        return out
    out["concentration"] = mx.concentration(active["arr"])
    out["lorenz"] = mx.lorenz_table(active["arr"])
    config = mx.load_health_config(health_config)
    needed = {c for s in config.signals for c in (s.column, s.per) if c}
    missing = sorted(needed - set(accounts.columns))
    if missing:
        notes.append(("health_columns", {"columns": ", ".join(missing)}))
    else:
        out["health"] = mx.summarize_health(mx.health_scores(active, config), config)
    return out


def _drivers(survey: pd.DataFrame, accounts: pd.DataFrame | None, notes: Notes) -> dict[str, Any]:
    items = [c for c in SURVEY_ITEMS if c in survey.columns]
    if len(items) < 2:
        notes.append(("drivers_items", {}))
        return {}
    segment_by = None
    if accounts is not None and "account_id" in survey.columns:
        arr = accounts.set_index("account_id")["arr"]
        survey = survey.assign(arr=survey["account_id"].map(arr))
        segment_by = "arr"
    drivers = mx.key_drivers(survey, items, overall="nps", segment_by=segment_by, importance=DRIVER_IMPORTANCE,
                             bootstrap=DRIVER_RESAMPLES)
    return {"drivers": drivers}


def survey_changes(previous: dict[str, Any], current: dict[str, Any]) -> list[Any]:
    """Significance tests (``metrics.compare``) of every survey metric in both waves."""
    return [mx.compare(previous[name], current[name]) for name in SURVEY_METRICS
            if name in previous and name in current]


def read_survey_scores(survey_file: str | Path) -> tuple[dict[str, Any], int | None]:
    """Scores of the latest wave of a survey file, and that wave's year (None without waves)."""
    frame, wave, _ = _latest_wave(read_survey(survey_file))
    return survey_scores(frame), wave
