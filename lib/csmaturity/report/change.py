"""The change since a client's previous assessment: scores, level and survey metrics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..assessment import Assessment
from ..metrics._stats import plain

__all__ = ["AssessmentChange", "compare_assessments"]


@dataclass(frozen=True, eq=False, kw_only=True)
class AssessmentChange:
    """Previous vs current assessment of one client.

    ``dimensions`` has one row per dimension: ``name``, ``previous``, ``current``,
    ``delta`` (points). ``level_direction`` is ``up``, ``same`` or ``down``.
    ``survey`` holds one :class:`csmaturity.metrics.Comparison` per survey metric
    found in both waves (``difference = current − previous``), and ``survey_source``
    says which previous survey was used.
    """

    previous_date: str
    current_date: str
    overall_previous: float
    overall_current: float
    level_previous: str
    level_current: str
    level_direction: str
    dimensions: pd.DataFrame
    previous_model: dict[str, str]
    survey: list[Any] = field(default_factory=list)
    survey_source: str | None = None

    @property
    def overall_delta(self) -> float:
        return self.overall_current - self.overall_previous

    def to_dict(self) -> dict[str, Any]:
        return {
            "previous_date": self.previous_date,
            "overall": {"previous": round(self.overall_previous, 2), "current": round(self.overall_current, 2),
                        "delta": round(self.overall_delta, 2)},
            "level": {"previous": self.level_previous, "current": self.level_current,
                      "direction": self.level_direction},
            "dimensions": {d: round(float(v), 2) for d, v in self.dimensions["delta"].items()},
            "previous_model": self.previous_model,
            "survey": [c.to_dict() for c in self.survey],
            "survey_source": self.survey_source,
        }


def compare_assessments(
    previous: Assessment, current: Assessment, survey: list[Any] | None = None, survey_source: str | None = None
) -> AssessmentChange:
    """Compare two assessments of the same client (scored with the same model)."""
    dims = current.dimension_table()[["name"]].copy()
    dims["previous"] = previous.scorecard.dimensions["score"].reindex(dims.index)
    dims["current"] = current.scorecard.dimensions["score"]
    dims["delta"] = dims["current"] - dims["previous"]
    order = [lv.id for lv in current.model.levels]
    before, after = order.index(previous.scorecard.level.id), order.index(current.scorecard.level.id)
    direction = "up" if after > before else "down" if after < before else "same"
    return AssessmentChange(
        previous_date=previous.answers.client.assessment_date.isoformat(),
        current_date=current.answers.client.assessment_date.isoformat(),
        overall_previous=previous.scorecard.overall,
        overall_current=current.scorecard.overall,
        level_previous=previous.scorecard.level.id,
        level_current=current.scorecard.level.id,
        level_direction=direction,
        dimensions=dims,
        previous_model={k: plain(v) for k, v in (previous.answers.raw.get("model") or current.model.ref).items()},
        survey=list(survey or []),
        survey_source=survey_source,
    )
