"""The client beside the model's benchmark cohorts, and an *indicative* cohort-similarity figure.

A model may have any number of benchmarks (published surveys), or none. For each
benchmark item linked from a question, the client either matches it (their answer
includes one of the linked options), does not, or is unknown (don't know /
unanswered). The table shows that beside the share of each of the benchmark's cohorts
with the practice; unpublished cells stay missing (NaN), never filled in.

A benchmark may name a *contrast*: its leading and its lagging cohort (in the shipped
model, people who feel CS works and those who do not). Then each item's *separation*
is ``|share_leading - share_lagging|``, and the cohort similarity (indicative only) is
a naive-Bayes likelihood ratio over the items where both shares are published and the
client's answer is known::

    LR = prod_i  P(x_i | leading) / P(x_i | lagging)
    P(x_i = match | cohort) = share_i,  P(x_i = no match | cohort) = 1 - share_i

with shares clipped to [0.02, 0.98] so that one item cannot decide alone. Naive Bayes
assumes the items independent; they are not (firms with a touch model often have phase
rules too), and multiplying k correlated items claims near-certainty from little
evidence. So the log-likelihood ratio is *tempered* to the evidence of the effective
number of independent items, ``k_eff = k / (1 + (k - 1) * rho)`` (the design effect of
k items with a common correlation ``rho``, the benchmark's ``item_correlation``,
default 0.3)::

    log LR_tempered = log LR * k_eff / k

The posterior ``P(leading-like) = 1 / (1 + 1 / (LR_tempered * n_leading / n_lagging))``
uses the cohort sizes as prior odds (even odds when the source gives no sizes). Read
it as "which cohort does this profile resemble", not as a probability. Beside it, a
count anyone can check: on how many of the practices with a published leading-cohort
share the client does what most of the leading cohort does (has it where the share is
at least 50 %, lacks it where it is below).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .answers import ClientAnswers
from .model import DONT_KNOW, MaturityModel

__all__ = ["CohortSimilarity", "benchmark_table", "cohort_columns", "cohort_similarity", "SHARE_CLIP"]

SHARE_CLIP = (0.02, 0.98)


@dataclass(frozen=True, kw_only=True)
class CohortSimilarity:
    #: The benchmark and its contrast cohorts (leading, lagging) compared.
    benchmark: str
    leading: str
    lagging: str
    items_used: int
    #: The untempered naive-Bayes likelihood ratio.
    likelihood_ratio: float
    #: ``k_eff / k`` applied to the log-likelihood ratio (1 for one item).
    tempering: float
    #: Practices where the client does what most of the leading cohort does, of those
    #: with a published leading share and a known answer.
    majority_agreement: int
    majority_items: int
    prior_leading: float
    posterior_leading: float
    contributions: pd.DataFrame

    @property
    def leaning(self) -> str:
        """'leading', 'lagging' or 'undecided' (posterior within 0.4-0.6 or no items)."""
        if self.items_used == 0 or 0.4 <= self.posterior_leading <= 0.6:
            return "undecided"
        return "leading" if self.posterior_leading > 0.6 else "lagging"


def cohort_columns(model: MaturityModel) -> list[str]:
    """The cohort ids of all the model's benchmarks, in model order: the share columns
    of :func:`benchmark_table`."""
    return [c.id for b in model.benchmarks for c in b.cohorts]


def benchmark_table(model: MaturityModel, answers: ClientAnswers, lang: str = "en") -> pd.DataFrame:
    """One row per (question, benchmark item) link: the client's match and each
    cohort's share (a column per cohort id; NaN for another benchmark's cohorts)."""
    cohorts = cohort_columns(model)
    rows = []
    for q in model.questions:
        value = answers.answers.get(q.id)
        for link in q.benchmark:
            found = model.benchmark_item(link.item)
            assert found is not None  # guaranteed by model validation
            bench, item = found
            if value is None:
                match = None
            elif value == DONT_KNOW:
                match = True if link.dont_know_matches else None
            else:
                match = bool(set(q.selected(value)) & set(link.options))
            shares = {c: item.shares.get(c) for c in cohorts}
            separation = None
            if bench.contrast is not None:
                lead, lag = (item.shares.get(c) for c in bench.contrast)
                separation = abs(lead - lag) if lead is not None and lag is not None else None
            rows.append({"item": item.id, "benchmark": bench.id, "label": item.label.get(lang), "question_id": q.id,
                         "dimension": q.dimension, "client": match, **shares, "note": item.note,
                         "separation": separation})
    table = pd.DataFrame(rows, columns=["item", "benchmark", "label", "question_id", "dimension", "client",
                                       *cohorts, "note", "separation"])
    table["client"] = table["client"].astype("boolean")  # True / False / <NA> = unknown
    for col in [*cohorts, "separation"]:
        table[col] = pd.to_numeric(table[col], errors="coerce").astype(float)
    return table.set_index("item")


def cohort_similarity(model: MaturityModel, table: pd.DataFrame) -> CohortSimilarity | None:
    """Naive-Bayes likelihood ratio of the first benchmark with a contrast, given the
    client's matches (None when no benchmark names a contrast)."""
    bench = next((b for b in model.benchmarks if b.contrast is not None), None)
    if bench is None or bench.contrast is None:
        return None
    leading, lagging = bench.contrast
    lo, hi = SHARE_CLIP
    mine = table[table["benchmark"] == bench.id]
    usable = mine[mine[leading].notna() & mine[lagging].notna() & mine["client"].notna()]
    rows = []
    log_lr = 0.0
    for item, row in usable.iterrows():
        p_l = min(max(row[leading], lo), hi)
        p_g = min(max(row[lagging], lo), hi)
        term = math.log(p_l / p_g) if row["client"] else math.log((1 - p_l) / (1 - p_g))
        log_lr += term
        rows.append({"item": item, "client": bool(row["client"]), "log_lr": term})
    k = len(rows)
    tempering = 1.0 / (1 + (k - 1) * bench.item_correlation) if k else 1.0
    n_l, n_g = bench.cohort(leading).n, bench.cohort(lagging).n
    prior_odds = n_l / n_g if n_l and n_g else 1.0
    posterior_odds = math.exp(log_lr * tempering) * prior_odds
    majority = mine[mine[leading].notna() & mine["client"].notna()]
    agree = int(((majority[leading] >= 0.5) == majority["client"].astype(bool)).sum())
    contributions = pd.DataFrame(rows, columns=["item", "client", "log_lr"]).set_index("item")
    return CohortSimilarity(
        benchmark=bench.id,
        leading=leading,
        lagging=lagging,
        items_used=k,
        likelihood_ratio=math.exp(log_lr),
        tempering=tempering,
        majority_agreement=agree,
        majority_items=len(majority),
        prior_leading=prior_odds / (1 + prior_odds),
        posterior_leading=posterior_odds / (1 + posterior_odds),
        contributions=contributions,
    )
