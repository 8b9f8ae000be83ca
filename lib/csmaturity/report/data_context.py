"""Numbers in context: how old the client's data is, whether it agrees with the
client's profile, and how a figure reads (a concentration or not, beside which
reference range).

Every report format reads these through :func:`data_context` and the reading
functions below, so that the summary, the metrics section and the workbook say the
same thing about the same figure.

* **Age** — the accounts table ends with its retention period (the month of its latest
  date); the survey with its last answer date. Data that ends more than
  :data:`STALE_MONTHS` before the assessment date is flagged as stale.
* **Profile vs data** — the profile fields the kit knows by id
  (:data:`RECONCILED_FIELDS`: ``customers`` and ``arr_band``) are set beside the
  accounts table: the number of current accounts and their total ARR. A customer count
  off by more than :data:`COUNT_TOLERANCE` either way, or an ARR outside the band, is
  said plainly; a band that cannot be read as two numbers with a unit is shown
  beside the data without a verdict.
* **Readings** — red accounts' ARR is called concentrated only when their share of ARR
  is clearly above their share of accounts (:data:`CONCENTRATION_RATIO`); revenue is
  called concentrated when the top 20 % of customers bring at least
  :data:`TOP20_CONCENTRATED` of it.
* **Reference ranges** — NRR and GRR beside private B2B SaaS figures (SaaS Capital's
  annual survey, mostly US companies, 2019-2023): context, never targets, always said
  to be US figures and not the benchmark survey's. The notes give none for churn or
  NPS, so none is shown for them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..i18n import LANGUAGES, labels, text
from .formatting import fmt_money, fmt_number, fmt_percent

if TYPE_CHECKING:
    from .results import ReportResults

__all__ = ["STALE_MONTHS", "RECONCILED_FIELDS", "DataAge", "Reconciliation", "DataContext", "data_context",
           "months_between", "parse_band", "risk_spread", "revenue_concentrated", "REFERENCES", "reference_text",
           "CONCENTRATION_RATIO", "TOP20_CONCENTRATED", "COUNT_TOLERANCE"]

#: Data ending more than this many months before the assessment date is stale.
STALE_MONTHS = 12
#: Profile field ids the kit reconciles with the accounts table.
RECONCILED_FIELDS = ("customers", "arr_band")
#: A profile customer count within this factor of the data's current accounts agrees.
COUNT_TOLERANCE = 1.25
#: Red accounts' ARR share over their account share from which it is a concentration
#: (and under its inverse: mostly smaller accounts).
CONCENTRATION_RATIO = 1.25
#: Share of revenue from the top 20 % of customers from which revenue is concentrated
#: (twice their share of customers).
TOP20_CONCENTRATED = 0.4

#: Reference ranges the domain notes give: metric -> (label key, the median used to
#: say above or below). Fractions, as the retention result holds them.
REFERENCES: dict[str, tuple[str, float]] = {"nrr": ("reference.nrr", 1.0), "grr": ("reference.grr", 0.9)}



@lru_cache(maxsize=1)
def _band_pattern() -> tuple[re.Pattern[str], dict[str, float]]:
    """The units of an ARR band in every language (``format.band_units`` of the store)
    and a pattern of ``low [unit] <dash> high unit``."""
    units = {unit: float(size) for lang in LANGUAGES for unit, size in labels(lang)["format"]["band_units"]}
    alternatives = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    dashes = "~\\-\u2013\u2014\u301c\uff5e"  # ~ - – — and the Japanese wave dashes
    pattern = re.compile(rf"([\d.,]+)\s*({alternatives})?\s*[{dashes}]\s*([\d.,]+)\s*({alternatives})")
    return pattern, units


@dataclass(frozen=True, kw_only=True)
class DataAge:
    """When one data source ends, and how long before the assessment."""

    kind: str  # "accounts" or "survey"
    start: dt.date | None
    end: dt.date
    #: Whole months from ``end`` to the assessment date.
    months: int
    wave: int | None = None

    @property
    def stale(self) -> bool:
        return self.months > STALE_MONTHS


@dataclass(frozen=True, kw_only=True)
class Reconciliation:
    """A profile field beside what the data says; ``agrees`` None: not comparable."""

    field: str
    label: str
    profile: str
    data: str
    agrees: bool | None
    text: str


@dataclass(frozen=True, kw_only=True)
class DataContext:
    """What the report says about the client's data, in the report language.

    ``missing`` lists the sources not provided (``accounts``, ``survey``); ``lines``
    the summary's data lines (period and age of each source, or that none was given).
    """

    provided: bool
    accounts: DataAge | None
    survey: DataAge | None
    reconciliation: list[Reconciliation] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    stale_note: str | None = None

    @property
    def stale(self) -> bool:
        return any(age is not None and age.stale for age in (self.accounts, self.survey))

    def to_dict(self) -> dict[str, Any]:
        def age(a: DataAge | None) -> dict[str, Any] | None:
            return None if a is None else {"start": a.start.isoformat() if a.start else None,
                                           "end": a.end.isoformat(), "months_before_assessment": a.months,
                                           "stale": a.stale, "wave": a.wave}

        return {"provided": self.provided, "accounts": age(self.accounts), "survey": age(self.survey),
                "stale": self.stale, "stale_after_months": STALE_MONTHS, "missing": self.missing,
                "reconciliation": [{"field": r.field, "profile": r.profile, "data": r.data, "agrees": r.agrees}
                                   for r in self.reconciliation]}


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from ``earlier`` to ``later`` (negative when ``later`` is before)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - 1 if later.day < earlier.day and months > 0 else months


def parse_band(band: str) -> tuple[float, float] | None:
    """An ARR band's bounds (``"10-30M USD"`` → 1e7, 3e7; the Japanese units and wave
    dash alike); None when it is not two numbers with a unit."""
    pattern, units = _band_pattern()
    found = pattern.search(str(band))
    if found is None:
        return None
    low, low_unit, high, unit = found.groups()
    try:
        lo = float(low.replace(",", "")) * units[low_unit or unit]
        hi = float(high.replace(",", "")) * units[unit]
    except ValueError:
        return None
    return (lo, hi) if lo <= hi else None


def risk_spread(health: Any) -> str:
    """How red accounts' ARR reads: ``concentrated`` (their ARR share is clearly above
    their share of accounts), ``small`` (clearly below: mostly smaller accounts) or
    ``even``."""
    accounts = sum(health.accounts.values())
    share_accounts = health.accounts["red"] / accounts if accounts else 0.0
    if share_accounts == 0:
        return "even"
    ratio = health.share_arr_at_risk / share_accounts
    return "concentrated" if ratio >= CONCENTRATION_RATIO else "small" if ratio <= 1 / CONCENTRATION_RATIO else "even"


def red_account_share(health: Any) -> float:
    """The red band's share of accounts."""
    accounts = sum(health.accounts.values())
    return health.accounts["red"] / accounts if accounts else math.nan


