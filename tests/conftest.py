"""Shared fixtures: the repository paths, the shipped model, the sample clients."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")  # charts render without a display

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
CLIENTS = SAMPLE / "clients"


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
