"""Several respondents per client: one assessment from several answers files, the team's
consensus, where the respondents disagree, and how sure the level is.

**Input.** Each respondent answers in an answers file of their own, with a ``respondent``
block (:class:`csmaturity.answers.RespondentInfo`). The files of one client -- a folder
(``clients/acme/*.yaml``) or files given together -- are one assessment
(:class:`ClientResponses`) when their client blocks agree: the same id, name, industry,
language, currency and profile, and assessment dates at most :data:`DATE_WINDOW_DAYS`
apart (the assessment takes the latest); a target or a data file given by several files
must be the same in each. Respondent ids are unique within the client. Disagreements
are :class:`~csmaturity.errors.AnswersError` problems that name both files. A single
file stays one respondent (:func:`csmaturity.answers.load_answers`).

**Combining** (the model's ``scoring.combine``). Per question only the respondents who
know count: a respondent's "don't know" or blank leaves the question to the others, and
the model's ``dont_know`` rule applies only when nobody knows.

- ``mean`` (default): the mean of the respondents' fractions. A multi-choice question
  combines per option: each option's share of the respondents, then its points capped
  as for one respondent (this is the mean of the fractions unless the cap binds);
- ``role_weights``: the same, each respondent weighted by role (``scoring.role_weights``,
  a role not listed weighs 1 and is warned about);
- ``median``: the median of the respondents' fractions;
- ``min``: the lowest fraction ("weakest link").

Median and minimum take whole fractions, since per option they could leave the
respondents' range: three respondents ticking two of three options each score 2/3, yet
per option the median ticks all three and the minimum none.

**The team's answer** -- what recommendation triggers (``lacks``, ``chosen``), answers'
next steps and benchmark links read, as if one respondent had given it. For a single
choice, yes/no or scale question: the option (scale point) whose fraction is nearest
the consensus fraction; a tie goes to the one more respondents chose, then to the lower.
For a multi choice: the options whose combined value -- the rule applied to who ticked
them -- is at least 1/2, i.e. at least half of the respondents who know, by weight
(mean, role weights, median), or all of them (minimum). Scores and the ``below``
triggers read the consensus fractions themselves.

**Disagreement.** Per question: the range and standard deviation (population, ddof 0)
of the known fractions, and what each respondent answered. Per dimension and overall:
Krippendorff's alpha (computed by the ``krippendorff`` package) with the respondents as
coders and the questions as units, on the fractions -- ordinal when every question of
the set is a single choice, yes/no or scale (ordered categories), interval when it has
a multi choice (a sum of points). Alpha is undefined (NaN) without two answers to one
question or without any variation. Perception gaps: the questions furthest apart
(widest range, then SD), and each dimension's mean score per role; a role held by fewer
than ``min_role_size`` (2) respondents is hidden unless each holder has ``anonymous:
false``.

**How sure.** The respondents' own overall scores (each scored alone by the model's
rules) give a range. Resampling the respondents with replacement (``resamples``
B = 1000, seeded) gives a percentile interval (95 %) of the consensus score and the
share of resamples that land on the consensus level. Leaving each respondent out in
turn shows who, alone, moves the level.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import krippendorff
import numpy as np
import pandas as pd

from .answers import ClientAnswers, ClientInfo, RespondentInfo, Target, load_answers
from .errors import AnswersError, Problem, check_argument
from .model import DONT_KNOW, AnswerValue, MaturityModel, Question
from .scoring import FractionScorer, QuestionStatus, Scorecard, score, score_fractions

__all__ = [
    "DATE_WINDOW_DAYS",
    "RESAMPLES",
    "CONFIDENCE",
    "MIN_ROLE_SIZE",
    "ClientResponses",
    "Consensus",
    "Robustness",
    "Respondents",
    "client_files",
    "gather_responses",
    "load_responses",
    "load_client",
    "load_clients",
    "combine",
    "analyse",
    "krippendorff_alpha",
]

#: Most days between the earliest and the latest answers of one assessment.
DATE_WINDOW_DAYS = 31
#: Resamples of the respondents for the interval of the consensus score.
RESAMPLES = 1000
#: Coverage of that interval.
CONFIDENCE = 0.95
#: Fewest respondents of a role shown in the breakdown by role (unless all allow it).
MIN_ROLE_SIZE = 2

#: The client block's fields that every file of one client repeats exactly.
_SAME_CLIENT_FIELDS = ("id", "name", "industry", "language", "currency", "profile")


# --------------------------------------------------------------------------- input


@dataclass(frozen=True, kw_only=True)
class ClientResponses:
    """The answers files of one client's respondents, checked to agree
    (:func:`gather_responses`). ``client`` is their client block, dated by the latest
    file; ``respondents`` holds each file's answers in the order given."""

    client: ClientInfo
    respondents: tuple[ClientAnswers, ...]
    #: The folder, or the files joined by ", ".
    source: str
    target: Target | None = None
    data_files: dict[str, Path] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()

    @property
    def ids(self) -> list[str]:
        return [self.info(a).id for a in self.respondents]

    @property
    def files(self) -> list[str]:
        return [a.source for a in self.respondents]

    @property
    def raw(self) -> dict[str, Any]:
        """Every respondent's answers as written, by respondent id: what
        :func:`csmaturity.assessment.input_hash` hashes."""
        return {"respondents": {self.info(a).id: a.raw for a in self.respondents}}

    @staticmethod
    def info(answers: ClientAnswers) -> RespondentInfo:
        assert answers.respondent is not None  # guaranteed by gather_responses
        return answers.respondent

    def respondent(self, respondent_id: str) -> ClientAnswers:
        """The answers of one respondent."""
        found = next((a for a in self.respondents if self.info(a).id == respondent_id), None)
        check_argument(found is not None, "respondent_id",
                       f"no respondent {respondent_id!r}; expected one of {self.ids}")
        assert found is not None
        return found


