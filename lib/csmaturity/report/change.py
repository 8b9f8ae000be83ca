"""The change since a client's previous assessment, and the trend over several earlier
ones: scores per dimension and overall, level changes and survey metrics between waves.

Every assessment compared is scored again with the current report's model, so that
the figures are comparable; the model an earlier answers file named is kept for the
record (``previous_model``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..assessment import Assessment
from ..metrics._stats import plain
from .metrics_summary import survey_changes

__all__ = ["AssessmentChange", "compare_assessments", "Wave", "SurveyPoint", "SurveyStep", "AssessmentHistory",
           "assessment_history", "level_direction"]


@dataclass(frozen=True, eq=False, kw_only=True)
class AssessmentChange:
    """Previous vs current assessment of one client.

    ``dimensions`` has one row per dimension: ``name``, ``previous``, ``current``,
    ``delta`` (points). ``level_direction`` is ``up``, ``same`` or ``down``.
    ``survey`` holds one :class:`csmaturity.metrics.Comparison` per survey metric
    found in both waves (``difference = current − previous``); ``survey_source`` says
    which previous survey was used (``survey_kind`` ``wave``: an earlier wave of the
    current survey file, ``previous``: the survey named for the previous assessment;
    ``survey_wave`` its year). ``other_client`` is set when the previous assessment is
    another client's, compared on the caller's explicit request.
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
    survey_kind: str | None = None
    survey_wave: int | None = None
    previous_client: tuple[str, str] = ("", "")
    other_client: bool = False

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
            "previous_client": {"id": self.previous_client[0], "name": self.previous_client[1]},
            "other_client": self.other_client,
        }


def level_direction(model: Any, before: str, after: str) -> str:
    """``up``, ``same`` or ``down`` from level ``before`` to level ``after`` of ``model``."""
    order = [lv.id for lv in model.levels]
    b, a = order.index(before), order.index(after)
    return "up" if a > b else "down" if a < b else "same"


def compare_assessments(
    previous: Assessment, current: Assessment, survey: list[Any] | None = None, survey_source: str | None = None,
    *, survey_kind: str | None = None, survey_wave: int | None = None,
) -> AssessmentChange:
    """Compare two assessments of a client (scored with the same model). The previous
    one may be another client's only when the caller asked for it; the change then
    says so (``other_client``)."""
    dims = current.dimension_table()[["name"]].copy()
    dims["previous"] = previous.scorecard.dimensions["score"].reindex(dims.index)
    dims["current"] = current.scorecard.dimensions["score"]
    dims["delta"] = dims["current"] - dims["previous"]
    direction = level_direction(current.model, previous.scorecard.level.id, current.scorecard.level.id)
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
        survey_kind=survey_kind,
        survey_wave=survey_wave,
        previous_client=(previous.client_id, previous.answers.client.name),
        other_client=previous.client_id != current.client_id,
    )


@dataclass(frozen=True, kw_only=True)
class Wave:
    """One assessment of the history (the current one last)."""

    date: str
    client_id: str
    overall: float
    level: str
    dimensions: dict[str, float]
    #: The answers file's name and SHA-256 (None for the current assessment).
    file: str | None = None
    sha256: str | None = None
    current: bool = False


@dataclass(frozen=True, kw_only=True)
class SurveyPoint:
    """Survey scores at one point of the history: ``kind`` ``assessment`` (the survey
    an assessment's answers file names; ``date`` its date) or ``wave`` (a wave of the
    current survey file); ``wave`` the survey year when known."""

    kind: str
    date: str | None
    wave: int | None
    scores: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class SurveyStep:
    """The survey metrics from one point to the next, each tested (``metrics.compare``)."""

    before: SurveyPoint
    after: SurveyPoint
    comparisons: list[Any]


@dataclass(frozen=True, eq=False, kw_only=True)
class AssessmentHistory:
    """A client's assessments over time, oldest first, the current one last.

    ``trend`` has one row per assessment date and the columns ``overall``, ``level``
    and one per dimension id (scores on the model's scale; NaN for a dimension without
    a score). ``level_changes`` lists each change of level between consecutive
    assessments; ``survey`` the tested change of the survey metrics between
    consecutive survey points. ``other_clients`` names the ids of assessments that are
    another client's (only on the caller's explicit request).
    """

    waves: list[Wave]
    trend: pd.DataFrame
    level_changes: list[dict[str, str]]
    survey: list[SurveyStep]
    other_clients: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        trend = self.trend.reset_index()
        return {
            "waves": [{"date": w.date, "client_id": w.client_id, "overall": round(w.overall, 2), "level": w.level,
                       "dimensions": {d: None if pd.isna(v) else round(float(v), 2) for d, v in w.dimensions.items()},
                       "file": w.file, "sha256": w.sha256, "current": w.current} for w in self.waves],
            "trend": [{k: plain(v) for k, v in row.items()} for row in trend.to_dict(orient="records")],
            "level_changes": self.level_changes,
            "survey": [{"before": {"kind": s.before.kind, "date": s.before.date, "wave": s.before.wave},
                        "after": {"kind": s.after.kind, "date": s.after.date, "wave": s.after.wave},
                        "comparisons": [c.to_dict() for c in s.comparisons]} for s in self.survey],
            "other_clients": self.other_clients,
        }


def assessment_history(
    earlier: list[tuple[Assessment, str, str]], current: Assessment, survey_points: list[SurveyPoint] | None = None,
) -> AssessmentHistory:
    """The trend over ``earlier`` assessments (each with its file name and SHA-256, any
    order) and ``current``, all scored with the current model; ``survey_points`` (in
    time order) give the survey metrics between waves."""
    ordered = sorted(earlier, key=lambda e: e[0].answers.client.assessment_date)
    waves = [Wave(date=a.answers.client.assessment_date.isoformat(), client_id=a.client_id,
                  overall=a.scorecard.overall, level=a.scorecard.level.id,
                  dimensions=a.scorecard.dimensions["score"].to_dict(), file=name, sha256=digest)
             for a, name, digest in ordered]
    waves.append(Wave(date=current.answers.client.assessment_date.isoformat(), client_id=current.client_id,
                      overall=current.scorecard.overall, level=current.scorecard.level.id,
                      dimensions=current.scorecard.dimensions["score"].to_dict(), current=True))
    dims = [d.id for d in current.model.dimensions]
    trend = pd.DataFrame([{"date": w.date, "overall": w.overall, "level": w.level,
                           **{d: w.dimensions.get(d, float("nan")) for d in dims}} for w in waves]).set_index("date")
    changes = []
    for before, after in zip(waves, waves[1:], strict=False):
        if before.level != after.level:
            changes.append({"date": after.date, "before": before.level, "after": after.level,
                            "direction": level_direction(current.model, before.level, after.level)})
    points = [p for p in (survey_points or []) if p.scores]
    steps = [SurveyStep(before=b, after=a, comparisons=survey_changes(b.scores, a.scores))
             for b, a in zip(points, points[1:], strict=False)]
    return AssessmentHistory(waves=waves, trend=trend, level_changes=changes,
                             survey=[s for s in steps if s.comparisons],
                             other_clients=sorted({w.client_id for w in waves if w.client_id != current.client_id}))
