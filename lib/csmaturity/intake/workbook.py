"""Excel intake: a questionnaire workbook generated from the model, and its importer.

The workbook (written with openpyxl, which, unlike XlsxWriter, can also lock the
workbook *structure* so sheets cannot be renamed, moved or deleted by accident):

- an instructions sheet;
- the form sheet: a client-information block (and, in a form made for one respondent
  of several, a respondent block: id, role, name, department, whether the name may be
  shown), then one row per question grouped by
  dimension. Single, yes/no and scale questions have a dropdown of the option
  *labels* in the chosen language (plus "don't know" where the question accepts it); a
  multi-choice question is followed by one row per option with a ✓ dropdown, so a
  client never types a delimited list. Only the yellow cells (answers, evidence) are unlocked;
- ``_lists`` (hidden): the dropdown sources (inline lists cannot hold commas);
- ``_meta`` (very hidden): format, model id, version and a fingerprint of its
  questions, the language, and the key of every row of the form.

The form prints on A4 landscape, one page wide, its column headings repeated on every
page; the column of row keys (what the importer checks the layout against) is hidden
and outside the print area, so a client sees no machine ids. A Japanese form is set
in :data:`csmaturity.io.sheets.JA_FONT`.

The importer checks the layout against ``_meta`` first (a renamed sheet, deleted or
reordered rows, a form from another model version), maps labels back to option ids,
validates each answer with :meth:`csmaturity.model.Question.normalise` -- the same
check as the YAML reader and the widget form -- and names the sheet, row and question
of every problem. The result is an ordinary :class:`~csmaturity.answers.ClientAnswers`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..answers import ClientAnswers, RespondentInfo, parse_answers
from ..errors import AnswersError, Problem
from ..i18n import LANGUAGES, text
from ..io.files import atomic_path, atomic_write
from ..io.sheets import JA_CHARSET, JA_FONT, line_count, row_height
from ..io.yamlfile import dump_yaml
from ..model import DONT_KNOW, MaturityModel, Question

__all__ = [
    "FORMAT",
    "TICK",
    "write_intake_template",
    "read_intake",
    "answers_data",
    "answers_yaml",
    "write_answers",
    "choice_labels",
    "model_fingerprint",
    "instruction_lines",
]

FORMAT = "csmaturity-intake/1"
TICK = "✓"
META_SHEET = "_meta"
LISTS_SHEET = "_lists"

# Form columns.
COL_NO, COL_DIM, COL_TEXT, COL_ANSWER, COL_EVIDENCE, COL_GUIDE, COL_KEY = "ABCDEFG"

#: Client fields whose label carries a hint of what to type (``intake.hints``).
_HINTED = {"id", "assessment_date"}

#: The kind of form cell each profile field type takes.
_PROFILE_KINDS = {"choice": "list", "text": "text", "whole": "whole", "number": "number"}


@dataclass(frozen=True)
class _ClientField:
    """One client-information row: ``key`` such as ``client.profile.customers``; a list
    field's ``choices`` are ``(label shown, value written)`` pairs."""

    key: str
    kind: str
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = True


#: The respondent rows of a form made for one of several respondents (``respondent.<key>``).
_RESPONDENT_KEYS = ("id", "role", "name", "department", "show_name")
#: The respondent fields a form is read without (the form's other rows still say who).
_OPTIONAL_RESPONDENT = {"name", "department", "show_name"}


def _respondent_fields(lang: str) -> list[_ClientField]:
    """The respondent rows: free text, and a yes/no dropdown for showing the name."""
    show = (("show_yes", "yes"), ("show_no", "no"))
    return [_ClientField(f"respondent.{key}", "list" if key == "show_name" else "text",
                         tuple((text(f"respondents.fields.{label}", lang), value) for label, value in show)
                         if key == "show_name" else (), key not in _OPTIONAL_RESPONDENT)
            for key in _RESPONDENT_KEYS]


def _client_fields(model: MaturityModel, lang: str) -> list[_ClientField]:
    """The client-information rows: who the client is, then the model's profile fields
    (a choice field's dropdown shows its options' labels in ``lang``)."""
    return [
        _ClientField("client.id", "text"),
        _ClientField("client.name", "text"),
        _ClientField("client.industry", "text"),
        _ClientField("client.assessment_date", "date"),
        _ClientField("client.language", "list", tuple((lg, lg) for lg in model.languages)),
        *(_ClientField(f"client.profile.{f.id}", _PROFILE_KINDS[f.type],
                       tuple((o.label.get(lang), o.id) for o in f.options), f.required) for f in model.profile),
    ]