#: The endings of an answers file (YAML written either way).
ANSWERS_SUFFIXES = (".yaml", ".yml")
#: What a folder without any answers file is told.
NO_ANSWERS_FILES = f"no answers files ({', '.join('*' + s for s in ANSWERS_SUFFIXES)}) in this folder"


def client_files(folder: str | Path) -> list[Path]:
    """The answers files of a client folder: its ``*.yaml`` and ``*.yml`` files, by name."""
    return sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in ANSWERS_SUFFIXES and p.is_file())


def gather_responses(answers: Sequence[ClientAnswers], source: str | None = None) -> ClientResponses:
    """Several respondents' validated answers as one client's assessment.

    Raises
    ------
    AnswersError
        Every disagreement between the files (naming both), a missing respondent block,
        a respondent id used twice.
    """
    source = source or ", ".join(a.source for a in answers)
    if not answers:
        raise AnswersError([Problem(source, "", "no answers files")])
    problems: list[Problem] = []
    first = answers[0]
    for a in answers:
        if a.respondent is None:
            problems.append(Problem(a.source, "respondent", "one of several respondents' files needs a respondent "
                                    "block: respondent: {id: ..., role: ...}"))
    for a in answers[1:]:
        for key in _SAME_CLIENT_FIELDS:
            mine, theirs = getattr(a.client, key), getattr(first.client, key)
            if mine != theirs:
                problems.append(Problem(a.source, f"client.{key}", f"{mine!r} here but {theirs!r} in {first.source}; "
                                        "the files of one client must agree"))
    earliest = min(answers, key=lambda a: a.client.assessment_date)
    latest = max(answers, key=lambda a: a.client.assessment_date)
    days = (latest.client.assessment_date - earliest.client.assessment_date).days
    if days > DATE_WINDOW_DAYS:
        problems.append(Problem(latest.source, "client.assessment_date",
                                f"{latest.client.assessment_date} is {days} days after "
                                f"{earliest.client.assessment_date} in {earliest.source}; one assessment's answers "
                                f"are at most {DATE_WINDOW_DAYS} days apart"))
    seen: dict[str, str] = {}
    for a in answers:
        if a.respondent is None:
            continue
        if a.respondent.id in seen:
            problems.append(Problem(a.source, "respondent.id", f"'{a.respondent.id}' is also the respondent of "
                                    f"{seen[a.respondent.id]}; respondent ids are unique within a client"))
        seen.setdefault(a.respondent.id, a.source)
    target = _shared("target", [(a, a.target) for a in answers], problems)
    data_files: dict[str, Path] = {}
    for key in sorted({k for a in answers for k in a.data_files}):
        path = _shared(f"data.{key}", [(a, a.data_files.get(key)) for a in answers], problems, compare=_resolved)
        if path is not None:
            data_files[key] = path
    if any(p.severity == "error" for p in problems):
        raise AnswersError(problems)
    client = first.client.model_copy(update={"assessment_date": latest.client.assessment_date})
    warnings = tuple(p for a in answers for p in a.warnings) + tuple(problems)
    return ClientResponses(client=client, respondents=tuple(answers), source=source, target=target,
                           data_files=data_files, warnings=warnings)


def _resolved(path: Path) -> Path:
    return path.resolve()


def _shared(key: str, given: list[tuple[ClientAnswers, Any]], problems: list[Problem],
            compare: Callable[[Any], Any] = lambda value: value) -> Any:
    """The one value of ``key`` the files give (None when none does); a different one
    in a later file is a problem naming both files."""
    first: tuple[ClientAnswers, Any] | None = None
    for answers, value in given:
        if value is None:
            continue
        if first is None:
            first = (answers, value)
        elif compare(value) != compare(first[1]):
            problems.append(Problem(answers.source, key, f"differs from {first[0].source}; "
                                    "the files of one client must agree"))
    return first[1] if first is not None else None


