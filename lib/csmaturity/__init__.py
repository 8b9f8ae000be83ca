"""csmaturity: diagnose how mature a Customer Success practice is.

The maturity model (questions, weights, levels, recommendations, benchmark figures)
is versioned YAML; the engine scores a client's answers against it, compares them
with the 2021 survey cohorts and plans a phased roadmap. One engine serves the
notebooks, the CLI and the batch runner.
"""

__version__ = "0.1.0"
