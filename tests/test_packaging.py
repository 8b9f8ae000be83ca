"""Packaging promises: conda and pip list the same dependencies; the wheel carries its data."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile

import pytest
import tomllib
import yaml
from packaging.requirements import Requirement


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


#: The extras the conda environment holds besides the dependencies (what `make test` installs).
CONDA_EXTRAS = ("dev", "pdf", "deck", "apps", "browser")


def _pip_requirements(root, *, dev: bool = False) -> dict[str, str]:
    """The dependencies, with ``dev`` also the extras of :data:`CONDA_EXTRAS` (the conda
    environment has them all)."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    listed = [*project["dependencies"], *(r for name in CONDA_EXTRAS if dev for r in extras[name])]
    reqs = [Requirement(r) for r in listed]
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
    pip, conda = _pip_requirements(root, dev=True), _conda_requirements(root)
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
        [sys.executable, "-m", "pip", "wheel", str(root), "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path)],
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
    samples = {n.removeprefix("csmaturity/samples/") for n in names if n.startswith("csmaturity/samples/")}
    assert {"accounts.csv", "survey_ja_cp932.csv", "clients/hikari-cloud.yaml"} <= samples

    # Installed from the wheel (unpacked, first on the path), the kit finds its shipped
    # files inside the package, wherever it runs.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("from csmaturity.io.resources import sample_path, shipped_path\n"
            "print(sample_path('clients/hikari-cloud.yaml'), shipped_path('notebooks/diagnosis.ipynb'))")
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          check=True)
    client, notebook = proc.stdout.split()
    package = site / "csmaturity"
    assert (client, notebook) == (str(package / "samples/clients/hikari-cloud.yaml"),
                                  str(package / "notebooks/diagnosis.ipynb"))
    # ... and its sample data load by name there, as in a notebook copied anywhere.
    code = "import csmaturity as cm; print(len(cm.load_sample_accounts()), cm.load_sample_client('kaede-works').source)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          check=True)
    assert proc.stdout.split() == ["2400", str(package / "samples/clients/kaede-works")]


def test_every_package_of_the_kit_imports_first(root):
    # Each subpackage imported into a fresh kit (third-party modules stay loaded): an
    # import cycle shows only when its package is the first of the kit to be imported.
    code = """
import importlib, pkgutil, sys
import csmaturity
names = [m.name for m in pkgutil.walk_packages(csmaturity.__path__, "csmaturity.") if m.ispkg]
for name in names:
    for loaded in [m for m in sys.modules if m == "csmaturity" or m.startswith("csmaturity.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        sys.exit(f"{name}: {type(exc).__name__}: {exc}")
print(len(names))
"""
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert int(proc.stdout) >= 10


def test_make_installs_the_extras_the_conda_environment_holds(root):
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    installed = re.search(r'pip install [-a-z ]*-e "\.\[([a-z,]+)\]"', makefile)
    assert installed and set(installed.group(1).split(",")) == set(CONDA_EXTRAS)


def test_workshop_command_knows_every_app():
    from csmaturity.apps import APPS, SETTINGS, app_notebook
    from csmaturity.cli import workshop

    assert workshop.APPS == APPS and all(app_notebook(name).is_file() for name in APPS)
    assert workshop.ENV == {name: variable for name, (variable, _default) in SETTINGS.items()}