_INPUT = PatternFill("solid", fgColor="FFF2B3")
_HEAD = PatternFill("solid", fgColor="1F4E79")
_DIM = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)


def _t(key: str, lang: str, **fields: Any) -> str:
    return text(f"intake.{key}", lang, **fields)


def _field_label(model: MaturityModel, key: str, lang: str) -> str:
    """The label of a client field (``client.profile.arr_band``), with its hint if it has one."""
    field_id = key.rsplit(".", 1)[1]
    if key.startswith("respondent."):
        name = text(f"respondents.fields.{field_id}", lang)
        return (_t("field_hint", lang, field=name, hint=text("respondents.fields.id_hint", lang)) if field_id == "id"
                else name)
    if key.startswith("client.profile."):
        field = model.profile_by_id[field_id]
        name = field.label.get(lang)
        return _t("field_hint", lang, field=name, hint=field.help.get(lang)) if field.help else name
    name = text(f"client.{field_id}", lang)
    return _t("field_hint", lang, field=name, hint=_t(f"hints.{field_id}", lang)) if field_id in _HINTED else name


def choice_labels(question: Question, lang: str) -> dict[str, Any]:
    """The dropdown labels of a single, yes/no or scale question mapped to the answer
    value they stand for (option id, scale integer, or :data:`DONT_KNOW` where the
    question accepts it)."""
    return dict(question.choices(lang, text("common.dont_know", lang)))


