"""A client's percentile within the portfolio in its report: HTML, results JSON, workbook, CLI.

The portfolio is built here from hand-chosen scores: five B2B clients beside the
reported B2B client (northwind-analytics, overall 46.4, not in the portfolio: it is
added) and three B2C clients, one of them a stale entry of orbit-education (the
reported B2C client, replaced by its fresh results). Expected percentiles are the
mid-rank ones, ``100 * (below + 0.5 * tied) / (n - 1)``, worked out by hand below.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest

import csmaturity as cm
from csmaturity.cli import main
from csmaturity.errors import DataError
from csmaturity.portfolio import find_results, portfolio_table
from csmaturity.report import build_report, compute_results

from conftest import CLIENTS

NORTHWIND = CLIENTS / "northwind-analytics.yaml"  # B2B, overall 46.4, kpis 54.17, health_score 33.33
ORBIT = CLIENTS / "orbit-education.yaml"  # B2C, overall 16.29


@pytest.fixture(scope="module")
def model():
    return cm.load_model()


def result(model, client_id: str, business_model: str, overall: float, *, date: str = "2026-09-01",
           **dims: float) -> dict:
    """A results dict as written in ``*.results.json``: every dimension 50 unless given."""
    return {
        "client": {"id": client_id, "name": client_id.title(), "industry": "SaaS", "assessment_date": date,
                   "language": "en", "profile": {"business_model": business_model, "arr_band": "1-5M USD",
                                                 "customers": 100, "cs_headcount": 2}},
        "overall": overall,
        "level": {"id": model.levels[1].id},
        "coverage": 1.0,
        "provisional": False,
        "dimensions": {d.id: dims.get(d.id, 50.0) for d in model.dimensions},
        "top_gaps": [],
    }


@pytest.fixture(scope="module")
def portfolio(model):
    return [
        # B2B: overall 10, 30 | northwind 46.4 | 50, 70, 90; kpis 0, 10 | tie at northwind's 54.17 | 80, 100
        result(model, "b2b-1", "B2B", 10.0, kpis=0.0),
        result(model, "b2b-2", "B2B", 30.0, kpis=10.0),
        result(model, "b2b-3", "B2B", 50.0, kpis=54.17),
        result(model, "b2b-4", "B2B", 70.0, kpis=80.0),
        result(model, "b2b-5", "B2B", 90.0, kpis=100.0),
        # B2C: overall 10 | orbit 16.29 | 30; the stale orbit entry (99) must not count
        result(model, "b2c-1", "B2C", 10.0),
        result(model, "b2c-2", "B2C", 30.0),
        result(model, "orbit-education", "B2C", 99.0, date="2025-01-15"),
    ]


@pytest.fixture(scope="module")
def b2b_report(portfolio, tmp_path_factory):
    return build_report(NORTHWIND, out_dir=tmp_path_factory.mktemp("b2b"), lang="en", portfolio=portfolio)


def summary_json(outputs) -> dict:
    return json.loads(outputs.results_json.read_text(encoding="utf-8"))


def dimension_row(html: str, name: str) -> str:
    section = html[html.index('<section id="dimensions"'):html.index('<section id="benchmark"')]
    return next(row for row in section.split("<tr>") if f"<b>{name}</b>" in row)


def test_scores_the_hand_computed_values_rest_on(model):
    northwind = cm.assess(model, cm.load_answers(NORTHWIND, model)).to_dict()
    assert northwind["overall"] == 46.4 and northwind["dimensions"]["kpis"] == 54.17
    assert northwind["dimensions"]["health_score"] == 33.33
    assert cm.assess(model, cm.load_answers(ORBIT, model)).to_dict()["overall"] == 16.29


def test_b2b_client_percentiles_are_the_mid_rank_values(portfolio, model):
    results = compute_results(NORTHWIND, lang="en", portfolio=portfolio)
    position = results.portfolio_position()
    # overall: 2 of the 5 others below, no tie -> 100 * 2 / 5
    assert position["percentiles"]["overall"] == 40.0
    # kpis: 2 below and 1 tied -> 100 * (2 + 0.5) / 5
    assert position["percentiles"]["kpis"] == 50.0
    # health_score: 33.33 below every other's 50 -> 0; roadmap_ops: 62.5 above all -> 100
    assert position["percentiles"]["health_score"] == 0.0
    assert position["percentiles"]["roadmap_ops"] == 100.0
    assert list(position["percentiles"]) == ["overall", *[d.id for d in model.dimensions]]
    assert position["segment"] == {"name": "business_model", "value": "B2B"}
    assert (position["segment_size"], position["portfolio_size"], position["min_group"]) == (6, 9, 5)
    assert position["hidden"] is False
    # The radar's median is the B2B segment's: kpis 0, 10, 54.17, 54.17, 80, 100 -> 54.17
    assert position["median"] == {"scope": "segment", "clients": 6}
    assert results.portfolio_median()["kpis"] == pytest.approx(54.17)
    assert results.portfolio_median()["health_score"] == pytest.approx(50.0)


def test_absent_client_is_added_and_listed_one_counts_once_with_fresh_scores(portfolio, model):
    assert "northwind-analytics" not in {r["client"]["id"] for r in portfolio}
    results = compute_results(NORTHWIND, lang="en", portfolio=portfolio)
    assert results.ranking.table.loc["northwind-analytics", "overall"] == 46.4
    assert len(results.ranking.table) == 9
    # An old entry of the same client (score 5: would rank it 0) is replaced, not added.
    stale = [*portfolio, result(model, "northwind-analytics", "B2B", 5.0, date="2024-01-01")]
    again = compute_results(NORTHWIND, lang="en", portfolio=stale)
    assert again.portfolio_position()["percentiles"]["overall"] == 40.0
    assert again.portfolio_position()["segment_size"] == 6


def test_a_portfolio_table_gives_the_same_position(portfolio, model):
    from_dicts = compute_results(NORTHWIND, lang="en", portfolio=portfolio).portfolio_position()
    table = portfolio_table(portfolio, model)
    assert compute_results(NORTHWIND, lang="en", portfolio=table).portfolio_position() == from_dicts


def test_b2b_percentile_in_html_json_and_workbook(b2b_report, model):
    html = b2b_report.html.read_text(encoding="utf-8")
    assert "Percentile within the portfolio (segment B2B, 6 clients): overall 40" in html
    assert "Dotted line on the radar: Median of segment B2B (6 clients)." in html
    assert "Percentile in segment" in html
    kpis = next(d.name.get("en") for d in model.dimensions if d.id == "kpis")
    health = next(d.name.get("en") for d in model.dimensions if d.id == "health_score")
    assert re.search(r'<td class="n">50</td></tr>', dimension_row(html, kpis))
    assert re.search(r'<td class="n">0</td></tr>', dimension_row(html, health))

    saved = summary_json(b2b_report)["portfolio"]
    assert saved["percentiles"]["overall"] == 40.0 and saved["percentiles"]["kpis"] == 50.0
    assert saved["hidden"] is False and saved["segment_size"] == 6

    book = openpyxl.load_workbook(b2b_report.xlsx)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=3, values_only=True) if row[0]}
    assert summary["Percentile within the portfolio (overall)"] == 40.0
    assert summary["Portfolio segment"] == "Business model: B2B (6 clients; shown from 5)"
    assert summary["Radar chart median"] == "Median of segment B2B (6 clients)"
    dims = book["Dimensions"]
    header = [c.value for c in dims[1]]
    percentiles = {row[header.index("Dimension id")]: row[header.index("Percentile in segment")]
                   for row in dims.iter_rows(min_row=2, max_row=10, values_only=True)}
    assert percentiles["kpis"] == 50.0 and percentiles["health_score"] == 0.0 and percentiles["roadmap_ops"] == 100.0


def test_b2c_client_percentiles_are_hidden_and_the_report_says_why(portfolio, tmp_path):
    outputs = build_report(ORBIT, out_dir=tmp_path, lang="en", portfolio=portfolio)
    saved = summary_json(outputs)["portfolio"]
    assert saved["hidden"] is True and saved["segment_size"] == 3 and saved["min_group"] == 5
    assert set(saved["percentiles"].values()) == {None} and "overall" in saved["percentiles"]
    # Too few B2C clients for a segment median: the radar shows the whole portfolio's (8 clients).
    assert saved["median"] == {"scope": "portfolio", "clients": 8}
    html = outputs.html.read_text(encoding="utf-8")
    assert "Percentile within the portfolio not shown: fewer than 5 clients share this segment (B2C)" in html
    assert "Percentile in segment" not in html and "overall 50" not in html
    assert "Dotted line on the radar: Portfolio median (all 8 clients)." in html
    book = openpyxl.load_workbook(outputs.xlsx)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=3, values_only=True) if row[0]}
    assert summary["Percentile within the portfolio (overall)"] == "Not shown (fewer than 5 clients in the segment)"

    ja = build_report(ORBIT, out_dir=tmp_path, lang="ja", portfolio=portfolio).html.read_text(encoding="utf-8")
    assert "ポートフォリオ内のパーセンタイルは表示していません：このセグメント（B2C）の企業が5社未満" in ja


def test_min_group_three_shows_the_b2c_percentile(portfolio, tmp_path):
    outputs = build_report(ORBIT, out_dir=tmp_path, lang="ja", portfolio=portfolio, portfolio_min_group=3)
    saved = summary_json(outputs)["portfolio"]
    # overall: 1 of the 2 other B2C clients below (the stale 99 replaced by 16.29) -> 100 * 1 / 2
    assert saved["hidden"] is False and saved["percentiles"]["overall"] == 50.0
    assert saved["median"] == {"scope": "segment", "clients": 3}
    html = outputs.html.read_text(encoding="utf-8")
    assert "ポートフォリオ内のパーセンタイル（セグメント B2C・3社）：総合 50" in html
    assert "セグメント内パーセンタイル" in html


def test_segment_by_industry(portfolio):
    # All eight portfolio entries are "SaaS"; northwind is "Analytics SaaS", alone in its industry.
    results = compute_results(NORTHWIND, lang="en", portfolio=portfolio, portfolio_segment="industry")
    position = results.portfolio_position()
    assert position["segment"] == {"name": "industry", "value": "Analytics SaaS"}
    assert position["segment_size"] == 1 and position["hidden"] is True
    assert position["median"] == {"scope": "portfolio", "clients": 9}


def test_no_portfolio_no_position_and_bad_settings_are_refused(portfolio, model):
    assert compute_results(NORTHWIND, lang="en").portfolio_position() is None
    with pytest.raises(ValueError, match="portfolio_segment"):
        compute_results(NORTHWIND, portfolio=portfolio, portfolio_segment="country")
    with pytest.raises(ValueError, match="at least 2"):
        compute_results(NORTHWIND, portfolio=portfolio, portfolio_min_group=1)
    broken = [*portfolio, {"client": {"id": "x"}, "overall": 1}]
    with pytest.raises(DataError, match="client x"):
        compute_results(NORTHWIND, portfolio=broken)
    other_model = result(model, "y", "B2B", 1.0)
    del other_model["dimensions"]["kpis"]
    with pytest.raises(DataError, match="no score for dimension.*kpis"):
        compute_results(NORTHWIND, portfolio=[*portfolio, other_model])


def write_portfolio_folder(portfolio, folder: Path) -> Path:
    """Batch layout (``<id>/<id>.en.results.json``) for most, two files at the top level,
    and a JSON file that is not a results file (ignored)."""
    for i, r in enumerate(portfolio):
        cid = r["client"]["id"]
        where = folder if i < 2 else folder / cid
        where.mkdir(parents=True, exist_ok=True)
        (where / f"{cid}.en.results.json").write_text(json.dumps(r), encoding="utf-8")
    (folder / "notes.json").write_text("not results", encoding="utf-8")
    return folder


def test_find_results_reads_a_batch_folder(portfolio, tmp_path):
    folder = write_portfolio_folder(portfolio, tmp_path / "batch")
    found = find_results([folder])
    assert len(found) == 8 and all(p.name.endswith(".results.json") for p in found)
    assert find_results([found[0], folder]) == list(dict.fromkeys([found[0], *found]))
    with pytest.raises(DataError, match="no such results file or folder"):
        find_results([tmp_path / "missing"])


def test_cli_portfolio_folder(portfolio, tmp_path, capsys):
    folder = write_portfolio_folder(portfolio, tmp_path / "batch")
    out = tmp_path / "out"
    # The folder holds orbit's own earlier results (overall 99): left out, ranked fresh.
    assert main(["report", str(ORBIT), "--out", str(out), "--lang", "en", "--portfolio", str(folder)]) == 0
    saved = json.loads((out / "orbit-education.en.results.json").read_text(encoding="utf-8"))["portfolio"]
    assert saved["hidden"] is True and saved["segment_size"] == 3 and saved["portfolio_size"] == 8
    assert main(["report", str(ORBIT), "--out", str(out), "--lang", "en", "--portfolio", str(folder),
                 "--min-group", "3"]) == 0
    saved = json.loads((out / "orbit-education.en.results.json").read_text(encoding="utf-8"))["portfolio"]
    assert saved["hidden"] is False and saved["percentiles"]["overall"] == 50.0
    html = (out / "orbit-education.en.report.html").read_text(encoding="utf-8")
    assert "Percentile within the portfolio (segment B2C, 3 clients): overall 50" in html
    capsys.readouterr()


def test_cli_portfolio_files_segment_and_errors(portfolio, tmp_path, capsys):
    folder = write_portfolio_folder(portfolio, tmp_path / "batch")
    files = [str(p) for p in find_results([folder])]
    out = tmp_path / "out"
    assert main(["report", str(NORTHWIND), "--out", str(out), "--portfolio", *files,
                 "--segment", "arr_band", "--min-group", "2"]) == 0
    saved = json.loads((out / "northwind-analytics.en.results.json").read_text(encoding="utf-8"))["portfolio"]
    # Every portfolio entry is "1-5M USD"; northwind's band is "5-20M USD": alone, hidden even at 2.
    assert saved["segment"] == {"name": "arr_band", "value": "5-20M USD"} and saved["hidden"] is True
    capsys.readouterr()

    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["report", str(NORTHWIND), "--out", str(out), "--portfolio", str(empty)]) == 1
    assert "no *.results.json found" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["report", str(NORTHWIND), "--out", str(out), "--portfolio", str(folder), "--min-group", "1"])
    assert exc.value.code == 2
    assert "at least 2" in capsys.readouterr().err
    assert main(["report", str(NORTHWIND), "--out", str(tmp_path / "nb"), "--notebook", "--portfolio", str(empty)]) == 1
    assert "no *.results.json found" in capsys.readouterr().err  # before any notebook runs
    assert not (tmp_path / "nb").exists()


@pytest.mark.slow
def test_the_notebook_ranks_the_client_as_the_library_does(portfolio, b2b_report, tmp_path, capsys):
    folder = write_portfolio_folder(portfolio, tmp_path / "batch")
    out = tmp_path / "nb"
    command = ["report", str(NORTHWIND), "--out", str(out), "--lang", "en", "--notebook", "--portfolio", str(folder)]
    assert main(command) == 0
    capsys.readouterr()
    from_notebook = json.loads((out / "northwind-analytics.en.results.json").read_text(encoding="utf-8"))["portfolio"]
    assert from_notebook == summary_json(b2b_report)["portfolio"]
    assert from_notebook["percentiles"]["overall"] == 40.0


def test_portfolio_html_embeds_its_charts_as_svg_like_the_client_report(portfolio, model, tmp_path):
    import base64

    from csmaturity.portfolio.report import summarise_portfolio, write_portfolio

    summary = summarise_portfolio(portfolio, model, "en", "business_model", 3)
    # B2C overall 10, 30, 99: three clients, shown from 3, b2c-1 the lowest.
    assert len(summary.table) == 8 and summary.min_group == 3 and summary.percentiles.loc["b2c-1", "overall"] == 0
    html = write_portfolio(summary, model, tmp_path, "en").html.read_text(encoding="utf-8")
    charts = re.findall(r'<img alt="([^"]+)" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)">', html)
    assert [alt for alt, _ in charts] == ["Maturity levels", "Scores by dimension (clients x dimensions)",
                                         "The portfolio beside the survey cohorts"]
    for _, data in charts:
        svg = base64.b64decode(data)
        assert svg.startswith(b"<?xml") and b"<text" not in svg  # text as outlines, as in the client report
    assert "image/png" not in html
    assert "Hidden (—) where fewer than 3 clients share the same &#34;Business model&#34;" in html



def test_notebook_report_refuses_results_that_cannot_be_ranked_before_it_runs(portfolio, tmp_path, capsys):
    folder = write_portfolio_folder(portfolio, tmp_path / "batch")
    (folder / "odd.results.json").write_text(json.dumps({"client": {"id": "odd"}, "overall": 1}), encoding="utf-8")
    assert main(["report", str(NORTHWIND), "--out", str(tmp_path / "nb"), "--notebook",
                 "--portfolio", str(folder)]) == 1
    assert "client odd" in capsys.readouterr().err
    assert not (tmp_path / "nb").exists()
