"""The teaching and workshop notebooks run top to bottom and still show what they stored.

nbval runs in a child pytest, not as items of this session: the suite runs under
pytest-xdist (``-n 2 --dist loadgroup``), which would hand the cells of one notebook
(nbval items that share one kernel, in order) to different workers. The child runs
with ``-p no:xdist``, one notebook per test so the two workers can run two notebooks
at once. Stored outputs are checked with the sanitize file for volatile text.

To refresh the stored outputs after changing a notebook or the library::

    cd notebooks && ../.venv/bin/jupyter nbconvert --to notebook --execute --inplace \\
        learn_metrics_en.ipynb learn_metrics_ja.ipynb intake.ipynb

then drop the widget state (``metadata.widgets``, hundreds of kB of PNG and model
state that nbval never compares) and the cells' ``metadata.execution`` timestamps.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ["learn_metrics_en.ipynb", "learn_metrics_ja.ipynb", "intake.ipynb"]


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_passes_nbval(name, tmp_path):
    # Run from a copy outside the repository: the notebook finds its data in the package,
    # not beside it (tests/test_notebooks_anywhere.py runs the other notebooks so).
    copy = tmp_path / "elsewhere" / name
    copy.parent.mkdir()
    copy.write_bytes((ROOT / "notebooks" / name).read_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider", "--nbval", str(copy),
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), "--nbval-cell-timeout", "120",
         "--rootdir", str(copy.parent)],
        cwd=copy.parent, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_has_only_calls(path):
    code = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    # logic lives in the library: no function or class definitions in any notebook
    assert not any(line.lstrip().startswith(("def ", "class ", "async def ")) for c in code for line in c["source"])


def test_every_notebook_is_checked():
    shipped = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert {"diagnosis.ipynb", "portfolio.ipynb", *NOTEBOOKS} <= shipped


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_has_stored_summaries(name):
    nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    # every widget cell stored its one-line text summary (what nbval compares), no errors
    outputs = [o for c in code for o in c["outputs"]]
    assert outputs and not any(o["output_type"] == "error" for o in outputs)
    assert "widgets" not in nb["metadata"]
    widgets = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    summaries = ["".join(o["data"]["text/plain"]) for o in widgets]
    assert summaries and all("\n" not in s and len(s) < 300 for s in summaries)


def test_learn_notebooks_cover_every_metric_and_exercise():
    from csmaturity.exercises import EXERCISES

    for lang in ("ja", "en"):
        source = (ROOT / "notebooks" / f"learn_metrics_{lang}.ipynb").read_text(encoding="utf-8")
        for explorer in ("RetentionExplorer", "LtvExplorer", "NpsExplorer", "NrsExplorer", "HealthExplorer",
                         "DriverExplorer", "RoiExplorer", "SurvivalExplorer", '\\"csat\\"', '\\"ces\\"',
                         '\\"dwb\\"'):
            assert explorer in source, (lang, explorer)
        for exercise_id in EXERCISES:
            assert f'ExerciseBox(\\"{exercise_id}\\"' in source, (lang, exercise_id)
