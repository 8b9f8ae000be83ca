"""One action plan per client, and the path to the next (or a target) level.

The plan is computed once here and every output reads it, so the summary, the
priority list, the roadmap, the workbook and the exports show the same order.

**Path to a level.** To hold a level the overall score must reach its ``min`` and each
of its gates must be met. A *change* raises one question to full marks. The path is
found greedily: while a gate is short, the change that adds most to the shortest gate's
dimension; then, while the overall score is short, the change that adds most to it.
Picking the largest gains first is the fewest changes for a single threshold; with
gates it is a small set, not always the smallest. Changes are scored exactly (the
model's own rules, so an excluded "don't know" enters its dimension when answered).
When every change together still misses the target, the path says it is out of reach
of the questionnaire.

**Order of the plan.** Among the applicable actions (the model's recommendations and
the answers' next steps):

1. actions that unblock the next level come first: on a question the path to it
   changes, or in a dimension whose gate it misses; a prerequisite inherits the
   urgency (and the priority) of what depends on it;
2. an action never comes before what it depends on;
3. then the roadmap phase (earlier first), then priority (impact weighted by how much
   the practice separates the benchmark cohorts).

**Timing.** An action goes in its own roadmap phase or, if later, the phase of the
latest action it depends on (an answer's next step starts in the first phase). It
starts at that phase's first month (at once, if it unblocks the next level), or when
the last action it depends on ends if that is later, and lasts the model's typical duration (by effort
when the model gives none). Months count from the assessment date; the quarter is the
calendar quarter of the start.

**Quadrant.** High impact = unblocks the next level, or priority at or above the
plan's median; low effort = S or M. Quick wins (high, low), major projects (high, high), fill-ins (low, low), and
deprioritise (low, high).
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .model import DEFAULT_MONTHS, Level, MaturityModel
from .scoring import FractionScorer, Scorecard

__all__ = ["Requirement", "LevelPath", "level_path", "next_level", "action_plan", "roadmap", "PLAN_COLUMNS"]


@dataclass(frozen=True, kw_only=True)
class Requirement:
    """One condition of a level: the overall score (``dimension`` None) or a gate."""

    dimension: str | None
    now: float
    needed: float
    #: Score after the path's changes.
    after: float

    @property
    def met_now(self) -> bool:
        return self.now >= self.needed


@dataclass(frozen=True, kw_only=True)
class LevelPath:
    """What it takes to hold ``target``: its requirements and the question changes.

    ``changes`` (one row per question, in the order chosen) has ``dimension``,
    ``fraction_now`` (NaN when unknown), ``overall_gain`` and ``dimension_gain``
    (points on the model's scale) and ``actions`` (the plan's action ids on it).
    """

    target: Level
    current: Level
    requirements: tuple[Requirement, ...]
    changes: pd.DataFrame
    reachable: bool
    overall_after: float

    @property
    def already_there(self) -> bool:
        return self.current.id == self.target.id or all(r.met_now for r in self.requirements)


def next_level(model: MaturityModel, card: Scorecard) -> Level | None:
    """The level above the client's (None at the top)."""
    ids = [lv.id for lv in model.levels]
    index = ids.index(card.level.id)
    return model.levels[index + 1] if index + 1 < len(ids) else None


class _Scorer(FractionScorer):
    """The scorecard's arithmetic on arrays (:class:`csmaturity.scoring.FractionScorer`),
    to try many changes of one client's fractions quickly."""

    def __init__(self, model: MaturityModel, card: Scorecard):
        super().__init__(model)
        self.ids = card.questions.index.tolist()
        self.fraction = card.questions["fraction"].to_numpy(dtype=float)  # NaN = excluded

    def scores(self, fraction: np.ndarray) -> tuple[np.ndarray, float]:  # type: ignore[override]
        dim_scores, overall = super().scores(fraction)
        return dim_scores, float(overall)


