"""Many clients side by side: the portfolio table, level distribution, common gaps,
the portfolio beside the survey cohorts and percentiles within a segment
(:mod:`.compute`, pure pandas); the portfolio report files are written by
:mod:`.report` (imported on demand: it needs the plotting and HTML stack)."""

from .compute import (
    DEFAULT_MIN_GROUP,
    SEGMENTS,
    client_percentiles,
    cohort_comparison,
    common_gaps,
    find_results,
    level_distribution,
    load_results,
    portfolio_table,
    read_portfolio,
    segment_percentiles,
)

__all__ = ["DEFAULT_MIN_GROUP", "SEGMENTS", "client_percentiles", "cohort_comparison", "common_gaps", "find_results",
           "level_distribution", "load_results", "portfolio_table", "read_portfolio", "segment_percentiles"]
