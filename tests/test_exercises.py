"""Exercises: expected answers come from the metrics library, worked by hand here."""

from __future__ import annotations

import pytest

from csmaturity.exercises import EXERCISES, check, cohort_table, exercise
from csmaturity.metrics import retention

# Each expected value worked by hand from the exercise's prompt.
BY_HAND = {
    "churn": 14 / 200 * 100,                          # 7.0 %
    "upsell": 30 / 250 * 100,                         # 12.0 %
    "nrr": (10_000 - 1_000 - 50 + 20 * 30) / 10_000 * 100,  # 95.5 % (one downgrade, within its ARR of 100)
    "nps": (55 - 20),                                 # 55 % promoters (10 and 9) − 20 % detractors
    "nps_margin": 1.96 * 100 * ((0.55 + 0.20 - 0.35**2) / 100) ** 0.5,  # 15.5
    "csat": (36 + 42) / 120 * 100,                    # 65.0 %
    "nrs": 30 - (12 + 5 + 3),                         # +10
    "dwb": 18 / 60 * 100,                             # 30 %
    "ces": "B",                                       # lower mean effort is better
    "ltv_margin": 600_000 * 0.7 * (1 / 0.2),          # 2,100,000
    "ltv_purchases": 8_000 * 15,                      # 120,000
    "ltv_gross": (50_000_000 - 30_000_000) / 400,     # 50,000
    "roi": (75_000 - 12_000) / 12_000 * 100,          # 525 %
    "break_even": 0.0,                                # gain = cost, not the article's 100 %
    "payback": 1_200_000 / (1_800_000 / 12),          # 8 months
    "health_band": "red",                             # 35 < 40
}


def test_every_exercise_is_worked_by_hand():
    assert set(BY_HAND) == set(EXERCISES)


@pytest.mark.parametrize("exercise_id", sorted(BY_HAND))
def test_right_answer_is_accepted_and_explained(exercise_id):
    expected = BY_HAND[exercise_id]
    answer = f"{expected:.1f}" if isinstance(expected, float) else expected
    feedback = check(exercise_id, answer)
    assert feedback.correct, feedback.message("en")
    assert feedback.message("ja").startswith("正解です。") and feedback.message("en").startswith("Correct: ")
    if isinstance(expected, float):  # z = 1.96 by hand vs 1.95996 in the library: within the tolerance
        assert feedback.expected == pytest.approx(expected, abs=exercise(exercise_id).tolerance)
    else:
        assert feedback.expected == expected


@pytest.mark.parametrize("exercise_id", [k for k, v in BY_HAND.items() if isinstance(v, float)])
def test_wrong_number_is_refused_with_the_working(exercise_id):
    ex = exercise(exercise_id)
    wrong = BY_HAND[exercise_id] + 10 * ex.tolerance + 1
    feedback = check(exercise_id, wrong)
    assert not feedback.correct
    assert feedback.message("en").startswith("Not quite.") and "=" in feedback.message("en")
    assert feedback.message("ja").startswith("違います。")


def test_tolerance_is_half_the_last_digit():
    assert check("churn", "7.04").correct and not check("churn", "7.1").correct
    assert check("nps", "35.4").correct and not check("nps", "36").correct


def test_answers_typed_in_many_ways():
    assert check("roi", "525 %").correct and check("roi", "５２５％").correct
    assert check("ltv_margin", "2,100,000円").correct and check("ltv_purchases", "¥120000").correct
    assert check("payback", "8 months").correct and check("payback", "8か月").correct
    assert check("nps", "+35").correct and check("nps", 35).correct
    assert check("ces", " b ").correct and check("health_band", "赤").correct


def test_fraction_for_a_percentage_gets_a_hint():
    feedback = check("churn", "0.07")
    assert not feedback.correct
    assert "looks like a fraction" in feedback.message("en") and "%で答えて" in feedback.message("ja")


def test_break_even_corrects_the_article():
    feedback = check("break_even", "100")
    assert not feedback.correct and "ROI 100%" in feedback.message("en") and "twice the cost" in feedback.message("en")


def test_not_a_number_or_not_a_choice():
    assert "Please answer with a number" in check("nps", "high").message("en")
    assert check("ces", "C").message("en") == "Answer with one of A / B."
    assert not check("nps", True).correct


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(ValueError, match="known: \\['break_even'"):
        check("nope", 1)


def test_cohort_table_has_the_asked_totals():
    r = retention(cohort_table(100, 10, upsold=20, cross_sold=5, arr_each=100, upsell_each=30, cross_each=10,
                               contraction=200))
    assert (r.customers_at_start, r.customers_lost, r.upsell_customers, r.cross_sell_customers) == (100, 10, 20, 5)
    assert (r.churned_arr, r.contraction_arr, r.expansion_arr) == (1_000, 200, 650)
    with pytest.raises(ValueError, match="within those retained"):
        cohort_table(10, 5, upsold=6)


def test_choices_are_offered_and_refused_in_the_readers_words():
    from csmaturity.exercises import EXERCISES

    band = EXERCISES["health_band"]
    assert band.choice_labels("ja") == ("赤", "黄", "緑") and band.choice_labels("en") == ("red", "yellow", "green")
    refused = check("health_band", "紫")
    assert refused.verdict == "choose"
    assert "赤 / 黄 / 緑" in refused.message("ja") and "red" not in refused.message("ja")
    assert "red / yellow / green" in refused.message("en")
    assert check("health_band", "赤").correct and check("health_band", "Red").correct
