"""Interactive widgets (ipywidgets) for workshops and training.

Every widget object keeps its controls as attributes and exposes its results, so a
test or a notebook can set ``.value`` on a control and read the outcome without a
browser. Displaying the object in Jupyter shows the form.
"""

from .form import QuestionInput, QuestionnaireForm
from .teaching import (
    DriverExplorer,
    ExerciseBox,
    HealthExplorer,
    LtvExplorer,
    NpsExplorer,
    NrsExplorer,
    RetentionExplorer,
    RoiExplorer,
    ScaleExplorer,
    SurvivalExplorer,
    driver_survey,
)
from .whatif import WhatIfPanel, single_change_lifts, with_answer, with_weights

__all__ = [
    "DriverExplorer",
    "ExerciseBox",
    "HealthExplorer",
    "LtvExplorer",
    "NpsExplorer",
    "NrsExplorer",
    "QuestionInput",
    "QuestionnaireForm",
    "RetentionExplorer",
    "RoiExplorer",
    "ScaleExplorer",
    "SurvivalExplorer",
    "WhatIfPanel",
    "driver_survey",
    "single_change_lifts",
    "with_answer",
    "with_weights",
]
