"""Everything a report shows, computed once: the assessment, metrics, change, portfolio.

:func:`compute_results` is the single entry used by the CLI, the notebook and the batch
runner, so the three produce identical numbers. The model is parsed once per process
and file version (a batch worker assesses many clients with one model).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..answers import ClientAnswers, load_answers
from ..assessment import Assessment, assess, file_digest
from ..errors import AnswersError, DataError, Problem
from ..model import MaturityModel, default_model_path, load_model
from ..portfolio.ranking import DEFAULT_MIN_GROUP, Ranking, rank_portfolio
from ..respondents import NO_ANSWERS_FILES, ClientResponses, client_files, load_client
from .change import AssessmentChange, AssessmentHistory, SurveyPoint, assessment_history, compare_assessments
from .metrics_summary import MetricsSummary, compute_metrics, read_survey_scores, survey_changes

if TYPE_CHECKING:
    from .executive import ExecutiveSummary

__all__ = ["ReportResults", "SourceFile", "compute_results", "cached_model", "history_files"]


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


@dataclass(frozen=True, kw_only=True)
class SourceFile:
    """An input file of the report, for its provenance: its role (``accounts``,
    ``survey``, ``previous``, ``previous_survey``, ``history``), its name (never its
    folder: the report reads the same wherever the files were) and the SHA-256 of its
    bytes."""

    role: str
    name: str
    sha256: str

    @classmethod
    def of(cls, role: str, path: Path) -> SourceFile:
        return cls(role=role, name=path.name, sha256=file_digest(path))

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "file": self.name, "sha256": self.sha256}


@dataclass(frozen=True, eq=False, kw_only=True)
class ReportResults:
    """The inputs of one report, computed; see :func:`compute_results`.

    ``ranking`` ranks this client among the portfolio (this client included, with
    these results); None without a portfolio. ``history`` is the trend over the
    earlier assessments given (None without). ``sources`` lists every input file
    beside the answers with its SHA-256 (the provenance).
    """

    assessment: Assessment
    metrics: MetricsSummary | None = None
    previous: Assessment | None = None
    change: AssessmentChange | None = None
    ranking: Ranking | None = None
    history: AssessmentHistory | None = None
    sources: list[SourceFile] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.assessment.lang

    @cached_property
    def executive(self) -> ExecutiveSummary:
        """The executive page (:func:`~csmaturity.report.executive.executive_summary`),
        computed once: the page, the workbook, the deck and the results file read this one."""
        from .executive import executive_summary  # reads these results: imported when used

        return executive_summary(self)

    def portfolio_median(self) -> pd.Series | None:
        """Median score per dimension the radar is drawn against (see
        :meth:`Ranking.median`); None without a portfolio or when it is too small."""
        return None if self.ranking is None else self.ranking.median(self.assessment.client_id)

    def portfolio_position(self) -> dict[str, Any] | None:
        """Where this client stands in the portfolio (:meth:`Ranking.position`); None without one."""
        return None if self.ranking is None else self.ranking.position(self.assessment.client_id)

    def to_dict(self) -> dict[str, Any]:
        """The results file: ``Assessment.to_dict()`` plus metrics, change, history,
        portfolio, the executive page and the input files with their SHA-256."""
        out = self.assessment.to_dict()
        out["report_language"] = self.lang
        out["metrics"] = self.metrics.to_dict() if self.metrics else None
        out["change"] = self.change.to_dict() if self.change else None
        out["history"] = self.history.to_dict() if self.history else None
        out["portfolio"] = self.portfolio_position()
        out["executive"] = self.executive.to_dict()
        # The input files beside the answers join the engine's provenance when there are any.
        if self.sources:
            out["provenance"]["files"] = [f.to_dict() for f in self.sources]
        previous = next((f for f in self.sources if f.role == "previous"), None)
        if previous is not None and self.previous is not None:
            out["provenance"]["previous"] = {**previous.to_dict(), "client_id": self.previous.client_id,
                                             "other_client": bool(self.change and self.change.other_client)}
        return out


def _named_file(path: str | Path | None, option: str) -> Path | None:
    """A data file the caller named must exist; one not named is simply absent."""
    if path is None or path == "":
        return None
    path = Path(path)
    if not path.is_file():
        raise DataError([Problem(str(path), "", f"file not found (named as the {option})")])
    return path


def history_files(paths: Iterable[str | Path]) -> list[Path]:
    """Earlier answers files: each path a file, or a folder whose ``*.yaml`` / ``*.yml``
    files are read (not its subfolders), in name order.

    Raises
    ------
    DataError
        A path that does not exist, or a folder without answers files.
    """
    out: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = client_files(path)
            if not found:
                raise DataError([Problem(str(path), "", f"{NO_ANSWERS_FILES} of earlier assessments")])
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise DataError([Problem(str(path), "", "file not found (named as an earlier assessment)")])
    return out


def _same_client(earlier: ClientAnswers, current: ClientAnswers | ClientResponses, path: Path, what: str,
                 allow_other: bool) -> None:
    """An earlier assessment must be of the same client, unless the caller allows another."""
    if allow_other or earlier.client.id == current.client.id:
        return
    raise AnswersError([Problem(
        str(path), "client.id",
        f"the {what} is of client '{earlier.client.id}', not '{current.client.id}' (the client of this report); "
        f"pass --previous-other-client (previous_other_client=True) to compare them anyway")])


def compute_results(
    client_file: str | Path | Sequence[str | Path],
    *,
    lang: str | None = None,
    model_file: str | Path | None = None,
    accounts_file: str | Path | None = None,
    survey_file: str | Path | None = None,
    previous_file: str | Path | None = None,
    previous_survey_file: str | Path | None = None,
    history: Sequence[str | Path] | None = None,
    previous_other_client: bool = False,
    target: str | None = None,
    portfolio: Iterable[Mapping[str, Any]] | pd.DataFrame | None = None,
    portfolio_segment: str | None = None,
    portfolio_min_group: int = DEFAULT_MIN_GROUP,
    period: tuple[str, str] | None = None,
) -> ReportResults:
    """Assess a client and compute everything its report shows.

    ``client_file`` is one answers file (one respondent), or a client folder or several
    answers files of one client (several respondents: the report reads their consensus
    and shows where they disagree; see :func:`csmaturity.load_client`).

    Data files not passed here are taken from the answers file's ``data:`` section
    (paths relative to it). A file that is named, here or there, must exist; leaving
    all of them out gives a report without the metrics section.

    ``previous_file`` is the client's previous answers file: it must name the same
    client id, unless ``previous_other_client`` is set (the report then says the
    comparison is with another client). ``history`` (answers files, or folders of
    them) adds the trend over any number of earlier assessments, each dated before
    this one and of the same client (the same override applies); without a
    ``previous_file``, the latest of them is the previous assessment. ``target`` (a
    level id) overrides the answers file's target level.

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
        With every problem of the offending file (or portfolio results); an earlier
        assessment of another client (without the override), or one not dated before
        this one, is an AnswersError naming both.
    ValueError
        With a portfolio: an unknown ``portfolio_segment`` or a ``portfolio_min_group`` below 2.
    """
    model = cached_model(model_file)
    answers = load_client(client_file, model)
    named = answers.data_files
    files = {
        "accounts": _named_file(accounts_file, "accounts table") or named.get("accounts"),
        "survey": _named_file(survey_file, "survey table") or named.get("survey"),
        "previous": _named_file(previous_file, "previous assessment") or named.get("previous"),
        "previous_survey": _named_file(previous_survey_file, "previous survey") or named.get("previous_survey"),
    }
    result = assess(model, answers, lang=lang, data_files=[p for p in files.values() if p is not None],
                    target=target)
    ranking = None if portfolio is None else rank_portfolio(
        portfolio, model, segment=portfolio_segment, min_group=portfolio_min_group, lang=result.lang,
        client=result.to_dict())
    metrics = compute_metrics(files["accounts"], files["survey"], period=period)
    sources = [SourceFile.of(role, files[role]) for role in ("accounts", "survey") if files[role] is not None]
    earlier = _earlier(history or [], answers, model, result.lang, previous_other_client)
    if files["previous"] is None and earlier:
        files["previous"] = earlier[-1][1]
    previous = change = None
    if files["previous"] is not None:
        previous_answers = load_answers(files["previous"], model)
        _same_client(previous_answers, answers, files["previous"], "previous assessment", previous_other_client)
        previous = assess(model, previous_answers, lang=result.lang)
        survey_file_used, before, kind, wave = _previous_survey(files["previous_survey"], previous_answers, metrics,
                                                                files["survey"])
        now = metrics.survey_results() if metrics else {}
        source = None if kind is None else (f"{survey_file_used.name}" + (f" ({wave})" if wave else ""))
        change = compare_assessments(previous, result, survey_changes(before, now), source, survey_kind=kind,
                                     survey_wave=wave)
        sources.append(SourceFile.of("previous", files["previous"]))
        if kind == "previous" and survey_file_used is not None:
            sources.append(SourceFile.of("previous_survey", survey_file_used))
    trend = None
    if earlier:
        sources.extend(SourceFile.of("history", path) for _, path in earlier)
        trend = assessment_history([(a, path.name, file_digest(path)) for a, path in earlier], result,
                                   _survey_points(earlier, metrics, result, files["survey"]))
    return ReportResults(assessment=result, metrics=metrics, previous=previous, change=change, ranking=ranking,
                         history=trend, sources=sources)


def _earlier(paths: Sequence[str | Path], current: ClientAnswers | ClientResponses, model: MaturityModel, lang: str,
             allow_other: bool) -> list[tuple[Assessment, Path]]:
    """The earlier assessments of ``paths`` (see :func:`history_files`), oldest first:
    each of the same client (unless allowed), dated before ``current`` and on a date
    of its own."""
    out: list[tuple[Assessment, Path]] = []
    seen: dict[Any, Path] = {}
    for path in history_files(paths):
        earlier = load_answers(path, model)
        _same_client(earlier, current, path, "earlier assessment", allow_other)
        day = earlier.client.assessment_date
        if day >= current.client.assessment_date:
            raise AnswersError([Problem(str(path), "client.assessment_date",
                                        f"{day} is not before this assessment ({current.client.assessment_date}): "
                                        f"an earlier assessment must be dated before it")])
        if day in seen:
            raise AnswersError([Problem(str(path), "client.assessment_date",
                                        f"{day} is also the date of {seen[day].name}: one assessment per date")])
        seen[day] = path
        out.append((assess(model, earlier, lang=lang), path))
    return sorted(out, key=lambda e: e[0].answers.client.assessment_date)


def _survey_points(earlier: list[tuple[Assessment, Path]], metrics: MetricsSummary | None, current: Assessment,
                   current_survey: Path | None) -> list[SurveyPoint]:
    """Survey scores through time: the survey each earlier answers file names (one that
    is the current survey file adds nothing new), else the earlier wave of the current
    survey; then the current survey."""
    points = []
    current_digest = file_digest(current_survey) if current_survey is not None else None
    for a, _ in earlier:
        survey = a.answers.data_files.get("survey")
        if survey is None or file_digest(survey) == current_digest:
            continue
        scores, wave = read_survey_scores(survey)
        points.append(SurveyPoint(kind="assessment", date=a.answers.client.assessment_date.isoformat(), wave=wave,
                                  scores=scores))
    if not points and metrics is not None and metrics.earlier_scores:
        points.append(SurveyPoint(kind="wave", date=None, wave=metrics.earlier_wave, scores=metrics.earlier_scores))
    if metrics is not None and metrics.survey_results():
        points.append(SurveyPoint(kind="assessment", date=current.answers.client.assessment_date.isoformat(),
                                  wave=metrics.wave, scores=metrics.survey_results()))
    return points


def _previous_survey(file: Path | None, previous: ClientAnswers, metrics: MetricsSummary | None,
                     current_survey: Path | None) -> tuple[Path | None, dict[str, Any], str | None, int | None]:
    """The survey at the previous assessment: (file, scores, kind, wave). The file named
    for it, else the survey the previous answers file names (when it is not the current
    one), else the earlier wave of the current survey (kind ``wave``); kind None: none."""
    if file is None:
        own = previous.data_files.get("survey")
        if own is not None and (current_survey is None or file_digest(own) != file_digest(current_survey)):
            file = own
    if file is not None:
        scores, wave = read_survey_scores(file)
        return file, scores, "previous", wave
    if metrics is not None and metrics.earlier_scores and current_survey is not None:
        return current_survey, metrics.earlier_scores, "wave", metrics.earlier_wave
    return None, {}, None, None
