"""Where clients stand within a portfolio: percentiles within a segment, and the median
a client's radar is drawn against, under the rule that keeps small groups anonymous.

Percentile of a client in a dimension: the mid-rank percentile within its segment,
``100 * (below + 0.5 * tied_others) / (n - 1)`` where ``below`` is how many others
scored lower and ``tied_others`` how many others scored the same (0 = lowest,
100 = highest, 50 = middle). It is hidden (missing) where fewer than ``min_group``
clients share the segment, and no median is drawn over fewer than ``min_group``
clients, so that no single client can be singled out.

:func:`rank_portfolio` builds the one :class:`Ranking` that the client report, the
portfolio report, the command line and the batch use; a Ranking checks its segment and
minimum group when it is made, so no caller checks them again.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, Problem, check_argument
from ..model import MaturityModel
from .compute import portfolio_table

__all__ = [
    "DEFAULT_MIN_GROUP",
    "DEFAULT_SEGMENT",
    "SEGMENTS",
    "Ranking",
    "rank_portfolio",
    "latest_results",
    "check_min_group",
    "segment_percentiles",
    "client_percentiles",
]

#: Fewest clients a segment needs before its percentiles (or a median) are shown.
DEFAULT_MIN_GROUP = 5

#: Columns of :func:`~csmaturity.portfolio.portfolio_table` a portfolio can be segmented by.
SEGMENTS = ("business_model", "industry", "arr_band")

DEFAULT_SEGMENT = SEGMENTS[0]


def check_min_group(min_group: Any) -> int:
    """``min_group`` when it is a whole number of at least 2, else ValueError (a
    percentile or median among fewer clients would give one of them away)."""
    check_argument(not isinstance(min_group, bool) and isinstance(min_group, numbers.Integral), "min_group",
                   f"min_group must be a whole number, got {min_group!r}")
    check_argument(min_group >= 2, "min_group",
                   f"min_group must be at least 2, got {min_group}: a percentile among fewer singles a client out")
    return int(min_group)


def _midrank_percentile(values: pd.Series) -> pd.Series:
    n = len(values)
    if n < 2:
        return pd.Series(np.nan, index=values.index)
    below = values.rank(method="min") - 1
    ties = values.rank(method="max") - values.rank(method="min")
    return 100 * (below + 0.5 * ties) / (n - 1)


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
    segment
        The column clients are compared within (one of :data:`SEGMENTS`).
    min_group
        Fewest clients a segment needs for its percentiles, and a group for its median.

    Raises
    ------
    ValueError
        On construction: a segment not in :data:`SEGMENTS` or a ``min_group`` below 2.
    DataError
        On construction: a table without the segment, ``overall`` or a dimension column.
    """

    table: pd.DataFrame
    dimensions: tuple[str, ...]
    segment: str = DEFAULT_SEGMENT
    min_group: int = DEFAULT_MIN_GROUP

    def __post_init__(self) -> None:
        check_min_group(self.min_group)
        check_argument(self.segment in SEGMENTS, "segment",
                       f"portfolio_segment must be one of {', '.join(SEGMENTS)}, got {self.segment!r}")
        absent = [c for c in (self.segment, "overall", *self.dimensions) if c not in self.table.columns]
        if absent:
            raise DataError([Problem("portfolio", "", f"the portfolio table lacks column(s) {', '.join(absent)}")])

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

            {"segment": {"name": "business_model", "value": "B2B"}, "segment_size": 6,
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
    segment: str = DEFAULT_SEGMENT,
    min_group: int = DEFAULT_MIN_GROUP,
) -> pd.DataFrame:
    """:attr:`Ranking.percentiles` of a portfolio table."""
    return Ranking(table=table, dimensions=tuple(dimensions), segment=segment, min_group=min_group).percentiles


def client_percentiles(percentiles: pd.DataFrame, client_id: str) -> dict[str, float | None] | None:
    """One client's percentiles (``None`` per value where hidden), or None if absent."""
    if client_id not in percentiles.index:
        return None
    row = percentiles.loc[client_id].drop(["segment", "segment_size"])
    return {k: (None if pd.isna(v) else round(float(v), 1)) for k, v in row.items()}


def _result_problems(r: Any, where: str, model: MaturityModel) -> list[Problem]:
    """What keeps one results dict from being ranked (empty when it is fine)."""
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
    segment: str = DEFAULT_SEGMENT,
    min_group: int = DEFAULT_MIN_GROUP,
    lang: str = "en",
    client: Mapping[str, Any] | None = None,
) -> Ranking:
    """The :class:`Ranking` of a portfolio.

    ``portfolio`` is a list of results dicts (as written in ``*.results.json``: they
    carry ``client.profile``; see :func:`latest_results`) or a table as
    :func:`~csmaturity.portfolio.portfolio_table` returns it. ``client`` is the fresh
    results of the client a report is written for (:meth:`Assessment.to_dict`): it is
    ranked in place of any earlier entry of its id, and added when absent.

    Raises
    ------
    ValueError
        A ``segment`` not in :data:`SEGMENTS` or a ``min_group`` below 2.
    DataError
        Results that do not fit ``model``, or a table without a column to rank by.
    """
    dimensions = tuple(d.id for d in model.dimensions)
    if not isinstance(portfolio, pd.DataFrame):
        table = portfolio_table(latest_results(portfolio, model, client), model, lang)
        return Ranking(table=table, dimensions=dimensions, segment=segment, min_group=min_group)
    table = portfolio[~portfolio.index.duplicated(keep="last")]
    if client is not None:
        # The table's own columns only: a column it lacks is reported, not filled in.
        mine = portfolio_table([client], model, lang).reindex(columns=table.columns)
        others = table.drop(index=mine.index, errors="ignore")
        table = pd.concat([others, mine]).sort_index() if len(others) else mine
    return Ranking(table=table, dimensions=dimensions, segment=segment, min_group=min_group)
