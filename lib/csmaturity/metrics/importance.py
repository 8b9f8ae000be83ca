"""Relative importance of survey items: how much of the overall score each item explains.

Correlations count a shared effect once per item, and regression coefficients split it
arbitrarily between items that move together. Relative-importance measures share the
model's R² out among the items instead, so the parts add up to what the items explain
together:

* **Johnson's relative weights** (``"relative_weight"``; Johnson 2000, the default of
  Qualtrics Stats iQ): regress the overall score on the orthogonal variables closest to
  the items, and map the squared coefficients back through the items' loadings. One
  eigendecomposition of the items' correlation matrix.
* **Shapley value regression** (``"shapley"``; Lipovetsky & Conklin 2001, also called
  LMG or general dominance): each item's R² gain averaged over every order in which
  the items can enter the model. Exact, from the R² of all 2^p subsets of items, so
  it is limited to :data:`MAX_SHAPLEY_ITEMS` items.

Both sum to R² and agree closely in practice. Intervals come from a bootstrap of the
respondents (percentile intervals; the resamples are drawn from a seeded generator, so
a report is reproducible). An item is *distinguishable from zero* when its weight beats
that of a pure-noise variable added to the model in every resample by more than chance
(Tonidandel, LeBreton & Johnson 2009): the interval of (item − noise) lies above 0.
A weight is never negative, so its own interval never reaches 0 and cannot tell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from csmaturity.errors import check_argument
from csmaturity.metrics._result import MetricResult
from csmaturity.metrics._stats import check_probability, plain

__all__ = [
    "IMPORTANCE_METHODS",
    "MAX_SHAPLEY_ITEMS",
    "RelativeImportance",
    "relative_weights",
    "shapley_values",
    "relative_importance",
]

Method = Literal["relative_weight", "shapley"]
IMPORTANCE_METHODS: tuple[str, ...] = ("relative_weight", "shapley")
MAX_SHAPLEY_ITEMS = 12  # 2^13 subsets per resample once the noise variable joins
#: Resamples per block: the block's weight matrix is ``block × n`` floats.
_BLOCK = 50
_EIGEN_TOLERANCE = 1e-10


def _inverse_root(evals: np.ndarray, evecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R^{1/2} and its (pseudo-)inverse from an eigendecomposition (stacked or not)."""
    evals = np.clip(evals, 0.0, None)
    scale = evals.max(axis=-1, keepdims=True)
    root = np.sqrt(evals)
    inverse = np.where(evals > _EIGEN_TOLERANCE * np.maximum(scale, 1e-300), 1.0 / np.where(root > 0, root, 1.0), 0.0)
    transpose = np.swapaxes(evecs, -1, -2)
    return (evecs * root[..., None, :]) @ transpose, (evecs * inverse[..., None, :]) @ transpose


