"""Question types carry their behaviour: each method per type, worked by hand on the
tiny model, and "don't know" refused by every front door where the model refuses it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from csmaturity import AnswersError, parse_answers, parse_model
from csmaturity.intake import choice_labels, read_intake, write_intake_template
from csmaturity.model import DONT_KNOW
from csmaturity.report.tables import answer_text
from csmaturity.synth import synthetic_clients
from csmaturity.widgets import QuestionnaireForm, WhatIfPanel, with_answer

from tiny_model import CLIENT, answers_dict, tiny_model_dict

LIB = Path(__file__).resolve().parents[1] / "lib" / "csmaturity"
GOOD = {"q1": "x", "q2": ["m1"], "q3": 3, "q4": "yes"}


@pytest.fixture(scope="module")
def tiny():
    """q1 single (x 2, y 1, z 0), q2 multi capped at 2 (m1, m2, m3 1 each, exclusive
    'none' 0), q3 scale 1-5 (1 and 5 labelled), q4 yes/no."""
    data = tiny_model_dict()
    data["questions"][2]["scale"]["labels"] = {1: {"ja": "場当たり", "en": "ad hoc"},
                                               5: {"ja": "最適化", "en": "optimised"}}
    return parse_model(data)


@pytest.fixture(scope="module")
def refusing():
    """The tiny model with ``allow_dont_know: false`` on every question, yes/no included."""
    data = tiny_model_dict()
    for q in data["questions"]:
        q["allow_dont_know"] = False
    return parse_model(data)


def _values(options) -> list:
    return [v for _, v in options]


# --------------------------------------------------------------------------- fraction


@pytest.mark.parametrize(("qid", "value", "expected"), [
    ("q1", "x", 1.0), ("q1", "y", 0.5), ("q1", "z", 0.0),      # points / highest points (2)
    ("q2", ["m1"], 0.5), ("q2", ["m1", "m2"], 1.0),             # summed points / max_points (2)
    ("q2", ["m1", "m2", "m3"], 1.0), ("q2", ["none"], 0.0),     # 3 points capped at 2
    ("q3", 1, 0.0), ("q3", 3, 0.5), ("q3", 4, 0.75), ("q3", 5, 1.0),  # (value - 1) / (5 - 1)
    ("q4", "yes", 1.0), ("q4", "no", 0.0),
])
def test_fraction_per_type(tiny, qid, value, expected):
    assert tiny.question(qid).fraction(value) == pytest.approx(expected)


def test_multi_fraction_without_max_points_divides_by_all_points():
    data = tiny_model_dict()
    del data["questions"][1]["max_points"]
    q2 = parse_model(data).question("q2")
    assert q2.full_points == 3
    assert q2.fraction(["m1", "m2"]) == pytest.approx(2 / 3)


def test_dont_know_has_no_fraction(tiny):
    with pytest.raises(ValueError, match="scoring.dont_know"):
        tiny.question("q1").fraction(DONT_KNOW)


# --------------------------------------------------------------------------- normalise


@pytest.mark.parametrize(("qid", "raw", "expected"), [
    ("q1", "y", "y"),
    ("q2", ["m3", "m1"], ["m1", "m3"]),   # model order
    ("q2", "m2", ["m2"]),                 # a bare option is a one-item list
    ("q2", ["none"], ["none"]),
    ("q3", 4.0, 4), ("q3", 2, 2),
    ("q4", False, "no"), ("q4", "yes", "yes"),  # YAML reads bare yes/no as booleans
    ("q1", " unknown ", DONT_KNOW), ("q2", DONT_KNOW, DONT_KNOW),
    ("q3", "unknown", DONT_KNOW), ("q4", "unknown", DONT_KNOW),
])
def test_normalise_per_type(tiny, qid, raw, expected):
    assert tiny.question(qid).normalise(raw) == expected


@pytest.mark.parametrize(("qid", "raw", "expected"), [
    ("q1", "w", "'w' is not an option of this question; expected one of ['x', 'y', 'z']"),
    ("q1", True, "quote the value"),
    ("q2", ["none", "m1"], "'none' cannot be combined with other options"),
    ("q2", ["m1", "m1"], "an option is listed twice"),
    ("q2", [], "empty selection; choose at least one option (or 'none', or 'dont_know')"),
    ("q3", 6, "6 is out of range; expected a whole number from 1 to 5"),
    ("q3", "3", "expected a whole number from 1 to 5, got '3'"),
    ("q4", "maybe", "expected yes, no or unknown, got 'maybe'"),
])
def test_normalise_refuses_with_a_reason(tiny, qid, raw, expected):
    with pytest.raises(ValueError) as info:
        tiny.question(qid).normalise(raw)
    assert expected in str(info.value)


def test_messages_offer_dont_know_only_where_accepted(refusing):
    with pytest.raises(ValueError, match=r"^empty selection; choose at least one option \(or 'none'\)$"):
        refusing.question("q2").normalise([])
    with pytest.raises(ValueError, match="^expected yes or no, got 'maybe'$"):
        refusing.question("q4").normalise("maybe")


# --------------------------------------------------------------------------- choices


def test_choices_per_type(tiny):
    q1, q2, q3, q4 = tiny.questions
    assert [q.is_multi for q in tiny.questions] == [False, True, False, False]
    assert q1.choices("en", "DK") == [("x", "x"), ("y", "y"), ("z", "z"), ("DK", DONT_KNOW)]
    assert q2.choice_values == ["m1", "m2", "m3", "none", DONT_KNOW]
    assert q3.option_values == [1, 2, 3, 4, 5]
    assert q3.choices("en", "DK") == [("1 - ad hoc", 1), ("2", 2), ("3", 3), ("4", 4), ("5 - optimised", 5),
                                      ("DK", DONT_KNOW)]
    assert q4.choices("ja", "分からない") == [("はい", "yes"), ("いいえ", "no"), ("分からない", DONT_KNOW)]


def test_selected_and_answer_labels(tiny):
    q1, q2, q3, _ = tiny.questions
    assert q2.selected(["m3", "m1"]) == ["m1", "m3"]
    assert q1.selected("x") == ["x"]
    assert q3.selected(3) == [] and q2.selected(DONT_KNOW) == []
    assert q2.answer_labels(["m3", "m1"], "ja") == ["m1（日本語）", "m3（日本語）"]
    assert q3.answer_labels(5, "en") == ["5 - optimised"]


def test_report_answer_text_per_type(tiny):
    q1, q2, q3, q4 = tiny.questions
    assert answer_text(q1, "y", "en") == "y"
    assert answer_text(q2, ["m1", "m2"], "en") == "m1; m2"
    assert answer_text(q2, ["m1", "m2"], "ja") == "m1（日本語）、m2（日本語）"
    assert answer_text(q3, 3, "en") == "3 / 5"
    assert answer_text(q3, 5, "en") == "5 / 5 (optimised)"
    assert answer_text(q4, DONT_KNOW, "en") == "Don't know"


# --------------------------------------------------------------------------- "don't know" refused everywhere


def test_the_one_rule_of_dont_know(tiny, refusing):
    assert all(q.accepts_dont_know for q in tiny.questions)  # the default
    # the model's word holds for every type: a yes/no question refuses it too
    assert not any(q.accepts_dont_know for q in refusing.questions)
    assert all(DONT_KNOW not in q.choice_values for q in refusing.questions)


@pytest.mark.parametrize("qid", ["q1", "q2", "q3", "q4"])
def test_refused_in_answers_files(refusing, qid):
    with pytest.raises(AnswersError) as info:
        parse_answers(answers_dict({**GOOD, qid: "dont_know"}), refusing, file="c.yaml")
    [problem] = [p for p in info.value.problems if p.severity == "error"]
    assert problem.location == f"answers.{qid}" and "does not accept \"don't know\"" in problem.message


def test_refused_by_the_widget_form(tiny, refusing):
    form = QuestionnaireForm(refusing, lang="en")
    assert list(form.inputs["q2"].boxes) == ["m1", "m2", "m3", "none"]
    for qid in ("q1", "q3", "q4"):
        assert DONT_KNOW not in _values(form.inputs[qid].choice.options)
    offered = QuestionnaireForm(tiny, lang="en")
    assert DONT_KNOW in offered.inputs["q2"].boxes
    assert all(_values(offered.inputs[qid].choice.options)[-1] == DONT_KNOW for qid in ("q1", "q3", "q4"))
    # the scale's toggle buttons stay short; the points' labels are the tooltips
    assert offered.inputs["q3"].choice.options[0] == ("1", 1)
    assert offered.inputs["q3"].choice.tooltips[0] == "1 - ad hoc"


def test_refused_by_the_what_if_panel(tiny, refusing):
    panel = WhatIfPanel(refusing, parse_answers(answers_dict(GOOD), refusing))
    for qid, control in panel.answer_inputs.items():
        assert DONT_KNOW not in _values(control.options), qid
    with pytest.raises(ValueError, match="q4: this question does not accept"):
        with_answer(refusing, panel.base_answers, "q4", DONT_KNOW)
    offered = WhatIfPanel(tiny, parse_answers(answers_dict(GOOD), tiny))
    assert all(DONT_KNOW in _values(control.options) for control in offered.answer_inputs.values())


def _fill_tiny(template: Path, out: Path, answers: dict) -> None:
    """Fill a tiny-model template: client block, then ``answers`` (dropdown labels or
    tick row keys); anything not given stays blank."""
    wb = load_workbook(template)
    ws = wb["Questionnaire"]
    at = {ws[f"G{r}"].value: r for r in range(1, ws.max_row + 1) if ws[f"G{r}"].value}
    client = {**CLIENT, "assessment_date": dt.datetime(2026, 10, 1)}
    for key, value in {**{f"client.{k}": v for k, v in client.items() if k != "profile"},
                       **{f"client.profile.{k}": v for k, v in CLIENT["profile"].items()}}.items():
        ws[f"D{at[key]}"] = value
    for key, value in answers.items():
        ws[f"D{at[key]}"] = value
    wb.save(out)


def test_refused_by_the_intake_workbook(tmp_path, tiny, refusing):
    for q in refusing.questions:
        assert DONT_KNOW not in choice_labels(q, "en").values()
    assert choice_labels(tiny.question("q4"), "en") == {"Yes": "yes", "No": "no", "Don't know": DONT_KNOW}
    template = write_intake_template(refusing, tmp_path / "refusing.xlsx", lang="en")
    keys = [c.value for c in load_workbook(template)["Questionnaire"]["G"] if c.value]
    assert "q2:m1" in keys and "q2:dont_know" not in keys  # no tick row for it
    # typed over the dropdown anyway: not one of the choices; blank: no "don't know" offered
    out = tmp_path / "filled.xlsx"
    _fill_tiny(template, out, {"q1": "Don't know", "q2:m1": "✓", "q3": "3"})
    with pytest.raises(AnswersError) as info:
        read_intake(out, refusing)
    found = {p.location.rsplit(", ", 1)[-1]: p.message for p in info.value.problems}
    assert found["question q1"] == "'Q1': \"Don't know\" is not one of the choices; pick one of ['x', 'y', 'z']"
    assert found["question q4"].endswith("the answer is blank; choose an answer from the list")


def test_intake_blank_answer_offers_dont_know_where_accepted(tmp_path, tiny):
    template = write_intake_template(tiny, tmp_path / "tiny.xlsx", lang="en")
    out = tmp_path / "filled.xlsx"
    _fill_tiny(template, out, {"q1": "x", "q3": "3", "q4": "Don't know"})
    with pytest.raises(AnswersError) as info:
        read_intake(out, tiny)
    [problem] = info.value.problems
    assert "question q2" in problem.location
    assert problem.message.endswith("the answer is blank; tick ✓ at least one option below it (or \"Don't know\")")


def test_synth_never_generates_a_refused_dont_know(tiny, refusing):
    refused = [a for c in synthetic_clients(refusing, 60, seed=3) for a in c["answers"].values()]
    assert DONT_KNOW not in refused
    offered = [a for c in synthetic_clients(tiny, 60, seed=3) for a in c["answers"].values()]
    assert DONT_KNOW in offered  # the same draw does produce it where it is accepted
    for c in synthetic_clients(refusing, 20, seed=4):  # and every synthetic answer is valid
        parse_answers(c, refusing)


# --------------------------------------------------------------------------- no type switches left

_SWITCH = re.compile(r"""\.type\s*(==|!=|\bin\b|\bnot\s+in\b)"""
                     r"""|(==|!=|\bin\b)\s*[\(\[{]?\s*["'](single|multi|yes_no|scale)["']""")


def test_callers_ask_the_question_instead_of_switching_on_its_type():
    """Only model.py (where the types are defined) may compare a question's type."""
    found = [f"{path.relative_to(LIB)}:{n}: {line.strip()}"
             for path in sorted(LIB.rglob("*.py")) if path.name != "model.py" or path.parent != LIB
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if _SWITCH.search(line)]
    assert found == []
