"""LTV three ways and revenue concentration, checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csmaturity.errors import DataError
from csmaturity.metrics import (
    concentration,
    gini,
    lorenz_table,
    ltv_estimates,
    ltv_gross_profit,
    ltv_margin_retention,
    ltv_purchases,
)


class TestFormulas:
    def test_margin_and_retention(self):
        # 1.2M a year × 75 % margin × (1 / 20 % churn = 5 years) = 4.5M
        assert ltv_margin_retention(1_200_000, 0.75, annual_churn=0.2) == pytest.approx(4_500_000)
        assert ltv_margin_retention(1_200_000, 0.75, years_retained=3) == pytest.approx(2_700_000)

    def test_purchases(self):
        assert ltv_purchases(50_000, 24) == 1_200_000

    def test_gross_profit_per_purchaser(self):
        assert ltv_gross_profit(10_000_000, 2_500_000, 5) == 1_500_000

    def test_invalid_inputs_are_clear(self):
        with pytest.raises(ValueError, match="annual_churn"):
            ltv_margin_retention(1000, 0.5, annual_churn=0)
        with pytest.raises(ValueError, match="margin"):
            ltv_margin_retention(1000, 75, annual_churn=0.1)  # 75 instead of 0.75
        with pytest.raises(ValueError, match="purchasers"):
            ltv_gross_profit(100, 10, 0)
        with pytest.raises(ValueError):
            ltv_margin_retention(1000, 0.5, annual_churn=0.1, years_retained=3)


def tiny_accounts() -> pd.DataFrame:
    return pd.DataFrame({
        "arr": [100, 200, 300, 400],
        "revenue_to_date": [300, 600, 900, 0],
        "cost_of_sales_to_date": [100, 150, 250, 0],
        "orders_to_date": [3, 6, 3, 0],  # the fourth customer has not bought yet
    })


def test_three_estimates_side_by_side_by_hand():
    result = ltv_estimates(tiny_accounts(), annual_churn=0.25)
    # margin = (1800 − 500) / 1800; 1: mean ARR 250 × margin × 4 years
    assert result.margin == pytest.approx(1300 / 1800)
    assert result.by_margin_and_retention == pytest.approx(250 * 1300 / 1800 * 4)  # 722.2
    # 2: (1800 / 12 purchases) × (12 purchases / 3 purchasers) = 150 × 4
    assert result.average_purchase_value == 150 and result.average_purchase_count == 4
    assert result.by_purchases == pytest.approx(600)
    # 3: 1300 / 3 purchasers
    assert result.by_gross_profit_per_purchaser == pytest.approx(1300 / 3)
    assert result.purchasers == 3 and result.years_retained == 4
    frame = result.to_frame()
    assert list(frame["value"]) == pytest.approx([722.2222, 600, 433.3333], abs=1e-3)


def test_given_margin_and_years_override():
    result = ltv_estimates(tiny_accounts(), years_retained=2, margin=0.5)
    assert result.by_margin_and_retention == pytest.approx(250 * 0.5 * 2)
    assert result.annual_churn is None


def test_table_problems_are_named():
    with pytest.raises(DataError, match="orders_to_date"):
        ltv_estimates(tiny_accounts().drop(columns=["orders_to_date"]), annual_churn=0.1)
    table = tiny_accounts().astype(object)
    table.loc[1, "revenue_to_date"] = "n/a"
    with pytest.raises(DataError, match=r"'revenue_to_date', row 3\b"):
        ltv_estimates(table, annual_churn=0.1)
    with pytest.raises(DataError, match="no customer has a purchase"):
        ltv_estimates(tiny_accounts().assign(orders_to_date=0), annual_churn=0.1)


class TestConcentration:
    values = [50, 20, 10, 5, 5, 4, 3, 1, 1, 1]  # total 100

    def test_top_shares_by_hand(self):
        result = concentration(self.values)
        assert result.top_shares[0.2] == pytest.approx(0.70)  # 50 + 20
        assert result.top_shares[0.3] == pytest.approx(0.80)  # + 10
        assert result.total == 100 and result.n_customers == 10

    def test_gini_by_hand(self):
        # ascending 1,1,1,3,4,5,5,10,20,50 with weights 2i − 11: −9 … +9 → Σ = 626
        assert gini(self.values) == pytest.approx(626 / (10 * 100))
        assert concentration(self.values).gini == pytest.approx(0.626)

    def test_gini_extremes(self):
        assert gini([7, 7, 7, 7]) == 0.0
        assert gini([0, 0, 0, 12]) == pytest.approx(3 / 4)

    def test_top_share_between_customers_is_interpolated(self):
        # 3 customers 6, 3, 1: the top 50 % is 1.5 customers → (6 + 1.5) / 10
        assert concentration([6, 3, 1], top=(0.5,)).top_shares[0.5] == pytest.approx(0.75)

    def test_pareto_and_lorenz_tables(self):
        pareto = lorenz_table([1, 3, 6])
        assert list(pareto["value"].iloc[1:]) == [6, 3, 1]
        assert list(pareto["value_share"]) == pytest.approx([0, 0.6, 0.9, 1.0])
        lorenz = lorenz_table([1, 3, 6], descending=False)
        assert list(lorenz["value_share"]) == pytest.approx([0, 0.1, 0.4, 1.0])

    def test_blanks_counted_and_bad_values_refused(self):
        assert concentration(pd.Series([5, None, 5, ""], dtype=object)).n_blank == 2
        with pytest.raises(DataError, match="out of range"):
            concentration([5, -1])
        with pytest.raises(DataError, match="all values are 0"):
            concentration([0, 0])

    @given(st.lists(st.floats(0, 1e9, allow_nan=False), min_size=1, max_size=60).filter(lambda v: sum(v) > 0))
    def test_curves_are_monotone_and_span_the_square(self, values):
        for descending in (True, False):
            table = lorenz_table(values, descending=descending)
            assert np.all(np.diff(table["customer_share"]) > 0)
            assert np.all(np.diff(table["value_share"]) >= -1e-12)
            assert table["value_share"].iloc[0] == 0 and table["value_share"].iloc[-1] == pytest.approx(1)
            gap = table["value_share"] - table["customer_share"]
            # Largest first bends above the diagonal; smallest first (Lorenz) below it.
            assert (gap >= -1e-9).all() if descending else (gap <= 1e-9).all()
        assert 0.0 <= gini(values) < 1.0
