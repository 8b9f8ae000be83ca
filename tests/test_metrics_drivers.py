"""Key-driver analysis: importance, performance, quadrants, value segments."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from csmaturity.errors import DataError
from csmaturity.i18n import LANGUAGES, labels
from csmaturity.metrics import QUADRANTS, key_drivers


def by_item(result: pd.DataFrame, segment: str = "all") -> pd.DataFrame:
    return result[result.segment == segment].set_index("item")


def test_worked_example_by_hand():
    survey = pd.DataFrame({
        "nps": [0, 5, 10, 5],
        "a": [1, 3, 5, 3],  # moves exactly with the overall score: r = 1
        "b": [5, 1, 5, 1],  # deviations (2, −2, 2, −2) · (−5, 0, 5, 0) = 0: r = 0
    })
    result = by_item(key_drivers(survey, ["a", "b"]))
    assert result.loc["a", "correlation"] == pytest.approx(1.0)
    assert result.loc["b", "correlation"] == pytest.approx(0.0)
    # TOP2 (4–5 of 5): a has one 5 of 4 → 0.25; b has two 5s → 0.5. TOP1 is the same here.
    assert result.loc["a", "top2"] == 0.25 and result.loc["b", "top2"] == 0.5
    # Thresholds: mean importance 0.5, mean performance 0.375.
    assert result.loc["a", "importance_threshold"] == pytest.approx(0.5)
    assert result.loc["a", "performance_threshold"] == pytest.approx(0.375)
    assert result.loc["a", "quadrant"] == "priority to improve"
    assert result.loc["b", "quadrant"] == "maintain"
    assert (result["note"] == "").all()


def test_standardised_regression_coefficients_by_hand():
    # a and b are uncorrelated (deviations (−1, −1, 1, 1) and (−1, 1, −1, 1));
    # overall = 5 + 2(a − 3) + (b − 3), so z(overall) = (2 z(a) + z(b)) / √5.
    survey = pd.DataFrame({"nps": [2, 4, 6, 8], "a": [2, 2, 4, 4], "b": [2, 4, 2, 4]})
    result = by_item(key_drivers(survey, ["a", "b"], importance="regression"))
    assert result.loc["a", "std_coef"] == pytest.approx(2 / math.sqrt(5))
    assert result.loc["b", "std_coef"] == pytest.approx(1 / math.sqrt(5))
    assert list(result["importance"]) == list(result["std_coef"])
    # Uncorrelated items: the coefficients equal the correlations.
    assert list(result["correlation"]) == pytest.approx(list(result["std_coef"]))


def test_all_identical_ratings_say_why_importance_is_undefined():
    survey = pd.DataFrame({"nps": [0, 5, 10, 5], "a": [1, 3, 5, 3], "flat": [4, 4, 4, 4]})
    result = by_item(key_drivers(survey, ["a", "flat"]))
    assert math.isnan(result.loc["flat", "importance"])
    assert result.loc["flat", "quadrant"] == "undetermined"
    assert "all ratings identical (= 4)" in result.loc["flat", "note"]
    assert result.loc["flat", "top2"] == 1.0  # performance is still known
    # The undefined item does not drag the threshold: it is a's importance alone.
    assert result.loc["a", "importance_threshold"] == pytest.approx(1.0)


def test_identical_overall_scores_are_reported():
    survey = pd.DataFrame({"nps": [7, 7, 7], "a": [1, 2, 3]})
    result = key_drivers(survey, ["a"])
    assert "all overall scores identical" in result.loc[0, "note"]


def test_blanks_are_dropped_pairwise_and_counted():
    survey = pd.DataFrame({"nps": [0, 5, 10, None, 8], "a": [1, 3, 5, 4, None]}, dtype=object)
    row = key_drivers(survey, ["a"]).iloc[0]
    assert row["n"] == 3  # rows with both answers
    assert row["n_rated"] == 4  # performance uses every rating
    assert row["top2"] == 0.5  # 5 and 4 of (1, 3, 5, 4)


def test_too_few_pairs():
    row = key_drivers(pd.DataFrame({"nps": [1, 9], "a": [1, 5]}), ["a"]).iloc[0]
    assert "only 2 answer(s)" in row["note"] and row["quadrant"] == "undetermined"


def segmented_survey(n_accounts: int = 200, per_account: int = 3) -> pd.DataFrame:
    """High-value customers are driven by item a, the others by item b."""
    rng = np.random.default_rng(7)
    rows = []
    for k in range(n_accounts):
        value = 1_000 * (k + 1)
        for _ in range(per_account):
            a, b = rng.integers(1, 6, size=2)
            driver = a if k >= 0.7 * n_accounts else b
            overall = int(np.clip(round(2 * driver - 1 + rng.normal(0, 1)), 0, 10))
            rows.append({"account_id": f"A{k}", "arr": value, "nps": overall, "a": a, "b": b})
    return pd.DataFrame(rows)


def test_high_and_low_value_customers_have_their_own_drivers():
    result = key_drivers(segmented_survey(), ["a", "b"], segment_by="arr")
    high, low = by_item(result, "high_ltv"), by_item(result, "low_ltv")
    assert high.loc["a", "importance"] > 0.8 > high.loc["b", "importance"]
    assert low.loc["b", "importance"] > 0.8 > low.loc["a", "importance"]
    # 30 % of 200 accounts = 60 accounts × 3 respondents each
    assert high["n"].iloc[0] == 180 and low["n"].iloc[0] == 420
    assert result.attrs["segment_cut"] == 141_000
    assert list(result.segment.unique()) == ["all", "high_ltv", "low_ltv"]
    assert len(result) == 6


def test_split_by_median_or_explicit_thresholds():
    survey = segmented_survey()
    explicit = key_drivers(survey, ["a", "b"], split=(0.9, 0.1))
    assert set(explicit.quadrant) == {"maintain"}
    assert (explicit.importance_threshold == 0.9).all()
    median = key_drivers(survey, ["a", "b"], split="median")
    assert median.importance_threshold.iloc[0] == pytest.approx(median.importance.mean())


def test_performance_top1():
    survey = pd.DataFrame({"nps": [0, 5, 10, 5], "a": [1, 4, 5, 4]})
    row = key_drivers(survey, ["a"], performance="top1").iloc[0]
    assert row["performance"] == row["top1"] == 0.25 and row["top2"] == 0.75


def test_invalid_ratings_are_all_reported_with_rows():
    survey = pd.DataFrame({"nps": [3, 11, 5], "a": [1, 6, "x"]}, dtype=object)
    with pytest.raises(DataError) as caught:
        key_drivers(survey, ["a"])
    text = str(caught.value)
    assert "column 'nps', row 3" in text
    assert "column 'a', row 3" in text and "column 'a', row 4" in text


def test_missing_columns_are_named():
    with pytest.raises(DataError, match="'item_support'"):
        key_drivers(pd.DataFrame({"nps": [1]}), ["item_support"])


def test_quadrant_labels_cover_every_quadrant():
    # the quadrant names live in the text store: one per quadrant id, in every language
    quadrant_labels = {lang: labels(lang)["drivers"]["quadrants"] for lang in LANGUAGES}
    assert all(set(names) == set(QUADRANTS) for names in quadrant_labels.values())
    assert {"en", "ja"} <= set(quadrant_labels)
