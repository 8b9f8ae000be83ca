"""One call from a model and a client's answers to every result a report needs.

The answers are one respondent's (:class:`~csmaturity.answers.ClientAnswers`) or
several respondents' (:class:`~csmaturity.respondents.ClientResponses`). With several,
every result -- scores, benchmark, gaps, recommendations, plan -- reads their
consensus, and :attr:`Assessment.respondents` holds what the respondents add: each
one's scores, the spread and agreement, perception gaps and robustness."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ._version import __version__
from .answers import ClientAnswers
from .benchmark import CohortSimilarity, benchmark_table, cohort_similarity
from .errors import check_argument
from .model import DEFAULT_CURRENCY, MaturityModel
from .plan import LevelPath, action_plan, level_path, roadmap
from .recommend import gap_table, recommendations
from .respondents import CONFIDENCE, MIN_ROLE_SIZE, RESAMPLES, ClientResponses, Respondents, analyse
from .scoring import Scorecard, score

__all__ = ["Assessment", "assess", "input_hash", "file_digest"]


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def input_hash(model: MaturityModel, answers: ClientAnswers | ClientResponses,
               data_files: Iterable[str | Path] = ()) -> str:
    """SHA-256 over the model, the answers as written (evidence included; every
    respondent's, for several) and the bytes of any data files, in canonical JSON: any
    change to an input changes the hash.

    "As written" is the mapping read (``answers.raw``), not the file's bytes: comments
    and layout do not count, and an intake workbook hashes like the answers YAML
    imported from it.
    """
    payload = {
        "model": model.model_dump(mode="json"),
        "answers": answers.raw,
        "data": sorted(file_digest(p) for p in data_files),
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, kw_only=True)
class Assessment:
    """Scores, benchmark, gaps, the action plan and the path to the next level of one
    client, with provenance. ``recommendations`` and ``roadmap`` are in the plan's order.
    With several respondents, ``answers`` and ``scorecard`` are their consensus and
    ``respondents`` the rest of what they say."""

    model: MaturityModel
    answers: ClientAnswers
    lang: str
    scorecard: Scorecard
    benchmark: pd.DataFrame
    #: None when no benchmark of the model names a contrast.
    similarity: CohortSimilarity | None
    gaps: pd.DataFrame
    recommendations: pd.DataFrame
    #: Every applicable action in the one order all outputs show (:func:`csmaturity.plan.action_plan`).
    plan: pd.DataFrame
    roadmap: pd.DataFrame
    #: What the next level takes (None at the top level).
    next_path: LevelPath | None
    #: What the client's target level takes, when it names one above the next level.
    target_path: LevelPath | None
    kit_version: str
    input_hash: str
    #: Several respondents' scores, spread, agreement, gaps and robustness (None for one).
    respondents: Respondents | None = None

    @property
    def client_id(self) -> str:
        return self.answers.client.id

    @property
    def currency(self) -> str:
        """ISO 4217 code of the client's money figures: the answers file's, else the
        model's, else the default of the client's language."""
        client = self.answers.client
        return client.currency or self.model.currency or DEFAULT_CURRENCY[client.language]

    def dimension_table(self) -> pd.DataFrame:
        """Dimension scores with their names in the assessment's language."""
        dims = self.scorecard.dimensions.copy()
        dims.insert(0, "name", [self.model.dimensions_by_id[d].name.get(self.lang) for d in dims.index])
        return dims

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able summary (what `csmaturity score --json` prints and batches collect)."""
        card = self.scorecard
        client = self.answers.client
        return {
            "client": {"id": client.id, "name": client.name, "industry": client.industry,
                       "assessment_date": client.assessment_date.isoformat(), "language": client.language,
                       "currency": self.currency,
                       "profile": dict(client.profile)},
            "scale": {"min": self.model.score_scale.min, "max": self.model.score_scale.max},
            "overall": round(card.overall, 2),
            "level": {"id": card.level.id, "stage": card.level.stage, "name": card.level.name.get(self.lang)},
            "score_level": card.score_level.id,
            "held_back_by": [vars(g) for g in card.held_back_by],
            "coverage": round(card.coverage, 4),
            "provisional": card.provisional,
            "dont_know": card.dont_know,
            "unanswered": card.unanswered,
            "dimensions": {d: None if pd.isna(s) else round(float(s), 2) for d, s in card.dimensions["score"].items()},
            "cohort_similarity": None if self.similarity is None else {
                "indicative": True,
                "benchmark": self.similarity.benchmark,
                "leading": self.similarity.leading,
                "lagging": self.similarity.lagging,
                "method": "naive Bayes over the contrast cohorts, tempered for correlated practices",
                "items_used": self.similarity.items_used,
                "likelihood_ratio": round(self.similarity.likelihood_ratio, 4),
                "tempering": round(self.similarity.tempering, 4),
                "majority_agreement": self.similarity.majority_agreement,
                "majority_items": self.similarity.majority_items,
                "posterior_leading": round(self.similarity.posterior_leading, 4),
                "leaning": self.similarity.leaning,
            },
            "benchmark": {item: (None if pd.isna(v) else bool(v)) for item, v in self.benchmark["client"].items()},
            "top_gaps": self.gaps.index[:5].tolist(),
            "recommendations": self.recommendations.index.tolist(),
            "roadmap": [{"step": int(s), "recommendation": r["recommendation"], "phase": r["phase"]}
                        for s, r in self.roadmap.iterrows()],
            "plan": [{"rank": int(k), "recommendation": r["recommendation"], "owner": r["owner"],
                      "quarter": r["quarter"], "unblocks": bool(r["unblocks"])} for k, r in self.plan.iterrows()],
            "next_level": _path_dict(self.next_path),
            "target": _path_dict(self.target_path) if self.target_path is not None else None,
            "provenance": {"kit_version": self.kit_version, "model": self.model.ref, "input_hash": self.input_hash},
            "respondents": self.respondents.to_dict() if self.respondents is not None else None,
        }


def _path_dict(path: LevelPath | None) -> dict[str, Any] | None:
    if path is None:
        return None
    return {
        "level": path.target.id,
        "reachable": path.reachable,
        "requirements": [{"dimension": r.dimension, "now": round(r.now, 2), "needed": r.needed,
                          "after": round(r.after, 2)} for r in path.requirements],
        "changes": path.changes.index.tolist(),
    }


def assess(
    model: MaturityModel,
    answers: ClientAnswers | ClientResponses,
    *,
    lang: str | None = None,
    data_files: Iterable[str | Path] = (),
    target: str | None = None,
    resamples: int = RESAMPLES,
    seed: int = 0,
    confidence: float = CONFIDENCE,
    min_role_size: int = MIN_ROLE_SIZE,
) -> Assessment:
    """Score a client and derive benchmark, gaps, recommendations and roadmap.

    ``answers`` is one respondent's answers or several respondents' (then the results
    read their consensus, see :mod:`csmaturity.respondents`, whose ``analyse`` takes
    ``resamples``, ``seed``, ``confidence`` and ``min_role_size``). ``lang`` picks the
    language of labels (default: the client's language), one of the model's
    languages; scores do not depend on it. ``target`` (a level id) overrides the
    answers file's ``target``. ``data_files`` (accounts/survey tables used in the
    report) enter the input hash.
    """
    lang = model.check_language(lang or answers.client.language)
    team = None
    if isinstance(answers, ClientResponses):
        team = analyse(model, answers, resamples=resamples, seed=seed, confidence=confidence,
                       min_role_size=min_role_size)
        answers, card = team.consensus.answers, team.consensus.scorecard
    else:
        card = score(model, answers)
    bench = benchmark_table(model, answers, lang)
    gaps = gap_table(model, card, bench)
    recs = recommendations(model, answers, card, gaps, lang)
    target_id = target or (answers.target.level if answers.target is not None else None)
    levels = {lv.id: lv for lv in model.levels}
    check_argument(target_id is None or target_id in levels, "target",
                   f"unknown level {target_id!r}; expected one of {list(levels)}")
    next_path = level_path(model, card, actions=recs)
    target_path = None
    if target_id is not None and (next_path is None or target_id != next_path.target.id):
        target_path = level_path(model, card, levels[target_id], actions=recs)
    plan = action_plan(model, card, recs, answers.client.assessment_date, next_path, lang)
    return Assessment(
        model=model,
        answers=answers,
        lang=lang,
        scorecard=card,
        benchmark=bench,
        similarity=cohort_similarity(model, bench),
        gaps=gaps,
        recommendations=recs.loc[plan["recommendation"]],
        plan=plan,
        roadmap=roadmap(plan, model, lang),
        next_path=next_path,
        target_path=target_path,
        kit_version=__version__,
        input_hash=input_hash(model, answers, data_files),
        respondents=team,
    )