def relative_weights(corr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Johnson's raw relative weights from correlation matrices (the outcome first).

    Formula
    -------
    With ``R = R_xx = Q Λ Q'``, the orthogonal variables closest to the items are
    ``Z = X R^{-1/2}``; ``Λ* = R^{1/2}`` holds the items' loadings on Z and
    ``β = R^{-1/2} r_xy`` the outcome's coefficients on Z; the weight of item j is
    ``ε_j = Σ_k λ*_jk² β_k²`` and ``Σ_j ε_j = Σ_k β_k² = r_xy' R⁻¹ r_xy = R²``. A
    singular R (an item repeated) uses the pseudo-inverse: the repeats share equally.

    Parameters
    ----------
    corr
        ``(p + 1, p + 1)`` or a stack ``(B, p + 1, p + 1)``; row/column 0 is the outcome.

    Returns
    -------
    (weights, r_squared)
        ``(…, p)`` raw weights and ``(…)`` R².
    """
    rxx, rxy = corr[..., 1:, 1:], corr[..., 1:, 0]
    evals, evecs = np.linalg.eigh(rxx)
    root, inverse_root = _inverse_root(evals, evecs)
    beta = (inverse_root @ rxy[..., None])[..., 0]
    return np.einsum("...jk,...k->...j", root**2, beta**2), (beta**2).sum(axis=-1)


def _subset_r_squared(corr: np.ndarray) -> np.ndarray:
    """R² of the outcome on every subset of predictors, indexed by bit mask: ``(B, 2^p)``."""
    p = corr.shape[-1] - 1
    rxx, rxy = corr[:, 1:, 1:], corr[:, 1:, 0]
    out = np.zeros((corr.shape[0], 1 << p))
    for mask in range(1, 1 << p):
        idx = [j for j in range(p) if mask >> j & 1]
        sub, r = rxx[:, idx][:, :, idx], rxy[:, idx]
        try:
            solution = np.linalg.solve(sub, r[..., None])[..., 0]
        except np.linalg.LinAlgError:  # repeated items: the pseudo-inverse gives the same R²
            solution = (np.linalg.pinv(sub, rcond=1e-10, hermitian=True) @ r[..., None])[..., 0]
        out[:, mask] = (r * solution).sum(axis=-1)
    return out


def _shapley_from_subsets(r2: np.ndarray, p: int, present: int | None = None) -> np.ndarray:
    """Shapley values of the predictors in ``present`` (a bit mask; default all p)."""
    present = (1 << p) - 1 if present is None else present
    members = [j for j in range(p) if present >> j & 1]
    m = len(members)
    weights = [math.factorial(s) * math.factorial(m - s - 1) / math.factorial(m) for s in range(m)]
    masks = np.arange(1 << p)
    inside = (masks & ~present) == 0
    sizes = np.array([bin(int(k)).count("1") for k in masks])
    values = np.zeros((r2.shape[0], m))
    for out_index, j in enumerate(members):
        without = masks[inside & ((masks >> j & 1) == 0)]
        w = np.array([weights[s] for s in sizes[without]])
        values[:, out_index] = (r2[:, without | (1 << j)] - r2[:, without]) @ w
    return values


def shapley_values(corr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shapley decomposition of R² from correlation matrices (the outcome first).

    Formula
    -------
    ``φ_j = Σ_{S ⊆ P∖{j}} |S|! (p − |S| − 1)! / p! · (R²(S ∪ {j}) − R²(S))`` with
    ``R²(S) = r_S' R_SS⁻¹ r_S``; ``Σ_j φ_j = R²(P)``.

    Returns
    -------
    (values, r_squared)
        As :func:`relative_weights`.
    """
    stacked = corr if corr.ndim == 3 else corr[None]
    p = stacked.shape[-1] - 1
    check_argument(p <= MAX_SHAPLEY_ITEMS + 1, "items",
                   f"Shapley values need every subset of items: at most {MAX_SHAPLEY_ITEMS} items, got {p}")
    r2 = _subset_r_squared(stacked)
    values = _shapley_from_subsets(r2, p)
    full = r2[:, -1]
    return (values, full) if corr.ndim == 3 else (values[0], full[0])


def _correlations(sums: np.ndarray, cross: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Correlation matrices from weighted sums ``(B, q)`` and cross-products ``(B, q, q)``.

    A variable with no spread in a resample gets correlation 0 with the others (it
    explains nothing there) rather than NaN.
    """
    mean = sums / total[:, None]
    cov = cross / total[:, None, None] - mean[:, :, None] * mean[:, None, :]
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0.0, None))
    flat = sd <= 1e-12 * np.maximum(1.0, np.abs(mean))
    safe = np.where(flat, 1.0, sd)
    corr = cov / safe[:, :, None] / safe[:, None, :]
    corr = np.where(flat[:, :, None] | flat[:, None, :], 0.0, corr)
    q = corr.shape[-1]
    corr[:, np.arange(q), np.arange(q)] = 1.0
    return np.clip(corr, -1.0, 1.0)


def _resample_correlations(rng: np.random.Generator, columns: np.ndarray, q: int, block: int) -> np.ndarray:
    """Correlation matrices ``(block, q, q)`` of ``block`` bootstrap resamples.

    ``columns`` holds the q centred variables then their pairwise products (upper
    triangle, row by row); each resample's multinomial counts weight them in one product.
    """
    n = columns.shape[0]
    draws = rng.integers(0, n, size=(block, n)) + (np.arange(block) * n)[:, None]
    counts = np.bincount(draws.ravel(), minlength=block * n).reshape(block, n).astype(np.float64)
    weighted = counts @ columns
    rows, cols = np.triu_indices(q)
    cross = np.zeros((block, q, q))
    cross[:, rows, cols] = weighted[:, q:]
    cross[:, cols, rows] = weighted[:, q:]
    return _correlations(weighted[:, :q], cross, np.full(block, float(n)))


def _weights(corr: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    return relative_weights(corr) if method == "relative_weight" else shapley_values(corr)


def _with_and_without_noise(corr: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights and R² of the items alone, and the weights with the noise variable (the
    last column) added. Shapley values of both come from one pass over the subsets:
    the items' subsets are those without the noise variable."""
    if method == "relative_weight":
        own, r2 = relative_weights(corr[:, :-1, :-1])
        return own, r2, relative_weights(corr)[0]
    q = corr.shape[-1] - 1
    r2_all = _subset_r_squared(corr)
    items = (1 << (q - 1)) - 1
    return _shapley_from_subsets(r2_all, q, items), r2_all[:, items], _shapley_from_subsets(r2_all, q)


@dataclass(frozen=True, eq=False, kw_only=True)
class RelativeImportance(MetricResult):
    """How much of the outcome's variance each item explains, with bootstrap intervals.

    Attributes
    ----------
    method
        ``"relative_weight"`` or ``"shapley"``.
    table
        One row per item: ``item``, ``weight`` (raw, the weights sum to R²), ``share``
        (``weight / R²``), ``ci_low``, ``ci_high`` (percentile interval of the weight),
        ``noise_margin_low`` (lower bound of weight − noise weight) and
        ``distinguishable`` (that bound above 0). Without a bootstrap the interval
        columns are NaN and ``distinguishable`` None.
    r_squared, r_squared_ci
        R² of the overall score on all items (least squares, standardised), and its
        bootstrap interval.
    n
        Respondents with every answer (listwise), the cases behind every figure.
    resamples, confidence, seed
        The bootstrap: resamples drawn (0 for none), interval level, generator seed.
    """

    method: str
    table: pd.DataFrame
    r_squared: float
    r_squared_ci: tuple[float, float]
    n: int
    resamples: int
    confidence: float
    seed: int

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        summary = {k: plain(v) for k, v in vars(self).items() if k != "table"}
        summary["items"] = [{k: plain(v) for k, v in row.items()} for row in self.table.to_dict(orient="records")]
        return summary


def relative_importance(
    overall: np.ndarray,
    items: np.ndarray,
    names: list[str] | tuple[str, ...],
    *,
    method: Method = "relative_weight",
    bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> RelativeImportance:
    """Relative importance of complete answers: ``overall`` (n,) on ``items`` (n, p).

    Rows must be complete (the caller drops blanks listwise) and every item must vary
    (the caller notes and leaves out those that do not). :func:`csmaturity.metrics.key_drivers`
    is the table-level entry point.

    Formula
    -------
    Point estimates from the sample correlation matrix by :func:`relative_weights` or
    :func:`shapley_values`. Bootstrap: ``bootstrap`` resamples of the n respondents with
    replacement (multinomial counts; each resample's correlation matrix from weighted
    sums of the centred data); ``ci`` = the (1 − c)/2 and (1 + c)/2 quantiles of each
    weight. A standard-normal noise variable drawn once joins the items in every
    resample; ``distinguishable`` = the lower quantile of ``weight_j − weight_noise``
    (from that larger model) is above 0.

    Parameters
    ----------
    overall, items, names
        The answers and the items' names.
    method
        ``"relative_weight"`` (default) or ``"shapley"``.
    bootstrap
        Resamples (0 for point estimates only).
    confidence
        Level of the intervals.
    seed
        Seed of the generator (the same seed, the same intervals).

    Raises
    ------
    ValueError
        An unknown method, a negative ``bootstrap``, a shape mismatch, fewer than
        p + 2 rows, or too many items for Shapley values.
    """
    check_argument(method in IMPORTANCE_METHODS, "method",
                   f"method must be one of {', '.join(IMPORTANCE_METHODS)}, got {method!r}")
    check_argument(bootstrap >= 0, "bootstrap", f"bootstrap must be ≥ 0 resamples, got {bootstrap!r}")
    check_probability(confidence, "confidence")
    y = np.asarray(overall, dtype=np.float64)
    x = np.asarray(items, dtype=np.float64).reshape(len(y), -1)
    n, p = x.shape
    check_argument(len(names) == p, "names", f"{len(names)} names for {p} items")
    check_argument(n >= p + 2, "items", f"{n} complete answers cannot share R² among {p} items (need ≥ {p + 2})")
    check_argument(method != "shapley" or p <= MAX_SHAPLEY_ITEMS, "items",
                   f"Shapley values need every subset of items: at most {MAX_SHAPLEY_ITEMS} items, got {p}")

    data = np.column_stack([y, x])
    point, r2 = _weights(np.corrcoef(data, rowvar=False), method)
    ci = np.full((p, 2), np.nan)
    margin_low = np.full(p, np.nan)
    r2_ci = (math.nan, math.nan)
    if bootstrap:
        rng = np.random.default_rng(seed)
        noise = rng.standard_normal(n)
        # C order, centred (the cross-products below lose no digits): column_stack gives
        # Fortran order, with which the products' matrix product runs several times slower.
        full = np.ascontiguousarray(np.column_stack([data, noise]))
        full -= full.mean(axis=0)
        q = full.shape[1]
        rows, cols = np.triu_indices(q)
        # One matrix of the columns and their pairwise products: each block of resamples
        # needs a single matrix product for its sums and cross-products.
        columns = np.ascontiguousarray(np.hstack([full, full[:, rows] * full[:, cols]]))
        # One thread: the product is memory-bound, and OpenBLAS threads that wait on
        # cores busy elsewhere (a batch of clients, a test run) slow it several-fold.
        with threadpool_limits(limits=1, user_api="blas"):
            stacked = [_resample_correlations(rng, columns, q, min(_BLOCK, bootstrap - start))
                       for start in range(0, bootstrap, _BLOCK)]
            # Every resample's weights at once: one batched call per subset of items.
            own_all, r2_all, w_noise = _with_and_without_noise(np.concatenate(stacked), method)
        diff_all = w_noise[:, :-1] - w_noise[:, -1:]
        tail = (1 - confidence) / 2
        ci = np.quantile(own_all, [tail, 1 - tail], axis=0).T
        margin_low = np.quantile(diff_all, tail, axis=0)
        r2_ci = tuple(float(v) for v in np.quantile(r2_all, [tail, 1 - tail]))
    table = pd.DataFrame({
        "item": list(names),
        "weight": point,
        "share": point / r2 if r2 > 0 else np.full(p, np.nan),
        "ci_low": ci[:, 0],
        "ci_high": ci[:, 1],
        "noise_margin_low": margin_low,
        "distinguishable": [bool(v > 0) for v in margin_low] if bootstrap else [None] * p,
    })
    return RelativeImportance(method=method, table=table, r_squared=float(r2), r_squared_ci=r2_ci, n=n,
                              resamples=bootstrap, confidence=confidence, seed=seed)
