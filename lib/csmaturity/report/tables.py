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
from ..model import DONT_KNOW, Benchmark, MaturityModel, Question

if TYPE_CHECKING:
    from .results import ReportResults

__all__ = [
    "answer_text",
    "answer_feedback",
    "share_column",
    "dimension_rows",
    "portfolio_median_label",
    "portfolio_segment",
    "answer_rows",
    "benchmark_rows",
    "gap_rows",
    "has_contrast",
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


def answer_feedback(question: Question, value: Any, profile: dict[str, Any], lang: str) -> tuple[str, str]:
    """The insight and the next step the model gives for an answer (per option chosen,
    for the client's profile); empty texts when it gives none."""
    if value is None or value == DONT_KNOW:
        return "", ""
    insights, steps = [], []
    for option_id in question.selected(value):
        option = question.option(option_id)
        feedback = option.feedback(profile) if option is not None else None
        if feedback is not None and feedback.insight is not None:
            insights.append(feedback.insight.get(lang))
        if feedback is not None and feedback.next_step is not None:
            steps.append(feedback.next_step.get(lang))
    joint = text("common.sentence_separator", lang)
    return joint.join(insights), joint.join(steps)


def dimension_rows(results: ReportResults) -> pd.DataFrame:
    """Dimension scores (NaN: no known answer, left out of the overall) with the minimum
    the next level requires (``next_gate``, only when the model has gates), and the
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
    if not any(lv.gates for lv in levels):  # no level asks for minimum dimension scores
        frame = frame.drop(columns="next_gate")
    position = results.portfolio_position()
    if position is not None and not position["hidden"]:
        shown = position["percentiles"]
        frame["percentile"] = [math.nan if shown.get(d) is None else shown[d] for d in dims.index]
    return frame


def portfolio_segment(results: ReportResults) -> dict[str, str] | None:
    """The client's portfolio segment in words: ``name`` (the profile field's label)
    and ``value`` (a choice by its label); None without a portfolio."""
    position = results.portfolio_position()
    return None if position is None else position["segment_labels"]


def portfolio_median_label(results: ReportResults) -> str | None:
    """The legend of the radar's median overlay: which clients the median is taken over."""
    position = results.portfolio_position()
    if position is None or position["median"] is None:
        return None
    median = position["median"]
    if median["scope"] == "segment":
        segment = portfolio_segment(results)
        assert segment is not None
        return text("chart.radar.portfolio_segment", results.lang, segment=segment["value"], n=median["clients"])
    return text("chart.radar.portfolio_all", results.lang, n=median["clients"])


def answer_rows(results: ReportResults) -> pd.DataFrame:
    """Every question with the answer, its status, the points earned (NaN when the model
    leaves an open answer out), the evidence, and the model's insight and next step for
    the answer chosen (empty when the model gives none)."""
    a = results.assessment
    lang = a.lang
    q = a.scorecard.questions
    profile = a.answers.client.profile
    rows = []
    for question in a.model.questions:
        row = q.loc[question.id]
        value = a.answers.answers.get(question.id)
        insight, next_step = answer_feedback(question, value, profile, lang)
        rows.append(
            {
                "question_id": question.id,
                "dimension": a.model.dimensions_by_id[question.dimension].name.get(lang),
                "question": question.text.get(lang),
                "answer": answer_text(question, value, lang),
                "status": text(f"status.{row['status']}", lang),
                "fraction": row["fraction"],
                "evidence": row["evidence"] if isinstance(row["evidence"], str) else "",
                "insight": insight,
                "next_step": next_step,
            }
        )
    return pd.DataFrame(rows)


def _match(value: Any) -> str:
    if pd.isna(value):
        return "unknown"
    return "yes" if value else "no"


def share_column(cohort_id: str) -> str:
    """The column of :func:`benchmark_rows` holding a cohort's shares."""
    return f"share.{cohort_id}"


