"""Where the files shipped beside the code are: templates, notebooks and sample data.

The sample data live inside the package (``csmaturity/samples/``), in a checkout as in
a wheel, so a notebook finds them wherever it runs. Templates and notebooks stay at the
top of a checkout (``templates/``, ``notebooks/``), where consultants find and adapt
them; a wheel carries them inside the package.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["shipped_path", "sample_path", "default_output_dir"]

_REPO = Path(__file__).resolve().parents[3]
_SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def shipped_path(name: str) -> Path:
    """The shipped folder or file ``name`` (e.g. ``"templates"``, ``"notebooks/diagnosis.ipynb"``)."""
    for candidate in (Path(str(resources.files("csmaturity"))) / name, _REPO / name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{name} is not shipped with this installation of csmaturity")


def sample_path(name: str = "") -> Path:
    """A file or folder of the shipped sample data, e.g. ``"clients/hikari-cloud.yaml"``,
    ``"accounts.csv"``; ``""`` is the sample folder itself (``csmaturity/samples``).

    The sample clients name their data tables by paths relative to themselves
    (``../accounts.csv``), which hold wherever the package is installed.

    Raises
    ------
    FileNotFoundError
        When the sample data have no such file or folder.
    """
    path = _SAMPLES / name if name else _SAMPLES
    if not path.exists():
        raise FileNotFoundError(f"samples/{name} is not shipped with this installation of csmaturity")
    return path


def default_output_dir(name: str) -> Path:
    """``out/<name>``, where the examples write when no folder is given: at the top of
    the repository when the kit runs from a checkout (whatever the current folder,
    e.g. ``notebooks/`` in Jupyter), else in the current folder."""
    base = _REPO if (_REPO / "pyproject.toml").is_file() else Path.cwd()
    return base / "out" / name
