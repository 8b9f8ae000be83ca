"""Turn raw answer columns into clean numbers, or say exactly what is wrong and where.

Conventions shared by every metric and by :mod:`csmaturity.io.readers`:

Blanks
    ``None``, ``NaN``, ``pd.NA``/``NaT`` and strings that are empty once stripped are
    *blank*: excluded from every statistic and counted (``n_blank``), never read as 0.
Text
    Strings are NFKC-normalised before parsing, so a full-width ``"９"`` typed in a
    Japanese spreadsheet means 9 and ``"７．０"`` means 7. ``"9.0"`` is accepted as the
    integer 9; ``"7.5"`` is not.
Row numbers
    Problems name rows as a spreadsheet user sees them: the header is row 1, so the
    first data row is row 2. For a pandas Series with an integer index (the
    ``RangeIndex`` that :func:`csmaturity.io.readers.read_table` returns, or any subset of
    it) the row is ``index label + 2``, which stays right after filtering. For any
    other input (arrays, lists, Series indexed by account id) the row is
    ``position + 2``.
File names
    A Series taken from a table read by :mod:`csmaturity.io.readers` carries its file
    name in ``attrs["source"]``; problems then name that file instead of ``<memory>``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from csmaturity.errors import DataError, Problem, check_argument, display_path
from csmaturity.i18n import LANGUAGES, labels, variants

__all__ = [
    "DateOrder",
    "ScaleColumn",
    "coerce_scale",
    "parse_scale",
    "parse_numbers",
    "TypedNumber",
    "parse_amount",
    "numeric_column",
    "date_column",
    "parse_dates",
    "parse_flags",
    "require_columns",
    "row_numbers",
    "rows_text",
    "source_of",
    "is_blank",
    "normalize_text",
    "fail",
]

MAX_LISTED = 8  # rows/values quoted in one message; the rest are counted
THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
# A plain decimal number in ASCII digits: no exponent ("1e1"), no digit-group
# underscores ("1_0"), which float() would take and a spreadsheet user never means.
PLAIN_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$", re.ASCII)
# Digits a Japanese or English spreadsheet holds: ASCII and full-width. Other scripts'
# digits (٧, ७) and enclosed ones (⑦) would silently become numbers after NFKC or float().
_TYPED_DIGITS = frozenset("0123456789０１２３４５６７８９")


def _plain_number(text: str) -> float | None:
    """``text`` as a float when it is a plain decimal number (ASCII or full-width digits,
    optional sign and thousands separators), else None."""
    # ASCII holds no digits but 0-9: only other text is looked at character by character.
    if not text.isascii() and any(unicodedata.category(c) == "Nd" or unicodedata.numeric(c, None) is not None
                                  for c in text if c not in _TYPED_DIGITS):
        return None
    text = normalize_text(text)
    if "," in text and THOUSANDS.match(text):
        text = text.replace(",", "")
    return float(text) if PLAIN_NUMBER.match(text) else None


@dataclass(frozen=True)
class TypedNumber:
    """A number as a person typed it: its ``value`` (``7`` for ``"7%"``) and whether it
    was written as a percentage."""

    value: float
    percent: bool = False


@lru_cache(maxsize=1)
def _amount_words() -> tuple[tuple[str, ...], tuple[str, ...], re.Pattern[str], dict[str, float]]:
    """Currency signs typed before an amount and words after it (both taken from the
    store's ``format.currency`` templates: ``¥``, ``$`` and the Japanese yen and dollar
    words ...), and the multiplier units of ``format.band_units`` (the Japanese 10^8 and
    10^4 signs, ``M``, ``K`` ...) with a
    pattern of one ``number unit`` pair."""
    templates = [t for lang in LANGUAGES for t in labels(lang)["format"]["currency"].values()]
    before = {t.split("{amount}")[0].strip() for t in templates} - {""}
    after = {t.split("{amount}")[1].strip() for t in templates} - {""}
    units = {unit: float(size) for lang in LANGUAGES for unit, size in labels(lang)["format"]["band_units"]}
    longest = lambda words: tuple(sorted(words, key=len, reverse=True))  # noqa: E731
    alternatives = "|".join(map(re.escape, longest(units)))
    return longest(before), longest(after), re.compile(rf"([0-9.,]+)({alternatives})"), units


def parse_amount(typed: Any) -> TypedNumber | None:
    """A number typed into a box the way people write it, or None when it is not one.

    Accepts full-width digits and signs (``７％``), thousands separators (``2,100,000``),
    a currency sign or word of the text store (``¥2,100,000``, ``$12,000``, the Japanese
    yen sign after the number), the multiplier units of ``format.band_units`` alone or in
    sequence (210 with the Japanese ten-thousand sign is 2,100,000; ``2.5M``; 10^8 then
    10^4 units in one number) and a trailing ``%`` (value as typed, flagged
    :attr:`TypedNumber.percent`). Exponents (``1e6``), other scripts' digits and words
    are refused.
    """
    if isinstance(typed, (bool, np.bool_)):
        return None
    if isinstance(typed, (int, float, np.integer, np.floating)):
        return TypedNumber(float(typed)) if math.isfinite(typed) else None
    text = normalize_text(str(typed)).replace(" ", "").replace("\u2212", "-")
    sign = -1.0 if text.startswith("-") else 1.0
    text = text.removeprefix("-") if sign < 0 else text.removeprefix("+")
    before, after, pair, units = _amount_words()
    text = next((text[len(w):] for w in before if text.startswith(w)), text)
    percent = text.endswith("%")
    text = text.removesuffix("%")
    text = next((text[: -len(w)] for w in after if text.endswith(w)), text)
    total, pos, last_size = 0.0, 0, math.inf
    while (found := pair.match(text, pos)) is not None:
        number, size = _plain_number(found.group(1)), units[found.group(2)]
        if number is None or size >= last_size:  # units from the largest down
            return None
        total, pos, last_size = total + number * size, found.end(), size
    rest = text[pos:]
    if rest:
        number = _plain_number(rest)
        if number is None or (pos and number >= last_size):
            return None
        total += number
    elif not pos:
        return None
    return TypedNumber(sign * total, percent)


@dataclass(frozen=True, eq=False, kw_only=True)
class ScaleColumn:
    """Answers on an integer scale, aligned with the input positions.

    ``codes`` holds one integer per input position; where ``blank`` is True the code is
    a placeholder (``lo``) and must be ignored. ``blank`` is None when nothing is blank,
    so the common all-valid case costs no mask.
    """

    codes: NDArray[np.integer]
    blank: NDArray[np.bool_] | None
    lo: int
    hi: int

    def __post_init__(self) -> None:
        # Counted once: counts() and every result need it.
        object.__setattr__(self, "_n_blank", 0 if self.blank is None else int(self.blank.sum()))

    @property
    def n_blank(self) -> int:
        return self._n_blank  # type: ignore[attr-defined]

    @property
    def valid_codes(self) -> NDArray[np.integer]:
        """The non-blank answers only."""
        return self.codes if self.blank is None else self.codes[~self.blank]

    def counts(self) -> NDArray[np.int64]:
        """How many answers fall on each scale point ``lo..hi`` (blanks excluded)."""
        codes = self.codes
        if codes.dtype == np.uint64:  # bincount refuses uint64 -> int64 casting
            codes = codes.astype(np.intp)
        # Codes lie in lo..hi, so slicing beats shifting a large array; blanks hold the
        # placeholder lo, so they are taken off the first bin rather than masked out.
        counts = np.bincount(codes, minlength=self.hi + 1)[self.lo :]
        counts[0] -= self.n_blank
        return counts


def normalize_text(text: str) -> str:
    """NFKC-normalise (full-width digits, letters and spaces become ASCII) and strip."""
    return text.strip() if text.isascii() else unicodedata.normalize("NFKC", text).strip()  # ASCII is NFKC


def is_blank(value: Any) -> bool:
    """True for None, NaN, pd.NA, NaT and strings that are empty once stripped."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, str):
        return not normalize_text(value)
    if isinstance(value, (float, np.floating)):
        return math.isnan(value)
    return False


