"""The client report: content, scores, escaping, safe paths, atomic writes, offline HTML."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

import csmaturity as cm
from csmaturity.cli import main
from csmaturity.errors import DataError
from csmaturity.report import build_report, compute_results, report_paths, results_json_path, templates_dir

from conftest import CLIENTS, SAMPLE

SAMPLE_DATA = {"accounts_file": SAMPLE / "accounts.csv", "survey_file": SAMPLE / "survey_ja_cp932.csv"}

# Anything that would make a browser fetch from elsewhere: src/href/url() to a host,
# protocol-relative URLs, CSS @import.
REMOTE = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""",
                    re.I)


def remote_references(html: str) -> list[str]:
    return REMOTE.findall(html)


@pytest.fixture(scope="module")
def full_report(tmp_path_factory):
    """hikari-cloud in Japanese with data and its assessment of two years before: every section."""
    out = tmp_path_factory.mktemp("full")
    outputs = build_report(CLIENTS / "hikari-cloud.yaml", out_dir=out,
                           previous_file=SAMPLE / "history" / "hikari-cloud" / "2024-10-18.yaml", **SAMPLE_DATA)
    return outputs


@pytest.fixture(scope="module")
def english_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("en")
    return build_report(CLIENTS / "northwind-analytics.yaml", out_dir=out)


def hostile_file(tmp_path: Path) -> Path:
    data = yaml.safe_load((CLIENTS / "northwind-analytics.yaml").read_text(encoding="utf-8"))
    data["client"].update(id="../../etc/x", name="<script>alert(1)</script>", industry='"><svg onload=alert(2)>')
    data["answers"]["kpi_defined"] = {"answer": ["retention"], "evidence": "<img src=x onerror=alert(3)> =HYPERLINK(\"http://evil\")"}
    data["answers"]["touch_status"] = {"answer": "built", "evidence": "=1+1"}
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_report_files_are_written_with_the_engine_scores(english_report):
    model = cm.load_model()
    expected = cm.assess(model, cm.load_answers(CLIENTS / "northwind-analytics.yaml", model))
    for path in (english_report.html, english_report.xlsx, english_report.results_json):
        assert path.is_file() and path.stat().st_size > 0
    summary = json.loads(english_report.results_json.read_text(encoding="utf-8"))
    engine = expected.to_dict()
    for key in ("overall", "level", "dimensions", "coverage", "provisional", "recommendations", "roadmap",
                "provenance"):
        assert summary[key] == engine[key], key
    assert summary["metrics"] is None and summary["change"] is None
    assert summary["outputs"]["html"] == str(english_report.html)


def test_full_report_has_every_section(full_report):
    html = full_report.html.read_text(encoding="utf-8")
    for section in ("summary", "change", "dimensions", "benchmark", "recommendations", "roadmap", "metrics", "appendix",
                    "method"):
        assert f'id="{section}"' in html, section
    # The copy fix: 「リスクにさらされたARR」 is 「解約リスクのあるARR」.
    for heading in ("エグゼクティブサマリー", "前回診断からの変化", "段階別ロードマップ", "キードライバー分析",
                    "NPS × NRS マトリクス", "ヘルススコアと解約リスクのあるARR", "付録：全回答と根拠"):
        assert heading in html
    assert html.count("data:image/svg+xml;base64,") == 11  # nine charts, the retention curve, the plan's 2×2
    assert "@font-face" in html  # the Japanese subset travels with the file
    summary = json.loads(full_report.results_json.read_text(encoding="utf-8"))
    assert summary["metrics"]["nps"]["n_valid"] > 0
    assert summary["metrics"]["health"]["arr_at_risk"] > 0
    assert summary["change"]["level"] == {"previous": "adhoc", "current": "cs1", "direction": "up"}
    assert {c["metric"] for c in summary["change"]["survey"]} >= {"NPS", "NRS", "CES"}


def test_metrics_match_the_metrics_library(full_report):
    from csmaturity import metrics as mx
    from csmaturity.io.readers import read_survey

    survey = read_survey(SAMPLE / "survey_ja_cp932.csv")
    latest = survey[survey["survey_year"] == survey["survey_year"].max()]
    expected = mx.nps(latest["nps"])
    summary = json.loads(full_report.results_json.read_text(encoding="utf-8"))
    assert summary["metrics"]["nps"]["score"] == pytest.approx(expected.score)
    assert summary["metrics"]["nps"]["ci_low"] == pytest.approx(expected.ci_low)


