"""Instruments of another shape than the shipped model: what the schema used to force
now validates, and the rules an instrument states are the rules the engine applies."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from csmaturity import AnswersError, ModelError, assess, load_model, parse_answers, parse_model
from csmaturity.errors import ArgumentError
from csmaturity.io.yamlfile import read_yaml_file
from csmaturity.model import default_model_path

from tiny_model import answers_dict, tiny_model_dict

EXAMPLE = Path(default_model_path()).parent / "examples" / "cs_quick_check.yaml"
CLIENTS = Path(__file__).resolve().parents[1] / "lib" / "csmaturity" / "samples" / "quick_check"


@pytest.fixture(scope="module")
def quick():
    return load_model(EXAMPLE)


def _quick_data() -> dict:
    data, problems = read_yaml_file(EXAMPLE)
    assert not problems
    return data


def _english_only(data: dict) -> dict:
    """``data`` with every Japanese text removed and ``languages: [en]``."""
    def strip(node):
        if isinstance(node, dict):
            if set(node) == {"ja", "en"}:
                return {"en": node["en"]}
            return {k: strip(v) for k, v in node.items()}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node
    return {**strip(copy.deepcopy(data)), "languages": ["en"]}


def _messages(data: dict) -> list[str]:
    with pytest.raises(ModelError) as info:
        parse_model(data, file="instrument.yaml")
    return [str(p) for p in info.value.problems]


# --------------------------------------------------------------------------- forced structure, now free


def test_the_example_instrument_validates(quick):
    assert quick.languages == ["en"]
    assert not quick.benchmarks and not quick.phases
    assert (quick.score_scale.min, quick.score_scale.max) == (1, 4)
    assert [(lv.id, lv.min, lv.max) for lv in quick.levels] == [("crawl", 1, 2), ("walk", 2, 3), ("run", 3, 4)]
    assert [f.id for f in quick.profile] == ["segment", "product_complexity", "team_age_years", "cs_team_size"]


def test_an_english_only_model_validates_when_it_says_so():
    shipped, _ = read_yaml_file(default_model_path())
    english = _english_only(shipped)
    model = parse_model(english)
    assert model.languages == ["en"]
    assert model.question("kpi_defined").text.en


def test_missing_japanese_is_reported_briefly_with_the_fix():
    """Declaring both languages but writing one: a few located problems and the hint,
    not one error per text."""
    shipped, _ = read_yaml_file(default_model_path())
    english = _english_only(shipped)
    del english["languages"]
    messages = _messages(english)
    assert len(messages) <= 10
    assert any(".ja: the model declares languages ['ja', 'en']; this text has no 'ja'" in m for m in messages)
    assert any("declare 'languages: [en]'" in m for m in messages)


def test_a_report_language_the_model_lacks_is_a_clear_error(quick):
    answers = parse_answers(read_yaml_file(CLIENTS / "northstar-crm.yaml")[0], quick)
    with pytest.raises(ArgumentError, match=r"written in en only; got 'ja'"):
        assess(quick, answers, lang="ja")


def test_a_client_language_the_model_lacks_is_an_answers_error(quick):
    data = read_yaml_file(CLIENTS / "northstar-crm.yaml")[0]
    data["client"]["language"] = "ja"
    with pytest.raises(AnswersError, match=r"client.language: the model 'cs-quick-check' is written in en only"):
        parse_answers(data, quick)


def test_no_benchmark_and_no_phases_validate():
    data = tiny_model_dict()
    del data["benchmarks"], data["phases"]
    for q in data["questions"]:
        q.pop("benchmark", None)
    for r in data["recommendations"]:
        del r["phase"]
    model = parse_model(data)
    result = assess(model, parse_answers(answers_dict({"q1": "y", "q4": "no"}), model))
    assert result.similarity is None and result.benchmark.empty
    assert result.roadmap["phase"].isna().all()
    # dependency before priority still holds without phases: r_b depends on r_a
    order = result.roadmap["recommendation"].tolist()
    assert order.index("r_a") < order.index("r_b")


def test_a_benchmark_with_one_cohort_and_no_sizes_validates():
    data = tiny_model_dict()
    data["benchmarks"][0]["cohorts"] = [{"id": "industry", "name": {"ja": "業界", "en": "Industry"}}]
    del data["benchmarks"][0]["contrast"]
    for item in data["benchmarks"][0]["items"]:
        item["shares"] = {"industry": 0.4}
    model = parse_model(data)
    result = assess(model, parse_answers(answers_dict({"q4": "yes"}), model))
    assert result.similarity is None  # nothing to contrast
    assert result.benchmark.loc["i1", "industry"] == pytest.approx(0.4)
    assert result.benchmark["separation"].isna().all()


def test_several_benchmarks_keep_their_own_cohorts():
    data = tiny_model_dict()
    data["benchmarks"].append({
        "id": "peers", "source": {"ja": "同業調査", "en": "Peer study"}, "year": 2025,
        "cohorts": [{"id": "top", "name": {"ja": "上位", "en": "Top"}, "n": 40},
                    {"id": "rest", "name": {"ja": "その他", "en": "Rest"}, "n": 160},
                    {"id": "all", "name": {"ja": "全体", "en": "All"}}],
        "items": [{"id": "p1", "label": {"ja": "p1", "en": "p1"}, "shares": {"top": 0.9, "rest": 0.3, "all": 0.42}}],
    })
    data["questions"][0]["benchmark"] = [{"item": "p1", "options": ["x"]}]
    model = parse_model(data)
    table = assess(model, parse_answers(answers_dict({"q1": "x", "q4": "yes"}), model)).benchmark
    assert list(table.columns[table.columns.get_loc("client") + 1:][:5]) == ["effective", "not_effective", "top",
                                                                            "rest", "all"]
    assert table.loc["p1", "benchmark"] == "peers" and bool(table.loc["p1", "client"])
    assert table.loc["p1", ["effective", "not_effective"]].isna().all()


def test_benchmark_cross_references_are_checked():
    data = tiny_model_dict()
    data["benchmarks"][0]["contrast"] = ["effective", "leaders"]
    data["benchmarks"][0]["items"][0]["shares"]["laggards"] = 0.1
    messages = _messages(data)
    assert any("benchmarks[survey].contrast: unknown cohort 'leaders'" in m for m in messages)
    assert any("benchmarks[survey].items[i1].shares.laggards: unknown cohort 'laggards'" in m for m in messages)


def test_options_without_ids_are_numbered_and_answered_by_number(quick):
    question = quick.question("success_defined")
    assert [o.id for o in question.options] == ["1", "2", "3", "4"]
    assert question.normalise(3) == "3" and question.normalise("3") == "3"
    with pytest.raises(ValueError, match="not an option"):
        question.normalise(5)


def test_levels_on_the_instruments_own_scale_must_tile_it():
    data = _quick_data()
    data["levels"][0]["min"] = 0
    assert any("must start at the bottom of the score scale, 1" in m for m in _messages(data))


def test_profile_fields_are_the_models_own(quick):
    data = read_yaml_file(CLIENTS / "northstar-crm.yaml")[0]
    data["client"]["profile"] = {"segment": "giant", "business_model": "B2B", "team_age_years": "old"}
    with pytest.raises(AnswersError) as info:
        parse_answers(data, quick)
    messages = [str(p) for p in info.value.problems]
    assert any("client.profile.segment: 'giant' is not one of ['smb', 'mid_market', 'enterprise']" in m
               for m in messages)
    assert any("client.profile.business_model: unknown profile field" in m for m in messages)
    assert any("client.profile.team_age_years: expected a number" in m for m in messages)
    assert any("client.profile.product_complexity: required key is missing" in m for m in messages)
    assert not any(p.location == "client.profile.cs_team_size" for p in info.value.problems)  # optional


def test_a_profile_field_may_not_shadow_a_client_field():
    data = _quick_data()
    data["profile"][0]["id"] = "name"
    assert any("profile[name].id: 'name' is a client field" in m for m in _messages(data))


# --------------------------------------------------------------------------- the instrument's rules


def _answers(model, answers: dict, **profile):
    data = read_yaml_file(CLIENTS / "northstar-crm.yaml")[0]
    data["answers"] = answers
    data["client"]["profile"].update(profile)
    return parse_answers(data, model)


def test_an_empty_dimension_is_left_out_of_the_overall_mean(quick):
    """The issue's case: every known answer at step 3 or 4, one area unknown. The
    instrument's mean answer is 3.x ("Run"), not dragged towards the bottom."""
    answers = {q.id: 4 if k % 2 else 3 for k, q in enumerate(quick.questions)}
    answers["expansion"] = answers["advocacy"] = "dont_know"
    card = assess(quick, _answers(quick, answers)).scorecard
    assert card.dimensions["score"].isna().tolist() == [False, False, False, True, False]
    assert card.overall == pytest.approx(3.5) and card.level.id == "run"
    # the same answers under "zero" rules: the unknown area scores the bottom of the scale
    data = _quick_data()
    data["scoring"].update(dont_know="zero", empty_dimension="zero")
    zero = parse_model(data)
    zero_card = assess(zero, _answers(zero, answers)).scorecard
    assert zero_card.dimensions.loc["growth", "score"] == 1.0
    assert zero_card.overall == pytest.approx((3.5 * 4 + 1) / 5)


