"""Several respondents per client: loading a client's files, each combining rule worked
by hand, Krippendorff's alpha against the published example and by hand, spread, role
gaps, robustness, and properties of the consensus."""

from __future__ import annotations

import copy
from pathlib import Path

import krippendorff
import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import csmaturity as cm
from csmaturity import AnswersError, ModelError, parse_answers, parse_model, score
from csmaturity.assessment import input_hash
from csmaturity.model import DONT_KNOW
from csmaturity.respondents import (
    ClientResponses,
    analyse,
    combine,
    gather_responses,
    krippendorff_alpha,
    load_client,
    load_clients,
    load_responses,
)

from conftest import CLIENTS
from tiny_model import answers_dict, tiny_model_dict

KAEDE = CLIENTS / "kaede-works"

# Three respondents of the tiny model (q1 single x=2/y=1/z=0 points; q2 multi m1-m3 one
# point each, capped at 2; q3 scale 1-5; q4 yes/no, weight 3; dimension a = q1, q2
# (weight 2), b = q3, q4 (weight 1); L1 from 40 needs b >= 50, L2 from 70).
#   fractions   q1     q2                 q3          q4
#   A (CEO)     x 1    [m1] 1/2           5 -> 1      yes 1
#   B (CS head) z 0    [m1,m2,m3] 2/2=1   don't know  no 0
#   C (Sales)   y 1/2  [m2] 1/2           2 -> 1/4    no 0
A = {"q1": "x", "q2": ["m1"], "q3": 5, "q4": "yes"}
B = {"q1": "z", "q2": ["m1", "m2", "m3"], "q3": DONT_KNOW, "q4": "no"}
C = {"q1": "y", "q2": ["m2"], "q3": 2, "q4": "no"}


def tiny(**scoring) -> cm.MaturityModel:
    data = tiny_model_dict()
    if scoring:
        data["scoring"] = scoring
    return parse_model(data)


def respondent(answers: dict, rid: str, role: str, **block) -> dict:
    data = answers_dict(answers)
    data["respondent"] = {"id": rid, "role": role, **block}
    return data


def team(model: cm.MaturityModel, *people: tuple[dict, str, str]) -> ClientResponses:
    return gather_responses([parse_answers(respondent(a, rid, role), model, file=f"{rid}.yaml")
                             for a, rid, role in people])


ABC = ((A, "a", "CEO"), (B, "b", "CS head"), (C, "c", "Sales"))


# ------------------------------------------------------------- combining rules


def test_mean_by_hand_combines_multi_choice_per_option():
    card = combine(tiny(), team(tiny(), *ABC)).scorecard
    q = card.questions
    # q1 (1 + 0 + 1/2) / 3; q2 per option: m1 2/3, m2 2/3, m3 1/3 -> 5/3 points, cap 2 -> 5/6
    # (the mean of the three fractions would be 2/3: B's capped tick-all counts in full per option);
    # q3: B does not know, so (1 + 1/4) / 2; q4 1/3
    assert q["fraction"].to_dict() == pytest.approx({"q1": 0.5, "q2": 5 / 6, "q3": 0.625, "q4": 1 / 3})
    assert q["status"].tolist() == ["answered"] * 4
    # a = 100 (1/2 + 5/6) / 2 = 66.67; b = 100 (0.625 + 3 * 1/3) / 4 = 40.625
    assert card.dimensions["score"].to_dict() == pytest.approx({"a": 200 / 3, "b": 40.625})
    # overall (2 * 66.67 + 40.625) / 3 = 57.99: band L1, held back by the gate b >= 50
    assert card.overall == pytest.approx((400 / 3 + 40.625) / 3)
    assert (card.score_level.id, card.level.id) == ("L1", "L0")
    assert card.coverage == 1.0


