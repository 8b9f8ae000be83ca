"""The questionnaire as an ipywidgets form, generated from the model.

Every question becomes a control chosen by its type (radio buttons, toggle buttons
for a scale, one checkbox per option for multi choice), grouped by dimension in an
accordion whose titles count the answered questions. Each answer is checked as it
changes with :meth:`csmaturity.model.Question.normalise`, the validator the YAML
reader and the Excel intake use, and the whole file with :func:`parse_answers`
before it is saved; so the form saves exactly the files ``load_answers`` accepts.

When several people answer for one client, each fills the respondent fields (id,
role, optional name and department, whether the name may be shown) and saves their own
file into the client's folder; :meth:`QuestionnaireForm.combined` then shows the
folder's consensus, how far the respondents agree and where they disagree most.

Tests (and notebooks) drive it from Python: set ``form.inputs[qid].choice.value``,
``form.inputs[qid].boxes[option_id].value``, ``form.client_inputs[field].value`` or
``form.respondent_inputs[field].value`` and read ``form.inputs[qid].message``,
``form.progress``, ``form.status.value`` or ``form.combined_panel.value``.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as W
import traitlets

from ..answers import ClientAnswers, ClientInfo, load_answers, parse_answers
from ..assessment import Assessment, assess
from ..errors import AnswersError, OutputError, Problem, ValidationFailed
from ..i18n import text
from ..intake import write_answers
from ..io.files import inside, no_link_out
from ..model import DONT_KNOW, MaturityModel, ProfileField, Question
from ..report.formatting import fmt_number, fmt_percent, fmt_score
from ..report.respondents import robustness_sentence
from ..report.results import ReportResults
from ..respondents import load_client

__all__ = ["NumberText", "QuestionInput", "QuestionnaireForm", "problem_message", "problems_html"]

_FULL = W.Layout(width="auto")
#: Who the client is; the model's profile fields follow (see ``_client_widgets``).
_CLIENT_FIELDS = ("id", "name", "industry", "assessment_date", "language")
_TEXT_FIELDS = ("id", "name", "industry")
#: Who answered, when several people answer for the client (all blank: one respondent).
_RESPONDENT_TEXT = ("id", "role", "name", "department")
#: Contested questions the combined panel lists.
_CONTESTED = 3


def _choice_widget(field: ProfileField, lang: str, **kw: Any) -> W.Dropdown:
    """A dropdown of the field's options: an optional field starts blank, a required one
    on its first option."""
    blank = [] if field.required else [("—", None)]
    return W.Dropdown(options=blank + [(o.label.get(lang), o.id) for o in field.options], **kw)


class NumberText(W.Text):
    """A text box for a number: it can stay blank (a number box shows 0, which would be
    saved as an answer nobody gave), and a number set from Python shows as its text."""

    value = traitlets.CUnicode(help="The number as typed").tag(sync=True)


#: The control of each profile field type: (field, language, widget options) -> widget.
#: Numbers are typed as text, so a field left blank stays blank.
_PROFILE_WIDGETS: dict[str, Callable[..., W.ValueWidget]] = {
    "choice": _choice_widget,
    "text": lambda field, lang, **kw: W.Text(**kw),
    "whole": lambda field, lang, **kw: NumberText(**kw),
    "number": lambda field, lang, **kw: NumberText(**kw),
}


def _typed(kind: str, value: Any) -> Any:
    """A number typed as text as the number it reads as (left as typed when it is not
    one: the answers check then says what was expected)."""
    if kind not in ("whole", "number") or not isinstance(value, str):
        return value
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        return value
    return int(number) if kind == "whole" and number.is_integer() else number


#: The kinds of problem a person can cause on a form or in a file they upload, told
#: apart by the words of the kit's validators: (pattern of the message, key under
#: ``widgets.errors``). The first match wins.
_PROBLEM_KINDS = (
    (r"^file not found", "file_not_found"),
    (r"^not an answers file", "not_answers"),
    (r"^(not UTF-8 text|malformed YAML|cannot open as an Excel|expected a YAML mapping|file is empty|"
     r"not a regular file|cannot read file)|was not made by `csmaturity intake-template`", "unreadable"),
    (r"at least 1 character|required key is missing|^expected text, got (''|None|nothing)", "required"),
    (r"bytes in UTF-8", "too_long"),
    (r"valid date|date_from_datetime|date_parsing", "date"),
    (r"expected a (whole )?number|valid (integer|number)", "number"),
    (r"is not one of|is not an option|not an option of", "choice"),
    (r"cannot be combined", "exclusive"),
    (r"unknown key|unknown question|unknown profile field", "unknown_key"),
    (r"answers were made for model|generated from model|model \S+ version", "other_model"),
)


def problem_message(problem: Problem, lang: str) -> str:
    """What went wrong in words of ``lang`` from the text store, for the forms.

    The kit's validators say it in English for people editing YAML files; the forms
    speak the person's language. A problem of a kind not in :data:`_PROBLEM_KINDS`
    gets a general sentence, with the validator's words in English only.
    """
    for pattern, key in _PROBLEM_KINDS:
        if re.search(pattern, problem.message):
            return text(f"widgets.errors.{key}", lang, file=Path(problem.file).name)
    general = text("widgets.errors.other", lang)
    return f"{general} ({problem.message})" if lang == "en" else general


def problems_html(lang: str, head_key: str, problems: list[Problem], names: dict[str, str],
                  file: str | None = None) -> str:
    """A red list of problems, each located by the name a person sees on the form (and
    by ``file``, the name of the file it was read from, when there is one)."""
    def where(location: str) -> str:
        key = location.removesuffix(".answer").removeprefix("answers.").removeprefix("client.").removeprefix("profile.")
        return names.get(key, location)

    def item(p: Problem) -> str:
        place = ": ".join(filter(None, (file, where(p.location))))
        return f"<li>{html.escape(place)}: {html.escape(problem_message(p, lang))}</li>" if place else \
            f"<li>{html.escape(problem_message(p, lang))}</li>"

    items = "".join(item(p) for p in problems)
    return f"<div style='color:#B00020'>{html.escape(text(f'widgets.{head_key}', lang))}<ul>{items}</ul></div>"


def _stamped(path: Path) -> tuple[Path, int]:
    """``path`` resolved, with its modification time (ns)."""
    path = path.resolve()
    return path, path.stat().st_mtime_ns


class QuestionInput:
    """The controls of one question: ``choice`` (single, yes/no, scale) or ``boxes``
    (multi: option id -> Checkbox, "don't know" too where the question accepts it),
    ``evidence`` and a ``status`` line showing the validation message."""

    def __init__(self, question: Question, lang: str, number: int):
        self.question = question
        self.lang = lang
        choices = question.choices(lang, text("common.dont_know", lang))  # "don't know" only where accepted
        self.choice: W.ValueWidget | None = None
        self.boxes: dict[str, W.Checkbox] = {}
        if question.is_multi:
            self.boxes = {str(v): W.Checkbox(value=False, description=lab, indent=False, layout=_FULL)
                          for lab, v in choices}
            control: W.Widget = W.VBox(list(self.boxes.values()))
        elif question.scale is not None:  # short buttons, the points' labels as tooltips and a legend
            self.choice = W.ToggleButtons(options=[(lab if v == DONT_KNOW else str(v), v) for lab, v in choices],
                                          value=None, tooltips=[lab for lab, _ in choices],
                                          style={"button_width": "auto"})
            legend = " / ".join(f"{v} = {lab.get(lang)}" for v, lab in sorted(question.scale.labels.items()))
            control = W.VBox([self.choice, W.HTML(f"<small>{html.escape(legend)}</small>")])
        else:
            self.choice = W.RadioButtons(options=choices, value=None, layout=_FULL)
            control = self.choice
        self.evidence = W.Text(placeholder=text("widgets.evidence", lang), layout=W.Layout(width="90%"))
        self.status = W.HTML()
        title = W.HTML(f"<b>Q{number}.</b> {html.escape(question.text.get(lang))}")
        help_text = [W.HTML(f"<small>{html.escape(question.help.get(lang))}</small>")] if question.help else []
        self.widget = W.VBox([title, *help_text, control, self.evidence, self.status],
                             layout=W.Layout(border_bottom="1px solid #ddd", padding="4px 0 8px 0"))

    def controls(self) -> list[W.ValueWidget]:
        """The widgets whose change changes the answer."""
        return list(self.boxes.values()) if self.boxes else [self.choice]  # type: ignore[list-item]

    def raw(self) -> Any:
        """The answer as the controls hold it; None when unanswered."""
        if not self.boxes:
            return self.choice.value  # type: ignore[union-attr]
        ticked = [i for i, box in self.boxes.items() if box.value]
        if ticked == [DONT_KNOW]:
            return DONT_KNOW
        return ticked or None

    @property
    def message(self) -> str | None:
        """Why the current answer is not acceptable (None when it is, or is blank)."""
        value = self.raw()
        if value is None:
            return None
        if self.mixes_dont_know:
            return text("widgets.mixes_dont_know", self.lang, dont_know=text("common.dont_know", self.lang))
        if isinstance(value, list) and len(value) > 1:  # named by its label, not its id
            alone = next((o for o in self.question.options if o.exclusive and o.id in value), None)
            if alone is not None:
                return text("widgets.errors.exclusive_option", self.lang, option=alone.label.get(self.lang))
        try:
            self.question.normalise(value)
        except ValueError as exc:
            return problem_message(Problem("", "", str(exc)), self.lang)
        return None

    @property
    def mixes_dont_know(self) -> bool:
        """Multi choice with "don't know" ticked beside real options."""
        value = self.raw()
        return isinstance(value, list) and DONT_KNOW in value

    @property
    def answered(self) -> bool:
        return self.raw() is not None and self.message is None

    def set(self, value: Any) -> None:
        """Show a validated answer value (None clears the question)."""
        if self.boxes:
            chosen = [value] if isinstance(value, str) else list(value or [])
            for i, box in self.boxes.items():
                box.value = i in chosen
        else:
            self.choice.value = value  # type: ignore[union-attr]

    def refresh(self) -> None:
        msg = self.message
        if msg:
            self.status.value = f"<span style='color:#B00020'>⚠ {html.escape(msg)}</span>"
        else:
            self.status.value = "<span style='color:#029E73'>✓</span>" if self.answered else ""


class QuestionnaireForm:
    """The whole questionnaire of ``model`` in ``lang``, ready to display.

    Parameters
    ----------
    model
        The maturity model; one control per question, in model order.
    lang
        ``ja`` or ``en``, one of the model's languages (default: its first): question
        and option labels, interface words.
    answers
        Optional answers to show (e.g. a file loaded to be edited).
    path
        Default file for the save / load buttons.
    folder
        When given, the file box names files inside this folder only (a relative name
        is taken inside it; a path leading out, or through a link out, is refused):
        what a form served to others needs.
    """

    def __init__(self, model: MaturityModel, lang: str | None = None, answers: ClientAnswers | None = None,
                 path: str | Path = "client.yaml", folder: str | Path | None = None):
        self.model = model
        self.folder = Path(folder).resolve() if folder is not None else None
        #: The file this form last saved or loaded, and its modification time then: saving
        #: onto it again needs no confirmation unless something else has written it since.
        self.written: tuple[Path, int] | None = None
        self._replace: Path | None = None
        self.lang = lang = model.check_language(lang or model.languages[0])
        self.client_inputs = self._client_widgets()
        self.client_status = W.HTML()
        self.respondent_inputs = self._respondent_widgets()
        #: The name a person sees for each field and question, by its key in the file.
        self.field_names = {**{f: text(f"client.{f}", lang) for f in _CLIENT_FIELDS},
                       **{f.id: f.label.get(lang) for f in model.profile},
                       **{f"respondent.{f}": text(f"respondents.fields.{f}", lang) for f in _RESPONDENT_TEXT}}
        self.inputs: dict[str, QuestionInput] = {}
        groups = []
        for dim in model.dimensions:
            qs = [q for q in model.questions if q.dimension == dim.id]
            for q in qs:
                self.inputs[q.id] = QuestionInput(q, lang, len(self.inputs) + 1)
                self.field_names[q.id] = f"Q{len(self.inputs)} ({q.id})"
            groups.append(W.VBox([self.inputs[q.id].widget for q in qs]))
        self.sections = W.Accordion(children=groups)
        self.progress_bar = W.IntProgress(value=0, min=0, max=len(model.questions), description="")
        self.progress_label = W.Label()
        self.path = W.Text(value=str(path), description=text("widgets.file", lang))
        self.save_button = W.Button(description=text("widgets.save", lang), button_style="primary", icon="save")
        self.load_button = W.Button(description=text("widgets.load", lang), icon="folder-open")
        self.status = W.HTML()
        self.combine_button = W.Button(description=text("respondents.combined.button", lang), icon="users")
        self.combined_panel = W.HTML()
        #: Client and respondent fields the person has changed: only their problems show
        #: before the first Save (a blank form is not an error).
        self.touched: set[str] = set()
        self.save_button.on_click(lambda _: self._on_save())
        self.load_button.on_click(lambda _: self._on_load())
        self.combine_button.on_click(lambda _: self._on_combine())
        for qi in self.inputs.values():
            for control in qi.controls():
                control.observe(lambda _change, qi=qi: self._on_answer(qi), names="value")
        for key, control in [*self.client_inputs.items(),
                             *((f"respondent.{f}", w) for f, w in self.respondent_inputs.items())]:
            control.observe(lambda _change, key=key: self._on_client_change(key), names="value")
        client_box = W.VBox([W.HTML(f"<b>{html.escape(text('client.heading', lang))}</b>"),
                             W.GridBox(list(self.client_inputs.values()),
                                       layout=W.Layout(grid_template_columns="repeat(2, 50%)")),
                             W.HTML(f"<b>{html.escape(text('respondents.fields.heading', lang))}</b>"),
                             W.GridBox(list(self.respondent_inputs.values()),
                                       layout=W.Layout(grid_template_columns="repeat(2, 50%)")),
                             self.client_status])
        self.widget = W.VBox([
            W.HTML(f"<h3>{html.escape(model.title.get(lang))} <small>{model.id} {model.version}</small></h3>"),
            client_box,
            W.HBox([self.progress_bar, self.progress_label]),
            self.sections,
            W.HBox([self.path, self.save_button, self.load_button, self.combine_button]),
            self.status,
            self.combined_panel,
        ])
        if answers is not None:
            self.fill(answers)
        self._refresh_all()

    def summary(self) -> str:
        """One line of plain text: the model, the language and the progress."""
        done, total = self.progress
        return f"QuestionnaireForm: {self.model.id} {self.model.version} ({self.lang}), {done}/{total} answered"

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.summary()  # short and stable for stored notebook outputs
        return bundle

    def _client_widgets(self) -> dict[str, W.ValueWidget]:
        style = {"description_width": "150px"}
        lay = W.Layout(width="95%")
        fields: dict[str, W.ValueWidget] = {
            f: W.Text(description=text(f"client.{f}", self.lang), style=style, layout=lay) for f in _TEXT_FIELDS}
        fields["assessment_date"] = W.DatePicker(description=text("client.assessment_date", self.lang),
                                                 value=dt.date.today(), style=style, layout=lay)
        fields["language"] = W.Dropdown(options=[(text("apps.language_name", code), code)
                                                 for code in self.model.languages], value=self.lang,
                                        description=text("client.language", self.lang), style=style, layout=lay)
        for field in self.model.profile:
            fields[field.id] = _PROFILE_WIDGETS[field.type](field, self.lang, description=field.label.get(self.lang),
                                                            style=style, layout=lay)
            fields[field.id].tooltip = field.help.get(self.lang) if field.help else None  # the intake's hint
        return fields

    def _respondent_widgets(self) -> dict[str, W.ValueWidget]:
        style = {"description_width": "150px"}
        lay = W.Layout(width="95%")
        fields: dict[str, W.ValueWidget] = {
            f: W.Text(description=text(f"respondents.fields.{f}", self.lang), style=style, layout=lay)
            for f in _RESPONDENT_TEXT}
        fields["show_name"] = W.Checkbox(value=False, description=text("respondents.fields.show_name", self.lang),
                                         indent=False, layout=lay)
        return fields

    # ------------------------------------------------------------------ state

    @property
    def progress(self) -> tuple[int, int]:
        """(questions answered acceptably, questions in the model)."""
        return sum(qi.answered for qi in self.inputs.values()), len(self.inputs)

    def client_data(self) -> dict[str, Any]:
        """The client block as an answers file holds it."""
        values = {f: w.value.strip() if isinstance(w.value, str) else w.value for f, w in self.client_inputs.items()}
        client = {f: values[f] for f in _CLIENT_FIELDS}
        client["profile"] = {f.id: _typed(f.type, values[f.id]) for f in self.model.profile
                             if values[f.id] not in ("", None)}
        return client

    def respondent_data(self) -> dict[str, Any] | None:
        """The respondent block as an answers file holds it; None when the respondent
        fields are blank (the client's one respondent)."""
        values = {f: self.respondent_inputs[f].value.strip() for f in _RESPONDENT_TEXT}
        if not any(values.values()):
            return None
        block: dict[str, Any] = {f: v for f, v in values.items() if v or f in ("id", "role")}
        block["anonymous"] = not self.respondent_inputs["show_name"].value
        return block

    def data(self) -> dict[str, Any]:
        """The answers file the form currently stands for (not yet validated)."""
        answers: dict[str, Any] = {}
        for qid, qi in self.inputs.items():
            value = qi.raw()
            if value is None:
                continue
            note = qi.evidence.value.strip()
            answers[qid] = {"answer": value, "evidence": note} if note else value
        respondent = self.respondent_data()
        return {"client": self.client_data(), "model": self.model.ref,
                **({"respondent": respondent} if respondent else {}), "answers": answers}

    def working_answers(self) -> ClientAnswers:
        """The acceptable answers given so far, for scoring while the form is filled
        (the what-if panel follows it): unanswered and refused questions are left out
        and the client block is taken as typed, unchecked. Not for saving: see
        :meth:`answers`."""
        given = {qid: qi.question.normalise(qi.raw()) for qid, qi in self.inputs.items() if qi.answered}
        client = self.client_data()
        client["language"] = client["language"] or self.lang
        return ClientAnswers(client=ClientInfo.model_construct(**client), answers=given, source="<form>")

    def state(self) -> dict[str, Any]:
        """Everything typed, ticked and chosen, valid or not: :meth:`restore` puts it
        into another form of the same model (the same client in another language)."""
        return {"client": {f: w.value for f, w in self.client_inputs.items()},
                "respondent": {f: w.value for f, w in self.respondent_inputs.items()},
                "answers": {qid: qi.raw() for qid, qi in self.inputs.items()},
                "evidence": {qid: qi.evidence.value for qid, qi in self.inputs.items()},
                "path": self.path.value, "touched": set(self.touched), "written": self.written,
                "replace": self._replace}

    def restore(self, state: dict[str, Any]) -> None:
        """Show a :meth:`state` of a form of the same model."""
        with self.widget.hold_sync():
            for group, widgets in (("client", self.client_inputs), ("respondent", self.respondent_inputs)):
                for f, value in state[group].items():
                    widgets[f].value = value
            for qid, qi in self.inputs.items():
                qi.set(state["answers"].get(qid))
                qi.evidence.value = state["evidence"].get(qid, "")
            self.path.value = state["path"]
        self.touched = set(state["touched"])
        self.written, self._replace = state.get("written"), state.get("replace")
        self._refresh_all()

    def answers(self) -> ClientAnswers:
        """Validate the whole form like an answers file.

        Raises
        ------
        AnswersError
            Every problem, located by question id or client field.
        """
        data = self.data()
        problems: list[Problem] = []
        for qid, qi in self.inputs.items():
            if qi.mixes_dont_know:  # parse_answers would only say "'dont_know' is not an option"
                problems.append(Problem("<form>", f"answers.{qid}", qi.message or ""))
                del data["answers"][qid]
        parsed = None
        try:
            parsed = parse_answers(data, self.model, file="<form>")
        except AnswersError as exc:
            problems.extend(exc.problems)
        if parsed is None or problems:
            raise AnswersError(problems)
        return parsed

    # ------------------------------------------------------------------ actions

    def fill(self, answers: ClientAnswers) -> None:
        """Show ``answers`` (client, answers, evidence) in the form."""
        client = answers.client
        for f in _CLIENT_FIELDS:
            self.client_inputs[f].value = getattr(client, f)
        for f, value in client.profile.items():
            widget = self.client_inputs[f]
            widget.value = str(value) if isinstance(widget, W.Text) else value
        who = answers.respondent
        for f in _RESPONDENT_TEXT:
            self.respondent_inputs[f].value = (getattr(who, f) or "") if who is not None else ""
        self.respondent_inputs["show_name"].value = who is not None and not who.anonymous
        for qid, qi in self.inputs.items():
            qi.set(answers.answers.get(qid))
            qi.evidence.value = answers.evidence.get(qid, "")
        self._refresh_all()

    def target(self) -> Path:
        """The file named in the file box; inside :attr:`folder` when the form has one.

        Raises
        ------
        OutputError
            When the form has a folder and the file would be outside it (or reached
            through a symbolic link leading out of it).
        """
        typed = Path(self.path.value.strip()).expanduser()
        if self.folder is None:
            return typed
        full = inside(self.folder, typed)
        no_link_out(self.folder, self.folder / typed)
        return full

    def save(self, path: str | Path | None = None) -> Path:
        """Validate and write the answers file; raises :class:`AnswersError` if invalid."""
        target = Path(path) if path else self.target()
        answers = self.answers()
        write_answers(self.model, answers, target)
        self.written = _stamped(target)
        done, total = self.progress
        saved = text("widgets.saved", self.lang, path=target, done=done, total=total)
        self.status.value = f"<span style='color:#029E73'>{html.escape(saved)}</span>"
        return target

    def load(self, path: str | Path | None = None) -> ClientAnswers:
        """Read an answers file into the form (to continue or correct it)."""
        target = Path(path) if path else self.target()
        answers = load_answers(target, self.model)
        self.fill(answers)
        self.path.value = str(target)
        self.written = _stamped(target)
        self.status.value = html.escape(text("widgets.loaded", self.lang, path=target))
        return answers

    def combined(self, folder: str | Path | None = None) -> Assessment:
        """Assess the client folder of several respondents' files (default: the folder of
        the form's file) and show their consensus in :attr:`combined_panel`: the
        consensus score and level, the agreement, how firm the level is and the
        questions where they disagree most. Raises :class:`AnswersError` when the files
        do not make one client."""
        where = Path(folder) if folder is not None else self.target().parent
        result = assess(self.model, load_client(where, self.model), lang=self.lang)
        self.combined_panel.value = self._combined_html(result)
        return result

    def _combined_html(self, result: Assessment) -> str:
        lang = self.lang
        team = result.respondents
        if team is None:
            return html.escape(text("respondents.combined.single", lang, file=result.answers.source))
        card = result.scorecard
        scale = self.model.score_scale
        head = text("respondents.combined.title", lang, client=result.answers.client.name, n=team.count)
        figures = [text("respondents.combined.overall", lang, overall=fmt_score(card.overall, scale),
                        level=card.level.name.get(lang)),
                   text("respondents.combined.agreement", lang, alpha=fmt_number(team.agreement, 2))]
        firm = robustness_sentence(ReportResults(assessment=result)) or ""
        items = []
        for qid, row in team.contested(_CONTESTED).iterrows():
            spread = text("respondents.contested_range", lang, low=fmt_percent(row["min"]),
                          high=fmt_percent(row["max"]))
            items.append(f"<li>{html.escape(self.model.question(qid).text.get(lang))} "
                         f"<small>({html.escape(spread)})</small></li>")
        contested = "".join(items)
        return (f"<div style='border-left:4px solid #0173B2;padding:4px 10px'><b>{html.escape(head)}</b><br>"
                f"{html.escape(' · '.join(figures))}<br><small>{html.escape(firm)}</small>"
                + (f"<br>{html.escape(text('respondents.combined.contested', lang))}<ul>{contested}</ul>"
                   if contested else "") + "</div>")

    def _on_combine(self) -> None:
        try:
            self.combined()
        except ValidationFailed as exc:
            errors = [p for p in exc.problems if p.severity == "error"]
            self.combined_panel.value = problems_html(self.lang, "not_loaded", errors, self.field_names)
        except OutputError:
            self.combined_panel.value = self._outside_html()

    def _outside_html(self) -> str:
        words = text("widgets.outside_folder", self.lang, path=self.path.value, folder=self.folder)
        return f"<span style='color:#B00020'>{html.escape(words)}</span>"

    def _asks_to_replace(self, target: Path) -> bool:
        """Whether Save must first ask: ``target`` is a file this form neither wrote nor
        opened (another client's answers, saved before). A second Save replaces it."""
        target = target.resolve()
        if not target.exists() or _stamped(target) == self.written or target == self._replace:
            self._replace = None
            return False
        self._replace = target
        words = text("widgets.overwrite", self.lang, file=target.name)
        self.status.value = f"<span style='color:#B35900'>⚠ {html.escape(words)}</span>"
        return True

    def _on_save(self) -> None:
        try:
            target = self.target()
            if not self._asks_to_replace(target):
                self.save(target)
        except ValidationFailed as exc:
            self._check_client(everything=True)
            self.status.value = problems_html(self.lang, "not_saved",
                                              [p for p in exc.problems if p.severity == "error"], self.field_names)
        except OutputError:
            self.status.value = self._outside_html()
        except OSError as exc:  # a folder where the file should be, a full disk, no permission
            words = text("widgets.not_written", self.lang, file=self.path.value, reason=exc.strerror or exc)
            self.status.value = f"<span style='color:#B00020'>{html.escape(words)}</span>"

    def _on_load(self) -> None:
        try:
            self.load()
        except ValidationFailed as exc:
            self.status.value = problems_html(self.lang, "not_loaded",
                                              [p for p in exc.problems if p.severity == "error"], self.field_names,
                                              file=Path(self.path.value).name)
        except OutputError:
            self.status.value = self._outside_html()

    # ------------------------------------------------------------------ live feedback

    def _on_answer(self, qi: QuestionInput) -> None:
        qi.refresh()
        self._refresh_progress()

    def _on_client_change(self, key: str) -> None:
        self.touched.add(key)
        self._check_client()

    def _check_client(self, everything: bool = False) -> None:
        """Validate the client block alone, as the answers file will, and show the
        problems of the fields the person has touched (``everything``: of all fields)."""
        try:
            # with no answers only the client block can raise (unanswered is a warning)
            respondent = self.respondent_data()
            parse_answers({"client": self.client_data(), **({"respondent": respondent} if respondent else {}),
                           "answers": {}}, self.model, file="<form>")
        except AnswersError as exc:
            def shown(p: Problem) -> bool:
                key = p.location.removeprefix("client.").removeprefix("profile.")
                return everything or key in self.touched or (key == "respondent" and bool(self.touched))

            problems = [p for p in exc.problems if p.severity == "error" and shown(p)]
            self.client_status.value = problems_html(self.lang, "check_fields", problems, self.field_names) \
                if problems else ""
            return
        self.client_status.value = "<span style='color:#029E73'>✓</span>"

    def _refresh_progress(self) -> None:
        done, total = self.progress
        self.progress_bar.value = done
        self.progress_label.value = text("widgets.answered", self.lang, done=done, total=total)
        for i, dim in enumerate(self.model.dimensions):
            qs = [qi for qi in self.inputs.values() if qi.question.dimension == dim.id]
            mark = " ✓" if all(qi.answered for qi in qs) else ""
            self.sections.set_title(i, f"{dim.name.get(self.lang)}  ({sum(qi.answered for qi in qs)}/{len(qs)}){mark}")

    def _refresh_all(self) -> None:
        for qi in self.inputs.values():
            qi.refresh()
        self._check_client()
        self._refresh_progress()
