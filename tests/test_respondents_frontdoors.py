"""Several respondents at every front door, with the four-respondent sample client
(the sample client folder kaede-works: CEO, CS head and sales head named, the support lead
anonymous): the CLI's validate, score and report, the report's section (HTML, workbook,
results JSON) and the verdict's sentence, the intake per person into a client folder,
the widget form, the batch and the portfolio, and the diagnosis notebook."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

import csmaturity as cm
from csmaturity.batch import expand_client_paths, run_batch
from csmaturity.cli import main
from csmaturity.intake import TICK, answers_data, choice_labels, read_intake, write_intake_template
from csmaturity.model import DONT_KNOW
from csmaturity.respondents import load_responses

from conftest import CLIENTS, require_module

KAEDE = CLIENTS / "kaede-works"
#: A name the support lead gives without allowing it to be shown (anonymous by default).
HIDDEN_NAME = "山田 花子"
CONTESTED = ["hs_validated", "kpi_ltv_focus", "phase_rules", "kpi_defined", "phases_covered"]


def kaede_copy(folder: Path) -> Path:
    """The sample client's folder, the support lead's file also giving a name it does not
    allow to be shown."""
    shutil.copytree(KAEDE, folder)
    lead = folder / "support-lead.yaml"
    data = yaml.safe_load(lead.read_text(encoding="utf-8"))
    data["respondent"]["name"] = HIDDEN_NAME
    lead.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def kaede(tmp_path_factory) -> Path:
    return kaede_copy(tmp_path_factory.mktemp("clients") / "kaede-works")


@pytest.fixture(scope="module")
def report(kaede, tmp_path_factory) -> dict[str, Path]:
    """The folder's report through the CLI, in Japanese and in English."""
    out = tmp_path_factory.mktemp("report")
    paths = {}
    for lang in ("ja", "en"):
        assert main(["report", str(kaede), "--lang", lang, "--out", str(out)]) == 0
        paths[lang] = out / f"kaede-works.{lang}.report.html"
    return paths


def section(html: str) -> str:
    return html[html.index('<section id="respondents"'):html.index("</section>", html.index('id="respondents"'))]


# --------------------------------------------------------------------------- the command line


def test_validate_takes_a_client_folder_and_a_folder_of_clients(capsys):
    assert main(["validate", str(KAEDE)]) == 0
    assert "kaede-works: 4 respondents" in capsys.readouterr().out
    # A folder of clients: each file a client, the sub-folder one client (not four).
    assert main(["validate", str(CLIENTS)]) == 0
    out = capsys.readouterr().out
    assert out.count("OK") == 7 and "kaede-works: 4 respondents" in out


def test_validate_checks_loose_files_of_one_client_together(tmp_path, capsys):
    assert main(["validate", *map(str, sorted(KAEDE.glob("*.yaml")))]) == 0
    assert "client kaede-works: 4 respondents checked together" in capsys.readouterr().out
    folder = kaede_copy(tmp_path / "kaede")
    ceo = folder / "ceo.yaml"
    data = yaml.safe_load(ceo.read_text(encoding="utf-8"))
    data["client"]["name"] = "かえで工業"
    ceo.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["validate", *map(str, sorted(folder.glob("*.yaml")))]) == 1
    err = capsys.readouterr().err
    assert "client.name" in err and "ceo.yaml" in err and "cs-head.yaml" in err
    assert main(["validate", str(folder)]) == 1
    assert "client.name" in capsys.readouterr().err