def test_unpublished_survey_figures_show_as_a_dash(english_report):
    html = english_report.html.read_text(encoding="utf-8")
    row = re.search(r"<tr><td>No outcome KPI defined</td>.*?</tr>", html, re.S).group(0)
    assert "—" in row and "50.0%" in row


def test_report_is_offline_and_needs_no_javascript(full_report, english_report):
    for outputs in (full_report, english_report):
        html = outputs.html.read_text(encoding="utf-8")
        assert remote_references(html) == []
        assert "<script" not in html.lower()
        assert "@media print" in html and "break-after: avoid" in html  # headings stay with what follows


def test_hostile_client_text_is_escaped_and_stays_inside_the_output_folder(tmp_path):
    out = tmp_path / "out"
    outputs = build_report(hostile_file(tmp_path), out_dir=out)
    for path in (outputs.html, outputs.xlsx, outputs.results_json):
        assert path.parent == out.resolve()
        assert path.name.startswith("etc_x.")
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        ["hostile.yaml", "etc_x.en.report.html", "etc_x.en.report.xlsx", "etc_x.en.results.json", "etc_x.en.plan.csv",
         "etc_x.en.plan.xlsx"])
    html = outputs.html.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(3)&gt;" in html
    assert "<svg onload" not in html and "&#34;&gt;&lt;svg onload=alert(2)&gt;" in html
    assert "<script" not in html.lower()
    assert remote_references(html) == []
    book = openpyxl.load_workbook(outputs.xlsx)
    values = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "<script>alert(1)</script>" in values  # data, not markup, in a workbook
    assert "=1+1" in values  # kept as text: never a formula
    assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)


def test_report_paths_cannot_escape(tmp_path):
    for client_id in ("../../etc/x", "/etc/passwd", "..", "a/../../b", "C:\\x\\y"):
        paths = report_paths(client_id, "en", tmp_path)
        for path in vars(paths).values():
            assert path.parent == tmp_path.resolve()


def test_a_failed_render_leaves_the_previous_report_intact(tmp_path, monkeypatch):
    good = build_report(CLIENTS / "northwind-analytics.yaml", out_dir=tmp_path)
    before = {p: p.read_bytes() for p in good.written().values()}

    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed half way")

    monkeypatch.setattr("csmaturity.report.build.render_page", broken)
    with pytest.raises(RuntimeError, match="half way"):
        build_report(CLIENTS / "northwind-analytics.yaml", out_dir=tmp_path)
    monkeypatch.undo()

    def broken_sheet(*args, **kwargs):
        raise OSError("disk full while writing the workbook")

    monkeypatch.setattr("csmaturity.report.excel.write_table", broken_sheet)
    with pytest.raises(OSError, match="disk full"):
        build_report(CLIENTS / "northwind-analytics.yaml", out_dir=tmp_path, lang="en")
    assert {p: p.read_bytes() for p in good.written().values()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in before)  # no temp files left