def test_median_by_hand():
    card = combine(tiny(combine="median"), team(tiny(combine="median"), *ABC)).scorecard
    # q1 median(1, 0, 1/2); q2 median(1/2, 1, 1/2); q3 median(1, 1/4); q4 median(1, 0, 0)
    assert card.questions["fraction"].to_dict() == pytest.approx({"q1": 0.5, "q2": 0.5, "q3": 0.625, "q4": 0.0})
    # a = 100 (1/2 + 1/2) / 2 = 50; b = 100 * 0.625 / 4 = 15.625; overall (100 + 15.625) / 3
    assert card.dimensions["score"].to_dict() == pytest.approx({"a": 50.0, "b": 15.625})
    assert card.overall == pytest.approx(115.625 / 3)
    assert card.level.id == "L0"


def test_minimum_is_the_weakest_link_by_hand():
    model = tiny(combine="min")
    consensus = combine(model, team(model, *ABC))
    card = consensus.scorecard
    assert card.questions["fraction"].to_dict() == pytest.approx({"q1": 0.0, "q2": 0.5, "q3": 0.25, "q4": 0.0})
    # a = 100 * 1/2 / 2 = 25; b = 100 * 1/4 / 4 = 6.25; overall (50 + 6.25) / 3 = 18.75
    assert card.overall == pytest.approx(18.75)
    # the team's answer: the weakest pick; per option, only what all three ticked (nothing)
    assert consensus.answers.answers == {"q1": "z", "q2": [], "q3": 2, "q4": "no"}


def test_role_weights_by_hand_and_an_unlisted_role_weighs_one():
    model = tiny(combine="role_weights", role_weights={"ceo": 2, "CS head": 1})
    consensus = combine(model, team(model, *ABC))
    card = consensus.scorecard
    # weights A 2 (CEO, any case), B 1, C 1 (Sales not listed)
    # q1 (2*1 + 0 + 1/2) / 4; q2 per option m1 3/4, m2 2/4, m3 1/4 -> 3/2 points / 2;
    # q3 (2*1 + 1/4) / 3 (B does not know); q4 (2*1) / 4
    assert card.questions["fraction"].to_dict() == pytest.approx({"q1": 0.625, "q2": 0.75, "q3": 0.75, "q4": 0.5})
    # a = 100 (0.625 + 0.75) / 2 = 68.75; b = 100 (0.75 + 3 * 0.5) / 4 = 56.25; L1 with its gate met
    assert card.overall == pytest.approx((2 * 68.75 + 56.25) / 3)
    assert card.level.id == "L1"
    warned = [p for p in consensus.answers.warnings if p.location == "respondent.role"]
    assert [(p.file, p.severity) for p in warned] == [("c.yaml", "warning")]
    assert "'Sales'" in warned[0].message


@pytest.mark.parametrize("rule", ["mean", "median", "min"])
def test_median_and_minimum_take_whole_fractions_of_a_multi_choice(rule):
    """Per option they would leave the range: each ticks two of the four (uncapped)
    phases, 1/2; per option the median ticks three (3/4) and the minimum none (0)."""
    model = ruled(SHIPPED, rule)
    picks = [["onboarding", "adoption"], ["adoption", "renewal"], ["onboarding", "renewal"]]
    consensus = combine(model, panel(model, [{"phases_covered": p} for p in picks], ROLES))
    assert consensus.scorecard.questions.at["phases_covered", "fraction"] == pytest.approx(0.5)
    expected = {"mean": ["onboarding", "adoption", "renewal"], "median": ["onboarding", "adoption", "renewal"],
                "min": []}[rule]
    assert consensus.answers.answers["phases_covered"] == expected