def revenue_concentrated(concentration: Any) -> bool:
    """Whether the top 20 % of customers bring at least :data:`TOP20_CONCENTRATED` of revenue."""
    return concentration.top_shares.get(0.2, 0.0) >= TOP20_CONCENTRATED


def reference_text(metric: str, lang: str) -> str | None:
    """The reference range beside ``metric`` (``nrr``, ``grr``), or None when the domain
    notes give none."""
    ref = REFERENCES.get(metric)
    return text(ref[0], lang) if ref else None


def _age(kind: str, start: str | None, end: str, assessed: dt.date, wave: int | None = None) -> DataAge:
    end_day = dt.date.fromisoformat(end)
    return DataAge(kind=kind, start=dt.date.fromisoformat(start) if start else None, end=end_day,
                   months=months_between(end_day, assessed), wave=wave)


def _reconcile(results: ReportResults) -> list[Reconciliation]:
    a = results.assessment
    m = results.metrics
    lang = a.lang
    if m is None or m.active_accounts is None:
        return []
    profile = a.answers.client.profile
    fields = a.model.profile_by_id
    out = []
    given = profile.get("customers")
    if "customers" in fields and isinstance(given, (int, float)) and given > 0:
        data = m.active_accounts
        agrees = data > 0 and 1 / COUNT_TOLERANCE <= data / given <= COUNT_TOLERANCE
        key = "customers_agree" if agrees else "customers_differ"
        out.append(Reconciliation(
            field="customers", label=fields["customers"].label.get(lang), profile=fmt_number(given),
            data=fmt_number(data), agrees=agrees,
            text=text(f"reconcile.{key}", lang, profile=fmt_number(given), data=fmt_number(data),
                      ratio=fmt_percent(data / given))))
    band = profile.get("arr_band")
    if "arr_band" in fields and isinstance(band, str) and band and m.active_arr is not None:
        shown = fmt_money(m.active_arr, a.currency, lang)
        bounds = parse_band(band)
        agrees = None if bounds is None else bounds[0] <= m.active_arr <= bounds[1]
        key = "arr_unparsed" if agrees is None else "arr_in_band" if agrees else "arr_out_band"
        out.append(Reconciliation(field="arr_band", label=fields["arr_band"].label.get(lang), profile=band,
                                  data=shown, agrees=agrees,
                                  text=text(f"reconcile.{key}", lang, profile=band, data=shown)))
    return out


def data_context(results: ReportResults) -> DataContext:
    """The age of the client's data, its agreement with the profile and what is missing."""
    a = results.assessment
    lang = a.lang
    assessed = a.answers.client.assessment_date
    m = results.metrics
    if m is None:
        return DataContext(provided=False, accounts=None, survey=None, missing=["accounts", "survey"],
                           lines=[text("data.none", lang)])
    accounts = _age("accounts", *m.period, assessed) if m.period else None
    survey = None
    if m.survey_dates:
        survey = _age("survey", m.survey_dates[0], m.survey_dates[1], assessed, m.wave)
    lines = []
    if accounts is not None:
        lines.append(text("data.accounts", lang, start=accounts.start, end=accounts.end,
                          age=_age_words(accounts.months, lang)))
    elif m.accounts_file is not None:
        lines.append(text("data.accounts_undated", lang))
    if survey is not None:
        wave = text("data.wave", lang, wave=survey.wave) if survey.wave else ""
        lines.append(text("data.survey", lang, wave=wave, start=survey.start, end=survey.end,
                          age=_age_words(survey.months, lang), n=fmt_number(m.respondents)))
    elif m.survey_file is not None:
        lines.append(text("data.survey_undated", lang, n=fmt_number(m.respondents)))
    missing = [kind for kind, name in (("accounts", m.accounts_file), ("survey", m.survey_file)) if name is None]
    lines.extend(text(f"data.not_provided.{kind}", lang) for kind in missing)
    context = DataContext(provided=True, accounts=accounts, survey=survey, reconciliation=_reconcile(results),
                          missing=missing, lines=lines)
    if context.stale:
        oldest = max(age.months for age in (accounts, survey) if age is not None)
        context = replace(context, stale_note=text("data.stale_note", lang, months=oldest, limit=STALE_MONTHS))
    return context


def _age_words(months: int, lang: str) -> str:
    """How long before the assessment a source ends, in words."""
    if months <= 0:
        return text("data.age_current", lang)
    return text("data.age_one" if months == 1 else "data.age", lang, months=months)
