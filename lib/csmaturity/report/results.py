"""Everything a report shows, computed once: the assessment, metrics, change, portfolio.

:func:`compute_results` is the single entry used by the CLI, the notebook and the batch
runner, so the three produce identical numbers. The model is parsed once per process
and file version (a batch worker assesses many clients with one model).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from ..answers import load_answers
from ..assessment import Assessment, assess
from ..errors import DataError, Problem, check_argument
from ..model import MaturityModel, default_model_path, load_model
from ..portfolio import DEFAULT_MIN_GROUP, SEGMENTS, client_percentiles, portfolio_table, segment_percentiles
from .change import AssessmentChange, compare_assessments
from .metrics_summary import MetricsSummary, compute_metrics, read_survey_scores, survey_changes

__all__ = ["ReportResults", "compute_results", "cached_model", "portfolio_frame"]


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

    ``portfolio`` is the portfolio as :func:`csmaturity.portfolio.portfolio_table`
    returns it (one row per client, indexed by client id), this client included;
    percentiles are taken within ``portfolio_segment`` and hidden where fewer than
    ``portfolio_min_group`` clients share the client's segment.
    """

    assessment: Assessment
    metrics: MetricsSummary | None = None
    previous: Assessment | None = None
    change: AssessmentChange | None = None
    portfolio: pd.DataFrame | None = None
    portfolio_segment: str = "business_model"
    portfolio_min_group: int = DEFAULT_MIN_GROUP

    @property
    def lang(self) -> str:
        return self.assessment.lang

    @cached_property
    def portfolio_percentiles(self) -> pd.DataFrame | None:
        """Every portfolio client's percentiles (:func:`csmaturity.portfolio.segment_percentiles`)."""
        if self.portfolio is None or self.portfolio.empty:
            return None
        dims = [d.id for d in self.assessment.model.dimensions]
        return segment_percentiles(self.portfolio, dims, self.portfolio_segment, self.portfolio_min_group)

    def _segment_value(self) -> Any:
        """This client's value of the segment column (from the portfolio when it is there)."""
        client_id = self.assessment.client_id
        if self.portfolio is not None and client_id in self.portfolio.index:
            return self.portfolio.at[client_id, self.portfolio_segment]
        return _profile_segment(self.assessment.answers.client, self.portfolio_segment)

    def _median_group(self) -> tuple[str, pd.DataFrame] | None:
        """Clients the radar's median is taken over: this client's segment when it holds
        at least ``portfolio_min_group`` clients, else the whole portfolio when that does,
        else none (a median over a few clients would give one of them away)."""
        frame = self.portfolio
        if frame is None or frame.empty:
            return None
        same = frame[frame[self.portfolio_segment] == self._segment_value()]
        if len(same) >= self.portfolio_min_group:
            return "segment", same
        if len(frame) >= self.portfolio_min_group:
            return "portfolio", frame
        return None

    def portfolio_median(self) -> pd.Series | None:
        """Median score per dimension over this client's segment, or over the whole
        portfolio when the segment is too small (see ``portfolio_position()["median"]``);
        None without a portfolio or when it is smaller than the minimum group."""
        group = self._median_group()
        if group is None:
            return None
        dims = [d.id for d in self.assessment.model.dimensions]
        return group[1][dims].astype(float).median()

    def portfolio_position(self) -> dict[str, Any] | None:
        """Where this client stands in the portfolio (None without one)::

            {"segment": {"name": "business_model", "value": "B2B"}, "segment_size": 6,
             "portfolio_size": 9, "min_group": 5, "hidden": False,
             "percentiles": {"overall": 50.0, "<dimension id>": 70.0, ...},
             "median": {"scope": "segment", "clients": 6}}

        Percentiles are mid-rank percentiles within the segment, this client counted
        (0 = lowest, 100 = highest); every one is None and ``hidden`` is true where
        fewer than ``min_group`` clients share the segment. ``median`` says which
        clients the radar's median overlay covers (``scope`` "segment" or "portfolio"),
        or is None when no overlay is drawn.
        """
        table = self.portfolio_percentiles
        if table is None:
            return None
        client_id = self.assessment.client_id
        value = self._segment_value()
        size = int((self.portfolio[self.portfolio_segment] == value).sum())
        dims = [d.id for d in self.assessment.model.dimensions]
        percentiles = client_percentiles(table, client_id) or dict.fromkeys(["overall", *dims])
        hidden = size < self.portfolio_min_group or all(v is None for v in percentiles.values())
        group = self._median_group()
        return {
            "segment": {"name": self.portfolio_segment, "value": None if pd.isna(value) else str(value)},
            "segment_size": size,
            "portfolio_size": int(len(self.portfolio)),
            "min_group": int(self.portfolio_min_group),
            "hidden": bool(hidden),
            "percentiles": dict.fromkeys(percentiles) if hidden else percentiles,
            "median": None if group is None else {"scope": group[0], "clients": int(len(group[1]))},
        }

    def to_dict(self) -> dict[str, Any]:
        """The results file: ``Assessment.to_dict()`` plus metrics, change and portfolio."""
        out = self.assessment.to_dict()
        out["report_language"] = self.lang
        out["metrics"] = self.metrics.to_dict() if self.metrics else None
        out["change"] = self.change.to_dict() if self.change else None
        out["portfolio"] = self.portfolio_position()
        return out


def _profile_segment(client: Any, segment: str) -> Any:
    return client.industry if segment == "industry" else getattr(client.profile, segment)


