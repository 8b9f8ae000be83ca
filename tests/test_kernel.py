"""The kept kernel: notebook after notebook on one kernel, nothing carried between them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from csmaturity.errors import MissingDependencyError

# papermill and nbformat are imported by the tests, not at collection: importing them
# costs seconds (nbformat's schema validation builds a URI grammar) that test-fast,
# which collects this module but runs none of it, need not pay.
pytestmark = pytest.mark.slow


def _notebook(path: Path, *cells: str) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("name = 'default'  # parameter")]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nbformat.write(nb, path)
    return path


def _outputs(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(o.get("text", "")) for c in cells if c["cell_type"] == "code" for o in c["outputs"]]


@pytest.fixture()
def kernel():
    from csmaturity.notebook.kernel import KeptKernel

    kept = KeptKernel(warm_code="import json as _warmed")
    yield kept
    kept.shutdown()


def test_each_notebook_starts_clean_on_the_same_kernel(kernel, tmp_path):
    first = _notebook(tmp_path / "first.ipynb", "import os\nleft_over = name\nprint(os.getpid(), os.getcwd())")
    second = _notebook(tmp_path / "second.ipynb",
                       "import os, sys\nprint(os.getpid(), os.getcwd())\n"
                       "print('left_over' in globals(), 'json' in sys.modules)")
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    kernel.execute_notebook(first, tmp_path / "out1.ipynb", parameters={"name": "acme"}, cwd=tmp_path / "a")
    kernel.execute_notebook(second, tmp_path / "out2.ipynb", parameters={"name": "beta"}, cwd=tmp_path / "b")
    pid1, cwd1 = _outputs(tmp_path / "out1.ipynb")[0].split()
    pid2, cwd2, rest = _outputs(tmp_path / "out2.ipynb")[0].split(maxsplit=2)
    assert pid1 == pid2  # one kernel
    assert (cwd1, cwd2) == (str(tmp_path / "a"), str(tmp_path / "b"))
    assert rest.split() == ["False", "True"]  # variables gone, imported modules kept
    counts = [c["execution_count"] for c in json.loads((tmp_path / "out2.ipynb").read_text())["cells"]]
    assert counts == [1, 2, 3]  # parameters, injected parameters, the cell: as in a new kernel


def test_a_failing_notebook_gets_the_next_one_a_new_kernel(kernel, tmp_path):
    pid = _notebook(tmp_path / "pid.ipynb", "import os\nprint(os.getpid())")
    broken = _notebook(tmp_path / "broken.ipynb", "import os\nprint(os.getpid())", "1 / 0")
    kernel.execute_notebook(pid, tmp_path / "out1.ipynb", parameters={}, cwd=tmp_path)
    from papermill import PapermillExecutionError

    with pytest.raises(PapermillExecutionError, match="ZeroDivisionError"):
        kernel.execute_notebook(broken, tmp_path / "out2.ipynb", parameters={}, cwd=tmp_path)
    assert not kernel.running
    partial = _outputs(tmp_path / "out2.ipynb")  # papermill still wrote what ran
    assert partial and partial[0].strip() == _outputs(tmp_path / "out1.ipynb")[0].strip()
    kernel.execute_notebook(pid, tmp_path / "out3.ipynb", parameters={}, cwd=tmp_path)
    assert _outputs(tmp_path / "out3.ipynb")[0] != _outputs(tmp_path / "out1.ipynb")[0]


def test_a_kernel_that_cannot_warm_up_says_why(tmp_path):
    from csmaturity.notebook.kernel import KeptKernel

    kept = KeptKernel(warm_code="import no_such_module_here")
    try:
        with pytest.raises(MissingDependencyError, match="warming the kernel failed: ModuleNotFoundError"):
            kept.execute_notebook(_notebook(tmp_path / "n.ipynb"), tmp_path / "o.ipynb", parameters={}, cwd=tmp_path)
        assert not kept.running
    finally:
        kept.shutdown()


def test_what_the_kernel_process_prints_goes_to_its_file(tmp_path):
    from csmaturity.notebook.kernel import KeptKernel

    kept = KeptKernel(stderr_file=tmp_path / "kernel.log")
    try:
        # The process's own stderr, not the cell's captured one (which the notebook keeps).
        kept.execute_notebook(_notebook(tmp_path / "n.ipynb", "import os\nos.write(2, b'from the kernel process\\n')"),
                              tmp_path / "o.ipynb", parameters={}, cwd=tmp_path)
    finally:
        kept.shutdown()
    assert "from the kernel process" in (tmp_path / "kernel.log").read_text(encoding="utf-8")
