"""From computed results to what the templates need: labels, verdict, tables, charts."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..i18n import join_list, labels, text
from ..plotting import charts
from ..plotting.export import figure_svg
from . import tables
from .branding import DEFAULT_BRANDING, Branding
from .formatting import fmt_bound, fmt_number, fmt_score, scale_words
from .method import method_paragraphs
from .verdict import verdict

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..model import Benchmark, MaturityModel, ProfileField
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
    if charts.has_timeline(a):
        figs["roadmap"] = charts.roadmap_chart(a)
    if results.change is not None:
        figs["change"] = charts.change_chart(tables.change_rows(results), lang=lang, scale=a.model.score_scale)
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


def render_charts(results: ReportResults) -> dict[str, bytes]:
    """Every chart of the report as SVG bytes, by name (what the notebook displays)."""
    return {name: figure_svg(fig) for name, fig in report_figures(results).items()}


def chart_titles(results: ReportResults) -> dict[str, str]:
    """The heading of each chart :func:`report_figures` may draw, by name, in the report
    language (the section or subsection it illustrates)."""
    a = results.assessment
    L = labels(a.lang)
    titles = {"radar": L["sections"]["dimensions"], "change": L["sections"]["change"],
              "roadmap": L["sections"]["roadmap" if a.model.phases else "roadmap_unphased"],
              "loyalty": L["metrics"]["loyalty"]["title"], "health": L["metrics"]["health"]["title"],
              "concentration": L["metrics"]["ltv"]["title"], "drivers": L["metrics"]["drivers"]["title"],
              "nps_nrs": L["metrics"]["matrix"]["title"], "survival": L["metrics"]["survival"]["title"]}
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
    m = results.metrics
    metrics = None
    if m is not None:
        metrics = {
            "summary": m,
            "rows": _records(tables.metric_rows(results)),
            "health": _records(m.health.to_frame()) if m.health is not None else [],
            "drivers": _driver_records(results),
            "survival": _records(m.survival.summary) if m.survival is not None else [],
            "method_notes": m.method_notes(lang),
        }
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
            "similarity": _similarity(results),
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
        "benchmarks": [_benchmark(results, bench, uris) for bench in model.benchmarks],
        "gaps": _records(tables.gap_rows(results)),
        "gaps_intro": _gaps_intro(results),
        "recommendations": _records(tables.recommendation_rows(results)),
        "recommendations_note": _recommendations_note(results),
        # Only the model's recommendations carry an effort estimate.
        "show_effort": bool((a.recommendations["source"] == "model").any()),
        "roadmap": _records(tables.roadmap_rows(results)),
        "roadmap_intro": (text("roadmap.intro", lang, phases=text("roadmap.arrow", lang).join(
            p.name.get(lang) for p in model.phases)) if model.phases else text("roadmap.intro_unphased", lang)),
        "phases": [{"name": p.name.get(lang), "horizon": p.horizon.get(lang) if p.horizon else None}
                   for p in model.phases],
        "metrics": metrics,
        "change": _change_context(results),
        "answers": _records(tables.answer_rows(results)),
        "method": method_paragraphs(model, lang),
        "provenance": {
            "kit_version": a.kit_version,
            "model": f"{model.id} {model.version}",
            "input_hash": a.input_hash,
            "files": [f for f in ((m.accounts_file, m.survey_file) if m else ()) if f],
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
    return {"benchmark": sim.benchmark, "items_used": sim.items_used, "posterior_leading": sim.posterior_leading,
            "likelihood_ratio": sim.likelihood_ratio, "leading": bench.cohort(sim.leading).name.get(lang),
            "lagging": bench.cohort(sim.lagging).name.get(lang)}


def _benchmark(results: ReportResults, bench: Benchmark, uris: dict[str, str]) -> dict[str, Any]:
    """One benchmark section: its title, source, cohorts, chart, rows and (for the
    benchmark the similarity is computed on) the similarity."""
    lang = results.lang
    model = results.assessment.model
    sim = _similarity(results)
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
        "rows": _records(tables.benchmark_rows(results, bench)),
        "has_notes": any(item.note for item in bench.items),
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
    parts = [text("recommendations.note_separation" if tables.has_contrast(results) else "recommendations.note", lang)]
    if (recs["source"] == "model").any():
        parts.append(text("recommendations.note_effort", lang))
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


def _change_context(results: ReportResults) -> dict[str, Any] | None:
    change = results.change
    if change is None:
        return None
    levels = {lv.id: lv.name.get(results.lang) for lv in results.assessment.model.levels}
    return {
        "change": change,
        "level_previous": levels[change.level_previous],
        "level_current": levels[change.level_current],
        "dimensions": _records(tables.change_rows(results)),
        "survey": _records(tables.survey_change_rows(results)),
    }
