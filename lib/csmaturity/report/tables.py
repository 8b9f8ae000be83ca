"""The report's tables as DataFrames in the report language, shared by HTML and Excel.

Values stay raw (fractions, scores, counts); the HTML template formats them and the
workbook keeps them editable. Column keys are stable English identifiers; the header
shown for each is ``L.columns.<key>`` of the text store (:mod:`csmaturity.i18n`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..i18n import join_list, text
from ..model import DONT_KNOW, Question

if TYPE_CHECKING:
    from .results import ReportResults

__all__ = [
    "answer_text",
    "dimension_rows",
    "portfolio_median_label",
    "answer_rows",
    "benchmark_rows",
    "gap_rows",
    "recommendation_rows",
    "roadmap_rows",
    "metric_rows",
    "change_rows",
    "survey_change_rows",
]


def answer_text(question: Question, value: Any, lang: str) -> str:
    """An answer as the client would read it: option labels, scale value, don't know."""
    if value is None:
        return text("answer.unanswered", lang)
    if value == DONT_KNOW:
        return text("common.dont_know", lang)
    if question.scale is not None:  # a point reads against the top of its scale
        label = question.scale.labels.get(value)
        return f"{value} / {question.scale.max}" + (f" ({label.get(lang)})" if label else "")
    return join_list(question.answer_labels(value, lang), lang, conjunction=False)


def dimension_rows(results: ReportResults) -> pd.DataFrame:
    """Dimension scores with the minimum the next level requires, if any, and the
    client's percentile within its portfolio segment when a portfolio shows one."""
    a = results.assessment
    dims = a.dimension_table()
    levels = a.model.levels
    current = [lv.id for lv in levels].index(a.scorecard.level.id)
    next_level = levels[current + 1] if current + 1 < len(levels) else None
    total_weight = dims["weight"].sum()
    frame = pd.DataFrame(
        {
            "dimension_id": dims.index,
            "name": dims["name"],
            "description": [d.description.get(a.lang) if d.description else "" for d in a.model.dimensions],
            "weight": dims["weight"] / total_weight,
            "score": dims["score"],
            "answered": dims["answered"],
            "dont_know": dims["dont_know"],
            "unanswered": dims["unanswered"],
            "next_gate": [next_level.gates.get(d, math.nan) if next_level else math.nan for d in dims.index],
        }
    ).reset_index(drop=True)
    position = results.portfolio_position()
    if position is not None and not position["hidden"]:
        shown = position["percentiles"]
        frame["percentile"] = [math.nan if shown.get(d) is None else shown[d] for d in dims.index]
    return frame


def portfolio_median_label(results: ReportResults) -> str | None:
    """The legend of the radar's median overlay: which clients the median is taken over."""
    position = results.portfolio_position()
    if position is None or position["median"] is None:
        return None
    median = position["median"]
    if median["scope"] == "segment":
        return text("chart.radar.portfolio_segment", results.lang, segment=position["segment_labels"]["value"],
                    n=median["clients"])
    return text("chart.radar.portfolio_all", results.lang, n=median["clients"])


def answer_rows(results: ReportResults) -> pd.DataFrame:
    """Every question with the answer, its status, the points earned and the evidence."""
    a = results.assessment
    lang = a.lang
    q = a.scorecard.questions
    rows = []
    for question in a.model.questions:
        row = q.loc[question.id]
        rows.append(
            {
                "question_id": question.id,
                "dimension": a.model.dimensions_by_id[question.dimension].name.get(lang),
                "question": question.text.get(lang),
                "answer": answer_text(question, a.answers.answers.get(question.id), lang),
                "status": text(f"status.{row['status']}", lang),
                "fraction": row["fraction"],
                "evidence": row["evidence"] if isinstance(row["evidence"], str) else "",
            }
        )
    return pd.DataFrame(rows)


def _match(value: Any) -> str:
    if pd.isna(value):
        return "unknown"
    return "yes" if value else "no"