def test_the_teams_answer_is_nearest_the_consensus_and_ticks_what_half_ticked():
    consensus = combine(tiny(), team(tiny(), *ABC))
    # q1 1/2 -> y; q2 m1, m2 ticked by 2 of 3, m3 by 1; q3 1 + 0.625 * 4 = 3.5: points 3 and 4
    # tie, neither chosen -> the lower; q4 1/3 is nearer no than yes
    assert consensus.answers.answers == {"q1": "y", "q2": ["m1", "m2"], "q3": 3, "q4": "no"}
    options = consensus.options.loc["q2"]
    assert options["value"].to_dict() == pytest.approx({"m1": 2 / 3, "m2": 2 / 3, "m3": 1 / 3, "none": 0.0})
    assert options["chosen_by"].to_dict() == {"m1": ["a", "b"], "m2": ["b", "c"], "m3": ["b"], "none": []}
    # scale points 4, 4, 5, 1: (3/4 + 3/4 + 1 + 0) / 4 = 0.625, halfway between 3 and 4;
    # the tie goes to the point more respondents chose
    tied = team(tiny(), *[({**A, "q3": v}, f"r{k}", "CS") for k, v in enumerate([4, 4, 5, 1])])
    assert combine(tiny(), tied).answers.answers["q3"] == 4
    # x, x, z, z: 1/2 is y's own fraction, though no one chose it
    even = team(tiny(), *[({**A, "q1": v}, f"r{k}", "CS") for k, v in enumerate(["x", "x", "z", "z"])])
    assert combine(tiny(), even).answers.answers["q1"] == "y"


def test_triggers_and_benchmark_read_the_teams_answer():
    model = tiny()
    # r_d applies when q2 lacks m1: two of three tick m1, so the team has it
    with_m1 = cm.assess(model, team(model, *ABC))
    assert "r_d" not in with_m1.recommendations.index
    assert with_m1.benchmark.loc["i2", "client"]  # q2 matches i2 through m1
    without = team(model, (A, "a", "CEO"), ({**B, "q2": ["m2"]}, "b", "CS"), (C, "c", "Sales"))
    result = cm.assess(model, without)
    assert "r_d" in result.recommendations.index and not result.benchmark.loc["i2", "client"]
    # the benchmark's q4 -> i1 link reads the team's "no"
    assert not result.benchmark.loc["i1", "client"]


def test_a_dont_know_leaves_the_question_to_the_others_and_the_rule_applies_when_nobody_knows():
    model = tiny()
    unsure = {**A, "q3": DONT_KNOW}
    blank = {k: v for k, v in A.items() if k != "q3"}
    card = combine(model, team(model, (unsure, "a", "CEO"), (B, "b", "CS"), (blank, "c", "Sales"))).scorecard
    assert card.questions.at["q3", "status"] == "dont_know" and card.questions.at["q3", "fraction"] == 0.0
    assert card.dont_know == ["q3"] and card.coverage == 0.75
    card = combine(model, team(model, (blank, "a", "CEO"), (blank, "b", "CS"))).scorecard
    assert card.unanswered == ["q3"]
    excluding = tiny(dont_know="exclude")
    card = combine(excluding, team(excluding, (unsure, "a", "CEO"), (B, "b", "CS"))).scorecard
    assert np.isnan(card.questions.at["q3", "fraction"])


def test_the_model_rule_is_checked():
    data = tiny_model_dict()
    data["scoring"] = {"combine": "role_weights"}
    with pytest.raises(ModelError, match="needs role_weights"):
        parse_model(data)
    data["scoring"] = {"role_weights": {"CEO": 2}}
    with pytest.raises(ModelError, match="only with combine: role_weights"):
        parse_model(data)
    data["scoring"] = {"combine": "role_weights", "role_weights": {"CEO": 0}}
    with pytest.raises(ModelError, match="above 0"):
        parse_model(data)
    data["scoring"] = {"combine": "role_weights", "role_weights": {"CEO": 1, "ceo ": 2}}
    with pytest.raises(ModelError, match="differ other than in case"):
        parse_model(data)
    assert cm.load_model().scoring.combine == "mean"


# -------------------------------------------------------------------- loading


