"""The client report says only true things for any valid model.

The example instrument (models/examples/cs_quick_check.yaml: English only, answers
1-4 reported as a mean on a 1-4 scale, no benchmark, no phases, "don't know" and empty
dimensions left out, 60 % coverage threshold, a next step per answer, its own profile)
and the shipped model are rendered side by side: each report (page, workbook and
charts) holds its own model's words and none of the other's. Variants of the shipped
model built here add a second benchmark or drop the phases.
"""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import openpyxl
import pytest
import yaml

import csmaturity as cm
from csmaturity.cli import main
from csmaturity.errors import ArgumentError
from csmaturity.model import default_model_path
from csmaturity.report import build_report, compute_results, report_figures, verdict

from conftest import CLIENTS, ROOT, SAMPLE

QUICK = ROOT / "lib" / "csmaturity" / "models" / "examples" / "cs_quick_check.yaml"
QUICK_CLIENTS = sorted((SAMPLE / "quick_check").glob("*.yaml"))
SHIPPED_CLIENTS = [CLIENTS / "hikari-cloud.yaml", CLIENTS / "northwind-analytics.yaml"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def visible_text(page: str) -> str:
    """The words a reader sees: no styles, no embedded images or fonts, no tags."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<img [^>]*>", " ", page)
    return re.sub(r"[ \t]+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", page)))


def workbook_text(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    return "\n".join([*book.sheetnames, *cells])


def chart_text(results) -> str:
    from matplotlib.text import Text

    return "\n".join(t.get_text() for fig in report_figures(results).values() for t in fig.findobj(Text))


def section(page: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', page, re.S)
    assert match, section_id
    return match.group(0)


def table_row(page: str, first_cell: str) -> str:
    match = re.search(rf"<tr><td>{re.escape(first_cell)}</td>.*?</tr>", page, re.S)
    assert match, first_cell
    return match.group(0)


@pytest.fixture(scope="module")
def quick_reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("quick")
    return {path.stem: build_report(path, out_dir=out, model_file=QUICK) for path in QUICK_CLIENTS}


@pytest.fixture(scope="module")
def shipped_reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("shipped")
    return {path.stem: build_report(path, out_dir=out) for path in SHIPPED_CLIENTS}


def shipped_variant(tmp_path: Path, change) -> Path:
    """The shipped model changed by ``change(data)`` (same id and version, so that the
    sample answers files still name it)."""
    data = yaml.safe_load(default_model_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    cm.load_model(path)  # a valid model
    return path


# --------------------------------------------------------------------------- the example instrument


def test_every_quick_check_client_gets_a_report_and_workbook(quick_reports):
    assert set(quick_reports) == {"northstar-crm", "pebble-books", "tidewater-logistics"}
    for outputs in quick_reports.values():
        page = outputs.html.read_text(encoding="utf-8")
        text = visible_text(page)
        assert "Customer Success Quick Check" in text
        assert 'id="benchmark' not in page and "Comparison with" not in text and "Similarity" not in text
        assert "Phase" not in text and 'class="phase-tag"' not in page  # no phases: no phase column, tag or band
        assert "Roadmap" in text and "Phased roadmap" not in text
        book = openpyxl.load_workbook(outputs.xlsx)
        assert book.sheetnames == ["Summary", "Dimensions", "Answers", "Recommendations", "Roadmap"]


def test_scores_are_on_the_models_scale(quick_reports):
    page = quick_reports["northstar-crm"].html.read_text(encoding="utf-8")
    summary = section(page, "summary")
    # Overall 2.5 on 1-4 (the mean answer), not 50 on 0-100.
    assert re.search(r'<div class="value">2\.5<small> \(1–4\)</small>', summary)
    assert "Northstar CRM Ltd. scores 2.5 on a scale of 1 to 4" in visible_text(summary)
    assert "/ 100" not in page and "out of 100" not in page
    # The ladder runs 1..4 and places 2.5 half-way.
    assert '<div class="marker" style="left: 50.00%"' in summary
    assert re.search(r'<div class="ladder-scale"><span>1</span><span>2</span><span>3</span><span>4</span></div>',
                     summary)
    dims = section(page, "dimensions")
    assert "Each of the 5 dimensions scored from 1 to 4." in visible_text(dims)
    assert re.search(r"Health signals.*?3\.0</td>", dims, re.S)
    book = openpyxl.load_workbook(quick_reports["northstar-crm"].xlsx)
    summary_sheet = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary_sheet["Overall score"] == 2.5


def test_an_excluded_dimension_shows_as_a_dash_with_its_reason(quick_reports):
    outputs = quick_reports["pebble-books"]
    page = outputs.html.read_text(encoding="utf-8")
    row = re.search(r"<tr><td><b>Growth and advocacy</b>.*?</tr>", page, re.S).group(0)
    assert "—" in row and "nan" not in row.lower() and 'class="bar"' not in row and "0 / 2" in row
    text = visible_text(page)
    assert "Weighted mean of 4 dimensions (1 left out: no known answer)" in text
    assert "Growth and advocacy had no known answer, so it has no score and is left out of the overall score." in text
    assert "the dimension has no known answer, so it has no score and is left out of the overall score" in text
    assert "nan" not in text.lower().split()
    book = openpyxl.load_workbook(outputs.xlsx)
    dims = list(book["Dimensions"].iter_rows(values_only=True))
    score = dims[0].index("Score")
    assert next(r for r in dims if r[0] == "growth")[score] is None  # blank, never 0
    summary_sheet = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary_sheet["Left out of the overall score (no known answer)"] == "Growth and advocacy"
    results = compute_results(QUICK_CLIENTS[1], model_file=QUICK)
    assert "(left out)" in chart_text(results)


def test_method_and_verdict_follow_the_models_rules(quick_reports):
    text = visible_text(quick_reports["pebble-books"].html.read_text(encoding="utf-8"))
    method = text[text.index("Appendix: method and provenance"):]
    assert "counted from the lowest option" in method
    assert "\"Don't know\" and blank answers are left out of their dimension's score rather than scored zero" in method
    assert "weighted mean of the 5 dimensions" in method and "on the 1-4 scale" in method
    assert "A dimension without any known answer has no score and is left out of the overall score" in method
    assert "With fewer than 60% of questions answered, the level is provisional." in method
    assert "80%" not in method and "gates" not in method and "survey" not in method and "phase" not in method
    assert "scores below its threshold or picks a named option" in method  # the kinds of trigger it uses
    assert "next step the model gives for each chosen answer" in method
    verdict = visible_text(section(quick_reports["pebble-books"].html.read_text(encoding="utf-8"), "summary"))
    assert "left out of their dimensions' scores rather than counted as no points" in verdict
    assert "score zero" not in verdict and "earn no points" not in verdict


def test_a_provisional_level_names_the_models_threshold(tmp_path):
    data = yaml.safe_load((SAMPLE / "quick_check" / "pebble-books.yaml").read_text(encoding="utf-8"))
    for question in ("success_defined", "risk_detection", "feedback_rhythm", "onboarding"):
        data["answers"][question] = "dont_know"
    client = tmp_path / "unsure.yaml"
    client.write_text(yaml.safe_dump(data), encoding="utf-8")
    results = compute_results(client, model_file=QUICK)
    assert results.assessment.scorecard.coverage == pytest.approx(0.4)
    text = " ".join(verdict(results))
    assert "Only 40% of the questions have a definite answer (a firm level needs 60%)" in text
    assert "80%" not in text


def test_each_answer_shows_its_insight_and_next_step(quick_reports):
    page = quick_reports["northstar-crm"].html.read_text(encoding="utf-8")
    appendix = section(page, "appendix")
    row = table_row(appendix, "How do you learn that an account is at risk?")
    assert "From usage reports reviewed by hand" in row
    assert "The data is there, but a manual review misses accounts between reviews." in row
    assert "Next step:" in row and "Turn the usage review into a weighted health score that updates itself." in row
    # Northstar's segment is enterprise: the model's feedback for that segment, not the general one.
    row = table_row(appendix, "How is contact with customers planned?")
    assert "Assign a named customer success manager to every enterprise account." in row
    assert "Split the base into two or three tiers" not in row
    # A don't-know answer has no feedback and no points.
    row = table_row(appendix, "Do customers recommend you in a managed way?")
    assert "Don&#39;t know" in row and "Next step" not in row and "—" in row
    book = openpyxl.load_workbook(quick_reports["northstar-crm"].xlsx)
    rows = list(book["Answers"].iter_rows(values_only=True))
    header = rows[0]
    risk = next(r for r in rows if r[0] == "risk_detection")
    assert risk[header.index("Next step")] == "Turn the usage review into a weighted health score that updates itself."


def test_answer_next_steps_join_the_actions_without_phase_or_effort(quick_reports):
    page = quick_reports["northstar-crm"].html.read_text(encoding="utf-8")
    recs = section(page, "recommendations")
    step = re.search(r"<tr><td class=\"n\">\d+</td>\s*<td><b>Assign a named customer success manager.*?</tr>", recs,
                     re.S).group(0)
    assert "From your answer to: How is contact with customers planned?" in step
    assert '<td class="c">—</td>' in step  # no effort letter for an answer's next step
    # rank 10 of the plan: past the body's first actions, in the appendix of further actions
    model_step = re.search(r"<td><b>Build a health score from the signals you already have</b>.*?</tr>",
                           section(page, "more-actions"), re.S).group(0)
    assert '<td class="c">M</td>' in model_step
    assert "Effort: S = weeks" in visible_text(recs)
    assert "separates the survey cohorts" not in visible_text(recs) and "Cohort gap" not in visible_text(recs)
    roadmap = visible_text(section(page, "roadmap"))
    assert "Assign a named customer success manager to every enterprise account." in roadmap
    assert "CS 0.0" not in roadmap and "months" not in roadmap.lower()
    assert "a step that builds on another always comes after it" in roadmap
    book = openpyxl.load_workbook(quick_reports["northstar-crm"].xlsx)
    rows = list(book["Recommendations"].iter_rows(values_only=True))
    header = rows[0]
    assert "Phase" not in header and header.index("Source")
    answer = next(r for r in rows if r[header.index("Recommendation id")] == "coverage_model.2")
    assert answer[header.index("Source")] == "From your answer" and answer[header.index("Effort")] is None
    assert [c.value for c in book["Roadmap"][1]] == ["Step", "Action", "After step"]


def test_the_header_shows_the_models_profile_fields(quick_reports):
    text = visible_text(section(quick_reports["northstar-crm"].html.read_text(encoding="utf-8").replace(
        '<header class="cover">', '<section id="cover">').replace("</header>", "</section>"), "cover"))
    assert "Main customer segment Enterprise" in text  # the option's label, not its id
    assert "Product complexity Complex (needs implementation)" in text
    assert "Age of the CS team (years) 2.5" in text and "People in the CS team 9" in text
    assert "Customers" not in text and "CS headcount" not in text
    # An optional field the client left out is not shown.
    pebble = visible_text(quick_reports["pebble-books"].html.read_text(encoding="utf-8"))
    assert "People in the CS team" not in pebble


def test_an_english_only_model_renders_in_english_and_refuses_japanese(quick_reports, tmp_path, capsys):
    for outputs in quick_reports.values():
        assert not JAPANESE.search(visible_text(outputs.html.read_text(encoding="utf-8")))
        assert not JAPANESE.search(workbook_text(outputs.xlsx))
    results = compute_results(QUICK_CLIENTS[0], model_file=QUICK)
    assert not JAPANESE.search(chart_text(results))
    with pytest.raises(ArgumentError, match=r"written in en only; got 'ja'"):
        build_report(QUICK_CLIENTS[0], out_dir=tmp_path, model_file=QUICK, lang="ja")
    for extra in ([], ["--notebook"]):
        assert main(["report", str(QUICK_CLIENTS[0]), "--model", str(QUICK), "--lang", "ja", "--out", str(tmp_path),
                     *extra]) == 2
        err = capsys.readouterr().err
        assert "written in en only" in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- no word of the other model


def shipped_words(lang: str) -> list[str]:
    model = cm.load_model()
    bench = model.benchmarks[0]
    return [*(d.name.get(lang) for d in model.dimensions), *(lv.name.get(lang) for lv in model.levels),
            *(c.name.get(lang) for c in bench.cohorts), bench.source.get(lang),
            *(p.name.get(lang) for p in model.phases),
            "2021", "CS 0.0", "CS 1.0", "CS 2.0", "nine", "out of 100", "0 to 100", "0-100", "/ 100",
            "effective cohort", "the survey", "survey cohorts", "CS headcount", "Business model", "ARR band"]


def quick_words() -> list[str]:
    model = cm.load_model(QUICK)
    return [*(d.name.en for d in model.dimensions), *(lv.name.en for lv in model.levels), model.title.en,
            *(f.label.en for f in model.profile), "1 to 4", "1-4", "(left out)", "left out of"]


def occurrences(words: list[str], text: str) -> list[str]:
    """The words found in ``text``, each as a whole word ("nine", not "ninety")."""
    return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]


def test_the_quick_check_report_holds_no_word_of_the_shipped_model(quick_reports):
    words = shipped_words("en")
    for name, outputs in quick_reports.items():
        results = compute_results(SAMPLE / "quick_check" / f"{name}.yaml", model_file=QUICK)
        for where, text in (("page", visible_text(outputs.html.read_text(encoding="utf-8"))),
                            ("workbook", workbook_text(outputs.xlsx)), ("charts", chart_text(results))):
            found = occurrences(words, text)
            assert found == [], (name, where, found)


def test_the_shipped_report_holds_no_word_of_the_quick_check(shipped_reports):
    words = quick_words()
    for path in SHIPPED_CLIENTS:
        outputs = shipped_reports[path.stem]
        results = compute_results(path)
        for where, text in (("page", visible_text(outputs.html.read_text(encoding="utf-8"))),
                            ("workbook", workbook_text(outputs.xlsx)), ("charts", chart_text(results))):
            found = occurrences(words, text)
            assert found == [], (path.stem, where, found)


def test_the_shipped_report_keeps_its_true_words(shipped_reports):
    ja = visible_text(shipped_reports["hikari-cloud"].html.read_text(encoding="utf-8"))
    for words in ("63 / 100", "9領域の重み付き平均", "2021年調査との比較", "「効果を感じている層」との類似度",
                  "総合スコア63点（100点満点）",
                  "施策をCS 0.0 設計 → CS 1.0 リテンション → CS 2.0 拡大の順に並べました",
                  "9領域それぞれの取り組み度合いを0〜100点で示します", "回答率が80%未満のときは暫定判定とします",
                  "「分からない」と未回答は0点です", "段階別ロードマップ", "事業モデル B2B", "顧客数 2,600"):
        assert words in ja, words
    en = visible_text(shipped_reports["northwind-analytics"].html.read_text(encoding="utf-8"))
    for words in ("Weighted mean of 9 dimensions", "Comparison with the 2021 survey", "out of 100",
                  "Similarity to \"Feel CS is effective\"", "(n=257)", "Phased roadmap", "months 0-3"):
        assert words in en, words
    for outputs in shipped_reports.values():
        page = outputs.html.read_text(encoding="utf-8")
        assert page.count('class="major benchmark"') == 1 and 'id="benchmark"' in page


# --------------------------------------------------------------------------- other shapes


def add_second_benchmark(data: dict) -> None:
    """A second survey with three cohorts (one without a size) and no contrast, linked
    from two questions."""
    data["benchmarks"].append({
        "id": "regional_2024",
        "source": {"ja": "地域CS調査2024（架空）", "en": "Regional CS study 2024 (fictitious)"},
        "year": 2024,
        "cohorts": [
            {"id": "startups", "n": 40, "name": {"ja": "創業期", "en": "Start-ups"}},
            {"id": "scaleups", "n": 55, "name": {"ja": "成長期", "en": "Scale-ups"}},
            {"id": "enterprises", "name": {"ja": "大企業", "en": "Enterprises"}},
        ],
        "items": [
            {"id": "reg_weekly_kpis", "label": {"ja": "KPIを毎週確認", "en": "Weekly KPI review"},
             "shares": {"startups": 0.2, "scaleups": 0.45, "enterprises": 0.6}},
            {"id": "reg_hs_driven", "label": {"ja": "ヘルススコアで動く", "en": "Health score drives actions"},
             "shares": {"startups": 0.1, "scaleups": None, "enterprises": 0.5}},
        ],
    })
    questions = {q["id"]: q for q in data["questions"]}
    questions["kpi_review"].setdefault("benchmark", []).append({"item": "reg_weekly_kpis",
                                                                "options": ["weekly_actions"]})
    questions["hs_operated"].setdefault("benchmark", []).append({"item": "reg_hs_driven",
                                                                 "options": ["drives_actions"]})


def test_two_benchmarks_give_two_sections_each_with_its_own_source_and_cohorts(tmp_path):
    model_file = shipped_variant(tmp_path, add_second_benchmark)
    outputs = build_report(CLIENTS / "northwind-analytics.yaml", out_dir=tmp_path / "out", model_file=model_file)
    page = outputs.html.read_text(encoding="utf-8")
    assert page.count('class="major benchmark"') == 2
    first, second = section(page, "benchmark"), section(page, "benchmark-regional_2024")
    assert "Comparison with the 2021 survey" in first and "Comparison with the 2024 survey" in second
    assert "Regional CS study 2024" in second and "Regional CS study 2024" not in first
    assert "2021 Japanese Customer Success survey" not in second
    for cohort in ("Start-ups<br>(n=40)", "Scale-ups<br>(n=55)", "Enterprises</th>"):
        assert cohort in second
    assert "Enterprises<br>" not in second  # no size given: no n
    assert "Similarity" not in second and "Similarity" in first  # the similarity belongs to the contrasted survey
    assert "weigh most in the ranking" not in second
    row = table_row(second, "Health score drives actions")
    assert row.count("—") == 1 and "10.0%" in row and "50.0%" in row
    text = visible_text(page)
    assert text.index("Comparison with the 2024 survey") < text.index("Gaps and prioritized recommendations")
    assert re.search(r'<span class="num">4</span>Comparison with the 2024 survey', page)
    assert re.search(r'<span class="num">5</span>Gaps and prioritized recommendations', page)
    results = compute_results(CLIENTS / "northwind-analytics.yaml", model_file=model_file)
    assert {"benchmark", "benchmark.regional_2024"} <= set(report_figures(results))
    book = openpyxl.load_workbook(outputs.xlsx)
    assert "Benchmark" in book.sheetnames and "Benchmark 2" in book.sheetnames
    assert [c.value for c in book["Benchmark 2"][1]][4:7] == ["Start-ups", "Scale-ups", "Enterprises"]


def drop_phases(data: dict) -> None:
    data["phases"] = []
    for rec in data["recommendations"]:
        rec.pop("phase", None)


def test_a_model_without_phases_orders_the_roadmap_without_them(tmp_path):
    model_file = shipped_variant(tmp_path, drop_phases)
    outputs = build_report(CLIENTS / "northwind-analytics.yaml", out_dir=tmp_path / "out", model_file=model_file)
    page = outputs.html.read_text(encoding="utf-8")
    roadmap = section(page, "roadmap")
    assert "<img" not in roadmap and 'class="phase-tag"' not in page and "<th>Phase</th>" not in page
    assert "Roadmap" in visible_text(roadmap) and "Phased roadmap" not in page and "CS 0.0" not in roadmap
    assert "a step that builds on another always comes after it" in visible_text(roadmap)
    assert "months" not in visible_text(roadmap)
    results = compute_results(CLIENTS / "northwind-analytics.yaml", model_file=model_file)
    assert "roadmap" not in report_figures(results)
    assert "the first is" in " ".join(verdict(results)) and "(CS" not in " ".join(verdict(results))
    book = openpyxl.load_workbook(outputs.xlsx)
    assert [c.value for c in book["Roadmap"][1]] == ["Step", "Action", "After step"]
    method = visible_text(section(page, "method"))
    assert "The roadmap orders the steps after the steps they build on, higher priority first." in method


def test_a_model_without_a_benchmark_or_gates_says_nothing_of_them(tmp_path):
    def plain(data: dict) -> None:
        data["benchmarks"] = []
        for q in data["questions"]:
            q.pop("benchmark", None)
        for lv in data["levels"]:
            lv.pop("gates", None)

    model_file = shipped_variant(tmp_path, plain)
    outputs = build_report(CLIENTS / "midori-fintech.yaml", out_dir=tmp_path / "out", model_file=model_file,
                           lang="en")
    page = outputs.html.read_text(encoding="utf-8")
    text = visible_text(page)
    assert 'id="benchmark' not in page and "Comparison with" not in text and "survey cohorts" not in text
    assert "Next-level minimum" not in text and "gates" not in text and "Cohort gap" not in text
    assert "Similarity" not in text and "held back" not in text
    assert re.search(r'<span class="num">3</span>Gaps and prioritized recommendations', page)
    book = openpyxl.load_workbook(outputs.xlsx)
    assert "Benchmark" not in book.sheetnames
    assert "Next-level minimum" not in [c.value for c in book["Dimensions"][1]]
