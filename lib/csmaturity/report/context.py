"""From computed results to what the templates need: labels, verdict, tables, charts."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..i18n import join_list, labels, text
from ..plotting import charts
from ..plotting.export import figure_svg
from . import tables
from .branding import DEFAULT_BRANDING, Branding
from .data_context import red_account_share, reference_text, revenue_concentrated
from .executive import BODY_ACTIONS
from .formatting import fmt_bound, fmt_indicative, fmt_money, fmt_number, fmt_ratio, fmt_score, scale_words
from .method import method_paragraphs
from .respondents import respondent_figures, respondents_context
from .verdict import verdict

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..model import Benchmark, MaturityModel, ProfileField
    from .data_context import DataContext
    from .results import ReportResults

__all__ = ["report_context", "report_figures", "render_charts", "svg_data_uri", "benchmark_chart_name",
           "chart_titles", "brand_context"]


def benchmark_chart_name(model: MaturityModel, bench: Benchmark) -> str:
    """The name of a benchmark's chart: ``benchmark`` for the model's first,
    ``benchmark.<id>`` for any other."""
    return "benchmark" if bench.id == model.benchmarks[0].id else f"benchmark.{bench.id}"


def report_figures(results: ReportResults) -> dict[str, Figure]:
    """Every chart of the report, by name, in the report language (matplotlib Figures):
    one benchmark chart per benchmark of the model (none without), and the roadmap
    timeline only when the model's phases have months."""
    a = results.assessment
    lang = a.lang
    figs: dict[str, Figure] = {
        "radar": charts.radar_chart(a, previous=results.previous, portfolio=results.portfolio_median(),
                                    portfolio_label=tables.portfolio_median_label(results)),
    }
    for bench in a.model.benchmarks:
        figs[benchmark_chart_name(a.model, bench)] = charts.benchmark_chart(a, benchmark=bench.id)
    figs.update(respondent_figures(results))
    if len(a.plan):
        figs["quadrant"] = charts.quadrant_chart(a)
    if charts.has_timeline(a):
        figs["roadmap"] = charts.roadmap_chart(a)
    if results.change is not None:
        figs["change"] = charts.change_chart(tables.change_rows(results), lang=lang, scale=a.model.score_scale)
    if results.history is not None:
        names = {d: name for d, name in a.dimension_table()["name"].items()
                 if a.model.dimensions_by_id[d].weight > 0}
        figs["trend"] = charts.trend_chart(results.history.trend, names, lang=lang, scale=a.model.score_scale)
    m = results.metrics
    if m is not None:
        if m.nps is not None:
            figs["loyalty"] = charts.loyalty_chart(m.nps, m.nrs, lang=lang)
        if m.survival is not None:
            figs["survival"] = charts.survival_chart(m.survival, lang=lang)
        if m.health is not None:
            figs["health"] = charts.health_chart(m.health, lang=lang)
        if m.lorenz is not None and m.concentration is not None:
            figs["concentration"] = charts.concentration_chart(m.lorenz, m.concentration, lang=lang)
        if m.drivers is not None:
            item_labels = {item: text(f"survey.items.{item}", lang) for item in m.drivers["item"].unique()}
            figs["drivers"] = charts.driver_quadrants(m.drivers, item_labels=item_labels, lang=lang)
        if m.matrix is not None:
            figs["nps_nrs"] = charts.nps_nrs_chart(m.matrix, lang=lang)
    return figs


def render_charts(results: ReportResults, *, figures: Mapping[str, Figure] | None = None) -> dict[str, bytes]:
    """Every chart of the report as SVG bytes, by name (what the notebook displays);
    ``figures`` reuses figures already drawn by :func:`report_figures`."""
    if figures is None:
        figures = report_figures(results)
    return {name: figure_svg(fig) for name, fig in figures.items()}


def chart_titles(results: ReportResults) -> dict[str, str]:
    """The heading of each chart :func:`report_figures` may draw, by name, in the report
    language (the section or subsection it illustrates)."""
    a = results.assessment
    L = labels(a.lang)
    titles = {"radar": L["sections"]["dimensions"], "change": L["sections"]["change"],
              "quadrant": L["recommendations"]["quadrant_title"], "trend": L["sections"]["history"],
              "roadmap": L["sections"]["roadmap" if a.model.phases else "roadmap_unphased"],
              "loyalty": L["metrics"]["loyalty"]["title"], "health": L["metrics"]["health"]["title"],
              "concentration": L["metrics"]["ltv"]["title"], "drivers": L["metrics"]["drivers"]["title"],
              "nps_nrs": L["metrics"]["matrix"]["title"], "survival": L["metrics"]["survival"]["title"]}
    titles["respondents"] = L["respondents"]["heatmap_title"]
    for bench in a.model.benchmarks:
        titles[benchmark_chart_name(a.model, bench)] = text("sections.benchmark", a.lang,
                                                            survey=charts.benchmark_name(bench, a.lang))
    return titles


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dict(orient="records")


