"""The one action plan and the path to the next level (csmaturity.plan)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csmaturity import AnswersError, assess, load_answers, load_model, parse_answers, parse_model
from csmaturity.answers import ClientAnswers
from csmaturity.errors import ArgumentError
from csmaturity.model import DONT_KNOW, Question
from csmaturity.plan import _Scorer
from csmaturity.scoring import score

from tiny_model import answers_dict, tiny_model_dict

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "lib" / "csmaturity" / "samples"
CLIENTS = sorted((ROOT / "lib" / "csmaturity" / "samples" / "clients").glob("*.yaml"))
QUICK = ROOT / "lib" / "csmaturity" / "models" / "examples" / "cs_quick_check.yaml"


def _full_marks(q: Question):
    """The answer that gives ``q`` a fraction of 1."""
    if q.type == "scale":
        return q.scale.max
    if q.is_multi:
        return [o.id for o in q.options if not o.exclusive]
    return max(q.options, key=lambda o: o.points).id


def _with(answers: ClientAnswers, changes: dict) -> ClientAnswers:
    import dataclasses

    return dataclasses.replace(answers, answers={**answers.answers, **changes})


@pytest.fixture(scope="module")
def shipped():
    return load_model()


@pytest.mark.parametrize("client", CLIENTS, ids=lambda p: p.stem)
def test_the_path_reaches_the_next_level_when_its_changes_are_made(shipped, client):
    answers = load_answers(client, shipped)
    result = assess(shipped, answers)
    path = result.next_path
    if path is None:
        pytest.skip("already at the top level")
    assert path.reachable
    changed = _with(answers, {qid: _full_marks(shipped.question(qid)) for qid in path.changes.index})
    after = score(shipped, changed)
    assert after.overall == pytest.approx(path.overall_after)
    levels = [lv.id for lv in shipped.levels]
    assert levels.index(after.level.id) >= levels.index(path.target.id)
    for req in path.requirements:
        got = after.overall if req.dimension is None else after.dimensions.loc[req.dimension, "score"]
        assert got == pytest.approx(req.after) and got >= req.needed - 1e-9


@pytest.mark.parametrize("client", CLIENTS, ids=lambda p: p.stem)
def test_no_change_can_be_left_out_of_the_path(shipped, client):
    """Each change is needed: without any one of them the target is missed (greedy
    largest-first leaves no change that the others make redundant)."""
    answers = load_answers(client, shipped)
    path = assess(shipped, answers).next_path
    if path is None or len(path.changes) < 2:
        pytest.skip("nothing to leave out")
    for left_out in path.changes.index:
        others = {q: _full_marks(shipped.question(q)) for q in path.changes.index if q != left_out}
        card = score(shipped, _with(answers, others))
        assert card.level.id != path.target.id, left_out


def test_midori_is_held_back_by_its_health_score_only(shipped):
    """The issue's case: 69 overall but health score 21 of the 40 that CS 1.0 needs."""
    result = assess(shipped, load_answers(SAMPLE / "clients/midori-fintech.yaml", shipped))
    path = result.next_path
    short = [r for r in path.requirements if not r.met_now]
    assert [r.dimension for r in short] == ["health_score"]
    assert short[0].now == pytest.approx(21, abs=0.5) and short[0].needed == 40
    assert set(path.changes["dimension"]) == {"health_score"}
    # the plan, the priority list and the roadmap all start with what unblocks it
    first = result.plan.iloc[0]
    assert first["unblocks"] and first["recommendation"] == "health_score"
    assert result.recommendations.index[0] == result.roadmap.iloc[0]["recommendation"] == "health_score"


@pytest.mark.parametrize("client", CLIENTS, ids=lambda p: p.stem)
def test_one_order_for_plan_priorities_and_roadmap(shipped, client):
    result = assess(shipped, load_answers(client, shipped))
    plan = result.plan
    assert list(plan.index) == list(range(1, len(plan) + 1))
    assert list(result.recommendations.index) == list(plan["recommendation"]) == list(result.roadmap["recommendation"])
    position = {r: k for k, r in enumerate(plan["recommendation"])}
    due = dict(zip(plan["recommendation"], plan["due_month"], strict=True))
    for _, row in plan.iterrows():
        for dep in row["after"]:
            assert position[dep] < position[row["recommendation"]]  # prerequisites first
            assert row["start_month"] >= due[dep]  # and finished before it starts
        assert row["due_month"] == row["start_month"] + row["months"]
    # everything that unblocks the next level (or is needed by it) comes before the rest
    urgent = plan["unblocks"].to_numpy()
    if urgent.any():
        last_urgent = np.flatnonzero(urgent).max()
        needed_by_urgent = {d for deps in plan.loc[plan["unblocks"], "after"] for d in deps}
        for k in range(last_urgent):
            row = plan.iloc[k]
            assert row["unblocks"] or row["recommendation"] in needed_by_urgent or any(
                row["recommendation"] in deps for deps in plan.iloc[: last_urgent + 1]["after"])


