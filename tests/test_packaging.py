"""Packaging promises: conda and pip list the same dependencies; the wheel carries its data."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile

import pytest
import yaml
from packaging.requirements import Requirement


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pip_requirements(root) -> dict[str, str]:
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    return {_normalise(r.name): str(r.specifier) for r in reqs}


def _conda_requirements(root) -> dict[str, str]:
    env = yaml.safe_load((root / "environment.yml").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for dep in env["dependencies"]:
        entries = dep["pip"] if isinstance(dep, dict) else [dep]
        for entry in entries:
            if entry.startswith("-e ") or entry.split(">")[0].split("=")[0] in ("python", "pip"):
                continue
            req = Requirement(entry)  # this file uses pip-style bounds (name>=x.y) throughout
            out[_normalise(req.name)] = str(req.specifier)
    return out


def test_environment_yml_matches_pyproject(root):
    pip, conda = _pip_requirements(root), _conda_requirements(root)
    assert sorted(set(pip) - set(conda)) == [], "in pyproject.toml but not environment.yml"
    assert sorted(set(conda) - set(pip)) == [], "in environment.yml but not pyproject.toml"
    assert {k: v for k, v in pip.items() if conda[k] != v} == {}, "version bounds differ"


def test_named_packages_are_dependencies(root):
    pip = _pip_requirements(root)
    for name in ("jupyterlab", "papermill", "pandas", "seaborn", "ipywidgets", "nbval"):
        assert name in pip


@pytest.mark.slow
def test_wheel_ships_model_and_templates(root, tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(root), "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)],
        check=True,
    )
    (wheel,) = tmp_path.glob("csmaturity-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "csmaturity/models/cs_maturity_v1.yaml" in names
    assert any(n.startswith("csmaturity/templates/") and n.endswith((".html", ".j2", ".jinja")) for n in names), names
    assert "csmaturity/cli/__init__.py" in names
    assert "csmaturity/notebooks/diagnosis.ipynb" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "csmaturity = csmaturity.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
