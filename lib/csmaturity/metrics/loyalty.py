"""Loyalty survey metrics: NPS, NRS, CSAT, CES, DWB, the NPS × NRS matrix and tests.

Every function takes the raw answers of one question (a pandas Series, numpy array or
list). Blanks are excluded and counted (``n_blank``); anything else that is not an
integer on the question's scale raises :class:`~csmaturity.errors.DataError` naming the
column and spreadsheet rows (header = row 1; see :mod:`csmaturity.io.columns`).
Strings are NFKC-normalised first, so a full-width ``"９"`` counts as 9.

Shares are fractions in [0, 1]; net scores (NPS, NRS) are points in [−100, 100].
The counting is one ``numpy.bincount`` over the validated integer codes.

Every result names the method of its interval (``interval_method``): the adjusted Wald
interval for the net scores (Rocks 2016), Wilson's for top-box shares and Student's t
for the CES mean. :func:`compare` uses an exact permutation test when either sample is
small and a large-sample test otherwise, and says which in ``method``.
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
    net_score_interval,
    permutation_test,
    plain,
    t_for,
    welch_test,
    wilson_interval,
    z_for,
    z_test,
)

__all__ = [
    "NPS_CATEGORIES",
    "NRS_CATEGORIES",
    "EXACT_BELOW",
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

#: :func:`compare` tests exactly (permutation) when either sample has fewer answers.
#: Above it the large-sample z-test holds its level within about half a point (its
#: exact type-I error at α = 0.05 is 5.6 % at n = 50 per group, 12 % at n = 5).
EXACT_BELOW = 50


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
        ``100 · √var`` with ``var = (p_P + p_D − (p_P − p_D)²) / n`` (the sample
        standard error of the score).
    margin_of_error, ci_low, ci_high
        Half-width of the interval and its bounds, clipped to [−100, 100]. With the
        default adjusted Wald interval the half-width is ``z · √var′`` of the adjusted
        shares (see :func:`nps`) and the interval is centred on the adjusted score, so
        it is not symmetric about ``score``; with ``"wald"`` it is ``z · std_error``.
    confidence
        Confidence level of the interval.
    interval_method
        ``"adjusted_wald"`` (default) or ``"wald"``.
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
    interval_method: str
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
    std_error, margin_of_error, ci_low, ci_high, confidence, interval_method
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
    interval_method: str
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
    interval_method
        ``"wilson"``.
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
    interval_method: str = "wilson"


@dataclass(frozen=True, kw_only=True)
class CesResult(MetricResult):
    """Customer Effort Score of 1–7 answers.

    Attributes
    ----------
    n_valid, n_blank
        Answers used and blank answers left out.
    mean, std
        Mean answer and sample standard deviation (ddof = 1; NaN for a single answer,
        whose spread is unknown).
    mean_ci_low, mean_ci_high
        ``mean ± t(n − 1) · std / √n`` (Student's t), clipped to the 1–7 scale; with a
        single answer, the whole scale.
    low_effort_values
        Scale points that mean "little effort".
    n_low_effort, share_low_effort
        Answers on those points and their share of ``n_valid``.
    share_ci_low, share_ci_high
        Wilson interval of ``share_low_effort``.
    confidence
        Confidence level of both intervals.
    interval_method
        ``"t"`` (the mean's interval; the share's is Wilson's).
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
    interval_method: str = "t"


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


def _net_score(positive: int, negative: int, n: int, z: float,
               interval: str) -> tuple[float, float, float, float, float]:
    """Score, std error, half-width and interval of a net score (% positive − % negative).

    score = 100 (p₊ − p₋); var = (p₊ + p₋ − (p₊ − p₋)²) / n; se = 100 √var; the
    interval by :func:`~csmaturity.metrics._stats.net_score_interval`.
    """
    p_pos, p_neg = positive / n, negative / n
    score = 100.0 * (positive - negative) / n
    variance = max(0.0, (p_pos + p_neg - (p_pos - p_neg) ** 2) / n)
    half, low, high = net_score_interval(positive, negative, n, z, interval)
    return score, 100.0 * math.sqrt(variance), half, low, high


def _scale_points(values: Sequence[Any], lo: int, hi: int, name: str, what: str) -> tuple[int, ...]:
    """Whole scale points ``lo..hi`` (4.7 is refused, not truncated to 4), sorted and unique."""
    points = []
    for value in values:
        whole = (isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))) or (
            isinstance(value, (float, np.floating)) and float(value).is_integer())
        check_argument(whole, name, f"{what} {tuple(values)!r} must hold whole points of the scale {lo}–{hi}, "
                                    f"got {value!r}")
        points.append(int(value))
    unique = tuple(sorted(set(points)))
    check_argument(bool(unique) and unique[0] >= lo and unique[-1] <= hi, name,
                   f"{what} {tuple(values)!r} must be non-empty points of the scale {lo}–{hi}")
    return unique


