"""Exercises for trainees, checked with the metrics library.

Each exercise states a small case; :func:`check` computes the expected answer with
the same function a report uses and says whether the trainee's answer is right, and
why (the formula with the case's numbers), in Japanese and English::

    from csmaturity.exercises import check, exercise
    print(exercise("nps").prompt("en"))
    check("nps", "35").message("en")     # 'Correct: NPS = % promoters − % detractors = 55% − 20% = +35.0'

The wording (prompts, workings, feedback) is in the text store under ``exercises.``
(:mod:`csmaturity.i18n`); this module computes the numbers. Numeric answers may be
typed as people write them (:func:`csmaturity.io.columns.parse_amount`): ``8``, ``8%``,
``８``, ``７％``, ``1,000``, ``2.1M`` (or 210 with the Japanese ten-thousand sign),
``¥2,100,000`` or ``525 %``, with a unit in either language; a percentage typed as a
fraction (``0.08`` for 8 %) gets a hint rather than a silent fail. Tolerances are
stated per exercise (half of the last digit asked for).

A wrong answer can be told with a hint instead of the working
(``feedback.message(lang, reveal=False)``, the store's ``exercises.cases.<id>.hint``):
the teaching widget gives the hint first and the worked answer after a second wrong try
or on request.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from . import metrics as M
from .errors import check_argument
from .i18n import labels, text, variants
from .io.columns import parse_amount

__all__ = ["Exercise", "Feedback", "EXERCISES", "exercise", "check", "cohort_table"]


def cohort_table(customers: int, lost: int, *, upsold: int = 0, cross_sold: int = 0, arr_each: float = 1.0,
                 upsell_each: float = 0.0, cross_each: float = 0.0, contraction: float = 0.0) -> pd.DataFrame:
    """A snapshot accounts table with these totals, for :func:`csmaturity.metrics.retention`.

    The first ``lost`` customers churn; upsells, cross-sells and the downgrade go to
    retained customers (the last rows), each customer starting with ``arr_each``. A
    downgrade larger than one customer's ARR is spread over as many retained customers
    as it takes, none losing more than its ARR.
    """
    check_argument(0 <= lost <= customers and max(upsold, cross_sold) <= customers - lost, "lost, upsold, cross_sold",
                   "lost must be within the customers, and upsold / cross-sold within those retained")
    check_argument(contraction <= arr_each * (customers - lost), "contraction",
                   f"a downgrade of {contraction:g} exceeds the ARR of the retained customers")
    rows = np.arange(customers)
    retained_rank = customers - 1 - rows  # 0 for the last row
    # The k-th last customer loses what is left of the downgrade, at most its own ARR.
    downgrade = np.clip(float(contraction) - retained_rank * float(arr_each), 0.0, float(arr_each))
    table = pd.DataFrame({
        "churned": rows < lost,
        "arr": np.full(customers, float(arr_each)),
        "upsell_arr": np.where(retained_rank < upsold, float(upsell_each), 0.0),
        "cross_sell_arr": np.where(retained_rank < cross_sold, float(cross_each), 0.0),
        "contraction_arr": np.where(rows >= lost, downgrade, 0.0),
    })
    table.attrs["source"] = "<lesson>"
    return table


Working = Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class Feedback:
    """The verdict on one answer: ``exercises.feedback.<verdict>`` of the text store,
    filled with ``values`` and with the exercise's working."""

    correct: bool
    verdict: str
    expected: Any
    exercise_id: str
    working: Working = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "ja", *, reveal: bool = True) -> str:
        """The verdict in ``lang`` with the working, or with only the exercise's hint when
        ``reveal`` is False and the answer is not right."""
        if reveal or self.correct:
            working = self.answer(lang)
        else:
            working = text("exercises.hint", lang, hint=text(f"exercises.cases.{self.exercise_id}.hint", lang))
        values = dict(self.values)
        if self.verdict == "choose":  # the choices in the reader's words
            values["choices"] = " / ".join(_choice_label(c, lang) for c in values["choices"])
        return text(f"exercises.feedback.{self.verdict}", lang, working=working, **values)

    def answer(self, lang: str = "ja") -> str:
        """The worked answer: the formula with the case's numbers."""
        return text(f"exercises.cases.{self.exercise_id}.working", lang, **self.working)


