"""The executive page, computed once: headline, findings, first actions, the box of
what the next level (and a target level) takes, and the level ladder.

Every format reads :func:`executive_summary` -- the HTML report, the workbook's
summary sheet and the slide and PDF formats -- so that they say the same thing in
the same order. Its texts are in the report language, its numbers raw (scores on
the model's scale, dates, fractions), so a format may lay them out as it likes.

* **Headline** -- one sentence: the level and overall score, and what the next level
  takes (its conditions not yet met), or that it is out of reach of the
  questionnaire, or that the client holds the top level.
* **Findings** -- the first :data:`FINDINGS` that apply, in this order: a provisional
  level, a gate holding the level back, the change since the previous assessment,
  the strongest and weakest dimensions, ARR at risk, revenue retention beside its
  reference range, NPS, the share of practices done as most of the leading cohort
  does, open answers.
* **Actions** -- the plan's first :data:`TOP_ACTIONS` (its rank order, the same as
  every other output) with owner, quarter, effort and KPI.
* **Next level / target** -- the unmet conditions with their current value, the
  plan's actions that unblock the level (in plan order), the score after the
  question changes of the path, and per dimension now / after / needed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..i18n import join_list, text
from .data_context import DataContext, data_context, red_account_share, risk_spread
from .formatting import fmt_bound, fmt_money, fmt_number, fmt_percent, fmt_score, fmt_signed, scale_words

if TYPE_CHECKING:
    from ..model import Level
    from ..plan import LevelPath
    from .results import ReportResults

__all__ = ["TOP_ACTIONS", "FINDINGS", "BODY_ACTIONS", "BOX_ACTIONS", "PlanAction", "Condition", "DimensionTarget",
           "LevelBox", "Rung", "Finding", "ExecutiveSummary", "executive_summary", "plan_actions", "ladder"]

#: Actions on the executive page.
TOP_ACTIONS = 3
#: Findings on the executive page.
FINDINGS = 3
#: Actions of the plan shown in the body of the report; the rest go to the appendix.
BODY_ACTIONS = 7
#: Unblocking actions named in a level box.
BOX_ACTIONS = 3


@dataclass(frozen=True, kw_only=True)
class PlanAction:
    """One row of the action plan, as every format shows it."""

    rank: int
    recommendation: str
    source: str
    title: str
    action: str
    owner: str | None
    owner_label: str
    quarter: str
    start: dt.date
    due: dt.date
    months: int
    effort: str | None
    effort_label: str
    kpi: str | None
    unblocks: bool
    quadrant: str
    quadrant_label: str
    phase_name: str | None
    #: Titles of the actions it builds on.
    after: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Condition:
    """One condition of a level: the overall score (``dimension`` None) or a gate."""

    dimension: str | None
    name: str
    now: float
    needed: float
    after: float
    met: bool
    #: In a sentence ("an overall score of 75 (now 63)"), and as a line of a list.
    text: str
    line: str


@dataclass(frozen=True, kw_only=True)
class DimensionTarget:
    """A dimension now, after the path's changes, and the minimum the level needs (None: no gate)."""

    dimension: str
    name: str
    now: float
    after: float
    needed: float | None

    @property
    def short(self) -> bool:
        return self.needed is not None and not self.now >= self.needed


@dataclass(frozen=True, kw_only=True)
class LevelBox:
    """What a level takes: ``kind`` ``next`` (the level above) or ``target`` (the client's aim)."""

    kind: str
    level: str
    level_name: str
    by: dt.date | None
    title: str
    reachable: bool
    already_there: bool
    conditions: list[Condition]
    #: The plan's actions that unblock the level, in plan order (at most :data:`BOX_ACTIONS`).
    actions: list[PlanAction]
    more_actions: int
    #: Questions the path raises to full marks: id, text, dimension name, overall points added.
    changes: list[dict[str, Any]]
    overall_after: float
    dimensions: list[DimensionTarget]
    #: The box in one line: "to reach X: conditions — do A, B".
    summary: str
    #: What the changes bring, or why the level is out of reach.
    outcome: str

    @property
    def missing(self) -> list[Condition]:
        return [c for c in self.conditions if not c.met]


@dataclass(frozen=True, kw_only=True)
class Rung:
    """A level of the ladder: what it means, its entry criteria, where the client is."""

    id: str
    name: str
    stage: str | None
    description: str
    min: float
    max: float
    entry: str
    gates: list[tuple[str, float]]
    current: bool
    reached: bool
    #: The level the overall score alone would give, when a gate holds the client lower.
    score_level: bool
    next: bool
    target: bool