def load_responses(sources: str | Path | Iterable[str | Path], model: MaturityModel) -> ClientResponses:
    """One client's respondents: a folder of their answers files (:func:`client_files`)
    or the files themselves; every file validated against ``model``.

    Raises
    ------
    AnswersError
        With the problems of every file and the disagreements between them.
    """
    if isinstance(sources, (str, Path)) and Path(sources).is_dir():
        paths, source = client_files(sources), str(sources)
        if not paths:
            raise AnswersError([Problem(source, "", NO_ANSWERS_FILES)])
    else:
        paths = [Path(sources)] if isinstance(sources, (str, Path)) else [Path(p) for p in sources]
        source = ", ".join(str(p) for p in paths)
    loaded, problems = [], []
    for path in paths:
        try:
            loaded.append(load_answers(path, model))
        except AnswersError as exc:
            problems.extend(exc.problems)
    if loaded:
        try:
            gathered = gather_responses(loaded, source)
        except AnswersError as exc:
            problems.extend(exc.problems)
    if any(p.severity == "error" for p in problems) or not loaded:
        raise AnswersError(problems or [Problem(source, "", "no answers files")])
    return gathered


def load_client(source: str | Path | Iterable[str | Path], model: MaturityModel) -> ClientAnswers | ClientResponses:
    """One client, however it comes: a file is one respondent (exactly
    :func:`~csmaturity.answers.load_answers`); a folder, or several files, are several
    (:func:`load_responses`)."""
    if not isinstance(source, (str, Path)):
        paths = [Path(p) for p in source]
        if len(paths) != 1:
            return load_responses(paths, model)
        source = paths[0]
    return load_responses(source, model) if Path(source).is_dir() else load_answers(source, model)


def load_clients(sources: Iterable[str | Path], model: MaturityModel) -> list[ClientAnswers | ClientResponses]:
    """Every client of a list of files and client folders: a folder is one client; files
    with the same client id are one client's respondents, files alone one respondent
    each. In the order first given.

    Raises
    ------
    AnswersError
        With the problems of every file and every client.
    """
    problems: list[Problem] = []
    clients: list[ClientAnswers | ClientResponses | list[ClientAnswers]] = []
    by_id: dict[str, list[ClientAnswers]] = {}
    for item in sources:
        try:
            if Path(item).is_dir():
                clients.append(load_responses(item, model))
                continue
            answers = load_answers(item, model)
        except AnswersError as exc:
            problems.extend(exc.problems)
            continue
        if answers.client.id not in by_id:
            by_id[answers.client.id] = []
            clients.append(by_id[answers.client.id])
        by_id[answers.client.id].append(answers)
    out: list[ClientAnswers | ClientResponses] = []
    for client in clients:
        if not isinstance(client, list):
            out.append(client)
        elif len(client) == 1:
            out.append(client[0])
        else:
            try:
                out.append(gather_responses(client))
            except AnswersError as exc:
                problems.extend(exc.problems)
    if any(p.severity == "error" for p in problems):
        raise AnswersError(problems)
    return out


# ------------------------------------------------------------------ the arrays


@dataclass(frozen=True)
class _Layout:
    """Where the options of the model's multi-choice questions sit in the arrays."""

    multi: np.ndarray  # (Q,) bool
    option_ids: list[tuple[str, str]]  # (question id, option id) of each of the K
    points: np.ndarray  # (K, Q) an option's points in its question's column
    cap: np.ndarray  # (Q,) full points of a multi question (1 elsewhere)

    @classmethod
    def of(cls, model: MaturityModel) -> _Layout:
        questions = model.questions
        pairs = [(k, q, o) for k, q in enumerate(questions) if q.is_multi for o in q.options]
        points = np.zeros((len(pairs), len(questions)))
        for row, (k, _, o) in enumerate(pairs):
            points[row, k] = o.points
        return cls(
            multi=np.array([q.is_multi for q in questions]),
            option_ids=[(q.id, o.id) for _, q, o in pairs],
            points=points,
            cap=np.array([q.full_points if q.is_multi else 1.0 for q in questions]),
        )


