"""The client beside the survey cohorts, and an *indicative* cohort-similarity figure.

For each benchmark item linked from a question, the client either matches it (their
answer includes one of the linked options), does not, or is unknown (don't know /
unanswered). The table shows that beside the share of each cohort with the practice;
unpublished cells stay missing (NaN), never filled in.

Cohort similarity (indicative only): a naive-Bayes likelihood ratio over the items
where both cohort shares are published and the client's answer is known::

    LR = prod_i  P(x_i | effective) / P(x_i | not effective)
    P(x_i = match | cohort) = share_i,  P(x_i = no match | cohort) = 1 - share_i

with shares clipped to [0.02, 0.98] so that one item cannot decide alone. The
posterior ``P(effective-like) = 1 / (1 + 1 / (LR * 257/243))`` uses the cohort sizes as
prior odds. It assumes items are independent (they are not: firms with a touch model
often have phase rules too), so read it as "which cohort does this profile resemble",
not as a probability that CS will work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .answers import ClientAnswers
from .model import DONT_KNOW, MaturityModel

__all__ = ["CohortSimilarity", "benchmark_table", "cohort_similarity", "SHARE_CLIP"]

SHARE_CLIP = (0.02, 0.98)


@dataclass(frozen=True, kw_only=True)
class CohortSimilarity:
    items_used: int
    likelihood_ratio: float
    prior_effective: float
    posterior_effective: float
    contributions: pd.DataFrame

    @property
    def leaning(self) -> str:
        """'effective', 'not_effective' or 'undecided' (posterior within 0.4-0.6 or no items)."""
        if self.items_used == 0 or 0.4 <= self.posterior_effective <= 0.6:
            return "undecided"
        return "effective" if self.posterior_effective > 0.6 else "not_effective"


def benchmark_table(model: MaturityModel, answers: ClientAnswers, lang: str = "en") -> pd.DataFrame:
    """One row per (question, benchmark item) link: the client's match and both cohort shares."""
    rows = []
    for q in model.questions:
        value = answers.answers.get(q.id)
        for link in q.benchmark:
            item = model.benchmark.item(link.item)
            assert item is not None  # guaranteed by model validation
            if value is None:
                match = None
            elif value == DONT_KNOW:
                match = True if link.dont_know_matches else None
            else:
                match = bool(set(q.selected(value)) & set(link.options))
            rows.append(
                {
                    "item": item.id,
                    "label": item.label.get(lang),
                    "question_id": q.id,
                    "dimension": q.dimension,
                    "client": match,
                    "effective": item.effective,
                    "not_effective": item.not_effective,
                    "note": item.note,
                }
            )
    table = pd.DataFrame(rows, columns=["item", "label", "question_id", "dimension", "client", "effective",
                                       "not_effective", "note"])
    table["client"] = table["client"].astype("boolean")  # True / False / <NA> = unknown
    table["effective"] = pd.to_numeric(table["effective"], errors="coerce").astype(float)
    table["not_effective"] = pd.to_numeric(table["not_effective"], errors="coerce").astype(float)
    table["separation"] = (table["effective"] - table["not_effective"]).abs()
    return table.set_index("item")


def cohort_similarity(model: MaturityModel, table: pd.DataFrame) -> CohortSimilarity:
    """Naive-Bayes likelihood ratio of the two cohorts given the client's matches."""
    lo, hi = SHARE_CLIP
    usable = table[table["effective"].notna() & table["not_effective"].notna() & table["client"].notna()]
    rows = []
    log_lr = 0.0
    for item, row in usable.iterrows():
        p_e = min(max(row["effective"], lo), hi)
        p_n = min(max(row["not_effective"], lo), hi)
        term = math.log(p_e / p_n) if row["client"] else math.log((1 - p_e) / (1 - p_n))
        log_lr += term
        rows.append({"item": item, "client": bool(row["client"]), "log_lr": term})
    n_e = model.benchmark.cohorts["effective"].n
    n_n = model.benchmark.cohorts["not_effective"].n
    prior_odds = n_e / n_n
    posterior_odds = math.exp(log_lr) * prior_odds
    contributions = pd.DataFrame(rows, columns=["item", "client", "log_lr"]).set_index("item")
    return CohortSimilarity(
        items_used=len(rows),
        likelihood_ratio=math.exp(log_lr),
        prior_effective=prior_odds / (1 + prior_odds),
        posterior_effective=posterior_odds / (1 + posterior_odds),
        contributions=contributions,
    )
