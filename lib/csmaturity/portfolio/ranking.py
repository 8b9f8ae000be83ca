"""Where clients stand within a portfolio: percentiles within a segment, and the median
a client's radar is drawn against, under the rule that keeps small groups anonymous.

Clients are grouped by a *segment*: a choice or text field of the model's client
profile, or the client's industry (:func:`segments`); the default is the model's first
such profile field.

Percentile of a client in a dimension: the mid-rank percentile within its segment,
``100 * (below + 0.5 * tied_others) / (n - 1)`` where ``below`` is how many others
scored lower, ``tied_others`` how many others scored the same and ``n`` how many have
a score there (a dimension the model left out of a client's score is not ranked; 0 =
lowest, 100 = highest, 50 = middle). It is hidden (missing) where fewer than
``min_group`` clients share the segment, and no median is drawn over fewer than
``min_group`` clients, so that no single client can be singled out.

:func:`rank_portfolio` builds the one :class:`Ranking` that the client report, the
portfolio report, the command line and the batch use; a Ranking checks its segment and
minimum group when it is made, so no caller checks them again.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, Problem, check_argument
from ..i18n import text
from ..model import MaturityModel
from .compute import portfolio_table

__all__ = [
    "DEFAULT_MIN_GROUP",
    "Segment",
    "segments",
    "check_segment",
    "Ranking",
    "rank_portfolio",
    "latest_results",
    "check_min_group",
    "segment_percentiles",
    "client_percentiles",
]

#: Fewest clients a segment needs before its percentiles (or a median) are shown.
DEFAULT_MIN_GROUP = 5


@dataclass(frozen=True)
class Segment:
    """What clients can be grouped by: a column of
    :func:`~csmaturity.portfolio.portfolio_table` with its name in the report's language."""

    id: str
    label: str
    #: Labels of the values of a choice field (its options); other values show as they are.
    value_labels: Mapping[str, str] = field(default_factory=dict)

    def value_label(self, value: Any) -> str:
        """How a value of this segment is shown (``"mid_market"`` -> ``"Mid-market"``)."""
        return "—" if pd.isna(value) else self.value_labels.get(str(value), str(value))


def segments(model: MaturityModel, lang: str = "en") -> tuple[Segment, ...]:
    """The segments of ``model``'s clients: its first choice or text profile field (the
    default), the client's industry (every client has one), then its other choice or
    text profile fields, each named in ``lang``."""
    fields = [Segment(f.id, f.label.get(lang), {o.id: o.label.get(lang) for o in f.options})
              for f in model.profile if f.is_segment]
    return (*fields[:1], Segment("industry", text("client.industry", lang)), *fields[1:])


def check_segment(model: MaturityModel, segment: str | None) -> str:
    """The id of the segment ``segment`` names among ``model``'s :func:`segments` (None:
    the first), else ValueError naming them."""
    return _check_segment(segment, [s.id for s in segments(model)])


def _check_segment(segment: str | None, ids: list[str]) -> str:
    chosen = ids[0] if segment is None else segment
    check_argument(chosen in ids, "segment",
                   f"portfolio_segment must be one of {', '.join(ids)}, got {segment!r} "
                   "(clients are grouped by a choice or text field of the model's client profile, or by industry)")
    return chosen


def check_min_group(min_group: Any) -> int:
    """``min_group`` when it is a whole number of at least 2, else ValueError (a
    percentile or median among fewer clients would give one of them away)."""
    check_argument(not isinstance(min_group, bool) and isinstance(min_group, numbers.Integral), "min_group",
                   f"min_group must be a whole number, got {min_group!r}")
    check_argument(min_group >= 2, "min_group",
                   f"min_group must be at least 2, got {min_group}: a percentile among fewer singles a client out")
    return int(min_group)


def _midrank_percentile(values: pd.Series) -> pd.Series:
    """Mid-rank percentiles among the values that are not NaN (a NaN stays NaN)."""
    known = values.dropna()
    n = len(known)
    if n < 2:
        return pd.Series(np.nan, index=values.index)
    below = known.rank(method="min") - 1
    ties = known.rank(method="max") - known.rank(method="min")
    return (100 * (below + 0.5 * ties) / (n - 1)).reindex(values.index)


