"""csmaturity: diagnose how mature a Customer Success practice is.

The maturity model (questions, weights, levels, recommendations, benchmark figures)
is versioned YAML; the engine scores a client's answers against it, compares them
with the 2021 survey cohorts and plans a phased roadmap. One engine serves the
notebooks, the CLI and the batch runner::

    import csmaturity as cm
    model = cm.load_model()                        # or cm.load_model("my_model.yaml")
    answers = cm.load_answers("client.yaml", model)
    result = cm.assess(model, answers)             # scores, benchmark, gaps, roadmap

Several respondents of one client (a folder of answers files, or files given together)
are one assessment of their consensus, with where they disagree::

    team = cm.load_client("clients/acme/", model)  # a file: one respondent, as above
    result = cm.assess(model, team)
    result.respondents.contested(), result.respondents.robustness.movers

The sample data ship inside the package and load by name, wherever a notebook runs::

    cm.load_sample_client("hikari-cloud"), cm.load_sample_accounts(), cm.load_sample_survey()
    cm.sample_path("clients/hikari-cloud.yaml")    # the file, for the CLI or a report
"""

from ._version import __version__
from .answers import ClientAnswers, load_answers, parse_answers
from .assessment import Assessment, assess
from .datasets import load_sample_accounts, load_sample_client, load_sample_survey, sample_clients, sample_path
from .errors import (
    AnswersError,
    ArgumentError,
    ConfigError,
    CsMaturityError,
    DataError,
    MissingDependencyError,
    ModelError,
    Problem,
    ValidationFailed,
)
from .model import MaturityModel, load_model, parse_model
from .respondents import ClientResponses, Respondents, combine, load_client, load_clients, load_responses
from .scoring import Scorecard, score

__all__ = [
    "__version__",
    "Assessment",
    "AnswersError",
    "ArgumentError",
    "ClientAnswers",
    "ClientResponses",
    "ConfigError",
    "CsMaturityError",
    "DataError",
    "MaturityModel",
    "MissingDependencyError",
    "ModelError",
    "Problem",
    "Respondents",
    "Scorecard",
    "ValidationFailed",
    "assess",
    "combine",
    "load_answers",
    "load_client",
    "load_clients",
    "load_model",
    "load_responses",
    "load_sample_accounts",
    "load_sample_client",
    "load_sample_survey",
    "parse_answers",
    "parse_model",
    "sample_clients",
    "sample_path",
    "score",
]
