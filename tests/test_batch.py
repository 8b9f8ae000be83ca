"""Batch runs: fault isolation, resume, both engines agreeing, Dask.

The quick tests run the batch in this process (``workers=1``); those marked ``pool``
need real worker processes (a process pool, Dask, a batch killed or interrupted).
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pytest
import yaml

from csmaturity.batch import run_batch
from csmaturity.cli import main


@pytest.fixture()
def clients(tmp_path, sample_client_files) -> list[Path]:
    """Three sample clients copied (without data tables, to stay quick) plus a broken one."""
    folder = tmp_path / "clients"
    folder.mkdir()
    chosen = [p for p in sample_client_files if p.stem in ("sakura-logistics", "northwind-analytics", "midori-fintech")]
    for path in chosen:
        shutil.copy(path, folder / path.name)
    broken = yaml.safe_load(chosen[0].read_text(encoding="utf-8"))
    broken["client"]["id"] = "broken-co"
    broken["answers"]["touch_status"] = "maybe"
    (folder / "broken-co.yaml").write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    return sorted(folder.glob("*.yaml"))


def _results(out: Path, client_id: str) -> dict:
    (path,) = (out / client_id).glob("*.results.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_broken_client_does_not_stop_the_batch(clients, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["batch", *map(str, clients), "--out", str(out), "--workers", "1", "--no-progress"])
    printed = capsys.readouterr().out
    assert code == 1
    summary = pd.read_csv(out / "batch_summary.csv", index_col="key")
    assert summary.loc["broken-co", "status"] == "failed"
    assert "answers.touch_status" in summary.loc["broken-co", "error"]
    assert (summary.drop(index="broken-co")["status"] == "ok").all()
    log = (out / "logs" / "broken-co.log").read_text(encoding="utf-8")
    assert "'maybe' is not an option" in log
    assert "3 ok, 0 skipped (unchanged), 1 failed" in printed
    for client in ("sakura-logistics", "northwind-analytics", "midori-fintech"):
        assert _results(out, client)["provenance"]["kit_version"]
    assert (out / "portfolio.html").exists() and len(pd.read_csv(out / "portfolio.csv")) == 3


def test_resume_skips_unchanged_and_reruns_changed(clients, tmp_path):
    good = [p for p in clients if p.stem != "broken-co"]
    out = tmp_path / "out"
    first = run_batch(good, out, workers=1, progress=False)
    assert [o.status for o in first.outcomes] == ["ok"] * 3
    report = next((out / "sakura-logistics").glob("*.report.html"))
    stamp = report.stat().st_mtime_ns

    again = run_batch(good, out, workers=1, resume=True, progress=False)
    assert [o.status for o in again.outcomes] == ["skipped"] * 3
    assert report.stat().st_mtime_ns == stamp
    assert all(o.overall is not None for o in again.outcomes)  # skipped clients still report their scores

    changed = next(p for p in good if p.stem == "northwind-analytics")
    data = yaml.safe_load(changed.read_text(encoding="utf-8"))
    data["answers"]["touch_status"] = "built"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    third = run_batch(good, out, workers=1, resume=True, progress=False)
    status = {o.client_id: o.status for o in third.outcomes}
    assert status == {"midori-fintech": "skipped", "northwind-analytics": "ok", "sakura-logistics": "skipped"}

    report.unlink()  # a missing output forces a rerun even when the inputs match
    fourth = run_batch(good, out, workers=1, resume=True, progress=False)
    assert {o.client_id: o.status for o in fourth.outcomes}["sakura-logistics"] == "ok"


def test_resume_reruns_everything_when_the_model_changes(clients, tmp_path, model):
    from csmaturity.model import default_model_path

    good = [p for p in clients if p.stem != "broken-co"][:2]
    out = tmp_path / "out"
    run_batch(good, out, workers=1, progress=False)
    data = yaml.safe_load(default_model_path().read_text(encoding="utf-8"))
    data["version"] = "1.0.1"
    data["dimensions"][0]["weight"] = 20
    mine = tmp_path / "my_model.yaml"
    mine.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    rerun = run_batch(good, out, workers=1, resume=True, model_file=mine, progress=False)
    assert [o.status for o in rerun.outcomes] == ["ok", "ok"]


def test_one_worker_runs_the_clients_in_this_process(clients, tmp_path, monkeypatch):
    import csmaturity.batch.run as batch_run

    def no_pool(*args, **kwargs):
        raise AssertionError("workers=1 started a process pool")

    monkeypatch.setattr(batch_run.cf, "ProcessPoolExecutor", no_pool)
    result = run_batch(clients, tmp_path / "out", workers=1, progress=False)
    assert [(o.key, o.status) for o in result.outcomes] == [
        ("broken-co", "failed"), ("midori-fintech", "ok"), ("northwind-analytics", "ok"), ("sakura-logistics", "ok")]
    assert "answers.touch_status" in result.failed[0].error


def _batch_record(out: Path) -> dict:
    """What a batch leaves, with its folder written as OUT and no times: outcomes,
    summary, state, logs and results."""

    def plain(text: str) -> str:
        text = re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ", "", text.replace(str(out), "OUT"), flags=re.M)
        # the outputs' sizes and hashes in the state depend on the folder's name the reports hold
        return re.sub(r'\[\s*\d+,\s*"[0-9a-f]{64}"\s*\]', "[SIZE, SHA256]", text)

    summary = pd.read_csv(out / "batch_summary.csv").drop(columns="seconds")
    record = {"summary": plain(summary.to_csv(index=False))}
    for path in sorted(out.rglob("*")):
        if path.suffix in (".log", ".json") and path.is_file():
            record[str(path.relative_to(out))] = plain(path.read_text(encoding="utf-8"))
    return record


@pytest.mark.pool
def test_in_process_and_on_a_process_pool_the_batch_is_the_same(clients, tmp_path):
    inline = run_batch(clients, tmp_path / "inline", workers=1, progress=False, formats=("html",))
    pooled = run_batch(clients, tmp_path / "pool", workers=2, progress=False, formats=("html",))

    def outcomes(result):
        return [{k: v for k, v in asdict(o).items() if k not in ("seconds", "outputs", "results_json")}
                for o in result.outcomes]

    assert outcomes(inline) == outcomes(pooled)
    assert [sorted(o.outputs) for o in inline.outcomes] == [sorted(o.outputs) for o in pooled.outcomes]
    inline_record, pooled_record = _batch_record(tmp_path / "inline"), _batch_record(tmp_path / "pool")
    assert "logs/broken-co.log" in inline_record and "state/sakura-logistics.json" in inline_record
    assert inline_record == pooled_record


@pytest.mark.slow
def test_papermill_failure_keeps_the_partial_notebook(clients, tmp_path):
    psutil = pytest.importorskip("psutil")
    # Valid answers, but the accounts table they name lacks every required column:
    # the notebook fails part-way, after the assessment cells ran.
    source = next(p for p in clients if p.stem == "sakura-logistics")
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["client"]["id"] = "bad-data-co"
    data["data"] = {"accounts": "bad_accounts.csv"}
    (source.parent / "bad_accounts.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    client = source.parent / "bad-data-co.yaml"
    client.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    before = {p.pid for p in psutil.Process().children()}
    result = run_batch([client, source], out, engine="papermill", workers=1, progress=False, formats=("html",))
    assert {p.pid for p in psutil.Process().children()} <= before  # the batch's kept kernels went with it
    (outcome,) = result.failed
    assert outcome.client_id == "bad-data-co" and "bad_accounts.csv" in outcome.error
    (partial,) = (out / "bad-data-co").glob("*.failed.ipynb")
    assert "PapermillExecutionError" in (out / "logs" / "bad-data-co.log").read_text(encoding="utf-8")
    assert json.loads(partial.read_text(encoding="utf-8"))["cells"]
    assert _results(out, "sakura-logistics")["level"]["id"] == "adhoc"


@pytest.mark.slow
@pytest.mark.pool
def test_batch_on_a_dask_local_cluster(clients, tmp_path):
    distributed = pytest.importorskip("distributed")
    good = [p for p in clients if p.stem != "broken-co"][:2]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = run_batch(good, tmp_path / "out", scheduler=cluster.scheduler_address, progress=False)
    assert [o.status for o in result.outcomes] == ["ok", "ok"]
    local = run_batch(good, tmp_path / "local", workers=1, progress=False, formats=())
    assert [o.overall for o in result.outcomes] == [o.overall for o in local.outcomes]


@pytest.mark.slow
def test_portfolio_notebook_summarises_a_batch(clients, tmp_path, root):
    import papermill as pm

    good = [p for p in clients if p.stem != "broken-co"]
    out = tmp_path / "out"
    run_batch(good, out, workers=1, progress=False, formats=())  # the notebook reads the results alone
    pm.execute_notebook(str(root / "notebooks" / "portfolio.ipynb"), str(tmp_path / "portfolio.ipynb"),
                        parameters={"batch_dir": str(out), "lang": "ja", "min_group": 2},
                        kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    table = pd.read_csv(out / "portfolio.csv", index_col="client_id")
    assert sorted(table.index) == ["midori-fintech", "northwind-analytics", "sakura-logistics"]
    assert table.loc["sakura-logistics", "level"] == "adhoc"
    html = (out / "portfolio.html").read_text(encoding="utf-8")
    assert "ポートフォリオ診断サマリー" in html and "みどりフィンテック株式会社" in html
    # Japanese text shows on a machine without a Japanese font: the subset travels with the page.
    assert "@font-face { font-family: 'csmaturity-ja'" in html and 'font-family: "csmaturity-ja"' in html
    # The notebook shows its three charts (as the report embeds them), titled from the label store.
    cells = json.loads((tmp_path / "portfolio.ipynb").read_text(encoding="utf-8"))["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c["outputs"]]
    images = [o for o in outputs if {"image/svg+xml", "image/png"} & set(o.get("data", {}))]
    assert len(images) == 3 and all("image/svg+xml" in o["data"] for o in images)
    headings = "".join("".join(o["data"].get("text/markdown", "")) for o in outputs if "data" in o)
    assert "### 成熟度レベルの分布" in headings and "### 調査コホートとの比較" in headings


@pytest.mark.slow
@pytest.mark.pool
def test_ctrl_c_stops_soon_leaves_whole_reports_and_resume_finishes(tmp_path, model):
    import os
    import signal
    import subprocess
    import sys
    import time

    from csmaturity.synth import write_synthetic_clients

    clients = write_synthetic_clients(model, 8, tmp_path / "clients", seed=3)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "csmaturity", "batch", str(tmp_path / "clients"), "--out", str(out),
               "--workers", "2", "--no-progress", "--formats", "html"]  # the page alone: the stop is what counts
    # Its own process group with the default Ctrl-C action, as in a terminal (a background
    # job of a script ignores SIGINT); the signal goes to the whole group, workers included.
    batch = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not list((out / "state").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(batch.pid, signal.SIGINT)
    _, err = batch.communicate(timeout=60)
    assert batch.returncode == 130
    assert "rerun with --resume" in err and "Traceback" not in err
    finished = sorted(p.stem for p in (out / "state").glob("*.json"))
    assert 1 <= len(finished) < len(clients)  # the clients not yet started were cancelled
    assert not list(out.rglob(".*.part*"))  # nothing half-written
    for key in finished:
        results = json.loads(next((out / key).glob("*.results.json")).read_text(encoding="utf-8"))
        assert results["client"]["id"] == key
    resumed = run_batch(clients, out, workers=1, resume=True, progress=False, formats=("html",))
    statuses = {o.key: o.status for o in resumed.outcomes}
    assert sorted(k for k, s in statuses.items() if s == "skipped") == finished
    assert sum(s == "ok" for s in statuses.values()) == len(clients) - len(finished)


@pytest.mark.slow
@pytest.mark.pool
def test_a_killed_worker_costs_a_retry_not_a_report(tmp_path, model):
    import signal
    import subprocess
    import sys
    import time

    psutil = pytest.importorskip("psutil")
    from csmaturity.synth import write_synthetic_clients

    clients = write_synthetic_clients(model, 4, tmp_path / "clients", seed=4)
    out = tmp_path / "out"
    stale = out / clients[-1].stem / f".{clients[-1].stem}.en.report.0123456789ab.part.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("<html>half a report", encoding="utf-8")  # as a killed worker leaves it
    command = [sys.executable, "-m", "csmaturity", "batch", str(tmp_path / "clients"), "--out", str(out),
               "--workers", "2", "--no-progress", "--formats", "html"]  # the page alone: the kill is what counts
    batch = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list((out / "state").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [p for p in psutil.Process(batch.pid).children() if "spawn_main" in " ".join(p.cmdline())]
    assert workers
    workers[0].send_signal(signal.SIGKILL)  # in the middle of a client
    printed, err = batch.communicate(timeout=180)
    assert batch.returncode == 0, err
    summary = pd.read_csv(out / "batch_summary.csv", index_col="key")
    assert len(summary) == len(clients) and (summary["status"] == "ok").all()
    assert not list(out.rglob(".*.part*"))


@pytest.mark.slow
def test_both_engines_give_the_same_results_report_and_ranking(clients, tmp_path):
    good = [p for p in clients if p.stem != "broken-co"]
    last_quarter = tmp_path / "q3"
    run_batch(good, last_quarter, workers=1, progress=False, formats=())  # the results alone: a ranking reads them
    ranking = {"portfolio": [last_quarter], "portfolio_segment": "industry", "portfolio_min_group": 2,
               "formats": ("html",)}
    direct = run_batch(good, tmp_path / "direct", workers=1, progress=False, **ranking)
    papermill = run_batch(good, tmp_path / "pm", engine="papermill", workers=1, progress=False, **ranking)
    assert not direct.failed and not papermill.failed
    for client in ("midori-fintech", "northwind-analytics", "sakura-logistics"):
        a, b = _results(tmp_path / "direct", client), _results(tmp_path / "pm", client)
        a.pop("outputs"), b.pop("outputs")
        assert a == b  # every score, the plan and the ranking
        assert a["portfolio"]["portfolio_size"] == 3 and a["portfolio"]["segment"]["name"] == "industry"
        html_a = next((tmp_path / "direct" / client).glob("*.report.html")).read_bytes()
        html_b = next((tmp_path / "pm" / client).glob("*.report.html")).read_bytes()
        assert html_a == html_b
        audit = next((tmp_path / "pm" / client).glob("*.audit.html")).read_text(encoding="utf-8")
        assert "<script src=" not in audit
    # Resume: an unchanged portfolio skips everyone, a changed one reranks everyone.
    again = run_batch(good, tmp_path / "direct", workers=1, progress=False, resume=True, **ranking)
    assert {o.status for o in again.outcomes} == {"skipped"}
    extra = json.loads(next((last_quarter / "midori-fintech").glob("*.results.json")).read_text(encoding="utf-8"))
    extra["client"]["id"] = "another-co"
    (last_quarter / "another-co.results.json").write_text(json.dumps(extra), encoding="utf-8")
    rerun = run_batch(good, tmp_path / "direct", workers=1, progress=False, resume=True, **ranking)
    assert {o.status for o in rerun.outcomes} == {"ok"}
    assert _results(tmp_path / "direct", "sakura-logistics")["portfolio"]["portfolio_size"] == 4


def test_batch_refuses_an_empty_portfolio_before_any_client(clients, tmp_path):
    from csmaturity.errors import DataError

    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no \\*.results.json found"):
        run_batch(clients, tmp_path / "out", portfolio=[tmp_path / "empty"], progress=False)
    assert not list((tmp_path / "out").glob("*/*.results.json"))


@pytest.mark.slow
@pytest.mark.pool
def test_papermill_engine_on_dask_threads_keeps_a_kernel_per_thread(clients, tmp_path):
    distributed = pytest.importorskip("distributed")
    good = [p for p in clients if p.stem != "broken-co"]
    # One worker process running two clients at a time: each thread needs its own kernel.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        result = run_batch(good, tmp_path / "out", engine="papermill", scheduler=cluster.scheduler_address,
                           progress=False, formats=("html",))
    assert [o.status for o in result.outcomes] == ["ok"] * len(good)
    local = run_batch(good, tmp_path / "local", workers=1, progress=False, formats=())
    assert [o.overall for o in result.outcomes] == [o.overall for o in local.outcomes]
    for client in ("midori-fintech", "northwind-analytics", "sakura-logistics"):
        notebook = json.loads(next((tmp_path / "out" / client).glob("*.diagnosis.ipynb")).read_text(encoding="utf-8"))
        counts = [c["execution_count"] for c in notebook["cells"] if c["cell_type"] == "code"]
        assert counts == list(range(1, len(counts) + 1))  # a fresh namespace for every client


def test_the_demo_batch_diagnoses_the_samples_into_results_without_reports(tmp_path):
    from csmaturity import sample_path
    from csmaturity.batch import demo_batch, expand_client_paths

    out = demo_batch(tmp_path / "demo")
    samples = {p.stem for p in expand_client_paths([sample_path("clients")])}
    assert {p.parent.name for p in out.glob("*/*.results.json")} == samples
    assert not list(out.rglob("*.report.*"))  # a portfolio reads the results alone