def write(folder: Path, name: str, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_single_file_stays_one_respondent(model):
    path = CLIENTS / "hikari-cloud.yaml"
    single = load_client(path, model)
    assert single == cm.load_answers(path, model) and single.respondent is None
    result = cm.assess(model, single)
    assert result.respondents is None and result.to_dict()["respondents"] is None
    # a respondent block changes nothing of the scores
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["respondent"] = {"id": "r1", "role": "CS head"}
    named = parse_answers(data, model, file=str(path))
    assert named.respondent.anonymous and named.respondent.role == "CS head"
    assert cm.assess(model, named).to_dict()["overall"] == result.to_dict()["overall"]


def test_a_respondent_file_ending_in_yml_is_one_of_the_folder(tmp_path):
    from csmaturity.batch.run import expand_client_paths

    model = tiny()
    folder = tmp_path / "clients" / "acme"
    for a, rid, role in ABC:
        write(folder, f"{rid}.{'yml' if rid == 'b' else 'yaml'}", respondent(a, rid, role))
    write(folder, "notes.txt", "not an answers file")
    assert load_client(folder, model).ids == ["a", "b", "c"]
    solo = write(tmp_path / "clients", "solo.yml", answers_dict(A, id="solo"))
    assert expand_client_paths([tmp_path / "clients"]) == [folder, solo]


def test_a_folder_and_files_given_together_are_one_client(tmp_path):
    model = tiny()
    folder = tmp_path / "acme"
    paths = [write(folder, f"{rid}.yaml", respondent(a, rid, role)) for a, rid, role in ABC]
    from_folder = load_client(folder, model)
    from_files = load_client(paths, model)
    assert isinstance(from_folder, ClientResponses) and from_folder.ids == ["a", "b", "c"]
    assert from_files.ids == from_folder.ids and from_folder.source == str(folder)
    assert load_responses(folder, model).files == [str(p) for p in paths]
    # a list mixing a folder, two files of one client and a file alone
    other = write(tmp_path, "solo.yaml", answers_dict(A, id="solo"))
    clients = load_clients([folder, other, *paths[:2]], model)
    assert [type(c).__name__ for c in clients] == ["ClientResponses", "ClientAnswers", "ClientResponses"]
    assert clients[2].ids == ["a", "b"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(AnswersError, match="no answers files"):
        load_responses(tmp_path / "empty", model)


def test_client_blocks_that_disagree_are_errors_naming_both_files(tmp_path):
    model = tiny()
    folder = tmp_path / "acme"
    first = write(folder, "1.yaml", respondent(A, "a", "CEO"))
    renamed = respondent(B, "b", "CS")
    renamed["client"]["name"] = "Client Two"
    renamed["client"]["profile"]["customers"] = 101
    second = write(folder, "2.yaml", renamed)
    late = respondent(C, "c", "Sales")
    late["client"]["assessment_date"] = "2026-11-15"  # 45 days after 2026-10-01
    third = write(folder, "3.yaml", late)
    with pytest.raises(AnswersError) as caught:
        load_responses(folder, model)
    found = {(p.file, p.location): p.message for p in caught.value.problems}
    assert str(first) in found[(str(second), "client.name")] and "'Client Two'" in found[(str(second), "client.name")]
    assert str(first) in found[(str(second), "client.profile")]
    assert "45 days after" in found[(str(third), "client.assessment_date")]
    assert str(first) in found[(str(third), "client.assessment_date")]


def test_dates_within_the_window_are_one_assessment_dated_by_the_latest():
    model = tiny()
    late = respondent(C, "c", "Sales")
    late["client"]["assessment_date"] = "2026-10-20"
    responses = gather_responses([parse_answers(respondent(A, "a", "CEO"), model, file="1.yaml"),
                                  parse_answers(late, model, file="3.yaml")])
    assert str(responses.client.assessment_date) == "2026-10-20"


def test_respondent_ids_are_unique_and_every_file_names_its_respondent():
    model = tiny()
    twice = [parse_answers(respondent(A, "a", "CEO"), model, file="1.yaml"),
             parse_answers(respondent(B, "a", "CS"), model, file="2.yaml"),
             parse_answers(answers_dict(C), model, file="3.yaml")]
    with pytest.raises(AnswersError) as caught:
        gather_responses(twice)
    found = {(p.file, p.location): p.message for p in caught.value.problems}
    assert "1.yaml" in found[("2.yaml", "respondent.id")]
    assert "respondent block" in found[("3.yaml", "respondent")]


def test_targets_and_data_files_given_by_several_files_must_agree():
    model = tiny()
    one, two = respondent(A, "a", "CEO"), respondent(B, "b", "CS")
    one["target"], two["target"] = {"level": "L1"}, {"level": "L2"}
    with pytest.raises(AnswersError, match="target: differs from 1.yaml"):
        gather_responses([parse_answers(one, model, file="1.yaml"), parse_answers(two, model, file="2.yaml")])
    del two["target"]
    responses = gather_responses([parse_answers(one, model, file="1.yaml"), parse_answers(two, model, file="2.yaml")])
    assert responses.target.level == "L1"


def test_the_input_hash_covers_every_respondent():
    model = tiny()
    before = cm.assess(model, team(model, *ABC)).input_hash
    changed = team(model, (A, "a", "CEO"), (B, "b", "CS head"), ({**C, "q3": 3}, "c", "Sales"))
    assert cm.assess(model, changed).input_hash != before
    # what a batch checks before it assesses: the same hash from the loaded files
    assert input_hash(model, team(model, *ABC)) == before


# ------------------------------------------------------------------ agreement

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the reliability data
# of four observers and twelve units (p. 8 of the paper), with its published alphas.
KRIPPENDORFF = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
    [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan],
])


