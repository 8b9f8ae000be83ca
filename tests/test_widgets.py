"""Widgets driven from Python: set control values, read what a person would see."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from csmaturity import AnswersError, load_answers, score
from csmaturity.model import DONT_KNOW
from csmaturity.widgets import QuestionnaireForm, WhatIfPanel, single_change_lifts, with_answer, with_weights

CLIENTS = Path(__file__).resolve().parents[1] / "lib" / "csmaturity" / "samples" / "clients"


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
    # the exclusive option is refused, named by its label (not its id)
    boxes["none"].value = True
    assert form.inputs["kpi_defined"].message == "\"None defined\" cannot be combined with other options"
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
    assert form.client_status.value == "", "no error before the person has typed anything"
    form.client_inputs["id"].value = "x"
    form.client_inputs["id"].value = ""
    assert "Client id: Please fill this in" in form.client_status.value
    assert "Company name" not in form.client_status.value, "fields not yet touched are not blamed"
    for field, value in {"id": "acme", "name": "ACME", "industry": "SaaS", "arr_band": "1-10M USD",
                         "customers": 1200, "cs_headcount": 8}.items():
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
    assert "63.3 → <b>63.3</b>" in panel.scoreboard.value


def test_raising_an_answer_moves_score_as_score_says(model, hikari):
    panel = WhatIfPanel(model, hikari, lang="en")
    panel.answer_inputs["hs_validated"].value = "yes"
    expected = score(model, with_answer(model, hikari, "hs_validated", "yes"))
    assert panel.result.overall == pytest.approx(expected.overall)
    assert panel.result.overall > panel.baseline.overall
    assert f"<b>{expected.overall:.1f}</b>" in panel.scoreboard.value and "▲" in panel.scoreboard.value
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
    remote_touch = panel.baseline.dimensions.loc["remote_touch", "score"]
    assert panel.result.overall == pytest.approx(expected.overall) == pytest.approx(remote_touch)
    assert panel.result.level.id == expected.level.id == "cs0"
    assert "CS 1.0 Retention → <b>CS 0.0 Design</b>" in panel.scoreboard.value
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
    assert "CS 0.0 Design → <b>CS 1.0 Retention</b>" in panel.scoreboard.value


def test_level_gates_are_shown(model, hikari):
    panel = WhatIfPanel(model, hikari, lang="en")
    panel.answer_inputs["kpi_defined"].value = ("none",)
    panel.answer_inputs["kpi_review"].value = "rarely"
    assert panel.result.held_back_by, "kpis now below the CS 1.0 gate"
    assert "Held back from CS 1.0 Retention: Outcome KPIs scores" in panel.scoreboard.value


def test_all_weights_zero_is_reported_not_raised(model, hikari):
    panel = WhatIfPanel(model, hikari)
    for slider in panel.weights.values():
        slider.value = 0
    assert panel.error and "at least one dimension needs a weight above 0" in panel.error
    assert "採点できません" in panel.scoreboard.value


def test_single_change_lifts_are_real_score_changes(model, hikari):
    table = single_change_lifts(model, hikari)
    assert not table.empty and (table["gain"] >= 0).all()
    assert table["gain"].is_monotonic_decreasing or table["level_up"].any()
    row = table[(table["question"] == "hs_validated")].iloc[0]
    assert (row["from"], row["to"]) == ("No", "Yes")
    assert score(model, with_answer(model, hikari, "hs_validated", "yes")).overall == pytest.approx(row["overall"])
    # multi choice: one more option on top of what is already ticked
    adds = table[table["question"] == "kpi_defined"]
    ticked = ("Retention (rate, count or amount) + Churn (rate, count or amount) + {}"
              " + Net or gross revenue retention (NRR/GRR)")
    assert set(adds["to"]) == {ticked.format(extra) for extra in ("Upsell rate or amount", "Cross-sell rate or amount",
                                                                  "Customer lifetime value (LTV)")}
    panel = WhatIfPanel(model, hikari, lang="en")
    shown = panel.suggest()
    assert len(shown) <= 8 and shown.iloc[0]["question"] in panel.lifts.value


def test_with_answer_uses_the_shared_validator(model, hikari):
    with pytest.raises(ValueError, match="'maybe' is not an option"):
        with_answer(model, hikari, "touch_status", "maybe")


# --------------------------------------------------------------------------- teaching widgets


def test_nps_explorer_recomputes_with_the_library():
    from csmaturity.metrics import nps
    from csmaturity.widgets import NpsExplorer

    explorer = NpsExplorer("en", promoters=50, passives=30, detractors=20)
    assert explorer.result.score == pytest.approx(30.0)
    png = explorer.chart.value
    assert png[:4] == b"\x89PNG"
    explorer.controls["detractors"].value = 50
    # 50 / 130 promoters − 50 / 130 detractors
    assert explorer.result == nps([10] * 50 + [8] * 30 + [3] * 50)
    assert explorer.result.score == pytest.approx(0.0)
    assert explorer.summary() == f"NpsExplorer: NPS +0.0 ± {explorer.result.margin_of_error:.1f} (n=130)"
    assert "<b>+0.0</b>" in explorer.formula.value and explorer.chart.value != png


def test_explorer_reports_invalid_input_instead_of_raising():
    from csmaturity.widgets import NpsExplorer

    explorer = NpsExplorer("ja")
    for name in ("promoters", "passives", "detractors"):
        explorer.controls[name].value = 0
    assert explorer.result is None and "no NPS answers" in explorer.error
    assert "入力を確認してください" in explorer.formula.value
    explorer.controls["passives"].value = 10
    assert explorer.result.score == 0.0 and explorer.error is None


@pytest.mark.parametrize(("metric", "counts", "share"), [
    ("csat", (5, 5, 20, 30, 40), 0.70),       # (30 + 40) / 100
    ("dwb", (6, 9, 15, 12, 18), 18 / 60),     # top box only
    ("ces", (20, 25, 15, 10, 10, 10, 10), 0.60),  # 1-3 = low effort
])
def test_scale_explorer(metric, counts, share):
    from csmaturity.widgets import ScaleExplorer

    explorer = ScaleExplorer(metric, "en", counts=counts)
    assert explorer._share()[0] == pytest.approx(share)
    explorer.controls["p1"].value += 100
    n = sum(counts) + 100
    expected = share * sum(counts) / n + (100 / n if metric == "ces" else 0)
    assert explorer._share()[0] == pytest.approx(expected)


def test_retention_explorer_upsell_and_nrr():
    from csmaturity.widgets import RetentionExplorer

    explorer = RetentionExplorer("en", customers=100, lost=10, upsold=20, cross_sold=5, arr_each=100,
                                 upsell_each=30, cross_each=10, contraction=200)
    r = explorer.result
    assert (r.churn_rate, r.upsell_rate, r.cross_sell_rate) == (0.10, 0.20, 0.05)
    assert r.nrr == pytest.approx((10_000 - 1_000 - 200 + 650) / 10_000)
    explorer.controls["lost"].value = 95  # more lost than can leave 20 upsold customers
    assert explorer.result is None and "within those retained" in explorer.error


def test_ltv_and_roi_explorers():
    from csmaturity.widgets import LtvExplorer, RoiExplorer

    ltv = LtvExplorer("ja", annual_revenue=1_200_000, margin=0.6, years=5)
    assert ltv.result["estimate1"] == pytest.approx(3_600_000)
    ltv.controls["years"].value = 2.5
    assert ltv.result["estimate1"] == pytest.approx(1_800_000)
    roi = RoiExplorer("en", cost=12_000, gain=75_000)
    assert roi.result.roi_pct == pytest.approx(525.0)
    roi.controls["gain"].value = 12_000
    assert roi.result.roi_pct == pytest.approx(0.0) and roi.result.break_even_gain == 12_000
    assert "ROI 0.0%" in roi.summary()


@pytest.fixture(scope="module")
def sample_tables():
    from csmaturity.io.readers import read_accounts, read_survey

    root = Path(__file__).resolve().parents[1] / "lib" / "csmaturity" / "samples"
    return read_accounts(root / "accounts.csv"), read_survey(root / "survey_ja_cp932.csv")


def test_driver_explorer_changes_with_the_split(sample_tables):
    from csmaturity.io.readers import SURVEY_ITEMS
    from csmaturity.metrics import key_drivers
    from csmaturity.widgets import DriverExplorer, driver_survey

    accounts, survey = sample_tables
    joined = driver_survey(survey, accounts, year=2024)
    explorer = DriverExplorer(joined, SURVEY_ITEMS, "en")
    expected = key_drivers(joined, SURVEY_ITEMS, segment_by="ltv", high_share=0.3)
    for segment in ("all", "high_ltv", "low_ltv"):
        explorer.controls["segment"].value = segment
        want = expected[expected["segment"] == segment].reset_index(drop=True)
        assert explorer.result["quadrant"].tolist() == want["quadrant"].tolist()
        assert explorer.summary().startswith(f"DriverExplorer: {segment}: priority to improve = ")
    explorer.controls["segment"].value = "high_ltv"
    high = explorer.priorities()
    explorer.controls["segment"].value = "low_ltv"
    assert explorer.priorities() != high, "the sample survey is built so the high-LTV pain points differ"
    explorer.controls["importance"].value = "regression"
    assert explorer.result["importance"].tolist() == pytest.approx(explorer.result["std_coef"].tolist())


def test_japanese_driver_explorer_names_items_and_quadrants_in_japanese(sample_tables):
    from csmaturity.i18n import text
    from csmaturity.io.readers import SURVEY_ITEMS
    from csmaturity.widgets import DriverExplorer, driver_survey

    accounts, survey = sample_tables
    explorer = DriverExplorer(driver_survey(survey, accounts, year=2024), SURVEY_ITEMS, "ja")
    quadrants = set(explorer.result["quadrant"])
    assert "priority to improve" in quadrants  # the engine table keeps the ids
    for quadrant in quadrants:
        assert f"<td>{text(f'drivers.quadrants.{quadrant}', 'ja')}</td>" in explorer.formula.value
        assert f"<td>{quadrant}</td>" not in explorer.formula.value
    assert "<td>サポート</td>" in explorer.formula.value and "優先して改善" in explorer.formula.value
    assert explorer.summary().startswith("DriverExplorer: all: priority to improve = ")


def test_health_explorer_weights(sample_tables):
    from csmaturity.metrics import health_scores, load_health_config, summarize_health
    from csmaturity.widgets import HealthExplorer

    accounts, _ = sample_tables
    explorer = HealthExplorer(accounts, "en")
    default = summarize_health(health_scores(accounts, load_health_config()), load_health_config())
    assert explorer.result == default
    for name, slider in explorer.controls.items():
        slider.value = 50 if name == "feature_adoption" else 0
    only = explorer.result
    assert only != default and explorer.error is None
    # named in words, not by the configuration's id
    assert "1.00·Feature adoption" in explorer.formula.value and "feature_adoption" not in explorer.formula.value


def test_exercise_box_uses_check():
    from csmaturity.widgets import ExerciseBox

    box = ExerciseBox("roi", "ja")
    box.answer.value = "500"
    box.check_button.click()
    assert not box.feedback.correct and "違います" in box.verdict.value
    box.answer.value = "525"
    box.check_button.click()
    assert box.feedback.correct and "正解です" in box.verdict.value
