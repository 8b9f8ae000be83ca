"""The maturity model as an Excel workbook a consultant edits, and reading it back.

The workbook is the model file laid out as tables (the format is the sheets and
column names below; they are the model file's own keys):

- a read-me sheet (in the language asked for), then ``model``: one row per setting of
  the whole model (``key`` / ``value``: id, version, languages, title, score scale,
  scoring rules, currency);
- one sheet per kind of record, one row per record, in the model's order: ``profile``
  and ``profile_options``; ``dimensions``; ``questions``, ``scale_labels``, ``options``
  (with each answer's insight and next step), ``option_feedback`` (by profile
  segment) and ``benchmark_links``; ``levels`` (a ``gates.<dimension>`` column per
  dimension); ``phases``; ``roles``; ``recommendations`` and ``triggers``; ``benchmarks``,
  ``cohorts`` and ``benchmark_items`` (a ``shares.<cohort>`` column per cohort).
  A row names the record it belongs to by id (an option's ``question``);
- texts have one column per language (``text.ja``, ``text.en``); lists are
  comma-separated; TRUE/FALSE flags and fixed values have dropdowns, as do the
  columns naming a row of another sheet.

It is written with XlsxWriter and :data:`~csmaturity.io.sheets.XLSX_OPTIONS`, so a
text starting with ``=`` stays text. Reading (openpyxl) rebuilds the model document
and validates it with :func:`~csmaturity.model.parse_model`, the check every YAML
model gets; each problem's key path (``questions[kpi_defined].options[built].points``)
is translated to the sheet, row and column that hold it. A damaged workbook (a sheet
or column missing or renamed, formulas, dates where text belongs, an oversized or
not-a-workbook file) is reported the same way, never with a traceback.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import xlsxwriter
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..errors import ModelError, Problem
from ..i18n import LANGUAGES, check_language, labels, text
from ..io.files import atomic_path
from ..io.sheets import JA_CHARSET, JA_FONT, XLSX_OPTIONS
from ..model import MaturityModel, ProfileField, Question, Recommendation, ScoringRules, parse_model
from .document import display_width, model_document

__all__ = ["write_model_workbook", "read_model_workbook", "SHEETS", "MODEL_SHEET", "MAX_FILE_BYTES", "MAX_ROWS"]

Kind = Literal["text", "number", "whole", "bool", "list", "local", "map"]

#: Largest workbook read, and the most its parts may unpack to (a model takes ~100 KB).
MAX_FILE_BYTES = 20_000_000
MAX_UNPACKED_BYTES = 200_000_000
#: Most rows a sheet may hold (the shipped model's largest sheet has under 200), and
#: most columns.
MAX_ROWS = 5_000
MAX_COLUMNS = 200


def _choices(model_cls: type, name: str) -> tuple[str, ...]:
    """The values a Literal field of the schema takes (the dropdown of its column)."""
    return tuple(get_args(model_cls.model_fields[name].annotation))


@dataclass(frozen=True)
class Column:
    """One column of a sheet: ``key`` is its key path in the record (``scale.min``);
    a ``local`` text has one column per language (``text.ja``), a ``map`` one per
    name (``gates.kpis``) holding values of kind ``of``."""

    key: str
    kind: Kind = "text"
    width: int = 14
    choices: tuple[str, ...] = ()
    #: The sheet whose ids this column names (its dropdown lists them).
    refers_to: str | None = None
    #: The column must be in the sheet (a local text: in each of the model's languages).
    required: bool = False
    of: Kind = "text"
    percent: bool = False

    @property
    def wraps(self) -> bool:
        """Whether its cells wrap long text onto several lines (texts, lists, notes)."""
        return self.kind in ("local", "list") or (self.kind == "text" and self.width >= 40)


@dataclass(frozen=True)
class Sheet:
    """A sheet of records. ``path`` leads from the document to its records: a list
    key, then for a child sheet the key of its list (or mapping) in the parent record;
    the first ``len(path) - 1`` columns name the parent records by id."""

    name: str
    path: tuple[str, ...]
    columns: tuple[Column, ...]
    #: Records kept in a mapping (scale labels: point -> label) are keyed by this
    #: column and hold the value of the other one.
    keyed_by: str | None = None

    @property
    def keyed_value(self) -> str:
        return next(c.key for c in self.fields if c.key != self.keyed_by)

    @property
    def parents(self) -> tuple[Column, ...]:
        return self.columns[: len(self.path) - 1]

    @property
    def fields(self) -> tuple[Column, ...]:
        return self.columns[len(self.path) - 1:]


_ID = Column("id", width=20, required=True)
_BOOL = ("TRUE", "FALSE")


def _local(key: str, width: int = 40, required: bool = False) -> Column:
    return Column(key, "local", width, required=required)


SHEETS: tuple[Sheet, ...] = (
    Sheet("profile", ("profile",), (
        _ID, _local("label", 30, True), Column("type", choices=_choices(ProfileField, "type"), required=True),
        Column("required", "bool", 10), _local("help", 40))),
    Sheet("profile_options", ("profile", "options"), (
        Column("field", refers_to="profile", required=True, width=20), _ID, _local("label", 30, True))),
    Sheet("dimensions", ("dimensions",), (
        _ID, _local("name", 30, True), Column("weight", "number", 10, required=True), _local("description", 60))),
    Sheet("questions", ("questions",), (
        _ID, Column("dimension", refers_to="dimensions", required=True, width=18),
        Column("type", choices=_choices(Question, "type"), required=True, width=10), _local("text", 60, True),
        Column("weight", "number", 9), Column("allow_dont_know", "bool", 16),
        Column("points_from", choices=_choices(Question, "points_from"), width=12), Column("max_points", "number", 12),
        Column("scale.min", "whole", 10), Column("scale.max", "whole", 10), _local("help", 40))),
    Sheet("scale_labels", ("questions", "scale.labels"), (
        Column("question", refers_to="questions", required=True, width=20), Column("point", "whole", 8, required=True),
        _local("label", 30, True)), keyed_by="point"),
    Sheet("options", ("questions", "options"), (
        Column("question", refers_to="questions", required=True, width=20), Column("id", width=18),
        _local("label", 40, True), Column("points", "number", 9, required=True), Column("exclusive", "bool", 10),
        _local("insight", 50), _local("next_step", 50))),
    Sheet("option_feedback", ("questions", "options", "by_segment"), (
        Column("question", refers_to="questions", required=True, width=20),
        Column("option", required=True, width=16), Column("when", "map", 18, of="list"),
        _local("insight", 50), _local("next_step", 50))),
    Sheet("benchmark_links", ("questions", "benchmark"), (
        Column("question", refers_to="questions", required=True, width=20),
        Column("item", refers_to="benchmark_items", required=True, width=24), Column("options", "list", 40),
        Column("dont_know_matches", "bool", 18))),
    Sheet("levels", ("levels",), (
        _ID, Column("stage", width=10), _local("name", 28, True), Column("min", "number", 8, required=True),
        Column("max", "number", 8), Column("gates", "map", 12, of="number"), _local("description", 60))),
    Sheet("phases", ("phases",), (
        _ID, _local("name", 28, True), _local("horizon", 16), Column("start_month", "whole", 12),
        Column("end_month", "whole", 12))),
    Sheet("roles", ("roles",), (_ID, _local("name", 28, True))),
    Sheet("recommendations", ("recommendations",), (
        _ID, Column("phase", refers_to="phases", width=10), Column("effort", choices=_choices(Recommendation, "effort"),
                                                                   width=8),
        Column("owner", refers_to="roles", width=16), Column("duration_months", "whole", 17),
        _local("title", 36, True), _local("action", 60, True), _local("kpi", 40), Column("depends_on", "list", 30))),
    Sheet("triggers", ("recommendations", "triggers"), (
        Column("recommendation", refers_to="recommendations", required=True, width=20),
        Column("question", refers_to="questions", required=True, width=20), Column("below", "number", 8),
        Column("lacks", "list", 28), Column("chosen", "list", 28))),
    Sheet("benchmarks", ("benchmarks",), (
        _ID, _local("source", 60, True), Column("year", "whole", 8), Column("fielded", width=10),
        Column("contrast", "list", 30), Column("item_correlation", "number", 17))),
    Sheet("cohorts", ("benchmarks", "cohorts"), (
        Column("benchmark", refers_to="benchmarks", required=True, width=18), _ID, _local("name", 36, True),
        Column("n", "whole", 8))),
    Sheet("benchmark_items", ("benchmarks", "items"), (
        Column("benchmark", refers_to="benchmarks", required=True, width=18), _ID, _local("label", 44, True),
        Column("shares", "map", 14, of="number", percent=True), Column("note", width=50))),
)
_SHEET = {s.name: s for s in SHEETS}

#: The sheet of the whole model's settings: a key column and a value column.
MODEL_SHEET = "model"
_MODEL_ROWS: tuple[Column, ...] = (
    Column("schema_version", "whole", required=True), Column("id", required=True),
    Column("version", required=True), Column("languages", "list", required=True),
    _local("title", required=True), _local("description"),
    Column("score_scale.min", "number"), Column("score_scale.max", "number"), Column("score_scale.decimals", "whole"),
    *(Column(f"scoring.{name}", choices=_choices(ScoringRules, name))
      for name in ("dont_know", "empty_dimension", "option_points")),
    Column("scoring.provisional_below_coverage", "number"),
    Column("scoring.combine", choices=_choices(ScoringRules, "combine")),
    # One row per respondent role: scoring.role_weights.<role>.
    Column("scoring.role_weights", "map", of="number"),
    Column("currency"),
)
_MODEL_HEADER = ("key", "value")
_MODEL_VALUE_WIDTH = 80


# --------------------------------------------------------------------------- writing


def _languages(doc: dict[str, Any]) -> list[str]:
    """The model's languages, and any other a text of the document is written in."""
    used: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node and set(node) <= set(LANGUAGES) and all(isinstance(v, str) for v in node.values()):
                used.update(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    return [lang for lang in LANGUAGES if lang in doc["languages"] or lang in used]


def _map_names(key: str, doc: dict[str, Any]) -> list[str]:
    """The columns of a map: a gate per dimension, a share per cohort, a segment
    condition per profile field."""
    return {"gates": lambda: [d["id"] for d in doc["dimensions"]],
            "shares": lambda: [c["id"] for b in doc.get("benchmarks", []) for c in b["cohorts"]],
            "when": lambda: [f["id"] for f in doc.get("profile", [])]}[key]()


def _headers(sheet: Sheet, doc: dict[str, Any], langs: list[str]) -> list[tuple[str, Column, str | None]]:
    """``(header, column, language or map name)`` of each column the sheet is written with."""
    out: list[tuple[str, Column, str | None]] = []
    for col in sheet.columns:
        if col.kind == "local":
            out += [(f"{col.key}.{lang}", col, lang) for lang in langs]
        elif col.kind == "map":
            out += [(f"{col.key}.{name}", col, name) for name in _map_names(col.key, doc)]
        else:
            out.append((col.key, col, None))
    return out


def _get(record: dict[str, Any], key: str) -> Any:
    """The value at a dotted ``key`` of ``record`` (None when absent)."""
    node: Any = record
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _records(doc: dict[str, Any], sheet: Sheet) -> Iterator[tuple[list[str], dict[str, Any]]]:
    """Each record of ``sheet`` with the ids of its parents."""
    def walk(node: dict[str, Any], depth: int, ids: list[str]) -> Iterator[tuple[list[str], dict[str, Any]]]:
        items = _get(node, sheet.path[depth]) or ([] if sheet.keyed_by is None else {})
        if depth == len(sheet.path) - 1:
            if sheet.keyed_by is not None:
                yield from ((ids, {sheet.keyed_by: key, sheet.keyed_value: value}) for key, value in items.items())
            else:
                yield from ((ids, item) for item in items)
            return
        for item in items:
            yield from walk(item, depth + 1, [*ids, item.get("id")])

    yield from walk(doc, 0, [])


def _cell_value(record: dict[str, Any], col: Column, sub: str | None) -> Any:
    value = _get(record, col.key)
    if sub is not None:
        value = value.get(sub) if isinstance(value, dict) else None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value


class _Formats:
    """The cell formats of one workbook."""

    def __init__(self, book: xlsxwriter.Workbook):
        top = {"valign": "top"}
        ja = {"font_name": JA_FONT, "font_charset": JA_CHARSET}
        self.header = book.add_format({**top, "bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79",
                                       "border": 1, "border_color": "#BFBFBF"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.plain = book.add_format(top)
        self.wrap = book.add_format({**top, "text_wrap": True})
        self.wrap_ja = book.add_format({**top, "text_wrap": True, **ja})
        self.plain_ja = book.add_format({**top, **ja})
        self.title_ja = book.add_format({"bold": True, "font_size": 14, **ja})
        self.percent = book.add_format({**top, "num_format": "0.0%"})
        self.centre = book.add_format({**top, "align": "center"})

    def column(self, col: Column, sub: str | None) -> Any:
        if col.wraps:
            return self.wrap_ja if sub == "ja" else self.wrap
        if col.percent:
            return self.percent
        return self.centre if col.kind == "bool" else self.plain


#: Points per line of wrapped text: Latin text, and rows with Japanese (taller glyphs).
_LINE = 15
_LINE_JA = 18.75


def _row_height(cells: list[tuple[Any, int]]) -> float | None:
    """The height a row needs to show its wrapped ``(value, column width)`` cells in
    full (spreadsheet programs do not grow rows of a generated file by themselves);
    None when one line is enough."""
    lines, japanese = 1, False
    for value, width in cells:
        if not isinstance(value, str):
            continue
        japanese |= display_width(value) > len(value)
        lines = max(lines, sum(-(-max(display_width(part), 1) // width) for part in value.split("\n")))
    if lines == 1 and not japanese:
        return None
    return lines * (_LINE_JA if japanese else _LINE)


def _write(sheet: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    """One value with its type: text stays text (never a formula), blanks stay blank."""
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def _page(ws: Any) -> None:
    """Printed (or saved as PDF) a sheet is landscape, as wide as the page, its header
    row repeated."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def _dropdown(sheet: Any, col: int, source: Any, lang: str, *, strict: bool) -> None:
    options = {"validate": "list", "source": source, "ignore_blank": True,
               "error_type": "stop" if strict else "warning",
               "error_title": text("authoring.list_error_title", lang),
               "error_message": text("authoring.list_error" if strict else "authoring.ref_error", lang)}
    sheet.data_validation(1, col, MAX_ROWS, col, options)


def _id_column(sheet: Sheet) -> str:
    """The column letter of a sheet's ids (after its parent columns)."""
    return get_column_letter(len(sheet.parents) + 1)


def _column_source(col: Column) -> Any:
    """What the dropdown of a column offers: its fixed values, or the ids of the sheet
    it refers to."""
    if col.kind == "bool":
        return list(_BOOL)
    if col.choices:
        return list(col.choices)
    if col.refers_to is not None:
        letter = _id_column(_SHEET[col.refers_to])
        return f"='{col.refers_to}'!${letter}$2:${letter}${MAX_ROWS}"
    return None


def _column_width(header: str, col: Column, sub: str | None) -> int:
    """Wide enough for the column's name; Japanese text columns a little wider."""
    return max(col.width + (4 if sub == "ja" else 0), len(header) + 2)


def _write_table(book: xlsxwriter.Workbook, fmt: _Formats, sheet: Sheet, doc: dict[str, Any], langs: list[str],
                 lang: str) -> None:
    ws = book.add_worksheet(sheet.name)
    headers = _headers(sheet, doc, langs)
    for j, (header, col, sub) in enumerate(headers):
        ws.write_string(0, j, header, fmt.header)
        ws.set_column(j, j, _column_width(header, col, sub), fmt.column(col, sub))
        source = _column_source(col)
        if source is not None:
            _dropdown(ws, j, source, lang, strict=col.refers_to is None)
    rows = list(_records(doc, sheet))
    for i, (ids, record) in enumerate(rows, start=1):
        shown: list[tuple[Any, int]] = []
        for j, (header, col, sub) in enumerate(headers):
            value = ids[j] if j < len(sheet.parents) else _cell_value(record, col, sub)
            _write(ws, i, j, value, fmt.column(col, sub))
            if col.wraps:
                shown.append((value, _column_width(header, col, sub)))
        ws.set_row(i, _row_height(shown))
    ws.freeze_panes(1, len(sheet.parents) + (1 if any(c.key == "id" for c in sheet.fields) else 0))
    ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    _page(ws)


def _write_model_sheet(book: xlsxwriter.Workbook, fmt: _Formats, doc: dict[str, Any], langs: list[str],
                       lang: str) -> None:
    ws = book.add_worksheet(MODEL_SHEET)
    ws.set_column(0, 0, 36)
    ws.set_column(1, 1, _MODEL_VALUE_WIDTH)
    for j, header in enumerate(_MODEL_HEADER):
        ws.write_string(0, j, header, fmt.header)
    row = 1
    for col in _MODEL_ROWS:
        subs = (langs if col.kind == "local" else list(_get(doc, col.key) or {}) if col.kind == "map" else [None])
        for sub in subs:
            key = f"{col.key}.{sub}" if sub else col.key
            ws.write_string(row, 0, key, fmt.plain)
            value = _cell_value(doc, col, sub)
            _write(ws, row, 1, value, fmt.column(col, sub))
            ws.set_row(row, _row_height([(value, _MODEL_VALUE_WIDTH)]))
            source = _column_source(col)
            if source is not None:
                ws.data_validation(row, 1, row, 1, {
                    "validate": "list", "source": source, "error_type": "stop",
                    "error_title": text("authoring.list_error_title", lang),
                    "error_message": text("authoring.list_error", lang)})
            row += 1
    ws.freeze_panes(1, 1)
    _page(ws)


def _write_readme(book: xlsxwriter.Workbook, fmt: _Formats, model: MaturityModel, lang: str, name: str) -> None:
    ws = book.add_worksheet(text("authoring.sheet", lang))
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 110)
    ja = lang == "ja"
    ws.write_string(0, 0, text("authoring.title", lang, model=model.id, version=model.version),
                    fmt.title_ja if ja else fmt.title)
    command = f"csmaturity model import {name} --out model.yaml"
    row = 2
    for line in labels(lang)["authoring"]["instructions"]:
        ws.write_string(row, 0, line.format(**{"import": command}), fmt.plain_ja if ja else fmt.plain)
        row += 1
    row += 1
    ws.write_string(row, 0, text("authoring.sheets_heading", lang), fmt.header)
    ws.write_string(row, 1, text("authoring.row_heading", lang), fmt.header)
    for sheet in (MODEL_SHEET, *(s.name for s in SHEETS)):
        row += 1
        ws.write_string(row, 0, sheet, fmt.plain)
        words = text(f"authoring.rows.{sheet}", lang)
        ws.write_string(row, 1, words, fmt.wrap_ja if ja else fmt.wrap)
        ws.set_row(row, _row_height([(words, 110)]))
    _page(ws)


def write_model_workbook(model: MaturityModel, path: str | Path, lang: str | None = None) -> Path:
    """Write ``model`` as an editable workbook to ``path`` (atomically).

    Parameters
    ----------
    model
        A validated model.
    path
        The ``.xlsx`` file to write.
    lang
        Language of the read-me sheet (default: the model's first language). The
        model's texts come in every language it is written in.
    """
    lang = check_language(lang or model.languages[0])
    doc = model_document(model, numbered_ids=True)
    langs = _languages(doc)
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), XLSX_OPTIONS)
        book.set_properties({"title": f"{model.id} {model.version}", "comments": "csmaturity model workbook"})
        fmt = _Formats(book)
        _write_readme(book, fmt, model, lang, Path(path).name)
        _write_model_sheet(book, fmt, doc, langs, lang)
        for sheet in SHEETS:
            _write_table(book, fmt, sheet, doc, langs, lang)
        book.close()
    return Path(path)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Cell:
    """Where a key path of the document was read from."""

    sheet: str
    rows: tuple[int, ...]
    #: The column header(s) and letter(s); none for a whole row.
    column: str | None = None
    letter: str | None = None
    #: A setting of the model sheet: its key.
    key: str | None = None

    def describe(self) -> str:
        rows = ", ".join(str(r) for r in self.rows)
        where = f"sheet '{self.sheet}', row{'s' if len(self.rows) > 1 else ''} {rows}"
        if self.key is not None:
            return f"{where} ({self.key})"
        return f"{where}, column {self.letter} '{self.column}'" if self.column else where


class _Where:
    """Key paths of the document mapped to the cells they were read from."""

    def __init__(self) -> None:
        self.cells: dict[str, _Cell] = {}
        #: Child record kinds of each sheet (``options`` -> rows of sheet ``options``).
        self.children: dict[str, dict[str, str]] = {}

    def row(self, path: str, sheet: str, row: int) -> None:
        """``path`` is the record of ``row`` (a second row of the same path is a duplicate id)."""
        known = self.cells.get(path)
        if known is not None and known.column is None and known.sheet == sheet:
            self.cells[path] = _Cell(sheet, (*known.rows, row))
        else:
            self.cells.setdefault(path, _Cell(sheet, (row,)))

    def cell(self, path: str, cell: _Cell) -> None:
        self.cells.setdefault(path, cell)

    def locate(self, problem: Problem, sheet_of: dict[str, str]) -> Problem:
        """``problem`` (located by a key path) located by sheet, row and column."""
        parts = re.findall(r"\[[^\]]*\]|[^.\[]+", problem.location)
        for n in range(len(parts), 0, -1):
            prefix = _join(parts[:n])
            cell = self.cells.get(prefix)
            if cell is None:
                continue
            rest = _join(parts[n:])
            if cell.key is not None and rest and not rest.startswith("["):
                break  # a setting whose row is missing (title.en beside title.ja)
            if not rest or cell.column is not None or cell.key is not None:
                return Problem(problem.file, cell.describe(), problem.message, severity=problem.severity)
            child = self.children.get(cell.sheet, {}).get(parts[n].strip("[]"))
            if child is not None:
                return Problem(problem.file, f"{cell.describe()} (its rows on sheet '{child}')", problem.message,
                               severity=problem.severity)
            return Problem(problem.file, f"{cell.describe()}, column '{rest}'",
                           f"{problem.message} (the sheet has no column '{rest}': add it)", severity=problem.severity)
        if not parts:
            return problem
        top = parts[0]
        if top in sheet_of:
            return Problem(problem.file, f"sheet '{sheet_of[top]}'", problem.message, severity=problem.severity)
        return Problem(problem.file, f"sheet '{MODEL_SHEET}', key '{problem.location}'",
                       f"{problem.message} (the sheet has no row '{problem.location}': add it)",
                       severity=problem.severity)


def _join(parts: list[str]) -> str:
    return "".join(p if p.startswith("[") else f".{p}" for p in parts).lstrip(".")


_BLANK = object()
#: Key of a record's own key path while reading (removed before validation).
_PATH = "\0path"


@dataclass
class _Reader:
    """Reads the sheets of one workbook into the model document."""

    file: str
    book: dict[str, list[tuple[Any, ...]]]
    #: Problems of the workbook's layout (sheets, columns): reading stops at them.
    layout: list[Problem] = field(default_factory=list)
    #: Problems of single cells (a formula, a date): the rest is still validated.
    cells: list[Problem] = field(default_factory=list)
    where: _Where = field(default_factory=_Where)

    def problem(self, location: str, message: str, *, layout: bool = False) -> None:
        (self.layout if layout else self.cells).append(Problem(self.file, location, message))

    # ---- cell values

    def value(self, raw: tuple[Any, str], kind: Kind, cell: _Cell) -> Any:
        """The value of one cell as the schema takes it (:data:`_BLANK` when empty)."""
        value, data_type = raw
        if value is None or (isinstance(value, str) and not value.strip()):
            return _BLANK
        if data_type == "f" and kind == "bool" and str(value).upper() in ("=TRUE()", "=FALSE()"):
            return str(value).upper() == "=TRUE()"  # how LibreOffice saves TRUE and FALSE
        if data_type == "f":
            self.problem(cell.describe(), f"a formula ({_short(str(value))}); the model takes values only: "
                                          "type the value itself")
            return _BLANK
        if data_type == "e":
            self.problem(cell.describe(), f"an error value ({value}); type the value itself")
            return _BLANK
        if isinstance(value, (dt.datetime, dt.date, dt.time)):
            self.problem(cell.describe(), f"the spreadsheet turned this value into a date or time ({value}); "
                                          "format the cell as text and type it again")
            return _BLANK
        if kind in ("text", "local"):
            return _number_text(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
        if kind == "list":
            if isinstance(value, str):
                return [v.strip() for v in re.split(r"[,、，]", value) if v.strip()]
            return [_number_text(value)] if isinstance(value, (int, float)) and not isinstance(value, bool) else value
        if kind == "bool":
            if isinstance(value, str) and value.strip().lower() in ("true", "false"):
                return value.strip().lower() == "true"
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (0, 1):
                return bool(value)  # some spreadsheet programs store TRUE as 1
            return value
        if isinstance(value, bool):
            self.problem(cell.describe(), f"{str(value).upper()} is not a number; type a number")
            return _BLANK
        if kind == "whole" and isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    # ---- layout

    def rows(self, name: str) -> list[tuple[Any, ...]] | None:
        if name in self.book:
            return self.book[name]
        near = difflib.get_close_matches(name.lower(), [s.lower() for s in self.book], n=1)
        hint = f" (is '{next(s for s in self.book if s.lower() == near[0])}' it, renamed?)" if near else ""
        self.problem(f"sheet '{name}'", f"sheet missing{hint}; every sheet the export writes must be there "
                                        "(a sheet without rows below its header means none)", layout=True)
        return None

    def columns(self, sheet: Sheet, header: tuple[Any, ...], langs: list[str]
                ) -> dict[int, tuple[str, Column, str | None]]:
        """Column index -> ``(header, column, language or map name)``; layout problems
        for unknown, repeated and missing columns."""
        allowed: dict[str, tuple[Column, str | None]] = {}
        for col in sheet.columns:
            for sub in (LANGUAGES if col.kind == "local" else [None]):
                allowed[f"{col.key}.{sub}" if sub else col.key] = (col, sub)
        maps = {col.key: col for col in sheet.columns if col.kind == "map"}
        out: dict[int, tuple[str, Column, str | None]] = {}
        seen: set[str] = set()
        for j, (raw, _) in enumerate(header):
            if raw is None or not str(raw).strip():
                continue
            name = str(raw).strip()
            at = f"sheet '{sheet.name}', column {get_column_letter(j + 1)} '{_short(name)}'"
            head, _, tail = name.partition(".")
            if name in seen:
                self.problem(at, "this column is there twice; keep one", layout=True)
                continue
            seen.add(name)
            if name in allowed:
                out[j] = (name, *allowed[name])
            elif head in maps and re.fullmatch(r"[A-Za-z0-9_-]+", tail):
                out[j] = (name, maps[head], tail)
            else:
                near = difflib.get_close_matches(name, list(allowed) + [f"{m}.<name>" for m in maps], n=1)
                self.problem(at, "unknown column" + (f" (a misspelt '{near[0]}'?)" if near else "")
                             + f"; the columns of this sheet are {_describe_columns(sheet)}", layout=True)
        present = {h for h, _, _ in out.values()}
        for col in sheet.columns:
            if not col.required:
                continue
            needed = [f"{col.key}.{lang}" for lang in langs] if col.kind == "local" else [col.key]
            for name in needed:
                if name not in present:
                    self.problem(f"sheet '{sheet.name}', column '{name}'", "required column missing (deleted or "
                                 "renamed?); add it to row 1", layout=True)
        return out

    def unlabelled(self, sheet: str, header: tuple[Any, ...], rows: list[tuple[Any, ...]], known: set[int]) -> None:
        """Values in a column without a header would be lost silently: a layout problem."""
        width = max((len(r) for r in rows), default=0)
        for j in range(width):
            if j in known or (j < len(header) and header[j][0] is not None and str(header[j][0]).strip()):
                continue
            if any(j < len(r) and r[j][0] is not None and str(r[j][0]).strip() for r in rows):
                self.problem(f"sheet '{sheet}', column {get_column_letter(j + 1)}",
                             "values in a column without a name in row 1; name the column or clear it", layout=True)

    # ---- the model sheet

    def model_sheet(self) -> dict[str, Any]:
        rows = self.rows(MODEL_SHEET)
        doc: dict[str, Any] = {}
        if rows is None:
            return doc
        header = tuple(str(v).strip() if v is not None else "" for v, _ in (rows[0] if rows else ())[:2])
        if header != _MODEL_HEADER:
            self.problem(f"sheet '{MODEL_SHEET}', row 1", f"expected the columns {list(_MODEL_HEADER)}, found "
                                                          f"{list(header)}", layout=True)
            return doc
        allowed = {(f"{c.key}.{lang}" if c.kind == "local" else c.key): c
                   for c in _MODEL_ROWS for lang in (LANGUAGES if c.kind == "local" else [None]) if c.kind != "map"}
        maps = {f"{c.key}.": c for c in _MODEL_ROWS if c.kind == "map"}
        seen: dict[str, int] = {}
        for number, row in enumerate(rows[1:], start=2):
            cells = list(row[:2]) + [(None, "n")] * (2 - len(row[:2]))
            key = cells[0][0]
            if key is None or not str(key).strip():
                if cells[1][0] is not None and str(cells[1][0]).strip():
                    self.problem(f"sheet '{MODEL_SHEET}', row {number}", "a value without a key; write the key "
                                                                        "in column A", layout=True)
                continue
            key = str(key).strip()
            prefix = next((m for m in maps if key.startswith(m) and len(key) > len(m)), None)
            if key not in allowed and prefix is None:
                near = difflib.get_close_matches(key, list(allowed) + [f"{m}<name>" for m in maps], n=1)
                self.problem(f"sheet '{MODEL_SHEET}', row {number} ({_short(key)})", "unknown key"
                             + (f" (a misspelt '{near[0]}'?)" if near else f"; the keys are {list(allowed)}"),
                             layout=True)
                continue
            if key in seen:
                self.problem(f"sheet '{MODEL_SHEET}', row {number} ({key})", f"given twice (also row {seen[key]});"
                                                                             " keep one", layout=True)
                continue
            seen[key] = number
            cell = _Cell(MODEL_SHEET, (number,), key=key)
            self.where.cell(key, cell)
            parts = (prefix[:-1].split(".") + [key[len(prefix):]]) if prefix else key.split(".")
            for n in range(1, len(parts)):
                self.where.cell(".".join(parts[:n]), cell)  # a problem of the whole group
            value = self.value(cells[1], maps[prefix].of if prefix else allowed[key].kind, cell)
            if value is not _BLANK:
                node = doc
                for part in parts[:-1]:
                    node = node.setdefault(part, {})
                node[parts[-1]] = value
        return doc

    # ---- record sheets

    def table(self, sheet: Sheet, doc: dict[str, Any], langs: list[str]) -> None:
        rows = self.rows(sheet.name)
        if rows is None:
            return
        header = rows[0] if rows else ()
        columns = self.columns(sheet, header, langs)
        self.unlabelled(sheet.name, header, rows[1:], set(columns))
        by_header = {h: j for j, (h, _, _) in columns.items()}
        self.where.children[sheet.name] = {s.path[len(sheet.path)].split(".")[0]: s.name for s in SHEETS
                                           if s.path[: len(sheet.path)] == sheet.path and len(s.path) > len(sheet.path)}
        if sheet.keyed_by is None and len(sheet.path) == 1:
            doc[sheet.path[0]] = []
        if any(p.location.startswith(f"sheet '{sheet.name}'") for p in self.layout):
            return
        for number, row in enumerate(rows[1:], start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v, _ in row):
                continue  # an empty row
            self.record(sheet, doc, columns, by_header, number, row)

    def record(self, sheet: Sheet, doc: dict[str, Any], columns: dict[int, tuple[str, Column, str | None]],
               by_header: dict[str, int], number: int, row: tuple[Any, ...]) -> None:
        def raw(j: int) -> tuple[Any, str]:
            return row[j] if j < len(row) else (None, "n")

        def at(header: str) -> _Cell:
            j = by_header[header]
            return _Cell(sheet.name, (number,), header, get_column_letter(j + 1))

        parent, parent_path = self.parent(sheet, doc, by_header, raw, at)
        if parent is None:
            return
        record: dict[str, Any] = {}
        cells: dict[str, _Cell] = {}
        for j, (header, col, _) in columns.items():
            if col in sheet.parents:
                continue
            cell = at(header)
            cells[header] = cell
            value = self.value(raw(j), col.of if col.kind == "map" else col.kind, cell)
            if col.kind == "map" and col.key == "shares" and value is _BLANK:
                continue  # decided below: a blank share of the item's own cohort is "not published"
            if value is not _BLANK:
                _put(record, header, value)
        if sheet.name == "benchmark_items":
            own = [c.get("id") for c in parent.get("cohorts", [])]
            record["shares"] = {**{c: None for c in own}, **record.get("shares", {})}
        key = sheet.path[-1]
        if sheet.keyed_by is not None:
            point = record.pop(sheet.keyed_by, None)
            if point is None:
                if not any(p.location == at(sheet.keyed_by).describe() for p in self.cells):
                    self.problem(at(sheet.keyed_by).describe(), f"required: the {sheet.keyed_by} this row is for")
                return
            labels_ = _put_default(parent, key, {})
            if point in labels_:
                self.problem(at(sheet.keyed_by).describe(), f"point {point} is labelled twice; keep one row")
                return
            labels_[point] = record.get(sheet.keyed_value, {})
            path = f"{parent_path}.{key}"
            names = [f"{path}.{point}", f"{path}[{point}]"]
        else:
            items = _put_default(parent, key, [])
            items.append(record)
            index = len(items) - 1
            path = f"{parent_path}.{key}" if parent_path else key
            names = [f"{path}[{record['id'] if record.get('id') is not None else index}]"]
            if sheet.name == "options" and record.get("id") is None:
                names.append(f"{path}[{index + 1}]")  # the id an option without one is given
            if sheet.name in ("cohorts", "benchmark_items"):
                names.append(f"benchmarks.{key}[{record.get('id')}]")  # where duplicate ids are reported
            record[_PATH] = names[0]
        for name in names:
            self.where.row(name, sheet.name, number)
            for header, cell in cells.items():
                self.where.cell(f"{name}.{header}", cell)
                head = header.split(".")[0]
                if head != header:  # a text or a map as a whole: all its columns
                    group = [h for h in cells if h.split(".")[0] == head]
                    self.where.cell(f"{name}.{head}", _Cell(sheet.name, (number,), ", ".join(group),
                                                           "-".join(sorted({cells[h].letter or "" for h in group}))))

    def parent(self, sheet: Sheet, doc: dict[str, Any], by_header: dict[str, int], raw: Any,
               at: Any) -> tuple[dict[str, Any] | None, str]:
        """The record a row belongs to and its key path (the document for a top sheet)."""
        node, path = doc, ""
        for depth, col in enumerate(sheet.parents):
            cell = at(col.key)
            value = self.value(raw(by_header[col.key]), "text", cell)
            if value is _BLANK:
                self.problem(cell.describe(), f"required: the id of the {col.key} this row belongs to")
                return None, ""
            items = node.get(sheet.path[depth]) or []
            # An option without an id is named by its position.
            match = next((i for k, i in enumerate(items) if i.get("id", str(k + 1)) == value), None)
            if match is None:
                of = (f"no row of sheet '{col.refers_to}' has this id" if depth == 0
                      else f"{sheet.parents[depth - 1].key} '{node.get('id')}' has no {col.key} with this id")
                self.problem(cell.describe(), f"unknown {col.key} '{value}': {of}")
                return None, ""
            node, path = match, match[_PATH]
        return node, path


def _put(record: dict[str, Any], key: str, value: Any) -> None:
    """Set a dotted ``key`` of ``record``."""
    *parents, last = key.split(".")
    for part in parents:
        record = record.setdefault(part, {})
    record[last] = value


def _put_default(record: dict[str, Any], key: str, default: Any) -> Any:
    """The value at a dotted ``key`` of ``record``, set to ``default`` when absent."""
    *parents, last = key.split(".")
    for part in parents:
        record = record.setdefault(part, {})
    return record.setdefault(last, default)


def _number_text(value: float) -> str:
    """A number typed where text belongs, as text (``3`` for 3.0)."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _short(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _describe_columns(sheet: Sheet) -> str:
    names = [f"{c.key}.<language>" if c.kind == "local" else f"{c.key}.<name>" if c.kind == "map" else c.key
             for c in sheet.columns]
    return ", ".join(names)


def _strip_paths(node: Any) -> Any:
    """The document without the reader's bookkeeping."""
    if isinstance(node, dict):
        return {k: _strip_paths(v) for k, v in node.items() if k != _PATH}
    if isinstance(node, list):
        return [_strip_paths(v) for v in node]
    return node


def _open(path: Path, file: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's rows as ``(value, data type)`` cells; ModelError when the file is
    not a workbook, too large, or damaged."""
    def fail(message: str) -> ModelError:
        return ModelError([Problem(file, "", message)])

    if not path.is_file():
        raise fail("file not found" if not path.exists() else "not a regular file; expected an .xlsx workbook")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise fail(f"the file has {size:,} bytes; a model workbook has far fewer (at most {MAX_FILE_BYTES:,})")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise fail(f"cannot open as an Excel workbook (.xlsx): {exc}") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise fail(f"the workbook unpacks to {unpacked:,} bytes (at most {MAX_UNPACKED_BYTES:,}); it is not a "
                   "model workbook")
    sheets: dict[str, list[tuple[Any, ...]]] = {}
    try:
        book = load_workbook(path, read_only=True, data_only=False)
        try:
            for ws in book.worksheets:
                rows: list[tuple[Any, ...]] = []
                for scanned, row in enumerate(ws.iter_rows()):
                    cells = tuple((c.value, c.data_type) for c in row)
                    if scanned >= 10 * MAX_ROWS or (len(rows) > MAX_ROWS and any(v is not None for v, _ in cells)):
                        raise fail(f"sheet '{ws.title}' has more than {MAX_ROWS:,} rows; a model has far fewer")
                    if any(v is not None for v, _ in cells[MAX_COLUMNS:]):
                        raise fail(f"sheet '{ws.title}' has more than {MAX_COLUMNS} columns; a model has far fewer")
                    rows.append(cells[:MAX_COLUMNS])
                while rows and all(v is None for v, _ in rows[-1]):
                    rows.pop()
                sheets[ws.title] = rows
        finally:
            book.close()
    except ModelError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise fail(f"cannot read the workbook ({type(exc).__name__}: {_short(str(exc), 120)}); save it again "
                   "from the spreadsheet program as an Excel workbook (.xlsx)") from None
    return sheets


def _read(path: Path, file: str) -> tuple[dict[str, Any], _Reader]:
    """The document of the workbook at ``path``, and its reader (problems, cell map)."""
    reader = _Reader(file, _open(path, file))
    doc = reader.model_sheet()
    declared = doc.get("languages")
    langs = [lg for lg in declared if lg in LANGUAGES] if isinstance(declared, list) else []
    for sheet in SHEETS:
        reader.table(sheet, doc, langs or [])
    return _strip_paths(doc), reader


def read_model_workbook(path: str | Path) -> MaturityModel:
    """Read an edited model workbook and validate it as a model file is validated.

    Raises
    ------
    ModelError
        Every problem found, each naming the sheet, row and column that holds it: the
        workbook's layout first (a missing sheet or column stops the reading), then
        the values (formulas, dates), then the model's own validation.
    """
    path = Path(path)
    file = str(path)
    doc, reader = _read(path, file)
    if reader.layout:
        raise ModelError(reader.layout)
    sheet_of = {s.path[0]: s.name for s in SHEETS if len(s.path) == 1}
    try:
        model = parse_model(doc, file=file)
    except ModelError as exc:
        located = [reader.where.locate(p, sheet_of) for p in exc.problems]
        taken = {p.location for p in reader.cells}
        raise ModelError(reader.cells + [p for p in located if p.location not in taken]) from None
    if reader.cells:
        raise ModelError(reader.cells)
    return model