def test_score_takes_a_folder_or_its_files(capsys, model):
    assert main(["score", str(KAEDE), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["respondents"]["count"] == 4 and summary["respondents"]["robustness"]["movers"] == ["sales-head"]
    assert main(["score", *map(str, sorted(KAEDE.glob("*.yaml"))), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["overall"] == summary["overall"]
    assert main(["score", str(KAEDE)]) == 0
    text = capsys.readouterr().out
    assert "respondents: 4 (mean of their answers)" in text and "moves it: 高橋 拓也" in text
    assert "contested: hs_validated" in text


def test_report_takes_several_files(tmp_path, capsys):
    files = sorted(KAEDE.glob("*.yaml"))
    assert main(["report", *map(str, files), "--out", str(tmp_path)]) == 0
    assert 'id="respondents"' in (tmp_path / "kaede-works.ja.report.html").read_text(encoding="utf-8")
    assert main(["report", *map(str, files), "--notebook", "--out", str(tmp_path)]) == 2
    assert "give one answers file or the client's folder" in capsys.readouterr().err


# --------------------------------------------------------------------------- the report


def test_the_report_shows_where_the_team_disagrees(report):
    html = report["ja"].read_text(encoding="utf-8")
    part = section(html)
    assert "回答者と見解の相違" in part and "チームの見解が分かれているところ" in part
    assert part.count("data:image/svg+xml;base64,") == 1  # the heat map
    # Respondents by role, named where they allowed it.
    for who in ("経営者（楓 健一）", "CS責任者（佐藤 美咲）", "営業責任者（高橋 拓也）", "サポートリーダー"):
        assert who in part
    # The five most contested questions, widest first, with each shown role's answer and evidence.
    contested = part[part.index('id="contested"'):part.index('id="role-gaps"')]
    model = cm.load_model()
    positions = [contested.index(model.question(q).text.ja) for q in CONTESTED]
    assert positions == sorted(positions) and contested.count('rowspan="3"') == 10
    assert "根拠: 取締役会資料にNRRと解約率を毎月掲載している。" in contested
    assert contested.count("ほか1名の回答は個別に示していません。") == 5
    # The role gaps, as a facilitator reads them out.
    assert ("ヘルススコア：営業責任者は100、CS責任者は33と見ています。たとえば「ヘルススコアはどのように運用されて"
            "いますか」に、営業責任者は「定期的に確認し、変化に応じて決まった打ち手を実行している」、CS責任者は"
            "「定義はあるが運用されていない」と答えています。") in part
    assert "営業責任者（高橋 拓也）の根拠：更新3か月前にスコアが赤い顧客は営業が訪問している。" in part
    # Consensus with the spread beside it, and the agreement.
    assert "0 – 100" in part and "一致度はクリッペンドルフのα" in part and "全体では0.23です" in part


def test_the_verdict_says_how_firm_the_level_is(report):
    ja = report["ja"].read_text(encoding="utf-8")
    verdict = ja[ja.index('<div class="verdict">'):ja.index("</div>", ja.index('<div class="verdict">'))]
    assert ("この段階の確かさ：回答者を入れ替えて1,000回再計算すると、その67%で同じ「CS 1.0 リテンション」"
            "になり（総合スコアの95%区間 37〜74）、営業責任者（高橋 拓也）の回答を除くと「CS 0.0 設計」に"
            "変わります。") in verdict
    en = html.unescape(report["en"].read_text(encoding="utf-8"))
    assert ("How firm the level is: 67% of 1,000 recalculations with the respondents resampled land on CS 1.0 "
            "Retention (the overall's 95% interval 37–74), and leaving out 営業責任者 (高橋 拓也) alone moves it to "
            "CS 0.0 Design.") in en
    assert 'For instance, on "How is the health score used day to day?" 営業責任者 answered' in en


def test_an_anonymous_respondent_is_never_named_nor_shown_alone(report):
    for lang, path in report.items():
        html = path.read_text(encoding="utf-8")
        assert HIDDEN_NAME not in html and "カスタマーサポート部" not in html, lang
    part = section(report["ja"].read_text(encoding="utf-8"))
    row = re.search(r"<tr><td><b>サポートリーダー</b></td>.*?</tr>", part, re.S).group(0)
    assert '<td class="n">—</td><td>—</td>' in row  # no own score or level
    assert "サポートリーダーは回答者が1名で名前の表示も許可されていないため" in part
    book = openpyxl.load_workbook(report["ja"].with_suffix(".xlsx"))
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert not any(HIDDEN_NAME in c or "カスタマーサポート部" in c for c in cells)


def test_the_workbook_has_the_respondents_sheets(report):
    book = openpyxl.load_workbook(report["ja"].with_suffix(".xlsx"))
    assert {"回答者", "見解の相違", "分かれた質問"} <= set(book.sheetnames)
    people = list(book["回答者"].iter_rows(values_only=True))
    assert people[0][:3] == ("回答者", "役割", "部署")
    assert [r[0] for r in people[1:5]] == ["経営者（楓 健一）", "CS責任者（佐藤 美咲）", "営業責任者（高橋 拓也）",
                                           "サポートリーダー"]
    assert people[4][4] is None  # the hidden role's own score
    labels = {r[0]: r[1] for r in people[5:] if r[0]}
    assert labels["この段階の確かさ"].startswith("この段階の確かさ：回答者を入れ替えて1,000回")
    assert labels["一致度（α、全体）"] == "0.23"
    last_line = max(i for i, r in enumerate(people, start=1) if r[0])
    assert book["回答者"].print_area.endswith(f"$F${last_line}")  # the verdict and role gaps are printed too
    spread = list(book["見解の相違"].iter_rows(values_only=True))
    assert spread[0] == ("領域", "合意スコア", "最低", "最高", "標準偏差", "一致度（α）",
                         "経営者（楓 健一）", "CS責任者（佐藤 美咲）", "営業責任者（高橋 拓也）")
    health = next(r for r in spread if r[0] == "ヘルススコア")
    assert health[2:4] == (0, 100) and health[6:] == pytest.approx((66.667, 33.333, 100), abs=1e-3)
    contested = list(book["分かれた質問"].iter_rows(values_only=True))
    question = contested[0].index("質問ID")
    assert [r[question] for r in contested[1::3]] == CONTESTED and len(contested) == 1 + 5 * 3



def test_the_deck_has_a_slide_on_where_the_team_disagrees(kaede, tmp_path):
    require_module("pptx", "pip install 'csmaturity[deck]'")
    import pptx

    from csmaturity.plotting.style import COLORS
    from csmaturity.report import build_report
    from csmaturity.report.deck import slide_titles

    deck = build_report(kaede, out_dir=tmp_path, lang="en", formats=["pptx"]).pptx
    titles = slide_titles(deck)
    assert titles[titles.index("Maturity by dimension") + 1] == "Where your team disagrees"
    slide = pptx.Presentation(str(deck)).slides[titles.index("Where your team disagrees")]
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    header = [table.cell(0, j).text for j in range(len(table.columns))]
    assert header[-1] == "Consensus" and len(header) == 1 + 3 + 1  # the hidden support lead has no column
    health = next(i for i in range(len(table.rows)) if table.cell(i, 0).text == "Health score")
    cs_head = header.index(next(h for h in header if h.startswith("CS責任者")))  # the roles as the files write them
    assert [table.cell(health, j).text for j in range(1, 5)] == ["67", "33", "100", "67"]
    # Below the consensus: vermilion; above: blue; the consensus itself grey (as the heat map).
    fill = table.cell(health, cs_head).fill.fore_color.rgb
    assert fill[0] > fill[2], fill
    sales = header.index(next(h for h in header if h.startswith("営業責任者")))
    assert table.cell(health, sales).fill.fore_color.rgb[2] > table.cell(health, sales).fill.fore_color.rgb[0]
    assert str(table.cell(health, 4).fill.fore_color.rgb) == COLORS["grid"][1:]
    words = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    assert "How firm the level is" in words and "Health score:" in words

def test_the_results_json_carries_the_respondents(report):
    summary = json.loads(report["ja"].with_suffix("").with_suffix(".results.json").read_text(encoding="utf-8"))
    team = summary["respondents"]
    assert team["count"] == 4 and team["hidden_roles"] == ["サポートリーダー"]
    assert [p["name"] for p in team["people"]] == ["楓 健一", "佐藤 美咲", "高橋 拓也", None]
    assert [c["question"] for c in team["contested"]] == CONTESTED
    assert team["robustness"]["interval"] == pytest.approx([36.87, 73.72], abs=0.01)


def test_a_single_respondent_has_no_such_section(tmp_path):
    assert main(["report", str(CLIENTS / "midori-fintech.yaml"), "--out", str(tmp_path)]) == 0
    html = (tmp_path / "midori-fintech.ja.report.html").read_text(encoding="utf-8")
    assert 'id="respondents"' not in html and "この段階の確かさ" not in html
    assert "回答者" not in openpyxl.load_workbook(tmp_path / "midori-fintech.ja.report.xlsx").sheetnames


def test_the_heat_map_shows_each_shown_respondent_beside_the_consensus():
    from csmaturity.plotting.charts import respondent_heatmap

    scores = pd.DataFrame({"CEO": [90.0, 20.0], "CS head": [30.0, float("nan")]}, index=["a", "b"])
    fig = respondent_heatmap(scores, pd.Series({"a": 60.0, "b": 20.0}), names={"a": "Alpha", "b": "Beta"}, lang="en")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert {"90", "30", "20", "—", "60", "Alpha", "Beta", "CEO", "CS head", "Consensus"} <= set(texts)
    cells = fig.axes[0].collections[0].get_array().ravel()  # deviation from the consensus, row by row
    assert cells[0] > 0 > cells[1] and cells.mask[3]  # above, below, no score


# --------------------------------------------------------------------------- intake


def fill(template: Path, out: Path, answers: cm.ClientAnswers, model: cm.MaturityModel) -> None:
    """Fill a Japanese template with ``answers`` as a person picks from the dropdowns."""
    wb = openpyxl.load_workbook(template)
    ws = wb["回答"]
    at = {ws[f"G{r}"].value: r for r in range(1, ws.max_row + 1) if ws[f"G{r}"].value}
    client = answers.client
    for key, value in {"client.id": client.id, "client.name": client.name, "client.industry": client.industry,
                       "client.assessment_date": dt.datetime.combine(client.assessment_date, dt.time()),
                       **{f"client.profile.{f}": v for f, v in client.profile.items()}}.items():
        ws[f"D{at[key]}"] = value
    for q in model.questions:
        value = answers.answers[q.id]
        if q.type == "multi":
            for option in [value] if value == DONT_KNOW else value:
                ws[f"D{at[f'{q.id}:{option}']}"] = TICK
        else:
            ws[f"D{at[q.id]}"] = next(label for label, v in choice_labels(q, "ja").items() if v == value)
        if q.id in answers.evidence:
            ws[f"E{at[q.id]}"] = answers.evidence[q.id]
    wb.save(out)


def test_intake_per_person_into_a_client_folder_gives_the_same_consensus(tmp_path, model, capsys):
    workbooks = []
    for path in sorted(KAEDE.glob("*.yaml")):
        answers = cm.load_answers(path, model)
        who = answers.respondent
        template = tmp_path / f"{who.id}-template.xlsx"
        options = ["--respondent", who.name] if who.name else []
        options += ["--show-name"] if not who.anonymous else []
        options += ["--department", who.department] if who.department else []
        assert main(["intake-template", "--lang", "ja", "--client-id", "kaede-works", "--role", who.role,
                     "--respondent-id", who.id, *options, "--out", str(template)]) == 0
        workbooks.append(tmp_path / f"{who.id}.xlsx")
        fill(template, workbooks[-1], answers, model)
    assert "respondent support-lead (サポートリーダー)" in capsys.readouterr().out

    folder = tmp_path / "clients" / "kaede-works"
    assert main(["import-intake", *map(str, workbooks), "--out", str(folder)]) == 0
    assert sorted(p.name for p in folder.glob("*.yaml")) == sorted(p.name for p in KAEDE.glob("*.yaml"))
    imported, sample = load_responses(folder, model), load_responses(KAEDE, model)
    assert [imported.info(a) for a in imported.respondents] == [sample.info(a) for a in sample.respondents]
    got, want = cm.assess(model, imported), cm.assess(model, sample)
    assert got.scorecard.overall == pytest.approx(want.scorecard.overall)
    assert got.answers.answers == want.answers.answers
    assert got.respondents.robustness.movers == want.respondents.robustness.movers
    # A file already there is not overwritten, and nothing is written then.
    assert main(["import-intake", *map(str, workbooks), "--out", str(folder)]) == 1
    assert "exists; pass --force" in capsys.readouterr().err


def test_an_imported_workbook_keeps_its_respondent_block(tmp_path, model):
    answers = cm.load_answers(KAEDE / "cs-head.yaml", model)
    template = write_intake_template(model, tmp_path / "t.xlsx", lang="ja", client_id="kaede-works",
                                     respondent=answers.respondent)
    fill(template, tmp_path / "f.xlsx", answers, model)
    imported = read_intake(tmp_path / "f.xlsx", model)
    assert imported.respondent == answers.respondent
    assert answers_data(model, imported)["respondent"] == {"id": "cs-head", "role": "CS責任者", "name": "佐藤 美咲",
                                                           "department": "カスタマーサクセス部", "anonymous": False}


def test_a_folder_import_refuses_workbooks_that_do_not_make_one_client(tmp_path, model, capsys):
    plain = tmp_path / "plain.xlsx"
    fill(write_intake_template(model, tmp_path / "t.xlsx", lang="ja"), plain,
         cm.load_answers(KAEDE / "ceo.yaml", model), model)
    assert main(["import-intake", str(plain), "--out", str(tmp_path / "folder") + "/"]) == 1
    assert "names no respondent" in capsys.readouterr().err
    assert not (tmp_path / "folder").exists()
    assert main(["intake-template", "--respondent", "Sato", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "--role" in capsys.readouterr().err


# --------------------------------------------------------------------------- widgets


def test_the_form_saves_a_respondent_file_and_shows_a_folders_consensus(tmp_path, model):
    from csmaturity.widgets import QuestionnaireForm

    folder = kaede_copy(tmp_path / "kaede-works")
    form = QuestionnaireForm(model, lang="ja", path=folder / "ceo.yaml")
    form.load_button.click()
    assert form.respondent_inputs["role"].value == "経営者" and form.respondent_inputs["show_name"].value
    form.respondent_inputs["id"].value = "coo"
    form.respondent_inputs["role"].value = "COO"
    form.respondent_inputs["name"].value = ""
    form.respondent_inputs["show_name"].value = False
    form.inputs["hs_validated"].choice.value = "yes"
    saved = cm.load_answers(form.save(folder / "coo.yaml"), model)
    assert saved.respondent == cm.answers.RespondentInfo(id="coo", role="COO", department="経営")
    form.combine_button.click()
    panel = form.combined_panel.value
    assert "かえでワークス株式会社：5人の回答の合意" in panel and "一致度（α）" in panel
    assert "この段階の確かさ" in panel and "見解が最も分かれた質問" in panel
    assert form.combined().respondents.count == 5
    # A respondent block without its role is named on the form.
    form.respondent_inputs["role"].value = ""
    assert "役割" in form.client_status.value
    form.combined(KAEDE)
    assert "4人の回答の合意" in form.combined_panel.value
    (folder / "cs-head.yaml").write_text((KAEDE / "ceo.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    form.combine_button.click()
    assert "読み込めません" in form.combined_panel.value and "回答者ID" in form.combined_panel.value


# --------------------------------------------------------------------------- batch and portfolio


def test_a_client_folder_counts_once():
    # The demo (`make demo`) diagnoses the sample folder: kaede-works is one of its seven clients.
    assert KAEDE in expand_client_paths([CLIENTS]) and len(expand_client_paths([CLIENTS])) == 7
    assert expand_client_paths([KAEDE]) == [KAEDE]  # a client folder given itself
    assert expand_client_paths([KAEDE / "ceo.yaml"]) == [KAEDE / "ceo.yaml"]


def test_batch_and_portfolio_count_the_folder_once_and_resume_watches_every_file(tmp_path, model):
    clients = tmp_path / "clients"
    kaede_copy(clients / "kaede-works")
    shutil.copy(CLIENTS / "midori-fintech.yaml", clients / "midori-fintech.yaml")
    out = tmp_path / "out"
    assert main(["batch", str(clients), "--out", str(out), "--workers", "1", "--no-progress"]) == 0
    first = pd.read_csv(out / "batch_summary.csv", index_col="key")
    assert list(first.index) == ["kaede-works", "midori-fintech"] and (first["status"] == "ok").all()
    assert list((out / "kaede-works").glob("*.report.html"))

    portfolio = pd.read_csv(out / "portfolio.csv", index_col="client_id")
    assert portfolio.loc["kaede-works", "respondents"] == 4
    assert portfolio.loc["kaede-works", "agreement"] == pytest.approx(0.2266, abs=1e-4)
    assert portfolio.loc["kaede-works", ["interval_low", "interval_high"]].tolist() == pytest.approx([36.87, 73.72],
                                                                                                    abs=0.01)
    assert portfolio.loc["midori-fintech", "respondents"] == 1
    assert portfolio.loc["midori-fintech", ["agreement", "interval_low", "interval_high"]].isna().all()
    page = (out / "portfolio.html").read_text(encoding="utf-8")
    assert "Respondents" in page and "Agreement (alpha)" in page and "37–74" in page
    # The workbook says the same in words.
    header = [c.value for c in openpyxl.load_workbook(out / "portfolio.xlsx").worksheets[0][1]]
    assert {"Respondents", "Agreement (alpha)", "Overall 95% interval from", "Overall 95% interval to"} <= set(header)

    files = [clients / "kaede-works", clients / "midori-fintech.yaml"]
    again = run_batch(files, out, workers=1, resume=True, progress=False)
    assert [o.status for o in again.outcomes] == ["skipped", "skipped"]
    lead = clients / "kaede-works" / "support-lead.yaml"
    lead.write_text(lead.read_text(encoding="utf-8").replace("leadership: 2", "leadership: 3"), encoding="utf-8")
    third = run_batch(files, out, workers=1, resume=True, progress=False)
    assert {o.client_id: o.status for o in third.outcomes} == {"kaede-works": "ok", "midori-fintech": "skipped"}


# --------------------------------------------------------------------------- the notebook


@pytest.mark.slow
@pytest.mark.xdist_group("diagnosis-notebook")
def test_the_notebook_takes_a_client_folder(tmp_path):
    from csmaturity.notebook import run_diagnosis_notebook
    from csmaturity.notebook.kernel import KeptKernel
    from csmaturity.report import build_report

    kernel = KeptKernel()
    try:
        written = run_diagnosis_notebook(KAEDE, tmp_path / "nb", timeout=120, kernel=kernel)
    finally:
        kernel.shutdown()
    summary = json.loads(written["results_json"].read_text(encoding="utf-8"))
    assert summary["respondents"]["count"] == 4
    library = build_report(KAEDE, out_dir=tmp_path / "lib")
    assert library.html.read_bytes() == written["html"].read_bytes()
    assert "この段階の確かさ" in written["audit_html"].read_text(encoding="utf-8")
