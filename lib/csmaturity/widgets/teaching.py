"""Teaching widgets: move a metric's inputs and see its value, formula and chart redrawn.

Each explorer calls the metrics library the reports use (``csmaturity.metrics``),
never a copy of a formula, and draws with the report charts (``csmaturity.plotting.charts``)
or, for the pictures only a lesson needs, small charts in the same theme.

Every explorer has ``controls`` (name -> widget; set ``.value`` from Python),
``result`` (the library's result object, or None while the inputs are invalid),
``error`` (why not), ``formula`` (HTML with the numbers plugged in), ``chart``
(an Image widget with the PNG) and ``summary()`` (one line of plain text). In a
notebook the text representation is that summary, so stored outputs stay short
and meaningful for nbval while the live view is the widget.

Every slider has a text box beside it instead of the slider's own readout: it shows
the value formatted for reading (``1,200,000``, Japanese units, ``60%``) and takes a
number typed the way people write it (:func:`csmaturity.io.columns.parse_amount`:
``600,000``, ``¥2,100,000``, ``７％``, Japanese units) on Enter; a value it cannot read, or one outside
the slider's range, is answered with a message and leaves the value as it was
(``inputs`` holds the boxes, ``messages`` what each said last).

Exercise boxes check on Enter or with the button; a wrong answer first gets a hint,
the worked answer after a second wrong try or with the "show the answer" button.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import metrics as M
from ..errors import ValidationFailed
from ..exercises import check, cohort_table, exercise
from ..i18n import check_language, labels, text
from ..io.columns import parse_amount
from ..io.readers import SURVEY_ITEMS
from ..plotting.charts import driver_quadrant, health_chart, loyalty_chart, survival_chart
from ..plotting.export import SCREEN_DPI, figure_png, png_size
from ..plotting.style import COLORS, theme
from ..report.formatting import fmt_money

__all__ = [
    "driver_survey",
    "NpsExplorer",
    "NrsExplorer",
    "ScaleExplorer",
    "RetentionExplorer",
    "LtvExplorer",
    "RoiExplorer",
    "HealthExplorer",
    "DriverExplorer",
    "SurvivalExplorer",
    "ExerciseBox",
]


#: The density the explorers' charts are drawn at: twice the screen's.
CHART_DPI = 2 * SCREEN_DPI


def _t(lang: str, key: str) -> str:
    """The name of a control or chart label (``teaching.controls.<key>``)."""
    return text(f"teaching.controls.{key}", lang)


def _f(lang: str, key: str, **fields: Any) -> str:
    """A word of a formula (``teaching.formula.<key>``)."""
    return text(f"teaching.formula.{key}", lang, **fields)


def _w(lang: str, key: str, **fields: Any) -> str:
    """A formula in words, HTML-escaped (``teaching.words.<key>``)."""
    return html.escape(text(f"teaching.words.{key}", lang, **fields))


def money(value: float, lang: str, currency: str = "JPY") -> str:
    """An amount for a reader, never cut short: in Japanese units (2 oku-en, 120 man-en),
    ``¥2,000,000,000`` in English (:func:`~csmaturity.report.formatting.fmt_money`)."""
    return fmt_money(value, currency, lang, digits=True)


def money_axis(axis: Any, lang: str, currency: str = "JPY") -> None:
    """Tick labels of an amount axis in words (Japanese units, ``¥10M``), never a bare
    ``1e6`` offset."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_money(v, currency, lang) if v else "0"))


#: How a slider's value reads in its box: a count, a number, a fraction shown in %, or
#: an amount of money (``("money", currency)``).
Kind = str | tuple[str, str]


class NumberBox:
    """The text box beside a slider: shows the slider's value for reading and sets it
    from what is typed (Enter or leaving the box), with a message for what it cannot
    take. ``box`` is the Text widget, ``message`` an HTML line under it."""

    def __init__(self, slider: W.IntSlider | W.FloatSlider, kind: Kind, lang: str):
        self.slider, self.kind, self.lang = slider, kind, lang
        slider.readout = False
        self.box = W.Text(value=self.show(slider.value), continuous_update=False,
                          layout=W.Layout(width="130px"))
        self.message = W.HTML(layout=W.Layout(margin="0 0 0 8px"))
        self.said = ""  # the message's words, plain
        self.box.observe(lambda change: self.typed(change["new"]), names="value")
        slider.observe(lambda change: self._set_text(self.show(change["new"])), names="value")
        self.widget = W.VBox([W.HBox([slider, self.box]), self.message])
        self._writing = False

    def show(self, value: float) -> str:
        if isinstance(self.kind, tuple):
            return money(value, self.lang, self.kind[1])
        if self.kind == "fraction":
            return f"{value:.0%}"
        if self.kind == "count":
            return f"{value:,.0f}"
        return f"{value:,.{self._decimals()}f}"

    def _decimals(self) -> int:
        step = float(self.slider.step)
        return 0 if step >= 1 else len(f"{step:g}".split(".")[-1])

    def _set_text(self, value: str) -> None:
        self._writing = True
        try:
            self.box.value = value
        finally:
            self._writing = False

    def read(self, typed: str) -> float | None:
        """The value ``typed`` means for this slider (a fraction for ``60%`` or ``60`` in a
        percentage box), or None."""
        parsed = parse_amount(typed)
        if parsed is None:
            return None
        if self.kind == "fraction" and (parsed.percent or parsed.value > 1):
            return parsed.value / 100
        return parsed.value

    def typed(self, typed: str) -> None:
        """Set the slider from the box; say why not when the text is not a number in range."""
        if self._writing:
            return
        value, lo, hi = self.read(typed), self.slider.min, self.slider.max
        if value is None:
            self.say("teaching.number.unreadable", typed=typed)
        elif not lo <= value <= hi:
            self.say("teaching.number.range", typed=typed, low=self.show(lo), high=self.show(hi))
        else:
            self.said = self.message.value = ""
            self.slider.value = round(value) if isinstance(self.slider, W.IntSlider) else value
        self._set_text(self.show(self.slider.value))

    def say(self, key: str, **fields: Any) -> None:
        self.said = text(key, self.lang, **fields)
        self.message.value = f"<span style='color:#B00020'>{html.escape(self.said)}</span>"