def source_of(values: Any, file: str | None) -> str:
    """The file name to put in problems: explicit ``file``, else ``attrs['source']``."""
    if file is not None:
        return display_path(file)
    attrs = getattr(values, "attrs", None)
    if isinstance(attrs, dict) and attrs.get("source"):
        return str(attrs["source"])
    return display_path(None)


def row_numbers(values: Any, positions: NDArray[np.intp]) -> NDArray[np.int64]:
    """Spreadsheet row numbers (header = row 1) of the given positions; see module doc."""
    if isinstance(values, (pd.Series, pd.DataFrame)) and pd.api.types.is_integer_dtype(
        values.index.dtype
    ):
        return values.index.to_numpy()[positions].astype(np.int64) + 2
    return np.asarray(positions, dtype=np.int64) + 2


def rows_text(rows: Sequence[int] | NDArray[np.int64]) -> str:
    """``"rows 3, 7, 12"`` with at most MAX_LISTED numbers and a count of the rest."""
    rows = [int(r) for r in rows]
    head = ", ".join(str(r) for r in rows[:MAX_LISTED])
    more = f" (+{len(rows) - MAX_LISTED} more)" if len(rows) > MAX_LISTED else ""
    return f"row{'s' if len(rows) > 1 else ''} {head}{more}"