def benchmark_rows(results: ReportResults) -> pd.DataFrame:
    """Survey practices beside the client's answer; unpublished shares stay NaN."""
    a = results.assessment
    b = a.benchmark
    return pd.DataFrame(
        {
            "item_id": b.index,
            "label": b["label"],
            "dimension": [a.model.dimensions_by_id[d].name.get(a.lang) for d in b["dimension"]],
            "client": [_match(v) for v in b["client"]],
            "effective": b["effective"],
            "not_effective": b["not_effective"],
            "note": b["note"].fillna(""),
        }
    ).reset_index(drop=True)


def gap_rows(results: ReportResults, limit: int = 10) -> pd.DataFrame:
    """The largest gaps: questions whose answer costs the most overall points."""
    a = results.assessment
    gaps = a.gaps.head(limit)
    return pd.DataFrame(
        {
            "question_id": gaps.index,
            "question": [a.model.question(q).text.get(a.lang) for q in gaps.index],
            "dimension": [a.model.dimensions_by_id[d].name.get(a.lang) for d in gaps["dimension"]],
            "status": [text(f"status.{s}", a.lang) for s in gaps["status"]],
            "impact": gaps["impact"],
            "separation": gaps["separation"],
        }
    ).reset_index(drop=True)


def recommendation_rows(results: ReportResults) -> pd.DataFrame:
    """Applicable recommendations, highest priority first."""
    a = results.assessment
    recs = a.recommendations
    titles = {r.id: r.title.get(a.lang) for r in a.model.recommendations}
    phases = {p.id: p.name.get(a.lang) for p in a.model.phases}
    return pd.DataFrame(
        {
            "rank": range(1, len(recs) + 1),
            "recommendation_id": recs.index,
            "title": recs["title"],
            "action": recs["action"],
            "phase": [phases[p] for p in recs["phase"]],
            "effort": recs["effort"],
            "triggered_by": [", ".join(ids) for ids in recs["triggered_by"]],
            "depends_on": [join_list((titles.get(d, d) for d in deps), a.lang, conjunction=False)
                           for deps in recs["depends_on"]],
            "impact": recs["impact"],
            "priority": recs["priority"],
        }
    ).reset_index(drop=True)


def roadmap_rows(results: ReportResults) -> pd.DataFrame:
    """The roadmap in order: step, phase, months, title and the steps it waits for."""
    a = results.assessment
    road = a.roadmap
    step_of = {rec: step for step, rec in road["recommendation"].items()}
    return pd.DataFrame(
        {
            "step": road.index,
            "phase": road["phase_name"],
            "horizon": road["horizon"],
            "title": road["title"],
            "after": [", ".join(str(step_of[d]) for d in deps if d in step_of) for deps in road["after"]],
            "moved": road["moved_by_dependency"],
        }
    ).reset_index(drop=True)


