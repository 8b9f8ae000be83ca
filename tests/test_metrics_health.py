"""Health score: normalisation, weights, bands, ARR at risk, configuration errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csmaturity.errors import ConfigError, DataError
from csmaturity.metrics import HealthConfig, health_scores, load_health_config, summarize_health


def config(*signals: dict, red_below: float = 40, green_from: float = 70) -> HealthConfig:
    return HealthConfig.from_dict({"bands": {"red_below": red_below, "green_from": green_from},
                                   "signals": list(signals)})


X_MIN_MAX = {"column": "x", "direction": "higher_is_better", "normalisation": "min_max", "weight": 3}
Y_FIXED = {"column": "y", "direction": "lower_is_better", "normalisation": "fixed", "bounds": [0, 10], "weight": 1}


def test_worked_example_by_hand():
    accounts = pd.DataFrame({"account_id": ["a", "b", "c"], "arr": [100, 200, 300],
                             "x": [0, 5, 10], "y": [0, 5, 10]})
    scores = health_scores(accounts, config(X_MIN_MAX, Y_FIXED))
    # x → (0, .5, 1); y, lower is better → (1, .5, 0); score = 100 (3x + y) / 4
    assert list(scores["health_score"]) == pytest.approx([25, 50, 75])
    assert list(scores["health_band"]) == ["red", "yellow", "green"]
    assert list(scores["signal_y"]) == pytest.approx([1, 0.5, 0])
    summary = summarize_health(scores)
    assert summary.accounts == {"red": 1, "yellow": 1, "green": 1, "no data": 0}
    assert summary.arr_at_risk == 100 and summary.share_arr_at_risk == pytest.approx(1 / 6)
    frame = summary.to_frame().set_index("band")
    assert frame.loc["green", "share_arr"] == pytest.approx(0.5)


def test_percentile_rank_shares_ties():
    signal = {"column": "x", "direction": "higher_is_better", "normalisation": "percentile", "weight": 1}
    scores = health_scores(pd.DataFrame({"x": [10, 20, 20, 40]}), config(signal))
    # ranks 1, 2.5, 2.5, 4 → (rank − 1) / 3
    assert list(scores["health_score"]) == pytest.approx([0, 50, 50, 100])


def test_fixed_bounds_clip():
    scores = health_scores(pd.DataFrame({"y": [-5, 20]}), config(Y_FIXED))
    assert list(scores["health_score"]) == [100, 0]


def test_ratio_signal_and_zero_denominator():
    signal = {"column": "active", "per": "seats", "direction": "higher_is_better",
              "normalisation": "fixed", "bounds": [0, 1], "weight": 1}
    accounts = pd.DataFrame({"active": [5, 3, 1], "seats": [10, 3, 0]})
    scores = health_scores(accounts, config(signal))
    assert scores["health_score"].iloc[:2].tolist() == pytest.approx([50, 100])
    assert scores["health_band"].iloc[2] == "no data" and math.isnan(scores["health_score"].iloc[2])
    assert any("seats = 0" in note for note in scores.attrs["notes"])


def test_blank_signal_drops_out_and_weights_are_rescaled():
    accounts = pd.DataFrame({"x": [0, 10, 10], "y": [0, None, 10]})
    scores = health_scores(accounts, config(X_MIN_MAX, Y_FIXED))
    assert scores["health_score"].iloc[1] == pytest.approx(100)  # x alone: 1.0
    assert list(scores["signals_used"]) == [2, 1, 2]


def test_constant_min_max_signal_is_neutral_and_noted():
    scores = health_scores(pd.DataFrame({"x": [3, 3]}), config(X_MIN_MAX))
    assert list(scores["health_score"]) == [50, 50]
    assert scores.attrs["notes"]


def test_custom_bands():
    # y on [0, 10], lower is better: 5 → 50, 3 → 70, 2 → 80 (a band starts at its threshold)
    scores = health_scores(pd.DataFrame({"y": [5, 3, 2]}), config(Y_FIXED, red_below=60, green_from=80))
    assert list(scores["health_score"]) == pytest.approx([50, 70, 80])
    assert list(scores["health_band"]) == ["red", "yellow", "green"]


def test_missing_signal_column_is_named():
    with pytest.raises(DataError) as caught:
        health_scores(pd.DataFrame({"x": [1]}), config(X_MIN_MAX, Y_FIXED))
    assert caught.value.problems[0].location == "column 'y'"


def test_non_numeric_signal_names_rows():
    with pytest.raises(DataError, match=r"'x', row 3\b"):
        health_scores(pd.DataFrame({"x": [1, "high"]}, dtype=object), config(X_MIN_MAX))


def test_config_problems_are_collected_with_key_paths(tmp_path):
    path = tmp_path / "health.yaml"
    path.write_text(
        "bands: {red_below: 80, green_from: 70}\n"
        "signals:\n"
        "  - {column: x, direction: up, normalisation: min_max, weight: 1}\n"
        "  - {column: y, direction: lower_is_better, normalisation: fixed, weight: -2}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_health_config(path)
    locations = {p.location for p in caught.value.problems}
    assert {"bands", "signals[0].direction", "signals[1].weight", "signals[1].bounds"} <= locations
    assert all(p.file == str(path) for p in caught.value.problems)


def test_config_that_is_not_yaml(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("signals: [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_health_config(path)


def test_default_config_is_shipped_and_valid():
    default = load_health_config()
    assert (default.red_below, default.green_from) == (40, 70)
    assert {s.label for s in default.signals} >= {"active_user_share", "feature_adoption", "last_nps"}
    assert all(s.weight > 0 for s in default.signals)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-1e6, 1e6), st.one_of(st.none(), st.floats(-50, 50))),
                min_size=1, max_size=40))
def test_score_is_always_between_0_and_100(rows):
    accounts = pd.DataFrame(rows, columns=["x", "y"])
    pct = {"column": "y", "direction": "higher_is_better", "normalisation": "percentile", "weight": 2}
    scores = health_scores(accounts, config(X_MIN_MAX, Y_FIXED | {"weight": 1}, pct | {"name": "y_rank"}))
    values = scores["health_score"].to_numpy()
    assert np.all((values >= 0) & (values <= 100))
