"""Code-free apps for workshops and trainees, served by ``csmaturity workshop`` (Voilà).

Each app is one function returning a widget ready to display; the notebooks that Voilà
serves (``intake.ipynb``, ``teaching.ipynb``, ``portfolio.ipynb`` in this folder) are one
cell calling it, so every line of logic is here and tested from Python:

- :func:`intake_app`: the questionnaire form and the what-if panel following it live,
  upload of an answers file or a filled intake workbook, downloads of the saved
  answers and of the report;
- :func:`teaching_app`: the metric explorers and exercises, one section at a time;
- :func:`portfolio_app`: a batch's clients side by side, the folder picked from a menu.

Every app has a Japanese / English switch and carries its Japanese font as a web font.
"""

from __future__ import annotations

from pathlib import Path

from .intake import IntakeApp, intake_app
from .portfolio import PortfolioApp, batch_folders, portfolio_app
from .shell import SETTINGS, AppShell, download_link
from .teaching import SECTIONS, TeachingApp, teaching_app

__all__ = ["APPS", "SETTINGS", "SECTIONS", "AppShell", "IntakeApp", "PortfolioApp", "TeachingApp", "app_notebook",
           "batch_folders", "download_link", "intake_app", "portfolio_app", "teaching_app"]

#: The apps by name, as ``csmaturity workshop`` lists them.
APPS = ("intake", "teaching", "portfolio")


def app_notebook(name: str) -> Path:
    """The notebook Voilà serves for app ``name`` (one of :data:`APPS`)."""
    return Path(__file__).with_name(f"{name}.ipynb")
