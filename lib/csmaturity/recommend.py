"""Gaps, prioritized recommendations and a phased roadmap that respects dependencies.

Gap of a question: ``1 - fraction`` (don't know and unanswered count as a full gap:
not knowing is a gap to close). Its *impact* is the overall-score points that closing
it would add::

    impact_q = gap_q * (w_q / sum of question weights in its dimension)
                     * (w_d / sum of dimension weights) * (scale max - scale min)

*Separation* is how strongly the linked practice separates the survey cohorts,
``max |share_effective - share_not_effective|`` over the question's benchmark items with
both shares published (0 when none is). Priority ranks by both::

    priority_q = impact_q * (1 + separation_q)

A recommendation applies when any of its triggers holds; its priority is the sum of the
impacts of its triggering questions times ``(1 + their largest separation)``. An answer
option's *next step* (model data, per profile segment where the model says so) is an
action too, with the priority of its question.

The order of the actions (the plan and its roadmap) is :mod:`csmaturity.plan`'s: a
dependency that does not apply is already in place.
"""

from __future__ import annotations

import pandas as pd

from .answers import ClientAnswers
from .model import DONT_KNOW, MaturityModel, Question, Trigger
from .scoring import Scorecard

__all__ = ["gap_table", "recommendations"]


def gap_table(model: MaturityModel, card: Scorecard, bench: pd.DataFrame) -> pd.DataFrame:
    """Questions with a gap, highest priority first."""
    q = card.questions.copy()
    dim_weight_total = sum(d.weight for d in model.dimensions)
    q_weight_total = q.groupby("dimension")["weight"].transform("sum")
    dim_weight = q["dimension"].map({d.id: d.weight for d in model.dimensions})
    q["gap"] = 1.0 - q["fraction"].fillna(0.0)
    q["impact"] = q["gap"] * (q["weight"] / q_weight_total) * (dim_weight / dim_weight_total) * model.score_scale.span
    separation = (bench.groupby("question_id")["separation"].max().fillna(0.0) if len(bench)
                  else pd.Series(dtype=float))
    q["separation"] = separation.reindex(q.index).fillna(0.0)
    q["priority"] = q["impact"] * (1 + q["separation"])
    gaps = q[q["gap"] > 0][["dimension", "status", "gap", "impact", "separation", "priority"]]
    return gaps.sort_values(["priority", "impact"], ascending=False, kind="stable")


def _triggered(trigger: Trigger, question: Question, answers: ClientAnswers, fraction: float) -> bool:
    value = answers.answers.get(trigger.question)
    if value is None or value == DONT_KNOW:
        return True
    if trigger.below is not None and fraction < trigger.below - 1e-9:
        return True
    chosen = question.selected(value)
    return any(opt not in chosen for opt in trigger.lacks) or any(opt in chosen for opt in trigger.chosen)


def recommendations(
    model: MaturityModel, answers: ClientAnswers, card: Scorecard, gaps: pd.DataFrame, lang: str = "en"
) -> pd.DataFrame:
    """Recommendations that apply to this client and the next steps of their answers,
    highest priority first. ``source`` says which: ``model`` (a recommendation of the
    model) or ``answer`` (the next step of a chosen option, id ``question.option``)."""
    fractions = card.questions["fraction"].fillna(0.0)
    rows = _answer_steps(model, answers, gaps, lang)
    for rec in model.recommendations:
        by = sorted({t.question for t in rec.triggers
                     if _triggered(t, model.question(t.question), answers, fractions[t.question])})
        if not by:
            continue
        hit = gaps.reindex(by).dropna(subset=["impact"])
        impact = float(hit["impact"].sum())
        separation = float(hit["separation"].max()) if len(hit) else 0.0
        rows.append(
            {
                "recommendation": rec.id,
                "source": "model",
                "title": rec.title.get(lang),
                "action": rec.action.get(lang),
                "phase": rec.phase,
                "effort": rec.effort,
                "triggered_by": by,
                "depends_on": list(rec.depends_on),
                "impact": impact,
                "separation": separation,
                "priority": impact * (1 + separation),
            }
        )
    cols = ["recommendation", "source", "title", "action", "phase", "effort", "triggered_by", "depends_on", "impact",
            "separation", "priority"]
    table = pd.DataFrame(rows, columns=cols).set_index("recommendation")
    return table.sort_values("priority", ascending=False, kind="stable")


def _answer_steps(model: MaturityModel, answers: ClientAnswers, gaps: pd.DataFrame, lang: str) -> list[dict]:
    """The next step of each chosen option that has one, as action rows."""
    rows = []
    for q in model.questions:
        value = answers.answers.get(q.id)
        if value is None or value == DONT_KNOW:
            continue
        for option_id in q.selected(value):
            feedback = q.option(option_id).feedback(answers.client.profile)  # type: ignore[union-attr]
            if feedback is None or feedback.next_step is None:
                continue
            impact = float(gaps.at[q.id, "impact"]) if q.id in gaps.index else 0.0
            separation = float(gaps.at[q.id, "separation"]) if q.id in gaps.index else 0.0
            rows.append({
                "recommendation": f"{q.id}.{option_id}", "source": "answer",
                "title": feedback.next_step.get(lang),
                "action": feedback.insight.get(lang) if feedback.insight is not None else "",
                "phase": model.phases[0].id if model.phases else None, "effort": "M",
                "triggered_by": [q.id], "depends_on": [], "impact": impact, "separation": separation,
                "priority": impact * (1 + separation),
            })
    return rows