def _found_text(raw: Sequence[Any], rows: Sequence[int]) -> str:
    pairs = [f"{value!r} (row {row})" for value, row in zip(raw[:MAX_LISTED], rows, strict=False)]
    more = f", … {len(raw) - MAX_LISTED} more" if len(raw) > MAX_LISTED else ""
    return ", ".join(pairs) + more


def fail(problems: Iterable[Problem]) -> None:
    """Raise one DataError carrying every error-severity problem, if there is any."""
    problems = list(problems)
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)


def _name_of(values: Any, name: str | None) -> str:
    if name is not None:
        return name
    series_name = getattr(values, "name", None)
    return str(series_name) if series_name is not None else "values"


def _to_float_array(values: Any) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[Any]]:
    """Parse anything array-like into floats.

    Returns ``(numbers, bad, raw)``: ``numbers`` is NaN where blank or unparseable, ``bad``
    marks unparseable non-blank entries (text such as ``"abc"``, booleans, objects), and
    ``raw`` is the original object array for quoting offending values.
    """
    raw = np.asarray(values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values,
                     dtype=object).ravel()
    numbers = np.full(raw.shape, np.nan)
    bad = np.zeros(raw.shape, dtype=bool)
    for i, value in enumerate(raw):
        if is_blank(value):
            continue
        if isinstance(value, str):
            # Thousands separators as Excel exports them ("1,200,000"), never decimal commas.
            parsed = _plain_number(value)
            if parsed is None:
                bad[i] = True
                continue
            number = parsed
        elif isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
            bad[i] = True
            continue
        else:
            number = float(value)
        if math.isfinite(number):
            numbers[i] = number
        else:
            bad[i] = True
    return numbers, bad, raw


def _numeric_view(values: Any) -> tuple[NDArray[Any], bool]:
    """``values`` as a flat numpy array, and whether it is a (blank-free) integer array.

    Nullable numeric columns come back as floats with NaN for blanks; text, mixed and
    boolean input comes back as an object array for element-wise parsing (so are
    integers too large for int64, which then fail as out of range). A table of several
    columns is refused rather than flattened into one.
    """
    if isinstance(values, pd.Series):
        dtype = values.dtype
        if isinstance(dtype, pd.api.extensions.ExtensionDtype):
            if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
                return values.to_numpy(dtype="float64", na_value=np.nan), False
            return values.to_numpy(dtype=object), False
        array = values.to_numpy()
    elif isinstance(values, np.ndarray):
        array = values
    else:
        array = np.asarray(values if isinstance(values, (list, tuple)) else list(values), dtype=object)
        _one_column(array)
        if array.size and all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
                              for v in array):
            try:
                array = array.astype(np.int64)
            except OverflowError:
                pass  # beyond int64: parsed one by one and reported out of range
    _one_column(array)
    return array.ravel(), array.dtype.kind in "iu"


def _one_column(array: NDArray[Any]) -> None:
    check_argument(array.ndim <= 1, "values",
                   f"expected one column of values, got an array of shape {array.shape}: pass one column")


