"""Read accounts and survey tables from CSV or Excel as a consultant receives them.

* **Encodings** — CSV files are tried as UTF-8 (with or without BOM) and then as CP932,
  the Shift_JIS variant Japanese Excel writes, unless an encoding is given.
* **Text** — headers and text cells are NFKC-normalised and stripped, so full-width
  digits, letters and spaces (``"９"``, ``"ＡＲＲ"``, ``"　"``) become ASCII.
* **Headers** — each schema column accepts its own name and the headers listed for it,
  in Japanese and English, under ``headers.<table>.<column>`` of the text store
  (:mod:`csmaturity.i18n`). Matching ignores case, spaces/underscores/hyphens and a
  trailing unit in brackets (``ARR (USD)`` matches ``arr``). Unknown columns are kept as
  they are.
* **Validation** — missing required columns, blanks where a value is required,
  duplicate ids, values of the wrong type or out of range, an empty table, an
  undecodable file: every problem of the file is collected into one
  :class:`~csmaturity.errors.DataError` naming the file, column and row numbers.

Row numbers are those a spreadsheet shows: the header is row 1, the first data row is
row 2. The returned frame keeps a ``RangeIndex`` (row = index + 2) and carries the file
name in ``attrs["source"]`` (and the encoding used in ``attrs["encoding"]``), so metric
functions given one of its columns report the same file and rows.
"""

from __future__ import annotations

import io
import re
from dataclasses import KW_ONLY, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from csmaturity.errors import DataError, Problem, check_argument
from csmaturity.i18n import text, variants
from csmaturity.io.columns import (
    DateOrder,
    fail,
    is_blank,
    normalize_text,
    parse_dates,
    parse_flags,
    parse_numbers,
    rows_text,
)

__all__ = [
    "ColumnSpec",
    "TableSchema",
    "ACCOUNTS_SCHEMA",
    "SURVEY_SCHEMA",
    "SURVEY_ITEMS",
    "ENCODINGS",
    "read_table",
    "read_accounts",
    "read_survey",
]

Kind = Literal["str", "int", "float", "date", "bool"]

# Tried in order when no encoding is given; utf-8-sig also reads plain UTF-8.
ENCODINGS: tuple[tuple[str, str], ...] = (
    ("utf-8-sig", "UTF-8 with or without BOM"),
    ("cp932", "Shift_JIS as Japanese Excel writes it"),
)


#: Longer header cells are refused: no real header is this long, and every header is
#: compared with every alias of the schema.
MAX_HEADER_LENGTH = 200
_SEPARATORS = re.compile(r"[\s_\-]+")