def driver_survey(survey: pd.DataFrame, accounts: pd.DataFrame, *, year: int | None = None) -> pd.DataFrame:
    """The relational survey joined with each customer's value for the high/low-LTV split.

    Value = gross profit earned so far (``revenue_to_date − cost_of_sales_to_date``),
    the realised part of the customer's lifetime value. ``year`` keeps one survey wave.
    """
    value = accounts[["account_id"]].assign(ltv=accounts["revenue_to_date"] - accounts["cost_of_sales_to_date"])
    rows = survey if year is None else survey[survey["survey_year"] == year]
    joined = rows.merge(value, on="account_id", how="left")
    joined.attrs.update(survey.attrs)
    return joined


class _Explorer:
    """Controls -> library call -> formula text + chart, redrawn on every change."""

    #: Key of the title under ``teaching.titles``.
    title = ""

    def __init__(self, lang: str, controls: dict[str, W.ValueWidget], kinds: dict[str, Kind] | None = None,
                 extra: Sequence[W.Widget] = ()):
        self.lang = check_language(lang)
        self.controls = controls
        self.result: Any = None
        self.error: str | None = None
        self.formula = W.HTML(layout=W.Layout(flex="1 1 320px", min_width="280px"))
        self.chart = W.Image(format="png", layout=W.Layout(max_width="100%"))
        kinds = kinds or {}
        self.inputs = {k: NumberBox(c, kinds.get(k, "count"), self.lang) for k, c in controls.items()
                       if isinstance(c, (W.IntSlider, W.FloatSlider))}
        for control in controls.values():
            control.observe(lambda _change: self.update(), names="value")
        rows = [self.inputs[k].widget if k in self.inputs else c for k, c in controls.items()]
        # The controls keep their natural width and the formula wraps under them on a
        # narrow page, rather than either being clipped behind a scrollbar.
        box = W.VBox([*rows, *extra], layout=W.Layout(flex="0 0 auto", overflow="visible"))
        self.widget = W.VBox([W.HTML(f"<b>{html.escape(text(f'teaching.titles.{self.title}', lang))}</b>"),
                              W.HBox([box, self.formula], layout=W.Layout(flex_flow="row wrap", overflow="visible",
                                                                          align_items="flex-start")),
                              self.chart])
        self.update()

    @property
    def messages(self) -> dict[str, str]:
        """What each number box said last (plain text; empty when it took the value)."""
        return {k: b.said for k, b in self.inputs.items()}

    def values(self) -> dict[str, Any]:
        return {k: c.value for k, c in self.controls.items()}

    def compute(self, **values: Any) -> Any:
        raise NotImplementedError

    def explain(self) -> str:
        """HTML: the formula with this result's numbers."""
        raise NotImplementedError

    def draw(self) -> Figure:
        raise NotImplementedError

    def describe(self) -> str:
        """One line of plain text about the current result."""
        raise NotImplementedError

    def update(self) -> None:
        try:
            self.result = self.compute(**self.values())
        except (ValidationFailed, ValueError) as exc:
            self.result, self.error = None, str(exc)
            self.formula.value = (f"<span style='color:#B00020'>{html.escape(text('teaching.invalid', self.lang))} "
                                  f"{html.escape(self.error)}</span>")
            return
        self.error = None
        self.formula.value = self.explain()
        png = figure_png(self.draw(), dpi=CHART_DPI)
        # Drawn at twice the screen's density and shown at its screen size: sharp on
        # high-density displays and projectors.
        self.chart.value, self.chart.width = png, str(png_size(png)[0] * SCREEN_DPI // CHART_DPI)

    def summary(self) -> str:
        return f"{type(self).__name__}: " + (self.describe() if self.result is not None
                                              else f"invalid input: {self.error}")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.summary()
        return bundle


def _int_slider(label: str, value: int, lo: int, hi: int, step: int = 1) -> W.IntSlider:
    return W.IntSlider(value=value, min=lo, max=hi, step=step, description=label, continuous_update=False,
                       style={"description_width": "210px"}, layout=W.Layout(width="400px"))


def _float_slider(label: str, value: float, lo: float, hi: float, step: float, fmt: str = ".2f") -> W.FloatSlider:
    return W.FloatSlider(value=value, min=lo, max=hi, step=step, description=label, continuous_update=False,
                         readout_format=fmt, style={"description_width": "210px"}, layout=W.Layout(width="400px"))


def _shares_chart(counts: Sequence[int], labels: Sequence[str], highlight: Callable[[int], str], title: str,
                  lang: str) -> Figure:
    """Answers per scale point, coloured by what the metric counts."""
    with theme():
        fig = Figure(figsize=(6.0, 2.2), layout="constrained")
        ax = fig.subplots()
        ax.bar(range(len(counts)), counts, color=[highlight(i) for i in range(len(counts))])
        ax.set_xticks(range(len(counts)), labels)
        ax.set_ylabel(text("teaching.answers", lang))
        ax.set_title(title, fontsize=10)
    return fig


# --------------------------------------------------------------------------- loyalty


class NpsExplorer(_Explorer):
    """Promoters, passives and detractors -> NPS with its margin of error (``metrics.nps``)."""

    title = "nps"

    def __init__(self, lang: str = "ja", promoters: int = 50, passives: int = 30, detractors: int = 20):
        super().__init__(lang, {k: _int_slider(_t(lang, k), v, 0, 300) for k, v in
                                (("promoters", promoters), ("passives", passives), ("detractors", detractors))})

    def compute(self, promoters: int, passives: int, detractors: int) -> M.NpsResult:
        # one representative answer per group: the score depends only on the counts
        return M.nps([10] * promoters + [8] * passives + [3] * detractors)

    def explain(self) -> str:
        r = self.result
        method = html.escape(text(f"metrics.interval_method.{r.interval_method}", self.lang))
        centred = f"; {html.escape(_f(self.lang, 'interval_note'))}" if r.interval_method == "adjusted_wald" else ""
        confidence = _w(self.lang, "confidence", level=f"{r.confidence:.0%}")
        return (f"NPS = %{_t(self.lang, 'promoters')} − %{_t(self.lang, 'detractors')}<br>"
                f"= {r.share_promoters:.1%} − {r.share_detractors:.1%} = <b>{r.score:+.1f}</b><br>"
                f"± {r.margin_of_error:.1f} ({confidence}, {_w(self.lang, 'n', n=r.n_valid)}, {method}{centred}) "
                f"→ [{r.ci_low:+.1f}, {r.ci_high:+.1f}]")

    def draw(self) -> Figure:
        return loyalty_chart(self.result, lang=self.lang)

    def describe(self) -> str:
        r = self.result
        return f"NPS {r.score:+.1f} ± {r.margin_of_error:.1f} (n={r.n_valid})"


class NrsExplorer(_Explorer):
    """Repeaters, neutrals and at-risk customers -> NRS (``metrics.nrs``)."""

    title = "nrs"

    def __init__(self, lang: str = "ja", repeaters: int = 45, neutrals: int = 30, at_risk: int = 25):
        super().__init__(lang, {k: _int_slider(_t(lang, k), v, 0, 300) for k, v in
                                (("repeaters", repeaters), ("neutrals", neutrals), ("at_risk", at_risk))})

    def compute(self, repeaters: int, neutrals: int, at_risk: int) -> Any:
        return M.nrs([5] * repeaters + [4] * neutrals + [2] * at_risk)

    def explain(self) -> str:
        r = self.result
        return (f"NRS = %{_t(self.lang, 'repeaters')} − %{_t(self.lang, 'at_risk')}<br>"
                f"= {r.share_repeaters:.1%} − {r.share_at_risk:.1%} = <b>{r.score:+.1f}</b> ± {r.margin_of_error:.1f}")

    def draw(self) -> Figure:
        counts = list(self.result.counts)
        colors = {3: COLORS["neutral"], 4: COLORS["good"]}
        return _shares_chart(counts, ["1", "2", "3", "4", "5"], lambda i: colors.get(i, COLORS["bad"]), "NRS",
                             self.lang)

    def describe(self) -> str:
        r = self.result
        return f"NRS {r.score:+.1f} ± {r.margin_of_error:.1f} (n={r.n_valid})"


class ScaleExplorer(_Explorer):
    """Answers per scale point -> CSAT (top-2 of 5), DWB (top box of 5) or CES (7 points, lower is better)."""

    _SPEC = {"csat": (5, (4, 5)), "dwb": (5, (5,)), "ces": (7, (1, 2, 3))}

    def __init__(self, metric: str = "csat", lang: str = "ja", counts: Sequence[int] | None = None):
        if metric not in self._SPEC:
            raise ValueError(f"metric must be one of {sorted(self._SPEC)}, got {metric!r}")
        self.metric = metric
        points, _ = self._SPEC[metric]
        self.title = metric
        default = {"csat": (5, 5, 20, 30, 40), "dwb": (6, 9, 15, 12, 18), "ces": (20, 25, 15, 10, 10, 10, 10)}[metric]
        counts = tuple(counts or default)
        if len(counts) != points:
            raise ValueError(f"{metric} takes {points} counts (one per scale point), got {len(counts)}")
        super().__init__(lang, {f"p{i + 1}": _int_slider(f"{i + 1}", c, 0, 200) for i, c in enumerate(counts)})

    def compute(self, **counts: int) -> Any:
        answers = [int(k[1:]) for k, c in counts.items() for _ in range(c)]
        return {"csat": M.csat, "dwb": M.dwb, "ces": M.ces}[self.metric](answers)

    def _share(self) -> tuple[float, float, float]:
        """The counted share and its interval (CES counts low-effort answers)."""
        r = self.result
        if self.metric == "ces":
            return r.share_low_effort, r.share_ci_low, r.share_ci_high
        return r.share, r.ci_low, r.ci_high

    def explain(self) -> str:
        r = self.result
        _, top = self._SPEC[self.metric]
        share, low, high = self._share()
        counted = text("teaching.words.points_sep", self.lang).join(str(p) for p in top)
        formula = (f"{_w(self.lang, 'share_of', metric=self.metric.upper(), counted=counted)}<br>"
                   f"= {share * r.n_valid:.0f} ÷ {r.n_valid} = <b>{share:.1%}</b> [{low:.1%}, {high:.1%}]")
        if self.metric == "ces":
            formula += f"<br>{_f(self.lang, 'mean')} = {r.mean:.2f} (1 = {_f(self.lang, 'little_effort')})"
        return formula

    def draw(self) -> Figure:
        points, top = self._SPEC[self.metric]
        counts = [self.controls[f"p{i + 1}"].value for i in range(points)]
        return _shares_chart(counts, [str(i + 1) for i in range(points)],
                             lambda i: COLORS["good"] if i + 1 in top else COLORS["neutral"],
                             text(f"teaching.titles.{self.title}", self.lang), self.lang)

    def describe(self) -> str:
        r = self.result
        share, low, high = self._share()
        extra = f", mean {r.mean:.2f}" if self.metric == "ces" else ""
        return f"{self.metric.upper()} {share:.1%} [{low:.1%}, {high:.1%}] (n={r.n_valid}{extra})"


# --------------------------------------------------------------------------- revenue


class RetentionExplorer(_Explorer):
    """Churn, retention, upsell / cross-sell rates, GRR and NRR of a cohort (``metrics.retention``)."""

    title = "retention"

    def __init__(self, lang: str = "ja", customers: int = 200, lost: int = 16, upsold: int = 20, cross_sold: int = 10,
                 arr_each: int = 100, upsell_each: int = 40, cross_each: int = 30, contraction: int = 300):
        t = lambda k: _t(lang, k)  # noqa: E731
        super().__init__(lang, {
            "customers": _int_slider(t("customers"), customers, 10, 1000, 10),
            "lost": _int_slider(t("lost"), lost, 0, 500),
            "upsold": _int_slider(t("upsold"), upsold, 0, 500),
            "cross_sold": _int_slider(t("cross_sold"), cross_sold, 0, 500),
            "arr_each": _int_slider(t("arr_each"), arr_each, 10, 1000, 10),
            "upsell_each": _int_slider(t("upsell_each"), upsell_each, 0, 500, 10),
            "cross_each": _int_slider(t("cross_each"), cross_each, 0, 500, 10),
            "contraction": _int_slider(t("contraction"), contraction, 0, 5000, 50),
        })

    def compute(self, **v: int) -> M.RetentionResult:
        return M.retention(cohort_table(**v))

    def explain(self) -> str:
        r = self.result
        name = {k: html.escape(text(f"metric.{k}", self.lang)) for k in ("churn_rate", "retention_rate", "upsell_rate",
                                                                         "cross_sell_rate")}
        upsell = f"{r.upsell_customers} / {r.customers_at_start} = <b>{r.upsell_rate:.1%}</b>"
        cross = f"{r.cross_sell_customers} / {r.customers_at_start} = <b>{r.cross_sell_rate:.1%}</b>"
        return (f"{name['churn_rate']} = {r.customers_lost} / {r.customers_at_start} = <b>{r.churn_rate:.1%}</b>; "
                f"{name['retention_rate']} = 1 − {name['churn_rate']} = <b>{r.retention_rate:.1%}</b><br>"
                f"{name['upsell_rate']} = {upsell}; {name['cross_sell_rate']} = {cross}<br>"
                f"{_w(self.lang, 'grr')}<br>= ({r.starting_arr:,.0f} − {r.churned_arr:,.0f} − "
                f"{r.contraction_arr:,.0f}) ÷ {r.starting_arr:,.0f} = <b>{r.grr:.1%}</b><br>"
                f"{_w(self.lang, 'nrr')}<br>= ({r.starting_arr:,.0f} − {r.churned_arr:,.0f} − "
                f"{r.contraction_arr:,.0f} + {r.expansion_arr:,.0f}) ÷ {r.starting_arr:,.0f} = <b>{r.nrr:.1%}</b>")

    def draw(self) -> Figure:
        r, t = self.result, (lambda k: _t(self.lang, k))
        steps = [(t("start"), r.starting_arr, "total"), (t("churned"), -r.churned_arr, "step"),
                 (t("contracted"), -r.contraction_arr, "step"), (t("expanded"), r.expansion_arr, "step"),
                 (t("end"), r.ending_arr, "total")]
        with theme():
            fig = Figure(figsize=(6.0, 2.6), layout="constrained")
            ax = fig.subplots()
            level = 0.0
            for i, (_, value, kind) in enumerate(steps):
                bottom = 0.0 if kind == "total" else (level + value if value < 0 else level)
                color = COLORS["client"] if kind == "total" else COLORS["bad"] if value < 0 else COLORS["leading"]
                ax.bar(i, abs(value), bottom=bottom, color=color)
                ax.text(i, bottom + abs(value), f"{value:+,.0f}" if kind == "step" else f"{value:,.0f}",
                        ha="center", va="bottom", fontsize=8)
                level = value if kind == "total" else level + value
            ax.set_xticks(range(len(steps)), [s[0] for s in steps], fontsize=8)
            ax.set_title(f"GRR {r.grr:.0%} / NRR {r.nrr:.0%}", fontsize=10)
        return fig

    def describe(self) -> str:
        r = self.result
        return (f"churn {r.churn_rate:.1%}, retention {r.retention_rate:.1%}, upsell {r.upsell_rate:.1%}, "
                f"cross-sell {r.cross_sell_rate:.1%}, GRR {r.grr:.1%}, NRR {r.nrr:.1%}")


class LtvExplorer(_Explorer):
    """The three LTV estimates side by side (``metrics.ltv_*``)."""

    title = "ltv"

    def __init__(self, lang: str = "ja", annual_revenue: int = 1_200_000, margin: float = 0.6, years: float = 5.0,
                 purchase_value: int = 300_000, purchase_count: float = 12.0, revenue: int = 2_000_000_000,
                 cost_of_sales: int = 1_100_000_000, purchasers: int = 500):
        t = lambda k: _t(lang, k)  # noqa: E731
        yen = ("money", "JPY")
        kinds: dict[str, Kind] = {"annual_revenue": yen, "margin": "fraction", "years": "number",
                                  "purchase_value": yen, "purchase_count": "number", "revenue": yen,
                                  "cost_of_sales": yen, "purchasers": "count"}
        super().__init__(lang, kinds=kinds, controls={
            "annual_revenue": _int_slider(t("annual_revenue"), annual_revenue, 100_000, 10_000_000, 100_000),
            "margin": _float_slider(t("margin"), margin, 0.0, 1.0, 0.05),
            "years": _float_slider(t("years"), years, 0.5, 15.0, 0.5, ".1f"),
            "purchase_value": _int_slider(t("purchase_value"), purchase_value, 10_000, 2_000_000, 10_000),
            "purchase_count": _float_slider(t("purchase_count"), purchase_count, 1.0, 60.0, 1.0, ".0f"),
            "revenue": _int_slider(t("revenue"), revenue, 100_000_000, 10_000_000_000, 100_000_000),
            "cost_of_sales": _int_slider(t("cost_of_sales"), cost_of_sales, 0, 10_000_000_000, 100_000_000),
            "purchasers": _int_slider(t("purchasers"), purchasers, 1, 5000, 10),
        })

    def compute(self, **v: Any) -> dict[str, float]:
        return {
            "estimate1": M.ltv_margin_retention(v["annual_revenue"], v["margin"], years_retained=v["years"]),
            "estimate2": M.ltv_purchases(v["purchase_value"], v["purchase_count"]),
            "estimate3": M.ltv_gross_profit(v["revenue"], v["cost_of_sales"], v["purchasers"]),
        }

    def explain(self) -> str:
        v, r, lang = self.values(), self.result, self.lang
        yen = lambda x: html.escape(money(x, lang))  # noqa: E731
        return (f"{_w(lang, 'ltv1')}<br>= {yen(v['annual_revenue'])} × {v['margin']:.0%} × {v['years']:g} "
                f"= <b>{yen(r['estimate1'])}</b><br>"
                f"{_w(lang, 'ltv2')}<br>= {yen(v['purchase_value'])} × {v['purchase_count']:g} "
                f"= <b>{yen(r['estimate2'])}</b><br>"
                f"{_w(lang, 'ltv3')}<br>= ({yen(v['revenue'])} − {yen(v['cost_of_sales'])}) ÷ {v['purchasers']:,} "
                f"= <b>{yen(r['estimate3'])}</b>")

    def draw(self) -> Figure:
        with theme():
            fig = Figure(figsize=(6.0, 2.4), layout="constrained")
            ax = fig.subplots()
            names = [_t(self.lang, k) for k in self.result]
            values = list(self.result.values())
            ax.barh(range(3), values, color=[COLORS["client"], COLORS["leading"], COLORS["lagging"]])
            ax.set_yticks(range(3), names, fontsize=8)
            ax.invert_yaxis()
            for i, value in enumerate(values):
                ax.text(value, i, f" {money(value, self.lang)}", va="center", fontsize=8)
            ax.set_xlim(0, max(max(values), 1) * 1.45)
            money_axis(ax.xaxis, self.lang)
            ax.tick_params(axis="x", labelsize=7.5)
        return fig

    def describe(self) -> str:
        return "LTV " + ", ".join(f"{k[-1]}: {v:,.0f}" for k, v in self.result.items())


class RoiExplorer(_Explorer):
    """CRM ROI, break-even and payback (``metrics.crm_roi``)."""

    title = "roi"
    #: The lesson's case is in dollars (the source article's).
    currency = "USD"

    def __init__(self, lang: str = "ja", cost: int = 12_000, gain: int = 75_000, months: int = 12):
        t = lambda k: _t(lang, k)  # noqa: E731
        dollars = ("money", self.currency)
        super().__init__(lang, kinds={"cost": dollars, "gain": dollars}, controls={
            "cost": _int_slider(t("cost"), cost, 1_000, 200_000, 1_000),
            "gain": _int_slider(t("gain"), gain, 0, 400_000, 1_000),
            "months": _int_slider(t("months"), months, 1, 36)})

    def compute(self, cost: int, gain: int, months: int) -> M.RoiResult:
        return M.crm_roi(gain, cost, months=months)

    def explain(self) -> str:
        r = self.result
        lang = self.lang
        payback = _f(lang, "months", months=f"{r.payback_months:.1f}") if r.payback_months is not None else "—"
        cash = lambda x: html.escape(money(x, lang, self.currency))  # noqa: E731
        return (f"{_w(lang, 'roi')}<br>= ({cash(r.gain)} − {cash(r.cost)}) ÷ {cash(r.cost)} × 100 "
                f"= <b>{r.roi_pct:,.1f}%</b><br>"
                f"{html.escape(_t(lang, 'break_even'))}: {html.escape(_t(lang, 'gain'))} "
                f"= {cash(r.break_even_gain)}<br>"
                f"{_w(lang, 'payback')}<br>= {cash(r.cost)} ÷ {cash(r.monthly_gain)} = <b>{html.escape(payback)}</b>"
                f"<br><small>{html.escape(_f(lang, 'roi_note'))}</small>")

    def draw(self) -> Figure:
        r = self.result
        gains = np.linspace(0, max(r.gain, r.cost) * 2, 100)
        with theme():
            fig = Figure(figsize=(6.0, 2.6), layout="constrained")
            ax = fig.subplots()
            ax.plot(gains, [M.roi_percent(g, r.cost) for g in gains], color=COLORS["client"])
            ax.axhline(0, color=COLORS["muted"], linewidth=0.8)
            ax.axvline(r.break_even_gain, color=COLORS["bad"], linestyle="--", linewidth=1)
            ax.annotate(_t(self.lang, "break_even"), (r.break_even_gain, 0), xytext=(6, 10), textcoords="offset points",
                        fontsize=8, color=COLORS["bad"])
            ax.scatter([r.gain], [r.roi_pct], color=COLORS["accent"], zorder=3)
            ax.set_xlabel(_t(self.lang, "gain"))
            ax.set_ylabel("ROI (%)")
            money_axis(ax.xaxis, self.lang, self.currency)
        return fig

    def describe(self) -> str:
        r = self.result
        payback = f"{r.payback_months:.1f} months" if r.payback_months is not None else "never"
        return f"ROI {r.roi_pct:,.1f}%, break-even at gain {r.break_even_gain:,.0f}, payback {payback}"


# --------------------------------------------------------------------------- customer data


class HealthExplorer(_Explorer):
    """Health-score signal weights -> account bands and ARR at risk (``metrics.health_scores``)."""

    title = "health"

    def __init__(self, accounts: pd.DataFrame, lang: str = "ja", config: Any = None):
        self.accounts = accounts
        self.config = config if isinstance(config, M.HealthConfig) else M.load_health_config(config)
        super().__init__(lang, kinds={s.label: "number" for s in self.config.signals}, controls={
            s.label: _float_slider(self.signal_name(s.label, lang), s.weight, 0, 50, 1, ".0f")
            for s in self.config.signals
        })

    @staticmethod
    def signal_name(signal: str, lang: str) -> str:
        """A signal's name for people: the store's ``teaching.signals.<name>`` for the
        shipped ones, else the name the configuration gives it."""
        known = labels(lang)["teaching"]["signals"]
        return known.get(signal, signal)

    def compute(self, **weights: float) -> Any:
        signals = tuple(s.model_copy(update={"weight": weights[s.label]}) for s in self.config.signals)
        if not any(s.weight > 0 for s in signals):
            raise ValueError("at least one signal needs a weight above 0")
        config = self.config.model_copy(update={"signals": signals})
        scores = M.health_scores(self.accounts, config)
        return M.summarize_health(scores, config)

    def explain(self) -> str:
        r = self.result
        weights = self.values()
        total = sum(weights.values())
        terms = " + ".join(f"{w / total:.2f}·{html.escape(self.signal_name(k, self.lang))}"
                           for k, w in weights.items() if w > 0)
        at_risk = _f(self.lang, "at_risk", accounts=f"<b>{r.accounts['red']}</b>",
                     share=f"<b>{r.share_arr_at_risk:.1%}</b>")
        return (f"{_w(self.lang, 'health')}<br>= 100 × ({terms})<br>"
                f"{html.escape(_t(self.lang, 'red'))} &lt; {r.red_below:g}: {at_risk}")

    def draw(self) -> Figure:
        return health_chart(self.result, lang=self.lang)

    def describe(self) -> str:
        r = self.result
        return (f"red {r.accounts['red']}, yellow {r.accounts['yellow']}, green {r.accounts['green']}; "
                f"ARR at risk {r.share_arr_at_risk:.1%}")


class DriverExplorer(_Explorer):
    """Key-driver quadrant of the relational survey for all, high- or low-LTV customers.

    The kit's survey items are named from the text store; ``item_labels`` names others
    (or renames them).
    """

    title = "drivers"

    def __init__(self, survey: pd.DataFrame, items: Sequence[str], lang: str = "ja",
                 item_labels: dict[str, str] | None = None, value_column: str = "ltv", high_share: float = 0.3):
        self.survey, self.items, self.value_column, self.high_share = survey, list(items), value_column, high_share
        self.item_labels = ({i: text(f"survey.items.{i}", lang) for i in self.items if i in SURVEY_ITEMS}
                            | (item_labels or {}))
        self._cache: dict[tuple[str, str], pd.DataFrame] = {}
        t = lambda k: _t(lang, k)  # noqa: E731
        words = labels(lang)["teaching"]
        # What the chosen methods mean, in words, under the dropdowns.
        self.method_help = W.HTML(layout=W.Layout(max_width="420px"))
        wide = {"description_width": "initial"}
        super().__init__(lang, {
            "segment": W.ToggleButtons(options=[(t(s), s) for s in ("all", "high_ltv", "low_ltv")], value="all",
                                       description=t("segment")),
            "importance": W.Dropdown(options=[(words["importance_methods"][m], m) for m in M.IMPORTANCE],
                                     value="correlation", description=t("importance"), style=wide),
            "performance": W.Dropdown(options=[(words["performance_methods"][m], m) for m in ("top2", "top1")],
                                      value="top2", description=t("performance"), style=wide),
        }, extra=[self.method_help])

    def drivers(self, importance: str, performance: str) -> pd.DataFrame:
        """The full :func:`metrics.key_drivers` table for one method (computed once)."""
        key = (importance, performance)
        if key not in self._cache:
            self._cache[key] = M.key_drivers(self.survey, self.items, importance=importance, performance=performance,
                                             segment_by=self.value_column, high_share=self.high_share)
        return self._cache[key]

    def compute(self, segment: str, importance: str, performance: str) -> pd.DataFrame:
        table = self.drivers(importance, performance)
        return table[table["segment"] == segment].reset_index(drop=True)

    def priorities(self) -> list[str]:
        """Items with high importance and low performance in the chosen segment, most important first."""
        rows = self.result[self.result["quadrant"] == "priority to improve"].sort_values("importance", ascending=False)
        return rows["item"].tolist()

    def explain(self) -> str:
        words = labels(self.lang)["teaching"]
        self.method_help.value = (
            f"<small>{html.escape(words['importance_help'][self.controls['importance'].value])}<br>"
            f"{html.escape(words['performance_help'][self.controls['performance'].value])}</small>")
        label = lambda i: html.escape(self.item_labels.get(i, i))  # noqa: E731
        rows = "".join(f"<tr><td>{label(r.item)}</td><td>{r.importance:.2f}</td><td>{r.performance:.0%}</td>"
                       f"<td>{html.escape(text(f'drivers.quadrants.{r.quadrant}', self.lang))}</td></tr>"
                       for r in self.result.itertuples())
        return (f"<table><tr><th></th><th>{_t(self.lang, 'importance')}</th><th>{_t(self.lang, 'performance')}</th>"
                f"<th></th></tr>{rows}</table>")

    def draw(self) -> Figure:
        segment = self.controls["segment"].value
        table = self.drivers(self.controls["importance"].value, self.controls["performance"].value)
        return driver_quadrant(table, segment=segment, item_labels=self.item_labels, lang=self.lang)

    def describe(self) -> str:
        names = [self.item_labels.get(i, i) for i in self.priorities()]
        return f"{self.controls['segment'].value}: priority to improve = {', '.join(names) or 'none'}"


class SurvivalExplorer(_Explorer):
    """Kaplan–Meier retention curve of an accounts table, split by segment, plan or start
    year, with the median and expected lifetime beside ``1 / churn`` (``metrics.survival``)."""

    title = "survival"
    _SPLITS = ("segment", "plan", "cohort")

    def __init__(self, accounts: pd.DataFrame, lang: str = "ja", as_of: str | None = None):
        t = lambda k: _t(lang, k)  # noqa: E731
        self.accounts = accounts.assign(cohort=pd.to_datetime(accounts["start_date"]).dt.year.astype("Int64"))
        overall = M.survival(self.accounts, as_of=as_of)
        self.as_of = overall.as_of
        end = pd.Timestamp(self.as_of)
        # The churn of the twelve months to the reference date, for the 1 / churn comparison.
        self.churn = M.retention(accounts, (end - pd.DateOffset(years=1) + pd.Timedelta(days=1)).date(),
                                 end.date()).churn_rate
        longest = float(overall.curve["years"].max())
        splits = [(t("split_none"), "")] + [(t(f"split_{s}"), s) for s in self._SPLITS if s in self.accounts.columns]
        super().__init__(lang, {
            "split": W.Dropdown(options=splits, value="", description=t("split")),
            "horizon": _float_slider(t("horizon"), round(min(overall.horizon_years, longest), 1), 0.5,
                                     round(longest, 1), 0.5, ".1f"),
        })

    def compute(self, split: str, horizon: float) -> M.SurvivalResult:
        return M.survival(self.accounts, as_of=self.as_of, segment_by=split or None, horizon_years=horizon)

    def explain(self) -> str:
        r, f = self.result, (lambda k, **v: html.escape(_f(self.lang, k, **v)))
        row = r.overall()
        years = lambda v: f(  # noqa: E731
            "years", years=f"{v:.1f}")
        median = f("not_reached") if math.isnan(row["median_years"]) else years(row["median_years"])
        churn = (f("one_over_churn", churn=f"{self.churn:.1%}", years=years(1 / self.churn))
                 if self.churn > 0 else "")
        return (f"{_w(self.lang, 'survival')}<br>"
                f"S(t) = Π<sub>t<sub>i</sub> ≤ t</sub> (1 − d<sub>i</sub> / n<sub>i</sub>)<br>"
                f"{f('median')}: <b>{median}</b><br>"
                f"{f('expected', horizon=years(r.horizon_years))} = ∫<sub>0</sub><sup>τ</sup> S(t) dt = "
                f"<b>{years(row['expected_years'])}</b> [{row['expected_ci_low']:.1f}, {row['expected_ci_high']:.1f}]"
                f"<br>{churn}")

    def draw(self) -> Figure:
        return survival_chart(self.result, lang=self.lang)

    def describe(self) -> str:
        row = self.result.overall()
        median = "not reached" if math.isnan(row["median_years"]) else f"{row['median_years']:.1f} y"
        churn = f", 1/churn {1 / self.churn:.1f} y" if self.churn > 0 else ""
        return (f"median {median}, expected {row['expected_years']:.1f} y within {self.result.horizon_years:.1f} y, "
                f"retained after 1 y {row['retention_1y']:.0%}{churn}")


class ExerciseBox:
    """An exercise: its question, an answer box checked on Enter or with the Check
    button (:func:`csmaturity.exercises.check`; ``feedback`` holds the last verdict),
    and a button that shows the worked answer.

    A wrong answer first gets the exercise's hint; the working follows a second wrong
    try (the same answer checked again is not a new try) or the "show the answer"
    button. ``tries`` counts the wrong numbers or choices given.
    """

    def __init__(self, exercise_id: str, lang: str = "ja"):
        self.exercise = exercise(exercise_id)
        self.lang = check_language(lang)
        choices = " / ".join(self.exercise.choice_labels(lang))
        self.answer = W.Text(placeholder=choices or text("teaching.enter_hint", lang), continuous_update=False,
                             layout=W.Layout(width="260px"))
        self.check_button = W.Button(description=text("teaching.check", lang), button_style="info")
        self.show_button = W.Button(description=text("teaching.show_answer", lang))
        self.verdict = W.HTML()
        self.feedback: Any = None
        self.tries = 0
        self._checked: str | None = None
        # Enter (or leaving the box) sets the value: that is the check.
        self.answer.observe(lambda _change: self.check(), names="value")
        self.check_button.on_click(lambda _: self.check())
        self.show_button.on_click(lambda _: self.show_answer())
        self.widget = W.VBox([W.HTML(f"<b>{html.escape(text('teaching.exercise', lang))}</b>: "
                                     f"{html.escape(self.exercise.prompt(lang))}"),
                              W.HBox([self.answer, self.check_button, self.show_button]), self.verdict])

    def check(self) -> Any:
        """Check the typed answer and show the verdict (hint or working)."""
        typed = self.answer.value
        if not typed.strip():
            return self.feedback
        again = typed == self._checked
        self.feedback = check(self.exercise.id, typed)
        self._checked = typed
        counted = self.feedback.verdict in ("wrong", "fraction")
        if counted and not again:
            self.tries += 1
        reveal = self.feedback.correct or self.tries >= 2
        self._show(self.feedback.correct, self.feedback.message(self.lang, reveal=reveal))
        return self.feedback

    def show_answer(self) -> None:
        """The worked answer, on request."""
        feedback = check(self.exercise.id, self.answer.value)
        self._show(None, text("teaching.answer", self.lang, working=feedback.answer(self.lang)))

    def _show(self, correct: bool | None, message: str) -> None:
        color = "#333333" if correct is None else "#029E73" if correct else "#B00020"
        mark = "" if correct is None else "✓ " if correct else "✗ "
        self.verdict.value = f"<span style='color:{color}'>{mark}{html.escape(message)}</span>"

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"{text('teaching.exercise', self.lang)}: {self.exercise.prompt(self.lang)}"
        return bundle