def test_a_named_data_file_must_exist_and_an_unnamed_one_is_optional(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(DataError) as err:
        build_report(CLIENTS / "northwind-analytics.yaml", out_dir=tmp_path, accounts_file=missing)
    assert str(missing) in str(err.value) and "accounts table" in str(err.value)
    with pytest.raises(DataError, match="survey table"):
        compute_results(CLIENTS / "northwind-analytics.yaml", survey_file=tmp_path / "survey.csv")
    assert compute_results(CLIENTS / "northwind-analytics.yaml").metrics is None
    assert not list(tmp_path.iterdir())


def test_data_files_named_in_the_answers_file_are_used(tmp_path):
    data = yaml.safe_load((CLIENTS / "hikari-cloud.yaml").read_text(encoding="utf-8"))
    data["data"] = {"accounts": str(SAMPLE / "accounts.csv"), "survey": str(SAMPLE / "survey_ja_cp932.csv")}
    path = tmp_path / "hikari.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    results = compute_results(path)
    assert results.metrics is not None and results.metrics.nps is not None
    assert results.metrics.accounts_file == "accounts.csv"


def test_both_languages_give_the_same_scores(tmp_path):
    ja, en = (json.loads(build_report(CLIENTS / "bluepeak-hr.yaml", out_dir=tmp_path, lang=lang).results_json
                         .read_text(encoding="utf-8")) for lang in ("ja", "en"))
    assert ja["overall"] == en["overall"] and ja["dimensions"] == en["dimensions"]
    assert ja["level"]["name"] != en["level"]["name"]
    with pytest.raises(FileNotFoundError, match="found 2"):
        results_json_path(tmp_path, "bluepeak-hr")
    assert results_json_path(tmp_path, "bluepeak-hr", "ja").name == "bluepeak-hr.ja.results.json"


def test_workbook_sheets_and_values(full_report):
    book = openpyxl.load_workbook(full_report.xlsx)
    assert book.sheetnames == ["サマリー", "領域スコア", "回答", "調査比較", "施策", "ロードマップ", "指標",
                               "前回との比較", "調査指標の変化"]
    dims = book["領域スコア"]
    header = [c.value for c in dims[1]]
    rows = dims.iter_rows(min_row=2, max_row=10, values_only=True)
    scores = {row[header.index("領域ID")]: row[header.index("スコア")] for row in rows}
    summary = json.loads(full_report.results_json.read_text(encoding="utf-8"))
    assert {k: round(v, 2) for k, v in scores.items()} == summary["dimensions"]
    with zipfile.ZipFile(full_report.xlsx) as archive:  # openpyxl does not read charts back
        assert '<c:radarChart>' in archive.read("xl/charts/chart1.xml").decode("utf-8")


def test_verdict_follows_the_results():
    provisional = compute_results(CLIENTS / "orbit-education.yaml", lang="en")
    from csmaturity.report import verdict

    text = " ".join(verdict(provisional))
    assert "provisional" in text and "Orbit Education Co." in text
    held = " ".join(verdict(compute_results(CLIENTS / "midori-fintech.yaml", lang="ja")))
    assert "CS 1.0 リテンション" in held and "ヘルススコア" in held and "一つ手前" in held


def test_portfolio_position(tmp_path):
    others = [json.loads(build_report(CLIENTS / f"{c}.yaml", out_dir=tmp_path).results_json.read_text(encoding="utf-8"))
              for c in ("sakura-logistics", "bluepeak-hr")]
    # Three B2B clients: below the default minimum of 5, so hidden, and too few for a median.
    hidden = compute_results(CLIENTS / "northwind-analytics.yaml", portfolio=others).portfolio_position()
    assert hidden["hidden"] is True and hidden["segment_size"] == 3 and hidden["median"] is None
    assert set(hidden["percentiles"].values()) == {None}
    # With a minimum of 3: sakura 9.08 < northwind 46.4 < bluepeak 94.06 -> 100 * 1 / 2.
    shown = compute_results(CLIENTS / "northwind-analytics.yaml", portfolio=others, portfolio_min_group=3)
    assert shown.portfolio_position()["percentiles"]["overall"] == 50.0
    assert shown.portfolio_median() is not None


def test_templates_are_found_in_the_repository():
    assert (templates_dir() / "report.html.j2").is_file()


def test_the_report_template_is_compiled_once_per_process(monkeypatch):
    # A batch worker renders hundreds of pages: compiling the template for each cost a
    # quarter second per client.
    import jinja2

    from csmaturity.report import report_context
    from csmaturity.report.html import environment, render_page

    context = report_context(compute_results(CLIENTS / "bluepeak-hr.yaml"))
    render_page(context)  # the page and the files it includes compiled now, unless they already were
    compiled = []
    real = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile", lambda self, *a, **k: compiled.append(1) or real(self, *a, **k))
    for _ in range(2):
        render_page(context)
    assert not compiled and environment() is environment()


def test_every_format_reads_one_executive_page(tmp_path, monkeypatch):
    # The page, the workbook, the deck and the results file show the same decisions:
    # computed once per report, not once per format.
    pytest.importorskip("pptx")
    import csmaturity.report.executive as executive
    from csmaturity.report import write_report

    calls = []
    real = executive.executive_summary
    monkeypatch.setattr(executive, "executive_summary", lambda results: calls.append(results) or real(results))
    results = compute_results(CLIENTS / "bluepeak-hr.yaml")
    write_report(results, tmp_path, formats=("html", "xlsx", "pptx"))
    assert calls == [results]
    saved = json.loads(next(tmp_path.glob("*.results.json")).read_text(encoding="utf-8"))
    assert saved["executive"]["headline"] == results.executive.headline


def test_cli_report(tmp_path, capsys):
    assert main(["report", str(CLIENTS / "midori-fintech.yaml"), "--out", str(tmp_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "midori-fintech.en.report.html" in out and (tmp_path / "midori-fintech.en.report.xlsx").is_file()
    missing_survey = ["--survey", str(tmp_path / "x.csv")]
    assert main(["report", str(CLIENTS / "midori-fintech.yaml"), "--out", str(tmp_path), *missing_survey]) == 1
    assert "survey table" in capsys.readouterr().err
