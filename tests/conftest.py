"""Shared fixtures: the repository paths, the shipped model, the sample clients."""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")  # charts render without a display

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "lib" / "csmaturity" / "samples"
CLIENTS = SAMPLE / "clients"


#: Under CI (``CI=true``, set by .ci/run) a missing optional dependency fails its tests:
#: a skipped PDF test must not pass a build unnoticed.
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing(what: str, install: str) -> None:
    message = f"{what} is not installed ({install})"
    if IN_CI:
        pytest.fail(f"{message}; CI must run this test")
    pytest.skip(message)


def require_module(name: str, install: str) -> None:
    """Skip the test (fail it under CI) when the optional package ``name`` cannot be imported."""
    try:
        importlib.import_module(name)
    except (ImportError, OSError):  # OSError: the package is there, a system library it loads is not
        _missing(f"the package {name}", install)


def require_tool(name: str, install: str) -> None:
    """Skip the test (fail it under CI) when the program ``name`` is not on the PATH."""
    if shutil.which(name) is None:
        _missing(f"the program {name}", install)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def model():
    from csmaturity import load_model

    return load_model()


@pytest.fixture(scope="session")
def sample_client_files() -> list[Path]:
    return sorted(CLIENTS.glob("*.yaml"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def pytest_collection_modifyitems(config, items):
    """The modules with slow tests first (each module's tests kept together, in their
    collected order): the two test processes of `make test` then end together, instead
    of one waiting on a notebook collected last. A module split in two would lose its
    module-scoped fixtures between the halves and make them again (a PDF, 20 s)."""
    slow_modules = {item.path for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.path not in slow_modules)
