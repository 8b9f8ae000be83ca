"""The questionnaire as an ipywidgets form, generated from the model.

Every question becomes a control chosen by its type (radio buttons, toggle buttons
for a scale, one checkbox per option for multi choice), grouped by dimension in an
accordion whose titles count the answered questions. Each answer is checked as it
changes with :meth:`csmaturity.model.Question.normalise`, the validator the YAML
reader and the Excel intake use, and the whole file with :func:`parse_answers`
before it is saved; so the form saves exactly the files ``load_answers`` accepts.

Tests (and notebooks) drive it from Python: set ``form.inputs[qid].choice.value``,
``form.inputs[qid].boxes[option_id].value`` or ``form.client_inputs[field].value``
and read ``form.inputs[qid].message``, ``form.progress`` or ``form.status.value``.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as W

from ..answers import ClientAnswers, load_answers, parse_answers
from ..errors import AnswersError, Problem, ValidationFailed
from ..i18n import text
from ..intake import write_answers
from ..model import DONT_KNOW, MaturityModel, ProfileField, Question

__all__ = ["QuestionInput", "QuestionnaireForm"]

_FULL = W.Layout(width="auto")
#: Who the client is; the model's profile fields follow (see ``_client_widgets``).
_CLIENT_FIELDS = ("id", "name", "industry", "assessment_date", "language")
_TEXT_FIELDS = ("id", "name", "industry")


def _choice_widget(field: ProfileField, lang: str, **kw: Any) -> W.Dropdown:
    """A dropdown of the field's options: an optional field starts blank, a required one
    on its first option."""
    blank = [] if field.required else [("—", None)]
    return W.Dropdown(options=blank + [(o.label.get(lang), o.id) for o in field.options], **kw)


#: The control of each profile field type: (field, language, widget options) -> widget.
_PROFILE_WIDGETS: dict[str, Callable[..., W.ValueWidget]] = {
    "choice": _choice_widget,
    "text": lambda field, lang, **kw: W.Text(**kw),
    "whole": lambda field, lang, **kw: W.BoundedIntText(min=0, max=10**9, **kw),
    "number": lambda field, lang, **kw: W.BoundedFloatText(min=0, max=1e15, **kw),
}
#: A number box cannot be left empty: an optional number is typed as text.
_OPTIONAL_WIDGETS = {**_PROFILE_WIDGETS, "whole": _PROFILE_WIDGETS["text"], "number": _PROFILE_WIDGETS["text"]}


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


def _problem_html(lang: str, head_key: str, problems: list[Problem], names: dict[str, str]) -> str:
    """A red list of problems, each located by the name a person sees on the form."""
    def where(location: str) -> str:
        key = location.removesuffix(".answer").removeprefix("answers.").removeprefix("client.").removeprefix("profile.")
        return names.get(key, location)

    items = "".join(f"<li>{html.escape(where(p.location))}: {html.escape(p.message)}</li>" for p in problems)
    return f"<div style='color:#B00020'>{html.escape(text(f'widgets.{head_key}', lang))}<ul>{items}</ul></div>"


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
        try:
            self.question.normalise(value)
        except ValueError as exc:
            return str(exc)
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
    """

    def __init__(self, model: MaturityModel, lang: str | None = None, answers: ClientAnswers | None = None,
                 path: str | Path = "client.yaml"):
        self.model = model
        self.lang = lang = model.check_language(lang or model.languages[0])
        self.client_inputs = self._client_widgets()
        self.client_status = W.HTML()
        self._names = {**{f: text(f"client.{f}", lang) for f in _CLIENT_FIELDS},
                       **{f.id: f.label.get(lang) for f in model.profile}}
        self.inputs: dict[str, QuestionInput] = {}
        groups = []
        for dim in model.dimensions:
            qs = [q for q in model.questions if q.dimension == dim.id]
            for q in qs:
                self.inputs[q.id] = QuestionInput(q, lang, len(self.inputs) + 1)
                self._names[q.id] = f"Q{len(self.inputs)} ({q.id})"
            groups.append(W.VBox([self.inputs[q.id].widget for q in qs]))
        self.sections = W.Accordion(children=groups)
        self.progress_bar = W.IntProgress(value=0, min=0, max=len(model.questions), description="")
        self.progress_label = W.Label()
        self.path = W.Text(value=str(path), description=text("widgets.file", lang))
        self.save_button = W.Button(description=text("widgets.save", lang), button_style="primary", icon="save")
        self.load_button = W.Button(description=text("widgets.load", lang), icon="folder-open")
        self.status = W.HTML()
        self.save_button.on_click(lambda _: self._on_save())
        self.load_button.on_click(lambda _: self._on_load())
        for qi in self.inputs.values():
            for control in qi.controls():
                control.observe(lambda _change, qi=qi: self._on_answer(qi), names="value")
        for control in self.client_inputs.values():
            control.observe(lambda _change: self._check_client(), names="value")
        client_box = W.VBox([W.HTML(f"<b>{html.escape(text('client.heading', lang))}</b>"),
                             W.GridBox(list(self.client_inputs.values()),
                                       layout=W.Layout(grid_template_columns="repeat(2, 50%)")),
                             self.client_status])
        self.widget = W.VBox([
            W.HTML(f"<h3>{html.escape(model.title.get(lang))} <small>{model.id} {model.version}</small></h3>"),
            client_box,
            W.HBox([self.progress_bar, self.progress_label]),
            self.sections,
            W.HBox([self.path, self.save_button, self.load_button]),
            self.status,
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
        style = {"description_width": "120px"}
        lay = W.Layout(width="95%")
        fields: dict[str, W.ValueWidget] = {
            f: W.Text(description=text(f"client.{f}", self.lang), style=style, layout=lay) for f in _TEXT_FIELDS}
        fields["assessment_date"] = W.DatePicker(description=text("client.assessment_date", self.lang),
                                                 value=dt.date.today(), style=style, layout=lay)
        fields["language"] = W.Dropdown(options=list(self.model.languages), value=self.lang,
                                        description=text("client.language", self.lang), style=style, layout=lay)
        for field in self.model.profile:
            make = (_PROFILE_WIDGETS if field.required else _OPTIONAL_WIDGETS)[field.type]
            fields[field.id] = make(field, self.lang, description=field.label.get(self.lang), style=style, layout=lay)
            fields[field.id].tooltip = field.help.get(self.lang) if field.help else None  # the intake's hint
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

    def data(self) -> dict[str, Any]:
        """The answers file the form currently stands for (not yet validated)."""
        answers: dict[str, Any] = {}
        for qid, qi in self.inputs.items():
            value = qi.raw()
            if value is None:
                continue
            note = qi.evidence.value.strip()
            answers[qid] = {"answer": value, "evidence": note} if note else value
        return {"client": self.client_data(), "model": self.model.ref, "answers": answers}

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
        for qid, qi in self.inputs.items():
            qi.set(answers.answers.get(qid))
            qi.evidence.value = answers.evidence.get(qid, "")
        self._refresh_all()

    def save(self, path: str | Path | None = None) -> Path:
        """Validate and write the answers file; raises :class:`AnswersError` if invalid."""
        target = Path(path or self.path.value)
        answers = self.answers()
        write_answers(self.model, answers, target)
        done, total = self.progress
        saved = text("widgets.saved", self.lang, path=target, done=done, total=total)
        self.status.value = f"<span style='color:#029E73'>{html.escape(saved)}</span>"
        return target

    def load(self, path: str | Path | None = None) -> ClientAnswers:
        """Read an answers file into the form (to continue or correct it)."""
        target = Path(path or self.path.value)
        answers = load_answers(target, self.model)
        self.fill(answers)
        self.path.value = str(target)
        self.status.value = html.escape(text("widgets.loaded", self.lang, path=target))
        return answers

    def _on_save(self) -> None:
        try:
            self.save()
        except ValidationFailed as exc:
            self.status.value = _problem_html(self.lang, "not_saved",
                                              [p for p in exc.problems if p.severity == "error"], self._names)

    def _on_load(self) -> None:
        try:
            self.load()
        except ValidationFailed as exc:
            self.status.value = _problem_html(self.lang, "not_loaded",
                                              [p for p in exc.problems if p.severity == "error"], self._names)

    # ------------------------------------------------------------------ live feedback

    def _on_answer(self, qi: QuestionInput) -> None:
        qi.refresh()
        self._refresh_progress()

    def _check_client(self) -> None:
        """Validate the client block alone, as the answers file will."""
        try:
            # with no answers only the client block can raise (unanswered is a warning)
            parse_answers({"client": self.client_data(), "answers": {}}, self.model, file="<form>")
        except AnswersError as exc:
            self.client_status.value = _problem_html(self.lang, "not_saved",
                                                     [p for p in exc.problems if p.severity == "error"], self._names)
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
