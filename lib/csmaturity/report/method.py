"""The method appendix: how this model scores, written from the rules it sets.

Every sentence is chosen by what the model actually says -- its scoring rules
(``dont_know``, ``empty_dimension``, ``option_points``, the coverage threshold), its
question types, score scale, number of dimensions, gates, benchmarks and their
contrast, trigger kinds, answer next steps and phases -- and filled from ``method.``
of the text store (:mod:`csmaturity.i18n`), so that no sentence describes a rule the
model does not use.
"""

from __future__ import annotations

from ..i18n import text
from ..model import MaturityModel
from .formatting import fmt_bound

__all__ = ["method_paragraphs", "or_list"]


def or_list(items: list[str], lang: str) -> str:
    """Alternatives as a list in ``lang`` (``A, B or C`` in English; ``common.or`` of the store)."""
    if len(items) <= 1:
        return "".join(items)
    return text("common.list.separator", lang).join(items[:-1]) + text("common.or", lang) + items[-1]


def method_paragraphs(model: MaturityModel, lang: str) -> list[str]:
    """The paragraphs describing how ``model`` turns answers into scores, levels,
    comparisons and actions, in ``lang``."""
    def t(key: str, **values: object) -> str:
        return text(f"method.{key}", lang, **values)

    def paragraph(sentences: list[str]) -> str:
        return text("common.sentence_separator", lang).join(s for s in sentences if s)

    scale, rules = model.score_scale, model.scoring
    answers = [
        t("fraction_lowest" if rules.option_points == "lowest" else "fraction"),
        t("multi") if any(q.is_multi for q in model.questions) else "",
        t("scale") if any(q.scale is not None for q in model.questions) else "",
        t(f"dont_know_{rules.dont_know}"),
    ]
    # A dimension can only be empty when open answers are left out of it.
    empty = t(f"empty_{rules.empty_dimension}", min=fmt_bound(scale.min)) if rules.dont_know == "exclude" else ""
    scores = [
        t("dimension", min=fmt_bound(scale.min), max=fmt_bound(scale.max),
          n=sum(d.weight > 0 for d in model.dimensions)),
        empty,
        t("level"),
        t("gates") if any(lv.gates for lv in model.levels) else "",
        t("provisional", threshold=f"{rules.provisional_below_coverage:.0%}")
        if rules.provisional_below_coverage > 0 else "",
    ]
    out = [paragraph(answers), paragraph(scores)]
    if model.benchmarks:
        contrasted = next((b for b in model.benchmarks if b.contrast is not None), None)
        comparison = [t("benchmark")]
        if contrasted is not None and contrasted.contrast is not None:
            leading, lagging = (contrasted.cohort(c) for c in contrasted.contrast)
            prior = "prior_sizes" if leading.n and lagging.n else "prior_even"
            comparison.append(t("similarity", leading=leading.name.get(lang), lagging=lagging.name.get(lang),
                                prior=t(prior)))
        out.append(paragraph(comparison))
    kinds = [kind for kind in ("below", "lacks", "chosen")
             if any(getattr(tr, kind) for r in model.recommendations for tr in r.triggers)]
    has_next_steps = any(o.next_step is not None or any(f.next_step is not None for f in o.by_segment)
                         for q in model.questions for o in q.options)
    actions = [
        t("applies", conditions=or_list([t(f"trigger.{k}") for k in kinds], lang)) if kinds else "",
        t("priority_separation" if any(b.contrast is not None for b in model.benchmarks) else "priority")
        if model.recommendations else "",
        t("next_steps") if has_next_steps else "",
        t("roadmap_phased" if model.phases else "roadmap"),
    ]
    out.append(paragraph(actions))
    return out