def test_option_points_count_from_the_lowest_step(quick):
    """Step 1 of 4 is the bottom of the scale, so an answer's score is the step itself."""
    answers = {q.id: 2 for q in quick.questions}
    card = assess(quick, _answers(quick, answers)).scorecard
    assert card.dimensions["score"].tolist() == pytest.approx([2.0] * 5)
    assert card.overall == pytest.approx(2.0) and card.level.id == "walk"
    assert quick.score_scale.format(card.overall) == "2.0"


def test_the_coverage_threshold_is_the_models(quick):
    answers = {q.id: 3 for q in quick.questions[:6]}  # 6 of 10 answered = 60 %: not below 0.6
    assert not assess(quick, _answers(quick, answers)).scorecard.provisional
    del answers[quick.questions[0].id]
    assert assess(quick, _answers(quick, answers)).scorecard.provisional


def test_each_answer_brings_its_next_step_into_the_action_list(quick):
    result = assess(quick, _answers(quick, {"success_defined": 1, "risk_detection": 4}))
    steps = result.recommendations[result.recommendations["source"] == "answer"]
    assert set(steps.index) == {"success_defined.1", "risk_detection.4"}
    assert steps.loc["success_defined.1", "title"].startswith("Ask your ten largest customers")
    assert steps.loc["success_defined.1", "action"].startswith("Without a stated goal")
    # the step of a gap ranks above the step of an answer already at the top
    assert steps.loc["success_defined.1", "priority"] > steps.loc["risk_detection.4", "priority"] == 0
    assert set(result.roadmap["recommendation"]) >= set(steps.index)