def model_fingerprint(model: MaturityModel) -> str:
    """A short hash of the questions (ids, types, options, labels): a form made from
    a model whose questions changed without a version bump is still caught."""
    payload = json.dumps(model.model_dump(mode="json", include={"id", "questions"}), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------------- writing


def write_intake_template(model: MaturityModel, path: str | Path, lang: str | None = None,
                          client_id: str = "", respondent: RespondentInfo | None = None) -> Path:
    """Write the intake workbook for ``model`` in ``lang`` (one of the model's languages,
    else ValueError naming them; default its first) to ``path`` (atomically).

    ``respondent`` makes the form one respondent's of several: a respondent block
    (id, role, name, department, whether the name may be shown) follows the client
    block, filled with it, and the imported answers file carries it.
    """
    lang = model.check_language(lang or model.languages[0])
    wb = Workbook()
    intro = wb.active
    intro.title = _t("sheets.instructions", lang)
    form = wb.create_sheet(_t("sheets.form", lang))
    lists = wb.create_sheet(LISTS_SHEET)
    meta = wb.create_sheet(META_SHEET)

    _write_instructions(intro, model, lang)
    list_refs = _ListColumns(lists)
    rows = _write_form(form, model, lang, client_id, list_refs, respondent)
    _write_meta(meta, model, lang, rows)

    for sheet in (intro, form, lists, meta):
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False  # let people widen a column to read
    lists.sheet_state = "hidden"
    meta.sheet_state = "veryHidden"
    _print_layout(intro, None, "A", lang)
    headings = next(r for r in range(1, form.max_row + 1) if form[f"{COL_NO}{r}"].value == _t("columns.no", lang))
    _print_layout(form, headings, COL_GUIDE, lang)
    if lang == "ja":
        for sheet in (intro, form):
            _japanese_font(sheet)
    wb.security = WorkbookProtection(lockStructure=True)
    wb.active = 1
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def instruction_lines(model: MaturityModel, lang: str) -> list[str]:
    """The instructions sheet's lines for ``model``: the numbered steps name only what
    its form has (tick rows where it has multi-choice questions; "don't know" as far as
    its questions accept it)."""
    fields = {"title": model.title.get(lang), "form": _t("sheets.form", lang),
              "dont_know": text("common.dont_know", lang)}
    accepting = [q.accepts_dont_know for q in model.questions]
    dont_know = "dont_know_all" if all(accepting) else "dont_know_some" if any(accepting) else "dont_know_none"
    steps = ["client", "choose", *(["tick"] if any(q.is_multi for q in model.questions) else []), dont_know,
             "evidence", "layout"]
    numbered = [_t("step", lang, n=n, text=_t(f"instructions.{step}", lang, **fields))
                for n, step in enumerate(steps, start=1)]
    return [_t("instructions.intro", lang, **fields), *numbered, _t("instructions.outro", lang)]


def _write_instructions(ws: Worksheet, model: MaturityModel, lang: str) -> None:
    ws.column_dimensions["A"].width = 110
    ws["A1"] = f"{model.title.get(lang)}  ({model.id} {model.version})"
    ws["A1"].font = Font(bold=True, size=14)
    for i, line in enumerate(instruction_lines(model, lang), start=3):
        ws.cell(i, 1, line).alignment = _WRAP
        # A spreadsheet does not grow a row for wrapped text on its own: room for every
        # line (a Japanese character is about two Latin ones wide).
        width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
        ws.row_dimensions[i].height = 15 * math.ceil(width / 105)


def _print_layout(ws: Worksheet, header_row: int | None, last_col: str, lang: str) -> None:
    """A4 landscape, one page wide; the column headings on ``header_row`` repeated on
    every page; page numbers at the foot; the print area ends at ``last_col``, before
    the hidden key column."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_area = f"A1:{last_col}{max(ws.max_row, 1)}"
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"
        # A spreadsheet does not grow a row for wrapped text written by a program: the
        # height each wrapped row needs, so that no text runs into the next row.
        columns = [c for c in "ABCDEF" if c <= last_col]
        widths = [ws.column_dimensions[c].width for c in columns]
        for r in range(header_row + 1, ws.max_row + 1):
            values = [ws[f"{c}{r}"].value or "" for c in columns]
            if any(line_count(v, w) > 1 for v, w in zip(values, widths, strict=True) if isinstance(v, str)):
                ws.row_dimensions[r].height = row_height(values, widths, lang)
                for c in columns:  # the row's cells start at its top, beside the wrapped text
                    ws[f"{c}{r}"].alignment = Alignment(wrap_text=ws[f"{c}{r}"].alignment.wrap_text, vertical="top")
    ws.oddFooter.right.text = text("deliver.page_of", lang)
    ws.oddFooter.right.size = 8


def _japanese_font(ws: Worksheet) -> None:
    """Every written cell of ``ws`` in the Japanese font, its size, weight and colour kept."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None or cell.has_style:
                old = cell.font
                cell.font = Font(name=JA_FONT, charset=JA_CHARSET, size=old.size, bold=old.bold, color=old.color)


class _ListColumns:
    """Dropdown sources on the hidden lists sheet, one column per distinct list."""

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.refs: dict[tuple[str, ...], str] = {}

    def ref(self, values: tuple[str, ...]) -> str:
        if values not in self.refs:
            col = len(self.refs) + 1
            for i, v in enumerate(values, start=1):
                self.ws.cell(i, col, v)
            letter = self.ws.cell(1, col).column_letter
            self.refs[values] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(values)}"
        return self.refs[values]


def _dropdown(ws: Worksheet, cell: str, source: str, lang: str) -> None:
    dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                        errorStyle="stop", errorTitle=_t("error_title", lang), error=_t("error", lang))
    ws.add_data_validation(dv)
    dv.add(cell)


def _input_cell(ws: Worksheet, ref: str, value: Any = None) -> None:
    cell = ws[ref]
    if value is not None:
        cell.value = value
    cell.fill = _INPUT
    cell.protection = _UNLOCKED
    cell.alignment = _WRAP