def adverse_practice(model: MaturityModel, benchmark: Benchmark, question_id: str, item_id: str) -> bool:
    """Whether a benchmark item describes a state to avoid ("no KPI defined"): fewer of
    the leading cohort than of the lagging one have it, where both shares are
    published; else, every answer that matches it earns no points."""
    item = next(i for i in benchmark.items if i.id == item_id)
    if benchmark.contrast is not None:
        lead, lag = (item.shares.get(c) for c in benchmark.contrast)
        if lead is not None and lag is not None and lead != lag:
            return lead < lag
    question = model.question(question_id)
    link = next(link for link in question.benchmark if link.item == item_id)
    points = [option.points for option in (question.option(o) for o in link.options) if option is not None]
    if not link.options:  # only "don't know" matches: not knowing earns nothing
        return True
    return bool(points) and len(points) == len(link.options) and max(points) <= question.floor_points


def _good_answer(results: ReportResults, question_id: str, item_id: str, has: Any, adverse: bool) -> bool | None:
    """Whether the client's answer is the desirable one for a practice: not having a
    state to avoid; having a practice, or a single-choice answer that earns at least
    what the practice's options would (the client is past it: "considering" a touch
    model is no gap once it is built). None when the answer is unknown."""
    if pd.isna(has):
        return None
    if adverse or has:
        return bool(has) != adverse
    a = results.assessment
    question = a.model.question(question_id)
    if question.is_multi or question.scale is not None:
        return False
    link = next(link for link in question.benchmark if link.item == item_id)
    linked = [question.fraction(o) for o in link.options if question.option(o) is not None]
    earned = a.scorecard.questions.at[question_id, "fraction"]
    return bool(linked) and not pd.isna(earned) and bool(earned >= max(linked))


def benchmark_rows(results: ReportResults, benchmark: Benchmark) -> pd.DataFrame:
    """The practices of one benchmark beside the client's answer: one share column per
    cohort (:func:`share_column`); unpublished shares stay NaN. ``adverse`` marks a
    practice that is a state to avoid (:func:`adverse_practice`), and ``good`` whether
    the client's answer is the desirable one (:func:`_good_answer`; None when unknown)."""
    a = results.assessment
    b = a.benchmark[a.benchmark["benchmark"] == benchmark.id]
    adverse = [adverse_practice(a.model, benchmark, q, item) for item, q in zip(b.index, b["question_id"], strict=True)]
    return pd.DataFrame(
        {
            "item_id": b.index,
            "label": b["label"],
            "dimension": [a.model.dimensions_by_id[d].name.get(a.lang) for d in b["dimension"]],
            "client": [_match(v) for v in b["client"]],
            **{share_column(c.id): b[c.id] for c in benchmark.cohorts},
            "note": b["note"].fillna(""),
            "adverse": adverse,
            "good": [_good_answer(results, q, item, v, bad)
                     for item, q, v, bad in zip(b.index, b["question_id"], b["client"], adverse, strict=True)],
        }
    ).reset_index(drop=True)


def has_contrast(results: ReportResults) -> bool:
    """Whether a benchmark of the model contrasts two cohorts (gaps then carry a cohort gap)."""
    return any(b.contrast is not None for b in results.assessment.model.benchmarks)


def gap_rows(results: ReportResults, limit: int = 10) -> pd.DataFrame:
    """The largest gaps: questions whose answer costs the most overall points; with a
    benchmark contrast, how far the practice separates its cohorts (``separation``)."""
    a = results.assessment
    gaps = a.gaps.head(limit)
    frame = pd.DataFrame(
        {
            "question_id": gaps.index,
            "question": [a.model.question(q).text.get(a.lang) for q in gaps.index],
            "dimension": [a.model.dimensions_by_id[d].name.get(a.lang) for d in gaps["dimension"]],
            "status": [text(f"status.{s}", a.lang) for s in gaps["status"]],
            "impact": gaps["impact"],
            "separation": gaps["separation"],
        }
    ).reset_index(drop=True)
    return frame if has_contrast(results) else frame.drop(columns="separation")