def test_feedback_follows_the_profile_segment(quick):
    enterprise = assess(quick, _answers(quick, {"coverage_model": 2}, segment="enterprise"))
    smb = assess(quick, _answers(quick, {"coverage_model": 2}, segment="smb"))
    assert enterprise.recommendations.loc["coverage_model.2", "title"].startswith("Assign a named customer success")
    assert smb.recommendations.loc["coverage_model.2", "title"].startswith("Split the base into two or three tiers")


def test_a_trigger_can_pick_the_middle_options(quick):
    def applies(step: int) -> bool:
        recs = assess(quick, _answers(quick, {"risk_detection": step})).recommendations
        return "health_score" in recs.index
    assert [applies(step) for step in (1, 2, 3, 4)] == [False, True, True, False]


def test_trigger_options_must_exist(quick):
    data = _quick_data()
    data["recommendations"][1]["triggers"][0]["chosen"] = [2, 7]
    assert any("recommendations[health_score].triggers[0].chosen: '7' is not an option" in m
               for m in _messages(data))


def test_segment_feedback_names_real_profile_values():
    data = _quick_data()
    coverage = next(q for q in data["questions"] if q["id"] == "coverage_model")
    coverage["options"][1]["by_segment"][0]["when"] = {"segment": "giant", "region": "eu"}
    messages = _messages(data)
    assert any("by_segment[0].when.segment: 'giant' is not one of" in m for m in messages)
    assert any("by_segment[0].when.region: unknown profile field 'region'" in m for m in messages)


def test_a_refused_dont_know_is_refused(quick):
    with pytest.raises(AnswersError, match="does not accept"):
        _answers(quick, {"retention_owner": "dont_know"})
    assert not quick.question("retention_owner").accepts_dont_know


def test_a_benchmark_with_a_shape_error_does_not_bury_it_in_link_errors():
    shipped, _ = read_yaml_file(default_model_path())
    shipped["benchmarks"][0]["year"] = "soon"
    messages = _messages(shipped)
    assert len(messages) == 1 and "benchmarks[cs_survey_2021].year" in messages[0]
