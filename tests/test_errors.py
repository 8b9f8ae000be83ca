"""Error taxonomy: each documented failure of the command line is one clean message with
the documented exit code, never a traceback; the typed errors, the argument checker, the
shared YAML schema layer and the keyword-only result types behind it."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pydantic import ValidationError

from csmaturity.answers import ClientAnswers
from csmaturity.batch import ClientJob
from csmaturity.cli import main
from csmaturity.errors import (
    AnswersError,
    ArgumentError,
    ConfigError,
    CsMaturityError,
    DataError,
    MissingDependencyError,
    ModelError,
    Problem,
    ValidationFailed,
    check_argument,
    require_module,
)
from csmaturity.io.schema import StrictModel, load_yaml_as, schema_problems
from csmaturity.metrics import HealthConfig, compare, crm_roi, load_health_config, nps

from tiny_model import answers_dict, tiny_model_dict

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = ROOT / "lib" / "csmaturity" / "samples" / "clients"
HIKARI = CLIENTS / "hikari-cloud.yaml"  # names its accounts and survey tables
NORTHWIND = CLIENTS / "northwind-analytics.yaml"  # names no data files


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str]:
    """Exit code and everything printed; argparse's usage errors count as exit code 2."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as stop:
        code = stop.code
    out = capsys.readouterr()
    return code, out.out + out.err


def assert_clean(text: str, *names: str) -> None:
    assert "Traceback" not in text
    for name in names:
        assert name in text, f"{name!r} not in {text!r}"


# --------------------------------------------------------------------------- the command line


def test_missing_answers_file(tmp_path, capsys):
    code, text = run(capsys, "score", tmp_path / "nobody.yaml")
    assert code == 1
    assert_clean(text, "nobody.yaml: file not found")


def test_malformed_yaml(tmp_path, capsys):
    bad = _write(tmp_path / "bad.yaml", "client: {id: [\n")
    code, text = run(capsys, "score", bad)
    assert code == 1
    assert_clean(text, "bad.yaml: line", "malformed YAML")


def test_bad_model(tmp_path, capsys):
    broken = tiny_model_dict()
    broken["levels"][1]["min"] = 30
    model = _write(tmp_path / "model.yaml", yaml.safe_dump(broken))
    client = _write(tmp_path / "c.yaml", yaml.safe_dump(answers_dict({"q1": "x"})))
    code, text = run(capsys, "score", client, "--model", model)
    assert code == 1
    assert_clean(text, "model.yaml: levels[L1].min")


def test_unknown_language(tmp_path, capsys):
    code, text = run(capsys, "score", NORTHWIND, "--lang", "fr")
    assert code == 2
    assert_clean(text, "--lang", "'fr'")
    client = _write(tmp_path / "c.yaml", yaml.safe_dump(answers_dict({}, language="fr")))
    model = _write(tmp_path / "m.yaml", yaml.safe_dump(tiny_model_dict()))
    code, text = run(capsys, "score", client, "--model", model)
    assert code == 1
    assert_clean(text, "c.yaml: client.language", "'fr'")


def test_missing_data_file(tmp_path, capsys):
    code, text = run(capsys, "report", NORTHWIND, "--out", tmp_path, "--accounts", tmp_path / "accounts.csv")
    assert code == 1
    assert_clean(text, "accounts.csv: file not found")


def test_bad_csv_column(tmp_path, capsys):
    accounts = pd.read_csv(ROOT / "lib" / "csmaturity" / "samples" / "accounts.csv").drop(columns=["start_date"])
    accounts.to_csv(tmp_path / "accounts.csv", index=False)
    code, text = run(capsys, "report", NORTHWIND, "--out", tmp_path / "out", "--accounts", tmp_path / "accounts.csv")
    assert code == 1
    assert_clean(text, "accounts.csv", "start_date")


