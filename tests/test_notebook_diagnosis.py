"""The diagnosis notebook under papermill.

The runs share a kept kernel (as a batch's papermill engine does) and an xdist group,
so that one worker keeps one kernel (pytest-xdist 3.8 ignores groups under pytest 9.2,
its issue #1386: then each worker that runs one keeps its own). The notebook in a new
kernel, as a consultant runs it, is tested through the CLI (tests/test_report_portfolio.py)
and the portfolio notebook's test.

The notebook only calls the library, whose path writes every sample client's report
(tests/test_cli.py, the demo) and gives the same scores in both languages
(tests/test_report.py); here a ja client with its data files, an en client and an en
client reported in ja show that the notebook writes the very same report.
"""

from __future__ import annotations

import json
import re

import pytest

import csmaturity as cm
from csmaturity.notebook import run_diagnosis_notebook
from csmaturity.report import build_report

from conftest import CLIENTS, ROOT, SAMPLE

# papermill is imported by the tests, not at collection: importing it costs seconds
# (nbformat's schema validation builds a URI grammar) that test-fast need not pay.

NOTEBOOK = ROOT / "notebooks" / "diagnosis.ipynb"
SAMPLE_DATA = {"accounts_file": SAMPLE / "accounts.csv", "survey_file": SAMPLE / "survey_ja_cp932.csv"}
TIMEOUT = 120  # seconds per cell; a run takes a few
#: (client, report language)
RUNS = [("hikari-cloud", "ja"), ("northwind-analytics", "en"), ("bluepeak-hr", "ja")]


@pytest.fixture(scope="module")
def kernel():
    from csmaturity.notebook.kernel import KeptKernel

    kept = KeptKernel()
    yield kept
    kept.shutdown()


def remote_references(html: str) -> list[str]:
    pattern = r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import"""
    return re.findall(pattern, html, re.I)


def test_parameters_are_documented():
    import papermill as pm

    params = pm.inspect_notebook(str(NOTEBOOK))
    assert set(params) == {"client_file", "output_dir", "lang", "model_file", "accounts_file", "survey_file",
                           "previous_file", "previous_survey_file", "history_paths", "previous_other_client",
                           "target", "portfolio_paths", "portfolio_segment", "portfolio_min_group", "formats",
                           "branding_file", "pdf_engine"}
    assert all(p["help"] for p in params.values())
    min_group = params["portfolio_min_group"]
    assert min_group["inferred_type_name"] == "int" and min_group["default"] == "5"


def test_notebook_has_no_stored_outputs():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code")


@pytest.mark.slow
@pytest.mark.xdist_group("diagnosis-notebook")
@pytest.mark.parametrize(("client", "lang"), RUNS, ids=[f"{c}-{lang}" for c, lang in RUNS])
def test_notebook_writes_the_report_with_the_engine_scores(client, lang, tmp_path, kernel):
    client_file = CLIENTS / f"{client}.yaml"
    data = SAMPLE_DATA if client == "hikari-cloud" else {}
    written = run_diagnosis_notebook(client_file, tmp_path / "nb", lang=lang, timeout=TIMEOUT, kernel=kernel, **data)
    for kind in ("notebook", "audit_html", "html", "xlsx", "results_json", "plan_csv", "plan_xlsx"):
        assert written[kind].is_file() and written[kind].stat().st_size > 0, kind

    model = cm.load_model()
    expected = cm.assess(model, cm.load_answers(client_file, model), lang=lang).to_dict()
    summary = json.loads(written["results_json"].read_text(encoding="utf-8"))
    for key in ("overall", "level", "score_level", "dimensions", "coverage", "provisional", "roadmap"):
        assert summary[key] == expected[key], key
    assert (summary["metrics"] is not None) == bool(data)

    # The library path writes the very same report.
    library = build_report(client_file, out_dir=tmp_path / "lib", lang=lang, **data)
    assert library.html.read_bytes() == written["html"].read_bytes()

    audit = written["audit_html"].read_text(encoding="utf-8")
    assert remote_references(audit) == []
    assert "<script src" not in audit
    assert "compute_results(" not in audit  # code cells are hidden
    assert "data:image/svg+xml;base64," in audit  # the charts are inline
    assert cm.load_answers(client_file, model).client.name in audit


@pytest.mark.slow
@pytest.mark.xdist_group("diagnosis-notebook")
def test_notebook_runs_with_its_defaults(tmp_path, kernel):
    kernel.execute_notebook(NOTEBOOK, tmp_path / "default.ipynb", parameters={"output_dir": str(tmp_path)},
                            cwd=ROOT / "notebooks", timeout=TIMEOUT)
    summary = json.loads((tmp_path / "hikari-cloud.ja.results.json").read_text(encoding="utf-8"))
    assert summary["client"]["id"] == "hikari-cloud" and summary["metrics"]["nps"] is not None


@pytest.mark.slow
@pytest.mark.xdist_group("diagnosis-notebook")
def test_a_failing_notebook_is_kept_as_evidence(tmp_path, kernel):
    broken_model = tmp_path / "model.yaml"
    broken_model.write_text("schema_version: 1\nid: broken\n", encoding="utf-8")
    from papermill import PapermillExecutionError

    with pytest.raises(PapermillExecutionError, match="ModelError"):
        run_diagnosis_notebook(CLIENTS / "hikari-cloud.yaml", tmp_path, lang="en", model_file=broken_model,
                               timeout=TIMEOUT, kernel=kernel)
    assert [p.name for p in tmp_path.glob("*.failed.ipynb")] == ["hikari-cloud.en.diagnosis.failed.ipynb"]
    assert not list(tmp_path.glob("*.report.html")) and not list(tmp_path.glob(".*.part*"))