@dataclass(frozen=True, eq=False, kw_only=True)
class Ranking:
    """A portfolio's clients ranked within segments.

    Attributes
    ----------
    table
        One row per client, indexed by client id, as
        :func:`~csmaturity.portfolio.portfolio_table` returns it.
    dimensions
        Ids of the dimensions ranked besides ``overall``.
    segments
        What clients may be grouped by (:func:`segments` of the model).
    segment
        The id of the segment clients are compared within (None: the first of ``segments``).
    min_group
        Fewest clients a segment needs for its percentiles, and a group for its median.

    Raises
    ------
    ValueError
        On construction: a segment not among ``segments`` or a ``min_group`` below 2.
    DataError
        On construction: a table without the segment, ``overall`` or a dimension column.
    """

    table: pd.DataFrame
    dimensions: tuple[str, ...]
    segments: tuple[Segment, ...]
    segment: str | None = None
    min_group: int = DEFAULT_MIN_GROUP

    def __post_init__(self) -> None:
        check_min_group(self.min_group)
        object.__setattr__(self, "segment", _check_segment(self.segment, [s.id for s in self.segments]))
        absent = [c for c in (self.segment, "overall", *self.dimensions) if c not in self.table.columns]
        if absent:
            raise DataError([Problem("portfolio", "", f"the portfolio table lacks column(s) {', '.join(absent)}")])

    @property
    def segment_field(self) -> Segment:
        """The :class:`Segment` clients are compared within."""
        return next(s for s in self.segments if s.id == self.segment)

    @cached_property
    def percentiles(self) -> pd.DataFrame:
        """Every client's percentile overall and per dimension within its segment
        (NaN where the segment is smaller than ``min_group``), after the columns
        ``segment`` (the client's value) and ``segment_size``."""
        table, segment = self.table, self.segment
        columns = ["overall", *self.dimensions]
        out = pd.DataFrame(np.nan, index=table.index, columns=columns)
        for _, group in table.groupby(segment):
            if len(group) >= self.min_group:
                for col in columns:
                    out.loc[group.index, col] = _midrank_percentile(group[col].astype(float))
        out.insert(0, "segment", table[segment])
        out.insert(1, "segment_size", table.groupby(segment)[segment].transform("size"))
        return out

    def _segment_value(self, client_id: str) -> Any:
        check_argument(client_id in self.table.index, "client_id", f"client {client_id!r} is not in the portfolio")
        return self.table.at[client_id, self.segment]

    def median_group(self, client_id: str) -> tuple[str, pd.DataFrame] | None:
        """The clients a median for ``client_id`` is taken over: its segment (scope
        ``"segment"``) when that holds at least ``min_group`` clients, else the whole
        portfolio (``"portfolio"``) when that does, else None."""
        same = self.table[self.table[self.segment] == self._segment_value(client_id)]
        if len(same) >= self.min_group:
            return "segment", same
        if len(self.table) >= self.min_group:
            return "portfolio", self.table
        return None

    def median(self, client_id: str) -> pd.Series | None:
        """Median score per dimension over :meth:`median_group` (None when there is none)."""
        group = self.median_group(client_id)
        return None if group is None else group[1][list(self.dimensions)].astype(float).median()

    def position(self, client_id: str) -> dict[str, Any]:
        """Where ``client_id`` stands::

            {"segment": {"name": "business_model", "value": "B2B"},
             "segment_labels": {"name": "Business model", "value": "B2B"}, "segment_size": 6,
             "portfolio_size": 9, "min_group": 5, "hidden": False,
             "percentiles": {"overall": 50.0, "<dimension id>": 70.0, ...},
             "median": {"scope": "segment", "clients": 6}}

        Every percentile is None and ``hidden`` true where fewer than ``min_group``
        clients share the segment; ``median`` says which clients :meth:`median` covers
        (None when no median is drawn).
        """
        value = self._segment_value(client_id)
        size = int((self.table[self.segment] == value).sum())
        percentiles = client_percentiles(self.percentiles, client_id) or dict.fromkeys(["overall", *self.dimensions])
        hidden = size < self.min_group or all(v is None for v in percentiles.values())
        group = self.median_group(client_id)
        return {
            "segment": {"name": self.segment, "value": None if pd.isna(value) else str(value)},
            "segment_labels": {"name": self.segment_field.label, "value": self.segment_field.value_label(value)},
            "segment_size": size,
            "portfolio_size": int(len(self.table)),
            "min_group": int(self.min_group),
            "hidden": bool(hidden),
            "percentiles": dict.fromkeys(percentiles) if hidden else percentiles,
            "median": None if group is None else {"scope": group[0], "clients": int(len(group[1]))},
        }


def segment_percentiles(
    table: pd.DataFrame,
    dimensions: Iterable[str],
    segment: str | None = None,
    min_group: int = DEFAULT_MIN_GROUP,
    *,
    segments: tuple[Segment, ...],
) -> pd.DataFrame:
    """:attr:`Ranking.percentiles` of a portfolio table."""
    return Ranking(table=table, dimensions=tuple(dimensions), segments=segments, segment=segment,
                   min_group=min_group).percentiles


