"""Customer lifetime value three ways, and how concentrated revenue is.

The three LTV estimates answer slightly different questions, which is why they are
shown side by side rather than averaged:

1. ``annual revenue per customer × margin × years retained`` — forward-looking profit,
   driven by today's churn (years retained defaults to ``1 / annual churn``);
2. ``average purchase value × average purchase count`` — revenue actually billed per
   customer so far (gross, no margin);
3. ``(revenue − cost of sales) ÷ number of purchasers`` — gross profit per customer so
   far.

Concentration asks how much of the revenue the best customers bring (the "top 20–30 %
of customers bring 70–80 % of revenue" rule of thumb), with a Pareto/Lorenz table and
a Gini coefficient.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from csmaturity.errors import DataError, Problem, check_argument
from csmaturity.io.columns import (
    fail,
    numeric_column,
    parse_numbers,
    require_columns,
    source_of,
)
from csmaturity.metrics._result import MetricResult

__all__ = [
    "LtvEstimates",
    "Concentration",
    "ltv_margin_retention",
    "ltv_purchases",
    "ltv_gross_profit",
    "ltv_estimates",
    "lorenz_table",
    "gini",
    "concentration",
]


def ltv_margin_retention(
    annual_revenue_per_customer: float,
    margin: float,
    *,
    years_retained: float | None = None,
    annual_churn: float | None = None,
) -> float:
    """LTV estimate 1: annual revenue per customer × margin × years retained.

    Formula
    -------
    ``LTV = R × m × Y`` with ``Y = years_retained`` or, when not given,
    ``Y = 1 / annual_churn`` (a customer who leaves with yearly probability c stays
    1/c years on average).

    Parameters
    ----------
    annual_revenue_per_customer
        Average yearly revenue (e.g. ARR) per customer, ≥ 0.
    margin
        Gross margin as a fraction, at most 1 (0.75 for 75 %).
    years_retained, annual_churn
        Give one: expected years a customer stays, or the annual churn rate in (0, 1].

    Raises
    ------
    ValueError
        Negative revenue, margin above 1, churn outside (0, 1] (a churn of 0 would make
        the customer stay forever: pass ``years_retained`` instead), non-positive or infinite
        years, or both or neither of ``years_retained`` and ``annual_churn`` given.

    Examples
    --------
    >>> ltv_margin_retention(1_200_000, 0.75, annual_churn=0.2)  # 1.2M × 0.75 × 5 years
    4500000.0
    """
    _one_of_years_and_churn(years_retained, annual_churn)
    check_argument(annual_revenue_per_customer >= 0, "annual_revenue_per_customer",
                   f"annual_revenue_per_customer must be ≥ 0, got {annual_revenue_per_customer!r}")
    check_argument(margin <= 1, "margin", f"margin must be a fraction ≤ 1 (0.75 for 75 %), got {margin!r}")
    if annual_churn is not None:
        check_argument(0 < annual_churn <= 1, "annual_churn",
                       "annual_churn must be in (0, 1] to give years retained = 1/churn, "
                       f"got {annual_churn!r}; with no churn pass years_retained explicitly")
        years_retained = 1.0 / annual_churn
    assert years_retained is not None
    check_argument(0 < years_retained < math.inf, "years_retained",
                   f"years_retained must be a finite number > 0, got {years_retained!r}")
    return float(annual_revenue_per_customer * margin * years_retained)


def ltv_purchases(average_purchase_value: float, average_purchase_count: float) -> float:
    """LTV estimate 2: average purchase value × average purchase count.

    Formula
    -------
    ``LTV = (revenue / purchases) × (purchases / customers)``.

    Raises
    ------
    ValueError
        A negative input.

    Examples
    --------
    >>> ltv_purchases(50_000, 24)
    1200000.0
    """
    for label, value in (("average_purchase_value", average_purchase_value),
                         ("average_purchase_count", average_purchase_count)):
        check_argument(value >= 0, label, f"{label} must be ≥ 0, got {value!r}")
    return float(average_purchase_value * average_purchase_count)


def ltv_gross_profit(revenue: float, cost_of_sales: float, purchasers: int) -> float:
    """LTV estimate 3: (revenue − cost of sales) ÷ number of purchasers.

    Formula
    -------
    ``LTV = (S − C) / N``: gross profit per customer who bought.

    Raises
    ------
    ValueError
        No purchasers (division by zero) or negative revenue / cost.

    Examples
    --------
    >>> ltv_gross_profit(10_000_000, 2_500_000, 5)
    1500000.0
    """
    check_argument(purchasers > 0, "purchasers", f"purchasers must be > 0 to divide by, got {purchasers!r}")
    for label, value in (("revenue", revenue), ("cost_of_sales", cost_of_sales)):
        check_argument(value >= 0, label, f"{label} must be ≥ 0, got {value!r}")
    return float((revenue - cost_of_sales) / purchasers)


def _one_of_years_and_churn(years_retained: float | None, annual_churn: float | None) -> None:
    check_argument((years_retained is None) != (annual_churn is None), "years_retained, annual_churn",
                   "give exactly one of years_retained and annual_churn")


@dataclass(frozen=True, kw_only=True)
class LtvEstimates(MetricResult):
    """The three LTV estimates side by side, with every input that produced them.

    Attributes
    ----------
    by_margin_and_retention
        ``annual_revenue_per_customer × margin × years_retained``.
    by_purchases
        ``average_purchase_value × average_purchase_count``.
    by_gross_profit_per_purchaser
        ``(revenue − cost_of_sales) / purchasers``.
    n_customers, purchasers
        Rows used, and rows with at least one purchase.
    annual_revenue_per_customer, margin, years_retained, annual_churn
        Inputs of estimate 1 (``annual_churn`` None when years were given).
    average_purchase_value, average_purchase_count
        Inputs of estimate 2 (``revenue / purchases`` and ``purchases / purchasers``).
    revenue, cost_of_sales, purchases
        Totals behind estimates 2 and 3.
    """

    by_margin_and_retention: float
    by_purchases: float
    by_gross_profit_per_purchaser: float
    n_customers: int
    purchasers: int
    annual_revenue_per_customer: float
    margin: float
    years_retained: float
    annual_churn: float | None
    average_purchase_value: float
    average_purchase_count: float
    revenue: float
    cost_of_sales: float
    purchases: float

    def to_frame(self) -> pd.DataFrame:
        """One row per estimate: ``method``, ``formula``, ``value``."""
        return pd.DataFrame(
            {
                "method": ["margin_and_retention", "purchases", "gross_profit_per_purchaser"],
                "formula": [
                    "annual revenue per customer × margin × years retained",
                    "average purchase value × average purchase count",
                    "(revenue − cost of sales) ÷ purchasers",
                ],
                "value": [self.by_margin_and_retention, self.by_purchases,
                          self.by_gross_profit_per_purchaser],
            }
        )


def ltv_estimates(
    accounts: pd.DataFrame,
    *,
    annual_churn: float | None = None,
    years_retained: float | None = None,
    margin: float | None = None,
    annual_revenue: str = "arr",
    revenue: str = "revenue_to_date",
    cost_of_sales: str = "cost_of_sales_to_date",
    purchases: str = "orders_to_date",
    file: str | None = None,
) -> LtvEstimates:
    """The three LTV estimates from an accounts table.

    Formula
    -------
    1. ``mean(annual_revenue) × margin × years_retained``, where ``margin =
       (Σrevenue − Σcost_of_sales) / Σrevenue`` unless given and ``years_retained =
       1 / annual_churn`` unless given;
    2. ``(Σrevenue / Σpurchases) × (Σpurchases / purchasers)``;
    3. ``(Σrevenue − Σcost_of_sales) / purchasers``;
    where purchasers are the rows with at least one purchase.

    Parameters
    ----------
    accounts
        One row per customer: pass the customers to average over (e.g. active ones).
    annual_churn, years_retained
        Give one (e.g. ``annual_churn=retention(...).churn_rate``).
    margin
        Gross margin fraction; computed from revenue and cost of sales when None.
    annual_revenue, revenue, cost_of_sales, purchases
        Columns: yearly revenue (ARR), revenue billed to date, its cost of sales and
        the number of purchases (orders/invoices) to date. Blank amounts are errors.
    file
        File named in error messages.

    Raises
    ------
    DataError
        Missing columns, malformed or negative amounts, blanks, zero revenue (margin
        undefined) or no purchasers.
    ValueError
        An invalid ``annual_churn`` / ``margin`` / ``years_retained``, or both or
        neither of ``annual_churn`` and ``years_retained`` given.
    """
    _one_of_years_and_churn(years_retained, annual_churn)
    file_name = source_of(accounts, file)
    require_columns(accounts, [annual_revenue, revenue, cost_of_sales, purchases], file_name, purpose="LTV")
    if len(accounts) == 0:
        raise DataError([Problem(file_name, "", "the accounts table is empty")])
    columns = {
        name: numeric_column(accounts, name, file_name, lo=0, allow_blank=False)
        for name in (annual_revenue, revenue, cost_of_sales, purchases)
    }
    total_revenue = float(columns[revenue].sum())
    total_cost = float(columns[cost_of_sales].sum())
    total_purchases = float(columns[purchases].sum())
    purchasers = int((columns[purchases] > 0).sum())
    if margin is None:
        if total_revenue <= 0:
            raise DataError([Problem(file_name, f"column '{revenue}'",
                                     "total revenue is 0: the margin is undefined (pass margin=)")])
        margin = (total_revenue - total_cost) / total_revenue
    if purchasers == 0:
        raise DataError([Problem(file_name, f"column '{purchases}'",
                                 "no customer has a purchase: per-purchaser values are undefined")])
    arpc = float(columns[annual_revenue].mean())
    estimate_1 = ltv_margin_retention(arpc, margin, years_retained=years_retained, annual_churn=annual_churn)
    average_value = total_revenue / total_purchases
    average_count = total_purchases / purchasers
    return LtvEstimates(
        by_margin_and_retention=estimate_1,
        by_purchases=ltv_purchases(average_value, average_count),
        by_gross_profit_per_purchaser=ltv_gross_profit(total_revenue, total_cost, purchasers),
        n_customers=len(accounts),
        purchasers=purchasers,
        annual_revenue_per_customer=arpc,
        margin=margin,
        years_retained=years_retained if years_retained is not None else 1.0 / annual_churn,  # type: ignore[operator]
        annual_churn=annual_churn,
        average_purchase_value=average_value,
        average_purchase_count=average_count,
        revenue=total_revenue,
        cost_of_sales=total_cost,
        purchases=total_purchases,
    )


def _values(values: ArrayLike | pd.Series, name: str | None, file: str | None) -> tuple[np.ndarray, int]:
    """Non-negative values with blanks removed, and the number of blanks."""
    numbers, problems = parse_numbers(values, name, file, lo=0)
    fail(problems)
    valid = numbers[~np.isnan(numbers)]
    label = name or getattr(values, "name", None) or "values"
    if valid.size == 0:
        raise DataError([Problem(source_of(values, file), f"column '{label}'", "no values to compute from")])
    if valid.sum() <= 0:
        raise DataError([Problem(source_of(values, file), f"column '{label}'",
                                 "all values are 0: revenue shares are undefined")])
    return valid, int(numbers.size - valid.size)


def lorenz_table(values: ArrayLike | pd.Series, *, descending: bool = True,
                 name: str | None = None, file: str | None = None) -> pd.DataFrame:
    """Cumulative share of customers against cumulative share of value.

    Formula
    -------
    Sort the n values (largest first when ``descending``); for k = 0..n
    ``customer_share_k = k / n`` and ``value_share_k = Σ_{i≤k} x_(i) / Σx``.
    Descending order is the Pareto view ("the top 20 % bring 70 %", a curve above the
    diagonal); ascending order is the classical Lorenz curve (below it).

    Parameters
    ----------
    values
        Revenue or LTV per customer (≥ 0); blanks are left out.
    descending
        Largest customers first (Pareto) or smallest first (Lorenz).
    name, file
        Column and file named in error messages.

    Returns
    -------
    pandas.DataFrame
        ``n + 1`` rows starting at (0, 0): ``customers`` (k), ``customer_share``,
        ``value`` (the k-th value, NaN on the first row), ``value_share``.
    """
    valid, _ = _values(values, name, file)
    ordered = np.sort(valid)[::-1] if descending else np.sort(valid)
    cumulative = np.concatenate([[0.0], np.cumsum(ordered)])
    n = ordered.size
    return pd.DataFrame(
        {
            "customers": np.arange(n + 1),
            "customer_share": np.arange(n + 1) / n,
            "value": np.concatenate([[np.nan], ordered]),
            "value_share": cumulative / cumulative[-1],
        }
    )


def gini(values: ArrayLike | pd.Series, *, name: str | None = None, file: str | None = None) -> float:
    """Gini coefficient of the values: 0 when all equal, (n − 1)/n when one holds all.

    Formula
    -------
    With ``x_(1) ≤ … ≤ x_(n)`` sorted ascending:
    ``G = Σ_i (2i − n − 1) x_(i) / (n Σx)``, equal to 1 − 2 × (area under the Lorenz curve)
    computed with trapezoids.
    """
    valid, _ = _values(values, name, file)
    ordered = np.sort(valid)
    n = ordered.size
    ranks = np.arange(1, n + 1)
    # Clamped: with equal values rounding can leave −1e−17, and a Gini is never negative.
    return max(0.0, float(((2 * ranks - n - 1) @ ordered) / (n * ordered.sum())))


@dataclass(frozen=True, kw_only=True)
class Concentration(MetricResult):
    """How concentrated revenue (or LTV) is across customers.

    Attributes
    ----------
    n_customers, n_blank
        Customers with a value, and blanks left out.
    total
        Sum of the values.
    top_shares
        ``{fraction of customers: share of the total they bring}``, largest customers
        first, e.g. ``{0.2: 0.64, 0.3: 0.75}``.
    gini
        Gini coefficient (see :func:`gini`).
    """

    n_customers: int
    n_blank: int
    total: float
    top_shares: dict[float, float] = field(default_factory=dict)
    gini: float = 0.0


def concentration(values: ArrayLike | pd.Series, *, top: Sequence[float] = (0.2, 0.3),
                  name: str | None = None, file: str | None = None) -> Concentration:
    """Share of the total brought by the top customers, and the Gini coefficient.

    Formula
    -------
    ``top_share(p) = value_share`` of the Pareto curve (:func:`lorenz_table`, largest
    first) at ``customer_share = p``, interpolated linearly between customers: with
    n = 10 and p = 0.2 it is exactly the two largest values over the total.

    Parameters
    ----------
    values
        Revenue or LTV per customer (≥ 0); blanks are left out and counted.
    top
        Fractions of customers to report, each in (0, 1].
    name, file
        Column and file named in error messages.

    Returns
    -------
    Concentration
    """
    fractions = tuple(float(p) for p in top)
    check_argument(all(0 < p <= 1 for p in fractions), "top", f"top fractions must be in (0, 1], got {top!r}")
    valid, n_blank = _values(values, name, file)
    curve = lorenz_table(valid, descending=True)
    shares = {
        p: float(np.interp(p, curve["customer_share"], curve["value_share"])) for p in fractions
    }
    return Concentration(
        n_customers=int(valid.size),
        n_blank=n_blank,
        total=float(valid.sum()),
        top_shares=shares,
        gini=gini(valid),
    )