def parse_scale(
    values: ArrayLike | pd.Series, lo: int, hi: int, name: str | None = None, file: str | None = None
) -> tuple[ScaleColumn, list[Problem]]:
    """Like :func:`coerce_scale` but returns the problems instead of raising."""
    name = _name_of(values, name)
    array, is_integer = _numeric_view(values)
    if is_integer:
        # Hot path: an integer array has no blanks, so a min/max check validates it.
        if array.size == 0 or (array.min() >= lo and array.max() <= hi):
            return ScaleColumn(codes=array, blank=None, lo=lo, hi=hi), []
        numbers = array.astype(np.float64)
        bad_type = np.zeros(array.shape, dtype=bool)
        raw = array.astype(object)
    elif array.dtype.kind == "f":
        # Fast path for a clean float column (blanks as NaN): fill blanks with lo, cast
        # once, then min/max and one equality check. Any fault falls through to the
        # slow path below, which works out what is wrong and where.
        nan = np.isnan(array)
        has_blank = bool(nan.any())
        filled = np.where(nan, lo, array) if has_blank else array
        with np.errstate(invalid="ignore"):
            codes = filled.astype(np.intp)
        if codes.size == 0 or (codes.min() >= lo and codes.max() <= hi and np.array_equal(codes, filled)):
            return ScaleColumn(codes=codes, blank=nan if has_blank else None, lo=lo, hi=hi), []
        numbers = array.astype(np.float64, copy=False)
        bad_type = np.isinf(numbers)
        raw = array.astype(object)  # Python floats quote as 7.5, not np.float64(7.5)
        numbers = np.where(bad_type, np.nan, numbers)
    else:
        numbers, bad_type, raw = _to_float_array(array)
    blank = np.isnan(numbers) & ~bad_type
    valid = ~np.isnan(numbers)
    not_integer = valid & (numbers != np.rint(numbers))
    out_of_range = valid & ~not_integer & ((numbers < lo) | (numbers > hi))

    file_name = source_of(values, file)
    expected = f"expected an integer from {lo} to {hi} (or a blank)"
    problems = []
    for mask, what in (
        (bad_type, "found values that are not numbers"),
        (not_integer, "found numbers that are not whole"),
        (out_of_range, f"found values outside {lo}–{hi}"),
    ):
        if mask.any():
            problems.append(_mask_problem(values, raw, mask, file_name, name, expected, what))
    codes = np.where(valid & ~not_integer & ~out_of_range, numbers, lo).astype(np.intp)
    return ScaleColumn(codes=codes, blank=blank if blank.any() else None, lo=lo, hi=hi), problems


def coerce_scale(
    values: ArrayLike | pd.Series, lo: int, hi: int, name: str | None = None, file: str | None = None
) -> ScaleColumn:
    """Validate answers on an integer scale ``lo..hi``; blanks are kept aside and counted.

    Parameters
    ----------
    values
        Raw answers: a pandas Series, numpy array or any sequence. Strings are
        NFKC-normalised, so ``"９"`` is 9.
    lo, hi
        Inclusive bounds of the scale (0 and 10 for NPS).
    name
        Column name used in error messages (defaults to the Series name).
    file
        File name used in error messages (defaults to ``attrs["source"]`` or ``<memory>``).

    Returns
    -------
    ScaleColumn
        Integer codes aligned with the input and the mask of blanks.

    Raises
    ------
    DataError
        Listing, per kind of fault (not a number, not whole, out of range), the
        spreadsheet rows and offending values; see the module doc for row numbering.
    """
    column, problems = parse_scale(values, lo, hi, name, file)
    fail(problems)
    return column


