"""Every shipped notebook runs from a copy outside the repository, with its defaults: the
sample data come from the package (cm.load_sample_*), not from a path beside the
notebook, and the portfolio notebook shows its charts even before `make demo`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_notebooks_learn import NOTEBOOKS as CHECKED_BY_NBVAL

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: nbval runs its notebooks from a copy outside the repository already.
RUN_HERE = [path for path in NOTEBOOKS if path.name not in CHECKED_BY_NBVAL]
IMAGES = {"image/png", "image/svg+xml"}


def _run(name: str, tmp_path: Path, **parameters: object) -> dict:
    import papermill as pm

    copy = tmp_path / "elsewhere" / name
    copy.parent.mkdir()
    copy.write_bytes((ROOT / "notebooks" / name).read_bytes())
    pm.execute_notebook(str(copy), str(tmp_path / f"ran-{name}"), parameters=parameters, cwd=str(copy.parent),
                        kernel_name="python3", progress_bar=False)
    return json.loads((tmp_path / f"ran-{name}").read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("path", RUN_HERE, ids=lambda p: p.name)
def test_notebook_runs_from_a_copy_outside_the_repository(path, tmp_path):
    # Outputs of the diagnosis notebook go to the temporary folder, not the repository's out/.
    parameters = {"output_dir": str(tmp_path / "out")} if path.name == "diagnosis.ipynb" else {}
    ran = _run(path.name, tmp_path, **parameters)
    outputs = [o for c in ran["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    if path.name == "portfolio.ipynb":
        images = [o for o in outputs if IMAGES & set(o.get("data", {}))]
        assert len(images) >= 3, "the levels, the heat map and a cohort chart are shown"


def test_notebooks_do_not_reach_for_files_beside_them():
    for path in NOTEBOOKS:
        code = "".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                       if c["cell_type"] == "code")
        assert "../data" not in code and "data/sample" not in code, path.name


def test_notebook_markdown_does_not_send_the_reader_to_the_code():
    # A widget or the app does what editing a variable or running everything used to.
    for name in ("learn_metrics_ja.ipynb", "learn_metrics_en.ipynb", "portfolio.ipynb", "diagnosis.ipynb"):
        cells = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
        prose = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        for phrase in ("Run All", "Run all", "set `LANG`", "Set `LANG`", "順にセルを実行", "すべてのセルを実行"):
            assert phrase not in prose, (name, phrase)


def test_learn_notebooks_take_the_language_as_a_parameter():
    import papermill as pm

    for lang in ("ja", "en"):
        found = pm.inspect_notebook(str(ROOT / "notebooks" / f"learn_metrics_{lang}.ipynb"))
        assert found["LANG"]["default"] == f'"{lang}"'
