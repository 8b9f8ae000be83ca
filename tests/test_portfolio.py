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
    segments,
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
    pct = segment_percentiles(table, ["kpis", "voc"], "business_model", min_group=5, segments=segments(model))
    # B2B overall scores 10, 20, 20, 40, 50: (below + 0.5 * tied others) / (n - 1) * 100
    assert pct.loc["b0", "overall"] == 0
    assert pct.loc["b1", "overall"] == pytest.approx(37.5) == pct.loc["b2", "overall"]
    assert pct.loc["b3", "overall"] == pytest.approx(75)
    assert pct.loc["b4", "overall"] == 100
    assert pct.loc["b4", "voc"] == 0  # voc = 100 - overall: the order reverses
    assert pct.loc["b0", "segment_size"] == 5


def test_small_segments_are_hidden(results, model):
    table = portfolio_table(results, model)
    pct = segment_percentiles(table, ["kpis", "voc"], "business_model", min_group=5, segments=segments(model))
    assert pct.loc[["c0", "c1", "c2"], ["overall", "kpis", "voc"]].isna().all().all()
    assert client_percentiles(pct, "c1") == {"overall": None, "kpis": None, "voc": None}
    assert client_percentiles(pct, "b3")["overall"] == 75.0
    assert client_percentiles(pct, "nobody") is None
    shown = segment_percentiles(table, ["kpis"], "business_model", min_group=3, segments=segments(model))
    assert shown.loc["c1", "overall"] == 50
    with pytest.raises(ValueError, match="at least 2"):
        segment_percentiles(table, ["kpis"], "business_model", min_group=1, segments=segments(model))


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


def _every_dimension(results, model):
    """The results with a score for each dimension of the model (a ranking needs them all)."""
    return [{**r, "dimensions": {d.id: r["dimensions"].get(d.id, 50.0) for d in model.dimensions}} for r in results]


def test_a_ranking_checks_its_segment_and_minimum_group_once(results, model):
    from csmaturity.errors import DataError
    from csmaturity.portfolio import Ranking, rank_portfolio

    results = _every_dimension(results, model)
    ranking = rank_portfolio(results, model, segment="business_model", min_group=3)
    assert (ranking.segment, ranking.min_group, len(ranking.table)) == ("business_model", 3, 8)
    with pytest.raises(ValueError,
                       match=r"portfolio_segment must be one of business_model, industry, arr_band, got 'country'"):
        rank_portfolio(results, model, segment="country")
    with pytest.raises(ValueError,
                       match=r"min_group must be at least 2, got 1: a percentile among fewer singles a client out"):
        rank_portfolio(results, model, min_group=1)
    with pytest.raises(ValueError, match="whole number"):
        rank_portfolio(results, model, min_group=2.5)
    # The same rule however the ranking is made: directly from a table, or for the percentiles alone.
    table = portfolio_table(results, model)
    with pytest.raises(ValueError, match="at least 2"):
        Ranking(table=table, dimensions=("kpis",), segments=segments(model), segment="business_model", min_group=1)
    with pytest.raises(ValueError, match="portfolio_segment"):
        segment_percentiles(table, ["kpis"], "country", segments=segments(model))
    # A segment the table does not have is named as missing data.
    with pytest.raises(DataError, match="lacks column.*arr_band"):
        Ranking(table=table.drop(columns="arr_band"), dimensions=("kpis",), segments=segments(model),
                segment="arr_band")
    # The shipped model's segments: its choice and text profile fields, the first the default, and industry.
    assert [s.id for s in segments(model)] == ["business_model", "industry", "arr_band"]
    assert rank_portfolio(results, model, min_group=3).segment == "business_model"


def test_a_client_listed_twice_counts_once_with_its_latest_results(results, model):
    from csmaturity.portfolio import rank_portfolio

    results = _every_dimension(results, model)
    older, fresh = _every_dimension([_result("b4", 99), _result("b4", 5)], model)
    older["client"] = {**older["client"], "assessment_date": "2025-01-01"}
    ranking = rank_portfolio([older, *results], model, min_group=5)
    assert len(ranking.table) == 8 and ranking.table.loc["b4", "overall"] == 50
    # The client a report is written for is ranked with its fresh results, whatever their date.
    fresh["client"] = {**fresh["client"], "assessment_date": "2020-01-01"}
    assert rank_portfolio(results, model, client=fresh).position("b4")["percentiles"]["overall"] == 0


def test_scores_by_dimension_turn_into_segment_means_for_many_clients(results, model):
    from csmaturity.portfolio import dimension_scores
    from csmaturity.portfolio.compute import MAX_CLIENT_ROWS

    table = portfolio_table(results, model)
    per_client = dimension_scores(table, ["kpis", "voc"], "business_model")
    assert list(per_client.index[:3]) == ["C2", "C1", "B4"] and per_client.loc["C2", "kpis"] == 90  # best overall first
    many = portfolio_table([_result(f"x{i}", i % 100, "B2B" if i % 3 else "B2C") for i in range(MAX_CLIENT_ROWS + 1)],
                           model)
    means = dimension_scores(many, ["kpis", "voc"], "business_model")
    assert list(means.index) == ["B2B (n=40)", "B2C (n=21)"]
    assert means.loc["B2C (n=21)", "kpis"] == pytest.approx(many.loc[many["business_model"] == "B2C", "kpis"].mean())


def test_notebook_defaults_are_the_library_defaults(root):
    import papermill as pm

    from csmaturity.portfolio import DEFAULT_MIN_GROUP

    portfolio = pm.inspect_notebook(str(root / "notebooks" / "portfolio.ipynb"))
    diagnosis = pm.inspect_notebook(str(root / "notebooks" / "diagnosis.ipynb"))
    assert portfolio["min_group"]["default"] == diagnosis["portfolio_min_group"]["default"] == str(DEFAULT_MIN_GROUP)
    # Empty: the model's default segment (its first choice or text profile field).
    assert portfolio["segment"]["default"] == diagnosis["portfolio_segment"]["default"] == '""'
    assert portfolio["batch_dir"]["default"] == '""'  # found from the repository: out/demo, where `make demo` writes
