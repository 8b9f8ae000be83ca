"""A report a client executive can act on (issue 13): one action plan in every output,
the executive page, history across waves, similarity off the headline, numbers in
context, and each statement the review found wrong."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import html as html_lib
import json
import re
import tempfile
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
import yaml

from csmaturity.assessment import file_digest
from csmaturity.cli import main
from csmaturity.errors import AnswersError
from csmaturity.i18n import labels, text
from csmaturity.report import build_report, compute_results, executive_summary, report_figures
from csmaturity.report.data_context import STALE_MONTHS, months_between, parse_band, risk_spread
from csmaturity.report.executive import BODY_ACTIONS, TOP_ACTIONS
from csmaturity.report.formatting import fmt_money
from csmaturity.report.tables import benchmark_rows, direction
from csmaturity.report.verdict import verdict

from conftest import CLIENTS, SAMPLE

HISTORY = SAMPLE / "history" / "hikari-cloud"
SAMPLE_CLIENTS = sorted(CLIENTS.glob("*.yaml"))


@functools.cache
def hikari_results(lang: str):
    """The sample client with data, computed once per test process: these tests only read it."""
    return compute_results(CLIENTS / "hikari-cloud.yaml", lang=lang)


@functools.cache
def hikari_page() -> str:
    """Its Japanese report page as ``csmaturity report`` writes it by default, made once."""
    with tempfile.TemporaryDirectory() as out:
        return build_report(CLIENTS / "hikari-cloud.yaml", out_dir=out).html.read_text(encoding="utf-8")


def section(page: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', page, re.S)
    assert match, section_id
    return match.group(0)


def visible(page: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def client_copy(tmp_path: Path, name: str = "hikari-cloud", **client: object) -> Path:
    """A sample client with its ``client:`` fields changed and its data paths kept."""
    source = CLIENTS / f"{name}.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["client"].update(client)
    if "data" in data:
        data["data"] = {k: str((source.parent / v).resolve()) for k, v in data["data"].items()}
    path = tmp_path / f"{name}-{len(list(tmp_path.glob('*.yaml')))}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- one action plan


def html_plan_titles(page: str) -> list[str]:
    """The action plan's titles as the report's body and appendix show them, by rank."""
    rows = []
    for sid in ("recommendations", "more-actions"):
        if f'<section id="{sid}"' in page:
            rows += re.findall(r'<tr><td class="n">(\d+)</td>\s*<td><b>(.*?)</b>', section(page, sid), re.S)
    assert [int(rank) for rank, _ in rows] == list(range(1, len(rows) + 1))
    return [html_lib.unescape(title) for _, title in rows]


def html_roadmap_titles(page: str) -> list[str]:
    roadmap = section(page, "roadmap")
    body = roadmap[roadmap.index("<tbody>"):]
    cells = re.findall(r"<tr><td class=\"n\">\d+</td>.*?</tr>", body, re.S)
    titles = []
    for row in cells:
        tds = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        # step, [phase], action, after: the action is the one before the last cell
        titles.append(html_lib.unescape(re.sub(r"\s*<span.*", "", tds[-2], flags=re.S)).strip())
    return titles


def sheet_rows(path: Path, name: str) -> list[dict]:
    book = openpyxl.load_workbook(path)
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:] if any(v is not None for v in row)]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("client", SAMPLE_CLIENTS, ids=lambda p: p.stem)
def test_every_output_shows_the_same_order(client, lang, tmp_path):
    outputs = build_report(client, out_dir=tmp_path, lang=lang)
    results = compute_results(client, lang=lang)
    plan = results.assessment.plan
    ids, titles = plan["recommendation"].tolist(), [str(t) for t in plan["title"]]
    assert ids, client.stem

    summary = json.loads(outputs.results_json.read_text(encoding="utf-8"))
    assert [p["recommendation"] for p in summary["plan"]] == ids
    assert summary["recommendations"] == ids
    assert [r["recommendation"] for r in summary["roadmap"]] == ids
    assert [a["recommendation"] for a in summary["executive"]["actions"]] == ids[:TOP_ACTIONS]

    page = outputs.html.read_text(encoding="utf-8")
    assert html_plan_titles(page) == titles
    assert len(re.findall(r'<tr><td class="n">\d+</td>', section(page, "recommendations"))) == min(len(ids),
                                                                                                  BODY_ACTIONS)
    assert html_roadmap_titles(page) == titles
    exec_rows = re.findall(r'<tr><td class="n">(\d+)</td>\s*<td><b>(.*?)</b>',
                           section(page, "summary").split('class="exec-actions"')[1], re.S)
    assert [html_lib.unescape(t) for _, t in exec_rows] == titles[:TOP_ACTIONS]
    first_step = next(s for s in verdict(results) if titles[0].rstrip(".。") in s)
    assert text("verdict.first_step" if len(ids) > 1 else "verdict.first_step_one", lang, title="", n=len(ids),
                when="")[:6] in first_step

    sheets = labels(lang)["excel"]["sheets"]
    columns = labels(lang)["columns"]
    recs = sheet_rows(outputs.xlsx, sheets["recommendations"])
    assert [r[columns["recommendation_id"]] for r in recs] == ids
    assert [r[columns["rank"]] for r in recs] == list(range(1, len(ids) + 1))
    assert [str(r[columns["title"]]) for r in sheet_rows(outputs.xlsx, sheets["roadmap"])] == titles
    summary_sheet = openpyxl.load_workbook(outputs.xlsx)[sheets["summary"]]
    action_rows = [row[1] for row in summary_sheet.iter_rows(values_only=True)
                   if isinstance(row[0], str) and row[0].startswith(labels(lang)["executive"]["actions_title"])]
    assert [str(v).split(" — ")[0] for v in action_rows] == titles[:TOP_ACTIONS]

    with outputs.plan_csv.open(encoding="utf-8", newline="") as fh:
        tracker = list(csv.DictReader(fh))
    assert [row["Summary"] for row in tracker] == titles
    assert [int(row["Rank"]) for row in tracker] == list(range(1, len(ids) + 1))
    assert [r["Summary"] for r in sheet_rows(outputs.plan_xlsx, "plan")] == titles


# --------------------------------------------------------------------------- the executive page


def test_midori_is_held_back_only_by_its_health_score():
    for lang in ("ja", "en"):
        page = executive_summary(compute_results(CLIENTS / "midori-fintech.yaml", lang=lang))
        box = page.next_level
        assert box is not None and box.level == "cs1" and box.reachable
        assert [(c.dimension, c.needed, round(c.now)) for c in box.missing] == [("health_score", 40, 21)]
        assert page.actions[0].recommendation == "health_score" and box.actions[0].rank == 1
        held = next(f for f in page.findings if f.kind == "held_back")
        assert "21" in held.text and "40" in held.text
    assert "「ヘルススコア」40点以上（現在21点）が必要です" in executive_summary(
        compute_results(CLIENTS / "midori-fintech.yaml", lang="ja")).headline
    assert "Health score at 40 (now 21)" in page.headline and "CS 1.0 Retention" in page.headline


def test_hikari_needs_75_overall_and_kpis_at_70(tmp_path):
    results = hikari_results("ja")
    page = executive_summary(results)
    box = page.next_level
    assert box.level == "cs2" and box.reachable and not box.already_there
    assert [(c.dimension, c.needed, round(c.now)) for c in box.missing] == [(None, 75, 63), ("kpis", 70, 67)]
    assert page.headline == ("ひかりクラウド株式会社は総合63点（100点満点）で「CS 1.0 リテンション」の段階にあり、"
                             "「CS 2.0 拡大」に進むには総合スコア75点以上（現在63点）と「成果指標（KPI）」70点以上"
                             "（現在67点）が必要です。")
    assert len(page.findings) == 3 and len(page.actions) == TOP_ACTIONS
    assert all(a.owner and re.fullmatch(r"\d{4}-Q[1-4]", a.quarter) for a in page.actions)
    # the box names the plan's actions that unblock the level, in plan order
    assert [a.rank for a in box.actions] == sorted(a.rank for a in box.actions)
    assert all(a.unblocks for a in box.actions)
    # current vs target per dimension: KPIs short of 70 now, met after the path's changes
    kpis = next(d for d in box.dimensions if d.dimension == "kpis")
    assert kpis.short and kpis.needed == 70 and kpis.after >= 70
    html = hikari_page()
    summary = section(html, "summary")
    assert page.headline in visible(summary)
    assert "「CS 2.0 拡大」に進むには" in summary and 'class="dim-targets"' in summary
    english = executive_summary(hikari_results("en"))
    assert "an overall score of 75 (now 63) and Outcome KPIs at 70 (now 67)" in english.headline


def test_a_target_level_gets_its_own_box_and_an_unreachable_one_says_so(tmp_path):
    path = client_copy(tmp_path, "northwind-analytics")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["target"] = {"level": "cs2", "by": "2028-03-31"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    page = executive_summary(compute_results(path))
    assert page.target is not None and page.target.level == "cs2" and page.target.by == dt.date(2028, 3, 31)
    assert page.target.title == "Target: CS 2.0 Expansion by 2028-03-31"
    assert next(r for r in page.ladder if r.id == "cs2").target
    html = build_report(path, out_dir=tmp_path / "out").html.read_text(encoding="utf-8")
    assert "Target: CS 2.0 Expansion by 2028-03-31" in visible(section(html, "summary"))
    # from the command line, without a date
    assert main(["report", str(CLIENTS / "northwind-analytics.yaml"), "--out", str(tmp_path / "cli"),
                 "--target", "cs2"]) == 0
    cli = (tmp_path / "cli" / "northwind-analytics.en.report.html").read_text(encoding="utf-8")
    assert "Target: CS 2.0 Expansion" in visible(section(cli, "summary"))
    # a level the questionnaire cannot reach (a valid model always can: the path as if it could not)
    results = hikari_results("en")
    path_ = dataclasses.replace(results.assessment.next_path, reachable=False)
    results = dataclasses.replace(results, assessment=dataclasses.replace(results.assessment, next_path=path_))
    out_of_reach = executive_summary(results)
    assert not out_of_reach.next_level.reachable
    assert "out of reach of the practices this questionnaire covers" in out_of_reach.headline
    assert "Even with every question at full marks" in out_of_reach.next_level.outcome


def test_top_level_and_level_page(tmp_path):
    page = executive_summary(compute_results(CLIENTS / "bluepeak-hr.yaml"))
    assert page.next_level is None and "top level" in page.headline
    html = build_report(CLIENTS / "midori-fintech.yaml", out_dir=tmp_path).html.read_text(encoding="utf-8")
    levels = section(html, "levels")
    text_ = visible(levels)
    # each level's meaning and entry criteria; the client's level and its score-alone level marked
    assert "総合スコア50点以上、「成果指標（KPI）」50点以上と「ヘルススコア」40点以上" in text_
    assert "ルールとテクノロジーを使って解約を防ぎ" in text_
    assert re.search(r'<tr class="current"><td><b>CS 0.0 設計</b>', levels)
    assert "スコアだけならこの段階" in text_


# --------------------------------------------------------------------------- history


def test_previous_of_another_client_is_refused_unless_asked(tmp_path, capsys):
    with pytest.raises(AnswersError) as caught:
        compute_results(CLIENTS / "hikari-cloud.yaml", previous_file=CLIENTS / "sakura-logistics.yaml")
    assert "'sakura-logistics'" in str(caught.value) and "'hikari-cloud'" in str(caught.value)
    assert main(["report", str(CLIENTS / "hikari-cloud.yaml"), "--out", str(tmp_path / "cli"),
                 "--previous", str(CLIENTS / "sakura-logistics.yaml")]) == 1
    err = capsys.readouterr().err
    assert "sakura-logistics" in err and "hikari-cloud" in err and "--previous-other-client" in err
    assert not list((tmp_path / "cli").glob("*"))

    assert main(["report", str(CLIENTS / "hikari-cloud.yaml"), "--out", str(tmp_path / "ok"),
                 "--previous", str(CLIENTS / "sakura-logistics.yaml"), "--previous-other-client"]) == 0
    page = (tmp_path / "ok" / "hikari-cloud.ja.report.html").read_text(encoding="utf-8")
    change = visible(section(page, "change"))
    assert "別のクライアント（sakura-logistics：さくら物流システム株式会社）" in change
    summary = json.loads((tmp_path / "ok" / "hikari-cloud.ja.results.json").read_text(encoding="utf-8"))
    assert summary["change"]["other_client"] is True
    previous = summary["provenance"]["previous"]
    assert previous == {"role": "previous", "file": "sakura-logistics.yaml",
                        "sha256": file_digest(CLIENTS / "sakura-logistics.yaml"), "client_id": "sakura-logistics",
                        "other_client": True}
    assert "別のクライアント（sakura-logistics）" in visible(section(page, "method"))


def test_previous_file_and_its_hash_are_in_the_provenance(tmp_path):
    previous = HISTORY / "2025-10-17.yaml"
    outputs = build_report(CLIENTS / "hikari-cloud.yaml", out_dir=tmp_path, previous_file=previous)
    digest = file_digest(previous)
    summary = json.loads(outputs.results_json.read_text(encoding="utf-8"))
    assert summary["provenance"]["previous"]["file"] == "2025-10-17.yaml"
    assert summary["provenance"]["previous"]["sha256"] == digest
    assert summary["provenance"]["previous"]["other_client"] is False
    assert {f["role"] for f in summary["provenance"]["files"]} == {"accounts", "survey", "previous"}
    method = visible(section(outputs.html.read_text(encoding="utf-8"), "method"))
    assert "2025-10-17.yaml" in method and digest in method


def test_two_earlier_waves_give_a_trend(tmp_path):
    assert main(["report", str(CLIENTS / "hikari-cloud.yaml"), "--out", str(tmp_path), "--lang", "en",
                 "--history", str(HISTORY)]) == 0
    summary = json.loads((tmp_path / "hikari-cloud.en.results.json").read_text(encoding="utf-8"))
    history = summary["history"]
    assert [w["date"] for w in history["waves"]] == ["2024-10-18", "2025-10-17", "2026-10-20"]
    overall = [w["overall"] for w in history["waves"]]
    assert overall == sorted(overall) and overall[-1] == summary["overall"]
    assert [(c["before"], c["after"]) for c in history["level_changes"]] == [("adhoc", "cs0"), ("cs0", "cs1")]
    assert len(history["trend"]) == 3 and {"overall", "kpis", "health_score"} <= set(history["trend"][0])
    # survey metrics between waves: the earlier wave of the survey against this one, tested
    assert history["survey"] and {c["metric"] for c in history["survey"][0]["comparisons"]} >= {"NPS", "CES"}
    # without --previous the latest earlier wave is the previous assessment
    assert summary["change"]["previous_date"] == "2025-10-17"
    assert [f["file"] for f in summary["provenance"]["files"] if f["role"] == "history"] == ["2024-10-18.yaml",
                                                                                           "2025-10-17.yaml"]
    page = (tmp_path / "hikari-cloud.en.report.html").read_text(encoding="utf-8")
    trend = section(page, "history")
    assert "3 assessments (2024-10-18 to 2026-10-20)" in visible(trend)
    assert "2025-10-17: Ad hoc / not started → CS 0.0 Design" in visible(trend)
    assert "<img" in trend
    book = openpyxl.load_workbook(tmp_path / "hikari-cloud.en.report.xlsx")
    assert "History" in book.sheetnames


def test_history_files_must_be_the_clients_and_earlier(tmp_path):
    later = client_copy(tmp_path, assessment_date="2027-01-05")
    with pytest.raises(AnswersError, match="is not before this assessment"):
        compute_results(CLIENTS / "hikari-cloud.yaml", history=[HISTORY, later])
    with pytest.raises(AnswersError, match="'sakura-logistics'.*'hikari-cloud'"):
        compute_results(CLIENTS / "hikari-cloud.yaml", history=[CLIENTS / "sakura-logistics.yaml"])
    allowed = compute_results(CLIENTS / "hikari-cloud.yaml", history=[CLIENTS / "sakura-logistics.yaml"],
                              previous_other_client=True)
    assert allowed.history.other_clients == ["sakura-logistics"]


# --------------------------------------------------------------------------- similarity off the headline


def test_similarity_is_off_the_headline_and_stated_with_its_method(tmp_path):
    outputs = build_report(CLIENTS / "hikari-cloud.yaml", out_dir=tmp_path, lang="en")
    page = outputs.html.read_text(encoding="utf-8")
    summary = section(page, "summary")
    assert "Similarity" not in summary and ">99%" not in summary and "similarity" not in visible(summary)
    assert len(re.findall(r'<div class="card[ "]', summary)) == 3  # score, level, answered
    sim = hikari_results("en").assessment.similarity
    bench = visible(section(page, "benchmark"))
    assert (f'You do what most of "Feel CS is effective" does on {sim.majority_agreement} of the '
            f"{sim.majority_items} practices") in bench
    assert "discounted to 0.32 of its value because the practices are correlated" in bench
    book = openpyxl.load_workbook(outputs.xlsx)
    values = [c for row in book["Summary"].iter_rows(values_only=True) for c in row]
    assert f"{sim.majority_agreement} of {sim.majority_items}" in values
    assert sim.posterior_leading not in values and round(sim.posterior_leading, 2) not in values


# --------------------------------------------------------------------------- numbers in context


def test_money_carries_its_currency(tmp_path):
    assert fmt_money(1_063_923_000, "JPY", "ja") == "10.6億円"
    assert fmt_money(1_063_923_000, "JPY", "en") == "¥1.06B"
    assert fmt_money(1_060_000, "USD", "en") == "$1.06M" and fmt_money(1_060_000, "USD", "ja") == "106万ドル"
    assert fmt_money(1_060_000, "CHF", "en") == "CHF 1.06M"
    ja = hikari_page()
    metrics = visible(section(ja, "metrics"))
    assert "解約リスクのあるARR: 10.6億円" in metrics
    ltv = re.search(r"<th class=\"n\">LTV</th>.*?</tbody>", section(ja, "metrics"), re.S).group(0)
    assert len(re.findall(r'<td class="n">[\d.,]+(万|億)円</td>', ltv)) == 3  # each LTV with its currency
    assert not re.search(r"\d億(?!円)", metrics.replace("億円", ""))  # no amount without its currency
    en = build_report(client_copy(tmp_path, currency="USD"), out_dir=tmp_path / "usd", lang="en")
    page = en.html.read_text(encoding="utf-8")
    assert "ARR at risk: $1.06B" in visible(section(page, "metrics"))
    assert "$1.06B of ARR is at risk" in visible(section(page, "summary"))
    summary = json.loads(en.results_json.read_text(encoding="utf-8"))
    assert summary["client"]["currency"] == "USD" and summary["executive"]["currency"] == "USD"
    metrics_sheet = sheet_rows(en.xlsx, "Metrics")
    assert {r["Unit"] for r in metrics_sheet if r["Metric"] == "ARR at risk"} == {"amount (USD)"}


def test_stale_data_is_flagged_and_fresh_data_is_not(tmp_path):
    stale = executive_summary(hikari_results("ja"))
    assert stale.data.stale and stale.data.accounts.months == 18 and stale.data.survey.months == 23
    assert stale.data.accounts.end == dt.date(2025, 3, 31)
    page = hikari_page()
    summary = visible(section(page, "summary"))
    assert "古いデータ" in summary and "顧客データ：2024-04-01〜2025-03-31（診断日の18か月前まで）" in summary
    assert "12か月を超えています" in summary
    fresh = executive_summary(compute_results(client_copy(tmp_path, assessment_date="2025-06-30")))
    assert fresh.data.accounts.months == 2 and not fresh.data.accounts.stale and not fresh.data.stale
    assert months_between(dt.date(2025, 3, 31), dt.date(2026, 3, 31)) == STALE_MONTHS


def test_profile_and_data_are_reconciled(tmp_path):
    page = executive_summary(hikari_results("ja"))
    rec = {r.field: r for r in page.data.reconciliation}
    assert rec["customers"].agrees is False and rec["customers"].data == "1,634" and rec["customers"].profile == "2,600"
    assert rec["arr_band"].agrees is False and rec["arr_band"].data == "54.3億円"
    assert parse_band("10〜30億円") == (1e9, 3e9) and parse_band("5-20M USD") == (5e6, 2e7)
    assert parse_band("large") is None
    html = hikari_page()
    assert "プロフィールの顧客数は2,600社ですが、顧客データの契約中の顧客は1,634社（63%）です" in visible(
        section(html, "summary"))
    agreeing = executive_summary(compute_results(client_copy(
        tmp_path, profile={"business_model": "B2B", "arr_band": "50〜60億円", "customers": 1700, "cs_headcount": 14})))
    assert all(r.agrees for r in agreeing.data.reconciliation)


def test_a_section_without_data_says_so(tmp_path):
    page = build_report(CLIENTS / "northwind-analytics.yaml", out_dir=tmp_path).html.read_text(encoding="utf-8")
    metrics = visible(section(page, "metrics"))
    assert "No customer data or survey was provided" in metrics
    assert 'id="metrics" class="major"' not in page  # one line, no page of its own
    only_survey = compute_results(CLIENTS / "hikari-cloud.yaml", accounts_file=None)
    assert executive_summary(only_survey).data.missing == []
    data = yaml.safe_load((CLIENTS / "hikari-cloud.yaml").read_text(encoding="utf-8"))
    data["data"] = {"survey": str((CLIENTS / data["data"]["survey"]).resolve())}
    path = tmp_path / "survey-only.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    lines = executive_summary(compute_results(path)).data.lines
    assert "顧客データ（契約・売上の表）：提供なし" in lines


def test_reference_ranges_are_us_figures_said_so(tmp_path):
    page = hikari_page()
    metrics = visible(section(page, "metrics"))
    assert "参考：米国SaaSの中央値 約100%" in metrics and "参考：米国SaaSの中央値 約90〜93%" in metrics
    assert "日本企業の数値でも、本レポートの調査比較の数値でもなく" in metrics
    finding = next(f for f in executive_summary(hikari_results("ja")).findings
                   if f.kind == "retention")
    assert "米国SaaSの中央値（約100%）を下回っています" in finding.text


# --------------------------------------------------------------------------- what was found, 4


def health(red: int, others: int, share_arr: float) -> SimpleNamespace:
    return SimpleNamespace(accounts={"red": red, "yellow": others, "green": 0, "no data": 0},
                           share_arr_at_risk=share_arr)


def test_red_accounts_are_a_concentration_only_when_they_hold_more_than_their_share():
    assert risk_spread(health(348, 1286, 0.196)) == "even"  # 21 % of accounts, 20 % of ARR
    assert risk_spread(health(100, 900, 0.30)) == "concentrated"
    assert risk_spread(health(300, 700, 0.10)) == "small"
    results = hikari_results("ja")
    text_ = " ".join(verdict(results))
    assert "集中" not in text_ and "ヘルススコアが赤の348社（顧客の21%）が、ARRの20%を占めており" in text_
    english = " ".join(verdict(hikari_results("en")))
    assert "concentrated" not in english and "(21% of accounts) hold 20% of ARR" in english


def test_key_driver_axis_says_what_importance_is():
    results = hikari_results("en")
    fig = report_figures(results)["drivers"]
    # the outcome the importance is measured against is named, whatever the method
    assert fig.axes[0].get_ylabel().endswith("likelihood to recommend, NPS)")
    for key in ("ylabel", "ylabel_regression", "ylabel_relative_weight", "ylabel_shapley"):
        assert "NPS" in text(f"chart.drivers.{key}", "ja") and "NPS" in text(f"chart.drivers.{key}", "en")
        assert "overall" not in text(f"chart.drivers.{key}", "en")
        assert "総合評価" not in text(f"chart.drivers.{key}", "ja")


def test_effort_footnote_uses_the_columns_words(tmp_path):
    for lang, words in (("ja", ("小", "中", "大")), ("en", ("S", "M", "L"))):
        page = build_report(CLIENTS / "northwind-analytics.yaml", out_dir=tmp_path, lang=lang).html.read_text(
            encoding="utf-8")
        recs = section(page, "recommendations")
        cells = set(re.findall(r'<td class="c">(.*?)</td>', recs))
        assert cells <= set(words) | {"—"} and cells & set(words)
        note = visible(recs)
        expected = text("recommendations.note_effort", lang, S=words[0], M=words[1], L=words[2])
        assert expected in note
    assert "S（" not in text("recommendations.note_effort", "ja", S="小", M="中", L="大")


def test_a_state_to_avoid_is_good_when_absent(tmp_path):
    results = compute_results(CLIENTS / "northwind-analytics.yaml", lang="en")
    bench = results.assessment.model.benchmarks[0]
    rows = benchmark_rows(results, bench).set_index("item_id")
    assert bool(rows.at["kpi_none", "adverse"]) and rows.at["kpi_none", "client"] == "no"
    assert rows.at["kpi_none", "good"]  # not having it is the good answer
    assert not rows.at["kpi_retention", "adverse"] and rows.at["kpi_retention", "good"]
    page = build_report(CLIENTS / "northwind-analytics.yaml", out_dir=tmp_path).html.read_text(encoding="utf-8")
    row = re.search(r"<tr><td>No outcome KPI defined</td>.*?</tr>", page, re.S).group(0)
    assert 'class="no good"' in row and "gap" not in row and "state to avoid" in row
    # an intermediate option the client is past is no gap either ("considering" once built)
    hikari = hikari_results("ja")
    past = benchmark_rows(hikari, hikari.assessment.model.benchmarks[0]).set_index("item_id")
    assert past.at["touch_considering", "client"] == "no" and past.at["touch_considering", "good"]
    assert not past.at["phase_rules_operating", "good"]  # on trial only: still a gap


def test_a_significant_change_says_better_or_worse(tmp_path):
    assert direction("CES", -0.25, True) == "better" and direction("CES", 0.3, True) == "worse"
    assert direction("NPS", 12.1, True) == "better" and direction("NPS", -3.0, True) == "worse"
    assert direction("NRS", 6.6, False) is None
    outputs = build_report(CLIENTS / "hikari-cloud.yaml", out_dir=tmp_path,
                           previous_file=HISTORY / "2024-10-18.yaml")
    change = section(outputs.html.read_text(encoding="utf-8"), "change")
    ces = re.search(r"<tr><td>CES</td>.*?</tr>", change, re.S).group(0)
    assert "有意な変化" in ces and "改善" in ces and 'class="up"' in ces
    book = openpyxl.load_workbook(outputs.xlsx)
    rows = {r[0]: r for r in book["調査指標の変化"].iter_rows(values_only=True)}
    header = rows["指標"]
    assert rows["CES"][header.index("方向")] == "改善"


def test_japanese_copy(tmp_path):
    ja = labels("ja")
    assert ja["chart"]["loyalty"]["at_risk"] == ja["chart"]["nps_nrs"]["at_risk"] == "離反予備軍"
    assert ja["chart"]["loyalty"]["passives"] == ja["chart"]["loyalty"]["neutrals"] == "中立者"
    assert ja["chart"]["nps_nrs"]["neutral"] == "中立者"
    outputs = build_report(CLIENTS / "hikari-cloud.yaml", out_dir=tmp_path, previous_file=HISTORY / "2025-10-17.yaml")
    page = outputs.html.read_text(encoding="utf-8")
    shown = visible(page)
    assert "リスクにさらされた" not in shown and "解約リスクのあるARR" in shown
    assert "離反予備軍として" in shown and not re.search(r"離反予備(?!軍)", shown)
    assert "売上継続率（NRR）" not in shown and "NRR（売上純継続率）" in shown
    assert not re.search(r"(?<!「)中立(?!者)", shown)
    # no file names in the client's text: only the provenance in the method appendix names them
    before_method = visible(page[:page.index('<section id="method"')])
    for name in ("accounts.csv", "survey_ja_cp932.csv", "2025-10-17.yaml", ".yaml"):
        assert name not in before_method, name
    assert "accounts.csv" in visible(section(page, "method"))


# --------------------------------------------------------------------------- outputs


def test_the_plan_is_written_beside_the_report_by_the_cli_and_the_batch(tmp_path, capsys):
    assert main(["report", str(CLIENTS / "northwind-analytics.yaml"), "--out", str(tmp_path / "one")]) == 0
    out = capsys.readouterr().out
    assert "northwind-analytics.en.plan.csv" in out and "northwind-analytics.en.plan.xlsx" in out
    from csmaturity.batch import run_batch

    result = run_batch([CLIENTS / "sakura-logistics.yaml", CLIENTS / "bluepeak-hr.yaml"], tmp_path / "batch",
                       workers=1, progress=False)
    assert not result.failed
    for client in ("sakura-logistics", "bluepeak-hr"):
        assert len(list((tmp_path / "batch" / client).glob("*.plan.csv"))) == 1
        assert len(list((tmp_path / "batch" / client).glob("*.plan.xlsx"))) == 1


def test_quick_wins_chart_shows_each_action_in_its_quadrant():
    results = hikari_results("en")
    plan = results.assessment.plan
    fig = report_figures(results)["quadrant"]
    texts = [t.get_text() for t in fig.axes[0].texts]
    for quadrant in ("quick_win", "major_project", "fill_in", "deprioritise"):
        heading = texts.index(text(f"plan.quadrant.{quadrant}", "en"))
        listed = texts[heading + 1]
        ranks = [int(line.split(".")[0]) for line in listed.splitlines() if line and line[0].isdigit()]
        assert ranks == plan.index[plan["quadrant"] == quadrant].tolist()[:6], quadrant
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["Low (S, M)", "High (L)"]