def _write_form(
    ws: Worksheet, model: MaturityModel, lang: str, client_id: str, lists: _ListColumns,
    respondent: RespondentInfo | None = None,
) -> list[tuple[int, str]]:
    """Fill the form sheet; return ``(row, key)`` of every keyed row."""
    # About 170 units: one landscape page wide at nine tenths of full size.
    widths = {COL_NO: 6, COL_DIM: 16, COL_TEXT: 58, COL_ANSWER: 30, COL_EVIDENCE: 30, COL_GUIDE: 30, COL_KEY: 22}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    # The keys stay in the file for the importer, out of sight and out of print.
    ws.column_dimensions[COL_KEY].hidden = True
    ws["A1"] = f"{model.title.get(lang)}  ({model.id} {model.version})"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = _t("fill", lang)
    grey = Font(color="808080", size=8)
    rows: list[tuple[int, str]] = []

    row = 4
    ws.cell(row, 3, text("client.heading", lang)).font = Font(bold=True)
    defaults: dict[str, Any] = {"client.id": client_id or None, "client.language": lang}
    fields = _client_fields(model, lang)
    if respondent is not None:
        defaults.update({f"respondent.{key}": getattr(respondent, key) for key in ("id", "role", "name", "department")})
        shown = "show_no" if respondent.anonymous else "show_yes"
        defaults["respondent.show_name"] = text(f"respondents.fields.{shown}", lang)
        fields += _respondent_fields(lang)
    for field in fields:
        if field.key == "respondent.id":
            row += 1  # a blank row, then the respondent block's heading
            ws.cell(row + 1, 3, text("respondents.fields.heading", lang)).font = Font(bold=True)
            row += 1
        key, kind, choices = field.key, field.kind, field.choices
        row += 1
        ws[f"{COL_TEXT}{row}"] = _field_label(model, key, lang)
        _input_cell(ws, f"{COL_ANSWER}{row}", defaults.get(key))
        ref = f"{COL_ANSWER}{row}"
        if kind == "list":
            _dropdown(ws, ref, lists.ref(tuple(label for label, _ in choices)), lang)
        elif kind in ("whole", "number"):
            ws.add_data_validation(dv := DataValidation(type="whole" if kind == "whole" else "decimal",
                                                        operator="greaterThanOrEqual", formula1="0",
                                                        showErrorMessage=True, error=_t("error", lang)))
            dv.add(ref)
        elif kind == "date":
            ws[ref].number_format = "yyyy-mm-dd"
        ws[f"{COL_KEY}{row}"] = key
        ws[f"{COL_KEY}{row}"].font = grey
        rows.append((row, key))

    row += 2
    header_row = row
    for col, name in zip("ABCDEFG", ("no", "dimension", "question", "answer", "evidence", "guide", "key"), strict=True):
        cell = ws[f"{col}{row}"]
        cell.value = _t(f"columns.{name}", lang)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEAD
    tick_ref = lists.ref((TICK,))
    number = 0
    for dim in model.dimensions:
        row += 1
        ws[f"{COL_DIM}{row}"] = dim.name.get(lang)
        for col in "ABCDEFG":
            ws[f"{col}{row}"].fill = _DIM
        ws[f"{COL_DIM}{row}"].font = Font(bold=True)
        ws[f"{COL_KEY}{row}"] = f"dimension:{dim.id}"
        rows.append((row, f"dimension:{dim.id}"))
        for q in (q for q in model.questions if q.dimension == dim.id):
            number += 1
            row += 1
            ws[f"{COL_NO}{row}"] = f"Q{number}"
            ws[f"{COL_DIM}{row}"] = dim.name.get(lang)
            ws[f"{COL_TEXT}{row}"] = q.text.get(lang)
            ws[f"{COL_TEXT}{row}"].alignment = _WRAP
            guide = _t("tick", lang) if q.is_multi else _t("choose_one", lang)
            if q.scale is not None:
                guide = _t("scale", lang, lo=q.scale.min, hi=q.scale.max)
            ws[f"{COL_GUIDE}{row}"] = guide + (f"\n{q.help.get(lang)}" if q.help else "")
            ws[f"{COL_GUIDE}{row}"].alignment = _WRAP
            _input_cell(ws, f"{COL_EVIDENCE}{row}")
            if not q.is_multi:
                _input_cell(ws, f"{COL_ANSWER}{row}")
                _dropdown(ws, f"{COL_ANSWER}{row}", lists.ref(tuple(choice_labels(q, lang))), lang)
            ws[f"{COL_KEY}{row}"] = q.id
            ws[f"{COL_KEY}{row}"].font = grey
            rows.append((row, q.id))
            # One tick row per choice.
            for label, opt_id in q.choices(lang, text("common.dont_know", lang)) if q.is_multi else ():
                row += 1
                ws[f"{COL_TEXT}{row}"] = _t("option_row", lang, label=label)
                _input_cell(ws, f"{COL_ANSWER}{row}")
                _dropdown(ws, f"{COL_ANSWER}{row}", tick_ref, lang)
                ws[f"{COL_KEY}{row}"] = f"{q.id}:{opt_id}"
                ws[f"{COL_KEY}{row}"].font = grey
                rows.append((row, f"{q.id}:{opt_id}"))
    ws.freeze_panes = f"A{header_row + 1}"
    return rows


