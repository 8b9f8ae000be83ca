"""The sample data are reproducible and make every analysis meaningful."""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from csmaturity import metrics
from csmaturity.io.readers import SURVEY_ITEMS, read_accounts, read_survey

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "lib" / "csmaturity" / "samples"
PERIOD = ("2024-04-01", "2025-03-31")


def load_generator(monkeypatch: pytest.MonkeyPatch):
    spec = importlib.util.spec_from_file_location("generate_sample_data", ROOT / "scripts" / "generate_sample_data.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_regenerating_gives_the_committed_files(tmp_path, monkeypatch):
    written = load_generator(monkeypatch).generate(tmp_path)
    assert {p.name for p in written} == {"accounts.csv", "accounts_ja.xlsx", "survey_ja_cp932.csv"}
    for path in written:
        committed = SAMPLE / path.name
        assert path.stat().st_size < 1_000_000
        if path.suffix == ".xlsx":
            # Compare the workbook's parts, not the zip bytes, which depend on the zlib build.
            with zipfile.ZipFile(path) as new, zipfile.ZipFile(committed) as old:
                assert new.namelist() == old.namelist()
                for name in new.namelist():
                    assert new.read(name) == old.read(name), name
        else:
            assert path.read_bytes() == committed.read_bytes(), path.name


@pytest.fixture(scope="module")
def accounts() -> pd.DataFrame:
    return read_accounts(SAMPLE / "accounts.csv")


@pytest.fixture(scope="module")
def survey(accounts) -> pd.DataFrame:
    survey = read_survey(SAMPLE / "survey_ja_cp932.csv")
    joined = survey.merge(accounts[["account_id", "arr"]], on="account_id", how="left", validate="many_to_one")
    assert joined["arr"].notna().all()  # every answer joins to an account
    return joined


def test_sizes(accounts, survey):
    assert len(accounts) >= 2000 and len(survey) >= 1000


def test_nps_is_slightly_positive_and_improves_significantly(survey):
    overall = metrics.nps(survey["nps"])
    assert 0 < overall.score < 25
    assert overall.n_blank > 0  # some respondents skipped it
    by_year = [metrics.nps(survey.loc[survey.survey_year == year, "nps"]) for year in (2023, 2024)]
    change = metrics.compare(*by_year)
    assert change.difference > 0 and change.significant


def test_revenue_is_concentrated(accounts):
    result = metrics.concentration(accounts["arr"])
    assert 0.55 <= result.top_shares[0.2] <= 0.8
    assert 0.65 <= result.top_shares[0.3] <= 0.85


def test_retention_is_plausible(accounts):
    result = metrics.retention(accounts, *PERIOD)
    assert 0.05 < result.churn_rate < 0.25
    assert 0.8 < result.grr < 0.95 and result.nrr > result.grr
    assert result.new_customers > 0 and 0 < result.upsell_rate < 0.4


def test_health_score_separates_churned_from_retained(accounts):
    scores = metrics.health_scores(accounts)["health_score"]
    cohort = (accounts.start_date < PERIOD[0]) & ~(accounts.churn_date < PERIOD[0])
    lost = cohort & (accounts.churn_date <= PERIOD[1])
    retained = cohort & ~lost
    # AUC: chance that a retained customer scores above a lost one (ties count half).
    ranks = scores[cohort].rank()
    n_retained, n_lost = int(retained.sum()), int(lost.sum())
    auc = (ranks[retained[cohort]].sum() - n_retained * (n_retained + 1) / 2) / (n_retained * n_lost)
    assert auc > 0.8


def test_support_is_the_key_driver_and_value_segments_differ(survey):
    drivers = metrics.key_drivers(survey, list(SURVEY_ITEMS), segment_by="arr")

    def top_two(segment: str) -> set[str]:
        rows = drivers[drivers.segment == segment].nlargest(2, "importance")
        return set(rows["item"])

    overall = drivers[drivers.segment == "all"].set_index("item")
    assert overall["importance"].idxmax() == "item_support"
    assert overall.loc["item_support", "quadrant"] == "priority to improve"
    assert "item_delivery" in top_two("high_ltv") and "item_procedures" not in top_two("high_ltv")
    assert "item_procedures" in top_two("low_ltv") and "item_delivery" not in top_two("low_ltv")
    assert (drivers["note"] == "").all()


def test_nps_nrs_matrix_has_both_named_groups(survey):
    matrix = metrics.nps_nrs_matrix(survey["nps"], survey["nrs"])
    assert matrix.share_stays_without_recommending > 0.08
    assert matrix.recommends_but_may_leave > 0