@dataclass(frozen=True)
class Exercise:
    """A question with its expected answer computed by the library.

    ``solve`` returns ``(expected, working)``: the answer and the numbers that fill
    the formula of ``exercises.cases.<id>.working`` in the text store. ``unit`` is
    ``%``, ``pt`` (score points), ``yen``, ``months``, ``choice`` (one of ``choices``)
    or ``items`` (several of ``choices``); ``tolerance`` is absolute, in the answer's unit.
    """

    id: str
    topic: str
    unit: str
    solve: Callable[[], tuple[Any, Working]]
    _: KW_ONLY
    tolerance: float = 0.0
    choices: tuple[str, ...] = ()

    def prompt(self, lang: str) -> str:
        """The question in ``lang``."""
        return text(f"exercises.cases.{self.id}.prompt", lang)

    def choice_labels(self, lang: str) -> tuple[str, ...]:
        """The choices as a person answers them in ``lang``: the first word of
        ``exercises.choice_words`` for the choice in that language, else the choice."""
        return tuple(_choice_label(choice, lang) for choice in self.choices)


def _churn() -> tuple[float, Working]:
    r = M.retention(cohort_table(200, 14))
    return r.churn_rate * 100, {"lost": r.customers_lost, "start": r.customers_at_start, "value": r.churn_rate * 100}


def _nrr() -> tuple[float, Working]:
    r = M.retention(cohort_table(100, 10, upsold=20, upsell_each=30, arr_each=100, contraction=50))
    v = r.nrr * 100
    work = (f"({r.starting_arr:,.0f} − {r.churned_arr:,.0f} − {r.contraction_arr:,.0f} + {r.expansion_arr:,.0f})"
            f" ÷ {r.starting_arr:,.0f} = {v:.1f}%")
    return v, {"work": work}


def _upsell() -> tuple[float, Working]:
    r = M.retention(cohort_table(250, 20, upsold=30, upsell_each=10))
    return r.upsell_rate * 100, {"upsold": r.upsell_customers, "start": r.customers_at_start,
                                 "value": r.upsell_rate * 100}


def _nps() -> tuple[float, Working]:
    r = M.nps([10] * 45 + [9] * 10 + [8] * 25 + [5] * 20)
    return r.score, {"work": f"{r.share_promoters:.0%} − {r.share_detractors:.0%} = {r.score:+.1f}"}


def _nps_margin() -> tuple[float, Working]:
    # The textbook (Wald) margin the lesson teaches; reports use the adjusted Wald interval.
    r = M.nps([10] * 45 + [9] * 10 + [8] * 25 + [5] * 20, interval="wald")
    work = (f"1.96 × 100 × √(({r.share_promoters:.2f} + {r.share_detractors:.2f} − {r.score / 100:.2f}²) "
            f"÷ {r.n_valid}) = {r.margin_of_error:.1f}")
    return r.margin_of_error, {"work": work}


def _csat() -> tuple[float, Working]:
    r = M.csat([5] * 36 + [4] * 42 + [3] * 30 + [2] * 8 + [1] * 4)
    return r.share * 100, {"work": f"{r.n_top} ÷ {r.n_valid} = {r.share:.1%}"}


def _nrs() -> tuple[float, Working]:
    r = M.nrs([5] * 30 + [4] * 50 + [3] * 12 + [2] * 5 + [1] * 3)
    return r.score, {"work": f"{r.share_repeaters:.0%} − {r.share_at_risk:.0%} = {r.score:+.1f}"}


def _dwb() -> tuple[float, Working]:
    r = M.dwb([5] * 18 + [4] * 22 + [3] * 12 + [2] * 5 + [1] * 3)
    return r.share * 100, {"work": f"{r.n_top} ÷ {r.n_valid} = {r.share:.1%}"}


def _ces() -> tuple[str, Working]:
    a = M.ces([1] * 10 + [2] * 20 + [3] * 20 + [4] * 20 + [5] * 10 + [6] * 10 + [7] * 10)
    b = M.ces([1] * 25 + [2] * 25 + [3] * 20 + [4] * 10 + [5] * 10 + [6] * 5 + [7] * 5)
    better = "B" if b.mean < a.mean else "A"
    return better, {"a": a.mean, "b": b.mean, "better": better}


def _ltv_margin() -> tuple[float, Working]:
    v = M.ltv_margin_retention(600_000, 0.7, annual_churn=0.2)
    return v, {"value": v}


def _ltv_purchases() -> tuple[float, Working]:
    v = M.ltv_purchases(8_000, 15)
    return v, {"value": v}


def _ltv_gross() -> tuple[float, Working]:
    v = M.ltv_gross_profit(50_000_000, 30_000_000, 400)
    return v, {"value": v}


def _roi() -> tuple[float, Working]:
    r = M.crm_roi(75_000, 12_000)
    return r.roi_pct, {"work": f"(75,000 − 12,000) ÷ 12,000 × 100 = {r.roi_pct:.0f}%"}


def _break_even() -> tuple[float, Working]:
    r = M.crm_roi(1_000, 1_000)
    return r.roi_pct, {"value": r.roi_pct}


