"""Statistics a market researcher would sign (issue 17).

Intervals that hold at small n (checked by exact enumeration), tests that hold their
level, relative importance checked against independent implementations (statsmodels
fits of every subset, the relativeImp package, Johnson's own SVD route), Kaplan–Meier
retention against lifelines and a hand table, and every edge case that used to pass
silently, each with its error or note.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from csmaturity.errors import ArgumentError, DataError
from csmaturity.metrics import (
    EXACT_BELOW,
    HealthConfig,
    ces,
    compare,
    csat,
    gini,
    health_scores,
    key_drivers,
    ltv_margin_retention,
    nps,
    nrs,
    relative_importance,
    relative_weights,
    retention,
    shapley_values,
    summarize_health,
    survival,
    top_box,
)


def trinomial_outcomes(n: int, p_pos: float, p_neg: float):
    """Every (positive, negative) count of n answers with its probability."""
    for pos in range(n + 1):
        for neg in range(n + 1 - pos):
            yield pos, neg, stats.multinomial.pmf([pos, neg, n - pos - neg], n, [p_pos, p_neg, 1 - p_pos - p_neg])


def answers(promoters: int, detractors: int, n: int) -> list[int]:
    return [10] * promoters + [0] * detractors + [8] * (n - promoters - detractors)


# --------------------------------------------------------------------------- 1. intervals


class TestNetScoreIntervals:
    def test_all_promoters_no_longer_collapse_to_a_point(self):
        result = nps([10] * 5)  # Wald: [100, 100]
        # n' = 8, p'_P = 5.75/8, p'_D = 0.75/8, d' = 0.625, se' = √((0.8125 − 0.390625)/8)
        half = 1.959964 * math.sqrt((0.8125 - 0.625**2) / 8)
        assert result.ci_low == pytest.approx(100 * (0.625 - half), abs=1e-4)
        assert result.ci_high == 100.0 and result.ci_low < 20
        assert nps([10] * 5, interval="wald").ci_low == 100.0  # the old interval, still available

    def test_the_method_is_named_in_the_result(self):
        for result in (nps([10, 9, 0]), nrs([5, 4, 1])):
            assert result.interval_method == "adjusted_wald"
            assert result.to_dict()["interval_method"] == "adjusted_wald"
            assert result.to_frame().loc[0, "interval_method"] == "adjusted_wald"
        assert csat([5, 1]).interval_method == "wilson" and ces([1, 7]).interval_method == "t"

    def test_a_single_answer_has_an_interval_containing_it(self):
        for value, score in ((10, 100.0), (0, -100.0), (8, 0.0)):
            result = nps([value])
            assert result.ci_low <= score <= result.ci_high and result.ci_high - result.ci_low > 100

    @pytest.mark.parametrize(("n", "minimum", "expected"), [(5, 0.91, 0.919), (10, 0.93, 0.930), (30, 0.93, 0.958)])
    def test_coverage_by_exact_enumeration(self, n, minimum, expected):
        """Exact coverage of the nominal 95 % interval with 90 % promoters and 2 % detractors."""
        truth = 100 * (0.90 - 0.02)
        covered = wald = 0.0
        for pos, neg, probability in trinomial_outcomes(n, 0.90, 0.02):
            result = nps(answers(pos, neg, n))
            covered += probability * (result.ci_low <= truth <= result.ci_high)
            old = nps(answers(pos, neg, n), interval="wald")
            wald += probability * (old.ci_low <= truth <= old.ci_high)
        # The figures, to three decimals (n = 10 gives 0.92981: 0.930).
        assert round(covered, 3) >= minimum and covered == pytest.approx(expected, abs=5e-4)
        assert wald < covered  # 0.40, 0.65 and 0.84: the interval the kit used to give

    def test_nrs_uses_the_same_interval(self):
        result, reference = nrs([5] * 4 + [1]), nps([10] * 4 + [0])
        assert (result.ci_low, result.ci_high) == pytest.approx((reference.ci_low, reference.ci_high))

    def test_unknown_interval_is_refused(self):
        with pytest.raises(ArgumentError, match="interval must be one of"):
            nps([10], interval="score")


# --------------------------------------------------------------------------- 2. compare


class TestCompareHoldsItsLevel:
    def test_no_spread_is_not_certainty(self):
        single = compare(nps([10]), nps([0]))  # was z = −inf, p = 0, significant
        assert single.p_value == 1.0 and not single.significant and math.isfinite(single.z)
        assert compare(nps([10, 10]), nps([8, 8])).p_value == pytest.approx(1 / 3)  # was p = 0
        assert single.test == "permutation" and "exact permutation" in single.method

    def test_to_dict_writes_no_infinities(self):
        for a, b in ((nps([10]), nps([0])), (nps([10] * 60), nps([0] * 60)), (csat([5] * 60), csat([1] * 60)),
                     (ces([1, 1]), ces([7, 7])), (ces([2]), ces([6]))):
            written = json.dumps(compare(a, b).to_dict())
            assert "inf" not in written and "NaN" not in written

    def test_large_samples_without_spread_use_the_pooled_variance(self):
        result = compare(nps([10] * 60), nps([0] * 60))
        # pooled: half promoters, half detractors → variance 100² per answer
        assert result.test == "z_pooled" and result.std_error == pytest.approx(100 * math.sqrt(2 / 60))
        assert 0 < result.p_value < 1e-20 and result.significant

    def test_exact_test_matches_fisher_for_shares(self):
        a, b = csat([5] * 3 + [1] * 7), csat([5] * 8 + [1] * 2)
        fisher = stats.fisher_exact([[3, 7], [8, 2]]).pvalue
        assert compare(a, b).p_value == pytest.approx(fisher, abs=1e-12)

    def test_exact_test_matches_a_brute_force_permutation(self):
        a, b = [10, 10, 9, 3, 7], [0, 8, 6, 10, 2, 5]
        pooled = np.array([100 if v >= 9 else -100 if v <= 6 else 0 for v in a + b])
        observed = abs(pooled[5:].mean() - pooled[:5].mean())
        splits = [np.array(c) for c in itertools.combinations(range(11), 5)]
        extreme = sum(abs(np.delete(pooled, s).mean() - pooled[s].mean()) >= observed - 1e-9 for s in splits)
        assert compare(nps(a), nps(b)).p_value == pytest.approx(extreme / len(splits))

    @pytest.mark.parametrize("null", [(0.3, 0.3), (0.5, 0.3), (0.9, 0.02), (0.6, 0.1), (0.2, 0.5)])
    def test_type_one_error_at_five_per_group_by_enumeration(self, null):
        """P(significant at α = 0.05 | both groups from the same distribution) ≤ 6 %."""
        outcomes = list(trinomial_outcomes(5, *null))
        results = {(pos, neg): nps(answers(pos, neg, 5)) for pos, neg, _ in outcomes}
        size = sum(pa * pb for (p1, d1, pa), (p2, d2, pb) in itertools.product(outcomes, repeat=2)
                   if compare(results[p1, d1], results[p2, d2]).significant)
        assert size <= 0.06
        # The large-sample z-test alone reached 12.3 % at (0.3, 0.3).
        z_only = sum(pa * pb for (p1, d1, pa), (p2, d2, pb) in itertools.product(outcomes, repeat=2)
                     if compare(results[p1, d1], results[p2, d2], exact_below=0).significant)
        assert size < z_only or null == (0.9, 0.02)

    def test_threshold_is_stated(self):
        assert EXACT_BELOW == 50
        big = compare(nps([10] * 30 + [0] * 20), nps([10] * 25 + [0] * 25))
        assert big.test == "z"
        assert compare(nps([10] * 30 + [0] * 19), nps([10] * 25 + [0] * 25)).test == "permutation"


# --------------------------------------------------------------------------- 3. CES


class TestCes:
    def test_mean_interval_is_student_t_clipped_to_the_scale(self):
        wide = ces([1, 1, 2, 7, 7])  # t interval (−0.29, 7.49): clipped, where z gave (0.86, 6.34)
        assert (wide.mean_ci_low, wide.mean_ci_high) == (1.0, 7.0)
        data = [2, 3, 3, 4, 4, 4, 5, 6]
        result = ces(data)
        low, high = stats.t.interval(0.95, len(data) - 1, loc=np.mean(data), scale=stats.sem(data))
        assert (result.mean_ci_low, result.mean_ci_high) == pytest.approx((low, high))

    def test_a_single_answer_has_no_spread_and_the_whole_scale(self):
        result = ces([3])
        assert math.isnan(result.std) and (result.mean_ci_low, result.mean_ci_high) == (1.0, 7.0)

    def test_comparison_is_welch(self):
        a, b = [1, 1, 2, 2, 3, 3, 4, 5, 2], [3, 4, 4, 5, 6, 6, 7, 5]
        result = compare(ces(a), ces(b))
        welch = stats.ttest_ind(b, a, equal_var=False)
        assert result.test == "welch" and result.z == pytest.approx(welch.statistic)
        assert result.p_value == pytest.approx(welch.pvalue) and result.df == pytest.approx(welch.df)

    def test_welch_undefined_falls_back_to_the_exact_test(self):
        assert compare(ces([2]), ces([6, 7])).test == "permutation"
        flat = compare(ces([1, 1]), ces([7, 7]))  # no spread in either: 2 of C(4, 2) splits as extreme
        assert flat.test == "permutation" and flat.p_value == pytest.approx(2 / 6)


# --------------------------------------------------------------------------- 4. retention dates


def test_a_churn_with_a_time_on_the_last_day_is_counted():
    accounts = pd.DataFrame({
        "account_id": ["A", "B"], "start_date": ["2023-01-01", "2023-01-01"],
        "churn_date": ["2024-12-31 10:00", None], "arr": [100, 100],
    })
    this_year = retention(accounts, "2024-01-01", "2024-12-31")
    assert (this_year.customers_lost, this_year.grr) == (1, 0.5)  # was 0 and 1.0
    next_year = retention(accounts, "2025-01-01", "2025-12-31")
    assert next_year.customers_at_start == 1  # gone for good, counted once


# --------------------------------------------------------------------------- 5. value split


def value_survey(values: list[float]) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = len(values)
    return pd.DataFrame({"account_id": [f"C{k:02d}" for k in range(n)], "arr": values,
                         "nps": rng.integers(0, 11, n), "a": rng.integers(1, 6, n), "b": rng.integers(1, 6, n)})


class TestValueSplit:
    def test_three_price_points_give_the_share_asked_for(self):
        values = [300.0] * 9 + [200.0] * 8 + [100.0] * 3  # a top 30 % used to give 45 %
        result = key_drivers(value_survey(values), ["a", "b"], segment_by="arr")
        high = result[(result.segment == "high_ltv") & (result["item"] == "a")]
        assert int(high["n"].iloc[0]) == 6  # 30 % of 20 customers
        assert "9 customers share the cut value 300: 6 of them (by 'account_id')" in result.attrs["segment_note"]

    def test_ties_leave_no_group_empty(self):
        values = [500.0] * 2 + [100.0] * 18  # the high group used to hold everyone
        result = key_drivers(value_survey(values), ["a", "b"], segment_by="arr")
        n = result[result["item"] == "a"].set_index("segment")["n"]
        assert (n["high_ltv"], n["low_ltv"]) == (6, 14)
        assert result.attrs["segment_cut"] == 100.0 and result.attrs["segment_note"]

    def test_ties_are_broken_by_account_id_deterministically(self):
        # All ten tied: the top 30 % are the first three ids, C00–C02, the only ones rating a 5.
        survey = value_survey([100.0] * 10).assign(a=[5, 5, 5, 1, 1, 1, 1, 1, 1, 1])
        first = key_drivers(survey, ["a"], segment_by="arr")
        shuffled = key_drivers(survey.sample(frac=1, random_state=1), ["a"], segment_by="arr")
        assert first.set_index("segment").loc["high_ltv", "top1"] == 1.0
        assert first.set_index("segment").loc["low_ltv", "top1"] == 0.0
        assert first.attrs["segment_note"] == shuffled.attrs["segment_note"]
        pd.testing.assert_frame_equal(first, shuffled)

    def test_an_empty_group_is_an_error(self):
        with pytest.raises(DataError, match="one group would be empty"):
            key_drivers(value_survey([100.0]), ["a"], segment_by="arr")


# --------------------------------------------------------------------------- 6. edge cases


class TestEdgeCases:
    def test_health_summary_reads_arr_as_retention_does(self):
        config = HealthConfig.from_dict({"signals": [{"column": "usage", "direction": "higher_is_better",
                                                      "normalisation": "min_max", "weight": 1}]})
        accounts = pd.DataFrame({"account_id": ["A", "B", "C"], "usage": [0, 5, 10],
                                 "arr": ["1,200,000", "３００", 500]})
        summary = summarize_health(health_scores(accounts, config), config)
        assert summary.arr_at_risk == 1_200_000 and summary.arr["green"] == 500  # was 0 at risk
        accounts.loc[0, "arr"] = "unknown"
        with pytest.raises(DataError, match="'arr', row 2"):
            summarize_health(health_scores(accounts, config), config)

    def test_contraction_larger_than_arr_is_an_error(self):
        accounts = pd.DataFrame({"churned": [False, False], "arr": [100, 100], "contraction_arr": [150, 0]})
        with pytest.raises(DataError, match="downgrade is larger than the account's ARR"):
            retention(accounts)

    def test_an_item_listed_twice_is_refused(self):
        survey = value_survey([1.0] * 10)
        with pytest.raises(ArgumentError, match="listed more than once: a"):
            key_drivers(survey, ["a", "a", "b"])

    def test_identical_items_get_no_coefficients_and_a_note(self):
        survey = value_survey([1.0] * 30).assign(a_copy=lambda f: f["a"])
        result = key_drivers(survey, ["a", "a_copy", "b"], importance="regression").set_index("item")
        assert result.loc[["a", "a_copy"], "std_coef"].isna().all()  # were 0.275 / 0.275
        assert "collinear" in result.loc["a", "note"] and "a, a_copy" in result.loc["a", "note"]
        weights = key_drivers(survey, ["a", "a_copy", "b"], importance="relative_weight", bootstrap=0)
        shares = weights.set_index("item")["importance"]
        assert shares["a"] == pytest.approx(shares["a_copy"])  # the repeats share equally

    def test_huge_integers_are_out_of_range_not_an_overflow(self):
        with pytest.raises(DataError, match="outside 0–10"):
            nps([10**30, 9])

    def test_fractional_top_box_is_refused(self):
        with pytest.raises(ArgumentError, match="whole points"):
            top_box([1, 5], 1, 5, (4.7,))  # used to become 4
        with pytest.raises(ArgumentError, match="whole points"):
            ces([1, 2], low_effort=(2.5,))

    def test_two_dimensional_arrays_are_refused(self):
        for call in (lambda: nps(np.array([[1, 2], [3, 4]])), lambda: ces([[1, 2], [3, 4]]),
                     lambda: gini(np.ones((2, 3)))):
            with pytest.raises(ArgumentError, match="one column"):
                call()

    def test_a_blank_churned_flag_is_not_read_as_retained(self):
        snapshot = pd.DataFrame({"churned": [True, None, False], "arr": [1, 1, 1]})
        with pytest.raises(DataError, match="churned flag is blank"):
            retention(snapshot)
        dated = snapshot.assign(churn_date=["2024-01-01", "2024-02-01", None])
        result = retention(dated)
        assert result.customers_lost == 2 and any("read from 'churn_date'" in n for n in result.notes)

    def test_a_churn_before_the_start_is_an_error(self):
        accounts = pd.DataFrame({"start_date": ["2024-05-01"], "churn_date": ["2024-03-01"], "arr": [1]})
        with pytest.raises(DataError, match="churn date is before the start date"):
            retention(accounts, "2024-01-01", "2024-12-31")
        with pytest.raises(DataError, match="churn date is before the start date"):
            survival(accounts)

    def test_duplicate_account_ids_are_an_error(self):
        accounts = pd.DataFrame({"account_id": ["A", "B", "A"], "start_date": ["2020-01-01"] * 3,
                                 "churn_date": [None] * 3, "arr": [1, 2, 3]})
        with pytest.raises(DataError, match=r"rows 2, 4: account ids appear more than once \(A\)"):
            retention(accounts, "2024-01-01", "2024-12-31")
        with pytest.raises(DataError, match="more than once"):
            survival(accounts)

    def test_infinite_years_retained_is_refused(self):
        with pytest.raises(ArgumentError, match="finite"):
            ltv_margin_retention(100, 0.5, years_retained=math.inf)

    def test_regression_n_counts_the_complete_cases_behind_beta(self):
        survey = pd.DataFrame({"nps": [0, 5, 10, 5, 7, 3, 9], "a": [1, 3, 5, 3, 4, None, 5],
                               "b": [2, 2, 4, 3, None, 1, 5]}, dtype=object)
        regression = key_drivers(survey, ["a", "b"], importance="regression")
        assert regression["n"].tolist() == [5, 5]  # listwise
        assert key_drivers(survey, ["a", "b"])["n"].tolist() == [6, 6]  # pairwise for correlations


# --------------------------------------------------------------------------- relative importance


def driver_data(n: int = 400, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, size=(n, 4)).astype(float)
    x[:, 1] = np.clip(x[:, 0] + rng.integers(-1, 2, n), 1, 5)  # two items that move together
    y = np.clip(np.rint(1.2 * x[:, 0] + 0.8 * x[:, 1] + 0.5 * x[:, 2] + rng.normal(0, 1.5, n) - 2), 0, 10)
    return y, x


class TestRelativeImportance:
    def test_relative_weights_match_the_relativeimp_package(self):
        relative_imp = pytest.importorskip("relativeImp")
        y, x = driver_data()
        frame = pd.DataFrame(x, columns=list("abcd")).assign(y=y)
        reference = relative_imp.relativeImp(frame, "y", list("abcd"))
        weights, r2 = relative_weights(np.corrcoef(np.column_stack([y, x]), rowvar=False))
        assert np.abs(weights - reference["rawRelaImpt"].to_numpy()).max() < 1e-6
        assert r2 == pytest.approx(reference["rawRelaImpt"].sum(), abs=1e-9)

    def test_relative_weights_match_johnsons_svd_route_with_statsmodels(self):
        sm = pytest.importorskip("statsmodels.api")
        y, x = driver_data()
        zx = (x - x.mean(0)) / x.std(0, ddof=1)
        zy = (y - y.mean()) / y.std(ddof=1)
        u, _, vt = np.linalg.svd(zx, full_matrices=False)
        z = u @ vt  # the orthonormal variables closest to the items (Johnson 2000)
        z = (z - z.mean(0)) / z.std(0, ddof=1)
        beta = sm.OLS(zy, z).fit().params
        loadings = np.column_stack([sm.OLS(zx[:, j], z).fit().params for j in range(x.shape[1])]).T
        reference = (loadings**2) @ beta**2
        weights, _ = relative_weights(np.corrcoef(np.column_stack([y, x]), rowvar=False))
        assert np.abs(weights - reference).max() < 1e-6

    def test_shapley_values_match_statsmodels_fits_of_every_subset(self):
        sm = pytest.importorskip("statsmodels.api")
        y, x = driver_data()
        p = x.shape[1]
        r2 = {(): 0.0}
        for size in range(1, p + 1):
            for subset in itertools.combinations(range(p), size):
                r2[subset] = sm.OLS(y, sm.add_constant(x[:, subset])).fit().rsquared
        reference = np.zeros(p)
        for j in range(p):
            for subset, value in r2.items():
                if j in subset:
                    continue
                with_j = tuple(sorted((*subset, j)))
                weight = math.factorial(len(subset)) * math.factorial(p - len(subset) - 1) / math.factorial(p)
                reference[j] += weight * (r2[with_j] - value)
        values, total = shapley_values(np.corrcoef(np.column_stack([y, x]), rowvar=False))
        assert np.abs(values - reference).max() < 1e-6
        assert total == pytest.approx(r2[tuple(range(p))], abs=1e-9)

    @pytest.mark.parametrize("method", ["relative_weight", "shapley"])
    def test_bootstrap_intervals_and_the_noise_test(self, method):
        y, x = driver_data(n=600)
        x = np.column_stack([x, np.random.default_rng(9).integers(1, 6, 600)])  # an item with no effect
        result = relative_importance(y, x, list("abcde"), method=method, bootstrap=300, seed=1)
        table = result.table.set_index("item")
        assert table["weight"].sum() == pytest.approx(result.r_squared)
        assert table["share"].sum() == pytest.approx(1.0)
        assert ((table["ci_low"] <= table["weight"]) & (table["weight"] <= table["ci_high"])).all()
        assert table.loc[["a", "b", "c"], "distinguishable"].all()
        assert not table.loc["e", "distinguishable"]
        assert result.r_squared_ci[0] < result.r_squared < result.r_squared_ci[1]
        again = relative_importance(y, x, list("abcde"), method=method, bootstrap=300, seed=1)
        pd.testing.assert_frame_equal(again.table, result.table)  # seeded: a report is reproducible
        assert json.loads(json.dumps(result.to_dict()))["items"][0]["item"] == "a"

    def test_key_drivers_show_relative_importance_and_r_squared(self):
        y, x = driver_data(n=300)
        survey = pd.DataFrame(x.astype(int), columns=list("abcd")).assign(nps=y.astype(int))
        result = key_drivers(survey, list("abcd"), importance="relative_weight", bootstrap=200)
        assert result["importance"].sum() == pytest.approx(result["r_squared"].iloc[0])
        assert result["importance_share"].sum() == pytest.approx(1.0)
        assert result["distinguishable"].map(type).eq(bool).all()
        assert result.attrs["r_squared"]["all"] == pytest.approx(result["r_squared"].iloc[0])
        assert (result["n"] == 300).all()

    def test_too_few_answers_say_why(self):
        survey = pd.DataFrame({"nps": [1, 5, 9, 3], "a": [1, 3, 5, 2], "b": [2, 1, 4, 4], "c": [1, 2, 3, 5]})
        result = key_drivers(survey, ["a", "b", "c"], importance="shapley", bootstrap=0)
        assert result["importance"].isna().all() and result["note"].str.contains("relative importance").all()


# --------------------------------------------------------------------------- survival


def hand_accounts() -> pd.DataFrame:
    """Six customers from 2020-01-01; times in days 365.25 × (1, 2, 2, 3+, 4, 5+)."""
    start = pd.Timestamp("2020-01-01")

    def at(years: float) -> str:
        return (start + pd.Timedelta(days=round(365.25 * years))).date().isoformat()

    return pd.DataFrame({
        "account_id": list("ABCDEF"), "start_date": [start.date().isoformat()] * 6,
        "churn_date": [at(1), at(2), at(2), None, at(4), None],
        "segment": ["x", "x", "y", "y", "x", "y"],
    })


class TestSurvival:
    def test_kaplan_meier_by_hand(self):
        result = survival(hand_accounts(), as_of=(pd.Timestamp("2020-01-01") + pd.Timedelta(days=1096)).date())
        # D censored at 3 years (as_of), F too; events at 1, 2 (×2), 4 → 4 is after as_of: censored.
        curve = result.curve[result.curve.segment == "all"].set_index("years")["retention"]
        assert curve.iloc[-1] == pytest.approx(5 / 6 * 3 / 5)  # S = (1 − 1/6)(1 − 2/5) = 0.5
        summary = result.overall()
        assert (summary["customers"], summary["churned"], summary["censored"]) == (6, 3, 3)
        # Restricted mean to the 3-year horizon: 1 + (5/6)·1 + (1/2)·1 (days rounded)
        assert summary["expected_years"] == pytest.approx(1 + 5 / 6 + 1 / 2, abs=2e-3)

    def test_restricted_mean_matches_lifelines_and_its_standard_error_the_formula(self):
        from lifelines import KaplanMeierFitter
        from lifelines.utils import restricted_mean_survival_time

        rng = np.random.default_rng(2)
        start = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 1500, 300), unit="D")
        life = pd.to_timedelta(rng.exponential(1500, 300).round(), unit="D")
        accounts = pd.DataFrame({"start_date": start, "churn_date": (start + life).where(
            start + life <= pd.Timestamp("2021-06-30"))})
        result = survival(accounts, as_of="2021-06-30", horizon_years=3.0)
        years = ((accounts["churn_date"].fillna(pd.Timestamp("2021-06-30")) - start).dt.days / 365.25).to_numpy()
        fitter = KaplanMeierFitter().fit(years, accounts["churn_date"].notna())
        assert result.expected_years == pytest.approx(restricted_mean_survival_time(fitter, t=3.0), abs=1e-6)
        # Klein & Moeschberger: var = Σ A_i² d_i / (n_i (n_i − d_i)), A_i = ∫_{t_i}^τ S
        table, s = fitter.event_table, fitter.survival_function_.iloc[:, 0]
        variance = 0.0
        for t in table.index[(table.index < 3.0) & (table["observed"] > 0)]:
            grid = np.append(s.index[(s.index >= t) & (s.index < 3.0)], 3.0)
            area = float(np.sum(s.loc[grid[:-1]].to_numpy() * np.diff(grid)))
            d, n = table.loc[t, "observed"], table.loc[t, "at_risk"]
            variance += area**2 * d / (n * (n - d))
        half = 1.959964 * math.sqrt(variance)
        overall = result.overall()
        assert overall["expected_ci_high"] - overall["expected_years"] == pytest.approx(half, rel=1e-4)

    def test_segments_median_not_reached_and_censoring(self):
        result = survival(hand_accounts(), segment_by="segment")
        summary = result.summary.set_index("segment")
        assert list(summary.index) == ["all", "x", "y"]
        assert summary.loc["x", "median_years"] == pytest.approx(2.0, abs=2e-3)  # A at 1, B at 2 of A, B, E
        assert math.isnan(summary.loc["y", "median_years"])  # C leaves, D and F stay: not reached
        # The longest follow-up: the latest date in the table is E's churn, 4 years in.
        assert result.horizon_years == pytest.approx(4.0, abs=2e-3)
        assert "inf" not in json.dumps(result.to_dict())

    def test_customers_starting_after_the_reference_date_are_left_out_with_a_note(self):
        accounts = hand_accounts()
        accounts.loc[5, "start_date"] = "2030-01-01"
        result = survival(accounts, as_of="2026-01-01")
        assert result.overall()["customers"] == 5 and "starting after 2026-01-01" in result.notes[0]


# --------------------------------------------------------------------------- report and teaching


SAMPLE = Path(__file__).resolve().parents[1] / "lib" / "csmaturity" / "samples"


@pytest.fixture(scope="module")
def sample_metrics():
    from csmaturity.report.metrics_summary import compute_metrics

    return compute_metrics(SAMPLE / "accounts.csv", SAMPLE / "survey_ja_cp932.csv")


class TestReportMetrics:
    def test_ltv_years_come_from_the_retention_curve(self, sample_metrics):
        m = sample_metrics
        assert m.survival is not None and m.survival.as_of == m.period[1]
        assert m.ltv.annual_churn is None and m.ltv.years_retained == pytest.approx(m.survival.expected_years)
        assert m.ltv.years_retained < 1 / m.retention.churn_rate  # 1/churn extrapolates past the data
        assert list(m.survival.summary["segment"]) == ["all", "Enterprise", "Mid-Market", "SMB"]

    def test_key_drivers_are_relative_weights_with_r_squared(self, sample_metrics):
        drivers = sample_metrics.drivers
        assert drivers.attrs["importance"] == "relative_weight"
        fit = sample_metrics.driver_fit()
        assert 0 < fit["r_squared"] < 1 and fit["n"] > 100
        everyone = drivers[drivers.segment == "all"]
        assert everyone["importance"].sum() == pytest.approx(fit["r_squared"])
        assert everyone["importance_low"].notna().all()

    def test_a_method_note_per_metric_from_what_was_computed(self, sample_metrics):
        m = sample_metrics
        en, ja = m.method_notes("en"), m.method_notes("ja")
        assert set(en) == set(ja) == {"loyalty", "retention", "survival", "ltv", "drivers"}
        assert f"NPS ({m.nps.n_valid:,} answers)" in en["loyalty"] and "adjusted Wald" in en["loyalty"]
        assert "Wilson" in en["loyalty"] and "Student's t" in en["loyalty"]
        assert f"{1 / m.retention.churn_rate:.1f} years" in en["ltv"]
        assert f"{m.driver_fit()['r_squared']:.2f}" in en["drivers"] and "1,000 bootstrap" in en["drivers"]
        assert "調整ワルド法" in ja["loyalty"] and "カプラン・マイヤー" in ja["survival"]
        assert m.survival.as_of in en["survival"]

    def test_results_json_carries_the_curve_and_no_infinities(self, sample_metrics):
        written = json.dumps(sample_metrics.to_dict())
        data = json.loads(written)
        assert "inf" not in written.replace("info", "")
        assert data["survival"]["segments"][0]["segment"] == "all"
        assert data["nps"]["interval_method"] == "adjusted_wald"
        assert {"importance_low", "distinguishable"} <= set(data["key_drivers"][0])

    def test_the_html_report_shows_the_curve_and_the_methods(self, tmp_path):
        from csmaturity.report import build_report

        outputs = build_report(SAMPLE / "clients" / "hikari-cloud.yaml", out_dir=tmp_path,
                               accounts_file=SAMPLE / "accounts.csv", survey_file=SAMPLE / "survey_ja_cp932.csv")
        html = outputs.html.read_text(encoding="utf-8")
        for phrase in ("継続曲線（カプラン・マイヤー法）", "算出方法", "調整ワルド法", "解約率の逆数を継続年数とすると",
                       "ジョンソンの相対重要度", "平均継続年数（95%区間）"):
            assert phrase in html, phrase


def test_charts_draw_the_curve_and_the_intervals(sample_metrics):
    from matplotlib.figure import Figure

    from csmaturity.plotting.charts import driver_quadrant, survival_chart

    curve = survival_chart(sample_metrics.survival, lang="ja")
    assert isinstance(curve, Figure)
    labels = [t.get_text() for t in curve.axes[0].get_legend().get_texts()]
    assert labels[:2] == ["全体の95%信頼区間", "全体"] and "SMB" in labels
    quadrant = driver_quadrant(sample_metrics.drivers, segment="all", lang="en")
    # the axis names the outcome it is measured against (issue 13: the label said "overall" while the text said NPS)
    assert quadrant.axes[0].get_ylabel() == "Importance (relative weight: share of R² of likelihood to recommend, NPS)"
    assert quadrant.axes[0].containers  # the bootstrap error bars


def test_survival_explorer_moves_with_its_controls():
    from csmaturity.io.readers import SURVEY_ITEMS, read_accounts, read_survey
    from csmaturity.widgets import DriverExplorer, SurvivalExplorer, driver_survey

    accounts = read_accounts(SAMPLE / "accounts.csv")
    explorer = SurvivalExplorer(accounts, "en")
    assert explorer.summary().startswith("SurvivalExplorer: median 4.8 y")
    assert "1/churn" in explorer.summary() and "Π" in explorer.formula.value
    explorer.controls["split"].value = "plan"
    assert set(explorer.result.summary["segment"]) == {"all", "Enterprise", "Standard", "Starter"}
    explorer.controls["horizon"].value = 2.0
    assert explorer.result.horizon_years == 2.0 and explorer.result.expected_years < 2.0
    drivers = DriverExplorer(driver_survey(read_survey(SAMPLE / "survey_ja_cp932.csv"), accounts, year=2024),
                             SURVEY_ITEMS, "en")
    drivers.controls["importance"].value = "shapley"
    assert drivers.result["importance"].sum() == pytest.approx(drivers.result["r_squared"].iloc[0])


def test_a_small_young_segment_does_not_shorten_everyones_horizon():
    accounts = hand_accounts()
    young = pd.DataFrame({"account_id": ["Y"], "start_date": ["2024-12-01"], "churn_date": [None], "segment": ["new"]})
    result = survival(pd.concat([accounts, young], ignore_index=True), as_of="2025-01-01", segment_by="segment")
    summary = result.summary.set_index("segment")
    assert result.horizon_years > 4  # not the young segment's month
    assert math.isnan(summary.loc["new", "expected_years"]) and "new" in result.notes[0]
