"""Widgets driven from Python: set control values, read what a person would see."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from csmaturity import AnswersError, load_answers, score
from csmaturity.model import DONT_KNOW
from csmaturity.widgets import QuestionnaireForm, WhatIfPanel, single_change_lifts, with_answer, with_weights

CLIENTS = Path(__file__).resolve().parents[1] / "data" / "sample" / "clients"


@pytest.fixture(scope="module")
def hikari(model):
    return load_answers(CLIENTS / "hikari-cloud.yaml", model)


# --------------------------------------------------------------------------- form


def test_form_is_generated_from_the_model(model):
    form = QuestionnaireForm(model, lang="en")
    assert list(form.inputs) == [q.id for q in model.questions]
    assert len(form.sections.children) == len(model.dimensions)
    kpi = form.inputs["kpi_review"].choice
    assert kpi.options[0] == ("Weekly, with actions decided", "weekly_actions")
    assert kpi.options[-1] == ("Don't know", DONT_KNOW)
    assert list(form.inputs["kpi_defined"].boxes)[-2:] == ["none", DONT_KNOW]
    assert [v for _, v in form.inputs["leadership"].choice.options] == [1, 2, 3, 4, 5, DONT_KNOW]
    ja = QuestionnaireForm(model, lang="ja")
    assert ja.inputs["touch_status"].choice.options[0] == ("構築している", "built")
    assert ja.sections.get_title(0) == "成果指標（KPI）  (0/3)"


def test_progress_and_validation_as_you_go(model):
    form = QuestionnaireForm(model, lang="en")
    assert form.progress == (0, 26) and form.progress_label.value == "0 / 26 questions answered"
    form.inputs["kpi_review"].choice.value = "monthly"
    boxes = form.inputs["kpi_defined"].boxes
    boxes["churn"].value = True
    assert form.progress == (2, 26) and form.progress_bar.value == 2
    assert form.sections.get_title(0) == "Outcome KPIs  (2/3)"
    assert "✓" in form.inputs["kpi_defined"].status.value
    # the exclusive option is refused with the shared validator's words
    boxes["none"].value = True
    assert form.inputs["kpi_defined"].message == "'none' cannot be combined with other options"
    assert "⚠" in form.inputs["kpi_defined"].status.value and form.progress == (1, 26)
    boxes["churn"].value = False
    assert form.inputs["kpi_defined"].message is None and form.progress == (2, 26)
    boxes[DONT_KNOW].value = True
    assert "cannot be combined" in form.inputs["kpi_defined"].message
    form.inputs["kpi_ltv_focus"].choice.value = "mixed"
    boxes["none"].value = False
    assert form.inputs["kpi_defined"].raw() == DONT_KNOW
    assert form.sections.get_title(0) == "Outcome KPIs  (3/3) ✓"


def test_client_block_is_checked_live(model):
    form = QuestionnaireForm(model, lang="en")
    assert "Client id" in form.client_status.value and "Company name" in form.client_status.value
    for field, value in {"id": "acme", "name": "ACME", "industry": "SaaS", "arr_band": "1-10M USD"}.items():
        form.client_inputs[field].value = value
    assert form.client_status.value.endswith("✓</span>")


def fill_client(form: QuestionnaireForm) -> None:
    for field, value in {"id": "acme", "name": "ACME SaaS", "industry": "SaaS", "arr_band": "1-10M USD",
                         "customers": 1200, "cs_headcount": 8, "assessment_date": dt.date(2026, 10, 1)}.items():
        form.client_inputs[field].value = value


def test_save_refuses_an_invalid_form_and_names_the_question(model, tmp_path):
    form = QuestionnaireForm(model, lang="en", path=tmp_path / "c.yaml")
    fill_client(form)
    form.inputs["tech_tools"].boxes["crm"].value = True
    form.inputs["tech_tools"].boxes[DONT_KNOW].value = True
    form.save_button.click()
    assert not (tmp_path / "c.yaml").exists()
    assert "Not saved" in form.status.value and "Q16 (tech_tools)" in form.status.value
    with pytest.raises(AnswersError) as err:
        form.answers()
    assert [p.location for p in err.value.problems if p.severity == "error"] == ["answers.tech_tools"]


def test_saved_file_round_trips(model, hikari, tmp_path):
    form = QuestionnaireForm(model, lang="ja", answers=hikari, path=tmp_path / "c.yaml")
    assert form.progress == (26, 26)
    form.inputs["voc_relational"].choice.value = "yes"
    form.inputs["voc_relational"].evidence.value = "調査票を確認"
    form.save_button.click()
    assert "保存しました" in form.status.value
    saved = load_answers(tmp_path / "c.yaml", model)
    assert saved.client == hikari.client
    assert saved.answers == {**hikari.answers, "voc_relational": "yes"}
    assert saved.evidence == {**hikari.evidence, "voc_relational": "調査票を確認"}
    assert score(model, saved).overall > score(model, hikari).overall

    # load it back into a fresh form to edit it
    again = QuestionnaireForm(model, lang="en", path=tmp_path / "c.yaml")
    again.load_button.click()
    assert again.progress == (26, 26)
    assert again.inputs["voc_relational"].choice.value == "yes"
    assert again.inputs["kpi_defined"].raw() == ["retention", "churn", "nrr"]
    assert again.client_inputs["name"].value == "ひかりクラウド株式会社"
    assert again.answers().answers == saved.answers


def test_half_done_form_saves_with_unanswered_questions(model, tmp_path):
    form = QuestionnaireForm(model, lang="en")
    fill_client(form)
    form.inputs["touch_status"].choice.value = "built"
    path = form.save(tmp_path / "half.yaml")
    saved = load_answers(path, model)
    assert saved.answers == {"touch_status": "built"}
    assert any("25 question(s) unanswered" in p.message for p in saved.warnings)


def test_load_reports_a_broken_file(model, tmp_path):
    (tmp_path / "bad.yaml").write_text("client: {id: x}\nanswers: {touch_status: maybe}\n", encoding="utf-8")
    form = QuestionnaireForm(model, lang="en", path=tmp_path / "bad.yaml")
    form.load_button.click()
    assert "Cannot load" in form.status.value and "Q10 (touch_status)" in form.status.value


# --------------------------------------------------------------------------- what-if


def test_what_if_starts_at_the_clients_score(model, hikari):
    panel = WhatIfPanel(model, hikari)
    card = score(model, hikari)
    assert panel.result.overall == card.overall and panel.result.level.id == "cs1"
    assert "63.3 → <b>63.3</b>" in panel.summary.value


def test_raising_an_answer_moves_score_as_score_says(model, hikari):
    panel = WhatIfPanel(model, hikari, lang="en")
    panel.answer_inputs["hs_validated"].value = "yes"
    expected = score(model, with_answer(model, hikari, "hs_validated", "yes"))
    assert panel.result.overall == pytest.approx(expected.overall)
    assert panel.result.overall > panel.baseline.overall
    assert f"<b>{expected.overall:.1f}</b>" in panel.summary.value and "▲" in panel.summary.value
    panel.answer_inputs["tech_tools"].value = (DONT_KNOW,)
    assert panel.current_answers.answers["tech_tools"] == DONT_KNOW
    panel.reset()
    assert panel.result.overall == panel.baseline.overall


def test_weights_change_the_level_as_score_says(model, hikari):
    panel = WhatIfPanel(model, hikari, lang="en")
    assert panel.weights["remote_touch"].max == 30
    # all the weight on its weakest dimension (remote touch, 44) drops hikari below CS 1.0
    for dim, slider in panel.weights.items():
        slider.value = 30 if dim == "remote_touch" else 0
    weights = {d.id: (30 if d.id == "remote_touch" else 0) for d in model.dimensions}
    expected = score(with_weights(model, weights), hikari)
    assert panel.result.overall == pytest.approx(expected.overall) == pytest.approx(panel.baseline.dimensions.loc["remote_touch", "score"])
    assert panel.result.level.id == expected.level.id == "cs0"
    assert "CS 1.0 Retention → <b>CS 0.0 Design</b>" in panel.summary.value
    assert panel.current_model.dimensions_by_id["remote_touch"].weight == 30


def test_the_practice_that_lifts_a_gated_client(model):
    # midori scores in the CS 1.0 band but its health score (21) is below the gate (40)
    midori = load_answers(CLIENTS / "midori-fintech.yaml", model)
    panel = WhatIfPanel(model, midori, lang="en")
    assert panel.baseline.level.id == "cs0" and panel.baseline.score_level.id == "cs1"
    suggestions = panel.suggest()
    assert suggestions["level_up"].iloc[0] and suggestions["question"].iloc[0] == "hs_validated"
    panel.answer_inputs["hs_validated"].value = "yes"
    expected = score(model, with_answer(model, midori, "hs_validated", "yes"))
    assert panel.result.level.id == expected.level.id == "cs1"
    assert "CS 0.0 Design → <b>CS 1.0 Retention</b>" in panel.summary.value


def test_level_gates_are_shown(model, hikari):
    panel = WhatIfPanel(model, hikari, lang="en")
    panel.answer_inputs["kpi_defined"].value = ("none",)
    panel.answer_inputs["kpi_review"].value = "rarely"
    assert panel.result.held_back_by, "kpis now below the CS 1.0 gate"
    assert "Held back from CS 1.0 Retention: Outcome KPIs scores" in panel.summary.value


def test_all_weights_zero_is_reported_not_raised(model, hikari):
    panel = WhatIfPanel(model, hikari)
    for slider in panel.weights.values():
        slider.value = 0
    assert panel.error and "at least one dimension needs a weight above 0" in panel.error
    assert "採点できません" in panel.summary.value


def test_single_change_lifts_are_real_score_changes(model, hikari):
    table = single_change_lifts(model, hikari)
    assert not table.empty and (table["gain"] >= 0).all()
    assert table["gain"].is_monotonic_decreasing or table["level_up"].any()
    row = table[(table["question"] == "hs_validated")].iloc[0]
    assert (row["from"], row["to"]) == ("No", "Yes")
    assert score(model, with_answer(model, hikari, "hs_validated", "yes")).overall == pytest.approx(row["overall"])
    # multi choice: one more option on top of what is already ticked
    adds = table[table["question"] == "kpi_defined"]
    assert set(adds["to"]) == {"Retention (rate, count or amount) + Churn (rate, count or amount) + " + extra + " + Net or gross revenue retention (NRR/GRR)"
                               for extra in ("Upsell rate or amount", "Cross-sell rate or amount", "Customer lifetime value (LTV)")}
    panel = WhatIfPanel(model, hikari, lang="en")
    shown = panel.suggest()
    assert len(shown) <= 8 and shown.iloc[0]["question"] in panel.lifts.value


def test_with_answer_uses_the_shared_validator(model, hikari):
    with pytest.raises(ValueError, match="'maybe' is not an option"):
        with_answer(model, hikari, "touch_status", "maybe")