@dataclass(frozen=True, kw_only=True)
class Finding:
    kind: str
    text: str


@dataclass(frozen=True, kw_only=True)
class ExecutiveSummary:
    """The executive page of one report (see the module docstring)."""

    lang: str
    client: str
    overall: float
    overall_text: str
    level: str
    level_name: str
    provisional: bool
    headline: str
    findings: list[Finding]
    actions: list[PlanAction]
    total_actions: int
    next_level: LevelBox | None
    target: LevelBox | None
    ladder: list[Rung]
    data: DataContext
    currency: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (dates as ISO strings)."""
        out = asdict(self)
        out["data"] = self.data.to_dict()
        return _plain(out)


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [_plain(v) for v in node]
    if isinstance(node, dt.date):
        return node.isoformat()
    if isinstance(node, float) and math.isnan(node):
        return None
    return node


def plan_actions(results: ReportResults, start: int = 0, stop: int | None = None) -> list[PlanAction]:
    """The plan's rows ``start:stop`` (in its order) as :class:`PlanAction`."""
    a = results.assessment
    lang = a.lang
    plan = a.plan
    titles = dict(zip(plan["recommendation"], plan["title"], strict=True))
    out = []
    for rank, row in plan.iloc[start:stop].iterrows():
        # only the model's recommendations carry an effort estimate
        effort = row["effort"] if row["source"] == "model" and isinstance(row["effort"], str) else None
        out.append(PlanAction(
            rank=int(rank), recommendation=row["recommendation"], source=row["source"], title=str(row["title"]),
            action=str(row["action"] or ""), owner=row["owner"],
            owner_label=row["owner"] or text("executive.no_owner", lang), quarter=row["quarter"],
            start=row["start"], due=row["due"], months=int(row["months"]), effort=effort,
            effort_label=text(f"effort.{effort}", lang) if effort else "—", kpi=row["kpi"],
            unblocks=bool(row["unblocks"]), quadrant=row["quadrant"],
            quadrant_label=text(f"plan.quadrant.{row['quadrant']}", lang),
            phase_name=row["phase_name"], after=[titles[d] for d in row["after"] if d in titles]))
    return out


def _condition(results: ReportResults, dimension: str | None, now: float, needed: float, after: float) -> Condition:
    a = results.assessment
    lang = a.lang
    scale = a.model.score_scale
    name = (text("executive.overall", lang) if dimension is None
            else a.model.dimensions_by_id[dimension].name.get(lang))
    met = bool(now >= needed)
    key = "executive.condition." + ("overall" if dimension is None else "gate")
    values = {"dimension": name, "needed": fmt_bound(needed), "now": fmt_score(now, scale)}
    return Condition(dimension=dimension, name=name, now=now, needed=needed, after=after, met=met,
                     text=text(key, lang, **values), line=text(key + "_line", lang, **values))


def _dimension_targets(results: ReportResults, path: LevelPath) -> list[DimensionTarget]:
    a = results.assessment
    scale = a.model.score_scale
    dims = a.dimension_table()
    gains = path.changes.groupby("dimension")["dimension_gain"].sum() if len(path.changes) else pd.Series(dtype=float)
    out = []
    for dim_id, row in dims[dims["weight"] > 0].iterrows():
        now = float(row["score"])
        gain = float(gains.get(dim_id, 0.0))
        after = (scale.min if math.isnan(now) else now) + gain if gain else now
        out.append(DimensionTarget(dimension=dim_id, name=row["name"], now=now, after=min(after, scale.max),
                                   needed=path.target.gates.get(dim_id)))
    return out


