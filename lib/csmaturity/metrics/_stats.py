"""Small normal-approximation helpers shared by the metric modules (no scipy needed)."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import numpy as np

from csmaturity.errors import check_argument

__all__ = ["z_for", "two_sided_p", "wilson_interval", "z_test", "check_probability", "plain"]


def check_probability(value: float, name: str) -> float:
    """A confidence level or alpha must lie strictly between 0 and 1."""
    check_argument(0.0 < value < 1.0, name, f"{name} must be between 0 and 1 (exclusive), got {value!r}")
    return value


def z_for(confidence: float) -> float:
    """Two-sided critical value: 1.959964 (≈ 1.96) for 95 % confidence."""
    check_probability(confidence, "confidence")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


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


def z_test(difference: float, std_error: float) -> tuple[float, float]:
    """``(z, two-sided p)`` for ``difference / std_error``.

    With a zero standard error (e.g. both samples 100 % promoters) there is no sampling
    noise: an exact tie gives z = 0, p = 1; any difference gives z = ±inf, p = 0.
    """
    if std_error > 0:
        z = difference / std_error
        return z, two_sided_p(z)
    if difference == 0:
        return 0.0, 1.0
    return math.copysign(math.inf, difference), 0.0


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