def test_plan_rows_carry_owner_kpi_and_quarter(shipped):
    result = assess(shipped, load_answers(SAMPLE / "clients/hikari-cloud.yaml", shipped), lang="en")
    row = result.plan.set_index("recommendation").loc["define_kpis"] if "define_kpis" in set(
        result.plan["recommendation"]) else result.plan.iloc[0]
    assert row["owner"] and row["kpi"] and row["quarter"].startswith("20")
    assert set(result.plan["quadrant"]) <= {"quick_win", "major_project", "fill_in", "deprioritise"}
    assert (result.plan["start"] >= result.answers.client.assessment_date.replace(day=1)).all()


def test_a_target_level_from_the_answers_file(shipped):
    data = load_answers(SAMPLE / "clients/northwind-analytics.yaml", shipped).raw
    data = {**data, "target": {"level": "cs2", "by": "2027-12-31"}}
    data.pop("data", None)
    answers = parse_answers(data, shipped)
    result = assess(shipped, answers)
    assert result.next_path.target.id == "cs1" and result.target_path.target.id == "cs2"
    assert len(result.target_path.changes) > len(result.next_path.changes)
    assert result.to_dict()["target"]["level"] == "cs2"
    with pytest.raises(AnswersError, match="target.level: unknown level 'cs9'"):
        parse_answers({**data, "target": {"level": "cs9"}}, shipped)
    with pytest.raises(AnswersError, match="target.by: 2020-01-01 is not after the assessment date"):
        parse_answers({**data, "target": {"level": "cs2", "by": "2020-01-01"}}, shipped)
    with pytest.raises(ArgumentError, match="unknown level 'top'"):
        assess(shipped, answers, target="top")


def test_path_by_hand_on_the_tiny_model():
    """Tiny: a (w2) = q1 single + q2 multi; b (w1) = q3 scale 1-5 + q4 yes/no (w3).
    L1 needs 40 overall and b >= 50."""
    tiny = parse_model(tiny_model_dict())
    answers = parse_answers(answers_dict({"q1": "x", "q2": ["m1", "m2"], "q3": 5, "q4": "no"}), tiny)
    result = assess(tiny, answers)
    # a = 100, b = (1*1 + 3*0) / 4 = 25 -> overall (2*100 + 25) / 3 = 75: band L2, but b < 50 holds it...
    # L2 has no gates, so the level is L2 and the path is None (top level)
    assert result.scorecard.level.id == "L2" and result.next_path is None
    answers = parse_answers(answers_dict({"q1": "z", "q2": ["none"], "q3": 5, "q4": "no"}), tiny)
    result = assess(tiny, answers)
    # a = 0, b = 25 -> overall 8.33: L0; L1 needs overall 40 and b 50.
    path = result.next_path
    assert path.target.id == "L1"
    # the gate first: q4 (weight 3 of 4 in b) lifts b to 100; then overall 33.3 < 40, so
    # the largest overall gain: q1 or q2 (each half of a): 33.3 + 33.3 = 66.7
    assert list(path.changes.index)[0] == "q4"
    assert path.changes.loc["q4", "dimension_gain"] == pytest.approx(75)
    assert len(path.changes) == 2 and path.reachable
    assert path.overall_after == pytest.approx((2 * 50 + 100) / 3)


@st.composite
def _answers(draw, model):
    out = {}
    for q in model.questions:
        choices = [st.none()] + ([st.just(DONT_KNOW)] if q.accepts_dont_know else [])
        if q.type == "scale":
            choices.append(st.integers(q.scale.min, q.scale.max))
        elif q.is_multi:
            plain = [o.id for o in q.options if not o.exclusive]
            choices.append(st.lists(st.sampled_from(plain), min_size=1, unique=True))
        else:
            choices.append(st.sampled_from([o.id for o in q.options]))
        value = draw(st.one_of(choices))
        if value is not None:
            out[q.id] = value
    return out


@pytest.mark.parametrize("model_path", [None, QUICK], ids=["shipped", "quick-check"])
def test_the_fast_scorer_agrees_with_the_scorecard(model_path):
    model = load_model(model_path)
    client = dict(answers_dict({})["client"])
    client["profile"] = {f.id: "x" if f.placeholder == "" else f.placeholder for f in model.profile}
    client["language"] = model.languages[0]

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_answers(model))
    def check(raw):
        card = score(model, parse_answers({"client": client, "answers": raw}, model))
        dims, overall = _Scorer(model, card).scores(_Scorer(model, card).fraction)
        np.testing.assert_allclose(dims, card.dimensions["score"].to_numpy(dtype=float), equal_nan=True)
        assert overall == pytest.approx(card.overall)

    check()