def _level_box(results: ReportResults, path: LevelPath, kind: str, by: dt.date | None,
               actions: list[PlanAction]) -> LevelBox:
    a = results.assessment
    lang = a.lang
    scale = a.model.score_scale
    name = path.target.name.get(lang)
    conditions = [_condition(results, r.dimension, r.now, r.needed, r.after) for r in path.requirements]
    # the actions that unblock the next level serve a target above it too
    unblocking = [act for act in actions if act.unblocks]
    shown = unblocking[:BOX_ACTIONS]
    missing = [c for c in conditions if not c.met]
    if kind == "target":
        title = (text("executive.box.title_target", lang, level=name, by=by.isoformat()) if by
                 else text("executive.box.title_target_undated", lang, level=name))
    else:
        title = text("executive.box.title_next", lang, level=name)
    changes = [{"question_id": qid, "question": a.model.question(qid).text.get(lang),
                "dimension": a.model.dimensions_by_id[row["dimension"]].name.get(lang),
                "overall_gain": float(row["overall_gain"])} for qid, row in path.changes.iterrows()]
    if path.already_there:
        outcome = text("executive.box.none_needed", lang)
    elif path.reachable:
        outcome = text("executive.box.after_one" if len(changes) == 1 else "executive.box.after", lang, n=len(changes),
                       after=fmt_score(path.overall_after, scale))
    else:
        outcome = text("executive.box.unreachable", lang, after=fmt_score(path.overall_after, scale))
    conditions_text = join_list([c.text for c in missing], lang)
    if path.already_there:
        summary = text("executive.box.summary_met", lang, title=title)
    elif not path.reachable:
        summary = text("executive.box.summary_unreachable", lang, title=title, conditions=conditions_text)
    elif shown:
        summary = text("executive.box.summary", lang, title=title, conditions=conditions_text,
                       # a title written as a sentence (an answer's next step) keeps no stop inside the quotes
                       actions=join_list([text("executive.quoted", lang, title=act.title.rstrip(".。"))
                                          for act in shown], lang))
    else:
        summary = text("executive.box.summary_no_action", lang, title=title, conditions=conditions_text)
    return LevelBox(kind=kind, level=path.target.id, level_name=name, by=by, title=title, reachable=path.reachable,
                    already_there=path.already_there, conditions=conditions, actions=shown,
                    more_actions=len(unblocking) - len(shown), changes=changes, overall_after=path.overall_after,
                    dimensions=_dimension_targets(results, path), summary=summary, outcome=outcome)


def _entry(level: Level, first: bool, results: ReportResults) -> str:
    a = results.assessment
    lang = a.lang
    if first:
        return text("levels.entry_first", lang)
    parts = [text("levels.entry", lang, min=fmt_bound(level.min))]
    parts += [text("levels.gate", lang, dimension=a.model.dimensions_by_id[d].name.get(lang), min=fmt_bound(v))
              for d, v in level.gates.items()]
    return join_list(parts, lang)


def ladder(results: ReportResults) -> list[Rung]:
    """The model's levels, lowest first, with the client's place."""
    a = results.assessment
    lang = a.lang
    card = a.scorecard
    ids = [lv.id for lv in a.model.levels]
    current = ids.index(card.level.id)
    target = a.target_path.target.id if a.target_path is not None else (
        a.answers.target.level if a.answers.target is not None else None)
    return [Rung(id=lv.id, name=lv.name.get(lang), stage=lv.stage,
                 description=lv.description.get(lang) if lv.description else "", min=lv.min, max=lv.max,
                 entry=_entry(lv, k == 0, results),
                 gates=[(a.model.dimensions_by_id[d].name.get(lang), v) for d, v in lv.gates.items()],
                 current=k == current, reached=k < current,
                 score_level=bool(card.held_back_by) and lv.id == card.score_level.id, next=k == current + 1,
                 target=lv.id == target)
            for k, lv in enumerate(a.model.levels)]


def _headline(results: ReportResults, box: LevelBox | None) -> str:
    a = results.assessment
    lang = a.lang
    card = a.scorecard
    scale = a.model.score_scale
    values = {"client": a.answers.client.name, "level": card.level.name.get(lang),
              "overall": fmt_score(card.overall, scale), "scale": scale_words(scale, lang)}
    if box is None:
        return text("executive.headline.top", lang, **values)
    if not box.reachable:
        return text("executive.headline.unreachable", lang, next=box.level_name, **values)
    return text("executive.headline.next", lang, next=box.level_name,
                conditions=join_list([c.text for c in box.missing], lang), **values)


