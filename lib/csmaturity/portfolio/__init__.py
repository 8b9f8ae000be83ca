"""Many clients side by side. :mod:`.compute` reads results and makes the portfolio
table, level distribution, common gaps and the portfolio beside each benchmark's cohorts;
:mod:`.ranking` ranks clients within a segment (percentiles, the radar's median, the
minimum group) as one :class:`Ranking` (both pure pandas); clients are grouped by the
model's profile fields (:func:`segments`). The portfolio report files
are written by :mod:`.report`, its charts drawn by :mod:`csmaturity.plotting.portfolio`
(both imported on demand: they need the plotting and HTML stack)."""

from .compute import (
    cohort_comparison,
    common_gaps,
    dimension_scores,
    find_results,
    level_distribution,
    load_results,
    portfolio_table,
    read_portfolio,
)
from .ranking import (
    DEFAULT_MIN_GROUP,
    Ranking,
    Segment,
    check_min_group,
    check_segment,
    client_percentiles,
    latest_results,
    rank_portfolio,
    segment_percentiles,
    segments,
)

__all__ = ["DEFAULT_MIN_GROUP", "Ranking", "Segment", "check_min_group", "check_segment", "client_percentiles",
           "cohort_comparison", "common_gaps", "dimension_scores", "find_results", "latest_results",
           "level_distribution", "load_results", "portfolio_table", "rank_portfolio", "read_portfolio",
           "segment_percentiles", "segments"]