def _write_meta(ws: Worksheet, model: MaturityModel, lang: str, rows: list[tuple[int, str]]) -> None:
    header = [("format", FORMAT), ("model_id", model.id), ("model_version", model.version),
              ("fingerprint", model_fingerprint(model)), ("language", lang),
              ("form_sheet", _t("sheets.form", lang)), ("rows", len(rows))]
    for i, (k, v) in enumerate(header, start=1):
        ws.cell(i, 1, k)
        ws.cell(i, 2, v)
    for i, (row, key) in enumerate(rows, start=len(header) + 2):
        ws.cell(i, 1, row)
        ws.cell(i, 2, key)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, kw_only=True)
class _Meta:
    model_id: str
    model_version: str
    fingerprint: str
    lang: str
    form_sheet: str
    rows: list[tuple[int, str]]


def _norm(text: Any) -> str:
    """Compare typed text leniently: full/half width, surrounding spaces."""
    return unicodedata.normalize("NFKC", str(text)).strip()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_intake(path: str | Path, model: MaturityModel, allow_blank: bool = False) -> ClientAnswers:
    """Read a filled intake workbook into validated answers.

    Parameters
    ----------
    path
        The filled workbook.
    model
        The model in use; the workbook must have been generated from the same
        model id, version and questions.
    allow_blank
        Accept blank answers (scored as unanswered, reported as a warning) instead
        of failing; for a questionnaire returned half done.

    Raises
    ------
    AnswersError
        Every problem found, each naming the sheet, row and question (or field).
    """
    file = str(path)
    try:
        wb = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise AnswersError([Problem(file, "", f"cannot open as an Excel workbook (.xlsx): {exc}")]) from None
    if META_SHEET not in wb.sheetnames:
        raise AnswersError([Problem(file, f"sheet '{META_SHEET}'",
                                    "hidden sheet missing: this workbook was not made by `csmaturity intake-template` "
                                    "(or was copied into a new workbook); start from a fresh template")])
    meta = _read_meta(wb[META_SHEET], file)
    problems = _check_model(file, meta, model)
    if problems:
        raise AnswersError(problems)
    if meta.form_sheet not in wb.sheetnames:
        others = [s for s in wb.sheetnames if wb[s].sheet_state == "visible"]
        raise AnswersError([Problem(file, f"sheet '{meta.form_sheet}'", f"sheet not found (visible sheets: {others}); "
                                    f"was it renamed? Rename it back to '{meta.form_sheet}'")])
    ws = wb[meta.form_sheet]
    problems = _check_layout(file, ws, meta, model)
    if problems:
        raise AnswersError(problems)
    reader = _FormReader(file, ws, meta, model, allow_blank)
    data = reader.read()
    if any(p.severity == "error" for p in reader.problems):
        raise AnswersError(reader.problems)
    try:
        parsed = parse_answers(data, model, file=file)
    except AnswersError as exc:
        raise AnswersError([reader.locate(p) for p in exc.problems]) from None
    return ClientAnswers(
        client=parsed.client, answers=parsed.answers, evidence=parsed.evidence, source=file,
        warnings=tuple(reader.problems) + tuple(reader.locate(p) for p in parsed.warnings),
        data_files=parsed.data_files, raw=data, target=parsed.target, respondent=parsed.respondent,
    )


