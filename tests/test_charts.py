"""Charts: the bundled Japanese font, one reproducible style, figures from result objects."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont

import csmaturity as cm
from csmaturity.plotting import charts
from csmaturity.plotting.style import (
    JA_FONT_FAMILY,
    PALETTE,
    apply_theme,
    japanese_font_path,
    register_japanese_font,
    theme,
)
from csmaturity.report import compute_results, figure_svg

from conftest import CLIENTS, SAMPLE


@pytest.fixture(scope="module")
def hikari():
    return compute_results(CLIENTS / "hikari-cloud.yaml", accounts_file=SAMPLE / "accounts.csv",
                           survey_file=SAMPLE / "survey_ja_cp932.csv",
                           previous_file=SAMPLE / "history" / "hikari-cloud" / "2024-10-18.yaml")


def test_japanese_font_resolves_to_the_bundled_ipaex_file():
    assert register_japanese_font() == JA_FONT_FAMILY
    found = findfont(FontProperties(family=JA_FONT_FAMILY), fallback_to_default=False)
    assert Path(found).resolve() == japanese_font_path().resolve()
    assert Path(found).name == "ipaexg.ttf"


def test_the_theme_puts_the_japanese_font_first_after_seaborn():
    with theme():
        assert matplotlib.rcParams["font.family"][0] == JA_FONT_FAMILY
        cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
        assert [c.lower() for c in cycle] == [c.lower() for c in PALETTE]
    apply_theme()
    assert matplotlib.rcParams["font.family"][0] == JA_FONT_FAMILY


def test_the_written_out_seaborn_style_is_seaborns():
    import seaborn as sns

    from csmaturity.plotting.style import SEABORN_WHITEGRID_PAPER

    theirs = {**sns.axes_style("whitegrid"), **sns.plotting_context("paper")}
    theirs.pop("image.cmap")  # seaborn's own colour map: no chart uses the default
    assert SEABORN_WHITEGRID_PAPER.keys() == theirs.keys()
    for key, value in theirs.items():
        assert SEABORN_WHITEGRID_PAPER[key] == (pytest.approx(value) if isinstance(value, float) else value), key


def test_drawing_a_report_or_portfolio_chart_imports_neither_seaborn_nor_scipys_statistics():
    # Each costs a second of every report or portfolio page (seaborn imports scipy.stats).
    three = sorted(map(str, CLIENTS.glob("*.yaml")))[:3]
    code = ("import sys; from pathlib import Path; import csmaturity as cm; "
            "from csmaturity.report.results import compute_results; "
            "from csmaturity.report.context import render_charts; "
            "from csmaturity.portfolio.report import portfolio_figures, summarise_portfolio; "
            "from csmaturity.plotting.export import figure_svg; "
            f"results = compute_results(Path({str(CLIENTS / 'midori-fintech.yaml')!r})); render_charts(results); "
            "model = results.assessment.model; "
            f"clients = [cm.assess(model, cm.load_answers(p, model)).to_dict() for p in {three!r}]; "
            "summary = summarise_portfolio(clients, model, 'en', min_group=2); "
            "[figure_svg(f) for f in portfolio_figures(summary, model, 'en').values()]; "
            "print(sorted(m for m in ('seaborn', 'scipy.stats') if m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "[]"


def test_the_portfolio_heatmap_writes_each_score_legibly_and_leaves_an_excluded_cell_blank():
    from matplotlib.colors import to_rgb

    from csmaturity.model import ScoreScale
    from csmaturity.plotting.portfolio import dimension_heatmap

    scores = pd.DataFrame({"a": [0.0, 100.0], "b": [55.0, np.nan]}, index=["Low Co", "High Co"])
    fig = dimension_heatmap(scores, {"a": "Alpha", "b": "Beta"}, ScoreScale(), lang="en")
    ax = fig.axes[0]
    written = {t.get_text(): to_rgb(t.get_color()) for t in ax.texts}
    assert set(written) == {"0", "100", "55"}  # nothing written in the blank cell
    assert written["0"] == (1.0, 1.0, 1.0)  # white on the darkest colour
    assert written["100"] != (1.0, 1.0, 1.0)  # dark on the lightest
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Low Co", "High Co"]  # first row at the top
    assert ax.get_ylim() == (2, 0)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Alpha", "Beta"]


def test_japanese_labels_are_drawn_with_the_japanese_font(hikari):
    fig = charts.radar_chart(hikari.assessment)
    labels = [t for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert any("ヘルススコア" in t.get_text() for t in labels)
    fig.canvas.draw()  # resolves the fonts actually used
    used = {Path(findfont(t.get_fontproperties())).name for t in labels}
    assert used == {"ipaexg.ttf"}


def test_the_theme_is_matplotlibs_defaults_with_the_style_and_leaves_how_matplotlib_runs():
    from csmaturity.plotting.style import theme, theme_rc

    with matplotlib.rc_context({"figure.max_open_warning": 3, "interactive": True, "font.size": 20}):
        backend = matplotlib.get_backend()
        with matplotlib.rc_context():
            matplotlib.rcdefaults()
            matplotlib.rcParams.update(theme_rc())
            running = ("figure.max_open_warning", "interactive")
            expected = {k: v for k, v in matplotlib.rcParams.items() if k not in running}
        with theme():
            inside = dict(matplotlib.rcParams)
            assert inside["figure.max_open_warning"] == 3 and inside["interactive"] is True
            assert matplotlib.get_backend() == backend
        assert {k: inside[k] for k in expected} == expected
        assert matplotlib.rcParams["font.size"] == 20


def test_charts_are_the_same_bytes_whatever_the_global_style(hikari):
    first = figure_svg(charts.benchmark_chart(hikari.assessment))
    with matplotlib.rc_context({"figure.facecolor": "black", "font.size": 20, "figure.dpi": 72}):
        again = figure_svg(charts.benchmark_chart(hikari.assessment))
    assert first == again


def test_every_report_chart_is_a_figure(hikari):
    from csmaturity.report import report_figures

    figures = report_figures(hikari)
    assert set(figures) == {"radar", "benchmark", "roadmap", "change", "loyalty", "health", "concentration", "drivers",
                            "nps_nrs", "survival", "quadrant"}
    for fig in figures.values():
        assert isinstance(fig, Figure)
        svg = figure_svg(fig)
        assert svg.startswith(b"<?xml")
        # Text is drawn as outlines (readable without the font) and nothing is fetched.
        assert b"<text" not in svg and b'href="http' not in svg


def test_the_caching_svg_canvas_writes_matplotlibs_own_bytes(hikari):
    """Every report chart saved through the caching canvas (whose caches the module's
    earlier charts filled) is the SVG matplotlib's own backend writes, but for the
    clip path ids, which matplotlib itself does not keep from one save to the next."""
    import re

    from csmaturity.plotting.style import theme
    from csmaturity.report import report_figures

    def plain(fig):
        buffer = io.BytesIO()
        with theme():
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        return buffer.getvalue()

    def ids_out(svg):
        return re.sub(rb"#?p[0-9a-f]{10}\b", b"P", svg)

    figure_svg(charts.radar_chart(hikari.assessment))  # the caches hold the dimension names
    cached = {name: figure_svg(fig) for name, fig in report_figures(hikari).items()}
    own = {name: plain(fig) for name, fig in report_figures(hikari).items()}
    for name, svg in cached.items():
        assert ids_out(svg) == ids_out(own[name]), name


def test_charts_draw_on_a_given_axes(hikari):
    fig = Figure()
    ax = fig.add_subplot()
    assert charts.roadmap_chart(hikari.assessment, ax=ax) is fig
    m = hikari.metrics
    assert charts.health_chart(m.health, lang="en", ax=fig.add_subplot(2, 1, 2)) is fig


def test_radar_needs_a_polar_axes(hikari):
    with pytest.raises(ValueError, match="polar"):
        charts.radar_chart(hikari.assessment, ax=Figure().add_subplot())


def test_client_text_never_switches_on_mathtext():
    assert charts.literal("Cash$ Co $x^2$") == r"Cash\$ Co \$x^2\$"
    fig = Figure()
    ax = fig.add_subplot()
    ax.text(0, 0, charts.literal("$\\frac{1}{0"))  # unbalanced TeX would fail to draw
    fig.savefig(io.BytesIO(), format="png")


def test_japanese_wrapping_keeps_words_and_parentheses_whole():
    assert charts._wrap("成果指標（KPI）", 8, "ja") == "成果指標\n（KPI）"
    assert charts._wrap("サクセスロードマップ運用", 8, "ja") == "サクセスロードマップ\n運用"
    assert charts._wrap("テクノロジー活用", 7, "ja") == "テクノロジー\n活用"
    assert charts._wrap("非対面フォローの新施策", 8, "ja") == "非対面フォローの\n新施策"
    assert charts._wrap("タッチモデル", 8, "ja") == "タッチモデル"


def test_assessment_maths_does_not_import_matplotlib():
    import subprocess
    import sys

    code = ("import sys, csmaturity as cm; m = cm.load_model(); "
            f"cm.assess(m, cm.load_answers(r'{CLIENTS / 'hikari-cloud.yaml'}', m)); "
            "import csmaturity.metrics, csmaturity.report.results; print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("client", ["orbit-education", "bluepeak-hr"])
def test_charts_cope_with_unknown_answers_and_short_roadmaps(client):
    model = cm.load_model()
    result = cm.assess(model, cm.load_answers(CLIENTS / f"{client}.yaml", model))
    for chart in (charts.radar_chart, charts.benchmark_chart, charts.roadmap_chart):
        assert figure_svg(chart(result))


@pytest.mark.parametrize("client", ["hikari-cloud", "orbit-education"])
def test_benchmark_chart_marks_what_the_client_has_lacks_or_does_not_know(client):
    assessment = compute_results(CLIENTS / f"{client}.yaml").assessment
    table = assessment.benchmark
    ax = charts.benchmark_chart(assessment).axes[0]
    row_y = dict(zip(table.index, range(len(table) - 1, -1, -1), strict=True))  # first row at the top
    client_x = 1.09
    by_face = {}
    for coll in ax.collections:
        offsets = coll.get_offsets()
        if len(offsets) and np.allclose(offsets[:, 0], client_x):
            white = np.allclose(coll.get_facecolor()[0][:3], 1.0)
            by_face["open" if white else "filled"] = {round(float(y)) for y in offsets[:, 1]}
    unknown = {round(t.get_position()[1]) for t in ax.texts if t.get_text() == "?"}
    expected = {"filled": set(), "open": set(), "unknown": set()}
    for key, has in table["client"].items():
        expected["unknown" if pd.isna(has) else "filled" if has else "open"].add(row_y[key])
    assert by_face.get("filled", set()) == expected["filled"]
    assert by_face.get("open", set()) == expected["open"]
    assert unknown == expected["unknown"]


def test_roadmap_chart_draws_one_bar_per_step_hatched_when_moved(hikari):
    import dataclasses

    from matplotlib.patches import Rectangle

    road = hikari.assessment.roadmap.copy()
    road["moved_by_dependency"] = [i % 3 == 0 for i in range(len(road))]
    ax = charts.roadmap_chart(dataclasses.replace(hikari.assessment, roadmap=road)).axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() == pytest.approx(0.66)]
    assert len(bars) == len(road)
    assert [b.get_x() for b in bars] == road["start_month"].tolist()
    assert [bool(b.get_hatch()) for b in bars] == road["moved_by_dependency"].tolist()
    titles = [t.get_text() for t in ax.texts]
    assert all(f"{step}. " in " ".join(titles) for step in road.index)
