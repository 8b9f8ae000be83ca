"""Every front door but the client report, with any valid model.

The example instrument (``models/examples/cs_quick_check.yaml``: English only, scores
1-4 with one decimal, no benchmark, no phases, its own client profile, an area left out
of the score when nothing in it is known) and its three sample clients go through the
batch (both engines), the portfolio, the Excel intake, the widgets, the synthetic
clients, ``new-client`` and ``validate``; variants of the shipped model without a
benchmark and with two benchmarks go through the portfolio.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

import csmaturity as cm
from csmaturity.cli import main
from csmaturity.intake import choice_labels, read_intake, write_answers, write_intake_template
from csmaturity.intake.workbook import instruction_lines
from csmaturity.model import DONT_KNOW

from conftest import CLIENTS, ROOT, SAMPLE

QUICK = ROOT / "lib" / "csmaturity" / "models" / "examples" / "cs_quick_check.yaml"
QUICK_CLIENTS = sorted((SAMPLE / "quick_check").glob("*.yaml"))
SHIPPED = ROOT / "lib" / "csmaturity" / "models" / "cs_maturity_v1.yaml"
#: The heading of a portfolio's section per benchmark (English).
COHORTS = "The portfolio beside the survey cohorts"


@pytest.fixture(scope="module")
def quick():
    return cm.load_model(QUICK)


@pytest.fixture(scope="module")
def quick_results(quick) -> list[dict]:
    return [cm.assess(quick, cm.load_answers(p, quick)).to_dict() for p in QUICK_CLIENTS]


def shipped_variant(folder: Path, change) -> Path:
    """The shipped model as data, changed by ``change(data)``, written to ``folder``."""
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    change(data)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "model.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    cm.load_model(path)  # a valid model
    return path


def without_benchmarks(data: dict) -> None:
    data.pop("benchmarks")
    for q in data["questions"]:
        q.pop("benchmark", None)


def with_two_benchmarks(data: dict) -> None:
    """The touch-model and phase-rule items move to a second survey of three cohorts,
    with no contrast (the client is only shown beside them)."""
    first = data["benchmarks"][0]
    moved = [i for i in first["items"] if i["id"].startswith(("touch_", "phase_rules_"))]
    first["items"] = [i for i in first["items"] if i not in moved]
    cohorts = ["leaders", "followers", "laggards"]
    data["benchmarks"].append({
        "id": "pulse_2024", "source": {"ja": "2024年 CS パルス調査", "en": "2024 CS pulse survey"}, "year": 2024,
        "cohorts": [{"id": c, "name": {"ja": c, "en": c.title()}} for c in cohorts],
        "items": [{"id": i["id"], "label": i["label"], "shares": dict(zip(cohorts, (0.7, 0.4, 0.1), strict=True))}
                  for i in moved],
    })


def results_json(out: Path) -> dict[str, dict]:
    found = {}
    for path in out.glob("*/*.results.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[data["client"]["id"]] = data
    return found


def cohort_charts(html: str) -> list[str]:
    return re.findall(rf'<img alt="{COHORTS}" src="data:image/svg\+xml;base64,', html)


# --------------------------------------------------------------------------- batch and portfolio


def check_quick_batch(out: Path, quick) -> None:
    """What a batch of the quick-check clients leaves: reports on the 1-4 scale and a
    portfolio grouped by the model's own segment field, without a cohort section."""
    found = results_json(out)
    assert sorted(found) == [p.stem for p in QUICK_CLIENTS]
    for r in found.values():
        assert r["scale"] == {"min": 1, "max": 4}
        assert 1 <= r["overall"] <= 4 and r["client"]["profile"]["segment"] in ("smb", "mid_market", "enterprise")
        assert r["provenance"]["model"] == {"id": "cs-quick-check", "version": "0.1.0"}
    assert found["pebble-books"]["dimensions"]["growth"] is None  # nothing known there: left out
    table = pd.read_csv(out / "portfolio.csv", index_col="client_id")
    assert {"segment", "product_complexity", "team_age_years"} <= set(table.columns)
    assert "business_model" not in table.columns and table["overall"].between(1, 4).all()
    percentiles = pd.read_csv(out / "portfolio_percentiles.csv", index_col="client_id")
    assert percentiles["segment"].to_dict() == {"northstar-crm": "enterprise", "pebble-books": "smb",
                                                "tidewater-logistics": "mid_market"}
    assert "cohorts" not in openpyxl.load_workbook(out / "portfolio.xlsx").sheetnames
    html = (out / "portfolio.html").read_text(encoding="utf-8")
    assert COHORTS not in html and "survey" not in html
    # Overall scores with the scale's one decimal, segment values by their labels.
    assert re.search(r"<td>Small businesses</td><td class=\"num\">1\.5</td>", html)
    assert "Main customer segment" in html
    assert "A grey cell is a dimension left out of that client" in html  # pebble-books' growth area


