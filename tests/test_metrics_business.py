"""CRM ROI, break-even, payback and sales / marketing / service KPIs."""

from __future__ import annotations

import pytest

from csmaturity.errors import DataError
from csmaturity.metrics import (
    average_deal_size,
    before_after,
    cases_per_agent,
    cost_per_lead,
    crm_roi,
    margin_rate,
    mean_time_to_resolution,
    payback_months,
    roi_percent,
    sales_cycle_length,
    same_day_closed_rate,
    time_to_close,
    win_rate,
)


class TestRoi:
    def test_domain_examples(self):
        assert roi_percent(75_000, 12_000) == pytest.approx(525.0)
        assert roi_percent(11_000, 1_000) == pytest.approx(1_000.0)

    def test_break_even_is_roi_zero_not_one_hundred(self):
        at_cost = crm_roi(12_000, 12_000)
        assert at_cost.roi_pct == 0.0 and at_cost.breaks_even and at_cost.break_even_gain == 12_000
        # "ROI 100 %" (the source article's break-even) is a gain of twice the cost.
        assert roi_percent(24_000, 12_000) == 100.0
        assert not crm_roi(11_999, 12_000).breaks_even

    def test_payback_months(self):
        result = crm_roi(75_000, 12_000)  # 75,000 a year = 6,250 a month
        assert result.monthly_gain == pytest.approx(6_250)
        assert result.payback_months == pytest.approx(1.92)
        assert payback_months(12_000, 1_000) == 12
        assert crm_roi(0, 1_000).payback_months is None

    def test_cost_zero_is_a_clear_error(self):
        # A wrong argument of a Python call is a ValueError naming it, not a data problem of "<memory>".
        with pytest.raises(ValueError) as caught:
            roi_percent(5_000, 0)
        assert caught.value.argument == "cost"
        assert "greater than 0" in str(caught.value) and "<memory>" not in str(caught.value)
        with pytest.raises(ValueError, match="cost"):
            crm_roi(5_000, 0)

    def test_never_paid_back(self):
        with pytest.raises(ValueError, match="never paid back"):
            payback_months(1_000, 0)

    def test_non_numbers_are_refused(self):
        with pytest.raises(ValueError, match="finite number"):
            roi_percent(float("nan"), 10)


class TestKpis:
    def test_sales_and_marketing_ratios(self):
        assert average_deal_size(1_000_000, 8) == 125_000
        assert margin_rate(2_000, 10_000) == 0.2
        assert margin_rate(-500, 10_000) == -0.05  # a loss is a negative margin
        assert cost_per_lead(500_000, 250) == 2_000
        assert win_rate(12, 40) == 0.3

    def test_zero_denominators(self):
        for call, argument in ((lambda: average_deal_size(100, 0), "deals"),
                               (lambda: cost_per_lead(100, 0), "new_leads"),
                               (lambda: win_rate(0, 0), "opportunities"),
                               (lambda: margin_rate(1, 0), "net_sales"),
                               (lambda: cases_per_agent(10, 0), "agents")):
            with pytest.raises(ValueError) as caught:
                call()
            assert caught.value.argument == argument

    def test_win_rate_cannot_exceed_one(self):
        with pytest.raises(ValueError, match="cannot exceed"):
            win_rate(5, 4)

    def test_cases_per_agent(self):
        assert cases_per_agent(600, 5) == 120
        assert cases_per_agent(600, 5, days=20) == 6

    def test_sales_cycle_and_time_to_close(self):
        cycle = sales_cycle_length(["2024-01-01", "2024-02-01", "2024-03-01"],
                                   ["2024-01-31", "2024-04-01", None])
        # 30 and 60 days; the third deal is still open
        assert (cycle.n, cycle.n_open, cycle.mean, cycle.median) == (2, 1, 45.0, 45.0)
        closing = time_to_close(["2024-05-01", "2024/5/10"], ["2024-05-11", "2024-05-12"])
        assert closing.mean == 6.0 and closing.unit == "days"

    def test_end_before_start_names_the_row(self):
        with pytest.raises(DataError, match=r"row 3\b.*before"):
            time_to_close(["2024-05-01", "2024-05-10"], ["2024-05-11", "2024-05-01"])

    def test_unparseable_dates(self):
        with pytest.raises(DataError, match="expected a date"):
            time_to_close(["soon"], ["2024-05-11"])

    def test_mean_time_to_resolution(self):
        result = mean_time_to_resolution(
            ["2024-05-01 09:00", "2024-05-02 10:00", "2024-05-03 08:00"],
            ["2024-05-01 13:00", "2024-05-03 10:00", ""],
        )
        assert (result.n, result.n_open, result.mean, result.unit) == (2, 1, 14.0, "hours")

    def test_same_day_closed_rate(self):
        result = same_day_closed_rate(
            ["2024-05-01 09:00", "2024-05-01 22:00", "2024-05-02 10:00"],
            ["2024-05-01 17:00", "2024-05-02 01:00", None],
        )
        assert (result.n_cases, result.n_open, result.n_same_day) == (3, 1, 1)
        assert result.same_day_rate == pytest.approx(1 / 3)

    def test_before_after(self):
        retention_change = before_after(0.82, 0.88, metric="retention")
        assert retention_change.change == pytest.approx(0.06)
        assert retention_change.change_pct == pytest.approx(0.06 / 0.82 * 100)
        assert retention_change.improved
        faster = before_after(30, 24, metric="time to close", higher_is_better=False)
        assert faster.improved and faster.change == -6
        assert before_after(0, 5).change_pct is None