def _result_problems(r: Any, where: str, model: MaturityModel) -> list[Problem]:
    """What keeps one portfolio results dict from being ranked (empty when it is fine)."""
    try:
        client, profile = r["client"], r["client"]["profile"]
        missing = [k for k in ("id", "name", "industry", "assessment_date") if k not in client]
        missing += [f"profile.{k}" for k in ("business_model", "arr_band") if k not in profile]
        missing += [k for k in ("overall", "level", "coverage", "provisional", "dimensions", "top_gaps") if k not in r]
    except (KeyError, TypeError):
        return [Problem("portfolio", where, "not a results dictionary (no client.profile)")]
    if missing:
        return [Problem("portfolio", where, f"results lack {', '.join(missing)}")]
    problems = []
    absent = [d.id for d in model.dimensions if d.id not in r["dimensions"]]
    if absent:
        problems.append(Problem("portfolio", where, f"no score for dimension(s) {', '.join(absent)} of model {model.id}"))
    if not isinstance(r["level"], Mapping) or r["level"].get("id") not in {lv.id for lv in model.levels}:
        problems.append(Problem("portfolio", where, f"level is not one of model {model.id}'s levels"))
    return problems


def portfolio_frame(
    portfolio: Iterable[Mapping[str, Any]] | pd.DataFrame | None,
    assessment: Assessment,
    segment: str = "business_model",
) -> pd.DataFrame | None:
    """The portfolio as :func:`csmaturity.portfolio.portfolio_table` returns it, with this
    client's fresh results in place of any earlier ones of the same client id.

    ``portfolio`` is a list of results dicts (as written beside each report: they carry
    ``client.profile``) or such a table. A client listed more than once counts once,
    with its latest assessment. Results that do not fit the model are a DataError.
    """
    if portfolio is None:
        return None
    model = assessment.model
    own = assessment.to_dict()
    if isinstance(portfolio, pd.DataFrame):
        needed = [segment, "overall", *[d.id for d in model.dimensions]]
        absent = [c for c in needed if c not in portfolio.columns]
        if absent:
            raise DataError([Problem("portfolio", "", f"the portfolio table lacks column(s) {', '.join(absent)}")])
        others = portfolio[~portfolio.index.duplicated(keep="last")].drop(index=assessment.client_id, errors="ignore")
        mine = portfolio_table([own], model, assessment.lang)
        return pd.concat([others, mine]).sort_index() if len(others) else mine
    results = list(portfolio)
    problems = [p for i, r in enumerate(results)
                for p in _result_problems(r, _where(r, i), model)]
    if problems:
        raise DataError(problems)
    latest: dict[str, Mapping[str, Any]] = {}
    for r in results:
        cid = r["client"]["id"]
        if cid not in latest or str(r["client"]["assessment_date"]) >= str(latest[cid]["client"]["assessment_date"]):
            latest[cid] = r
    latest.pop(assessment.client_id, None)
    return portfolio_table([*latest.values(), own], model, assessment.lang)


def _where(r: Any, i: int) -> str:
    try:
        return f"client {r['client']['id']}"
    except (KeyError, TypeError):
        return f"entry {i + 1}"


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
    portfolio_segment: str = "business_model",
    portfolio_min_group: int = DEFAULT_MIN_GROUP,
    period: tuple[str, str] | None = None,
) -> ReportResults:
    """Assess a client and compute everything its report shows.

    Data files not passed here are taken from the answers file's ``data:`` section
    (paths relative to it). A file that is named, here or there, must exist; leaving
    all of them out gives a report without the metrics section.

    ``portfolio`` (results dicts as written in ``*.results.json``, or a frame as
    :func:`csmaturity.portfolio.portfolio_table` returns) adds the client's percentile
    per dimension within its ``portfolio_segment`` (``business_model``, ``industry`` or
    ``arr_band``), hidden where fewer than ``portfolio_min_group`` clients share it. The
    client is ranked with its results from this assessment: an earlier entry of the
    same client id in the portfolio is replaced, and one is added if absent.

    Raises
    ------
    ModelError, AnswersError, DataError
        With every problem of the offending file (or portfolio results).
    ValueError
        An unknown ``portfolio_segment`` or a ``portfolio_min_group`` below 2.
    """
    check_argument(portfolio_segment in SEGMENTS, "portfolio_segment",
                   f"must be one of {', '.join(SEGMENTS)}, got {portfolio_segment!r}")
    check_argument(portfolio_min_group >= 2, "portfolio_min_group",
                   "must be at least 2: a percentile among fewer singles a client out")
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
    metrics = compute_metrics(files["accounts"], files["survey"], period=period)
    previous = change = None
    if files["previous"] is not None:
        previous = assess(model, load_answers(files["previous"], model), lang=result.lang)
        before, source = _previous_survey(files["previous_survey"], metrics)
        now = metrics.survey_results() if metrics else {}
        change = compare_assessments(previous, result, survey_changes(before, now), source)
    return ReportResults(assessment=result, metrics=metrics, previous=previous, change=change,
                         portfolio=portfolio_frame(portfolio, result, portfolio_segment),
                         portfolio_segment=portfolio_segment, portfolio_min_group=portfolio_min_group)


def _previous_survey(file: Path | None, metrics: MetricsSummary | None) -> tuple[dict[str, Any], str | None]:
    """Survey scores at the previous assessment: the named file, else the earlier wave."""
    if file is not None:
        scores, wave = read_survey_scores(file)
        return scores, file.name + (f" ({wave})" if wave else "")
    if metrics is not None and metrics.earlier_scores:
        return metrics.earlier_scores, f"{metrics.survey_file} ({metrics.earlier_wave})"
    return {}, None