@dataclass(frozen=True)
class _Panel:
    """The respondents' answers as arrays: questions (model order) x respondents."""

    known: np.ndarray  # (Q, R) fractions, NaN = don't know or blank
    ticks: np.ndarray  # (K, R) 1/0 per multi option, NaN where the question is not known
    status: np.ndarray  # (Q, R) "answered" | "dont_know" | "unanswered"
    weights: np.ndarray  # (R,)

    @classmethod
    def of(cls, model: MaturityModel, layout: _Layout, responses: ClientResponses) -> _Panel:
        n_q, n_r = len(model.questions), len(responses.respondents)
        known = np.full((n_q, n_r), np.nan)
        status = np.full((n_q, n_r), "unanswered", dtype=object)
        ticks = np.full((len(layout.option_ids), n_r), np.nan)
        option_row = {pair: k for k, pair in enumerate(layout.option_ids)}
        for r, answers in enumerate(responses.respondents):
            for k, q in enumerate(model.questions):
                value = answers.answers.get(q.id)
                if value is None:
                    continue
                if value == DONT_KNOW:
                    status[k, r] = "dont_know"
                    continue
                status[k, r] = "answered"
                known[k, r] = q.fraction(value)
                if q.is_multi:
                    picked = set(q.selected(value))
                    for o in q.options:
                        ticks[option_row[(q.id, o.id)], r] = float(o.id in picked)
        weights = np.array([model.scoring.role_weight(responses.info(a).role) for a in responses.respondents])
        return cls(known=known, ticks=ticks, status=status, weights=weights)


def _combine_arrays(rule: str, layout: _Layout, known: np.ndarray, ticks: np.ndarray,
                    weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Consensus fractions ``(..., Q)`` and combined option values ``(..., K)`` of
    respondents on the last axis (``known`` ``(..., Q, R)``, ``ticks`` ``(..., K, R)``,
    ``weights`` ``(..., R)``); NaN where nobody knows."""
    if rule in ("mean", "role_weights"):
        fractions = _weighted_mean(known, weights)
        options = _weighted_mean(ticks, weights)
        points = np.einsum("...k,kq->...q", np.nan_to_num(options), layout.points)  # no BLAS threads: see scoring
        per_option = np.minimum(points, layout.cap) / layout.cap
        fractions = np.where(layout.multi & ~np.isnan(fractions), per_option, fractions)
        return fractions, options
    reduce = _nan_median if rule == "median" else _nan_min
    return reduce(known), reduce(ticks)


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    w = np.where(np.isnan(values), 0.0, weights[..., None, :])
    total = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (w * np.nan_to_num(values)).sum(axis=-1) / np.where(total > 0, total, 1.0), np.nan)


def _nan_median(values: np.ndarray) -> np.ndarray:
    empty = np.isnan(values).all(axis=-1)
    return np.where(empty, np.nan, np.nanmedian(np.where(empty[..., None], 0.0, values), axis=-1))


def _nan_min(values: np.ndarray) -> np.ndarray:
    low = np.where(np.isnan(values), np.inf, values).min(axis=-1)
    return np.where(np.isinf(low), np.nan, low)


# ------------------------------------------------------------------- consensus


@dataclass(frozen=True, kw_only=True)
class Consensus:
    """The team's combined answers and their scorecard.

    ``answers`` is the team's answer as one respondent's (see the module docstring):
    what recommendations, next steps and the benchmark read; its ``raw`` holds every
    respondent's file (the input hash covers them all). ``options`` has one row per
    (question, option) of the multi-choice questions: the combined value, whether the
    team's answer selects it, and who ticked it."""

    rule: str
    answers: ClientAnswers
    scorecard: Scorecard
    options: pd.DataFrame


def combine(model: MaturityModel, responses: ClientResponses) -> Consensus:
    """Combine the respondents' answers by the model's ``scoring.combine`` rule."""
    layout = _Layout.of(model)
    panel = _Panel.of(model, layout, responses)
    return _consensus(model, responses, layout, panel)


def _consensus(model: MaturityModel, responses: ClientResponses, layout: _Layout, panel: _Panel) -> Consensus:
    rule = model.scoring.combine
    fractions, option_values = _combine_arrays(rule, layout, panel.known, panel.ticks, panel.weights)
    labels = _labels(responses)
    ids = responses.ids
    team: dict[str, AnswerValue] = {}
    status: dict[str, QuestionStatus] = {}
    known: dict[str, float | None] = {}
    evidence: dict[str, str] = {}
    selected_options = {pair for pair, v in zip(layout.option_ids, option_values, strict=True) if v >= 0.5 - 1e-9}
    for k, q in enumerate(model.questions):
        if not np.isnan(fractions[k]):
            status[q.id], known[q.id] = "answered", float(fractions[k])
            team[q.id] = (
                [o.id for o in q.options if (q.id, o.id) in selected_options] if q.is_multi
                else _nearest(q, float(fractions[k]), responses, panel.weights)
            )
        elif (panel.status[k] == "dont_know").any():
            status[q.id], team[q.id] = "dont_know", DONT_KNOW
        else:
            status[q.id] = "unanswered"
        notes = [f"{labels[i]}: {a.evidence[q.id]}" for i, a in enumerate(responses.respondents) if q.id in a.evidence]
        if notes:
            evidence[q.id] = " / ".join(notes)
    warnings = list(responses.warnings)
    if rule == "role_weights":
        listed = {r.strip().casefold() for r in model.scoring.role_weights}
        warnings += [Problem(a.source, "respondent.role", f"role {responses.info(a).role!r} has no weight in the "
                             "model's scoring.role_weights; it weighs 1", severity="warning")
                     for a in responses.respondents if responses.info(a).role.strip().casefold() not in listed]
    answers = ClientAnswers(
        client=responses.client, answers=team, evidence=evidence, source=responses.source,
        warnings=tuple(warnings), data_files=dict(responses.data_files), target=responses.target,
        raw=responses.raw,
    )
    card = score_fractions(model, known, status, answers=team, evidence=evidence)
    options = pd.DataFrame(
        [{"question_id": qid, "option": oid, "value": float(v), "selected": (qid, oid) in selected_options,
          "chosen_by": [ids[r] for r in range(len(ids)) if panel.ticks[k, r] == 1.0]}
         for k, ((qid, oid), v) in enumerate(zip(layout.option_ids, option_values, strict=True))],
        columns=["question_id", "option", "value", "selected", "chosen_by"],
    ).set_index(["question_id", "option"])
    return Consensus(rule=rule, answers=answers, scorecard=card, options=options)


def _nearest(question: Question, fraction: float, responses: ClientResponses, weights: np.ndarray) -> AnswerValue:
    """The option (scale point) whose fraction is nearest ``fraction``: ties to the one
    chosen by more weight, then to the lower fraction, then to the earlier."""
    votes: dict[Any, float] = {}
    for weight, answers in zip(weights, responses.respondents, strict=True):
        value = answers.answers.get(question.id)
        if value is not None and value != DONT_KNOW:
            votes[value] = votes.get(value, 0.0) + float(weight)
    values = question.option_values

    def key(pair: tuple[int, str | int]) -> tuple[float, float, float, int]:
        position, value = pair
        own = question.fraction(value)
        return round(abs(own - fraction), 9), -votes.get(value, 0.0), own, position

    return min(enumerate(values), key=key)[1]


def _labels(responses: ClientResponses) -> list[str]:
    """How each respondent is shown: the name when allowed, else the role; labels that
    read alike (case aside) are numbered ("CS (1)", "CS (2)")."""
    base = [info.name if info.name and not info.anonymous else info.role
            for info in (responses.info(a) for a in responses.respondents)]
    keys = [b.strip().casefold() for b in base]
    seen: dict[str, int] = {}
    out = []
    for b, key in zip(base, keys, strict=True):
        if keys.count(key) > 1:
            seen[key] = seen.get(key, 0) + 1
            out.append(f"{b} ({seen[key]})")
        else:
            out.append(b)
    return out


# ------------------------------------------------------------------ agreement


def krippendorff_alpha(data: np.ndarray, metric: Literal["nominal", "ordinal", "interval"]) -> float:
    """Krippendorff's alpha of ``data`` (coders x units, NaN = no value) at the given
    level of measurement, by the ``krippendorff`` package. NaN when it is undefined: no
    unit with two values, or no variation among the values that pair."""
    data = np.round(np.asarray(data, dtype=float), 12)  # equal fractions compare equal
    has = ~np.isnan(data)
    pairable = has.sum(axis=0) >= 2
    values = data[:, pairable][has[:, pairable]]
    if values.size == 0 or np.unique(values).size < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=metric))


