"""Loyalty survey metrics: NPS, NRS, CSAT, CES, DWB, the NPS × NRS matrix and tests.

Every function takes the raw answers of one question (a pandas Series, numpy array or
list). Blanks are excluded and counted (``n_blank``); anything else that is not an
integer on the question's scale raises :class:`~csmaturity.errors.DataError` naming the
column and spreadsheet rows (header = row 1; see :mod:`csmaturity.io.columns`).
Strings are NFKC-normalised first, so a full-width ``"９"`` counts as 9.

Shares are fractions in [0, 1]; net scores (NPS, NRS) are points in [−100, 100].
The counting is one ``numpy.bincount`` over the validated integer codes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from csmaturity.errors import DataError, Problem, check_argument
from csmaturity.io.columns import ScaleColumn, coerce_scale, fail, parse_scale, source_of
from csmaturity.metrics._result import MetricResult
from csmaturity.metrics._stats import (
    check_probability,
    plain,
    wilson_interval,
    z_for,
    z_test,
)

__all__ = [
    "NPS_CATEGORIES",
    "NRS_CATEGORIES",
    "NpsResult",
    "NrsResult",
    "TopBoxResult",
    "CesResult",
    "NpsNrsMatrix",
    "Comparison",
    "nps",
    "nrs",
    "csat",
    "dwb",
    "ces",
    "top_box",
    "nps_category",
    "nrs_category",
    "nps_nrs_matrix",
    "compare",
]

NPS_CATEGORIES = ("detractor", "passive", "promoter")
NRS_CATEGORIES = ("at_risk", "neutral", "repeater")

Answers = ArrayLike | pd.Series


@dataclass(frozen=True, kw_only=True)
class NpsResult(MetricResult):
    """Net Promoter Score of 0–10 answers.

    Attributes
    ----------
    n_valid, n_blank
        Answers used and blank answers left out.
    promoters, passives, detractors
        Counts of 9–10, 7–8 and 0–6 answers.
    share_promoters, share_passives, share_detractors
        The same as fractions of ``n_valid`` (they sum to 1).
    score
        ``100 · (share_promoters − share_detractors)``, in [−100, 100].
    std_error
        ``100 · √var`` with ``var = (p_P + p_D − (p_P − p_D)²) / n``.
    margin_of_error, ci_low, ci_high
        ``z · std_error`` (z = 1.96 at 95 %) and the interval, clipped to [−100, 100].
    confidence
        Confidence level of the interval.
    counts
        Answers per scale point 0, 1, …, 10.
    """

    n_valid: int
    n_blank: int
    promoters: int
    passives: int
    detractors: int
    share_promoters: float
    share_passives: float
    share_detractors: float
    score: float
    std_error: float
    margin_of_error: float
    ci_low: float
    ci_high: float
    confidence: float
    counts: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class NrsResult(MetricResult):
    """Net Repeater Score of 1–5 "still using it in a year?" answers.

    Attributes
    ----------
    n_valid, n_blank
        Answers used and blank answers left out.
    repeaters, neutrals, at_risk
        Counts of 5, 4 and 1–3 answers.
    share_repeaters, share_neutrals, share_at_risk
        The same as fractions of ``n_valid``.
    score
        ``100 · (share_repeaters − share_at_risk)``, in [−100, 100].
    std_error, margin_of_error, ci_low, ci_high, confidence
        As for :class:`NpsResult`, with repeaters in place of promoters and at-risk
        customers in place of detractors.
    counts
        Answers per scale point 1, …, 5.
    """

    n_valid: int
    n_blank: int
    repeaters: int
    neutrals: int
    at_risk: int
    share_repeaters: float
    share_neutrals: float
    share_at_risk: float
    score: float
    std_error: float
    margin_of_error: float
    ci_low: float
    ci_high: float
    confidence: float
    counts: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class TopBoxResult(MetricResult):
    """Share of answers in the top box(es) of a rating scale, with a Wilson interval.

    Attributes
    ----------
    metric
        Label such as ``"CSAT"`` or ``"DWB"``.
    scale
        ``(lo, hi)`` of the rating scale.
    top_values
        Scale points counted as "top" (``(4, 5)`` for top-2-box of a 5-point scale).
    n_valid, n_blank
        Answers used and blank answers left out.
    n_top, share
        Answers in the top box(es) and ``n_top / n_valid``.
    ci_low, ci_high, confidence
        Wilson score interval of ``share``.
    counts
        Answers per scale point ``lo..hi``.
    """

    metric: str
    scale: tuple[int, int]
    top_values: tuple[int, ...]
    n_valid: int
    n_blank: int
    n_top: int
    share: float
    ci_low: float
    ci_high: float
    confidence: float
    counts: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class CesResult(MetricResult):
    """Customer Effort Score of 1–7 answers.

    Attributes
    ----------
    n_valid, n_blank
        Answers used and blank answers left out.
    mean, std
        Mean answer and sample standard deviation (ddof = 1; 0 for a single answer).
    mean_ci_low, mean_ci_high
        ``mean ± z · std / √n`` (normal approximation).
    low_effort_values
        Scale points that mean "little effort".
    n_low_effort, share_low_effort
        Answers on those points and their share of ``n_valid``.
    share_ci_low, share_ci_high
        Wilson interval of ``share_low_effort``.
    confidence
        Confidence level of both intervals.
    counts
        Answers per scale point 1, …, 7.
    """

    n_valid: int
    n_blank: int
    mean: float
    std: float
    mean_ci_low: float
    mean_ci_high: float
    low_effort_values: tuple[int, ...]
    n_low_effort: int
    share_low_effort: float
    share_ci_low: float
    share_ci_high: float
    confidence: float
    counts: tuple[int, ...]


def _answers(values: Answers, lo: int, hi: int, name: str | None, file: str | None,
             metric: str) -> ScaleColumn:
    """Validated answers; a question nobody answered is an error, not a NaN."""
    column = coerce_scale(values, lo, hi, name, file)
    if column.valid_codes.size == 0:
        label = name or getattr(values, "name", None) or metric
        raise DataError([Problem(source_of(values, file), f"column '{label}'",
                      f"no {metric} answers to compute from "
                      f"({column.n_blank} blank, 0 valid)")])
    return column


def _net_score(positive: int, negative: int, n: int, z: float) -> tuple[float, float, float, float, float]:
    """Score, std error, margin and interval of a net score (% positive − % negative).

    score = 100 (p₊ − p₋); var = (p₊ + p₋ − (p₊ − p₋)²) / n; se = 100 √var.
    """
    p_pos, p_neg = positive / n, negative / n
    score = 100.0 * (positive - negative) / n
    variance = max(0.0, (p_pos + p_neg - (p_pos - p_neg) ** 2) / n)
    std_error = 100.0 * math.sqrt(variance)
    margin = z * std_error
    return score, std_error, margin, max(-100.0, score - margin), min(100.0, score + margin)


def nps(answers: Answers, *, confidence: float = 0.95, name: str | None = None,
        file: str | None = None) -> NpsResult:
    """Net Promoter Score of "how likely are you to recommend us?" answers (0–10).

    Formula
    -------
    detractors 0–6, passives 7–8, promoters 9–10;
    ``NPS = 100 · (P − D) / n`` where n counts valid (non-blank) answers.
    Sampling variance of the NPS as a fraction:
    ``var = (p_P + p_D − (p_P − p_D)²) / n``; margin of error
    ``= z · √var · 100`` with z = 1.96 at 95 % confidence.

    Parameters
    ----------
    answers
        Raw 0–10 answers. Blanks are excluded and counted; ``"９"`` is read as 9.
    confidence
        Confidence level of the interval (default 0.95).
    name, file
        Column and file named in error messages (defaults: Series name, attrs source).

    Returns
    -------
    NpsResult

    Raises
    ------
    DataError
        Answers that are not whole numbers 0–10 (e.g. 11, −1, 7.5, "abc"), with their
        rows; or no valid answer at all.

    Examples
    --------
    >>> nps([10, 9, 9, 8, 7, 6, 3, 10, 5, 0]).score  # 4 promoters, 4 detractors
    0.0
    """
    z = z_for(confidence)
    column = _answers(answers, 0, 10, name, file, "NPS")
    counts = column.counts()
    n = int(counts.sum())
    detractors, passives, promoters = int(counts[:7].sum()), int(counts[7:9].sum()), int(counts[9:].sum())
    score, se, margin, low, high = _net_score(promoters, detractors, n, z)
    return NpsResult(
        n_valid=n, n_blank=column.n_blank,
        promoters=promoters, passives=passives, detractors=detractors,
        share_promoters=promoters / n, share_passives=passives / n, share_detractors=detractors / n,
        score=score, std_error=se, margin_of_error=margin, ci_low=low, ci_high=high,
        confidence=confidence, counts=tuple(int(c) for c in counts),
    )


def nrs(answers: Answers, *, confidence: float = 0.95, name: str | None = None,
        file: str | None = None) -> NrsResult:
    """Net Repeater Score of "will you still be using it in a year?" answers (1–5).

    Formula
    -------
    5 = repeater, 4 = neutral, 1–3 = at risk; ``NRS = 100 · (R − A) / n``.
    Variance, margin and interval as for :func:`nps`:
    ``var = (p_R + p_A − (p_R − p_A)²) / n``; margin ``= z · √var · 100``.

    Parameters
    ----------
    answers
        Raw 1–5 answers; blanks are excluded and counted.
    confidence, name, file
        As for :func:`nps`.

    Returns
    -------
    NrsResult

    Raises
    ------
    DataError
        Answers that are not whole numbers 1–5, with their rows; or no valid answer.
    """
    z = z_for(confidence)
    column = _answers(answers, 1, 5, name, file, "NRS")
    counts = column.counts()
    n = int(counts.sum())
    at_risk, neutrals, repeaters = int(counts[:3].sum()), int(counts[3]), int(counts[4])
    score, se, margin, low, high = _net_score(repeaters, at_risk, n, z)
    return NrsResult(
        n_valid=n, n_blank=column.n_blank,
        repeaters=repeaters, neutrals=neutrals, at_risk=at_risk,
        share_repeaters=repeaters / n, share_neutrals=neutrals / n, share_at_risk=at_risk / n,
        score=score, std_error=se, margin_of_error=margin, ci_low=low, ci_high=high,
        confidence=confidence, counts=tuple(int(c) for c in counts),
    )


def top_box(answers: Answers, lo: int, hi: int, top: Sequence[int], *, metric: str = "top-box",
            confidence: float = 0.95, name: str | None = None,
            file: str | None = None) -> TopBoxResult:
    """Share of answers on the ``top`` scale points, with a Wilson interval.

    Formula
    -------
    ``share = n_top / n`` (n = valid answers); Wilson interval
    ``(p̂ + z²/2n ± z √(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)``.

    Parameters
    ----------
    answers
        Raw answers on the integer scale ``lo..hi``; blanks excluded and counted.
    lo, hi
        Inclusive bounds of the scale.
    top
        Scale points counted as top box, e.g. ``(4, 5)`` (TOP2 of 5) or ``(5,)`` (TOP1).
    metric
        Label stored in the result (``"CSAT"``, ``"DWB"``…).
    confidence, name, file
        As for :func:`nps`.

    Returns
    -------
    TopBoxResult

    Raises
    ------
    DataError
        Answers off the scale (with rows), or no valid answer.
    ValueError
        ``top`` is empty or holds points off the scale (a programming error).
    """
    top_values = tuple(sorted({int(t) for t in top}))
    check_argument(bool(top_values) and top_values[0] >= lo and top_values[-1] <= hi, "top",
                   f"top box {top!r} must be non-empty points of the scale {lo}–{hi}")
    z = z_for(confidence)
    column = _answers(answers, lo, hi, name, file, metric)
    counts = column.counts()
    n = int(counts.sum())
    n_top = int(sum(counts[t - lo] for t in top_values))
    low, high = wilson_interval(n_top, n, z)
    return TopBoxResult(
        metric=metric, scale=(lo, hi), top_values=top_values, n_valid=n, n_blank=column.n_blank,
        n_top=n_top, share=n_top / n, ci_low=low, ci_high=high, confidence=confidence,
        counts=tuple(int(c) for c in counts),
    )


def csat(answers: Answers, *, top: Sequence[int] = (4, 5), confidence: float = 0.95,
         name: str | None = None, file: str | None = None) -> TopBoxResult:
    """Customer satisfaction: top-2-box share of 5-point answers.

    Formula
    -------
    ``CSAT = #answers in {4, 5} / #valid answers`` (pass ``top=(5,)`` for top-box);
    Wilson interval as in :func:`top_box`.

    Parameters
    ----------
    answers
        Raw 1–5 answers (5 = very satisfied); blanks excluded and counted.
    top, confidence, name, file
        See :func:`top_box`.
    """
    return top_box(answers, 1, 5, top, metric="CSAT", confidence=confidence, name=name, file=file)


def dwb(answers: Answers, *, confidence: float = 0.95, name: str | None = None,
        file: str | None = None) -> TopBoxResult:
    """Definitely Would Buy: top-box share of 5-point purchase-intent answers.

    Formula
    -------
    ``DWB = #answers of 5 ("definitely would buy") / #valid answers``; Wilson interval.

    Parameters
    ----------
    answers
        Raw 1–5 answers; blanks excluded and counted.
    confidence, name, file
        See :func:`top_box`.
    """
    return top_box(answers, 1, 5, (5,), metric="DWB", confidence=confidence, name=name, file=file)


def ces(answers: Answers, *, low_effort: Sequence[int] = (1, 2, 3), confidence: float = 0.95,
        name: str | None = None, file: str | None = None) -> CesResult:
    """Customer Effort Score of 7-point answers: mean and share of low effort.

    The kit's survey asks how much effort the customer had to make, 1 = very little,
    7 = a great deal, so low effort is the bottom three points (below the neutral 4)
    and a *lower* mean is better. For the "the company made it easy" wording (7 = easy)
    pass ``low_effort=(5, 6, 7)``.

    Formula
    -------
    ``mean = Σx / n``; ``std = √(Σ(x − mean)² / (n − 1))``;
    mean interval ``mean ± z · std / √n``;
    ``share_low_effort = #answers in low_effort / n`` with a Wilson interval.

    Parameters
    ----------
    answers
        Raw 1–7 answers; blanks excluded and counted.
    low_effort
        Scale points meaning little effort.
    confidence, name, file
        See :func:`nps`.

    Returns
    -------
    CesResult
    """
    low_values = tuple(sorted({int(v) for v in low_effort}))
    check_argument(bool(low_values) and low_values[0] >= 1 and low_values[-1] <= 7, "low_effort",
                   f"low_effort {low_effort!r} must be non-empty points of the scale 1–7")
    z = z_for(confidence)
    column = _answers(answers, 1, 7, name, file, "CES")
    counts = column.counts().astype(np.float64)
    points = np.arange(1, 8, dtype=np.float64)
    n = int(counts.sum())
    mean = float(counts @ points / n)
    std = math.sqrt(float(counts @ (points - mean) ** 2) / (n - 1)) if n > 1 else 0.0
    half = z * std / math.sqrt(n)
    n_low = int(sum(counts[v - 1] for v in low_values))
    share_low, share_high = wilson_interval(n_low, n, z)
    return CesResult(
        n_valid=n, n_blank=column.n_blank, mean=mean, std=std,
        mean_ci_low=mean - half, mean_ci_high=mean + half,
        low_effort_values=low_values, n_low_effort=n_low, share_low_effort=n_low / n,
        share_ci_low=share_low, share_ci_high=share_high, confidence=confidence,
        counts=tuple(int(c) for c in counts),
    )


def _categories(column: ScaleColumn, edges: Sequence[int], labels: Sequence[str]) -> pd.Categorical:
    """Label each answer by the bin it falls in; blanks become missing."""
    codes = np.searchsorted(np.asarray(edges), column.codes, side="right").astype(np.int64)
    if column.blank is not None:
        codes[column.blank] = -1
    return pd.Categorical.from_codes(codes, categories=list(labels), ordered=True)


def _index_of(values: Answers) -> pd.Index | None:
    return values.index if isinstance(values, pd.Series) else None


def nps_category(answers: Answers, *, name: str | None = None, file: str | None = None) -> pd.Series:
    """Label 0–10 answers detractor (0–6) / passive (7–8) / promoter (9–10).

    Returns an ordered categorical Series aligned with the input; blanks stay missing.
    Raises DataError as :func:`nps` does for invalid answers.
    """
    column = coerce_scale(answers, 0, 10, name, file)
    return pd.Series(_categories(column, (7, 9), NPS_CATEGORIES), index=_index_of(answers),
                     name="nps_category")


def nrs_category(answers: Answers, *, name: str | None = None, file: str | None = None) -> pd.Series:
    """Label 1–5 answers at_risk (1–3) / neutral (4) / repeater (5); blanks stay missing."""
    column = coerce_scale(answers, 1, 5, name, file)
    return pd.Series(_categories(column, (4, 5), NRS_CATEGORIES), index=_index_of(answers),
                     name="nrs_category")


@dataclass(frozen=True, eq=False, kw_only=True)
class NpsNrsMatrix(MetricResult):
    """Customers in each cell of NPS category × NRS category.

    What customers *say* (recommendation, NPS) against what they *intend to do*
    (stay, NRS). Two off-diagonal groups are named:

    ``stays_without_recommending``
        detractors or passives who are repeaters: they recommend little but intend to
        stay, i.e. psychologically low, behaviourally loyal (lock-in, habit).
    ``recommends_but_may_leave``
        promoters who are at risk: they would recommend but may not renew.

    Attributes
    ----------
    table
        Tidy frame, one row per cell (9 rows): ``nps_category``, ``nrs_category``,
        ``count``, ``share`` (of ``n_pairs``), ``group`` (a name above or ``""``).
    n_pairs
        Respondents with both answers.
    n_excluded
        Respondents left out because one of the two answers is blank.
    stays_without_recommending, recommends_but_may_leave
        Counts of the two named groups.
    share_stays_without_recommending, share_recommends_but_may_leave
        Their shares of ``n_pairs``.
    """

    table: pd.DataFrame
    n_pairs: int
    n_excluded: int
    stays_without_recommending: int
    recommends_but_may_leave: int
    share_stays_without_recommending: float
    share_recommends_but_may_leave: float

    def crosstab(self, values: str = "count") -> pd.DataFrame:
        """3 × 3 view: NPS categories as rows, NRS categories as columns."""
        return self.table.pivot(index="nps_category", columns="nrs_category", values=values).loc[
            list(NPS_CATEGORIES), list(NRS_CATEGORIES)
        ]

    def to_dict(self) -> dict[str, Any]:
        summary = {k: plain(v) for k, v in vars(self).items() if k != "table"}
        summary["cells"] = [{k: plain(v) for k, v in row.items()}
                            for row in self.table.to_dict(orient="records")]
        return summary


def _group(nps_cat: str, nrs_cat: str) -> str:
    if nrs_cat == "repeater" and nps_cat in ("detractor", "passive"):
        return "stays_without_recommending"
    if nrs_cat == "at_risk" and nps_cat == "promoter":
        return "recommends_but_may_leave"
    return ""


def nps_nrs_matrix(nps_answers: Answers, nrs_answers: Answers, *,
                   file: str | None = None) -> NpsNrsMatrix:
    """Cross NPS categories with NRS categories, respondent by respondent.

    Formula
    -------
    ``count[i, j] = #respondents with NPS category i and NRS category j``;
    ``share[i, j] = count[i, j] / n_pairs``, where ``n_pairs`` counts respondents
    who answered both questions (the others are counted in ``n_excluded``).

    Parameters
    ----------
    nps_answers, nrs_answers
        Paired raw answers (0–10 and 1–5) of the same respondents, same length and,
        for two Series, the same index.
    file
        File named in error messages.

    Returns
    -------
    NpsNrsMatrix

    Raises
    ------
    DataError
        Invalid answers in either column (all listed at once), or no respondent
        with both answers.
    ValueError
        The two inputs are not paired (different length or index).
    """
    check_argument(len(nps_answers) == len(nrs_answers), "nps_answers, nrs_answers",  # type: ignore[arg-type]
                   f"NPS and NRS answers must be paired: {len(nps_answers)} vs {len(nrs_answers)} values")  # type: ignore[arg-type]
    check_argument(not (isinstance(nps_answers, pd.Series) and isinstance(nrs_answers, pd.Series))
                   or nps_answers.index.equals(nrs_answers.index), "nps_answers, nrs_answers",
                   "NPS and NRS Series have different indexes: align them first")
    nps_col, nps_problems = parse_scale(nps_answers, 0, 10, None, file)
    nrs_col, nrs_problems = parse_scale(nrs_answers, 1, 5, None, file)
    fail(nps_problems + nrs_problems)
    nps_codes = np.searchsorted([7, 9], nps_col.codes, side="right")
    nrs_codes = np.searchsorted([4, 5], nrs_col.codes, side="right")
    both = np.ones(len(nps_codes), dtype=bool)
    for blank in (nps_col.blank, nrs_col.blank):
        if blank is not None:
            both &= ~blank
    n_pairs = int(both.sum())
    if n_pairs == 0:
        raise DataError([Problem(source_of(nps_answers, file), "NPS × NRS",
                      "no respondent answered both questions")])
    cells = np.bincount(nps_codes[both] * 3 + nrs_codes[both], minlength=9).reshape(3, 3)
    rows = [
        {"nps_category": nps_cat, "nrs_category": nrs_cat, "count": int(cells[i, j]),
         "share": cells[i, j] / n_pairs, "group": _group(nps_cat, nrs_cat)}
        for i, nps_cat in enumerate(NPS_CATEGORIES)
        for j, nrs_cat in enumerate(NRS_CATEGORIES)
    ]
    table = pd.DataFrame(rows)
    stays = int(table.loc[table.group == "stays_without_recommending", "count"].sum())
    leaves = int(table.loc[table.group == "recommends_but_may_leave", "count"].sum())
    return NpsNrsMatrix(
        table=table, n_pairs=n_pairs, n_excluded=len(nps_codes) - n_pairs,
        stays_without_recommending=stays, recommends_but_may_leave=leaves,
        share_stays_without_recommending=stays / n_pairs,
        share_recommends_but_may_leave=leaves / n_pairs,
    )


Result = NpsResult | NrsResult | TopBoxResult | CesResult


@dataclass(frozen=True, kw_only=True)
class Comparison(MetricResult):
    """A test of whether two results differ (``difference = value_b − value_a``).

    Attributes
    ----------
    metric, method
        What was compared and how (e.g. ``"NPS"``, ``"z-test, NPS variance"``).
    value_a, value_b, difference
        The two values and ``b − a`` in the metric's own unit (NPS points, share…).
    std_error
        Standard error of the difference.
    z, p_value
        Test statistic and two-sided p-value.
    alpha, significant
        Significance level and whether ``p_value < alpha``.
    n_a, n_b
        Valid answers behind each value.
    """

    metric: str
    method: str
    value_a: float
    value_b: float
    difference: float
    std_error: float
    z: float
    p_value: float
    alpha: float
    significant: bool
    n_a: int
    n_b: int


def compare(a: Result, b: Result, *, alpha: float = 0.05) -> Comparison:
    """Test whether two results of the same metric differ (e.g. last year vs this year).

    ``difference = b − a``: pass the earlier year or the reference segment as ``a``.

    Formula
    -------
    NPS / NRS (net scores, in points):
        ``se = √(se_a² + se_b²)`` with each ``se = 100 √((p₊ + p₋ − (p₊ − p₋)²) / n)``;
        ``z = (score_b − score_a) / se``.
    Top-box shares (CSAT, DWB…), two-proportion z-test with a pooled share:
        ``p = (x_a + x_b) / (n_a + n_b)``; ``se = √(p (1 − p) (1/n_a + 1/n_b))``;
        ``z = (share_b − share_a) / se``.
    CES means (large-sample z-test, unequal variances):
        ``se = √(std_a²/n_a + std_b²/n_b)``; ``z = (mean_b − mean_a) / se``.
    In every case ``p_value = 2 (1 − Φ(|z|))`` and ``significant = p_value < alpha``.

    Parameters
    ----------
    a, b
        Results of the same kind (two :class:`NpsResult`, two :class:`TopBoxResult`
        with the same scale and top box, …).
    alpha
        Significance level (default 0.05).

    Returns
    -------
    Comparison

    Raises
    ------
    TypeError
        The results are of different kinds.
    """
    check_probability(alpha, "alpha")
    if type(a) is not type(b):
        raise TypeError(f"cannot compare {type(a).__name__} with {type(b).__name__}")
    if isinstance(a, (NpsResult, NrsResult)):
        assert isinstance(b, (NpsResult, NrsResult))
        metric = "NPS" if isinstance(a, NpsResult) else "NRS"
        value_a, value_b = a.score, b.score
        std_error = math.hypot(a.std_error, b.std_error)
        method = f"z-test on the difference, {metric} variances summed"
    elif isinstance(a, TopBoxResult):
        assert isinstance(b, TopBoxResult)
        if (a.scale, a.top_values) != (b.scale, b.top_values):
            raise TypeError("top-box results use different scales or top boxes")
        metric, value_a, value_b = a.metric, a.share, b.share
        pooled = (a.n_top + b.n_top) / (a.n_valid + b.n_valid)
        std_error = math.sqrt(pooled * (1 - pooled) * (1 / a.n_valid + 1 / b.n_valid))
        method = "two-proportion z-test (pooled)"
    elif isinstance(a, CesResult):
        assert isinstance(b, CesResult)
        metric, value_a, value_b = "CES", a.mean, b.mean
        std_error = math.sqrt(a.std**2 / a.n_valid + b.std**2 / b.n_valid)
        method = "z-test on the difference of means"
    else:
        raise TypeError(f"cannot compare results of type {type(a).__name__}")
    difference = value_b - value_a
    z, p_value = z_test(difference, std_error)
    return Comparison(
        metric=metric, method=method, value_a=value_a, value_b=value_b, difference=difference,
        std_error=std_error, z=z, p_value=p_value, alpha=alpha, significant=p_value < alpha,
        n_a=a.n_valid, n_b=b.n_valid,
    )
