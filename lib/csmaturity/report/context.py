"""From computed results to what the templates need: labels, verdict, tables, charts."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..i18n import labels, text
from ..plotting import charts
from ..plotting.export import figure_svg
from . import tables
from .verdict import verdict

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .results import ReportResults

__all__ = ["report_context", "report_figures", "render_charts", "svg_data_uri"]


def report_figures(results: ReportResults) -> dict[str, Figure]:
    """Every chart of the report, by name, in the report language (matplotlib Figures)."""
    a = results.assessment
    lang = a.lang
    figs: dict[str, Figure] = {
        "radar": charts.radar_chart(a, previous=results.previous, portfolio=results.portfolio_median(),
                                    portfolio_label=tables.portfolio_median_label(results)),
        "benchmark": charts.benchmark_chart(a),
        "roadmap": charts.roadmap_chart(a),
    }
    if results.change is not None:
        figs["change"] = charts.change_chart(tables.change_rows(results), lang=lang)
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


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dict(orient="records")


def svg_data_uri(svg: bytes) -> str:
    """A chart's SVG as the ``src`` of an ``<img>`` (an image of its own keeps each
    chart's ids apart from the page's and the other charts')."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def report_context(results: ReportResults, charts: dict[str, bytes] | None = None) -> dict[str, Any]:
    """The template context of a report. ``charts`` reuses charts already rendered
    with :func:`render_charts` (the notebook shows them first)."""
    a = results.assessment
    lang = a.lang
    card = a.scorecard
    client = a.answers.client
    model = a.model
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
    return {
        "lang": lang,
        "L": labels(lang),
        "client": {
            "id": client.id,
            "name": client.name,
            "industry": client.industry,
            "assessment_date": client.assessment_date.isoformat(),
            "profile": client.profile.model_dump(),
        },
        "model": {"title": model.title.get(lang), "id": model.id, "version": model.version},
        "summary": {
            "overall": card.overall,
            "level": card.level,
            "level_name": card.level.name.get(lang),
            "level_description": card.level.description.get(lang),
            "score_level_name": card.score_level.name.get(lang),
            "held_back": bool(card.held_back_by),
            "coverage": card.coverage,
            "provisional": card.provisional,
            "open_answers": len(card.dont_know) + len(card.unanswered),
            "similarity": a.similarity,
            "levels": [{"name": lv.name.get(lang), "stage": lv.stage, "min": lv.min, "max": lv.max,
                        "current": lv.id == card.level.id} for lv in model.levels],
            "steps": len(a.roadmap),
            "portfolio": results.portfolio_position(),
            "portfolio_median_label": tables.portfolio_median_label(results),
        },
        "verdict": verdict(results),
        "charts": {name: svg_data_uri(svg) for name, svg in svgs.items()},
        "dimensions": _records(tables.dimension_rows(results)),
        "benchmark": {
            "rows": _records(tables.benchmark_rows(results)),
            "source": model.benchmark.source.get(lang),
            "cohorts": {k: {"name": c.name.get(lang), "n": c.n} for k, c in model.benchmark.cohorts.items()},
        },
        "gaps": _records(tables.gap_rows(results)),
        "recommendations": _records(tables.recommendation_rows(results)),
        "roadmap": _records(tables.roadmap_rows(results)),
        "phases": [{"name": p.name.get(lang), "horizon": p.horizon.get(lang)} for p in model.phases],
        "metrics": metrics,
        "change": _change_context(results),
        "answers": _records(tables.answer_rows(results)),
        "provenance": {
            "kit_version": a.kit_version,
            "model": f"{model.id} {model.version}",
            "input_hash": a.input_hash,
            "files": [f for f in ((m.accounts_file, m.survey_file) if m else ()) if f],
        },
    }


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