def _metric(questions: Sequence[Question]) -> Literal["ordinal", "interval"]:
    return "interval" if any(q.is_multi for q in questions) else "ordinal"


# ----------------------------------------------------------------- robustness


@dataclass(frozen=True, kw_only=True)
class Robustness:
    """How sure the consensus score and level are (see the module docstring)."""

    overall: float
    level: str
    #: Lowest and highest overall score of a respondent scored alone.
    respondent_range: tuple[float, float]
    #: Percentile interval of the consensus score over resampled respondents.
    interval: tuple[float, float]
    confidence: float
    resamples: int
    seed: int
    #: Share of the resamples whose consensus holds the same level.
    level_share: float
    #: Per respondent: the consensus ``overall`` and ``level`` without them, and whether
    #: the level ``moves``. Empty with a single respondent.
    leave_one_out: pd.DataFrame

    @property
    def movers(self) -> list[str]:
        """The respondents whose absence alone changes the level."""
        if self.leave_one_out.empty:
            return []
        return self.leave_one_out.index[self.leave_one_out["moves"]].tolist()

    @property
    def stable(self) -> bool:
        """No single respondent moves the level."""
        return not self.movers


def _levels(model: MaturityModel, scorer: FractionScorer, overall: np.ndarray, dims: np.ndarray) -> list[str]:
    """The level (gates applied) of each overall score and its row of dimension scores:
    :func:`~csmaturity.scoring.level_for_scores` on arrays (a resampling's thousand
    rows at once). The band is the first level whose [min, max) holds the score (else
    the top one); from there down, the first level whose gates the dimension scores
    all meet (a NaN score meets none), the lowest level needing none."""
    levels = model.levels
    overall = np.asarray(overall, dtype=float)[:, None]
    inside = (np.array([lv.min for lv in levels]) <= overall) & (overall < np.array([lv.max for lv in levels]))
    band = np.where(inside.any(axis=1), inside.argmax(axis=1), len(levels) - 1)
    meets = np.ones((len(overall), len(levels)), dtype=bool)
    for k, level in enumerate(levels[1:], start=1):
        for dim, required in level.gates.items():
            meets[:, k] &= dims[:, scorer.dims.index(dim)] >= required  # NaN compares False
    allowed = meets & (np.arange(len(levels)) <= band[:, None])
    final = len(levels) - 1 - allowed[:, ::-1].argmax(axis=1)
    return [levels[k].id for k in final]


