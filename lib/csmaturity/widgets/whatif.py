"""What-if panel: move dimension weights and answers, watch the overall score and level.

Nothing is re-implemented: each change builds a re-validated model
(:func:`csmaturity.parse_model`) and answers checked by ``Question.normalise``, and
scores them with :func:`csmaturity.score`, the function every report uses.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
from collections.abc import Iterator
from typing import Any

import ipywidgets as W
import pandas as pd
import traitlets

from ..answers import ClientAnswers
from ..errors import ModelError
from ..i18n import text
from ..model import DONT_KNOW, AnswerValue, MaturityModel, Question, parse_model
from ..scoring import Scorecard, score

__all__ = ["with_weights", "with_answer", "single_change_lifts", "CheckboxGroup", "WhatIfPanel"]

#: The tables of the panel: a row per line, columns apart, numbers to the right.
TABLE_CSS = ("<style>.csm-table{border-collapse:collapse;margin:6px 0}"
             ".csm-table th,.csm-table td{padding:3px 12px;border-bottom:1px solid #ddd;vertical-align:top}"
             ".csm-table th{background:#f2f4f7;text-align:left}.csm-table td.num{text-align:right}</style>")


def with_weights(model: MaturityModel, weights: dict[str, float]) -> MaturityModel:
    """``model`` with new dimension weights, validated like a model file.

    Raises
    ------
    ModelError
        E.g. when every weight is 0.
    """
    data = model.model_dump(mode="json")
    for dim in data["dimensions"]:
        dim["weight"] = float(weights.get(dim["id"], dim["weight"]))
    return parse_model(data, file="<what-if>")


def with_answer(model: MaturityModel, answers: ClientAnswers, question_id: str, value: Any) -> ClientAnswers:
    """``answers`` with one answer changed (``None`` = unanswered), checked by the shared validator.

    Raises
    ------
    ValueError
        When ``value`` is not a valid answer to the question.
    """
    new = dict(answers.answers)
    if value is None:
        new.pop(question_id, None)
    else:
        try:
            new[question_id] = model.question(question_id).normalise(value)
        except ValueError as exc:
            raise ValueError(f"{question_id}: {exc}") from None
    return dataclasses.replace(answers, answers=new)


def _label(question: Question, value: AnswerValue | None, lang: str) -> str:
    if value is None:
        return "—"
    if value == DONT_KNOW:
        return text("common.dont_know", lang)
    return " + ".join(question.answer_labels(value, lang))


class CheckboxGroup(W.VBox):
    """A multi-choice control of one checkbox per option (no Ctrl-click), with the
    ``options`` and tuple ``value`` of a SelectMultiple."""

    value = traitlets.Tuple(help="The values of the ticked options")

    def __init__(self, options: list[tuple[str, Any]], value: tuple[Any, ...] = (), **kwargs: Any):
        self.options = options
        self.boxes = {v: W.Checkbox(value=v in value, description=label, indent=False, layout=W.Layout(width="auto"))
                      for label, v in options}
        super().__init__(children=list(self.boxes.values()), **kwargs)
        self._syncing = False
        self.value = tuple(value)
        for box in self.boxes.values():
            box.observe(lambda _change: self._from_boxes(), names="value")
        self.observe(lambda _change: self._to_boxes(), names="value")

    def _from_boxes(self) -> None:
        ticked = tuple(v for v, box in self.boxes.items() if box.value)
        if not self._syncing and ticked != self.value:
            self.value = ticked

    def _to_boxes(self) -> None:
        self._syncing = True  # the boxes follow the value, not the other way round
        try:
            for v, box in self.boxes.items():
                box.value = v in self.value
        finally:
            self._syncing = False


def _as_selection(value: AnswerValue | None) -> tuple[str, ...]:
    """A multi-choice answer as a CheckboxGroup value."""
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (str(value),)


def _better_answers(question: Question, current: AnswerValue | None) -> list[AnswerValue]:
    """Answers one step of practice away from ``current`` that earn more points."""
    known = current not in (None, DONT_KNOW)
    if question.is_multi:  # add one practice to those in place
        have = [v for v in current if not question.option(v).exclusive] if known else []  # type: ignore[union-attr]
        return [have + [o.id] for o in question.options if o.id not in have and not o.exclusive and o.points > 0]
    floor = question.fraction(current) if known else -1.0  # type: ignore[arg-type]
    return [v for v in question.option_values if question.fraction(v) > floor]


def _change_label(question: Question, current: AnswerValue | None, new: AnswerValue, lang: str) -> str:
    """The change in words: the new answer, or "+ option" for an option added to a
    multi-choice answer (the options already ticked stay as they are)."""
    if question.is_multi and isinstance(new, list) and isinstance(current, list):
        return " ".join(f"+ {label}" for label in question.answer_labels([v for v in new if v not in current], lang))
    return _label(question, new, lang)


def single_change_lifts(model: MaturityModel, answers: ClientAnswers, lang: str = "en") -> pd.DataFrame:
    """Every one-answer improvement scored with :func:`score`, best first.

    Columns: question, dimension, from, to (labels in ``lang``), change (what is
    done: the new answer, or for multi choice the option added), overall, gain, level
    (id) and level_up (the level is above the current one).
    """
    base = score(model, answers)
    order = [lv.id for lv in model.levels]
    rows = []
    for q in model.questions:
        current = answers.answers.get(q.id)
        for value in _better_answers(q, current):
            card = score(model, with_answer(model, answers, q.id, value))
            new = card.questions.loc[q.id, "answer"]
            rows.append({"question": q.id, "dimension": model.dimensions_by_id[q.dimension].name.get(lang),
                         "from": _label(q, current, lang), "to": _label(q, new, lang),
                         "change": _change_label(q, current, new, lang), "overall": card.overall,
                         "gain": card.overall - base.overall, "level": card.level.id,
                         "level_up": order.index(card.level.id) > order.index(base.level.id)})
    table = pd.DataFrame(rows, columns=["question", "dimension", "from", "to", "change", "overall", "gain", "level",
                                        "level_up"])
    return table.sort_values(["level_up", "gain"], ascending=False, kind="stable").reset_index(drop=True)


class WhatIfPanel:
    """Weight sliders and answer controls for one client, with the live result.

    ``weights[dim_id]`` are FloatSliders, ``answer_inputs[qid]`` are Dropdowns
    (single, yes/no, scale) or :class:`CheckboxGroup` (multi), offering "don't know" only where
    the question accepts it. Scores are shown on the model's score scale. After any change
    ``result`` is the what-if :class:`Scorecard` (``baseline`` is the client as
    answered), ``error`` says why the model cannot be scored (e.g. all weights 0)
    and ``scoreboard`` is the HTML widget shown.
    """

    def __init__(self, model: MaturityModel, answers: ClientAnswers, lang: str | None = None):
        self.model = model
        self.base_answers = answers
        self.lang = model.check_language(lang or answers.client.language)
        self.baseline: Scorecard = score(model, answers)
        self.result: Scorecard = self.baseline
        self.current_model: MaturityModel = model
        self.current_answers: ClientAnswers = answers
        self.error: str | None = None
        top = max(30.0, 2 * max(d.weight for d in model.dimensions))
        self.weights = {d.id: W.FloatSlider(value=d.weight, min=0, max=top, step=1, continuous_update=False,
                                            description=d.name.get(self.lang), style={"description_width": "180px"},
                                            layout=W.Layout(width="520px"))
                        for d in model.dimensions}
        self.answer_inputs = {q.id: self._answer_widget(q) for q in model.questions}
        self.scoreboard = W.HTML()
        self.lifts = W.HTML()
        reset = W.Button(description=text("widgets.reset", self.lang), icon="undo")
        reset.on_click(lambda _: self.reset())
        suggest = W.Button(description=text("widgets.suggest", self.lang), icon="lightbulb-o",
                           layout=W.Layout(width="auto"))
        suggest.on_click(lambda _: self.suggest())
        self._paused = False
        for control in [*self.weights.values(), *self.answer_inputs.values()]:
            control.observe(lambda _change: None if self._paused else self.update(), names="value")
        answer_tabs = W.Accordion(children=[
            W.VBox([self._question_box(q) for q in model.questions if q.dimension == d.id]) for d in model.dimensions
        ], titles=tuple(d.name.get(self.lang) for d in model.dimensions))
        controls = W.Tab(children=[W.VBox(list(self.weights.values())), answer_tabs],
                         titles=(text("widgets.weights", self.lang), text("widgets.answers", self.lang)))
        self.widget = W.VBox([self.scoreboard, controls, W.HBox([reset, suggest]), self.lifts])
        self.update()

    def summary(self) -> str:
        """One line of plain text: the client's overall score and level, as is and what if."""
        base, now = self.baseline, self.result
        return (f"WhatIfPanel: {self.base_answers.client.id} overall {self._fine(base.overall)} -> "
                f"{self._fine(now.overall)}, "
                f"level {base.level.id} -> {now.level.id}" + (f" (invalid: {self.error})" if self.error else ""))

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.summary()  # short and stable for stored notebook outputs
        return bundle

    def _answer_widget(self, q: Question) -> W.ValueWidget:
        value = self.base_answers.answers.get(q.id)
        layout = W.Layout(width="95%")
        # "don't know" only where accepted; a blank choice too, as the form starts blank
        options: list[tuple[str, Any]] = q.choices(self.lang, text("common.dont_know", self.lang))
        if q.is_multi:
            return CheckboxGroup(options, _as_selection(value), layout=layout)
        return W.Dropdown(options=[("—", None), *options], value=value, layout=layout)

    def _question_box(self, q: Question) -> W.VBox:
        """A question's whole text (wrapped, never cut) above its control."""
        return W.VBox([W.HTML(f"<div style='line-height:1.4'>{html.escape(q.text.get(self.lang))}</div>"),
                       self.answer_inputs[q.id]], layout=W.Layout(padding="2px 0 6px 0"))

    def _answers_now(self) -> ClientAnswers:
        answers = self.base_answers
        for qid, control in self.answer_inputs.items():
            value = control.value
            if isinstance(control, CheckboxGroup):  # () = unanswered, (dont_know,) = don't know
                value = None if not value else DONT_KNOW if value == (DONT_KNOW,) else list(value)
            if value != answers.answers.get(qid):
                answers = with_answer(self.model, answers, qid, value)
        return answers

    def update(self) -> None:
        """Rescore with the current weights and answers and redraw the summary."""
        try:
            self.current_model = with_weights(self.model, {d: s.value for d, s in self.weights.items()})
            self.current_answers = self._answers_now()
        except (ModelError, ValueError) as exc:
            self.error = str(exc)
            self.scoreboard.value = ("<div style='color:#B00020'>"
                                     f"{html.escape(text('widgets.invalid_model', self.lang))} "
                                     f"<pre>{html.escape(self.error)}</pre></div>")
            return
        self.error = None
        self.result = score(self.current_model, self.current_answers)
        self.scoreboard.value = self._summary_html()

    def reset(self) -> None:
        """Back to the model's weights and the client's answers."""
        with self.widget.hold_sync():
            for d in self.model.dimensions:
                self.weights[d.id].value = d.weight
            for q in self.model.questions:
                control = self.answer_inputs[q.id]
                value = self.base_answers.answers.get(q.id)
                control.value = _as_selection(value) if isinstance(control, CheckboxGroup) else value
        self.update()

    def rebase(self, answers: ClientAnswers) -> None:
        """Take ``answers`` as the client as answered (e.g. the form being filled, not yet
        saved): the baseline is rescored, the answer controls show them, the weights
        moved so far stay."""
        self.base_answers = answers
        self.baseline = score(self.model, answers)
        with self.widget.hold_sync(), self._quiet():
            for q in self.model.questions:
                control = self.answer_inputs[q.id]
                value = answers.answers.get(q.id)
                control.value = _as_selection(value) if isinstance(control, CheckboxGroup) else value
        self.update()

    def follow(self, form: Any) -> None:
        """Rebase on ``form`` (a :class:`~csmaturity.widgets.QuestionnaireForm`) now and
        on every answer given in it, so the panel shows the client being entered."""
        def on_change(_change: Any) -> None:
            self.rebase(form.working_answers())

        for qi in form.inputs.values():
            for control in qi.controls():
                control.observe(on_change, names="value")
        self.rebase(form.working_answers())

    @contextlib.contextmanager
    def _quiet(self) -> Iterator[None]:
        """Moving the answer controls inside does not rescore at each one."""
        self._paused = True
        try:
            yield
        finally:
            self._paused = False

    def suggest(self, top: int = 8) -> pd.DataFrame:
        """Show (and return) the single answer changes that lift the what-if score most."""
        table = single_change_lifts(self.current_model, self.current_answers, self.lang)
        # the best change of each question: adding any one of several practices to the
        # same question would fill the list with near-identical rows
        best = table[table["gain"] > 1e-9].drop_duplicates("question").head(top)
        if best.empty:
            self.lifts.value = html.escape(text("widgets.no_lift", self.lang))
            return best
        lang = self.lang
        names = {lv.id: lv.name.get(lang) for lv in self.model.levels}
        rows = "".join(
            f"<tr><td title='{html.escape(r.question)}'>{html.escape(self.model.question(r.question).text.get(lang))}"
            f"<br><small>{html.escape(r.dimension)}</small></td>"
            f"<td>{html.escape(r['from'])} → <b>{html.escape(r.change)}</b></td>"
            f"<td class='num'>{self._fine(r.overall)}</td><td class='num'>{self._fine(r.gain, '+')}</td>"
            f"<td>{html.escape(text('widgets.reaches', lang)) + ' ' if r.level_up else ''}"
            f"{html.escape(names[r.level])}</td></tr>"
            for _, r in best.iterrows())
        heads = "".join(f"<th>{html.escape(text(f'widgets.{key}', lang))}</th>"
                        for key in ("question", "change", "score_after", "gain", "level"))
        self.lifts.value = (f"{TABLE_CSS}<b>{html.escape(text('widgets.lifts_title', lang))}</b>"
                            f"<table class='csm-table'><tr>{heads}</tr>{rows}</table>")
        return best

    def _fine(self, value: float, sign: str = "") -> str:
        """An overall score or a change of it, one decimal finer than the model's scale
        shows (a what-if change is often smaller than the scale's last digit)."""
        return f"{value:{sign}.{self.model.score_scale.decimals + 1}f}"

    def _summary_html(self) -> str:
        base, now, lang = self.baseline, self.result, self.lang
        scale = self.model.score_scale
        delta = now.overall - base.overall
        arrow = "▲" if delta > 1e-9 else "▼" if delta < -1e-9 else "＝"
        level_change = (f"{html.escape(base.level.name.get(lang))} → <b>{html.escape(now.level.name.get(lang))}</b>"
                        if now.level.id != base.level.id else f"<b>{html.escape(now.level.name.get(lang))}</b>")
        levels = {lv.id: lv.name.get(lang) for lv in self.model.levels}
        held = "".join(
            "<li>" + html.escape(text("widgets.held_back", lang, level=levels[g.level], score=scale.format(g.score),
                                      required=f"{g.required:g}",
                                      dimension=self.model.dimensions_by_id[g.dimension].name.get(lang))) + "</li>"
            for g in now.held_back_by)
        rows = []
        for d in self.current_model.dimensions:
            b, n = base.dimensions.loc[d.id, "score"], now.dimensions.loc[d.id, "score"]
            # A dimension the model leaves out of the score (no counted answer) has none: a dash, no bar.
            width = 0 if pd.isna(n) else 100 * scale.to_fraction(n)
            bar = f"<div style='background:#0173B2;height:10px;width:{width:.0f}px'></div>"
            shown = ["—" if pd.isna(v) else scale.format(v) for v in (b, n)]
            rows.append(f"<tr><td>{html.escape(d.name.get(lang))}</td><td style='text-align:right'>{d.weight:g}</td>"
                        f"<td style='text-align:right'>{shown[0]}</td><td style='text-align:right'>{shown[1]}</td>"
                        f"<td style='width:110px'>{bar}</td></tr>")
        return (f"<div style='font-size:1.2em'>{html.escape(text('widgets.overall', lang))}: "
                f"{self._fine(base.overall)} → <b>{self._fine(now.overall)}</b> ({arrow} {self._fine(delta, '+')})　"
                f"{html.escape(text('widgets.level', lang))}: {level_change}</div>"
                + (f"<ul>{held}</ul>" if held else "")
                + f"{TABLE_CSS}<table class='csm-table'><tr><th>{html.escape(text('widgets.dimension', lang))}</th>"
                f"<th>{html.escape(text('widgets.weight', lang))}</th>"
                f"<th>{html.escape(text('widgets.baseline', lang))}</th>"
                f"<th>{html.escape(text('widgets.what_if', lang))}</th><th></th></tr>"
                + "".join(rows) + "</table>")
