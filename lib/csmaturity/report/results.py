"""Everything a report shows, computed once: the assessment, metrics, change, portfolio.

:func:`compute_results` is the single entry used by the CLI, the notebook and the batch
runner, so the three produce identical numbers. The model is parsed once per process
and file version (a batch worker assesses many clients with one model).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ..answers import load_answers
from ..assessment import Assessment, assess
from ..errors import DataError, Problem
from ..model import MaturityModel, default_model_path, load_model
from ..portfolio.ranking import DEFAULT_MIN_GROUP, Ranking, rank_portfolio
from .change import AssessmentChange, compare_assessments
from .metrics_summary import MetricsSummary, compute_metrics, read_survey_scores, survey_changes

__all__ = ["ReportResults", "compute_results", "cached_model"]


@lru_cache(maxsize=8)
def _model_at(path: str, mtime_ns: int, size: int) -> MaturityModel:
    return load_model(path)


def cached_model(path: str | Path | None = None) -> MaturityModel:
    """:func:`csmaturity.load_model`, cached per process by path, mtime and size."""
    resolved = Path(path) if path is not None else default_model_path()
    try:
        stat = resolved.stat()
    except OSError:
        return load_model(resolved)  # let the loader report the missing file
    return _model_at(str(resolved.resolve()), stat.st_mtime_ns, stat.st_size)


@dataclass(frozen=True, eq=False, kw_only=True)
class ReportResults:
    """The inputs of one report, computed; see :func:`compute_results`.

    ``ranking`` ranks this client among the portfolio (this client included, with
    these results); None without a portfolio.
    """

    assessment: Assessment
    metrics: MetricsSummary | None = None
    previous: Assessment | None = None
    change: AssessmentChange | None = None
    ranking: Ranking | None = None

    @property
    def lang(self) -> str:
        return self.assessment.lang

    def portfolio_median(self) -> pd.Series | None:
        """Median score per dimension the radar is drawn against (see
        :meth:`Ranking.median`); None without a portfolio or when it is too small."""
        return None if self.ranking is None else self.ranking.median(self.assessment.client_id)

    def portfolio_position(self) -> dict[str, Any] | None:
        """Where this client stands in the portfolio (:meth:`Ranking.position`); None without one."""
        return None if self.ranking is None else self.ranking.position(self.assessment.client_id)

    def to_dict(self) -> dict[str, Any]:
        """The results file: ``Assessment.to_dict()`` plus metrics, change and portfolio."""
        out = self.assessment.to_dict()
        out["report_language"] = self.lang
        out["metrics"] = self.metrics.to_dict() if self.metrics else None
        out["change"] = self.change.to_dict() if self.change else None
        out["portfolio"] = self.portfolio_position()
        return out


def _named_file(path: str | Path | None, option: str) -> Path | None:
    """A data file the caller named must exist; one not named is simply absent."""
    if path is None or path == "":
        return None
    path = Path(path)
    if not path.is_file():
        raise DataError([Problem(str(path), "", f"file not found (named as the {option})")])
    return path


def compute_results(
    client_file: str | Path,
    *,
    lang: str | None = None,
    model_file: str | Path | None = None,
    accounts_file: str | Path | None = None,
    survey_file: str | Path | None = None,
    previous_file: str | Path | None = None,
    previous_survey_file: str | Path | None = None,
    portfolio: Iterable[Mapping[str, Any]] | pd.DataFrame | None = None,
    portfolio_segment: str | None = None,
    portfolio_min_group: int = DEFAULT_MIN_GROUP,
    period: tuple[str, str] | None = None,
) -> ReportResults:
    """Assess a client and compute everything its report shows.

    Data files not passed here are taken from the answers file's ``data:`` section
    (paths relative to it). A file that is named, here or there, must exist; leaving
    all of them out gives a report without the metrics section.

    ``portfolio`` (results dicts as written in ``*.results.json``, or a frame as
    :func:`csmaturity.portfolio.portfolio_table` returns) adds the client's percentile
    per dimension within its ``portfolio_segment`` (a choice or text field of the
    model's client profile, or ``industry``; None: the model's first such field),
    hidden where fewer than ``portfolio_min_group`` clients share it (see
    :func:`csmaturity.portfolio.rank_portfolio`). The client is ranked with its results
    from this assessment: an earlier entry of the same client id in the portfolio is
    replaced, and one is added if absent.

    Raises
    ------
    ModelError, AnswersError, DataError
        With every problem of the offending file (or portfolio results).
    ValueError
        With a portfolio: an unknown ``portfolio_segment`` or a ``portfolio_min_group`` below 2.
    """
    model = cached_model(model_file)
    answers = load_answers(client_file, model)
    named = answers.data_files
    files = {
        "accounts": _named_file(accounts_file, "accounts table") or named.get("accounts"),
        "survey": _named_file(survey_file, "survey table") or named.get("survey"),
        "previous": _named_file(previous_file, "previous assessment") or named.get("previous"),
        "previous_survey": _named_file(previous_survey_file, "previous survey") or named.get("previous_survey"),
    }
    result = assess(model, answers, lang=lang, data_files=[p for p in files.values() if p is not None])
    ranking = None if portfolio is None else rank_portfolio(
        portfolio, model, segment=portfolio_segment, min_group=portfolio_min_group, lang=result.lang,
        client=result.to_dict())
    metrics = compute_metrics(files["accounts"], files["survey"], period=period)
    previous = change = None
    if files["previous"] is not None:
        previous = assess(model, load_answers(files["previous"], model), lang=result.lang)
        before, source = _previous_survey(files["previous_survey"], metrics)
        now = metrics.survey_results() if metrics else {}
        change = compare_assessments(previous, result, survey_changes(before, now), source)
    return ReportResults(assessment=result, metrics=metrics, previous=previous, change=change, ranking=ranking)


def _previous_survey(file: Path | None, metrics: MetricsSummary | None) -> tuple[dict[str, Any], str | None]:
    """Survey scores at the previous assessment: the named file, else the earlier wave."""
    if file is not None:
        scores, wave = read_survey_scores(file)
        return scores, file.name + (f" ({wave})" if wave else "")
    if metrics is not None and metrics.earlier_scores:
        return metrics.earlier_scores, f"{metrics.survey_file} ({metrics.earlier_wave})"
    return {}, None