def test_unknown_segment(tmp_path, capsys):
    # The segments are the model's profile fields: checked once the model is read, before any work.
    for command, args in (("report", [NORTHWIND]), ("batch", [NORTHWIND, "--out", tmp_path])):
        code, text = run(capsys, command, *args, "--segment", "shoe_size")
        assert code == 2
        assert_clean(text, "--segment", "'shoe_size'", "business_model, industry, arr_band")
    assert not list(tmp_path.glob("*/*.results.json"))


def test_bad_min_group(tmp_path, capsys):
    code, text = run(capsys, "report", NORTHWIND, "--out", tmp_path, "--min-group", "1")
    assert code == 2
    assert_clean(text, "--min-group", "at least 2")


def test_a_refused_option_value_is_a_usage_error(tmp_path, capsys):
    # The period check is the library's (an ArgumentError, i.e. a ValueError): exit 2, no traceback.
    code, text = run(capsys, "report", HIKARI, "--out", tmp_path, "--period", "2026-01-01", "2025-01-01")
    assert code == 2
    assert_clean(text, "period_end", "before period_start")
    code, text = run(capsys, "report", HIKARI, "--out", tmp_path, "--period", "soon", "2025-01-01")
    assert code == 2
    assert_clean(text, "period_start", "'soon'")


def test_output_path_not_writable(tmp_path, capsys):
    blocker = _write(tmp_path / "reports", "a file where the output folder should be")
    for command in ("new-client", "intake-template"):
        code, text = run(capsys, command, "--out", blocker / "acme" / "form")
        assert code == 1
        assert_clean(text, str(blocker))
    assert blocker.read_text(encoding="utf-8").startswith("a file")