def _robustness(model: MaturityModel, layout: _Layout, panel: _Panel, card: Scorecard, ids: list[str],
                own_overall: np.ndarray, scorer: FractionScorer, resamples: int, seed: int,
                confidence: float) -> Robustness:
    """The score's range over respondents, the bootstrap interval and level share, and
    leave-one-out, each resample or left-out set combined by the model's rule at once."""
    n = len(ids)
    rule = model.scoring.combine
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, n, size=(resamples, n))

    def overall_and_levels(known: np.ndarray, ticks: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, list[str]]:
        fractions, _ = _combine_arrays(rule, layout, known, ticks, weights)
        dims, overall = scorer.scores(scorer.counted(fractions))
        return overall, _levels(model, scorer, overall, dims)

    boot, boot_levels = overall_and_levels(np.moveaxis(panel.known[:, pick], 1, 0),
                                           np.moveaxis(panel.ticks[:, pick], 1, 0), panel.weights[pick])
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(boot, [tail, 100 - tail])
    rows = []
    if n >= 2:
        out = np.eye(n, dtype=bool)[:, None, :]  # leave respondent j out in batch j
        loo, loo_levels = overall_and_levels(np.where(out, np.nan, panel.known[None]),
                                             np.where(out, np.nan, panel.ticks[None]),
                                             np.broadcast_to(panel.weights, (n, n)))
        rows = [{"respondent": rid, "overall": float(o), "level": lv, "moves": lv != card.level.id}
                for rid, o, lv in zip(ids, loo, loo_levels, strict=True)]
    leave_one_out = pd.DataFrame(rows, columns=["respondent", "overall", "level", "moves"]).set_index("respondent")
    return Robustness(
        overall=card.overall, level=card.level.id,
        respondent_range=(float(own_overall.min()), float(own_overall.max())),
        interval=(float(low), float(high)), confidence=confidence, resamples=resamples, seed=seed,
        level_share=float(np.mean([lv == card.level.id for lv in boot_levels])),
        leave_one_out=leave_one_out,
    )


# ------------------------------------------------------------------ analysis