def metric_rows(results: ReportResults) -> pd.DataFrame:
    """Headline metrics, one per row: ``section``, ``metric``, ``value``, ``low``,
    ``high`` (interval, NaN when none), ``n`` and ``unit`` (``points``, ``share``,
    ``mean``, ``amount``, ``count``, ``ratio``)."""
    m = results.metrics
    lang = results.lang
    rows: list[dict[str, Any]] = []
    if m is None:
        return pd.DataFrame(columns=["section", "metric", "value", "low", "high", "n", "unit"])

    def add(section: str, key: str, value: Any, unit: str, low: Any = math.nan, high: Any = math.nan,
            n: Any = math.nan) -> None:
        rows.append({"section": text(f"metrics.{section}.title", lang), "metric": text(f"metric.{key}", lang),
                     "value": value, "low": low, "high": high, "n": n, "unit": unit})

    if m.nps is not None:
        add("loyalty", "nps", m.nps.score, "points", m.nps.ci_low, m.nps.ci_high, m.nps.n_valid)
    if m.nrs is not None:
        add("loyalty", "nrs", m.nrs.score, "points", m.nrs.ci_low, m.nrs.ci_high, m.nrs.n_valid)
    if m.csat is not None:
        add("loyalty", "csat", m.csat.share, "share", m.csat.ci_low, m.csat.ci_high, m.csat.n_valid)
    if m.ces is not None:
        add("loyalty", "ces", m.ces.mean, "mean", m.ces.mean_ci_low, m.ces.mean_ci_high, m.ces.n_valid)
        add("loyalty", "ces_low", m.ces.share_low_effort, "share", m.ces.share_ci_low, m.ces.share_ci_high,
            m.ces.n_valid)
    if m.dwb is not None:
        add("loyalty", "dwb", m.dwb.share, "share", m.dwb.ci_low, m.dwb.ci_high, m.dwb.n_valid)
    r = m.retention
    if r is not None:
        add("retention", "customers_at_start", r.customers_at_start, "count")
        add("retention", "churn_rate", r.churn_rate, "share", n=r.customers_at_start)
        add("retention", "retention_rate", r.retention_rate, "share", n=r.customers_at_start)
        add("retention", "grr", r.grr, "share")
        add("retention", "nrr", r.nrr, "share")
        if r.upsell_rate is not None:
            add("retention", "upsell_rate", r.upsell_rate, "share")
        if r.cross_sell_rate is not None:
            add("retention", "cross_sell_rate", r.cross_sell_rate, "share")
    if m.ltv is not None:
        add("ltv", "ltv_margin", m.ltv.by_margin_and_retention, "amount", n=m.ltv.n_customers)
        add("ltv", "ltv_purchases", m.ltv.by_purchases, "amount", n=m.ltv.purchasers)
        add("ltv", "ltv_gross_profit", m.ltv.by_gross_profit_per_purchaser, "amount", n=m.ltv.purchasers)
    if m.concentration is not None:
        for fraction, share in sorted(m.concentration.top_shares.items()):
            rows.append({"section": text("metrics.ltv.title", lang),
                         "metric": text("metric.top_share", lang, top=f"{fraction:.0%}"), "value": share,
                         "low": math.nan, "high": math.nan, "n": m.concentration.n_customers, "unit": "share"})
        add("ltv", "gini", m.concentration.gini, "ratio", n=m.concentration.n_customers)
    if m.health is not None:
        add("health", "arr_at_risk", m.health.arr_at_risk, "amount", n=m.health.accounts["red"])
        add("health", "share_arr_at_risk", m.health.share_arr_at_risk, "share")
    if m.matrix is not None:
        add("matrix", "stays_without_recommending", m.matrix.share_stays_without_recommending, "share",
            n=m.matrix.n_pairs)
        add("matrix", "recommends_but_may_leave", m.matrix.share_recommends_but_may_leave, "share", n=m.matrix.n_pairs)
    return pd.DataFrame(rows)


def change_rows(results: ReportResults) -> pd.DataFrame:
    """Score per dimension then and now (empty without a previous assessment)."""
    if results.change is None:
        return pd.DataFrame(columns=["name", "previous", "current", "delta"])
    return results.change.dimensions[["name", "previous", "current", "delta"]].reset_index(drop=True)


def survey_change_rows(results: ReportResults) -> pd.DataFrame:
    """Survey metrics then and now with the test of the difference."""
    cols = ["metric", "previous", "current", "difference", "p_value", "significant", "unit"]
    if results.change is None or not results.change.survey:
        return pd.DataFrame(columns=cols)
    units = {"NPS": "points", "NRS": "points", "CES": "mean"}
    return pd.DataFrame(
        [
            {"metric": c.metric, "previous": c.value_a, "current": c.value_b, "difference": c.difference,
             "p_value": c.p_value, "significant": c.significant, "unit": units.get(c.metric, "share")}
            for c in results.change.survey
        ],
        columns=cols,
    )