def test_batch_and_portfolio_of_the_example_instrument(quick, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["batch", *map(str, QUICK_CLIENTS), "--model", str(QUICK), "--out", str(out), "--workers", "1",
                 "--no-progress", "--min-group", "2"]) == 0
    assert "3 ok" in capsys.readouterr().out
    check_quick_batch(out, quick)
    # The portfolio again, grouped by another of the model's fields.
    assert main(["portfolio", str(out), "--model", str(QUICK), "--segment", "product_complexity"]) == 0
    capsys.readouterr()
    assert pd.read_csv(out / "portfolio_percentiles.csv")["segment"].tolist() == ["complex", "simple", "moderate"]


def test_a_segment_or_language_the_model_lacks_is_refused_naming_what_it_has(tmp_path, capsys):
    out = tmp_path / "out"
    for wrong in (["--segment", "business_model"], ["--lang", "ja"]):
        assert main(["batch", *map(str, QUICK_CLIENTS), "--model", str(QUICK), "--out", str(out), "--workers", "1",
                     "--no-progress", *wrong]) == 2
        err = capsys.readouterr().err
        assert ("must be one of segment, industry, product_complexity, got 'business_model'" in err
                if wrong[0] == "--segment" else "written in en only; got 'ja'" in err)
        assert not list(out.glob("*/*.results.json"))  # before any client ran


@pytest.mark.pool
def test_the_example_instrument_on_worker_processes(quick, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["batch", str(SAMPLE / "quick_check"), "--model", str(QUICK), "--out", str(out), "--workers", "2",
                 "--no-progress", "--min-group", "2"]) == 0
    capsys.readouterr()
    check_quick_batch(out, quick)