def parse_numbers(
    values: ArrayLike | pd.Series,
    name: str | None = None,
    file: str | None = None,
    *,
    lo: float | None = None,
    hi: float | None = None,
    integer: bool = False,
    allow_blank: bool = True,
) -> tuple[NDArray[np.float64], list[Problem]]:
    """Parse a numeric column to floats (NaN = blank) and list what is wrong with it."""
    name = _name_of(values, name)
    array, _ = _numeric_view(values)
    if array.dtype.kind in "iuf":
        numbers = array.astype(np.float64)
        bad_type = np.isinf(numbers)
        numbers[bad_type] = np.nan
        raw = array.astype(object)
    else:
        numbers, bad_type, raw = _to_float_array(array)
    valid = ~np.isnan(numbers)
    blank = ~valid & ~bad_type
    not_integer = valid & (numbers != np.rint(numbers)) if integer else np.zeros_like(valid)
    too_low = valid & (numbers < lo) if lo is not None else np.zeros_like(valid)
    too_high = valid & (numbers > hi) if hi is not None else np.zeros_like(valid)

    kind = "a whole number" if integer else "a number"
    bounds = (
        f" from {lo:g} to {hi:g}" if lo is not None and hi is not None
        else f" ≥ {lo:g}" if lo is not None
        else f" ≤ {hi:g}" if hi is not None
        else ""
    )
    expected = f"expected {kind}{bounds}" + (" (or a blank)" if allow_blank else "")
    file_name = source_of(values, file)
    problems = []
    checks = [
        (bad_type, "found values that are not numbers"),
        (not_integer, "found numbers that are not whole"),
        (too_low | too_high, "found values out of range"),
    ]
    if not allow_blank:
        checks.append((blank, "found blanks"))
    for mask, what in checks:
        if mask.any():
            problems.append(_mask_problem(values, raw, mask, file_name, name, expected, what))
    numbers[too_low | too_high | not_integer] = np.nan
    return numbers, problems


def numeric_column(
    frame: pd.DataFrame,
    column: str,
    file: str | None = None,
    *,
    lo: float | None = None,
    hi: float | None = None,
    allow_blank: bool = True,
) -> NDArray[np.float64]:
    """One numeric column of a table as floats (NaN = blank); DataError if malformed."""
    numbers, problems = parse_numbers(
        frame[column], column, file or source_of(frame, None), lo=lo, hi=hi, allow_blank=allow_blank
    )
    fail(problems)
    return numbers


DateOrder = Literal["dmy", "mdy"]
# Day and month before a four-digit year: 31/12/2024 (day first) or 12/31/2024 (month first).
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?=$|[ T])(.*)$", re.ASCII)


def _day_month_order(text: list[Any], values: pd.Series, name: str, file: str,
                     date_order: DateOrder | None) -> tuple[list[Any], list[Problem]]:
    """Rewrite ``d/m/yyyy``-style dates to ISO in ONE order for the whole column.

    The order comes from ``date_order`` or from the column itself (a first number above
    12 means day first, a second one above 12 month first). A column that holds both is
    refused, and so is one where every such date could be either (01/02/2024), unless
    ``date_order`` says which: guessing per cell would read two rows in two orders.
    """
    found = [(i, m) for i, v in enumerate(text) if isinstance(v, str) and (m := _DAY_MONTH_YEAR.match(v))]
    if not found:
        return text, []
    day_first = [i for i, m in found if int(m[1]) > 12]
    month_first = [i for i, m in found if int(m[3]) > 12]
    order = date_order
    where = source_of(values, file)
    if order is None:
        if day_first and month_first:
            rows = row_numbers(values, np.array([day_first[0], month_first[0]]))
            return text, [Problem(where, f"column '{name}', {rows_text(rows)}",
                                  f"dates in two orders: {text[day_first[0]]!r} is day first, "
                                  f"{text[month_first[0]]!r} month first; write every date as 2024-12-31")]
        if not day_first and not month_first:
            rows = row_numbers(values, np.array([i for i, _ in found]))
            return text, [Problem(where, f"column '{name}', {rows_text(rows)}",
                                  f"ambiguous dates such as {text[found[0][0]]!r} (day or month first?); "
                                  "write them as 2024-02-01, or give the order (date_order='dmy' or 'mdy')")]
        order = "dmy" if day_first else "mdy"
    out = list(text)
    for i, m in found:
        day, month = (m[1], m[3]) if order == "dmy" else (m[3], m[1])
        out[i] = f"{m[4]}-{int(month):02d}-{int(day):02d}{m[5]}"
    return out, []