@dataclass(frozen=True, kw_only=True)
class Respondents:
    """Everything several respondents add to an assessment (``Assessment.respondents``).

    Tables are indexed by id (respondent, question, dimension); scores are on the
    model's scale, question spreads on fractions (0-1).
    """

    responses: ClientResponses
    consensus: Consensus
    #: Per respondent: ``role``, ``label`` (how to show them), ``name`` and
    #: ``department`` (None for an anonymous respondent), ``anonymous``, ``weight``,
    #: ``coverage``, their own ``overall`` and ``level`` scored alone, and ``file``.
    people: pd.DataFrame
    #: Known fractions, questions x respondents (NaN = don't know or blank).
    fractions: pd.DataFrame
    #: Own dimension scores, dimensions x respondents.
    dimension_scores: pd.DataFrame
    #: One row per question and respondent: ``status``, ``value``, ``fraction``, ``evidence``.
    answers: pd.DataFrame
    #: Per question: ``dimension``, ``type``, ``known`` (respondents who know),
    #: ``consensus``, ``min``, ``max``, ``range``, ``sd``, ``answers`` ({respondent: value}).
    questions: pd.DataFrame
    #: Per dimension: ``consensus`` score, respondents' ``min``, ``max``, ``range``,
    #: ``sd``, and Krippendorff's ``alpha`` with its ``metric`` and ``units``.
    dimensions: pd.DataFrame
    #: Krippendorff's alpha over all questions, and its level of measurement.
    agreement: float
    agreement_metric: str
    #: Mean own dimension score per shown role, dimensions x roles.
    role_scores: pd.DataFrame
    #: Per dimension: ``gap`` (highest minus lowest shown role), ``highest``, ``lowest``.
    role_gaps: pd.DataFrame
    #: Roles left out of the breakdown (too few holders who allow it).
    hidden_roles: tuple[str, ...]
    robustness: Robustness
    #: The model the respondents were scored with.
    model: MaturityModel = field(repr=False, compare=False)
    _cards: dict[str, Scorecard] = field(default_factory=dict, repr=False, compare=False)

    @property
    def count(self) -> int:
        return len(self.people)

    def scorecard(self, respondent_id: str) -> Scorecard:
        """One respondent's own scorecard, scored alone (computed when first asked)."""
        if respondent_id not in self._cards:
            self._cards[respondent_id] = score(self.model, self.responses.respondent(respondent_id))
        return self._cards[respondent_id]

    def contested(self, n: int = 5) -> pd.DataFrame:
        """The ``n`` questions where the respondents are furthest apart (widest range,
        then SD; only questions they do not all answer alike)."""
        spread = self.questions[self.questions["range"] > 1e-9]
        return spread.sort_values(["range", "sd"], ascending=False, kind="stable").head(n)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able summary (the ``respondents`` entry of ``Assessment.to_dict()``)."""
        rob = self.robustness
        return {
            "count": self.count,
            "combine": self.consensus.rule,
            "people": [{"id": rid, "role": p["role"], "label": p["label"], "name": p["name"],
                        "department": p["department"], "weight": float(p["weight"]),
                        "coverage": round(float(p["coverage"]), 4), "overall": round(float(p["overall"]), 2),
                        "level": p["level"]} for rid, p in self.people.iterrows()],
            "agreement": {"overall": _plain(self.agreement, 4), "metric": self.agreement_metric,
                          "dimensions": {d: _plain(a, 4) for d, a in self.dimensions["alpha"].items()}},
            "spread": {d: {"min": _plain(r["min"]), "max": _plain(r["max"]), "range": _plain(r["range"]),
                           "sd": _plain(r["sd"])} for d, r in self.dimensions.iterrows()},
            "contested": [{"question": qid, "range": round(r["range"], 4), "sd": round(r["sd"], 4),
                           "answers": r["answers"]} for qid, r in self.contested().iterrows()],
            "role_scores": {d: {role: _plain(s) for role, s in row.items()} for d, row in self.role_scores.iterrows()},
            "role_gaps": {d: {"gap": _plain(r["gap"]), "highest": r["highest"], "lowest": r["lowest"]}
                          for d, r in self.role_gaps.iterrows()},
            "hidden_roles": list(self.hidden_roles),
            "robustness": {
                "range": [round(v, 2) for v in rob.respondent_range],
                "interval": [round(v, 2) for v in rob.interval],
                "confidence": rob.confidence, "resamples": rob.resamples, "seed": rob.seed,
                "level_share": round(rob.level_share, 4),
                "leave_one_out": {rid: {"overall": round(float(r["overall"]), 2), "level": r["level"],
                                        "moves": bool(r["moves"])} for rid, r in rob.leave_one_out.iterrows()},
                "movers": rob.movers,
            },
        }


def _plain(value: Any, digits: int = 2) -> float | None:
    return None if pd.isna(value) else round(float(value), digits)


def analyse(
    model: MaturityModel,
    responses: ClientResponses,
    *,
    resamples: int = RESAMPLES,
    seed: int = 0,
    confidence: float = CONFIDENCE,
    min_role_size: int = MIN_ROLE_SIZE,
) -> Respondents:
    """The consensus of ``responses`` and what the respondents' differences say: spread,
    agreement, perception gaps and robustness (see the module docstring)."""
    check_argument(resamples >= 1, "resamples", f"resamples must be at least 1, got {resamples}")
    check_argument(0 < confidence < 1, "confidence", f"confidence must be between 0 and 1, got {confidence}")
    check_argument(min_role_size >= 1, "min_role_size", f"min_role_size must be at least 1, got {min_role_size}")
    layout = _Layout.of(model)
    panel = _Panel.of(model, layout, responses)
    consensus = _consensus(model, responses, layout, panel)
    card = consensus.scorecard
    ids = responses.ids
    infos = [responses.info(a) for a in responses.respondents]
    labels = _labels(responses)
    qids = [q.id for q in model.questions]
    scorer = FractionScorer(model)

    own_dims, own_overall = scorer.scores(scorer.counted(panel.known.T))  # (R, D), (R,)
    own_levels = _levels(model, scorer, own_overall, own_dims)
    answered = panel.status == "answered"
    people = pd.DataFrame({
        "respondent": ids, "role": [i.role for i in infos], "label": labels,
        "name": [i.name if not i.anonymous else None for i in infos],
        "department": [i.department if not i.anonymous else None for i in infos],
        "anonymous": [i.anonymous for i in infos],
        "weight": panel.weights, "coverage": answered.mean(axis=0), "overall": own_overall, "level": own_levels,
        "file": responses.files,
    }).set_index("respondent")
    fractions = pd.DataFrame(panel.known, index=pd.Index(qids, name="question_id"), columns=ids)
    dimension_scores = pd.DataFrame(own_dims.T, index=pd.Index(scorer.dims, name="dimension"), columns=ids)

    rows = []
    for k, q in enumerate(model.questions):
        for r, a in enumerate(responses.respondents):
            rows.append({"question_id": q.id, "dimension": q.dimension, "respondent": ids[r], "role": infos[r].role,
                         "label": labels[r], "status": panel.status[k, r], "value": a.answers.get(q.id),
                         "fraction": panel.known[k, r], "evidence": a.evidence.get(q.id)})
    answers = pd.DataFrame(rows).set_index(["question_id", "respondent"])

    known_count = (~np.isnan(panel.known)).sum(axis=1)
    low, high = _nan_min(panel.known), -_nan_min(-panel.known)
    questions = pd.DataFrame({
        "question_id": qids, "dimension": [q.dimension for q in model.questions],
        "type": [q.type for q in model.questions], "known": known_count,
        "consensus": [np.nan if card.questions.at[qid, "status"] != "answered" else card.questions.at[qid, "fraction"]
                      for qid in qids],
        "min": low, "max": high, "range": high - low, "sd": _nan_sd(panel.known),
        "answers": [{ids[r]: a.answers.get(q.id) for r, a in enumerate(responses.respondents)}
                    for q in model.questions],
    }).set_index("question_id")

    alphas, metrics, units = [], [], []
    for d in model.dimensions:
        members = [k for k, q in enumerate(model.questions) if q.dimension == d.id]
        metric = _metric([model.questions[k] for k in members])
        alphas.append(krippendorff_alpha(panel.known[members].T, metric))
        metrics.append(metric)
        units.append(len(members))
    dim_low, dim_high = _nan_min(own_dims.T), -_nan_min(-own_dims.T)
    dimensions = pd.DataFrame({
        "dimension": scorer.dims, "consensus": card.dimensions["score"].to_numpy(),
        "min": dim_low, "max": dim_high, "range": dim_high - dim_low, "sd": _nan_sd(own_dims.T),
        "alpha": alphas, "metric": metrics, "units": units,
    }).set_index("dimension")
    overall_metric = _metric(model.questions)

    role_scores, role_gaps, hidden = _role_breakdown(infos, dimension_scores, min_role_size)
    robustness = _robustness(model, layout, panel, card, ids, own_overall, scorer, resamples, seed, confidence)
    return Respondents(
        responses=responses, consensus=consensus, people=people, fractions=fractions,
        dimension_scores=dimension_scores, answers=answers, questions=questions, dimensions=dimensions,
        agreement=krippendorff_alpha(panel.known.T, overall_metric), agreement_metric=overall_metric,
        role_scores=role_scores, role_gaps=role_gaps, hidden_roles=hidden, robustness=robustness, model=model,
    )


def _nan_sd(values: np.ndarray) -> np.ndarray:
    """Population SD over the last axis, NaN values left out (NaN when all are)."""
    has = ~np.isnan(values)
    n = has.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(has, values, 0.0).sum(axis=-1) / n
        return np.sqrt(np.where(has, (values - mean[..., None]) ** 2, 0.0).sum(axis=-1) / n)


def _role_breakdown(infos: list[RespondentInfo], scores: pd.DataFrame,
                    min_role_size: int) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    """Mean own dimension score per role shown, the gap between the shown roles, and
    the roles hidden (held by fewer than ``min_role_size`` unless all holders allow it)."""
    groups: dict[str, list[int]] = {}
    shown_as: dict[str, str] = {}
    for r, info in enumerate(infos):
        key = info.role.strip().casefold()
        groups.setdefault(key, []).append(r)
        shown_as.setdefault(key, info.role)
    shown, hidden = {}, []
    for key, members in groups.items():
        if len(members) >= min_role_size or all(not infos[r].anonymous for r in members):
            shown[shown_as[key]] = scores.iloc[:, members].mean(axis=1)
        else:
            hidden.append(shown_as[key])
    role_scores = pd.DataFrame(shown, index=scores.index)
    role_scores.columns.name = "role"
    rows = []
    for dim, row in role_scores.iterrows():
        known = row.dropna()
        two = len(known) >= 2
        rows.append({"dimension": dim, "gap": float(known.max() - known.min()) if two else np.nan,
                     "highest": known.idxmax() if two else None, "lowest": known.idxmin() if two else None})
    role_gaps = pd.DataFrame(rows, columns=["dimension", "gap", "highest", "lowest"]).set_index("dimension")
    return role_scores, role_gaps, tuple(hidden)