def _read_meta(ws: Worksheet, file: str) -> _Meta:
    """The hidden sheet's contents; AnswersError naming the damaged cell when it was edited."""
    def damaged(where: str, what: str) -> AnswersError:
        return AnswersError([Problem(file, f"sheet '{META_SHEET}', {where}",
                                     f"{what}: the hidden sheet was edited or damaged; start from a fresh template")])

    cells = [tuple(row) + (None,) * (2 - len(row)) for row in ws.iter_rows(values_only=True, max_col=2)]
    head = {str(k): v for k, v in cells[:7] if k is not None}
    for key in ("format", "model_id", "model_version", "fingerprint", "language", "form_sheet"):
        if _blank(head.get(key)):
            raise damaged(f"'{key}'", "value missing")
    if head["format"] != FORMAT:
        raise damaged("'format'", f"expected {FORMAT!r}, found {_short(str(head['format']))!r}")
    if head["language"] not in LANGUAGES:
        raise damaged("'language'", f"expected one of {', '.join(LANGUAGES)}, found {_short(str(head['language']))!r}")
    rows: list[tuple[int, str]] = []
    for number, (row, key) in enumerate(cells[8:], start=9):
        if row is None and key is None:
            continue
        if isinstance(row, bool) or not isinstance(row, int) or _blank(key):
            raise damaged(f"row {number}", "expected a row number and a question key")
        rows.append((row, str(key)))
    return _Meta(model_id=str(head["model_id"]), model_version=str(head["model_version"]),
                 fingerprint=str(head["fingerprint"]), lang=str(head["language"]),
                 form_sheet=str(head["form_sheet"]), rows=rows)


def _question_keys(rows: list[tuple[int, str]]) -> dict[str, int]:
    return {key: row for row, key in rows if ":" not in key and not key.startswith("client.")}


def _check_model(file: str, meta: _Meta, model: MaturityModel) -> list[Problem]:
    """A form from another model (or another version of it) cannot be read row by row."""
    if meta.model_id != model.id:
        return [Problem(file, f"sheet '{META_SHEET}'", f"this form was generated from model '{meta.model_id}', "
                        f"but the model in use is '{model.id}'; generate a new template with this model")]
    if meta.model_version == model.version and meta.fingerprint == model_fingerprint(model):
        return []
    if meta.model_version == model.version:
        head = (f"this form's questions differ from model {model.id} {model.version} although the version is the same "
                "(the model was edited without a version bump); regenerate the template")
    else:
        head = (f"this form was generated from model {model.id} {meta.model_version}; the model in use is "
                f"{model.version}: re-enter the answers in a template made with `csmaturity intake-template`")
    out = [Problem(file, f"sheet '{META_SHEET}'", head)]
    in_form = _question_keys(meta.rows)
    for qid, row in in_form.items():
        if qid not in model.questions_by_id:
            out.append(Problem(file, f"sheet '{meta.form_sheet}', row {row}, question {qid}",
                               f"question not in model {model.version}"))
    for q in model.questions:
        if q.id not in in_form:
            out.append(Problem(file, f"question {q.id}", f"new in model {model.version}; the old form does not ask it"))
    return out


def _check_layout(file: str, ws: Worksheet, meta: _Meta, model: MaturityModel) -> list[Problem]:
    """Every keyed row must still hold its key: rows deleted, inserted or reordered
    would otherwise attach answers to the wrong question."""
    found: dict[str, int] = {}
    for (row, key) in ((r, ws[f"{COL_KEY}{r}"].value) for r in range(1, ws.max_row + 1)):
        if isinstance(key, str):
            found.setdefault(key.strip(), row)
    out: list[Problem] = []
    texts = _row_texts(model, meta.lang)
    shifted: list[tuple[int, str, int]] = []  # (template row, key, offset) of one run of moved rows

    def flush() -> None:
        if not shifted:
            return
        row, key, offset = shifted[0]
        msg = f"{texts.get(key, key)!r} belongs on row {row} but is on row {row + offset}"
        if len(shifted) > 1:
            last_row, last_key, _ = shifted[-1]
            msg += (f", and so are the next {len(shifted) - 1} rows (to row {last_row}, {_describe(last_key)}): "
                    "a row above was deleted or inserted")
        else:
            msg += ": rows were moved, inserted or reordered"
        out.append(Problem(file, f"sheet '{meta.form_sheet}', row {row}, {_describe(key)}",
                           msg + "; restore the original order or copy the answers into a fresh template"))
        shifted.clear()

    for row, key in meta.rows:
        if ws[f"{COL_KEY}{row}"].value == key:
            flush()
        elif key in found:
            if shifted and (found[key] - row != shifted[-1][2] or shifted[-1][0] + 1 != row):
                flush()
            shifted.append((row, key, found[key] - row))
        else:
            flush()
            out.append(Problem(file, f"sheet '{meta.form_sheet}', row {row}, {_describe(key)}",
                               f"{texts.get(key, key)!r} (row {row} of the template) is missing: its row was deleted; "
                               "copy the answers into a fresh template"))
    flush()
    return out


