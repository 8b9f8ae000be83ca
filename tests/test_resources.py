"""Shipped files found from a checkout: sample data, output folder, notebook parameters."""

from __future__ import annotations

import pytest

import csmaturity as cm
from csmaturity.io.resources import default_output_dir, sample_path, shipped_path
from csmaturity.notebook import optional

from conftest import CLIENTS, ROOT, SAMPLE


def test_sample_path_finds_the_sample_data_of_the_checkout():
    assert sample_path() == SAMPLE
    assert sample_path("clients") == CLIENTS
    assert sample_path("clients/hikari-cloud.yaml").read_bytes() == (CLIENTS / "hikari-cloud.yaml").read_bytes()
    with pytest.raises(FileNotFoundError, match="samples/nothing.csv is not shipped"):
        sample_path("nothing.csv")


def test_the_sample_client_finds_its_data_tables():
    answers = cm.load_answers(sample_path("clients/hikari-cloud.yaml"), cm.load_model())
    assert {k: p.resolve() for k, p in answers.data_files.items()} == {
        "accounts": sample_path("accounts.csv"), "survey": sample_path("survey_ja_cp932.csv")}


def test_default_output_dir_is_under_the_checkout_wherever_the_kernel_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert default_output_dir("diagnosis") == ROOT / "out" / "diagnosis"
    assert shipped_path("notebooks/diagnosis.ipynb") == ROOT / "notebooks" / "diagnosis.ipynb"


@pytest.mark.parametrize(("value", "expected"), [("", None), ("ja", "ja"), ("a.yaml", "a.yaml")])
def test_an_empty_notebook_parameter_is_not_given(value, expected):
    assert optional(value) == expected