def client_percentiles(percentiles: pd.DataFrame, client_id: str) -> dict[str, float | None] | None:
    """One client's percentiles (``None`` per value where hidden), or None if absent."""
    if client_id not in percentiles.index:
        return None
    row = percentiles.loc[client_id].drop(["segment", "segment_size"])
    return {k: (None if pd.isna(v) else round(float(v), 1)) for k, v in row.items()}


def _result_problems(r: Any, where: str, model: MaturityModel) -> list[Problem]:
    """What keeps one results dict from being ranked (empty when it is fine)."""
    try:
        client = r["client"]
        missing = [k for k in ("id", "name", "industry", "assessment_date", "profile") if k not in client]
        missing += [k for k in ("overall", "level", "coverage", "provisional", "dimensions", "top_gaps") if k not in r]
    except (KeyError, TypeError):
        return [Problem("portfolio", where, "not a results dictionary (no client.profile)")]
    if missing:
        return [Problem("portfolio", where, f"results lack {', '.join(missing)}")]
    problems = []
    absent = [d.id for d in model.dimensions if d.id not in r["dimensions"]]
    if absent:
        problems.append(Problem("portfolio", where,
                                f"no score for dimension(s) {', '.join(absent)} of model {model.id}"))
    if not isinstance(r["level"], Mapping) or r["level"].get("id") not in {lv.id for lv in model.levels}:
        problems.append(Problem("portfolio", where, f"level is not one of model {model.id}'s levels"))
    return problems


def _where(r: Any, i: int) -> str:
    try:
        return f"client {r['client']['id']}"
    except (KeyError, TypeError):
        return f"entry {i + 1}"


def latest_results(results: Iterable[Mapping[str, Any]], model: MaturityModel,
                   client: Mapping[str, Any] | None = None) -> list[Mapping[str, Any]]:
    """Results dicts fit to rank, one per client: a client listed more than once counts
    with its latest assessment, and ``client`` (fresh results) replaces any entry of its id.

    Raises
    ------
    DataError
        Naming every entry that is not a results dict of ``model``.
    """
    results = list(results)
    problems = [p for i, r in enumerate(results) for p in _result_problems(r, _where(r, i), model)]
    if problems:
        raise DataError(problems)
    latest: dict[str, Mapping[str, Any]] = {}
    for r in results:
        cid = r["client"]["id"]
        if cid not in latest or str(r["client"]["assessment_date"]) >= str(latest[cid]["client"]["assessment_date"]):
            latest[cid] = r
    if client is not None:
        latest.pop(client["client"]["id"], None)
        latest[client["client"]["id"]] = client
    return list(latest.values())


def rank_portfolio(
    portfolio: Iterable[Mapping[str, Any]] | pd.DataFrame,
    model: MaturityModel,
    *,
    segment: str | None = None,
    min_group: int = DEFAULT_MIN_GROUP,
    lang: str = "en",
    client: Mapping[str, Any] | None = None,
) -> Ranking:
    """The :class:`Ranking` of a portfolio.

    ``portfolio`` is a list of results dicts (as written in ``*.results.json``: they
    carry ``client.profile``; see :func:`latest_results`) or a table as
    :func:`~csmaturity.portfolio.portfolio_table` returns it. ``client`` is the fresh
    results of the client a report is written for (:meth:`Assessment.to_dict`): it is
    ranked in place of any earlier entry of its id, and added when absent. ``segment``
    is one of :func:`segments` of ``model`` (None: the first, the model's default).

    Raises
    ------
    ValueError
        A ``segment`` not among the model's :func:`segments` or a ``min_group`` below 2.
    DataError
        Results that do not fit ``model``, or a table without a column to rank by.
    """
    dimensions = tuple(d.id for d in model.dimensions)
    grouped_by = segments(model, lang)
    if not isinstance(portfolio, pd.DataFrame):
        table = portfolio_table(latest_results(portfolio, model, client), model, lang)
        return Ranking(table=table, dimensions=dimensions, segments=grouped_by, segment=segment, min_group=min_group)
    table = portfolio[~portfolio.index.duplicated(keep="last")]
    if client is not None:
        # The table's own columns only: a column it lacks is reported, not filled in.
        mine = portfolio_table([client], model, lang).reindex(columns=table.columns)
        others = table.drop(index=mine.index, errors="ignore")
        table = pd.concat([others, mine]).sort_index() if len(others) else mine
    return Ranking(table=table, dimensions=dimensions, segments=grouped_by, segment=segment, min_group=min_group)