def header_key(text: Any) -> str:
    """Comparison key of a header: NFKC, case-folded, separators unified, unit dropped.

    Linear in the header's length (no backtracking regular expression).
    """
    key = normalize_text(str(text)).casefold()
    if key.endswith((")", "]")):  # "arr (usd)" -> "arr"
        opener = max(key.rfind(c, 0, len(key) - 1) for c in "([")
        if opener >= 0 and not any(c in "()[]" for c in key[opener + 1 : -1]):
            key = key[:opener]
    return _SEPARATORS.sub("_", key).strip("_")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table schema.

    Attributes
    ----------
    name
        Canonical name used by the metrics (``account_id``).
    kind
        ``str``, ``int``, ``float``, ``date`` or ``bool``.
    aliases
        Other headers accepted for it, in every language.
    required
        The column must be present.
    nullable
        Blank cells are allowed (kept as missing values, never as 0).
    lo, hi
        Allowed range of numeric values (inclusive), if any.
    unique
        Values must not repeat (ids).
    description
        What the column holds, for documentation and messages.
    """

    name: str
    kind: Kind
    aliases: tuple[str, ...] = ()
    _: KW_ONLY
    required: bool = False
    nullable: bool = True
    lo: float | None = None
    hi: float | None = None
    unique: bool = False
    description: str = ""

    def headers(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class TableSchema:
    """The columns of one kind of table, declared once."""

    name: str
    columns: tuple[ColumnSpec, ...]

    def spec_for(self, header: Any) -> ColumnSpec | None:
        """The column a header stands for, or None for an unknown header."""
        key = header_key(header)
        for spec in self.columns:
            if any(header_key(h) == key for h in spec.headers()):
                return spec
        return None

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _headers(table: str, name: str) -> tuple[str, ...]:
    """The headers accepted for column ``name`` of ``table`` besides the name itself."""
    return variants(f"headers.{table}.{name}")


def _money(name: str, description: str, **kw: Any) -> ColumnSpec:
    return ColumnSpec(name, "float", _headers("accounts", name), lo=0, description=description, **kw)


def _count(name: str, description: str) -> ColumnSpec:
    return ColumnSpec(name, "int", _headers("accounts", name), lo=0, description=description)


def _column(table: str, name: str, kind: Kind, **kw: Any) -> ColumnSpec:
    return ColumnSpec(name, kind, _headers(table, name), **kw)


ACCOUNTS_SCHEMA = TableSchema(
    "accounts",
    (
        _column("accounts", "account_id", "str", required=True, nullable=False, unique=True, description="customer id"),
        _column("accounts", "company_name", "str", description="company name"),
        _money("arr", "ARR at the period start", required=True, nullable=False),
        _column("accounts", "plan", "str", description="price plan"),
        _column("accounts", "segment", "str", description="customer segment"),
        _column("accounts", "start_date", "date", required=True, nullable=False, description="first contract date"),
        _column("accounts", "renewal_date", "date", description="next renewal date"),
        _count("seats", "licensed users"),
        _count("active_users", "users active in the last 30 days"),
        _count("logins_30d", "logins in the last 30 days"),
        _column("accounts", "feature_adoption", "float", lo=0, hi=1, description="share of key features in use (0–1)"),
        _count("support_tickets_90d", "support tickets in the last 90 days"),
        _column("accounts", "last_nps", "int", lo=0, hi=10, description="latest 0–10 recommendation answer"),
        _column("accounts", "churned", "bool", description="churned (true/false)"),
        _column("accounts", "churn_date", "date", description="date the customer left"),
        _money("upsell_arr", "ARR added by upsell in the period"),
        _money("cross_sell_arr", "ARR added by cross-sell in the period"),
        _money("contraction_arr", "ARR lost to downgrades in the period"),
        _money("revenue_to_date", "revenue billed since the start"),
        _money("cost_of_sales_to_date", "cost of sales since the start"),
        _count("orders_to_date", "purchases (orders/invoices) since the start"),
    ),
)

#: Rated items of the relational survey; their names are ``survey.items.<id>`` of the
#: text store, and a header may be that name in either language or the id without ``item_``.
SURVEY_ITEMS = ("item_quotation", "item_procedures", "item_delivery", "item_quality", "item_support")


def _rating(name: str, hi: int, description: str) -> ColumnSpec:
    return ColumnSpec(name, "int", _headers("survey", name), lo=1, hi=hi, description=description)


def _item(name: str) -> ColumnSpec:
    headers = (*variants(f"survey.items.{name}"), name.removeprefix("item_"))
    return ColumnSpec(name, "int", headers, lo=1, hi=5,
                      description=f"1–5 rating of {text(f'survey.items.{name}', 'en').lower()}")


SURVEY_SCHEMA = TableSchema(
    "survey",
    (
        _column("survey", "response_id", "str", unique=True, description="answer id"),
        _column("survey", "account_id", "str", required=True, nullable=False,
                description="customer id (joins to accounts)"),
        _column("survey", "survey_year", "int", lo=1990, hi=2100, description="survey wave"),
        _column("survey", "answered_on", "date", description="answer date"),
        _column("survey", "nps", "int", required=True, lo=0, hi=10, description="overall 0–10 likelihood to recommend"),
        _rating("nrs", 5, "1–5 intends to keep using in a year"),
        _rating("ces", 7, "1–7 effort (1 = very little)"),
        _rating("csat", 5, "1–5 satisfaction"),
        _rating("dwb", 5, "1–5 would buy again (5 = definitely)"),
        *(_item(item) for item in SURVEY_ITEMS),
    ),
)


def _fail_file(file: str, message: str, location: str = "") -> DataError:
    return DataError([Problem(file, location, message)])


def _decode(data: bytes, file: str, encoding: str | None) -> tuple[str, str]:
    """Decode CSV bytes with the given encoding or the first of ENCODINGS that fits.

    Text holding NUL characters is treated as a failed decode: it is UTF-16 or binary
    read with the wrong codec, not a CSV.
    """
    candidates = ((encoding, encoding),) if encoding else ENCODINGS
    for codec, _ in candidates:
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if "\x00" not in text:
            return text, codec
    tried = ", ".join(f"{codec} ({label})" if label != codec else codec for codec, label in candidates)
    hint = ""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        hint = " It starts with a UTF-16 byte-order mark (Excel's 'Unicode text')."
    raise _fail_file(file, f"cannot decode the file with any of the encodings tried: {tried}.{hint} "
                     "Save it as 'CSV UTF-8' (or pass encoding=...).")


def _read_csv(path: Path, file: str, encoding: str | None) -> tuple[pd.DataFrame, str]:
    data = path.read_bytes()
    text, used = _decode(data, file, encoding)
    if not text.strip():
        raise _fail_file(file, "the file is empty: expected a header row and data rows")
    try:
        # header=None: the header row is read as data so duplicate headers are not renamed.
        frame = pd.read_csv(io.StringIO(text), sep="\t" if path.suffix.lower() == ".tsv" else ",",
                            header=None, dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise _fail_file(file, f"not a readable CSV table: {error}") from error
    return frame, used


def _read_excel(path: Path, file: str, sheet: str | int | None) -> pd.DataFrame:
    try:
        return pd.read_excel(path, sheet_name=0 if sheet is None else sheet, header=None, dtype=object,
                             keep_default_na=False, na_values=[], engine="openpyxl")
    except ValueError as error:
        if "not found" in str(error) or "out of range" in str(error):
            import openpyxl

            names = openpyxl.load_workbook(path, read_only=True).sheetnames
            raise _fail_file(file, f"no sheet {sheet!r}; the workbook has {', '.join(names)}",
                             "sheet") from error
        raise _fail_file(file, f"not a readable Excel workbook: {error}") from error
    except Exception as error:  # zip/XML errors from a damaged or mislabelled file
        raise _fail_file(file, f"not a readable Excel workbook (.xlsx): {error}") from error


def _normalise_cells(raw: pd.DataFrame) -> pd.DataFrame:
    """NFKC + strip every text cell and drop trailing all-blank rows (header row included)."""
    frame = raw.copy()
    for column in frame.columns:
        frame[column] = frame[column].map(lambda v: (normalize_text(v) or None) if isinstance(v, str) else v)
    filled = ~frame.isna().to_numpy(dtype=bool).all(axis=1)  # blank text is None by now
    last = np.flatnonzero(filled)
    return frame.iloc[: last[-1] + 1 if last.size else 0].reset_index(drop=True)


def _headers(raw: pd.DataFrame, file: str, schema: TableSchema | None) -> tuple[pd.DataFrame, list[Problem]]:
    """Split off the header row, drop empty unnamed columns, rename aliases to canonical names."""
    problems: list[Problem] = []
    body = raw.iloc[1:].reset_index(drop=True)
    keep: list[int] = []
    names: list[str] = []
    seen: dict[str, str] = {}
    for position, cell in enumerate(raw.iloc[0] if len(raw) else []):
        header = "" if is_blank(cell) else normalize_text(str(cell))
        if not header:
            if not body.iloc[:, position].map(is_blank).all():
                problems.append(Problem(file, f"column {position + 1}", "has values but no header"))
            continue
        if len(header) > MAX_HEADER_LENGTH:
            problems.append(Problem(file, f"column {position + 1}",
                                    f"header is {len(header):,} characters long ({header[:40]!r}…); "
                                    f"expected a column name of at most {MAX_HEADER_LENGTH}"))
            continue
        spec = schema.spec_for(header) if schema else None
        name = spec.name if spec else header
        if name in seen:
            problems.append(Problem(file, f"column '{name}'",
                                    f"given twice (headers {seen[name]!r} and {header!r})"))
            continue
        seen[name] = header
        keep.append(position)
        names.append(name)
    frame = body.iloc[:, keep].copy()
    frame.columns = names
    return frame, problems


def _typed(series: pd.Series, spec: ColumnSpec, file: str,
           date_order: DateOrder | None = None) -> tuple[pd.Series, list[Problem]]:
    """Convert one column of a normalised table (blank text is None) to its kind, listing
    bad values, blanks and duplicates."""
    problems: list[Problem] = []
    blank = series.isna().to_numpy(dtype=bool)
    if spec.kind in ("int", "float"):
        numbers, problems = parse_numbers(series, spec.name, file, lo=spec.lo, hi=spec.hi,
                                          integer=spec.kind == "int", allow_blank=spec.nullable)
        typed = (pd.Series(numbers, index=series.index, dtype="Float64").astype("Int64")
                 if spec.kind == "int" else pd.Series(numbers, index=series.index))
    elif spec.kind == "date":
        typed, problems = parse_dates(series, spec.name, file, date_order=date_order)
    elif spec.kind == "bool":
        flags, _, problems = parse_flags(series, spec.name, file)
        typed = pd.Series(flags, index=series.index, dtype="boolean")
        typed[blank] = pd.NA
    else:
        def as_text(value: Any) -> Any:
            if is_blank(value):
                return None
            if isinstance(value, float) and value.is_integer():
                return str(int(value))  # an id typed as a number in Excel
            return str(value)

        typed = pd.Series([as_text(v) for v in series.to_numpy(dtype=object)], index=series.index, dtype="str")
    if not spec.nullable and blank.any() and spec.kind not in ("int", "float"):
        problems.append(Problem(file, f"column '{spec.name}', {rows_text(np.flatnonzero(blank) + 2)}",
                                f"a value is required ({spec.description or spec.kind}); found blanks"))
    if spec.unique:
        present = pd.Series(typed[~blank].to_numpy(), index=np.flatnonzero(~blank) + 2)
        duplicated = present[present.duplicated(keep=False)]
        for value, rows in duplicated.groupby(duplicated, sort=False).groups.items():
            problems.append(Problem(file, f"column '{spec.name}', {rows_text(list(rows))}",
                                    f"duplicate value {value!r}: each {spec.name} must appear once"))
    return typed, problems


def read_table(
    path: str | Path,
    schema: TableSchema | None = None,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    date_order: DateOrder | None = None,
) -> pd.DataFrame:
    """Read a CSV or Excel (.xlsx) table, normalise it and validate it against a schema.

    Parameters
    ----------
    path
        ``.csv`` / ``.tsv`` / ``.txt`` or ``.xlsx`` / ``.xlsm`` file.
    schema
        Columns to map and validate (e.g. :data:`ACCOUNTS_SCHEMA`); None only
        normalises the text and headers.
    sheet
        Excel sheet name or 0-based index (default: the first sheet).
    encoding
        CSV encoding; by default :data:`ENCODINGS` are tried in order.
    date_order
        ``"dmy"`` or ``"mdy"`` for dates written ``01/02/2024``; by default a column
        whose order cannot be told from its own values is refused.

    Returns
    -------
    pandas.DataFrame
        Canonical column names, typed columns (``Int64``, ``float64``,
        ``datetime64``, ``boolean``, ``str``; blanks stay missing), a ``RangeIndex``
        (spreadsheet row = index + 2) and ``attrs["source"]`` / ``attrs["encoding"]``.

    Raises
    ------
    DataError
        Every problem of the file at once: not found, unsupported type, undecodable
        (naming the encodings tried), empty, missing required columns, duplicate
        headers or ids, blanks where a value is required, wrong types or ranges.
    """
    path = Path(path)
    file = str(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise _fail_file(file, "file not found")
    check_argument(sheet is None or suffix in (".xlsx", ".xlsm"), "sheet", "sheet= applies to Excel workbooks only")
    if suffix in (".csv", ".tsv", ".txt"):
        raw, used = _read_csv(path, file, encoding)
    elif suffix in (".xlsx", ".xlsm"):
        raw, used = _read_excel(path, file, sheet), "xlsx"
    elif suffix == ".xls":
        raise _fail_file(file, "legacy .xls workbooks are not supported: save it as .xlsx or CSV UTF-8")
    else:
        raise _fail_file(file, f"unsupported file type {suffix or '(none)'}: expected .csv or .xlsx")

    frame, problems = _headers(_normalise_cells(raw), file, schema)
    if frame.shape[1] == 0:
        raise _fail_file(file, "the table has no columns: expected a header row")
    if len(frame) == 0:
        raise _fail_file(file, "the table has a header but no data rows")
    if schema is not None:
        for spec in schema.columns:
            if spec.name not in frame.columns:
                if spec.required:
                    accepted = ", ".join(spec.headers())
                    problems.append(Problem(file, f"column '{spec.name}'",
                                            f"required column is missing (accepted headers: {accepted})"))
                continue
            frame[spec.name], column_problems = _typed(frame[spec.name], spec, file, date_order)
            problems += column_problems
    fail(problems)
    frame.attrs["source"] = file
    frame.attrs["encoding"] = used
    return frame


def read_accounts(path: str | Path, *, sheet: str | int | None = None,
                  encoding: str | None = None, date_order: DateOrder | None = None) -> pd.DataFrame:
    """Read and validate an accounts table (:data:`ACCOUNTS_SCHEMA`); see :func:`read_table`."""
    return read_table(path, ACCOUNTS_SCHEMA, sheet=sheet, encoding=encoding, date_order=date_order)


def read_survey(path: str | Path, *, sheet: str | int | None = None,
                encoding: str | None = None, date_order: DateOrder | None = None) -> pd.DataFrame:
    """Read and validate a relational survey (:data:`SURVEY_SCHEMA`); see :func:`read_table`."""
    return read_table(path, SURVEY_SCHEMA, sheet=sheet, encoding=encoding, date_order=date_order)
