"""The sample data shipped in the package load by name, from anywhere (cm.load_sample_*)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import csmaturity as cm
from csmaturity.io.readers import read_accounts

from conftest import ROOT, SAMPLE


def test_the_sample_data_live_inside_the_package_once():
    assert cm.sample_path() == SAMPLE == ROOT / "lib" / "csmaturity" / "samples"
    assert not (ROOT / "data" / "sample").exists()  # one copy


def test_load_sample_tables_are_the_validated_tables():
    accounts = cm.load_sample_accounts()
    assert len(accounts) == 2400 and {"account_id", "arr", "churned"} <= set(accounts.columns)
    assert accounts.equals(read_accounts(SAMPLE / "accounts.csv"))
    assert cm.load_sample_accounts(japanese_workbook=True).equals(accounts)
    survey = cm.load_sample_survey()
    assert len(survey) == 1400 and "account_id" in survey.columns


def test_load_sample_client_by_name_file_or_folder():
    assert "hikari-cloud" in cm.sample_clients() and "kaede-works" in cm.sample_clients()
    hikari = cm.load_sample_client("hikari-cloud")
    assert hikari.client.id == "hikari-cloud" and set(hikari.data_files) == {"accounts", "survey"}
    team = cm.load_sample_client("kaede-works")
    assert isinstance(team, cm.ClientResponses) and len(team.respondents) == 4
    quick = cm.load_model(ROOT / "lib" / "csmaturity" / "models" / "examples" / "cs_quick_check.yaml")
    assert cm.load_sample_client("pebble-books", quick, folder="quick_check").client.id == "pebble-books"


def test_an_unknown_sample_client_names_the_ones_there_are():
    with pytest.raises(cm.ArgumentError, match="hikari-cloud"):
        cm.load_sample_client("no-such-client")


def test_samples_load_from_any_folder(tmp_path):
    # A notebook copied out of the repository: the kernel's folder has no data/ beside it.
    code = ("import csmaturity as cm\n"
            "print(len(cm.load_sample_accounts()), len(cm.load_sample_survey()), cm.load_sample_client().client.id)")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["2400", "1400", "hikari-cloud"]


def test_demo_reads_the_shipped_sample_clients_from_any_folder(tmp_path, monkeypatch):
    import csmaturity.cli.batch as cli_batch
    from csmaturity.batch import BatchResult
    from csmaturity.cli import main

    seen = []
    monkeypatch.chdir(tmp_path)  # not the repository root
    monkeypatch.setattr(cli_batch, "run_batch",
                        lambda paths, out, **kw: seen.extend(paths) or BatchResult([], out, 0.0))
    monkeypatch.setattr(cli_batch, "build_portfolio", lambda *a, **kw: None)
    monkeypatch.setattr(cli_batch, "print_outcomes", lambda result: None)
    assert main(["demo", "--out", str(tmp_path / "demo")]) == 0
    assert SAMPLE / "clients" / "hikari-cloud.yaml" in seen and SAMPLE / "clients" / "kaede-works" in seen
