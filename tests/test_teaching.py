"""Teaching widgets as a trainee uses them: numbers typed the way people write them,
exercises checked on Enter with a hint before the answer, every word in the chosen
language, amounts and charts readable."""

from __future__ import annotations

import html
import re

import ipywidgets as W
import pytest

import csmaturity as cm
from csmaturity.exercises import EXERCISES, check
from csmaturity.io.columns import parse_amount
from csmaturity.io.readers import SURVEY_ITEMS
from csmaturity.plotting.export import SCREEN_DPI, png_size

JAPANESE = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.mark.parametrize(("typed", "value", "percent"), [
    ("210万", 2_100_000, False), ("２１０万", 2_100_000, False), ("60万円", 600_000, False),
    ("¥2,100,000", 2_100_000, False), ("￥2,100,000", 2_100_000, False), ("$12,000", 12_000, False),
    ("12,000ドル", 12_000, False), ("20億円", 2_000_000_000, False), ("1億2,000万", 120_000_000, False),
    ("2.5M", 2_500_000, False), ("７％", 7, True), ("7 %", 7, True), ("１，０００", 1000, False),
    ("−5", -5, False), ("+35", 35, False), (35, 35, False), (0.6, 0.6, False),
])
def test_parse_amount_reads_numbers_as_people_type_them(typed, value, percent):
    assert parse_amount(typed) == pytest.approx(type(parse_amount(0))(value, percent))


@pytest.mark.parametrize("typed", ["", "abc", "1e6", "万", "1万20000", "1,00", "\u0667", "nan", float("inf"), True,
                                   "60万x", "万60"])
def test_parse_amount_refuses_what_is_not_a_number(typed):
    assert parse_amount(typed) is None


@pytest.fixture(scope="module")
def sample():
    accounts = cm.load_sample_accounts()
    return accounts, cm.widgets.driver_survey(cm.load_sample_survey(), accounts, year=2024)


def explorers(lang, sample):
    import csmaturity.widgets as cw

    accounts, survey = sample
    return [cw.RetentionExplorer(lang), cw.LtvExplorer(lang), cw.ScaleExplorer("csat", lang),
            cw.ScaleExplorer("ces", lang), cw.ScaleExplorer("dwb", lang), cw.NpsExplorer(lang), cw.NrsExplorer(lang),
            cw.DriverExplorer(survey, SURVEY_ITEMS, lang), cw.HealthExplorer(accounts, lang),
            cw.SurvivalExplorer(accounts, lang), cw.RoiExplorer(lang)]


def shown(widget) -> list[str]:
    """Every text a browser draws for ``widget``: labels, option names, HTML, placeholders."""
    out = []
    if isinstance(widget, (W.HTML, W.Label)):
        out.append(html.unescape(re.sub(r"<[^>]+>", " ", widget.value)))
    for name in ("description", "placeholder", "tooltip"):
        if getattr(widget, name, None):
            out.append(getattr(widget, name))
    if isinstance(widget, (W.Dropdown, W.ToggleButtons, W.SelectMultiple, W.RadioButtons)):
        out += list(widget._options_labels)
    if isinstance(widget, W.Text):
        out.append(widget.value)
    if isinstance(widget, W.Box):
        for child in widget.children:
            out += shown(child)
    return out


def test_typing_60man_into_a_slider_box_sets_it_and_nothing_resets_to_the_minimum():
    from csmaturity.widgets import LtvExplorer, RoiExplorer

    ltv = LtvExplorer("ja")
    box = ltv.inputs["annual_revenue"].box
    box.value = "60万"  # Enter in the browser sets the value (continuous_update=False)
    assert ltv.controls["annual_revenue"].value == 600_000 and ltv.result["estimate1"] == pytest.approx(1_800_000)
    assert box.value == "60万円" and ltv.messages["annual_revenue"] == ""
    ltv.inputs["margin"].box.value = "７０％"
    assert ltv.controls["margin"].value == pytest.approx(0.7)
    for hostile in ("abc", "1e6", "", "60万x", "-5", "6000万", "NaN"):
        ltv.inputs["annual_revenue"].box.value = hostile
        assert ltv.controls["annual_revenue"].value == 600_000, hostile  # unchanged, never the minimum
        assert ltv.messages["annual_revenue"], hostile
        assert ltv.inputs["annual_revenue"].box.value == "60万円"
    assert "範囲外" in ltv.messages["annual_revenue"] or "読めません" in ltv.messages["annual_revenue"]
    ltv.inputs["annual_revenue"].box.value = "6000万"
    assert "範囲外" in ltv.messages["annual_revenue"] and "1,000万円" in ltv.messages["annual_revenue"]
    roi = RoiExplorer("en")
    roi.inputs["gain"].box.value = "$12,000"
    assert roi.controls["gain"].value == 12_000 and roi.result.roi_pct == pytest.approx(0.0)
    roi.inputs["gain"].box.value = "xyz"
    assert "not a number" in roi.messages["gain"] and roi.controls["gain"].value == 12_000


def test_every_slider_of_every_explorer_has_the_kits_box(sample):
    for explorer in explorers("en", sample):
        sliders = {k for k, c in explorer.controls.items() if isinstance(c, (W.IntSlider, W.FloatSlider))}
        assert set(explorer.inputs) == sliders
        assert all(not explorer.controls[k].readout for k in sliders)
        for name, number in explorer.inputs.items():
            before = explorer.controls[name].value
            number.box.value = "not a number"
            assert explorer.controls[name].value == before and explorer.messages[name]