def recommendation_rows(results: ReportResults) -> pd.DataFrame:
    """Every applicable action in the plan's order (``rank`` is the plan's rank, the
    order every output shows): the model's recommendations and the next steps of the
    client's answers (``source`` ``model`` or ``answer``; an answer's ``question`` is
    the question it answers, and it has no effort estimate), with the owner, the start
    quarter, the due date, the duration in months, the success KPI, whether it unblocks
    the next level and its impact/effort quadrant. The ``phase`` column (the phase the
    plan puts it in) only when the model has phases."""
    a = results.assessment
    plan = a.plan
    recs = a.recommendations.loc[plan["recommendation"]]
    titles = {r.id: r.title.get(a.lang) for r in a.model.recommendations}
    from_answer = (plan["source"] == "answer").to_numpy()
    frame = pd.DataFrame(
        {
            "rank": plan.index.astype(int),
            "recommendation_id": plan["recommendation"].to_numpy(),
            "source": plan["source"].to_numpy(),
            "title": plan["title"].to_numpy(),
            "action": plan["action"].to_numpy(),
            "question": [a.model.question(by[0]).text.get(a.lang) if answer else ""
                         for by, answer in zip(plan["triggered_by"], from_answer, strict=True)],
            "phase": plan["phase_name"].to_numpy(),
            "owner": plan["owner"].to_numpy(),
            "quarter": plan["quarter"].to_numpy(),
            "due": [d.isoformat() for d in plan["due"]],
            "months": plan["months"].astype(int).to_numpy(),
            "effort": plan["effort"].where(~from_answer, None).to_numpy(),
            "kpi": plan["kpi"].to_numpy(),
            "unblocks": plan["unblocks"].astype(bool).to_numpy(),
            "quadrant": plan["quadrant"].to_numpy(),
            "triggered_by": [", ".join(ids) for ids in plan["triggered_by"]],
            "depends_on": [join_list((titles.get(d, d) for d in deps), a.lang, conjunction=False)
                           for deps in recs["depends_on"]],
            "impact": plan["impact"].to_numpy(),
            "priority": plan["priority"].to_numpy(),
        }
    ).reset_index(drop=True)
    return frame if a.model.phases else frame.drop(columns="phase")


def roadmap_rows(results: ReportResults) -> pd.DataFrame:
    """The roadmap in order: step, title and the steps it waits for; with phases, also
    the phase, its months and whether a dependency moved the step to a later phase."""
    a = results.assessment
    road = a.roadmap
    step_of = {rec: step for step, rec in road["recommendation"].items()}
    frame = pd.DataFrame(
        {
            "step": road.index,
            "phase": road["phase_name"],
            "horizon": road["horizon"],
            "title": road["title"],
            "after": [", ".join(str(step_of[d]) for d in deps if d in step_of) for deps in road["after"]],
            "moved": road["moved_by_dependency"],
        }
    ).reset_index(drop=True)
    return frame if a.model.phases else frame.drop(columns=["phase", "horizon", "moved"])


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


#: Survey metrics where a lower value is better (the Customer Effort Score: less effort).
LOWER_IS_BETTER = frozenset({"CES"})


def direction(metric: str, difference: float, significant: bool) -> str | None:
    """``better`` or ``worse`` for a significant change of a survey metric (a lower CES
    is better); None when the change is within sampling noise."""
    if not significant or difference == 0 or pd.isna(difference):
        return None
    rises = difference > 0
    return "better" if rises != (metric in LOWER_IS_BETTER) else "worse"


def comparison_rows(comparisons: list[Any]) -> pd.DataFrame:
    """Survey comparisons (:func:`csmaturity.metrics.compare`) as rows: then, now, the
    difference and its test, and ``direction`` (:func:`direction`)."""
    cols = ["metric", "previous", "current", "difference", "p_value", "significant", "direction", "unit"]
    units = {"NPS": "points", "NRS": "points", "CES": "mean"}
    return pd.DataFrame(
        [
            {"metric": c.metric, "previous": c.value_a, "current": c.value_b, "difference": c.difference,
             "p_value": c.p_value, "significant": c.significant,
             "direction": direction(c.metric, c.difference, c.significant), "unit": units.get(c.metric, "share")}
            for c in comparisons
        ],
        columns=cols,
    )


def survey_change_rows(results: ReportResults) -> pd.DataFrame:
    """Survey metrics then and now with the test of the difference and, when it is
    significant, whether it is better or worse."""
    return comparison_rows(results.change.survey if results.change is not None else [])