def level_path(model: MaturityModel, card: Scorecard, target: Level | None = None,
               actions: pd.DataFrame | None = None) -> LevelPath | None:
    """The path to ``target`` (default: the next level); None when the client is at the
    top level and no target is given. ``actions`` (the plan, or the recommendations
    table) names the actions on each changed question."""
    target = target or next_level(model, card)
    if target is None:
        return None
    scorer = _Scorer(model, card)
    fraction = scorer.fraction.copy()
    gates = dict(target.gates)

    def shortfalls(dim_scores: np.ndarray, overall: float) -> tuple[list[str], bool]:
        short_gates = [d for d, need in gates.items() if not dim_scores[scorer.dims.index(d)] >= need]
        return short_gates, overall < target.min

    dim_now, overall_now = scorer.scores(fraction)
    chosen: list[dict] = []
    candidates = {i for i in range(len(fraction)) if scorer.weight[i] > 0 and not fraction[i] >= 1.0}
    dim_scores, overall = dim_now, overall_now
    while True:
        short_gates, short_overall = shortfalls(dim_scores, overall)
        if not (short_gates or short_overall) or not candidates:
            break
        # the gate furthest from its threshold first; then the overall score
        focus = (max(short_gates, key=lambda d: gates[d] - np.nan_to_num(dim_scores[scorer.dims.index(d)],
                                                                          nan=scorer.scale.min))
                 if short_gates else None)
        best, best_gain, best_state = None, -1.0, None
        for i in sorted(candidates):
            if focus is not None and scorer.dims[scorer.dim_of[i]] != focus:
                continue
            trial = fraction.copy()
            trial[i] = 1.0
            d_scores, o = scorer.scores(trial)
            gain = (np.nan_to_num(d_scores[scorer.dims.index(focus)], nan=scorer.scale.min)
                    - np.nan_to_num(dim_scores[scorer.dims.index(focus)], nan=scorer.scale.min)) \
                if focus is not None else o - overall
            if gain > best_gain + 1e-12:
                best, best_gain, best_state = i, gain, (trial, d_scores, o)
        if best is None or best_state is None:
            break  # the gate's dimension has nothing left to raise
        d = scorer.dim_of[best]
        chosen.append({
            "question_id": scorer.ids[best],
            "dimension": scorer.dims[d],
            "fraction_now": scorer.fraction[best],
            "overall_gain": best_state[2] - overall,
            "dimension_gain": float(np.nan_to_num(best_state[1][d], nan=0.0)
                                    - np.nan_to_num(dim_scores[d], nan=scorer.scale.min)),
        })
        candidates.discard(best)
        fraction, dim_scores, overall = best_state
    short_gates, short_overall = shortfalls(dim_scores, overall)
    requirements = [Requirement(dimension=None, now=overall_now, needed=target.min, after=overall)]
    requirements += [Requirement(dimension=d, now=float(dim_now[scorer.dims.index(d)]), needed=need,
                                 after=float(dim_scores[scorer.dims.index(d)])) for d, need in gates.items()]
    changes = pd.DataFrame(chosen, columns=["question_id", "dimension", "fraction_now", "overall_gain",
                                            "dimension_gain"]).set_index("question_id")
    changes["actions"] = [_actions_on(actions, qid) for qid in changes.index]
    return LevelPath(target=target, current=card.level, requirements=tuple(requirements), changes=changes,
                     reachable=not (short_gates or short_overall), overall_after=overall)


def _actions_on(actions: pd.DataFrame | None, question_id: str) -> list[str]:
    if actions is None or actions.empty:
        return []
    return [rid for rid, by in actions["triggered_by"].items() if question_id in by]


#: The columns of :func:`action_plan`, in order (the plan's export follows them).
PLAN_COLUMNS = ["rank", "recommendation", "source", "title", "action", "owner", "effort", "months", "start_month",
                "due_month", "start", "due", "quarter", "phase", "phase_name", "after", "moved_by_dependency",
                "unblocks", "priority", "impact", "quadrant", "kpi", "triggered_by"]


