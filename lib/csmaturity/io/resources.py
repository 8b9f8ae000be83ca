"""Where the files shipped beside the code are: templates, notebooks and sample data.

In a wheel they sit inside the package (``csmaturity/templates``,
``csmaturity/data/sample``); in an editable checkout they stay at the top of the
repository (``templates/``, ``data/sample/``), where consultants find and adapt them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["shipped_path", "sample_path", "default_output_dir"]

_REPO = Path(__file__).resolve().parents[3]


def shipped_path(name: str) -> Path:
    """The shipped folder or file ``name`` (e.g. ``"templates"``, ``"notebooks/diagnosis.ipynb"``)."""
    for candidate in (Path(str(resources.files("csmaturity"))) / name, _REPO / name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{name} is not shipped with this installation of csmaturity")


def sample_path(name: str = "") -> Path:
    """A file or folder of the shipped sample data, e.g. ``"clients/hikari-cloud.yaml"``,
    ``"accounts.csv"``; ``""`` is the sample folder itself.

    The sample clients name their data tables by paths relative to themselves
    (``../accounts.csv``), which hold in a wheel as in a checkout.
    """
    return shipped_path(f"data/sample/{name}".rstrip("/"))


def default_output_dir(name: str) -> Path:
    """``out/<name>``, where the examples write when no folder is given: at the top of
    the repository when the kit runs from a checkout (whatever the current folder,
    e.g. ``notebooks/`` in Jupyter), else in the current folder."""
    base = _REPO if (_REPO / "pyproject.toml").is_file() else Path.cwd()
    return base / "out" / name
