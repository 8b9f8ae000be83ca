"""NPS, NRS, CSAT, CES, DWB, the NPS × NRS matrix and the significance tests."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csmaturity.errors import DataError
from csmaturity.metrics import (
    ces,
    compare,
    csat,
    dwb,
    nps,
    nps_category,
    nps_nrs_matrix,
    nrs,
    nrs_category,
    top_box,
)

answers_0_10 = st.lists(st.integers(0, 10), min_size=1, max_size=200)


class TestNps:
    def test_worked_example_by_hand(self):
        # 5 promoters (10, 10, 9, 9, 9), 2 passives (8, 7), 3 detractors (6, 3, 0) of 10.
        result = nps([10, 10, 9, 9, 9, 8, 7, 6, 3, 0], interval="wald")
        assert (result.promoters, result.passives, result.detractors) == (5, 2, 3)
        assert result.score == pytest.approx(20.0)  # 50 % − 30 %
        # var = (0.5 + 0.3 − 0.2²) / 10 = 0.076; margin = 1.96 × √0.076 × 100 = 54.03
        assert result.std_error == pytest.approx(27.5681, abs=1e-4)
        assert result.margin_of_error == pytest.approx(54.03, abs=0.01)
        assert (result.ci_low, result.ci_high) == pytest.approx((20 - 54.03, 20 + 54.03), abs=0.01)
        assert result.counts == (1, 0, 0, 1, 0, 0, 1, 1, 1, 3, 2)

    def test_interval_is_clipped_to_the_scale(self):
        result = nps([10, 10, 9, 0], interval="wald")
        assert result.ci_high == 100.0 and result.ci_low > -100.0

    def test_blanks_are_excluded_and_counted_not_zero(self):
        result = nps(pd.Series([10, None, "", np.nan, 0, "   ", pd.NA], dtype=object))
        assert (result.n_valid, result.n_blank) == (2, 5)
        assert result.score == 0.0  # one promoter, one detractor: blanks did not become detractors

    def test_full_width_digits_are_normalised(self):
        result = nps(["９", "１０", "0", " 7 "])
        assert (result.promoters, result.passives, result.detractors) == (2, 1, 1)

    def test_whole_floats_and_text_decimals_are_accepted(self):
        assert nps([9.0, "10.0", 3]).score == pytest.approx(100 / 3)

    def test_invalid_answers_name_column_rows_and_values(self):
        answers = pd.Series([5, 11, -1, 7.5, "abc", 9], name="nps", dtype=object)
        with pytest.raises(DataError) as caught:
            nps(answers)
        problems = caught.value.problems
        assert len(problems) == 3  # not a number / not whole / out of range
        text = str(caught.value)
        assert "column 'nps'" in text
        assert "'abc' (row 6)" in text
        assert "7.5 (row 5)" in text
        assert "11 (row 3)" in text and "-1 (row 4)" in text
        assert "expected an integer from 0 to 10" in text

    def test_float_and_integer_arrays_quote_plain_values(self):
        with pytest.raises(DataError) as caught:
            nps(np.array([7.5, 3.0, np.nan, 11.0]))
        message = str(caught.value)
        assert "7.5 (row 2)" in message and "11.0 (row 5)" in message
        assert "np." not in message
        with pytest.raises(DataError, match=r"found values outside 0–10: 11 \(row 4\)"):
            nps(np.array([1, 2, 11]))

    def test_rows_follow_the_index_of_a_filtered_table(self):
        # Rows 2..6 of a sheet; after filtering, row numbers still point into the sheet.
        table = pd.DataFrame({"nps": [5, 6, 7, 12, 8]})
        subset = table.loc[table.index >= 2, "nps"]
        with pytest.raises(DataError, match=r"row 5\b"):
            nps(subset)

    def test_rows_are_positions_for_arrays(self):
        # Third value: position 2, below a header row → spreadsheet row 4.
        with pytest.raises(DataError, match=r"row 4\b"):
            nps(np.array([5, 6, 12]))

    def test_errors_name_the_source_file(self):
        answers = pd.Series([3, 42], name="推奨度")
        answers.attrs["source"] = "survey.csv"
        with pytest.raises(DataError) as caught:
            nps(answers)
        assert caught.value.problems[0].file == "survey.csv"
        assert "推奨度" in caught.value.problems[0].location

    def test_no_valid_answer_is_an_error_not_nan(self):
        with pytest.raises(DataError, match="no NPS answers"):
            nps(["", None, np.nan])

    def test_integer_fast_path_matches_the_general_path(self):
        rng = np.random.default_rng(1)
        values = rng.integers(0, 11, size=5_000)
        fast = nps(values)
        general = nps(list(map(str, values)))
        assert fast == general
        assert nps(values.astype(np.uint8)) == fast
        assert nps(values.astype(np.uint64)) == fast
        assert nps(pd.Series(values, dtype="Int64")) == fast

    def test_nullable_integer_column_with_blanks(self):
        result = nps(pd.Series([10, None, 6], dtype="Int64"))
        assert (result.n_valid, result.n_blank, result.score) == (2, 1, 0.0)

    def test_to_dict_is_json_ready(self):
        import json

        data = nps([10, 9, 0]).to_dict()
        assert json.loads(json.dumps(data))["promoters"] == 2


class TestOtherScales:
    def test_nrs_by_hand(self):
        # 5,5,5,5 repeaters; 4,4 neutral; 3,2,1 at risk; one blank.
        result = nrs([5, 5, 5, 4, 3, 2, 1, 5, 4, None])
        assert (result.repeaters, result.neutrals, result.at_risk, result.n_blank) == (4, 2, 3, 1)
        assert result.score == pytest.approx(100 * (4 - 3) / 9)
        # var = (4/9 + 3/9 − (1/9)²) / 9
        expected_se = 100 * math.sqrt((7 / 9 - 1 / 81) / 9)
        assert result.std_error == pytest.approx(expected_se)

    def test_nrs_rejects_zero_and_six(self):
        with pytest.raises(DataError, match="expected an integer from 1 to 5"):
            nrs([0, 3, 6])

    def test_csat_top_two_box_with_wilson_interval(self):
        result = csat([5, 4, 4, 3, 2, 1, 5, 4])  # 5 of 8 in {4, 5}
        assert (result.n_top, result.share) == (5, 0.625)
        # Wilson, z = 1.96: centre (0.625 + 1.96²/16) / (1 + 1.96²/8) = 0.58445,
        # half-width 1.96 √(0.625·0.375/8 + 1.96²/256) / 1.48020 = 0.27871
        assert result.ci_low == pytest.approx(0.30574, abs=2e-4)
        assert result.ci_high == pytest.approx(0.86316, abs=2e-4)

    def test_wilson_interval_is_not_empty_at_zero(self):
        result = csat([1, 2, 3, 1])
        assert result.share == 0.0 and result.ci_low == 0.0 and result.ci_high > 0.3

    def test_dwb_is_the_top_box_only(self):
        result = dwb([5, 5, 4, 3, 1, ""])
        assert (result.n_top, result.n_valid, result.n_blank, result.share) == (2, 5, 1, 0.4)

    def test_ces_mean_and_low_effort_share(self):
        result = ces([1, 2, 2, 3, 4, 5, 7])
        assert result.mean == pytest.approx(24 / 7)
        assert (result.n_low_effort, result.share_low_effort) == (4, pytest.approx(4 / 7))
        # sample sd: Σ(x − 24/7)² = 20.857…, / 6
        assert result.std == pytest.approx(math.sqrt(sum((x - 24 / 7) ** 2 for x in [1, 2, 2, 3, 4, 5, 7]) / 6))

    def test_ces_with_the_made_it_easy_wording(self):
        assert ces([7, 6, 1, 2], low_effort=(5, 6, 7)).share_low_effort == 0.5

    def test_ces_rejects_eight(self):
        with pytest.raises(DataError, match="1 to 7"):
            ces([1, 8])

    def test_top_box_checks_its_arguments(self):
        with pytest.raises(ValueError):
            top_box([1, 2], 1, 5, (6,))


class TestCompare:
    def test_nps_difference_by_hand(self):
        last_year = nps([10] * 40 + [8] * 30 + [3] * 30)  # NPS 10
        this_year = nps([9] * 50 + [7] * 30 + [0] * 20)  # NPS 30
        result = compare(last_year, this_year)
        # se² = 100² × [(0.4 + 0.3 − 0.01) + (0.5 + 0.2 − 0.09)] / 100 = 130
        assert result.difference == pytest.approx(20.0)
        assert result.std_error == pytest.approx(math.sqrt(130))
        assert result.z == pytest.approx(20 / math.sqrt(130))  # 1.754
        assert result.p_value == pytest.approx(0.0794, abs=1e-4)
        assert not result.significant
        assert compare(last_year, this_year, alpha=0.10).significant

    def test_two_proportion_z_test_by_hand(self):
        a = csat([5] * 45 + [2] * 55)  # 45 %
        b = csat([4] * 60 + [1] * 40)  # 60 %
        result = compare(a, b)
        # pooled 0.525; se = √(0.525 × 0.475 × (1/100 + 1/100)) = 0.070622
        assert result.std_error == pytest.approx(0.070622, abs=1e-6)
        assert result.z == pytest.approx(0.15 / 0.070622, abs=1e-4)
        assert result.p_value == pytest.approx(0.03367, abs=1e-4)
        assert result.significant

    def test_ces_means(self):
        a, b = ces([2, 4] * 50), ces([3, 5] * 50)
        result = compare(a, b)
        assert result.difference == pytest.approx(1.0)
        assert result.std_error == pytest.approx(math.sqrt(2 * a.std**2 / 100))

    def test_no_sampling_noise_cases(self):
        assert compare(nps([10] * 5), nps([10] * 8)).p_value == 1.0
        # No spread within either sample is not certainty: the exact permutation test
        # gives 2 / C(10, 5) = 2/252 (it used to report z = −inf, p = 0).
        extreme = compare(nps([10] * 5), nps([0] * 5))
        assert math.isfinite(extreme.z) and extreme.p_value == pytest.approx(2 / 252) and extreme.significant

    def test_refuses_to_mix_metrics(self):
        with pytest.raises(TypeError):
            compare(nps([10]), nrs([5]))
        with pytest.raises(TypeError):
            compare(csat([5]), dwb([5]))


class TestNpsNrsMatrix:
    def test_cells_and_named_groups_by_hand(self):
        nps_answers = [0, 6, 8, 9, 10, 7, None, 3]
        nrs_answers = [5, 5, 5, 1, 5, 4, 5, ""]
        matrix = nps_nrs_matrix(nps_answers, nrs_answers)
        assert (matrix.n_pairs, matrix.n_excluded) == (6, 2)
        # detractor×repeater 2, passive×repeater 1 → stay without recommending: 3 of 6
        assert matrix.stays_without_recommending == 3
        assert matrix.share_stays_without_recommending == 0.5
        assert matrix.recommends_but_may_leave == 1  # the 9 with NRS 1
        table = matrix.crosstab()
        assert table.loc["detractor", "repeater"] == 2
        assert table.loc["passive", "neutral"] == 1
        assert table.loc["promoter", "repeater"] == 1
        assert int(table.to_numpy().sum()) == 6
        assert matrix.table["share"].sum() == pytest.approx(1.0)

    def test_invalid_answers_in_both_columns_reported_together(self):
        with pytest.raises(DataError) as caught:
            nps_nrs_matrix(pd.Series([11, 5], name="nps"), pd.Series([5, 9], name="nrs"))
        locations = " ".join(p.location for p in caught.value.problems)
        assert "'nps'" in locations and "'nrs'" in locations

    def test_unpaired_inputs_are_refused(self):
        with pytest.raises(ValueError):
            nps_nrs_matrix([1, 2], [5])
        with pytest.raises(ValueError):
            nps_nrs_matrix(pd.Series([1, 2], index=[0, 1]), pd.Series([5, 5], index=[1, 2]))

    def test_categories(self):
        assert list(nps_category([0, 6, 7, 8, 9, 10])) == [
            "detractor", "detractor", "passive", "passive", "promoter", "promoter"]
        labels = nrs_category(pd.Series([1, 3, 4, 5, None], dtype="Int64"))
        assert list(labels[:4]) == ["at_risk", "at_risk", "neutral", "repeater"]
        assert pd.isna(labels.iloc[4])


class TestProperties:
    @given(answers_0_10)
    def test_nps_is_within_bounds_and_shares_sum_to_one(self, answers):
        result = nps(answers)
        assert -100.0 <= result.score <= 100.0
        shares = result.share_promoters + result.share_passives + result.share_detractors
        assert shares == pytest.approx(1.0)
        assert result.ci_low <= result.score <= result.ci_high

    @given(answers_0_10, st.sampled_from([9, 10]))
    def test_adding_a_promoter_never_lowers_nps(self, answers, promoter):
        assert nps(answers + [promoter]).score >= nps(answers).score

    @given(answers_0_10, st.integers(0, 6))
    def test_adding_a_detractor_never_raises_nps(self, answers, detractor):
        assert nps(answers + [detractor]).score <= nps(answers).score

    @settings(max_examples=50)
    @given(st.lists(st.integers(1, 5), min_size=1, max_size=100))
    def test_nrs_shares_sum_to_one(self, answers):
        result = nrs(answers)
        assert result.share_repeaters + result.share_neutrals + result.share_at_risk == pytest.approx(1.0)
        assert -100.0 <= result.score <= 100.0