def _describe(key: str) -> str:
    if key.startswith(("client.", "respondent.")):
        return f"field {key}"
    if key.startswith("dimension:"):
        return f"dimension {key.split(':', 1)[1]}"
    if ":" in key:
        qid, opt = key.split(":", 1)
        return f"question {qid} option {opt}"
    return f"question {key}"


def _row_texts(model: MaturityModel, lang: str) -> dict[str, str]:
    """Human text of every key, to quote in messages."""
    out = {f.key: _field_label(model, f.key, lang) for f in [*_client_fields(model, lang), *_respondent_fields(lang)]}
    out.update({f"dimension:{d.id}": d.name.get(lang) for d in model.dimensions})
    for q in model.questions:
        out[q.id] = _short(q.text.get(lang))
        for o in q.options:
            out[f"{q.id}:{o.id}"] = o.label.get(lang)
        out[f"{q.id}:{DONT_KNOW}"] = text("common.dont_know", lang)
    return out


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _FormReader:
    """Reads the client block and the answers of a form whose layout was checked."""

    def __init__(self, file: str, ws: Worksheet, meta: _Meta, model: MaturityModel, allow_blank: bool):
        self.file, self.ws, self.meta, self.model, self.allow_blank = file, ws, meta, model, allow_blank
        self.row_of = {key: row for row, key in meta.rows}
        self.lang = meta.lang
        self.problems: list[Problem] = []

    def where(self, key: str) -> str:
        return f"sheet '{self.meta.form_sheet}', row {self.row_of[key]}, {_describe(key)}"

    def add(self, key: str, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.file, self.where(key), message, severity=severity))  # type: ignore[arg-type]

    def locate(self, problem: Problem) -> Problem:
        """Re-address a problem found by :func:`parse_answers` (a YAML key path) to its row."""
        key = problem.location.removesuffix(".answer").removeprefix("answers.")
        if key in self.row_of:
            return Problem(self.file, self.where(key), problem.message, severity=problem.severity)
        location = f"sheet '{self.meta.form_sheet}'" + (f", {problem.location}" if problem.location else "")
        return Problem(self.file, location, problem.message, severity=problem.severity)

    def cell(self, key: str) -> Any:
        return self.ws[f"{COL_ANSWER}{self.row_of[key]}"].value

    def read(self) -> dict[str, Any]:
        client = self._client()
        respondent = self._respondent()
        answers: dict[str, Any] = {}
        for q in self.model.questions:
            value = self._multi(q) if q.is_multi else self._choice(q)
            if value is None:
                continue
            try:
                checked = q.normalise(value)
            except ValueError as exc:
                self.add(q.id, f"{_short(q.text.get(self.lang))!r}: {exc}")
                continue
            note = self.ws[f"{COL_EVIDENCE}{self.row_of[q.id]}"].value
            answers[q.id] = {"answer": checked, "evidence": str(note).strip()} if not _blank(note) else checked
        data = {"client": client, "model": self.model.ref, "answers": answers}
        return data if respondent is None else {**data, "respondent": respondent}

    def _respondent(self) -> dict[str, Any] | None:
        """The respondent block of a form made for one respondent (None for any other)."""
        fields = [f for f in _respondent_fields(self.lang) if f.key in self.row_of]
        if not fields:
            return None
        values: dict[str, Any] = {}
        for field in fields:
            raw = self.cell(field.key)
            if _blank(raw):
                if field.required:
                    self.add(field.key, f"{_field_label(self.model, field.key, self.lang)!r} is blank; it is required")
                continue
            values[field.key.split(".", 1)[1]] = self._client_value(field.key, field.kind, field.choices, raw)
        show = values.pop("show_name", None)
        return {**values, "anonymous": show != "yes"}

    def _client(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field in _client_fields(self.model, self.lang):
            raw = self.cell(field.key)
            if _blank(raw):
                if field.required:
                    self.add(field.key, f"{_field_label(self.model, field.key, self.lang)!r} is blank; it is required")
                continue
            values[field.key] = self._client_value(field.key, field.kind, field.choices, raw)
        client: dict[str, Any] = {"profile": {}}
        for key, value in values.items():
            if value is not None:
                parts = key.split(".")[1:]
                (client["profile"] if parts[0] == "profile" else client)[parts[-1]] = value
        return client

    def _client_value(self, key: str, kind: str, choices: tuple[tuple[str, str], ...], raw: Any) -> Any:
        if kind == "date":
            if isinstance(raw, dt.datetime):
                return raw.date()
            try:
                return dt.date.fromisoformat(_norm(raw))
            except ValueError:
                self.add(key, f"{raw!r} is not a date; write it as YYYY-MM-DD")
                return None
        if kind in ("whole", "number"):
            if isinstance(raw, (int, float)) and not isinstance(raw, bool) and raw >= 0 and math.isfinite(raw):
                if kind == "number":
                    return float(raw)
                if float(raw).is_integer():
                    return int(raw)
            self.add(key, f"{raw!r} is not a {'whole ' if kind == 'whole' else ''}number of 0 or more")
            return None
        if kind == "list":
            # The label picked from the dropdown, or the value itself typed in.
            values = {_norm(value): value for _, value in choices} | {_norm(label): value for label, value in choices}
            if _norm(raw) in values:
                return values[_norm(raw)]
            self.add(key, f"{raw!r} is not one of the choices {[label for label, _ in choices]}")
            return None
        return str(raw).strip()  # free text is kept as typed

    def _missing(self, q: Question) -> None:
        dont_know = text("common.dont_know", self.lang)
        what = "tick ✓ at least one option below it" if q.is_multi else "choose an answer from the list"
        message = (f"{_short(q.text.get(self.lang))!r}: the answer is blank; {what}"
                   + (f" (or {dont_know!r})" if q.accepts_dont_know else ""))
        self.add(q.id, message + ("; left unanswered" if self.allow_blank else ""),
                 "warning" if self.allow_blank else "error")

    def _choice(self, q: Question) -> Any:
        raw = self.cell(q.id)
        if _blank(raw):
            self._missing(q)
            return None
        labels = {_norm(label): value for label, value in choice_labels(q, self.lang).items()}
        if _norm(raw) in labels:
            return labels[_norm(raw)]
        self.add(q.id, f"{_short(q.text.get(self.lang))!r}: {raw!r} is not one of the choices; "
                       f"pick one of {list(choice_labels(q, self.lang))}")
        return None

    def _multi(self, q: Question) -> Any:
        ticked, bad = [], False
        for opt_id in q.choice_values:
            key = f"{q.id}:{opt_id}"
            raw = self.cell(key)
            if _blank(raw):
                continue
            if _norm(raw) != _norm(TICK):
                self.add(key, f"{raw!r} is not a tick; choose {TICK} from the list or leave the cell blank")
                bad = True
            else:
                ticked.append(opt_id)
        if bad:
            return None
        if not ticked:
            self._missing(q)
            return None
        if DONT_KNOW in ticked:
            if len(ticked) > 1:
                self.add(q.id, f"{_short(q.text.get(self.lang))!r}: {text('common.dont_know', self.lang)!r} is ticked "
                               "together with other options; keep one or the other")
                return None
            return DONT_KNOW
        return ticked


# --------------------------------------------------------------------------- answers files


def answers_data(model: MaturityModel, answers: ClientAnswers) -> dict[str, Any]:
    """The answers-file mapping (client, model, the target and the respondent when
    given, answers with evidence) of ``answers``."""
    body: dict[str, Any] = {}
    for q in model.questions:
        if q.id in answers.answers:
            value = answers.answers[q.id]
            note = answers.evidence.get(q.id)
            body[q.id] = {"answer": value, "evidence": note} if note else value
    data: dict[str, Any] = {"client": answers.client.model_dump(mode="python", exclude_none=True), "model": model.ref}
    for key in ("target", "respondent"):
        block = getattr(answers, key)
        if block is not None:
            data[key] = block.model_dump(mode="python", exclude_none=True)
    return {**data, "answers": body}


def answers_yaml(model: MaturityModel, answers: ClientAnswers) -> str:
    """An answers file (YAML) that :func:`csmaturity.load_answers` reads back to ``answers``."""
    return dump_yaml(answers_data(model, answers))


def write_answers(model: MaturityModel, answers: ClientAnswers, path: str | Path) -> Path:
    """Write ``answers`` as an answers YAML file, atomically."""
    return atomic_write(path, answers_yaml(model, answers))