def test_missing_optional_dependency(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # what `import distributed` sees when Dask is absent
    code, text = run(capsys, "batch", NORTHWIND, "--out", tmp_path, "--scheduler", "tcp://127.0.0.1:1", "--no-progress")
    assert code == 1
    assert_clean(text, "Dask", "pip install 'csmaturity[dask]'")


@pytest.fixture()
def no_japanese_font(monkeypatch):
    """matplotlib-fontja uninstalled, as far as the kit can tell (its caches emptied around it)."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args, **kw: None if name == "matplotlib_fontja" else real(name, *args, **kw))

    def clear_caches() -> None:
        for module in [m for name, m in sys.modules.items() if name.startswith("csmaturity.")]:
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()

    clear_caches()
    yield
    monkeypatch.undo()
    clear_caches()


def test_font_missing(tmp_path, capsys, no_japanese_font):
    code, text = run(capsys, "report", NORTHWIND, "--out", tmp_path)
    assert code == 1
    assert_clean(text, "matplotlib-fontja", "pip install matplotlib-fontja")
    assert not list(tmp_path.glob("*.report.html"))


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_a_broken_model_stops_before_the_notebook_starts(tmp_path, capsys):
    broken = _write(tmp_path / "model.yaml", "schema_version: 1\nid: broken\n")
    code, text = run(capsys, "report", NORTHWIND, "--notebook", "--model", broken, "--out", tmp_path / "out")
    assert code == 1
    assert_clean(text, "model.yaml: version: required key is missing")
    assert not list((tmp_path / "out").glob("*.ipynb"))  # checked up front: no kernel was started


def test_a_failing_notebook_cell(tmp_path, capsys):
    bad = _write(tmp_path / "accounts.csv", "account_id,arr\nA1,abc\n")
    code, text = run(capsys, "report", NORTHWIND, "--notebook", "--accounts", bad, "--out", tmp_path / "out")
    assert code == 1
    assert_clean(text, "DataError", "accounts.csv: column 'arr', row 2", "diagnosis.failed.ipynb")
    assert list((tmp_path / "out").glob("*.diagnosis.failed.ipynb"))


def test_a_bug_keeps_its_traceback(monkeypatch):
    from csmaturity.cli import core

    def broken(args):
        raise ZeroDivisionError("a bug in the kit")

    monkeypatch.setattr(core, "cmd_score", broken)
    with pytest.raises(ZeroDivisionError):
        main(["score", str(NORTHWIND)])


def test_the_installed_command_prints_no_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "csmaturity", "score", str(tmp_path / "gone.yaml")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == f"error: 1 problem(s) found:\n  - {tmp_path / 'gone.yaml'}: file not found"


# --------------------------------------------------------------------------- the types


def test_hierarchy():
    for kind in (ModelError, AnswersError, DataError, ConfigError):
        assert issubclass(kind, ValidationFailed) and issubclass(kind, CsMaturityError)
    assert not issubclass(ConfigError, DataError)
    assert issubclass(MissingDependencyError, CsMaturityError)
    assert issubclass(ArgumentError, ValueError) and issubclass(ArgumentError, CsMaturityError)


def test_check_argument_names_the_argument():
    check_argument(True, "x", "never raised")
    with pytest.raises(ValueError, match="^margin must be ≤ 1$") as caught:
        check_argument(False, "margin", "margin must be ≤ 1")
    assert caught.value.argument == "margin"


def test_argument_mistakes_are_value_errors_not_memory_data_errors():
    with pytest.raises(ValueError) as caught:
        crm_roi(1_000, 0)
    assert not isinstance(caught.value, DataError) and "<memory>" not in str(caught.value)
    with pytest.raises(ValueError, match="confidence"):
        nps([10, 9], confidence=1.5)


def test_require_module_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "not_here", None)
    with pytest.raises(MissingDependencyError, match="install it with: pip install not-here") as caught:
        require_module("not_here", "not-here (for a test)", "pip install not-here")
    assert caught.value.install == "pip install not-here"
    assert require_module("math", "math", "-") is math


def test_a_missing_jupyter_kernel_says_how_to_install(tmp_path):
    from csmaturity.notebook.kernel import KeptKernel

    kept = KeptKernel(kernel_name="no-such-kernel-here")
    try:
        with pytest.raises(MissingDependencyError, match="no-such-kernel-here.*ipykernel install"):
            kept.execute_notebook(tmp_path / "n.ipynb", tmp_path / "o.ipynb", parameters={}, cwd=tmp_path)
    finally:
        kept.shutdown()


def test_problem_severity_is_keyword_only():
    assert Problem("f", "k", "m", severity="warning").severity == "warning"
    with pytest.raises(TypeError):
        Problem("f", "k", "m", "warning")  # type: ignore[misc]


def test_result_and_job_types_are_keyword_only(model):
    # Built positionally, ClientAnswers once put an intake's raw answers into data_files.
    client = ClientAnswers(client=None, answers={})  # type: ignore[arg-type]
    assert client.raw == {} and client.data_files == {}
    with pytest.raises(TypeError):
        ClientAnswers(None, {}, {}, "x.xlsx", (), {"answers": {}})  # type: ignore[misc]
    with pytest.raises(TypeError):
        ClientJob("c.yaml", "out")  # type: ignore[misc]
    assert ClientJob(client_file="c.yaml", out_dir="out").engine == "direct"


# --------------------------------------------------------------------------- one YAML schema layer


class _Point(StrictModel):
    x: int
    name: str = "p"


def test_schema_problems_have_key_paths_and_plain_words():
    data = {"x": "many", "colour": "red"}
    with pytest.raises(ValidationError) as caught:
        _Point.model_validate(data)
    problems = {p.location: p.message for p in schema_problems(caught.value, "p.yaml", data)}
    assert problems["colour"] == "unknown key (typo?); remove it or check the spelling"
    assert "(got 'many')" in problems["x"]
    point = _Point(x=1)
    with pytest.raises(ValidationError):
        point.x = 2  # frozen


def test_schema_numbers_are_finite(tmp_path):
    class Weighted(StrictModel):
        weight: float

    with pytest.raises(ConfigError, match=r"w.yaml: weight: Input should be a finite number \(got inf\)"):
        load_yaml_as(Weighted, _write(tmp_path / "w.yaml", "weight: .inf\n"), ConfigError)


def test_load_yaml_as_raises_the_given_error(tmp_path):
    with pytest.raises(ConfigError, match="none.yaml: file not found"):
        load_yaml_as(_Point, tmp_path / "none.yaml", ConfigError)
    path = _write(tmp_path / "p.yaml", "x: 3\nname: q\n")
    assert load_yaml_as(_Point, path, ConfigError) == _Point(x=3, name="q")
    with pytest.raises(ModelError) as caught:
        load_yaml_as(_Point, _write(tmp_path / "bad.yaml", "x: [1]\n"), ModelError)
    assert [p.location for p in caught.value.problems] == ["x"]


def test_health_config_is_a_strict_schema(tmp_path):
    path = _write(tmp_path / "health.yaml", (
        "bands: {red_below: 40, green_from: 70, amber_from: 50}\n"
        "signals:\n"
        "  - {column: x, direction: higher_is_better, normalisation: min_max, weight: yes, colour: red}\n"
        "  - {column: y, direction: higher_is_better, normalisation: min_max, weight: 1, bounds: [0, 1]}\n"
        "  - {column: x, direction: lower_is_better, normalisation: percentile, weight: 1}\n"
    ))
    with pytest.raises(ConfigError) as caught:
        load_health_config(path)
    where = {p.location: p.message for p in caught.value.problems}
    assert "unknown key" in where["bands.amber_from"] and "unknown key" in where["signals[0].colour"]
    assert "got True" in where["signals[0].weight"]  # YAML's `yes` is no weight
    assert where["signals[1].bounds"] == "bounds are only used with normalisation: fixed"
    assert all(p.file == str(path) for p in caught.value.problems)
    with pytest.raises(ConfigError, match="two signals are both called 'x'"):
        HealthConfig.from_dict({"signals": [{"column": "x", "direction": "higher_is_better",
                                             "normalisation": "min_max", "weight": 1}] * 2})
    with pytest.raises(ConfigError, match="signals: expected a non-empty list of signals"):
        HealthConfig.from_dict({"signals": []})


def test_health_config_keeps_its_api():
    default = load_health_config()
    assert default.source == "csmaturity/config/health_default.yaml"
    assert (default.red_below, default.green_from) == (default.bands.red_below, default.bands.green_from) == (40, 70)
    lighter = default.model_copy(update={"signals": default.signals[:1]})
    assert len(lighter.signals) == 1 and lighter.source == default.source
    assert list(default.to_dict()) == ["signals", "red_below", "green_from", "id_column", "arr_column", "source"]


# --------------------------------------------------------------------------- metric results


def test_metric_results_share_to_dict_and_to_frame():
    result = nps([10, 9, 8, 3, None])
    frame = result.to_frame()
    assert frame.shape[0] == 1 and frame.loc[0, "score"] == result.score and frame.loc[0, "n_blank"] == 1
    assert "counts" not in frame.columns  # not a scalar: in to_dict only
    assert result.to_dict()["counts"] == list(result.counts)

    roi = crm_roi(0, 1_000)
    assert roi.to_frame().loc[0, "payback_months"] is None and roi.to_dict()["payback_months"] is None

    # No spread within either sample: the statistic stays finite (it was −inf, written "-inf").
    tie_broken = compare(nps([10, 10]), nps([0, 0]))
    assert tie_broken.to_dict()["z"] == tie_broken.to_frame().loc[0, "z"] == pytest.approx(-2.0)
    assert "-inf" not in json.dumps(tie_broken.to_dict())
    assert list(tie_broken.to_frame().columns) == [f.name for f in dataclasses.fields(tie_broken)]
    assert pd.concat([nps([10]).to_frame(), nps([0]).to_frame()]).score.tolist() == [100.0, -100.0]
