"""The executive-summary verdict: a few sentences written from the results.

Each sentence is chosen by a rule on the results (level, gates that held the level
back, strongest and weakest dimensions, coverage, the practices done as most of the
leading cohort does, the plan's first step, metrics, change since the previous
assessment) and filled into a template from
``verdict.`` of the text store (:mod:`csmaturity.i18n`) in the report language. The
sentences are plain text; the HTML template escapes them like any other value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..i18n import join_list, text
from ..plotting.charts import benchmark_name
from .data_context import red_account_share, risk_spread
from .formatting import fmt_bound, fmt_percent, fmt_score, scale_words

if TYPE_CHECKING:
    import pandas as pd

    from .results import ReportResults

__all__ = ["verdict"]

#: Dimension scores this far apart (as a share of the scale) read as a spread, not even.
SPREAD = 0.1


def _pct(value: float) -> str:
    return f"{value:.0%}"


def verdict(results: ReportResults) -> list[str]:
    """The verdict sentences of a report, in its language."""
    a = results.assessment
    lang = a.lang
    card = a.scorecard
    model = a.model
    scale = model.score_scale
    dims = a.dimension_table()
    weighted = dims[(dims["weight"] > 0) & dims["score"].notna()].sort_values("score", kind="stable")
    name = a.answers.client.name

    def t(key: str, **values: object) -> str:
        return text(f"verdict.{key}", lang, **values)

    description = card.level.description
    out = [t("level", client=name, overall=fmt_score(card.overall, scale), scale=scale_words(scale, lang),
             level=card.level.name.get(lang))
           + (text("common.sentence_separator", lang) + description.get(lang) if description else "")]
    if card.held_back_by:
        gates = [t("gate", dimension=model.dimensions_by_id[g.dimension].name.get(lang),
                   score=fmt_score(g.score, scale), required=fmt_bound(g.required)) for g in card.held_back_by]
        out.append(t("held_back", score_level=card.score_level.name.get(lang), gates=join_list(gates, lang)))
    best = weighted.iloc[::-1].head(2)
    worst = weighted.head(2)
    if len(weighted) > 1 and weighted["score"].max() - weighted["score"].min() >= SPREAD * scale.span:
        def scored(rows: pd.DataFrame) -> str:
            return join_list([t("dimension", name=n, score=fmt_score(s, scale))
                              for n, s in zip(rows["name"], rows["score"], strict=True)], lang)

        out.append(t("spread", best=scored(best), worst=scored(worst)))
    elif len(weighted) > 1:
        out.append(t("even"))
    excluded = dims[(dims["weight"] > 0) & dims["score"].isna()]["name"].tolist()
    if excluded:
        out.append(t("excluded_one" if len(excluded) == 1 else "excluded",
                     dimensions=join_list([t("dimension_name", name=n) for n in excluded], lang)))
    n_open = len(card.dont_know) + len(card.unanswered)
    if card.provisional:
        out.append(t("provisional", coverage=_pct(card.coverage), n=n_open,
                     threshold=_pct(model.scoring.provisional_below_coverage)))
    elif n_open:
        excluded_rule = "_excluded" if model.scoring.dont_know == "exclude" else ""
        out.append(t(f"dont_know{excluded_rule}_one" if n_open == 1 else f"dont_know{excluded_rule}", n=n_open))
    sim = a.similarity
    if sim is None:
        pass
    elif sim.majority_items == 0:
        out.append(t("cohort_none"))
    else:
        # the count anyone can check; the tempered figure stays in the benchmark section
        bench = next(b for b in model.benchmarks if b.id == sim.benchmark)
        out.append(t("cohort", k=sim.majority_agreement, n=sim.majority_items, survey=benchmark_name(bench, lang),
                     leading=bench.cohort(sim.leading).name.get(lang)))
    if len(a.plan):
        # the plan's rank 1: the first action of the action plan, the roadmap, the
        # executive page and every export
        step = a.plan.iloc[0]
        # when and who, as the plan has it (an action that unblocks the next level starts
        # at once, whatever its phase's months)
        when = [w for w in (t("when_start", quarter=step["quarter"]), step["owner"]) if isinstance(w, str) and w]
        joint = text("common.list.separator", lang)
        # A title written as a sentence (an answer's next step) keeps no stop inside the quotes.
        title = str(step["title"]).rstrip(".。")
        out.append(t("first_step_one" if len(a.plan) == 1 else "first_step", title=title,
                     n=len(a.plan), when=t("when", when=joint.join(when)) if when else ""))
    out.extend(_metric_sentences(results, t))
    if results.change is not None:
        out.append(_change_sentence(results, t))
    return out


def _metric_sentences(results: ReportResults, t: Callable[..., str]) -> list[str]:
    m = results.metrics
    if m is None:
        return []
    lang = results.lang
    out = []
    if m.nps is not None:
        out.append(t("nps", nps=f"{m.nps.score:+.0f}", low=f"{m.nps.ci_low:+.0f}", high=f"{m.nps.ci_high:+.0f}",
                     n=f"{m.nps.n_valid:,}"))
    if m.retention is not None:
        out.append(t("retention", churn=f"{m.retention.churn_rate:.1%}", nrr=f"{m.retention.nrr:.0%}"))
    if m.health is not None and m.health.arr_at_risk > 0:
        out.append(t(f"at_risk_{risk_spread(m.health)}", share=_pct(m.health.share_arr_at_risk),
                     accounts=f"{m.health.accounts['red']:,}", accounts_share=fmt_percent(red_account_share(m.health))))
    items = m.priority_items("high_ltv") or m.priority_items("all")
    if items:
        labels = [text(f"survey.items.{i}", lang) for i in items]
        key = "drivers_high" if m.priority_items("high_ltv") else "drivers_all"
        out.append(t(key, items=join_list(labels, lang)))
    return out


def _change_sentence(results: ReportResults, t: Callable[..., str]) -> str:
    change = results.change
    assert change is not None
    model = results.assessment.model
    scale = model.score_scale
    levels = {lv.id: lv.name.get(results.lang) for lv in model.levels}
    return t(f"change_{change.level_direction}", date=change.previous_date,
             before=fmt_score(change.overall_previous, scale), after=fmt_score(change.overall_current, scale),
             delta=f"{change.overall_delta:+.{scale.decimals}f}",
             level_before=levels[change.level_previous], level=levels[change.level_current])
