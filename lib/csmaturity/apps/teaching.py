"""The teaching app: the metric explorers and their exercises, one section at a time,
chosen from a menu. It composes the public teaching widgets of
:mod:`csmaturity.widgets` and builds a section when it is first opened."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import ipywidgets as W
import pandas as pd

from .. import widgets as cw
from ..datasets import load_sample_accounts, load_sample_survey
from ..i18n import text
from ..io.readers import SURVEY_ITEMS
from .shell import AppShell, setting

__all__ = ["SECTIONS", "TeachingApp", "teaching_app"]


@lru_cache(maxsize=1)
def _accounts() -> pd.DataFrame:
    return load_sample_accounts()


@lru_cache(maxsize=1)
def _survey() -> pd.DataFrame:
    return cw.driver_survey(load_sample_survey(), _accounts(), year=2024)


#: The sections in teaching order: title key (``teaching.titles``), the explorer
#: (language -> widget object) and the exercises after it.
SECTIONS: dict[str, tuple[Callable[[str], object], tuple[str, ...]]] = {
    "retention": (cw.RetentionExplorer, ("churn", "upsell", "nrr")),
    "ltv": (cw.LtvExplorer, ("ltv_margin", "ltv_purchases", "ltv_gross")),
    "csat": (lambda lang: cw.ScaleExplorer("csat", lang), ("csat",)),
    "nps": (cw.NpsExplorer, ("nps", "nps_margin")),
    "ces": (lambda lang: cw.ScaleExplorer("ces", lang), ("ces",)),
    "nrs": (cw.NrsExplorer, ("nrs",)),
    "dwb": (lambda lang: cw.ScaleExplorer("dwb", lang), ("dwb",)),
    "drivers": (lambda lang: cw.DriverExplorer(_survey(), SURVEY_ITEMS, lang), ()),
    "health": (lambda lang: cw.HealthExplorer(_accounts(), lang), ("health_band",)),
    "survival": (lambda lang: cw.SurvivalExplorer(_accounts(), lang), ()),
    "roi": (cw.RoiExplorer, ("roi", "break_even", "payback")),
}


class TeachingApp:
    """The section menu and the open section; ``explorer`` and ``exercises`` are the
    widget objects of the section shown."""

    def __init__(self, section: str = "retention"):
        self.section = section
        self.explorer: object | None = None
        self.exercises: list[cw.ExerciseBox] = []

    def build(self, lang: str) -> W.Widget:
        """The menu and the current section in ``lang``."""
        self.menu = W.Dropdown(options=[(text(f"teaching.titles.{key}", lang), key) for key in SECTIONS],
                               value=self.section, description=text("apps.teaching.section", lang),
                               style={"description_width": "auto"}, layout=W.Layout(width="520px"))
        self.page = W.Box(layout=W.Layout(display="block"))
        self.menu.observe(lambda change: self.open(change["new"], lang), names="value")
        self.open(self.section, lang)
        return W.VBox([W.HTML(f"<p>{text('apps.teaching.help', lang)}</p>"), self.menu, self.page])

    def open(self, section: str, lang: str) -> None:
        """Show ``section`` (its explorer, then its exercises)."""
        make, exercise_ids = SECTIONS[section]
        self.section = section
        self.explorer = make(lang)
        self.exercises = [cw.ExerciseBox(e, lang) for e in exercise_ids]
        heading = [W.HTML(f"<h4>{text('apps.teaching.exercises', lang)}</h4>")] if exercise_ids else []
        self.page.children = [self.explorer.widget, *heading, *(box.widget for box in self.exercises)]


def teaching_app(lang: str | None = None, section: str = "retention") -> AppShell:
    """The teaching app, ready to display (what ``csmaturity workshop teaching`` serves)."""
    app = TeachingApp(section)
    return AppShell("apps.teaching.title", app.build, lang or setting("lang"))