def parse_dates(
    values: pd.Series, name: str | None = None, file: str | None = None, *, date_order: DateOrder | None = None
) -> tuple[pd.Series, list[Problem]]:
    """Parse a date column (NaT = blank) and list the rows that are not dates.

    Accepts date/datetime objects (as Excel cells arrive) and text such as
    ``2024-04-01``, ``2024/4/1`` or ``2024-04-01 09:30``. Bare numbers are refused rather
    than guessed (an Excel serial number or a Unix time would silently become 1970).
    Day-month-year text (``31/12/2024``) is read in one order per column: the order
    ``date_order`` names, else the one the column shows; see :func:`_day_month_order`.
    """
    name = _name_of(values, name)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values, []
    raw = values.to_numpy(dtype=object)
    text = [
        None if is_blank(v) else normalize_text(v) if isinstance(v, str) else v
        for v in raw
    ]
    text, order_problems = _day_month_order(text, values, name, file, date_order)
    if order_problems:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]"), order_problems
    is_date_like = np.array(
        [v is None or isinstance(v, (str, dt.date, np.datetime64)) for v in text], dtype=bool
    )
    candidates = pd.Series([v if ok else None for v, ok in zip(text, is_date_like, strict=True)],
                           index=values.index, dtype=object)
    parsed = pd.to_datetime(candidates, errors="coerce", format="mixed")
    bad = (parsed.isna().to_numpy() & candidates.notna().to_numpy()) | ~is_date_like
    problems = []
    if bad.any():
        positions = np.flatnonzero(bad)
        rows = row_numbers(values, positions)
        problems.append(
            Problem(
                source_of(values, file),
                f"column '{name}', {rows_text(rows)}",
                "expected a date such as 2024-04-01 (or a blank); found "
                + _found_text(list(raw[positions]), list(rows)),
            )
        )
    return parsed, problems


def date_column(frame: pd.DataFrame, column: str, file: str | None = None, *,
                date_order: DateOrder | None = None) -> pd.Series:
    """One date column as ``datetime64`` (NaT = blank); DataError naming bad rows."""
    parsed, problems = parse_dates(frame[column], column, file or source_of(frame, None), date_order=date_order)
    fail(problems)
    return parsed


@lru_cache(maxsize=1)
def _flag_words() -> tuple[frozenset[str], frozenset[str]]:
    """Cell texts read as true and as false: 1/0 and the words of ``flags`` in the text store."""
    words = [frozenset({digit, *(w.casefold() for w in variants(f"flags.{flag}"))})
             for digit, flag in (("1", "true"), ("0", "false"))]
    return words[0], words[1]


def parse_flags(
    values: pd.Series, name: str | None = None, file: str | None = None
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], list[Problem]]:
    """Parse a yes/no column: true/false, 1/0, yes/no in English or Japanese (any case).

    Returns ``(flags, blank, problems)``; ``flags`` is False where blank.
    """
    name = _name_of(values, name)
    true_words, false_words = _flag_words()
    raw = values.to_numpy(dtype=object)
    flags = np.zeros(len(raw), dtype=bool)
    blank = np.zeros(len(raw), dtype=bool)
    bad = []
    for i, value in enumerate(raw):
        if is_blank(value):
            blank[i] = True
            continue
        if isinstance(value, (bool, np.bool_)):
            flags[i] = bool(value)
            continue
        if isinstance(value, (int, float, np.number)) and float(value).is_integer():
            text = str(int(value))
        else:
            text = normalize_text(str(value)).casefold()
        if text in true_words:
            flags[i] = True
        elif text not in false_words:
            bad.append(i)
    problems = []
    if bad:
        positions = np.asarray(bad)
        rows = row_numbers(values, positions)
        problems.append(Problem(source_of(values, file), f"column '{name}', {rows_text(rows)}",
                                "expected true/false, 1/0 or yes/no (or a blank); found "
                                + _found_text(list(raw[positions]), list(rows))))
    return flags, blank, problems


def require_columns(frame: pd.DataFrame, columns: Iterable[str], file: str | None = None,
                    *, purpose: str = "") -> None:
    """DataError listing every missing column (and what the table does have)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns)) or "none"
        raise DataError([
            Problem(source_of(frame, file), f"column '{c}'",
                    f"required column is missing{' for ' + purpose if purpose else ''}; "
                    f"columns present: {have}")
            for c in missing
        ])


def _mask_problem(
    values: Any, raw: np.ndarray, mask: np.ndarray, file_name: str, name: str, expected: str, what: str
) -> Problem:
    """One problem naming the column and the rows where ``mask`` is set, with the values found."""
    positions = np.flatnonzero(mask)
    rows = row_numbers(values, positions)
    return Problem(file_name, f"column '{name}', {rows_text(rows)}",
                   f"{expected}; {what}: {_found_text(list(raw[positions]), list(rows))}")