def nps(answers: Answers, *, confidence: float = 0.95, interval: str = "adjusted_wald",
        name: str | None = None, file: str | None = None) -> NpsResult:
    """Net Promoter Score of "how likely are you to recommend us?" answers (0–10).

    Formula
    -------
    detractors 0–6, passives 7–8, promoters 9–10;
    ``NPS = 100 · (P − D) / n`` where n counts valid (non-blank) answers.
    Sampling variance of the NPS as a fraction:
    ``var = (p_P + p_D − (p_P − p_D)²) / n``; ``std_error = 100 · √var``.

    Interval (``interval="adjusted_wald"``, the default; Rocks 2016): with
    ``n′ = n + 3``, ``p′_P = (P + ¾) / n′``, ``p′_D = (D + ¾) / n′`` and
    ``d′ = p′_P − p′_D``, ``100 · (d′ ± z · √((p′_P + p′_D − d′²) / n′))`` with
    z = 1.96 at 95 %, clipped to [−100, 100]. Its exact coverage at 90 % promoters
    and 2 % detractors is 0.919 at n = 5, 0.930 at n = 10 and 0.958 at n = 30; the
    plain Wald interval ``score ± z · std_error`` (``interval="wald"``) gives 0.40,
    0.65 and 0.84, and a single point when all answers fall in one category.

    Parameters
    ----------
    answers
        Raw 0–10 answers. Blanks are excluded and counted; ``"９"`` is read as 9.
    confidence
        Confidence level of the interval (default 0.95).
    interval
        ``"adjusted_wald"`` (default) or ``"wald"``.
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
    score, se, margin, low, high = _net_score(promoters, detractors, n, z, interval)
    return NpsResult(
        n_valid=n, n_blank=column.n_blank,
        promoters=promoters, passives=passives, detractors=detractors,
        share_promoters=promoters / n, share_passives=passives / n, share_detractors=detractors / n,
        score=score, std_error=se, margin_of_error=margin, ci_low=low, ci_high=high,
        confidence=confidence, interval_method=interval, counts=tuple(int(c) for c in counts),
    )


def nrs(answers: Answers, *, confidence: float = 0.95, interval: str = "adjusted_wald",
        name: str | None = None, file: str | None = None) -> NrsResult:
    """Net Repeater Score of "will you still be using it in a year?" answers (1–5).

    Formula
    -------
    5 = repeater, 4 = neutral, 1–3 = at risk; ``NRS = 100 · (R − A) / n``.
    Variance and interval as for :func:`nps`:
    ``var = (p_R + p_A − (p_R − p_A)²) / n``; the adjusted Wald interval adds ¾ to
    the repeaters and to the at-risk count and 3 to n.

    Parameters
    ----------
    answers
        Raw 1–5 answers; blanks are excluded and counted.
    confidence, interval, name, file
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
    score, se, margin, low, high = _net_score(repeaters, at_risk, n, z, interval)
    return NrsResult(
        n_valid=n, n_blank=column.n_blank,
        repeaters=repeaters, neutrals=neutrals, at_risk=at_risk,
        share_repeaters=repeaters / n, share_neutrals=neutrals / n, share_at_risk=at_risk / n,
        score=score, std_error=se, margin_of_error=margin, ci_low=low, ci_high=high,
        confidence=confidence, interval_method=interval, counts=tuple(int(c) for c in counts),
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
        ``top`` is empty or holds points that are not whole points of the scale
        (``4.7`` is refused, not read as 4).
    """
    top_values = _scale_points(top, lo, hi, "top", "top box")
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
    mean interval ``mean ± t(n − 1) · std / √n`` (Student's t with n − 1 degrees of
    freedom, 2.776 at 95 % and n = 5), clipped to the 1–7 scale; with one answer the
    spread is unknown (std NaN) and the interval is the whole scale;
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
    low_values = _scale_points(low_effort, 1, 7, "low_effort", "low_effort")
    z = z_for(confidence)
    column = _answers(answers, 1, 7, name, file, "CES")
    counts = column.counts().astype(np.float64)
    points = np.arange(1, 8, dtype=np.float64)
    n = int(counts.sum())
    mean = float(counts @ points / n)
    if n > 1:
        std = math.sqrt(float(counts @ (points - mean) ** 2) / (n - 1))
        half = t_for(confidence, n - 1) * std / math.sqrt(n)
        mean_low, mean_high = max(1.0, mean - half), min(7.0, mean + half)
    else:
        std, mean_low, mean_high = math.nan, 1.0, 7.0
    n_low = int(sum(counts[v - 1] for v in low_values))
    share_low, share_high = wilson_interval(n_low, n, z)
    return CesResult(
        n_valid=n, n_blank=column.n_blank, mean=mean, std=std,
        mean_ci_low=mean_low, mean_ci_high=mean_high,
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
        What was compared and how, in words (e.g. ``"NPS"``, ``"exact permutation
        test (n < 50)"``).
    test
        The test as an id: ``"permutation"``, ``"z"``, ``"z_pooled"`` or ``"welch"``.
    value_a, value_b, difference
        The two values and ``b − a`` in the metric's own unit (NPS points, share…).
    std_error
        Standard error of the difference used by the statistic (for the permutation
        test: under the null hypothesis, from the pooled answers).
    z, p_value
        Standardised difference (Welch: the t statistic) and the two-sided p-value;
        both always finite.
    df
        Welch's degrees of freedom (None for the other tests).
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
    test: str = "z"
    df: float | None = None


def _categories_of(result: Result) -> tuple[list[int], list[float]]:
    """Answer counts per category and the score each category adds to the metric."""
    if isinstance(result, NpsResult):
        return [result.detractors, result.passives, result.promoters], [-100.0, 0.0, 100.0]
    if isinstance(result, NrsResult):
        return [result.at_risk, result.neutrals, result.repeaters], [-100.0, 0.0, 100.0]
    if isinstance(result, TopBoxResult):
        return [result.n_valid - result.n_top, result.n_top], [0.0, 1.0]
    return list(result.counts), [float(v) for v in range(1, 8)]


def _pooled_std_error(a: Result, b: Result) -> float:
    """Standard error of the difference under the null hypothesis: the pooled answers'
    variance per answer (population form) × (1/n_a + 1/n_b). Positive whenever the two
    samples differ at all."""
    counts_a, scores = _categories_of(a)
    counts_b, _ = _categories_of(b)
    total = np.asarray(counts_a, dtype=float) + np.asarray(counts_b, dtype=float)
    s = np.asarray(scores)
    n = total.sum()
    mean = float(total @ s) / n
    variance = max(0.0, float(total @ (s - mean) ** 2) / n)
    return math.sqrt(variance * (1 / a.n_valid + 1 / b.n_valid))


def compare(a: Result, b: Result, *, alpha: float = 0.05, exact_below: int = EXACT_BELOW) -> Comparison:
    """Test whether two results of the same metric differ (e.g. last year vs this year).

    ``difference = b − a``: pass the earlier year or the reference segment as ``a``.

    Formula
    -------
    Small samples (NPS, NRS and top-box shares with fewer than ``exact_below``
    answers in either result): the **exact permutation test** — conditional on the
    pooled answers, every split into groups of n_a and n_b answers is equally likely;
    ``p`` is the probability of a difference at least as large as the one observed
    (Fisher's exact test for a share). It holds its level at any n: its type-I error
    at α = 0.05 and n = 5 per group is at most 5 %, where the z-test's reaches 12 %.
    ``z`` then reports ``difference / se₀`` with the pooled standard error se₀.

    Large samples:

    NPS / NRS (net scores, in points):
        ``se = √(se_a² + se_b²)`` with each ``se = 100 √((p₊ + p₋ − (p₊ − p₋)²) / n)``;
        ``z = (score_b − score_a) / se``. When both samples have no spread at all
        (se = 0), the pooled se₀ is used instead, so a zero variance never makes p = 0.
    Top-box shares (CSAT, DWB…), two-proportion z-test with a pooled share:
        ``p = (x_a + x_b) / (n_a + n_b)``; ``se = √(p (1 − p) (1/n_a + 1/n_b))``;
        ``z = (share_b − share_a) / se``.
    In these cases ``p_value = 2 (1 − Φ(|z|))``.

    CES means, at any n: **Welch's t-test**
        ``se = √(s_a²/n_a + s_b²/n_b)``; ``t = (mean_b − mean_a) / se`` with
        Welch–Satterthwaite degrees of freedom. With a single answer in a group or no
        spread in either, Welch is undefined and the exact permutation test is used.

    ``significant = p_value < alpha``.

    Parameters
    ----------
    a, b
        Results of the same kind (two :class:`NpsResult`, two :class:`TopBoxResult`
        with the same scale and top box, …).
    alpha
        Significance level (default 0.05).
    exact_below
        Sample size under which the exact test is used (default :data:`EXACT_BELOW`
        = 50; 0 never uses it for NPS, NRS and shares).

    Returns
    -------
    Comparison

    Raises
    ------
    TypeError
        The results are of different kinds.
    """
    check_probability(alpha, "alpha")
    check_argument(exact_below >= 0, "exact_below", f"exact_below must be ≥ 0, got {exact_below!r}")
    if type(a) is not type(b):
        raise TypeError(f"cannot compare {type(a).__name__} with {type(b).__name__}")
    df: float | None = None
    small = min(a.n_valid, b.n_valid) < exact_below
    if isinstance(a, (NpsResult, NrsResult)):
        assert isinstance(b, (NpsResult, NrsResult))
        metric = "NPS" if isinstance(a, NpsResult) else "NRS"
        value_a, value_b = a.score, b.score
        std_error = math.hypot(a.std_error, b.std_error)
        test, method = "z", f"z-test on the difference, {metric} variances summed"
        if std_error == 0:
            test = "z_pooled"
            method = f"z-test on the difference, pooled {metric} variance (no spread in either sample)"
    elif isinstance(a, TopBoxResult):
        assert isinstance(b, TopBoxResult)
        if (a.scale, a.top_values) != (b.scale, b.top_values):
            raise TypeError("top-box results use different scales or top boxes")
        metric, value_a, value_b = a.metric, a.share, b.share
        std_error = _pooled_std_error(a, b)
        test, method = "z_pooled", "two-proportion z-test (pooled)"
    elif isinstance(a, CesResult):
        assert isinstance(b, CesResult)
        metric, value_a, value_b = "CES", a.mean, b.mean
        welch = min(a.n_valid, b.n_valid) >= 2 and a.std**2 / a.n_valid + b.std**2 / b.n_valid > 0
        small = not welch
        if welch:
            std_error, t, df, p_value = welch_test(a.mean, a.std**2, a.n_valid, b.mean, b.std**2, b.n_valid)
            test, method = "welch", "Welch's t-test on the difference of means"
    else:
        raise TypeError(f"cannot compare results of type {type(a).__name__}")
    difference = value_b - value_a
    if small:
        std_error = _pooled_std_error(a, b)
        small_first = (a, b) if a.n_valid <= b.n_valid else (b, a)
        counts_small, scores = _categories_of(small_first[0])
        counts_large, _ = _categories_of(small_first[1])
        p_value = permutation_test(counts_small, counts_large, scores)
        t = difference / std_error if std_error > 0 else 0.0
        reason = f"n < {exact_below}" if metric != "CES" else "Welch's t undefined: one answer or no spread"
        test, method, df = "permutation", f"exact permutation test ({reason})", None
    elif test != "welch":
        if test == "z_pooled":
            std_error = _pooled_std_error(a, b)
        t, p_value = z_test(difference, std_error)
    return Comparison(
        metric=metric, method=method, test=test, value_a=value_a, value_b=value_b, difference=difference,
        std_error=std_error, z=t, p_value=p_value, df=df, alpha=alpha, significant=p_value < alpha,
        n_a=a.n_valid, n_b=b.n_valid,
    )
