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

Steps 2-6 start from question fractions wherever they come from:
:func:`score_fractions` scores fractions already combined from several respondents
(:mod:`csmaturity.respondents`), and :class:`FractionScorer` applies steps 3-4 to whole
arrays of fractions at once (many respondents, resamples, or trial changes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .answers import ClientAnswers
from .model import DONT_KNOW, AnswerValue, Level, MaturityModel

__all__ = ["Scorecard", "GateShortfall", "FractionScorer", "QuestionStatus", "score", "score_fractions",
           "level_for_scores"]

#: Whether a question has a fraction: answered, or "don't know", or left blank.
QuestionStatus = Literal["answered", "dont_know", "unanswered"]


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
    fractions: dict[str, float | None] = {}
    status: dict[str, QuestionStatus] = {}
    for q in model.questions:
        value = answers.answers.get(q.id)
        if value is None:
            status[q.id], fractions[q.id] = "unanswered", None
        elif value == DONT_KNOW:
            status[q.id], fractions[q.id] = "dont_know", None
        else:
            status[q.id], fractions[q.id] = "answered", q.fraction(value)
    return score_fractions(model, fractions, status, answers=answers.answers, evidence=answers.evidence)


def score_fractions(
    model: MaturityModel,
    fractions: Mapping[str, float | None],
    status: Mapping[str, QuestionStatus],
    *,
    answers: Mapping[str, AnswerValue | None] | None = None,
    evidence: Mapping[str, str] | None = None,
) -> Scorecard:
    """The scorecard of known question ``fractions`` (steps 2-6 of the module docstring).

    ``fractions`` holds a fraction for each answered question (None or missing
    otherwise), ``status`` each question's status; the model's ``dont_know`` rule
    scores the rest. ``answers`` and ``evidence`` (per question) fill the table's
    ``answer`` and ``evidence`` columns.
    """
    exclude_unknown = model.scoring.dont_know == "exclude"
    answers, evidence = answers or {}, evidence or {}
    rows = []
    for q in model.questions:
        known = fractions.get(q.id)
        counted = known if known is not None else (np.nan if exclude_unknown else 0.0)
        rows.append(
            {
                "question_id": q.id,
                "dimension": q.dimension,
                "type": q.type,
                "weight": q.weight,
                "answer": answers.get(q.id),
                "status": status.get(q.id, "unanswered"),
                "fraction": counted,
                "evidence": evidence.get(q.id),
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

    score_level, level, held_back = level_for_scores(model, overall, dimensions["score"])
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


def level_for_scores(model: MaturityModel, overall: float,
                     dim_scores: Mapping[str, float] | pd.Series) -> tuple[Level, Level, list[GateShortfall]]:
    """The band of ``overall``, the level awarded once gates are applied to the
    dimension scores (NaN = no score, which meets no gate), and the gates that held
    it back (steps 5 of the module docstring)."""
    score_level = model.level_for(overall)
    level, held_back = _apply_gates(model, score_level, dim_scores)
    return score_level, level, held_back


class FractionScorer:
    """Steps 3-4 of the module docstring on arrays: many sets of counted fractions
    scored at once, by the same rules as :func:`score_fractions` (tested to agree).

    Fractions come as an array whose last axis is the model's questions in model
    order; NaN means "not counted" (excluded "don't know", or a question of a
    dimension left empty).
    """

    def __init__(self, model: MaturityModel):
        self.dims = [d.id for d in model.dimensions]
        self.weight = np.array([q.weight for q in model.questions], dtype=float)
        self.dim_of = np.array([self.dims.index(q.dimension) for q in model.questions])
        self.dim_weight = np.array([d.weight for d in model.dimensions], dtype=float)
        self.scale = model.score_scale
        self.empty = np.nan if model.scoring.empty_dimension == "exclude" else 0.0
        self.unknown = np.nan if model.scoring.dont_know == "exclude" else 0.0
        # questions -> dimensions, weighted: one matrix product sums each dimension
        self._to_dims = np.zeros((len(self.weight), len(self.dims)))
        self._to_dims[np.arange(len(self.weight)), self.dim_of] = self.weight

    def counted(self, known: np.ndarray) -> np.ndarray:
        """Known fractions (NaN = nobody knows) with the model's ``dont_know`` rule applied."""
        return np.where(np.isnan(known), self.unknown, known)

    def scores(self, fractions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dimension scores ``(..., dimensions)`` and overall scores ``(...)`` (rounded
        to 9 decimals, as :func:`score_fractions` does) of counted ``fractions``."""
        fractions = np.asarray(fractions, dtype=float)
        counted = ~np.isnan(fractions)
        num = np.where(counted, fractions, 0.0) @ self._to_dims
        den = counted.astype(float) @ self._to_dims
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(den > 0, num / np.where(den > 0, den, 1.0), self.empty)
        dim_scores = self.scale.min + self.scale.span * mean
        scored = ~np.isnan(dim_scores) & (self.dim_weight > 0)
        w = np.where(scored, self.dim_weight, 0.0)
        total = w.sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            overall = np.where(total > 0, (w * np.nan_to_num(dim_scores)).sum(axis=-1) / np.where(total > 0, total, 1),
                               float(self.scale.min))
        return dim_scores, np.round(overall, 9)


def _apply_gates(model: MaturityModel, start: Level,
                 dim_scores: Mapping[str, float] | pd.Series) -> tuple[Level, list[GateShortfall]]:
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
