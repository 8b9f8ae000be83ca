"""Number formats shared by the HTML template (as Jinja filters) and the verdict text."""

from __future__ import annotations

import math
from typing import Any

from ..i18n import labels

__all__ = ["missing", "fmt_number", "fmt_percent", "fmt_signed", "fmt_compact", "fmt_indicative", "fmt_ratio"]


def missing(value: Any) -> bool:
    """None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value: Any, digits: int = 0) -> str:
    """1,234 / 12.3 / −4 (a typographic minus); '—' for a missing value."""
    return "—" if missing(value) else f"{value:,.{digits}f}".replace("-", "−")


def fmt_percent(value: Any, digits: int = 0) -> str:
    """A fraction as a percentage; '—' for a missing value."""
    return "—" if missing(value) else f"{value:.{digits}%}"


def fmt_signed(value: Any, digits: int = 0) -> str:
    """+5 / −5 (a typographic minus); '—' for a missing value."""
    if missing(value):
        return "—"
    return f"{value:+,.{digits}f}".replace("-", "−")


def fmt_compact(value: Any, lang: str = "en") -> str:
    """Large amounts for reading, not for sums, with the units of ``lang`` (English counts
    in thousands: 4.38B; Japanese in ten thousands, ``format.compact_units`` of the text
    store); '—' when missing."""
    if missing(value):
        return "—"
    for size, suffix in labels(lang)["format"]["compact_units"]:
        if abs(value) >= size:
            return f"{value / size:,.3g}{suffix}" if value / size < 1000 else f"{value / size:,.0f}{suffix}"
    return f"{value:,.0f}"


def fmt_indicative(value: Any) -> str:
    """An indicative probability: bounded at '>99%' / '<1%', since 100% would overstate it."""
    if missing(value):
        return "—"
    return ">99%" if value > 0.99 else "<1%" if value < 0.01 else f"{value:.0%}"


def fmt_ratio(value: Any) -> str:
    """A likelihood ratio: three significant digits, whole numbers from 1,000."""
    if missing(value):
        return "—"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