@pytest.mark.slow
def test_the_notebook_engine_and_the_portfolio_notebook_with_the_example_instrument(quick, tmp_path):
    import papermill as pm

    from csmaturity.batch import run_batch

    out = tmp_path / "out"
    result = run_batch(QUICK_CLIENTS, out, engine="papermill", workers=1, model_file=QUICK, progress=False)
    assert not result.failed, [o.error for o in result.failed]
    assert len(list(out.glob("*/*.diagnosis.ipynb"))) == 3 and len(list(out.glob("*/*.audit.html"))) == 3
    # The portfolio notebook writes the portfolio files, in the model's language by default.
    pm.execute_notebook(str(ROOT / "notebooks" / "portfolio.ipynb"), str(tmp_path / "portfolio.ipynb"),
                        parameters={"batch_dir": str(out), "model_file": str(QUICK), "min_group": 2},
                        kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    check_quick_batch(out, quick)
    cells = json.loads((tmp_path / "portfolio.ipynb").read_text(encoding="utf-8"))["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c["outputs"]]
    images = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(images) == 2  # levels and heatmap: no benchmark, no cohort chart


def test_a_model_without_benchmarks_runs_batch_and_portfolio(tmp_path, capsys):
    model = shipped_variant(tmp_path / "model", without_benchmarks)
    clients = [CLIENTS / "northwind-analytics.yaml", CLIENTS / "sakura-logistics.yaml"]
    out = tmp_path / "out"
    assert main(["batch", *map(str, clients), "--model", str(model), "--out", str(out), "--workers", "1",
                 "--no-progress"]) == 0
    assert "2 ok" in capsys.readouterr().out
    html = (out / "portfolio.html").read_text(encoding="utf-8")
    assert COHORTS not in html and "2021" not in html
    assert all(r["cohort_similarity"] is None and r["benchmark"] == {} for r in results_json(out).values())


def test_a_model_with_two_benchmarks_gets_a_cohort_section_each(tmp_path):
    from csmaturity.portfolio.report import portfolio_figures, summarise_portfolio, write_portfolio

    model = cm.load_model(shipped_variant(tmp_path / "model", with_two_benchmarks))
    results = [cm.assess(model, cm.load_answers(p, model)).to_dict() for p in sorted(CLIENTS.glob("*.yaml"))]
    summary = summarise_portfolio(results, model, "en", min_group=2)
    assert set(summary.cohorts["benchmark"]) == {"cs_survey_2021", "pulse_2024"}
    pulse = summary.cohorts[summary.cohorts["benchmark"] == "pulse_2024"]
    assert pulse["leaders"].eq(0.7).all() and pulse["effective"].isna().all()
    assert {"cohorts_cs_survey_2021", "cohorts_pulse_2024"} <= set(portfolio_figures(summary, model, "en"))
    html = write_portfolio(summary, model, tmp_path, "en").html.read_text(encoding="utf-8")
    assert len(cohort_charts(html)) == 2 and html.count("<th>Practice</th>") == 2
    assert "Source: 2024 CS pulse survey" in html and "<th class=\"num\">Leaders</th>" in html
    assert "<th class=\"num\">Feel CS is effective</th>" in html


def test_the_heatmap_is_coloured_over_the_models_scale(quick, quick_results):
    from csmaturity.portfolio.report import portfolio_figures, summarise_portfolio

    summary = summarise_portfolio(quick_results, quick, "en", min_group=2)
    heatmap = portfolio_figures(summary, quick, "en")["heatmap"]
    colours = heatmap.axes[0].collections[0]
    assert (colours.norm.vmin, colours.norm.vmax) == (1, 4)
    assert heatmap.axes[1].get_ylabel() == "Dimension score (1-4)"
    assert "2.5" in [t.get_text() for t in heatmap.axes[0].texts]  # the scale's one decimal


def test_percentiles_leave_out_a_dimension_the_model_excluded(quick, quick_results):
    from csmaturity.portfolio import rank_portfolio

    # Two copies of each client in one industry: pebble-books' growth area has no score.
    twins = [{**r, "client": {**r["client"], "id": r["client"]["id"] + suffix, "industry": "Software"}}
             for r in quick_results for suffix in ("", "-b")]
    ranking = rank_portfolio(twins, quick, segment="industry", min_group=2)
    pct = ranking.percentiles
    assert pd.isna(pct.loc["pebble-books", "growth"]) and pd.isna(pct.loc["pebble-books-b", "growth"])
    # growth among the four clients with a score: northstar 2.0 (two) and tidewater 3.0 (two)
    assert pct.loc["northstar-crm", "growth"] == pytest.approx(100 * 0.5 / 3)
    assert pct.loc["tidewater-logistics", "growth"] == pytest.approx(100 * 2.5 / 3)
    position = ranking.position("pebble-books")
    assert position["segment_labels"] == {"name": "Industry", "value": "Software"}
    # overall: the lowest, tied with its twin: 100 * (0 + 0.5 * 1) / (6 - 1)
    assert position["percentiles"]["growth"] is None and position["percentiles"]["overall"] == 10


def test_results_without_the_shipped_profile_are_ranked(quick_results, quick):
    from csmaturity.portfolio import portfolio_table, segments

    assert [s.id for s in segments(quick)] == ["segment", "industry", "product_complexity"]
    assert segments(quick)[0].value_label("mid_market") == "Mid-market"
    table = portfolio_table(quick_results, quick)
    assert table.loc["pebble-books", "segment"] == "smb" and pd.isna(table.loc["pebble-books", "growth"])


# --------------------------------------------------------------------------- intake


def fill_intake(template: Path, out: Path, answers: cm.ClientAnswers, model, lang: str = "en") -> None:
    """Fill a template as a person would: labels from the dropdowns, numbers typed."""
    wb = openpyxl.load_workbook(template)
    ws = wb["Questionnaire"]
    at = {ws[f"G{r}"].value: r for r in range(1, ws.max_row + 1) if ws[f"G{r}"].value}
    client = answers.client
    for key, value in {"client.id": client.id, "client.name": client.name, "client.industry": client.industry,
                       "client.assessment_date": dt.datetime.combine(client.assessment_date, dt.time()),
                       "client.language": client.language}.items():
        ws[f"D{at[key]}"] = value
    for field in model.profile:
        value = client.profile.get(field.id)
        if value is not None:  # a choice by its label, as the dropdown shows it
            ws[f"D{at['client.profile.' + field.id]}"] = field.value_label(value, lang) if field.options else value
    for q in model.questions:
        value = answers.answers[q.id]
        ws[f"D{at[q.id]}"] = next(label for label, v in choice_labels(q, lang).items() if v == value)
        if q.id in answers.evidence:
            ws[f"E{at[q.id]}"] = answers.evidence[q.id]
    wb.save(out)


@pytest.mark.parametrize("client", [p.stem for p in QUICK_CLIENTS])
def test_intake_round_trip_of_the_example_instrument(quick, tmp_path, client):
    expected = cm.load_answers(SAMPLE / "quick_check" / f"{client}.yaml", quick)
    template = write_intake_template(quick, tmp_path / "t.xlsx", lang="en")
    fill_intake(template, tmp_path / "filled.xlsx", expected, quick)
    imported = read_intake(tmp_path / "filled.xlsx", quick)
    write_answers(quick, imported, tmp_path / "client.yaml")
    reloaded = cm.load_answers(tmp_path / "client.yaml", quick)
    assert reloaded.client == expected.client and reloaded.answers == expected.answers
    assert reloaded.evidence == expected.evidence
    got, want = cm.score(quick, reloaded), cm.score(quick, expected)
    assert got.overall == pytest.approx(want.overall) and got.level.id == want.level.id


def test_the_intake_offers_dont_know_only_where_the_model_accepts_it(quick, tmp_path):
    template = write_intake_template(quick, tmp_path / "t.xlsx", lang="en")
    wb = openpyxl.load_workbook(template)
    lists = [[c.value for c in col if c.value is not None] for col in wb["_lists"].iter_cols()]
    assert ["No one in particular", "Sales, after the deal", "A CS team, without a target",
            "A CS team with a retention target"] in lists  # retention_owner: no "Don't know"
    assert ["Small businesses", "Mid-market", "Enterprise"] in lists  # the profile choice by its labels
    steps = [c.value for c in wb["Instructions"]["A"] if c.value]
    assert steps[1] == "This workbook is the questionnaire of Customer Success Quick Check."
    assert 'choose "Don\'t know" where the list offers it' in steps[4]
    assert not any("tick" in s for s in steps)  # no multi-choice question, no tick rows to explain
    assert steps[-3].startswith("4. Use the evidence column") and steps[-2].startswith("5. Do not delete")
    # The blank-answer error offers "don't know" only for a question that takes it.
    ws = wb["Questionnaire"]
    at = {ws[f"G{r}"].value: r for r in range(1, ws.max_row + 1) if ws[f"G{r}"].value}
    for key, value in {"client.id": "x", "client.name": "X", "client.industry": "Y",
                       "client.profile.segment": "Enterprise", "client.profile.product_complexity": "Moderate",
                       "client.profile.team_age_years": 2}.items():
        ws[f"D{at[key]}"] = value
    wb.save(tmp_path / "blank.xlsx")
    with pytest.raises(cm.AnswersError) as err:
        read_intake(tmp_path / "blank.xlsx", quick)
    messages = {p.location.rsplit(" ", 1)[-1]: p.message for p in err.value.problems}
    assert "Don't know" not in messages["retention_owner"] and "(or \"Don't know\")" in messages["success_defined"]


def test_a_model_refusing_dont_know_everywhere_never_offers_it(tmp_path):
    data = yaml.safe_load(QUICK.read_text(encoding="utf-8"))
    for q in data["questions"]:
        q["allow_dont_know"] = False
    model = cm.parse_model(data)
    lines = instruction_lines(model, "en")
    assert not any("Don't know" in line for line in lines)
    assert "3. If you are not sure, choose the closest answer (do not leave an answer blank)." in lines


def test_an_english_only_model_gives_an_english_only_intake(quick, tmp_path, capsys):
    with pytest.raises(ValueError, match="'cs-quick-check' is written in en only; got 'ja'"):
        write_intake_template(quick, tmp_path / "ja.xlsx", lang="ja")
    assert main(["intake-template", "--model", str(QUICK), "--lang", "ja", "--out", str(tmp_path / "ja.xlsx")]) == 2
    assert "written in en only" in capsys.readouterr().err and not (tmp_path / "ja.xlsx").exists()
    assert main(["intake-template", "--model", str(QUICK), "--out", str(tmp_path / "en.xlsx")]) == 0
    assert "10 questions, en" in capsys.readouterr().out
    assert openpyxl.load_workbook(tmp_path / "en.xlsx").sheetnames[:2] == ["Instructions", "Questionnaire"]


# --------------------------------------------------------------------------- widgets


def test_the_form_fills_and_saves_an_example_client(quick, tmp_path):
    from csmaturity.widgets import QuestionnaireForm

    northstar = cm.load_answers(QUICK_CLIENTS[0], quick)
    form = QuestionnaireForm(quick, answers=northstar, path=tmp_path / "c.yaml")
    assert form.lang == "en" and form.progress == (10, 10)
    assert form.inputs["retention_owner"].choice.options[-1] == ("A CS team with a retention target", "4")
    assert DONT_KNOW not in [v for _, v in form.inputs["retention_owner"].choice.options]
    assert [v for _, v in form.inputs["success_defined"].choice.options][-1] == DONT_KNOW
    assert form.client_inputs["segment"].options[0] == ("Small businesses", "smb")
    form.inputs["retention_owner"].choice.value = "4"
    form.save_button.click()
    saved = cm.load_answers(tmp_path / "c.yaml", quick)
    assert saved.client == northstar.client and saved.answers == {**northstar.answers, "retention_owner": "4"}
    # An optional number left blank stays out of the profile (not saved as 0).
    form.client_inputs["cs_team_size"].value = ""
    assert "cs_team_size" not in form.answers().client.profile
    with pytest.raises(ValueError, match="written in en only"):
        QuestionnaireForm(quick, "ja")


def test_the_what_if_panel_of_an_example_client(quick):
    from csmaturity.widgets import WhatIfPanel

    pebble = cm.load_answers(SAMPLE / "quick_check" / "pebble-books.yaml", quick)
    panel = WhatIfPanel(quick, pebble)
    assert DONT_KNOW not in [v for _, v in panel.answer_inputs["retention_owner"].options]
    assert DONT_KNOW in [v for _, v in panel.answer_inputs["success_defined"].options]
    board = panel.scoreboard.value
    assert "Overall score: 1.50 → <b>1.50</b>" in board  # one decimal finer than the scale's
    assert "<td>Growth and advocacy</td><td style='text-align:right'>1</td><td style='text-align:right'>—</td>" in board
    assert "<td style='text-align:right'>2.0</td>" in board  # health signals on 1-4
    panel.answer_inputs["advocacy"].value = "4"  # the growth area gets a known answer, its only one
    assert panel.result.dimensions.loc["growth", "score"] == 4
    assert panel.result.overall > panel.baseline.overall


# --------------------------------------------------------------------------- synth, new-client, validate


def test_synthetic_clients_of_the_example_instrument(quick, tmp_path):
    from csmaturity.synth import write_synthetic_clients

    paths = write_synthetic_clients(quick, 40, tmp_path, seed=3)
    answers = [cm.load_answers(p, quick) for p in paths]
    assert {a.client.language for a in answers} == {"en"}
    assert {a.client.profile["segment"] for a in answers} == {"smb", "mid_market", "enterprise"}
    cards = [cm.score(quick, a) for a in answers]
    assert all(1 <= c.overall <= 4 for c in cards)
    assert {c.level.id for c in cards} == {"crawl", "walk", "run"}


def test_new_client_lists_the_profile_and_parses_once_filled(quick, tmp_path, capsys):
    assert main(["new-client", "--model", str(QUICK), "--id", "acme"]) == 0
    text = capsys.readouterr().out
    assert "# Main customer segment: smb (Small businesses), mid_market (Mid-market), enterprise (Enterprise)" in text
    assert "# People in the CS team: a whole number (optional)" in text
    # "don't know" is listed under a question only when the question takes it.
    assert "dont_know" not in text.split("# Who owns retention?")[1].split("retention_owner:")[0]
    assert "#   dont_know" in text.split("# Do you write down")[1].split("success_defined:")[0]
    data = yaml.safe_load(text)
    data["client"].update(name="ACME", industry="SaaS")
    data["client"]["profile"].update(segment="enterprise", team_age_years=3)
    for q in quick.questions:
        data["answers"][q.id]["answer"] = 3  # the option numbered 3
    answers = cm.parse_answers(data, quick)
    assert answers.warnings == () and answers.client.profile == {"segment": "enterprise",
                                                                 "product_complexity": "simple", "team_age_years": 3}
    assert cm.score(quick, answers).overall == pytest.approx(3.0)


def test_validate_the_example_instrument_and_its_clients(capsys):
    assert main(["validate", "--model", str(QUICK), *map(str, QUICK_CLIENTS)]) == 0
    out = capsys.readouterr().out
    assert "OK      model" in out and out.count("10/10 answered") == 3
