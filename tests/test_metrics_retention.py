"""Churn, retention, GRR, NRR, upsell and cross-sell over a period, checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from csmaturity.errors import DataError
from csmaturity.metrics import retention

PERIOD = ("2024-04-01", "2025-03-31")


@pytest.fixture
def accounts() -> pd.DataFrame:
    """Eight customers; the comment on each says how it counts in FY2024."""
    rows = [
        # id, start, churn, arr, contraction, upsell, cross-sell
        ("A", "2020-01-01", None, 100, 0, 20, 0),  # retained, upsold 20
        ("B", "2021-06-01", "2024-09-30", 50, 0, 5, 0),  # lost (its upsell counts in the rate only)
        ("C", "2022-01-01", None, 200, 40, 0, 0),  # retained, downgraded 40
        ("D", "2023-03-31", None, 150, 0, 0, 30),  # retained, cross-bought 30
        ("E", "2022-05-01", "2023-12-31", 80, 0, 0, 0),  # left before the period: not counted
        ("F", "2024-04-01", None, 60, 0, 0, 0),  # new in the period
        ("G", "2024-10-01", "2025-02-01", 70, 0, 0, 0),  # new and gone within the period
        ("H", "2019-01-01", "2025-04-15", 120, 0, 10, 0),  # leaves after the period: retained
    ]
    frame = pd.DataFrame(rows, columns=["account_id", "start_date", "churn_date", "arr",
                                        "contraction_arr", "upsell_arr", "cross_sell_arr"])
    frame["churned"] = frame["churn_date"].notna()
    return frame


def test_worked_example_by_hand(accounts):
    result = retention(accounts, *PERIOD)
    # At start: A, B, C, D, H (5). Lost: B. New and still active: F.
    assert (result.customers_at_start, result.customers_lost, result.new_customers) == (5, 1, 1)
    assert result.customers_at_end == 5
    assert result.churn_rate == pytest.approx(0.2)
    assert result.retention_rate == pytest.approx(0.8)
    # ARR: start 100 + 50 + 200 + 150 + 120 = 620; churned 50; contraction 40;
    # expansion 20 + 30 + 10 = 60 (B's upsell is ignored: B's whole ARR is lost).
    assert result.starting_arr == 620
    assert (result.churned_arr, result.contraction_arr, result.expansion_arr) == (50, 40, 60)
    assert result.ending_arr == 590
    assert result.grr == pytest.approx(530 / 620)  # 0.8548
    assert result.nrr == pytest.approx(590 / 620)  # 0.9516
    # Upsell: A, B, H of 5 → 0.6; cross-sell: D → 0.2.
    assert (result.upsell_customers, result.upsell_rate) == (3, pytest.approx(0.6))
    assert (result.cross_sell_customers, result.cross_sell_rate) == (1, pytest.approx(0.2))
    assert result.notes == ()


def test_dates_can_be_datetime_columns(accounts):
    typed = accounts.assign(start_date=pd.to_datetime(accounts.start_date),
                            churn_date=pd.to_datetime(accounts.churn_date))
    assert retention(typed, *PERIOD) == retention(accounts, *PERIOD)


def test_zero_customers_at_period_start_is_a_clear_error(accounts):
    with pytest.raises(DataError, match="no customers active at the period start on 2015-04-01"):
        retention(accounts, "2015-04-01", "2016-03-31")


def test_missing_optional_columns_are_noted(accounts):
    result = retention(accounts.drop(columns=["contraction_arr", "cross_sell_arr"]), *PERIOD)
    assert result.contraction_arr == 0 and result.cross_sell_rate is None
    assert result.grr == pytest.approx(570 / 620)
    assert any("contraction_arr" in note for note in result.notes)
    assert any("cross_sell_arr" in note for note in result.notes)


def test_missing_required_column_is_named(accounts):
    with pytest.raises(DataError) as caught:
        retention(accounts.drop(columns=["arr"]), *PERIOD)
    assert caught.value.problems[0].location == "column 'arr'"


def test_flag_and_date_must_agree(accounts):
    accounts.loc[2, "churned"] = True  # C flagged churned but no churn date (row 4)
    with pytest.raises(DataError, match=r"row 4\b.*disagree"):
        retention(accounts, *PERIOD)


def test_malformed_dates_and_amounts_are_reported_together(accounts):
    accounts.loc[0, "start_date"] = "sometime"
    accounts.loc[3, "upsell_arr"] = -5
    accounts["churned"] = accounts["churned"].astype(object)
    accounts.loc[4, "churned"] = "perhaps"
    with pytest.raises(DataError) as caught:
        retention(accounts, *PERIOD)
    locations = [p.location for p in caught.value.problems]
    assert locations == ["column 'start_date', row 2", "column 'churned', row 6", "column 'upsell_arr', row 5"]


def test_blank_movements_mean_none(accounts):
    accounts["upsell_arr"] = accounts["upsell_arr"].astype(object)
    accounts.loc[0, "upsell_arr"] = ""
    assert retention(accounts, *PERIOD).expansion_arr == 40


def test_blank_arr_in_the_cohort_is_an_error(accounts):
    accounts.loc[2, "arr"] = None
    with pytest.raises(DataError, match=r"'arr', row 4\b.*blank"):
        retention(accounts, *PERIOD)


def test_snapshot_table_without_a_period():
    table = pd.DataFrame({"arr": [100, 100, 200, 100], "churned": ["yes", "no", "0", "はい"]})
    result = retention(table)
    assert (result.customers_at_start, result.customers_lost) == (4, 2)
    assert result.churned_arr == 200 and result.grr == pytest.approx(0.6)
    assert result.period_start is None


def test_zero_starting_arr_gives_nan_with_a_note():
    result = retention(pd.DataFrame({"arr": [0, 0], "churned": [False, True]}))
    assert result.churn_rate == 0.5
    assert result.grr != result.grr and any("undefined" in n for n in result.notes)


def test_period_arguments_are_checked(accounts):
    with pytest.raises(ValueError):
        retention(accounts, "2024-04-01")
    with pytest.raises(ValueError):
        retention(accounts, "2025-04-01", "2024-03-31")


def test_to_dict(accounts):
    data = retention(accounts, *PERIOD).to_dict()
    assert data["period_start"] == "2024-04-01" and data["customers_lost"] == 1