def alpha_by_hand(data: np.ndarray, metric: str) -> float:
    """Krippendorff's alpha from the coincidence matrix, as the paper computes it:
    ``1 - (n - 1) * sum(o_ck * d_ck) / sum(n_c * n_k * d_ck)``."""
    units = [col[~np.isnan(col)] for col in np.asarray(data, dtype=float).T]
    units = [u for u in units if len(u) >= 2]
    values = sorted({float(v) for u in units for v in u})
    at = {v: i for i, v in enumerate(values)}
    o = np.zeros((len(values), len(values)))
    for u in units:
        for i, vi in enumerate(u):
            for j, vj in enumerate(u):
                if i != j:
                    o[at[float(vi)], at[float(vj)]] += 1 / (len(u) - 1)
    n_c = o.sum(axis=1)

    def d(c: int, k: int) -> float:
        if metric == "nominal":
            return float(c != k)
        if metric == "interval":
            return (values[c] - values[k]) ** 2
        lo, hi = min(c, k), max(c, k)
        return (n_c[lo:hi + 1].sum() - (n_c[c] + n_c[k]) / 2) ** 2

    size = range(len(values))
    observed = sum(o[c, k] * d(c, k) for c in size for k in size)
    expected = sum(n_c[c] * n_c[k] * d(c, k) for c in size for k in size)
    return 1 - (n_c.sum() - 1) * observed / expected