def _payback() -> tuple[float, Working]:
    r = M.crm_roi(1_800_000, 1_200_000, months=12)
    assert r.payback_months is not None
    return r.payback_months, {"work": f"1,200,000 ÷ (1,800,000 ÷ 12) = {r.payback_months:.1f}"}


def _health_band() -> tuple[str, Working]:
    cfg = M.load_health_config()
    return "red", {"red": cfg.red_below, "green": cfg.green_from}


EXERCISES: dict[str, Exercise] = {e.id: e for e in [
    Exercise("churn", "retention", "%", _churn, tolerance=0.05),
    Exercise("upsell", "retention", "%", _upsell, tolerance=0.05),
    Exercise("nrr", "retention", "%", _nrr, tolerance=0.05),
    Exercise("nps", "loyalty", "pt", _nps, tolerance=0.5),
    Exercise("nps_margin", "loyalty", "pt", _nps_margin, tolerance=0.05),
    Exercise("csat", "loyalty", "%", _csat, tolerance=0.05),
    Exercise("nrs", "loyalty", "pt", _nrs, tolerance=0.5),
    Exercise("dwb", "loyalty", "%", _dwb, tolerance=0.05),
    Exercise("ces", "loyalty", "choice", _ces, choices=("A", "B")),
    Exercise("ltv_margin", "ltv", "yen", _ltv_margin, tolerance=0.5),
    Exercise("ltv_purchases", "ltv", "yen", _ltv_purchases, tolerance=0.5),
    Exercise("ltv_gross", "ltv", "yen", _ltv_gross, tolerance=0.5),
    Exercise("roi", "crm", "%", _roi, tolerance=0.5),
    Exercise("break_even", "crm", "%", _break_even, tolerance=0.5),
    Exercise("payback", "crm", "months", _payback, tolerance=0.05),
    Exercise("health_band", "health", "choice", _health_band, choices=("red", "yellow", "green")),
]}


@lru_cache(maxsize=1)
def _choice_label(choice: str, lang: str) -> str:
    words = labels(lang)["exercises"]["choice_words"].get(choice)
    return words[0] if words else choice


def _choice_words() -> dict[str, str]:
    """Words accepted for a choice, case-folded (``exercises.choice_words``), to the choice."""
    return {word.casefold(): choice for choice in labels("en")["exercises"]["choice_words"]
            for word in variants(f"exercises.choice_words.{choice}")}


@lru_cache(maxsize=1)
def _unit_suffix() -> re.Pattern[str]:
    """A unit typed after a number: ``%`` or a unit word in either language (``exercises.units``)."""
    words = sorted(("%", *variants("exercises.units")), key=len, reverse=True)
    return re.compile(r"\s*(" + "|".join(map(re.escape, words)) + r")$", re.IGNORECASE)


def exercise(exercise_id: str) -> Exercise:
    """The exercise ``exercise_id`` (an unknown id is an :class:`~csmaturity.errors.ArgumentError`
    listing the known ones)."""
    check_argument(exercise_id in EXERCISES, "exercise_id",
                   f"unknown exercise {exercise_id!r}; known: {sorted(EXERCISES)}")
    return EXERCISES[exercise_id]


def _number(answer: Any) -> float | None:
    if isinstance(answer, bool):
        return None
    if isinstance(answer, (int, float)):
        return float(answer) if math.isfinite(answer) else None
    typed = _unit_suffix().sub("", unicodedata.normalize("NFKC", str(answer)).strip())
    parsed = parse_amount(typed)
    return None if parsed is None else parsed.value


def check(exercise_id: str, answer: Any) -> Feedback:
    """Is ``answer`` right for exercise ``exercise_id``? Says why, in both languages."""
    ex = exercise(exercise_id)
    expected, working = ex.solve()

    def verdict(correct: bool, key: str, **values: Any) -> Feedback:
        return Feedback(correct=correct, verdict=key, expected=expected, exercise_id=ex.id, working=working,
                        values=values)

    if ex.unit == "choice":
        given = unicodedata.normalize("NFKC", str(answer)).strip()
        given = _choice_words().get(given.casefold(), given)
        matches = [c for c in ex.choices if c.casefold() == given.casefold()]
        if not matches:
            return verdict(False, "choose", choices=ex.choices)
        ok = matches[0] == expected
    else:
        value = _number(answer)
        if value is None:
            return verdict(False, "not_a_number", answer=answer)
        ok = abs(value - expected) <= ex.tolerance + 1e-9
        if not ok and ex.unit == "%" and abs(value * 100 - expected) <= ex.tolerance + 1e-9:
            return verdict(False, "fraction", value=value)
    return verdict(True, "correct") if ok else verdict(False, "wrong")