def _findings(results: ReportResults, context: DataContext) -> list[Finding]:
    """Every finding that applies, most important first."""
    a = results.assessment
    lang = a.lang
    card = a.scorecard
    model = a.model
    scale = model.score_scale

    def t(key: str, **values: object) -> str:
        return text(f"executive.finding.{key}", lang, **values)

    out: list[Finding] = []
    n_open = len(card.dont_know) + len(card.unanswered)
    if card.provisional:
        out.append(Finding(kind="provisional", text=t("provisional", coverage=fmt_percent(card.coverage),
                                                      threshold=fmt_percent(model.scoring.provisional_below_coverage))))
    if card.held_back_by:
        gates = join_list([text("verdict.gate", lang, dimension=model.dimensions_by_id[g.dimension].name.get(lang),
                                score=fmt_score(g.score, scale), required=fmt_bound(g.required))
                           for g in card.held_back_by], lang)
        out.append(Finding(kind="held_back", text=t("held_back", score_level=card.score_level.name.get(lang),
                                                    gates=gates)))
    change = results.change
    if change is not None:
        levels = {lv.id: lv.name.get(lang) for lv in model.levels}
        out.append(Finding(kind="change", text=t(
            f"change_{change.level_direction}", date=change.previous_date,
            before=fmt_score(change.overall_previous, scale), after=fmt_score(change.overall_current, scale),
            level_before=levels[change.level_previous], level=levels[change.level_current])))
    dims = a.dimension_table()
    scored = dims[(dims["weight"] > 0) & dims["score"].notna()].sort_values("score", kind="stable")
    if len(scored) > 1 and scored["score"].iloc[-1] > scored["score"].iloc[0]:
        best, worst = scored.iloc[-1], scored.iloc[0]
        out.append(Finding(kind="spread", text=t(
            "spread", best=best["name"], best_score=fmt_score(best["score"], scale), worst=worst["name"],
            worst_score=fmt_score(worst["score"], scale))))
    m = results.metrics
    if m is not None and m.health is not None and m.health.arr_at_risk > 0:
        h = m.health
        out.append(Finding(kind="at_risk", text=t(
            f"at_risk_{risk_spread(h)}", amount=fmt_money(h.arr_at_risk, a.currency, lang),
            share=fmt_percent(h.share_arr_at_risk), accounts=fmt_number(h.accounts["red"]),
            accounts_share=fmt_percent(red_account_share(h)))))
    if m is not None and m.retention is not None:
        r = m.retention
        side = "below" if r.nrr < 1.0 else "above"
        out.append(Finding(kind="retention", text=t(f"retention_{side}", churn=fmt_percent(r.churn_rate, 1),
                                                    nrr=fmt_percent(r.nrr, 1))))
    if m is not None and m.nps is not None:
        out.append(Finding(kind="nps", text=t("nps", nps=fmt_signed(m.nps.score), low=fmt_signed(m.nps.ci_low),
                                              high=fmt_signed(m.nps.ci_high), n=fmt_number(m.nps.n_valid))))
    sim = a.similarity
    if sim is not None and sim.majority_items:
        bench = next(b for b in model.benchmarks if b.id == sim.benchmark)
        out.append(Finding(kind="cohort", text=t("cohort", k=sim.majority_agreement, n=sim.majority_items,
                                                 leading=bench.cohort(sim.leading).name.get(lang))))
    if not context.provided:
        out.append(Finding(kind="no_data", text=t("no_data")))
    if n_open and not card.provisional:
        out.append(Finding(kind="open_answers", text=t("open_answers_one" if n_open == 1 else "open_answers",
                                                       n=n_open)))
    return out


def executive_summary(results: ReportResults) -> ExecutiveSummary:
    """The executive page of a report (see the module docstring)."""
    a = results.assessment
    lang = a.lang
    card = a.scorecard
    actions = plan_actions(results)
    target = a.answers.target
    next_box = None
    if a.next_path is not None:
        by = target.by if target is not None and target.level == a.next_path.target.id else None
        next_box = _level_box(results, a.next_path, "next", by, actions)
    target_box = None
    if a.target_path is not None:
        by = target.by if target is not None and target.level == a.target_path.target.id else None
        target_box = _level_box(results, a.target_path, "target", by, actions)
    context = data_context(results)
    return ExecutiveSummary(
        lang=lang, client=a.answers.client.name, overall=card.overall,
        overall_text=fmt_score(card.overall, a.model.score_scale), level=card.level.id,
        level_name=card.level.name.get(lang), provisional=card.provisional, headline=_headline(results, next_box),
        findings=_findings(results, context)[:FINDINGS], actions=actions[:TOP_ACTIONS], total_actions=len(actions),
        next_level=next_box, target=target_box, ladder=ladder(results), data=context, currency=a.currency)