@pytest.mark.parametrize(("metric", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_alpha_on_krippendorffs_published_example(metric, published):
    mine = krippendorff_alpha(KRIPPENDORFF, metric)
    assert mine == pytest.approx(published, abs=5e-4)
    assert mine == pytest.approx(krippendorff.alpha(reliability_data=KRIPPENDORFF, level_of_measurement=metric))
    assert mine == pytest.approx(alpha_by_hand(KRIPPENDORFF, metric))


def test_alpha_worked_by_hand():
    # two coders, three units: (1, 1), (2, 2), (3, 4). Interval: the observed squared
    # differences are 2 * 1^2 / (2 - 1) = 2 over n = 6 values; all 30 ordered pairs of
    # the values 1, 1, 2, 2, 3, 4 sum to 82; alpha = 1 - (6 - 1) * 2 / 82 = 36/41
    data = np.array([[1, 2, 3], [1, 2, 4]], dtype=float)
    assert krippendorff_alpha(data, "interval") == pytest.approx(36 / 41)
    # undefined without two values to a unit, or without variation
    assert np.isnan(krippendorff_alpha(np.array([[1, np.nan], [np.nan, 2]]), "interval"))
    assert np.isnan(krippendorff_alpha(np.array([[0.5, 0.5], [0.5, 0.5]]), "ordinal"))
    assert krippendorff_alpha(np.array([[0.0, 1.0], [0.0, 1.0]]), "ordinal") == 1.0


def test_agreement_of_the_sample_is_the_alpha_of_its_fractions(model):
    result = analyse(model, load_responses(KAEDE, model))
    fractions = result.fractions
    for dim, row in result.dimensions.iterrows():
        questions = [q for q in model.questions if q.dimension == dim]
        assert row["metric"] == ("interval" if any(q.is_multi for q in questions) else "ordinal")
        data = fractions.loc[[q.id for q in questions]].to_numpy().T
        assert row["alpha"] == pytest.approx(alpha_by_hand(np.round(data, 12), row["metric"])), dim
    assert result.agreement_metric == "interval"
    assert result.agreement == pytest.approx(alpha_by_hand(np.round(fractions.to_numpy().T, 12), "interval"))
    assert -1 < result.agreement < 0.5  # this team disagrees a good deal


# ------------------------------------------------------ spread, gaps, sample


def test_the_four_respondent_sample(model):
    responses = load_client(KAEDE, model)
    assert responses.ids == ["ceo", "cs-head", "sales-head", "support-lead"]
    assert responses.client.language == "ja" and str(responses.client.assessment_date) == "2026-11-13"
    result = cm.assess(model, responses)
    team_ = result.respondents
    people = team_.people
    # named where allowed; the support lead is anonymous: role alone, and out of the role breakdown
    assert people.loc["support-lead", ["label", "name", "department"]].tolist() == ["サポートリーダー", None, None]
    assert people.loc["cs-head", "name"] == "佐藤 美咲"
    assert team_.hidden_roles == ("サポートリーダー",)
    assert list(team_.role_scores.columns) == ["経営者", "CS責任者", "営業責任者"]
    # sales sees the health score as in use, CS does not
    answers = team_.questions.at["hs_operated", "answers"]
    assert (answers["sales-head"], answers["cs-head"], answers["support-lead"]) == (
        "drives_actions", "defined_only", DONT_KNOW)
    gap = team_.role_gaps.loc["health_score"]
    assert (gap["highest"], gap["lowest"], gap["gap"]) == ("営業責任者", "CS責任者", pytest.approx(200 / 3))
    assert team_.role_gaps["gap"].idxmax() == "health_score"
    # the most contested questions, furthest apart first
    contested = team_.contested()
    assert len(contested) == 5 and contested["range"].is_monotonic_decreasing
    assert contested.index[0] == "hs_validated" and contested.iloc[0]["range"] == 1.0
    spread = team_.questions.loc["leadership"]  # 5, 3, 4, 2 on 1-5: fractions 1, 1/2, 3/4, 1/4
    assert (spread["range"], spread["sd"]) == pytest.approx((0.75, np.std([1, 0.5, 0.75, 0.25])))
    # without the sales head the level drops: he alone moves it
    robust = team_.robustness
    assert robust.movers == ["sales-head"] and not robust.stable
    assert robust.leave_one_out.loc["sales-head", "level"] == "cs0" and result.scorecard.level.id == "cs1"
    assert robust.respondent_range == (people["overall"].min(), people["overall"].max())
    assert robust.interval[0] < result.scorecard.overall < robust.interval[1]
    assert 0.5 < robust.level_share < 0.9 and robust.resamples == 1000
    summary = result.to_dict()["respondents"]
    assert summary["robustness"]["movers"] == ["sales-head"] and summary["count"] == 4
    assert summary["people"][3]["name"] is None and summary["hidden_roles"] == ["サポートリーダー"]


def test_the_sample_folder_is_not_picked_up_by_the_single_client_globs(sample_client_files):
    assert KAEDE.is_dir() and len(sample_client_files) == 6
    assert all(p.parent == CLIENTS for p in sample_client_files)


def test_each_respondent_scored_alone_agrees_with_score(model):
    result = analyse(model, load_responses(KAEDE, model), resamples=10)
    for rid in result.people.index:
        card = score(model, result.responses.respondent(rid))
        assert result.scorecard(rid).overall == card.overall
        assert result.people.at[rid, "overall"] == pytest.approx(card.overall)
        assert result.people.at[rid, "level"] == card.level.id
        assert result.dimension_scores[rid].to_numpy() == pytest.approx(card.dimensions["score"].to_numpy())
        assert result.people.at[rid, "coverage"] == pytest.approx(card.coverage)


def test_roles_shared_by_two_are_shown_and_labels_are_numbered():
    model = tiny()
    responses = team(model, (A, "a", "CS"), (B, "b", "cs"), (C, "c", "Sales"))
    result = analyse(model, responses, resamples=20)
    assert result.people["label"].tolist() == ["CS (1)", "cs (2)", "Sales"]
    assert list(result.role_scores.columns) == ["CS"] and result.hidden_roles == ("Sales",)
    assert result.role_scores.loc["b", "CS"] == pytest.approx(
        (result.dimension_scores.loc["b", "a"] + result.dimension_scores.loc["b", "b"]) / 2)
    shown = analyse(model, responses, resamples=20, min_role_size=1)
    assert list(shown.role_scores.columns) == ["CS", "Sales"] and shown.hidden_roles == ()


def test_same_labels_are_numbered_and_names_shown_only_when_allowed():
    model = tiny()
    data = [respondent(A, "a", "CS", name="Aiko"), respondent(B, "b", "CS", name="Ben", anonymous=False),
            respondent(C, "c", "CS")]
    result = analyse(model, gather_responses([parse_answers(d, model, file=f"{k}.yaml") for k, d in enumerate(data)]),
                     resamples=20)
    assert result.people["label"].tolist() == ["CS (1)", "Ben", "CS (2)"]
    assert result.people["name"].tolist() == [None, "Ben", None]


def test_the_bootstrap_is_seeded(model):
    responses = load_responses(KAEDE, model)
    one, two = analyse(model, responses, seed=7).robustness, analyse(model, responses, seed=7).robustness
    assert (one.interval, one.level_share) == (two.interval, two.level_share)
    assert analyse(model, responses, seed=8).robustness.interval != one.interval


def test_leave_one_out_names_the_respondent_who_moves_the_level():
    model = tiny()
    high = {"q1": "x", "q2": ["m1", "m2"], "q3": 5, "q4": "yes"}  # 100
    low = {"q1": "z", "q2": ["none"], "q3": 1, "q4": "no"}  # 0
    responses = team(model, (high, "h1", "CS"), (high, "h2", "CS"), (low, "l1", "Sales"))
    result = analyse(model, responses, resamples=50)
    # with all three: 2/3 everywhere -> 66.67, b = 66.67 meets its gate: L1; without l1: 100, L2
    assert result.consensus.scorecard.level.id == "L1"
    assert result.robustness.movers == ["l1"]
    assert result.robustness.leave_one_out.loc["l1", ["overall", "level"]].tolist() == [100.0, "L2"]
    assert result.robustness.leave_one_out.loc["h1", "level"] == "L1"


def test_one_respondent_has_no_agreement_and_nobody_to_leave_out():
    model = tiny()
    result = analyse(model, team(model, (A, "a", "CEO")), resamples=20)
    assert np.isnan(result.agreement) and result.robustness.leave_one_out.empty
    assert result.robustness.interval == pytest.approx((result.consensus.scorecard.overall,) * 2)
    assert result.contested().empty


# ------------------------------------------------------------------ properties


def answer_for(question):
    """Any answer a respondent may give to ``question``, "don't know" and blank included."""
    if question.is_multi:
        plain = [o.id for o in question.options if not o.exclusive]
        picks = [st.lists(st.sampled_from(plain), min_size=1, unique=True)]
        picks += [st.just([o.id]) for o in question.options if o.exclusive]
    else:
        picks = [st.sampled_from(question.option_values)]
    return st.one_of(*picks, st.just(DONT_KNOW), st.none())


SHIPPED = cm.load_model()
TINY = tiny()


def answers_of(model):
    return st.fixed_dictionaries({q.id: answer_for(q) for q in model.questions}).map(
        lambda d: {k: v for k, v in d.items() if v is not None})


def ruled(model, rule: str):
    scoring = {"combine": rule}
    if rule == "role_weights":
        scoring["role_weights"] = {"CEO": 3, "CS": 1.5}
    return model.model_copy(update={"scoring": model.scoring.model_copy(update=scoring)})


RULES = ["mean", "median", "min", "role_weights"]
ROLES = ["CEO", "CS", "Sales"]


def panel(model, answer_sets, roles):
    return gather_responses([
        parse_answers({**answers_dict({}), "answers": copy.deepcopy(a),
                       "respondent": {"id": f"r{k}", "role": roles[k % len(roles)]}}, model, file=f"r{k}.yaml")
        for k, a in enumerate(answer_sets)])


@settings(max_examples=40, deadline=None)
@given(data=st.data(), copies=st.integers(1, 5), rule=st.sampled_from(RULES), shipped=st.booleans())
def test_identical_respondents_equal_the_single_respondent(data, copies, rule, shipped):
    model = ruled(SHIPPED if shipped else TINY, rule)
    answers = data.draw(answers_of(model))
    single = parse_answers({**answers_dict({}), "answers": copy.deepcopy(answers)}, model)
    alone = score(model, single)
    consensus = combine(model, panel(model, [answers] * copies, ROLES))
    card = consensus.scorecard
    assert consensus.answers.answers == single.answers
    assert card.questions["status"].tolist() == alone.questions["status"].tolist()
    assert card.questions["fraction"].to_numpy() == pytest.approx(alone.questions["fraction"].to_numpy(), nan_ok=True)
    assert card.overall == pytest.approx(alone.overall)
    assert (card.level.id, card.score_level.id, card.coverage) == (alone.level.id, alone.score_level.id, alone.coverage)


@settings(max_examples=100, deadline=None)
@given(data=st.data(), size=st.integers(1, 6), rule=st.sampled_from(RULES), shipped=st.booleans())
def test_the_consensus_lies_within_the_respondents_range(data, size, rule, shipped):
    model = ruled(SHIPPED if shipped else TINY, rule)
    responses = panel(model, [data.draw(answers_of(model)) for _ in range(size)], ROLES)
    consensus = combine(model, responses).scorecard.questions
    for q in model.questions:
        known = [q.fraction(a.answers[q.id]) for a in responses.respondents
                 if q.id in a.answers and a.answers[q.id] != DONT_KNOW]
        if known:
            assert min(known) - 1e-9 <= consensus.at[q.id, "fraction"] <= max(known) + 1e-9, (q.id, known)
        else:
            assert consensus.at[q.id, "status"] != "answered"


@settings(max_examples=25, deadline=None)
@given(data=st.data(), size=st.integers(2, 5), rule=st.sampled_from(RULES))
def test_leave_one_out_is_the_consensus_of_the_others(data, size, rule):
    model = ruled(TINY, rule)
    everyone = panel(model, [data.draw(answers_of(model)) for _ in range(size)], ROLES)
    result = analyse(model, everyone, resamples=5)
    level = result.consensus.scorecard.level.id
    for k, rid in enumerate(result.people.index):
        others = everyone.respondents[:k] + everyone.respondents[k + 1:]
        without = combine(model, gather_responses(others)).scorecard
        row = result.robustness.leave_one_out.loc[rid]
        assert row["overall"] == pytest.approx(without.overall)
        assert row["level"] == without.level.id
        assert row["moves"] == (without.level.id != level)
        assert (rid in result.robustness.movers) == row["moves"]
