"""The workshop apps driven from Python: what the browser test cannot check cheaply."""

from __future__ import annotations

import base64
import datetime as dt
import re

from csmaturity import load_answers, load_model
from csmaturity.apps import IntakeApp, batch_folders, intake_app, teaching_app
from csmaturity.apps.shell import app_font_css
from csmaturity.widgets import QuestionnaireForm, WhatIfPanel

from conftest import CLIENTS


def _fill(form: QuestionnaireForm) -> None:
    for field, value in {"id": "acme", "name": "ACME", "industry": "SaaS", "arr_band": "1-10M USD",
                         "customers": "1200", "cs_headcount": "8"}.items():
        form.client_inputs[field].value = value


def test_language_switch_keeps_what_was_typed(model, tmp_path):
    shell = intake_app("ja", answers_dir=tmp_path)
    app: IntakeApp = shell._build.__self__
    _fill(app.form)
    app.form.inputs["kpi_review"].choice.value = "monthly"
    shell.switch.value = "en"
    assert app.form.lang == "en" and app.form.client_inputs["name"].value == "ACME"
    assert app.form.inputs["kpi_review"].choice.value == "monthly" and app.form.progress == (1, 26)
    assert "Maturity assessment questionnaire" in shell.title.value


def test_blank_number_is_refused_not_saved_as_zero(model, tmp_path):
    form = QuestionnaireForm(model, "en", path=tmp_path / "c.yaml")
    _fill(form)
    form.client_inputs["customers"].value = ""
    form.save_button.click()
    assert not (tmp_path / "c.yaml").exists()
    assert "Customers: Please fill this in" in form.status.value and "String should" not in form.status.value


def test_missing_file_is_named(model, tmp_path):
    form = QuestionnaireForm(model, "ja", path=tmp_path / "gone.yaml")
    form.load_button.click()
    assert "ファイルが見つかりません: gone.yaml" in form.status.value


def test_upload_reads_through_the_kit_and_names_the_file(model, tmp_path):
    shell = intake_app("en", answers_dir=tmp_path)
    app: IntakeApp = shell._build.__self__
    app.load_file("hikari.yaml", (CLIENTS / "hikari-cloud.yaml").read_bytes())
    assert app.form.progress == (26, 26)
    app.upload.value = ({"name": "broken.yaml", "content": b"client: {id: x}\n", "type": "", "size": 16,
                         "last_modified": dt.datetime(2026, 12, 1)},)
    assert "broken.yaml: Company name: Please fill this in" in app.upload_status.value


def test_save_offers_the_answers_for_download(model, tmp_path):
    shell = intake_app("en", answers_dir=tmp_path)
    app: IntakeApp = shell._build.__self__
    _fill(app.form)
    app.form.inputs["kpi_review"].choice.value = "monthly"
    app.form.save_button.click()
    assert app.saved == tmp_path / "acme.yaml"
    data = re.search(r"href='data:application/x-yaml;base64,([^']+)'", app.downloads.value).group(1)
    (tmp_path / "down.yaml").write_bytes(base64.b64decode(data))
    assert load_answers(tmp_path / "down.yaml", model).answers == {"kpi_review": "monthly"}


def test_what_if_follows_the_form_live(model):
    form = QuestionnaireForm(model, "en")
    panel = WhatIfPanel(model, form.working_answers(), "en")
    panel.follow(form)
    before = panel.baseline.overall
    form.inputs["kpi_review"].choice.value = "weekly_actions"
    assert panel.baseline.overall > before and panel.answer_inputs["kpi_review"].value == "weekly_actions"


def test_suggestions_are_one_per_question_labelled_by_text(model):
    hikari = load_answers(CLIENTS / "hikari-cloud.yaml", model)
    panel = WhatIfPanel(model, hikari, "en")
    shown = panel.suggest()
    assert shown["question"].is_unique
    assert model.question(shown.iloc[0]["question"]).text.get("en") in panel.lifts.value
    assert "<th>Question</th><th>Change</th><th>Score after</th>" in panel.lifts.value


def test_apps_carry_the_japanese_font(model):
    css = app_font_css(model)
    assert "@font-face" in css and "csmaturity-ja" in css and "U+3042" in css.replace("U+3041-", "U+3042 ")
    teaching = teaching_app("ja")
    assert teaching.widget.children[0].value == app_font_css(None)


def test_batch_folders_finds_results(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "a.en.results.json").write_text("{}")
    for client in ("acme", "kaede-works"):  # a batch: a folder per client, its summary on top
        (tmp_path / "demo" / client).mkdir(parents=True)
        (tmp_path / "demo" / client / f"{client}.ja.results.json").write_text("{}")
    (tmp_path / "demo" / "batch_summary.csv").write_text("key\n")
    assert batch_folders(tmp_path) == [tmp_path / "demo", tmp_path / "reports"]
    assert batch_folders(tmp_path / "demo") == [tmp_path / "demo"]


def test_the_portfolio_view_says_its_gaps_in_words(tmp_path):
    from csmaturity.apps.portfolio import PortfolioApp
    from csmaturity.batch import run_batch

    run_batch([CLIENTS / "hikari-cloud.yaml", CLIENTS / "midori-fintech.yaml"], tmp_path / "demo", workers=1,
              progress=False, formats=("html",))
    app = PortfolioApp(load_model(), tmp_path)
    app.build("ja")
    assert app.menu.options == (("demo", tmp_path / "demo"),) and app.folder == tmp_path / "demo"
    page = app.view.value
    assert "2 社" in page and "<th>設問</th>" in page and "<th>領域</th>" in page
    assert "remote_touch" not in page and "%</td>" in page
    # A damaged results file is named in the page's language; the rest is still shown.
    damaged = next((tmp_path / "demo").rglob("midori-fintech.*.results.json"))
    damaged.write_text('{"client": ', encoding="utf-8")
    app.show(tmp_path / "demo", "ja")
    page = app.view.value
    assert "1 社" in page and "読めない結果ファイル" in page and damaged.name in page
    damaged.write_text("[1, 2]", encoding="utf-8")  # JSON, but not results
    app.show(tmp_path / "demo", "en")
    assert "Clients: 1" in app.view.value and "not a readable results file" in app.view.value
