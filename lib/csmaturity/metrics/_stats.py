"""Interval and test helpers shared by the metric modules.

Normal-theory pieces (critical values, Wilson and adjusted-Wald intervals, z-tests) need
only the standard library; Student's t and the exact permutation test use scipy, imported
when first needed (``scipy.stats`` takes a second to import, and most calls never need it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

import numpy as np

from csmaturity.errors import check_argument

__all__ = [
    "z_for", "t_for", "two_sided_p", "wilson_interval", "net_score_interval", "z_test", "welch_test",
    "permutation_test", "check_probability", "plain",
]


def check_probability(value: float, name: str) -> float:
    """A confidence level or alpha must lie strictly between 0 and 1."""
    check_argument(0.0 < value < 1.0, name, f"{name} must be between 0 and 1 (exclusive), got {value!r}")
    return value


def z_for(confidence: float) -> float:
    """Two-sided critical value: 1.959964 (≈ 1.96) for 95 % confidence."""
    check_probability(confidence, "confidence")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def t_for(confidence: float, df: float) -> float:
    """Two-sided critical value of Student's t with ``df`` degrees of freedom (2.776 at
    95 % and df = 4)."""
    from scipy.special import stdtrit

    check_probability(confidence, "confidence")
    return float(stdtrit(df, 0.5 + confidence / 2.0))


def two_sided_p(z: float) -> float:
    """P(|Z| ≥ |z|) for a standard normal Z, i.e. ``erfc(|z| / √2)``."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def wilson_interval(successes: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval of a proportion.

    centre = (p̂ + z²/2n) / (1 + z²/n),
    half-width = z·√(p̂(1−p̂)/n + z²/4n²) / (1 + z²/n).
    Unlike p̂ ± z·√(p̂(1−p̂)/n) it stays inside [0, 1] and is not empty at p̂ = 0 or 1.
    """
    p = successes / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


#: Interval methods of a net score (NPS, NRS): ids stored in the results.
NET_SCORE_INTERVALS = ("adjusted_wald", "wald")


def net_score_interval(positive: int, negative: int, n: int, z: float,
                       method: str = "adjusted_wald") -> tuple[float, float, float]:
    """``(half-width, low, high)`` of a net score (% positive − % negative), in points.

    ``"wald"``: ``d̂ ± z √((p₊ + p₋ − d̂²) / n)`` with the observed shares; it collapses to
    a point when every answer is in one category and covers poorly at small n.
    ``"adjusted_wald"`` (Rocks, *The American Statistician* 70(2), 2016): the same formula
    after adding ¾ to the positive and to the negative count and 3 to n, which keeps
    coverage near nominal from n ≈ 5 (0.919 at n = 5 with 90 % / 2 %, where Wald gives
    0.40). The interval is clipped to [−100, 100] and, with a single answer (the only
    case where the shrunken centre can leave it out), widened to include the observed score.
    """
    check_argument(method in NET_SCORE_INTERVALS, "interval",
                   f"interval must be one of {', '.join(NET_SCORE_INTERVALS)}, got {method!r}")
    extra_each, extra_n = (0.75, 3) if method == "adjusted_wald" else (0.0, 0)
    m = n + extra_n
    p_pos, p_neg = (positive + extra_each) / m, (negative + extra_each) / m
    centre = p_pos - p_neg
    half = z * math.sqrt(max(0.0, (p_pos + p_neg - centre**2) / m))
    observed = (positive - negative) / n
    low = max(-1.0, min(centre - half, observed))
    high = min(1.0, max(centre + half, observed))
    return 100.0 * half, 100.0 * low, 100.0 * high


def z_test(difference: float, std_error: float) -> tuple[float, float]:
    """``(z, two-sided p)`` for ``difference / std_error``.

    A zero standard error is only passed here with a zero difference (callers fall back
    to the pooled variance, which is positive whenever the samples differ): z = 0, p = 1.
    """
    if std_error > 0:
        z = difference / std_error
        return z, two_sided_p(z)
    check_argument(difference == 0, "std_error", "a difference with no standard error has no z-test")
    return 0.0, 1.0


def welch_test(mean_a: float, var_a: float, n_a: int, mean_b: float, var_b: float,
               n_b: int) -> tuple[float, float, float, float]:
    """Welch's unequal-variance t-test of ``mean_b − mean_a``: ``(se, t, df, p)``.

    ``se = √(s_a²/n_a + s_b²/n_b)``; Welch–Satterthwaite
    ``df = se⁴ / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1))``; two-sided p from t(df).
    Needs n ≥ 2 in each group and se > 0 (the caller checks).
    """
    from scipy.special import stdtr

    va, vb = var_a / n_a, var_b / n_b
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (n_a - 1) + vb**2 / (n_b - 1))
    t = (mean_b - mean_a) / se
    return se, t, df, float(2.0 * stdtr(df, -abs(t)))


def permutation_test(counts_a: Sequence[int], counts_b: Sequence[int], scores: Sequence[float]) -> float:
    """Exact two-sided permutation p-value of the difference in mean score between two groups.

    The answers are categories (e.g. detractor / passive / promoter) with a score each
    (−100, 0, 100 for NPS). Under the null hypothesis every split of the pooled answers
    into groups of sizes n_a and n_b is equally likely, so group A's category counts
    follow the multivariate hypergeometric distribution
    ``P(c) = Π_k C(N_k, c_k) / C(N, n_a)``. The p-value is the probability of a
    difference at least as far from 0 as the observed one. The test holds its level at
    any sample size, and a sample with no spread never makes p = 0.

    The enumeration covers every vector ``c`` with ``Σ c_k = n_a``: at most
    ``(n_a + 1)^(k−1)`` of them, so callers keep ``n_a`` or ``k`` small.
    """
    from scipy.special import gammaln

    a = np.asarray(counts_a, dtype=np.int64)
    b = np.asarray(counts_b, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    total = a + b
    n_a, n_b = int(a.sum()), int(b.sum())
    n = n_a + n_b
    sum_total = float(total @ s)

    def difference(sum_a: np.ndarray | float) -> np.ndarray | float:
        return (sum_total - sum_a) / n_b - sum_a / n_a

    observed = abs(float(difference(float(a @ s))))
    # Partial assignments: answers placed in A so far, their score sum and log-probability.
    used = np.zeros(1, dtype=np.int64)
    score_sum = np.zeros(1)
    log_p = np.zeros(1)
    for k in range(len(s)):
        last = k == len(s) - 1
        c = np.arange(min(int(total[k]), n_a) + 1)
        log_choose = gammaln(total[k] + 1) - gammaln(c + 1) - gammaln(total[k] - c + 1)
        new_used = used[:, None] + c[None, :]
        keep = (new_used == n_a) if last else (new_used <= n_a)
        rows, cols = np.nonzero(keep)
        used = new_used[rows, cols]
        score_sum = score_sum[rows] + c[cols] * s[k]
        log_p = log_p[rows] + log_choose[cols]
    log_p -= gammaln(n + 1) - gammaln(n_a + 1) - gammaln(n_b + 1)
    extreme = np.abs(difference(score_sum)) >= observed - 1e-9 * max(1.0, float(np.abs(s).max()))
    return float(min(1.0, np.exp(log_p[extreme]).sum()))


def plain(value: Any) -> Any:
    """Convert numpy scalars and tuples to JSON-friendly Python values."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value
