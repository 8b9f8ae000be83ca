"""Where the files shipped beside the code are: templates and notebooks.

In a wheel they sit inside the package (``csmaturity/templates``); in an editable
checkout they stay at the top of the repository (``templates/``), where consultants
find and adapt them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["shipped_path"]

_REPO = Path(__file__).resolve().parents[3]


def shipped_path(name: str) -> Path:
    """The shipped folder or file ``name`` (e.g. ``"templates"``, ``"notebooks/diagnosis.ipynb"``)."""
    for candidate in (Path(str(resources.files("csmaturity"))) / name, _REPO / name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{name} is not shipped with this installation of csmaturity")