def test_amounts_read_in_full_and_in_words():
    from csmaturity.widgets import LtvExplorer

    ja, en = LtvExplorer("ja", revenue=2_000_000_000), LtvExplorer("en", revenue=2_000_000_000)
    assert ja.inputs["revenue"].box.value == "20億円" and en.inputs["revenue"].box.value == "¥2,000,000,000"
    assert "20億円" in ja.formula.value and "¥2,000,000,000" in en.formula.value
    for explorer in (ja, en):
        fig = explorer.draw()
        fig.canvas.draw()
        ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
        assert ticks and not any("e" in t.lower() and any(c.isdigit() for c in t) for t in ticks if "¥" not in t)
        assert fig.axes[0].xaxis.get_offset_text().get_text() == ""
    fig = ja.draw()
    fig.canvas.draw()
    assert any(t.get_text().endswith("万円") for t in fig.axes[0].get_xticklabels())


def test_charts_are_drawn_at_twice_the_screen_density(sample):
    from csmaturity.widgets import NpsExplorer

    explorer = NpsExplorer("ja")
    width, _ = png_size(explorer.chart.value)
    assert int(explorer.chart.width) * 2 == width and SCREEN_DPI == 80


def test_japanese_explorers_show_no_raw_ids_or_english_method_names(sample):
    raw = ("active_user_share", "logins_per_seat", "feature_adoption", "tickets_per_seat", "last_nps",
           "correlation", "regression", "relative_weight", "shapley", "top2", "top1", "priority to improve",
           "churn", "payback", "months", " n = ", "#(")
    for explorer in explorers("ja", sample):
        words = " ".join(shown(explorer.widget))
        assert JAPANESE.search(words), type(explorer).__name__
        found = [r for r in raw if r in words]
        assert not found, (type(explorer).__name__, found)


def test_health_sliders_are_named_in_words(sample):
    from csmaturity.widgets import HealthExplorer

    explorer = HealthExplorer(sample[0], "ja")
    assert [c.description for c in explorer.controls.values()][0] == "アクティブユーザー率（席あたり）"
    assert explorer.controls["feature_adoption"].description == "主要機能の活用度"


def test_driver_methods_are_explained_in_the_chosen_language(sample):
    from csmaturity.widgets import DriverExplorer

    explorer = DriverExplorer(sample[1], SURVEY_ITEMS, "ja")
    assert explorer.controls["importance"].label == "相関係数"
    assert "総合評価" in explorer.method_help.value and "4か5" in explorer.method_help.value
    explorer.controls["importance"].value = "relative_weight"
    explorer.controls["performance"].value = "top1"
    assert "R²" in explorer.method_help.value and "5をつけた" in explorer.method_help.value


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_exercise_boxes_show_no_id_and_speak_the_language(exercise_id):
    from csmaturity.widgets import ExerciseBox

    box = ExerciseBox(exercise_id, "ja")
    words = " ".join(shown(box.widget))
    assert f"{exercise_id}:" not in words and "練習問題" in words and "答えを見る" in words


def test_enter_gives_a_hint_then_the_worked_answer_on_the_second_wrong_try():
    from csmaturity.widgets import ExerciseBox

    box = ExerciseBox("ltv_margin", "ja")
    working = check("ltv_margin", "0").answer("ja")
    box.answer.value = "200万"  # typed and Enter
    assert not box.feedback.correct and "ヒント" in box.verdict.value and working not in html.unescape(
        box.verdict.value)
    box.check_button.click()  # the same answer again is not a second try
    assert box.tries == 1 and "ヒント" in box.verdict.value
    box.answer.value = "220万"
    assert box.tries == 2 and working in html.unescape(box.verdict.value) and "ヒント" not in box.verdict.value
    box.answer.value = "２１０万円"
    assert box.feedback.correct and "正解です" in box.verdict.value


def test_show_the_answer_on_request_and_unreadable_answers_do_not_count():
    from csmaturity.widgets import ExerciseBox

    box = ExerciseBox("nps", "en")
    box.answer.value = "lots"
    assert box.tries == 0 and "Please answer with a number" in box.verdict.value
    box.answer.value = "30"
    assert box.tries == 1 and "Hint:" in box.verdict.value
    box.show_button.click()
    assert "Answer: NPS = % promoters − % detractors" in html.unescape(box.verdict.value)


def test_every_exercise_has_a_hint_that_is_not_its_working():
    for exercise_id in EXERCISES:
        choices = EXERCISES[exercise_id].choices
        typed = next((c for c in choices if not check(exercise_id, c).correct), "-999")
        wrong = check(exercise_id, typed)
        assert not wrong.correct and wrong.verdict == "wrong"
        for lang in ("ja", "en"):
            hint = wrong.message(lang, reveal=False)
            assert wrong.answer(lang) not in hint and hint != wrong.message(lang)


@pytest.mark.parametrize(("exercise_id", "typed"), [
    ("ltv_margin", "210万"), ("ltv_margin", "２１０万円"), ("ltv_margin", "¥2,100,000"), ("churn", "７％"),
    ("ltv_gross", "5万円"), ("payback", "８か月"), ("roi", "５２５％"),
])
def test_exercises_accept_japanese_units(exercise_id, typed):
    assert check(exercise_id, typed).correct
