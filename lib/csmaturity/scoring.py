"""Scoring: answers -> question fractions -> dimension scores -> overall score -> level.

Method (deterministic, no I/O):

1. Each answered question scores a *fraction* in [0, 1]
   (:meth:`csmaturity.model.Question.fraction`):

   - single choice and yes/no: points of the chosen option / the highest option points
     (or counted from the lowest option's points, when the model says ``lowest``);
   - multi choice: sum of the chosen options' points, capped at ``max_points``
     (default: the sum of all options), / that cap;
   - scale: (value - min) / (max - min).

2. "Don't know" and unanswered questions follow the model's ``scoring.dont_know``
   rule: ``zero`` scores them 0 (not knowing whether a practice exists is itself a
   gap), ``exclude`` leaves them out of their dimension's mean. Either way they are
   counted and reported.
3. A dimension score puts ``sum(w_q * f_q) / sum(w_q)`` over its counted questions on
   the model's score scale: ``min + (max - min) * mean`` (0-100 unless the model names
   another). A dimension with no counted question scores the scale's bottom, or -- when
   the model's ``scoring.empty_dimension`` is ``exclude`` -- has no score (NaN) and is
   left out of the overall score.
4. The overall score is the dimension-weight mean of the dimension scores.
5. The level is the band of the model's levels that holds the overall score; a level
   whose ``gates`` (minimum dimension scores) are not all met is not awarded, and the
   next lower level is tried. The result says which gates held it back.
6. When fewer than ``provisional_below_coverage`` of the questions are answered
   (neither "don't know" nor blank), the level is marked provisional.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .answers import ClientAnswers
from .model import DONT_KNOW, Level, MaturityModel

__all__ = ["Scorecard", "GateShortfall", "score"]


@dataclass(frozen=True, kw_only=True)
class GateShortfall:
    level: str
    dimension: str
    score: float
    required: float


@dataclass(frozen=True, kw_only=True)
class Scorecard:
    """The scores of one client. Tables are indexed by question / dimension id."""

    questions: pd.DataFrame
    dimensions: pd.DataFrame
    overall: float
    level: Level
    score_level: Level
    held_back_by: tuple[GateShortfall, ...]
    coverage: float
    provisional: bool

    @property
    def dont_know(self) -> list[str]:
        return self.questions.index[self.questions["status"] == "dont_know"].tolist()

    @property
    def unanswered(self) -> list[str]:
        return self.questions.index[self.questions["status"] == "unanswered"].tolist()


def score(model: MaturityModel, answers: ClientAnswers) -> Scorecard:
    """Score ``answers`` with ``model`` (see the module docstring for the method)."""
    exclude_unknown = model.scoring.dont_know == "exclude"
    rows = []
    for q in model.questions:
        value = answers.answers.get(q.id)
        if value is None:
            status, fraction = "unanswered", None
        elif value == DONT_KNOW:
            status, fraction = "dont_know", None
        else:
            status, fraction = "answered", q.fraction(value)
        counted = fraction if fraction is not None else (np.nan if exclude_unknown else 0.0)
        rows.append(
            {
                "question_id": q.id,
                "dimension": q.dimension,
                "type": q.type,
                "weight": q.weight,
                "answer": value,
                "status": status,
                "fraction": counted,
                "evidence": answers.evidence.get(q.id),
            }
        )
    questions = pd.DataFrame(rows).set_index("question_id")

    scale = model.score_scale
    empty = np.nan if model.scoring.empty_dimension == "exclude" else scale.min
    dim_rows = []
    for d in model.dimensions:
        qs = questions[questions["dimension"] == d.id]
        counted = qs[qs["fraction"].notna() & (qs["weight"] > 0)]
        total_weight = counted["weight"].sum()
        dim_score = (scale.from_fraction(float((counted["weight"] * counted["fraction"]).sum() / total_weight))
                     if total_weight > 0 else empty)
        dim_rows.append(
            {
                "dimension": d.id,
                "weight": d.weight,
                "score": dim_score,
                "questions": len(qs),
                "answered": int((qs["status"] == "answered").sum()),
                "dont_know": int((qs["status"] == "dont_know").sum()),
                "unanswered": int((qs["status"] == "unanswered").sum()),
            }
        )
    dimensions = pd.DataFrame(dim_rows).set_index("dimension")
    scored = dimensions[dimensions["score"].notna() & (dimensions["weight"] > 0)]
    overall = (float((scored["weight"] * scored["score"]).sum() / scored["weight"].sum())
               if len(scored) else scale.min)
    # Guard level boundaries against floating-point dust (49.99999999 vs 50).
    overall = round(overall, 9)

    score_level = model.level_for(overall)
    level, held_back = _apply_gates(model, score_level, dimensions["score"])
    coverage = float((questions["status"] == "answered").mean())
    return Scorecard(
        questions=questions,
        dimensions=dimensions,
        overall=overall,
        level=level,
        score_level=score_level,
        held_back_by=tuple(held_back),
        coverage=coverage,
        provisional=coverage < model.scoring.provisional_below_coverage,
    )


def _apply_gates(model: MaturityModel, start: Level, dim_scores: pd.Series) -> tuple[Level, list[GateShortfall]]:
    index = [lv.id for lv in model.levels].index(start.id)
    shortfalls: list[GateShortfall] = []
    while index > 0:
        level = model.levels[index]
        missing = [
            GateShortfall(level=level.id, dimension=dim, score=float(dim_scores[dim]), required=required)
            for dim, required in level.gates.items()
            # A dimension without a score (no answer counted) has not shown it meets the gate.
            if not dim_scores[dim] >= required
        ]
        if not missing:
            break
        shortfalls.extend(missing)
        index -= 1
    return model.levels[index], shortfalls
