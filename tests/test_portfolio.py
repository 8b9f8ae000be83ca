"""Portfolio tables worked by hand, and the k-anonymity rule for percentiles."""

from __future__ import annotations

import math

import pytest

from csmaturity.portfolio import (
    client_percentiles,
    cohort_comparison,
    common_gaps,
    level_distribution,
    portfolio_table,
    segment_percentiles,
)


def _result(cid, overall, business_model="B2B", level="cs0", gaps=("kpi_defined",), bench=None):
    return {
        "client": {"id": cid, "name": cid.upper(), "industry": "SaaS", "assessment_date": "2026-10-01",
                   "language": "en", "profile": {"business_model": business_model, "arr_band": "1-10M", "customers": 1,
                                                 "cs_headcount": 1}},
        "overall": overall, "level": {"id": level}, "coverage": 1.0, "provisional": False,
        "dimensions": {"kpis": overall, "voc": 100 - overall},
        "top_gaps": list(gaps), "benchmark": bench or {},
    }


@pytest.fixture()
def results():
    b2b = [_result(f"b{i}", s) for i, s in enumerate([10, 20, 20, 40, 50])]
    b2c = [_result(f"c{i}", s, "B2C", "cs1", ("touch_status", "kpi_defined")) for i, s in enumerate([30, 60, 90])]
    return b2b + b2c


def test_midrank_percentiles_by_hand(results, model):
    table = portfolio_table(results, model)
    pct = segment_percentiles(table, ["kpis", "voc"], "business_model", min_group=5)
    # B2B overall scores 10, 20, 20, 40, 50: (below + 0.5 * tied others) / (n - 1) * 100
    assert pct.loc["b0", "overall"] == 0
    assert pct.loc["b1", "overall"] == pytest.approx(37.5) == pct.loc["b2", "overall"]
    assert pct.loc["b3", "overall"] == pytest.approx(75)
    assert pct.loc["b4", "overall"] == 100
    assert pct.loc["b4", "voc"] == 0  # voc = 100 - overall: the order reverses
    assert pct.loc["b0", "segment_size"] == 5


def test_small_segments_are_hidden(results, model):
    table = portfolio_table(results, model)
    pct = segment_percentiles(table, ["kpis", "voc"], "business_model", min_group=5)
    assert pct.loc[["c0", "c1", "c2"], ["overall", "kpis", "voc"]].isna().all().all()
    assert client_percentiles(pct, "c1") == {"overall": None, "kpis": None, "voc": None}
    assert client_percentiles(pct, "b3")["overall"] == 75.0
    assert client_percentiles(pct, "nobody") is None
    shown = segment_percentiles(table, ["kpis"], "business_model", min_group=3)
    assert shown.loc["c1", "overall"] == 50
    with pytest.raises(ValueError, match="at least 2"):
        segment_percentiles(table, ["kpis"], "business_model", min_group=1)


def test_level_distribution_lists_every_level(results, model):
    levels = level_distribution(portfolio_table(results, model), model)
    assert levels["clients"].to_dict() == {"adhoc": 0, "cs0": 5, "cs1": 3, "cs2": 0}
    assert levels["share"].sum() == pytest.approx(1)


def test_common_gaps_count_clients(results, model):
    gaps = common_gaps(results, model)
    assert gaps.loc["kpi_defined", "clients"] == 8
    assert gaps.loc["touch_status", "clients"] == 3
    assert list(gaps.index) == ["kpi_defined", "touch_status"]


def test_cohort_comparison_uses_known_answers_only(model):
    results = [_result("a", 50, bench={"touch_built": True}), _result("b", 50, bench={"touch_built": False}),
               _result("c", 50, bench={"touch_built": None})]
    comp = cohort_comparison(results, model)
    assert comp.loc["touch_built", "portfolio"] == 0.5 and comp.loc["touch_built", "clients_known"] == 2
    assert comp.loc["touch_built", "not_effective"] == pytest.approx(0.03)
    assert math.isnan(comp.loc["kpi_retention", "not_effective"])
    assert math.isnan(comp.loc["kpi_retention", "portfolio"])
