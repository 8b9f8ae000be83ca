"""Number formats shared by the HTML template (as Jinja filters), the workbook and the
verdict text, and scores on the model's score scale."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..i18n import labels, text

if TYPE_CHECKING:
    from ..model import ScoreScale

__all__ = ["missing", "fmt_number", "fmt_percent", "fmt_signed", "fmt_compact", "fmt_money", "fmt_indicative",
           "fmt_ratio", "fmt_score", "fmt_bound", "scale_words"]


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


def fmt_money(value: Any, currency: str, lang: str = "en", *, digits: bool = False) -> str:
    """An amount for reading with its currency: ``¥1.06B`` or ``$1.06M`` in English, the
    Japanese units with the currency's name after the amount in Japanese
    (``format.currency.<code>`` of the text store, else the code beside the amount);
    '—' when missing. ``digits`` writes English amounts in full (``¥2,000,000,000``),
    as a box a person edits shows them."""
    if missing(value):
        return "—"
    known = labels(lang)["format"]["currency"]
    template = known.get(currency) or labels(lang)["format"]["currency_other"]
    amount = f"{value:,.0f}" if digits and lang != "ja" else fmt_compact(value, lang)
    return template.format(amount=amount, code=currency)


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


def fmt_score(value: Any, scale: ScoreScale) -> str:
    """A score on the model's scale with its decimals (``63``, ``2.8``); '—' for a
    dimension without a score (no known answer, left out of the overall)."""
    return "—" if missing(value) else scale.format(value)


def fmt_bound(value: float) -> str:
    """A threshold or an end of the scale as the model writes it (``25``, ``2.5``)."""
    return f"{value:g}"


def scale_words(scale: ScoreScale, lang: str, *, short: bool = False) -> str:
    """What a score is out of: ``out of 100`` on a scale starting at 0, else ``on a scale
    of 1 to 4``; ``short``: `` / 100`` or `` (1-4)`` after a figure."""
    key = ("short_" if short else "") + ("out_of" if scale.min == 0 else "range")
    return text(f"scale.{key}", lang, min=fmt_bound(scale.min), max=fmt_bound(scale.max))