def svg_data_uri(svg: bytes) -> str:
    """A chart's SVG as the ``src`` of an ``<img>`` (an image of its own keeps each
    chart's ids apart from the page's and the other charts')."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def brand_context(branding: Branding, lang: str, client: str) -> dict[str, Any]:
    """What a page shows of the firm's branding: colours, the logo as a data URI,
    the byline, the footer and confidentiality line (with the client's name filled)."""
    logo = branding.logo_bytes
    confidentiality = branding.wording("confidentiality", lang, client)
    footer = branding.wording("footer", lang, client)
    return {
        "primary": branding.colors.primary, "accent": branding.colors.accent,
        "firm": branding.firm, "consultant": branding.consultant, "byline": branding.byline(),
        "author": branding.byline(),
        "logo": None if logo is None else f"data:{branding.logo_mime};base64,{base64.b64encode(logo).decode('ascii')}",
        "confidentiality": confidentiality, "footer": footer,
        # One line at the foot of every printed page.
        "page_footer": text("deliver.footer_separator", lang).join(filter(None, (confidentiality, footer))),
    }


def report_context(results: ReportResults, charts: dict[str, bytes] | None = None, *,
                   branding: Branding = DEFAULT_BRANDING) -> dict[str, Any]:
    """The template context of a report. ``charts`` reuses charts already rendered
    with :func:`render_charts` (the notebook shows them first); ``branding`` is the
    firm's look (colours, logo, byline, footer).

    Everything the model decides is in it: scores are on the model's scale (``score``
    formats one, ``at`` places one along the scale in percent), the client header
    lists the model's profile fields, there is one benchmark section per benchmark and
    none without, and the method is written from the model's rules.
    """
    a = results.assessment
    lang = a.lang
    card = a.scorecard
    client = a.answers.client
    model = a.model
    scale = model.score_scale
    svgs = charts if charts is not None else render_charts(results)
    page = results.executive
    m = results.metrics
    metrics = _metrics_context(results, page.data)
    actions = _records(tables.recommendation_rows(results))
    dims = tables.dimension_rows(results)
    counted = dims[dims["weight"] > 0]
    left_out = int(counted["score"].isna().sum())
    overall_note = (text("summary.overall_note_excluded", lang, n=len(counted) - left_out, left_out=left_out)
                    if left_out else text("summary.overall_note", lang, n=len(counted)))
    level_description = card.level.description
    uris = {name: svg_data_uri(svg) for name, svg in svgs.items()}
    return {
        "lang": lang,
        "L": labels(lang),
        "brand": brand_context(branding, lang, client.name),
        "score": lambda value: fmt_score(value, scale),
        "money": lambda value: fmt_money(value, a.currency, lang),
        "currency": a.currency,
        "executive": page,
        "levels_intro": text("levels.intro" if any(lv.gates for lv in model.levels) else "levels.intro_no_gates",
                             lang),
        "at": lambda value: 100 * min(max(scale.to_fraction(value), 0.0), 1.0),
        "scale": {"min": fmt_bound(scale.min), "max": fmt_bound(scale.max), "decimals": scale.decimals,
                  "suffix": scale_words(scale, lang, short=True)},
        "client": {
            "id": client.id,
            "name": client.name,
            "industry": client.industry,
            "assessment_date": client.assessment_date.isoformat(),
            "profile": _profile(model.profile, client.profile, lang),
        },
        "model": {"title": model.title.get(lang), "id": model.id, "version": model.version,
                  "has_phases": bool(model.phases), "has_gates": any(lv.gates for lv in model.levels),
                  "has_contrast": tables.has_contrast(results)},
        "summary": {
            "overall": card.overall,
            "overall_note": overall_note,
            "level": card.level,
            "level_name": card.level.name.get(lang),
            "level_description": level_description.get(lang) if level_description else "",
            "score_level_name": card.score_level.name.get(lang),
            "held_back": bool(card.held_back_by),
            "coverage": card.coverage,
            "provisional": card.provisional,
            "open_answers": len(card.dont_know) + len(card.unanswered),
            "levels": [{"name": lv.name.get(lang), "stage": lv.stage, "min": lv.min, "max": lv.max,
                        "width": 100 * (lv.max - lv.min) / scale.span, "current": lv.id == card.level.id}
                       for lv in model.levels],
            "steps": len(a.roadmap),
            "portfolio": results.portfolio_position(),
            "portfolio_median_label": tables.portfolio_median_label(results),
            "portfolio_segment": tables.portfolio_segment(results),
        },
        "verdict": verdict(results),
        "charts": uris,
        "dimensions": _records(dims),
        "dimensions_intro": text("dimensions.intro", lang, n=len(counted), min=fmt_bound(scale.min),
                                 max=fmt_bound(scale.max)),
        "dimensions_left_out": left_out,
        "respondents": respondents_context(results, uris),
        "benchmarks": [_benchmark(results, bench, uris) for bench in model.benchmarks],
        "gaps": _records(tables.gap_rows(results)),
        "gaps_intro": _gaps_intro(results),
        "recommendations": actions[:BODY_ACTIONS],
        "more_actions": actions[BODY_ACTIONS:],
        "recommendations_top": (text("recommendations.top", lang, n=BODY_ACTIONS, rest=len(actions) - BODY_ACTIONS)
                                if len(actions) > BODY_ACTIONS else ""),
        "recommendations_note": _recommendations_note(results),
        "quadrant_note": text("recommendations.quadrant_note", lang, S=text("effort.S", lang),
                              M=text("effort.M", lang)),
        # Only the model's recommendations carry an effort estimate.
        "show_effort": bool((a.recommendations["source"] == "model").any()),
        "roadmap": _records(tables.roadmap_rows(results)),
        "roadmap_intro": (text("roadmap.intro", lang, phases=text("roadmap.arrow", lang).join(
            p.name.get(lang) for p in model.phases)) if model.phases else text("roadmap.intro_unphased", lang)),
        "phases": [{"name": p.name.get(lang), "horizon": p.horizon.get(lang) if p.horizon else None}
                   for p in model.phases],
        "metrics": metrics,
        "change": _change_context(results),
        "history": _history_context(results),
        "answers": _records(tables.answer_rows(results)),
        "method": method_paragraphs(model, lang),
        "provenance": {
            "kit_version": a.kit_version,
            "model": f"{model.id} {model.version}",
            "input_hash": a.input_hash,
            "files": [f for f in ((m.accounts_file, m.survey_file) if m else ()) if f],
            "sources": _sources(results),
        },
    }


def _profile(fields: list[ProfileField], profile: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """The client's profile as the model defines it: each field given, labelled, its
    value as shown (a choice by its label, a number with separators)."""
    out = []
    for field in fields:
        value = profile.get(field.id)
        if value is None or value == "":
            continue
        if field.is_segment:  # a choice (by its label) or a text
            shown = field.value_label(value, lang)
        else:  # a number, with separators and no trailing zeros
            shown = fmt_number(value, 0 if float(value).is_integer() else 2)
            shown = shown.rstrip("0").rstrip(".") if "." in shown else shown
        out.append({"id": field.id, "label": field.label.get(lang), "value": shown})
    return out


def _cohort_words(bench: Benchmark, lang: str) -> str:
    return join_list([text("benchmark.cohort_n", lang, name=c.name.get(lang), n=f"{c.n:,}") if c.n
                      else text("benchmark.cohort", lang, name=c.name.get(lang)) for c in bench.cohorts], lang)


def _similarity(results: ReportResults) -> dict[str, Any] | None:
    """The cohort similarity with its benchmark's cohort names; None without a contrast."""
    sim = results.assessment.similarity
    if sim is None:
        return None
    model = results.assessment.model
    lang = results.lang
    bench = next(b for b in model.benchmarks if b.id == sim.benchmark)
    leading, lagging = bench.cohort(sim.leading).name.get(lang), bench.cohort(sim.lagging).name.get(lang)
    return {"benchmark": sim.benchmark, "items_used": sim.items_used, "posterior_leading": sim.posterior_leading,
            "likelihood_ratio": sim.likelihood_ratio, "tempering": sim.tempering, "leading": leading,
            "lagging": lagging, "majority_agreement": sim.majority_agreement, "majority_items": sim.majority_items,
            # the count first (anyone can check it), then the tempered figure with its method in one sentence
            "majority_text": text("benchmark.majority", lang, k=sim.majority_agreement, n=sim.majority_items,
                                  leading=leading) if sim.majority_items else "",
            "tempered_text": text("benchmark.similarity_text", lang, k=sim.items_used,
                                  p=fmt_indicative(sim.posterior_leading), lr=fmt_ratio(sim.likelihood_ratio),
                                  tempering=f"{sim.tempering:.2f}", leading=leading, lagging=lagging)
            if sim.items_used else ""}


def _benchmark(results: ReportResults, bench: Benchmark, uris: dict[str, str]) -> dict[str, Any]:
    """One benchmark section: its title, source, cohorts, chart, rows and (for the
    benchmark the similarity is computed on) the similarity."""
    lang = results.lang
    model = results.assessment.model
    sim = _similarity(results)
    rows = _records(tables.benchmark_rows(results, bench))
    intro = [text("benchmark.intro", lang, source=bench.source.get(lang), cohorts=_cohort_words(bench, lang))]
    if bench.contrast is not None:
        leading, lagging = (bench.cohort(c).name.get(lang) for c in bench.contrast)
        intro.append(text("benchmark.contrast", lang, leading=leading, lagging=lagging))
    return {
        "id": bench.id,
        "title": text("sections.benchmark", lang, survey=charts.benchmark_name(bench, lang)),
        "intro": text("common.sentence_separator", lang).join(intro),
        "source": bench.source.get(lang),
        "chart": uris.get(benchmark_chart_name(model, bench)),
        "cohorts": [{"column": tables.share_column(c.id), "name": c.name.get(lang), "n": c.n} for c in bench.cohorts],
        "rows": rows,
        "has_notes": any(item.note for item in bench.items),
        "has_adverse": any(row["adverse"] for row in rows),
        "similarity": sim if sim is not None and sim["benchmark"] == bench.id else None,
    }


def _contrast_names(results: ReportResults) -> tuple[str, str] | None:
    bench = next((b for b in results.assessment.model.benchmarks if b.contrast is not None), None)
    if bench is None or bench.contrast is None:
        return None
    leading, lagging = (bench.cohort(c).name.get(results.lang) for c in bench.contrast)
    return leading, lagging


def _gaps_intro(results: ReportResults) -> str:
    lang = results.lang
    contrast = _contrast_names(results)
    order = (text("gaps.intro_separation", lang, leading=contrast[0], lagging=contrast[1]) if contrast
             else text("gaps.order", lang))
    return text("common.sentence_separator", lang).join([text("gaps.intro", lang), order])


def _recommendations_note(results: ReportResults) -> str:
    """The note under the action list: how priority is set (with the cohort gap only
    when a benchmark contrasts cohorts), the effort scale when a step has an effort,
    and what a step from an answer is."""
    lang = results.lang
    recs = results.assessment.recommendations
    parts = [text("recommendations.order", lang),
             text("recommendations.note_separation" if tables.has_contrast(results) else "recommendations.note", lang)]
    if (recs["source"] == "model").any():
        # the effort words of the column itself
        parts.append(text("recommendations.note_effort", lang, **{k: text(f"effort.{k}", lang) for k in "SML"}))
    if (recs["source"] == "answer").any():
        parts.append(text("recommendations.note_answers", lang))
    return text("common.sentence_separator", lang).join(parts)


def _driver_records(results: ReportResults) -> list[dict[str, Any]]:
    """Items to improve first, per segment, with their display names."""
    m = results.metrics
    if m is None or m.drivers is None:
        return []
    priority = m.drivers[m.drivers["quadrant"] == "priority to improve"]
    rows = priority.sort_values(["segment", "importance"], ascending=[True, False])
    return [
        {**row, "label": text(f"survey.items.{row['item']}", results.lang)}
        for row in _records(rows)
    ]


def _survey_source(kind: str | None, wave: int | None, lang: str) -> str:
    """Which survey a change was tested against, in words (never a file name)."""
    if kind == "wave":
        return text("change.source_wave", lang, wave=wave)
    if kind == "previous":
        return text("change.source_previous_wave", lang, wave=wave) if wave else text("change.source_previous", lang)
    return "—"


def _change_context(results: ReportResults) -> dict[str, Any] | None:
    change = results.change
    if change is None:
        return None
    lang = results.lang
    levels = {lv.id: lv.name.get(lang) for lv in results.assessment.model.levels}
    return {
        "change": change,
        "level_previous": levels[change.level_previous],
        "level_current": levels[change.level_current],
        "dimensions": _records(tables.change_rows(results)),
        "survey": _records(tables.survey_change_rows(results)),
        "survey_source": _survey_source(change.survey_kind, change.survey_wave, lang),
        "other_client": text("change.other_client", lang, previous_id=change.previous_client[0],
                             previous_name=change.previous_client[1]) if change.other_client else "",
    }


def _history_context(results: ReportResults) -> dict[str, Any] | None:
    """The trend over earlier assessments: one row per assessment (date, overall,
    level, each dimension), the level changes and the survey metrics between waves."""
    history = results.history
    if history is None:
        return None
    a = results.assessment
    lang = a.lang
    levels = {lv.id: lv.name.get(lang) for lv in a.model.levels}
    trend = history.trend
    columns = [("overall", text("chart.trend.overall", lang))]
    columns += [(d.id, d.name.get(lang)) for d in a.model.dimensions if d.weight > 0]
    # one row per score (overall first), one column per assessment, and the change over them
    rows = [{"name": name, "scores": trend[key].tolist(), "delta": trend[key].iloc[-1] - trend[key].iloc[0]}
            for key, name in columns]
    changes = [text(f"history.level_{c['direction']}", lang, date=c["date"], before=levels[c["before"]],
                    after=levels[c["after"]]) for c in history.level_changes]

    def point(p: Any) -> str:
        if p.kind == "wave":
            return text("history.point_wave", lang, wave=p.wave)
        return text("history.point_assessment", lang, date=p.date) + (
            text("history.wave_suffix", lang, wave=p.wave) if p.wave else "")

    steps = [{"before": point(step.before), "after": point(step.after),
              "rows": _records(tables.comparison_rows(step.comparisons))} for step in history.survey]
    return {
        "intro": text("history.intro", lang, n=len(history.waves), first=history.waves[0].date,
                      last=history.waves[-1].date),
        "dates": trend.index.tolist(),
        "levels": [levels[level] for level in trend["level"]],
        "rows": rows,
        "level_changes": changes or [text("history.level_none", lang, level=levels[history.waves[-1].level])],
        "survey": steps,
        "other_clients": text("history.other_client", lang, ids=", ".join(history.other_clients))
        if history.other_clients else "",
    }


def _sources(results: ReportResults) -> list[dict[str, str]]:
    """The input files beside the answers for the provenance table: role in words,
    file name, SHA-256, and for an earlier assessment of another client, its id."""
    lang = results.lang
    other = results.change.previous_client[0] if results.change and results.change.other_client else None
    out = []
    for source in results.sources:
        label = text(f"appendix.role.{source.role}", lang)
        if source.role == "previous" and other:
            label += f" · {text('appendix.other_client', lang, id=other)}"
        out.append({"role": label, "file": source.name, "sha256": source.sha256})
    return out


def _metrics_context(results: ReportResults, context: DataContext) -> dict[str, Any]:
    """The metrics section: the data lines (period, age, what was not provided), the
    profile beside the data, the reference ranges and the readings of the health and
    concentration figures. ``summary`` is None without any data."""
    a = results.assessment
    lang = a.lang
    m = results.metrics
    out: dict[str, Any] = {"summary": m, "data": context, "rows": [], "health": [], "drivers": [], "survival": [],
                           "method_notes": {},
                           "reference": {key: reference_text(key, lang) for key in ("nrr", "grr")},
                           "reference_note": text("reference.note", lang)}
    if m is None:
        return out
    out.update(rows=_records(tables.metric_rows(results)),
               health=_records(m.health.to_frame()) if m.health is not None else [],
               drivers=_driver_records(results),
               survival=_records(m.survival.summary) if m.survival is not None else [],
               method_notes=m.method_notes(lang))
    if m.health is not None:
        out["health_text"] = text("metrics.health_text", lang, share=f"{m.health.share_arr_at_risk:.0%}",
                                  accounts=fmt_number(m.health.accounts["red"]),
                                  accounts_share=f"{red_account_share(m.health):.0%}")
    if m.concentration is not None:
        c = m.concentration
        out["concentration_text"] = text("common.sentence_separator", lang).join([
            text("metrics.concentration_text", lang, top20=f"{c.top_shares[0.2]:.0%}", top30=f"{c.top_shares[0.3]:.0%}",
                 gini=f"{c.gini:.2f}"),
            text("metrics.concentration_high" if revenue_concentrated(c) else "metrics.concentration_low", lang)])
    return out