def action_plan(model: MaturityModel, card: Scorecard, recs: pd.DataFrame, assessed: dt.date,
                path: LevelPath | None, lang: str) -> pd.DataFrame:
    """Every applicable action in the one order every output shows (see the module
    docstring), indexed by ``rank`` from 1, with owner, timing and quadrant."""
    if recs.empty:
        return pd.DataFrame(columns=PLAN_COLUMNS).set_index("rank")
    applicable = set(recs.index)
    deps = {r: [d for d in recs.at[r, "depends_on"] if d in applicable] for r in recs.index}
    needed: set[str] = set()
    if path is not None and not path.already_there:
        short = {r.dimension for r in path.requirements if r.dimension is not None and not r.met_now}
        needed = set(path.changes.index) | set(card.questions.index[card.questions["dimension"].isin(short)])
    unblocks = {r: bool(needed & set(recs.at[r, "triggered_by"])) for r in recs.index}
    # a prerequisite is as urgent as the most urgent action that needs it
    urgent = dict(unblocks)
    priority = recs["priority"].astype(float).to_dict()
    changed = True
    while changed:
        changed = False
        for r, ds in deps.items():
            for d in ds:
                if urgent[r] and not urgent[d]:
                    urgent[d] = changed = True
                if priority[r] > priority[d]:
                    priority[d] = priority[r]
                    changed = True
    own_phase = {r: model.phase_index(recs.at[r, "phase"]) for r in recs.index}
    phase_of = dict(own_phase)  # moved to the latest phase of what it depends on
    waiting = {r: len(ds) for r, ds in deps.items()}
    dependants: dict[str, list[str]] = {r: [] for r in recs.index}
    for r, ds in deps.items():
        for d in ds:
            dependants[d].append(r)
    order_in_recs = {r: k for k, r in enumerate(recs.index)}

    def key(r: str) -> tuple:
        return (not urgent[r], phase_of[r], -priority[r], order_in_recs[r])

    ready = [(key(r), r) for r in recs.index if waiting[r] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, r = heapq.heappop(ready)
        order.append(r)
        for nxt in dependants[r]:
            phase_of[nxt] = max(phase_of[nxt], phase_of[r])
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, (key(nxt), nxt))

    recs_by_id = {r.id: r for r in model.recommendations}
    roles = {role.id: role.name.get(lang) for role in model.roles}
    due: dict[str, int] = {}
    rows = []
    high = float(np.median(recs["priority"])) if len(recs) else 0.0
    for rank, r in enumerate(order, start=1):
        row = recs.loc[r]
        rec = recs_by_id.get(r)
        phase = model.phases[phase_of[r]] if model.phases else None
        months = rec.months if rec is not None else DEFAULT_MONTHS[row["effort"]]
        # what unblocks the next level starts now, not when its phase would begin
        earliest = (phase.start_month or 0) if phase is not None and not urgent[r] else 0
        start = max([earliest] + [due[d] for d in deps[r]])
        due[r] = start + months
        low_effort = row["effort"] in ("S", "M")
        high_impact = unblocks[r] or (row["priority"] >= high and row["priority"] > 0)
        rows.append({
            "rank": rank, "recommendation": r, "source": row["source"], "title": row["title"],
            "action": row["action"], "owner": roles.get(rec.owner) if rec is not None and rec.owner else None,
            "effort": row["effort"], "months": months, "start_month": start, "due_month": due[r],
            "start": _add_months(assessed, start), "due": _add_months(assessed, due[r]),
            "quarter": _quarter(_add_months(assessed, start)),
            "phase": phase.id if phase else None, "phase_name": phase.name.get(lang) if phase else None,
            "after": deps[r], "moved_by_dependency": phase_of[r] > own_phase[r], "unblocks": unblocks[r],
            "priority": float(row["priority"]),
            "impact": float(row["impact"]),
            "quadrant": ("quick_win" if low_effort else "major_project") if high_impact
            else ("fill_in" if low_effort else "deprioritise"),
            "kpi": rec.kpi.get(lang) if rec is not None and rec.kpi is not None else None,
            "triggered_by": list(row["triggered_by"]),
        })
    return pd.DataFrame(rows, columns=PLAN_COLUMNS).set_index("rank")


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"



def roadmap(plan: pd.DataFrame, model: MaturityModel, lang: str) -> pd.DataFrame:
    """The plan as the roadmap's table (same order): step, phase with its name and
    horizon, the months of the step, title, what it waits for, whether a dependency
    moved it to a later phase, priority."""
    horizons = {p.id: p.horizon.get(lang) if p.horizon else None for p in model.phases}
    road = plan.reset_index().rename(columns={"rank": "step", "due_month": "end_month"})
    road["horizon"] = road["phase"].map(horizons)
    return road[["step", "recommendation", "phase", "phase_name", "horizon", "start_month", "end_month", "title",
                 "after", "moved_by_dependency", "priority"]].set_index("step")
