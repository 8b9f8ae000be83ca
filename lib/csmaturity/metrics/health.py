"""Customer health score: weighted, normalised usage and relationship signals → 0–100.

A health score is the leading indicator the effective CS organisations review: usage,
adoption, support load and sentiment combined into one number per account, banded
red / yellow / green, with the ARR sitting in each band (the red band's ARR is the ARR
at risk). Which signals, how each is normalised and how much each weighs is
configuration (YAML), not code; the kit ships a default fitted to its sample accounts
(``csmaturity/config/health_default.yaml``).

Config format::

    id_column: account_id        # optional, default account_id
    arr_column: arr              # optional, default arr
    bands: {red_below: 40, green_from: 70}
    signals:
      - column: logins_30d
        per: seats               # optional: use logins_30d / seats
        direction: higher_is_better   # or lower_is_better
        normalisation: percentile     # min_max | fixed | percentile
        bounds: [0, 1]           # fixed only
        weight: 25               # any positive numbers; they are rescaled to sum 1
        name: login_intensity    # optional label, defaults to the column name
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Mapping

import numpy as np
import pandas as pd
import yaml

from csmaturity.errors import DataError, Problem, display_path
from csmaturity.metrics._stats import plain
from csmaturity.io.columns import fail, parse_numbers, require_columns, source_of

__all__ = [
    "BANDS",
    "HealthSignal",
    "HealthConfig",
    "HealthSummary",
    "load_health_config",
    "health_scores",
    "summarize_health",
]

Direction = Literal["higher_is_better", "lower_is_better"]
Normalisation = Literal["min_max", "fixed", "percentile"]
BANDS = ("red", "yellow", "green", "no data")
DEFAULT_CONFIG = "health_default.yaml"


@dataclass(frozen=True)
class HealthSignal:
    """One input of the health score (see the module doc for the YAML keys)."""

    column: str
    direction: Direction
    normalisation: Normalisation
    weight: float
    bounds: tuple[float, float] | None = None
    per: str | None = None
    name: str | None = None

    @property
    def label(self) -> str:
        return self.name or (f"{self.column}_per_{self.per}" if self.per else self.column)


@dataclass(frozen=True)
class HealthConfig:
    """Signals, band thresholds and the id / ARR columns of a health score."""

    signals: tuple[HealthSignal, ...]
    red_below: float = 40.0
    green_from: float = 70.0
    id_column: str = "account_id"
    arr_column: str = "arr"
    source: str = "<memory>"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], file: str | None = None) -> "HealthConfig":
        """Build and validate a config; every problem is reported with its key path."""
        where = display_path(file)
        problems: list[Problem] = []

        def bad(location: str, message: str) -> None:
            problems.append(Problem(where, location, message))

        if not isinstance(data, Mapping):
            raise DataError([Problem(where, "", "a health config must be a mapping with 'signals'")])
        bands = data.get("bands", {}) or {}
        red_below = bands.get("red_below", 40.0)
        green_from = bands.get("green_from", 70.0)
        if not (isinstance(red_below, (int, float)) and isinstance(green_from, (int, float))
                and 0 <= red_below <= green_from <= 100):
            bad("bands", f"need 0 ≤ red_below ≤ green_from ≤ 100, got red_below={red_below!r}, "
                         f"green_from={green_from!r}")
        raw_signals = data.get("signals")
        if not isinstance(raw_signals, list) or not raw_signals:
            bad("signals", "expected a non-empty list of signals")
            raw_signals = []
        signals = []
        for i, raw in enumerate(raw_signals):
            at = f"signals[{i}]"
            if not isinstance(raw, Mapping):
                bad(at, "expected a mapping with column, direction, normalisation and weight")
                continue
            column, per, name = raw.get("column"), raw.get("per"), raw.get("name")
            direction, method = raw.get("direction"), raw.get("normalisation")
            weight, bounds = raw.get("weight"), raw.get("bounds")
            unknown = set(raw) - {"column", "per", "name", "direction", "normalisation", "weight", "bounds"}
            if unknown:
                bad(at, f"unknown key(s) {', '.join(sorted(map(str, unknown)))}")
            if not isinstance(column, str) or not column:
                bad(f"{at}.column", "expected a column name")
            if direction not in ("higher_is_better", "lower_is_better"):
                bad(f"{at}.direction", f"expected higher_is_better or lower_is_better, got {direction!r}")
            if method not in ("min_max", "fixed", "percentile"):
                bad(f"{at}.normalisation", f"expected min_max, fixed or percentile, got {method!r}")
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight > 0:
                bad(f"{at}.weight", f"expected a positive number, got {weight!r}")
            if method == "fixed":
                if (not isinstance(bounds, (list, tuple)) or len(bounds) != 2
                        or not all(isinstance(b, (int, float)) for b in bounds) or not bounds[0] < bounds[1]):
                    bad(f"{at}.bounds", f"fixed normalisation needs [low, high] with low < high, got {bounds!r}")
            elif bounds is not None:
                bad(f"{at}.bounds", "bounds are only used with normalisation: fixed")
            signals.append(HealthSignal(
                column=str(column), direction=direction, normalisation=method,
                weight=float(weight) if isinstance(weight, (int, float)) else 0.0,
                bounds=tuple(float(b) for b in bounds) if method == "fixed" and isinstance(bounds, (list, tuple)) else None,  # type: ignore[arg-type]
                per=str(per) if per is not None else None,
                name=str(name) if name is not None else None,
            ))
        labels = [s.label for s in signals]
        for label in sorted({lbl for lbl in labels if labels.count(lbl) > 1}):
            bad("signals", f"two signals are both called {label!r}: give them distinct names")
        fail(problems)
        return cls(
            signals=tuple(signals), red_below=float(red_below), green_from=float(green_from),
            id_column=str(data.get("id_column", "account_id")),
            arr_column=str(data.get("arr_column", "arr")), source=where,
        )

    def to_dict(self) -> dict[str, Any]:
        return {k: plain(v) for k, v in asdict(self).items()}


def load_health_config(path: str | Path | None = None) -> HealthConfig:
    """Read a health-score YAML config; ``None`` loads the default shipped with the kit.

    Raises
    ------
    DataError
        The file is missing, is not YAML, or has invalid keys (all reported together,
        each with its key path such as ``signals[2].direction``).
    """
    if path is None:
        text = (resources.files("csmaturity") / "config" / DEFAULT_CONFIG).read_text(encoding="utf-8")
        where = f"csmaturity/config/{DEFAULT_CONFIG}"
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise DataError([Problem(where, "", f"cannot read the health config: {error}")]) from error
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise DataError([Problem(where, "", f"not valid YAML: {error}")]) from error
    return HealthConfig.from_dict(data, where)


def _normalise(values: np.ndarray, signal: HealthSignal, notes: list[str]) -> np.ndarray:
    """Map one signal to [0, 1] (NaN stays NaN) and orient it so that 1 is healthy.

    min_max: (x − min) / (max − min) over the table (0.5 for all when max = min);
    fixed: (clip(x, lo, hi) − lo) / (hi − lo);
    percentile: (rank − 1) / (n − 1), ties sharing their average rank (0.5 when n = 1).
    """
    known = ~np.isnan(values)
    result = np.full(values.shape, np.nan)
    if known.any():
        present = values[known]
        if signal.normalisation == "fixed":
            lo, hi = signal.bounds  # type: ignore[misc]
            result[known] = (np.clip(present, lo, hi) - lo) / (hi - lo)
        elif signal.normalisation == "min_max":
            lo, hi = present.min(), present.max()
            if hi > lo:
                result[known] = (present - lo) / (hi - lo)
            else:
                result[known] = 0.5
                notes.append(f"signal {signal.label!r} has the same value for every account: scored 0.5")
        else:
            n = present.size
            ranks = pd.Series(present).rank(method="average").to_numpy()
            result[known] = (ranks - 1) / (n - 1) if n > 1 else 0.5
    if signal.direction == "lower_is_better":
        result = 1.0 - result
    return result


def _band(score: float, config: HealthConfig) -> str:
    if math.isnan(score):
        return "no data"
    if score < config.red_below:
        return "red"
    return "yellow" if score < config.green_from else "green"


def health_scores(accounts: pd.DataFrame, config: HealthConfig | str | Path | None = None,
                  *, file: str | None = None) -> pd.DataFrame:
    """Score every account 0–100 and band it red / yellow / green.

    Formula
    -------
    Each signal is normalised to ``s_k ∈ [0, 1]`` (min-max over the table, fixed
    bounds, or percentile rank; ``1 − s_k`` when lower is better), then
    ``score = 100 · Σ_k w_k s_k / Σ_k w_k`` over the signals the account has (a blank
    signal drops out and the remaining weights are rescaled; ``signals_used`` says how
    many were used). Bands: ``score < red_below`` red, ``< green_from`` yellow, else
    green; an account with no signal at all gets a NaN score and the band
    ``"no data"``.

    Parameters
    ----------
    accounts
        One row per account with the signal columns.
    config
        A :class:`HealthConfig`, a YAML path, or None for the shipped default.
    file
        File named in error messages (default: the table's ``attrs["source"]``).

    Returns
    -------
    pandas.DataFrame
        Aligned with ``accounts``: the id column and ARR (when present),
        ``health_score``, ``health_band``, ``signals_used`` and one ``signal_<label>``
        column per signal holding its oriented [0, 1] value. Notes on degenerate
        signals are in ``attrs["notes"]``.

    Raises
    ------
    DataError
        A signal (or its ``per``) column is missing or holds non-numbers; rows named.
    """
    if not isinstance(config, HealthConfig):
        config = load_health_config(config)
    file_name = source_of(accounts, file)
    needed = [c for s in config.signals for c in (s.column, s.per) if c]
    require_columns(accounts, dict.fromkeys(needed), file_name, purpose=f"health signals ({config.source})")

    problems: list[Problem] = []
    parsed: dict[str, np.ndarray] = {}
    for column in dict.fromkeys(needed):
        parsed[column], column_problems = parse_numbers(accounts[column], column, file_name)
        problems += column_problems
    fail(problems)

    notes: list[str] = []
    components = {}
    for signal in config.signals:
        values = parsed[signal.column]
        if signal.per:
            denominator = parsed[signal.per]
            zero = denominator == 0
            if zero.any():
                notes.append(f"signal {signal.label!r}: {int(zero.sum())} account(s) with {signal.per} = 0 "
                             "left without this signal")
            with np.errstate(divide="ignore", invalid="ignore"):
                values = np.where(zero, np.nan, values / denominator)
        components[signal.label] = _normalise(values, signal, notes)

    stacked = np.column_stack(list(components.values()))
    weights = np.array([s.weight for s in config.signals])
    present = ~np.isnan(stacked)
    weight_present = present @ weights
    with np.errstate(invalid="ignore"):
        scores = 100.0 * np.nansum(stacked * weights, axis=1) / weight_present
    scores = np.where(weight_present > 0, np.clip(scores, 0.0, 100.0), np.nan)
    if (weight_present == 0).any():
        notes.append(f"{int((weight_present == 0).sum())} account(s) have no signal at all: band 'no data'")

    result = pd.DataFrame(index=accounts.index)
    for column in (config.id_column, config.arr_column):
        if column in accounts.columns:
            result[column] = accounts[column]
    result["health_score"] = scores
    result["health_band"] = pd.Categorical([_band(s, config) for s in scores], categories=list(BANDS))
    result["signals_used"] = present.sum(axis=1)
    for label, values in components.items():
        result[f"signal_{label}"] = values
    result.attrs["notes"] = notes
    return result


@dataclass(frozen=True)
class HealthSummary:
    """Accounts and ARR per health band.

    Attributes
    ----------
    accounts, arr
        ``{band: count}`` and ``{band: ARR}`` for red, yellow, green and no data.
    arr_at_risk, share_arr_at_risk
        ARR of the red band, and its share of the total ARR.
    red_below, green_from
        The thresholds used.
    """

    accounts: dict[str, int]
    arr: dict[str, float]
    arr_at_risk: float
    share_arr_at_risk: float
    red_below: float
    green_from: float

    def to_dict(self) -> dict[str, Any]:
        return {k: plain(v) for k, v in asdict(self).items()}

    def to_frame(self) -> pd.DataFrame:
        """One row per band: ``band``, ``accounts``, ``share_accounts``, ``arr``, ``share_arr``."""
        total_accounts = sum(self.accounts.values())
        total_arr = sum(self.arr.values())
        return pd.DataFrame({
            "band": list(BANDS),
            "accounts": [self.accounts[b] for b in BANDS],
            "share_accounts": [self.accounts[b] / total_accounts if total_accounts else math.nan for b in BANDS],
            "arr": [self.arr[b] for b in BANDS],
            "share_arr": [self.arr[b] / total_arr if total_arr else math.nan for b in BANDS],
        })


def summarize_health(scores: pd.DataFrame, config: HealthConfig | str | Path | None = None) -> HealthSummary:
    """Count accounts and sum ARR per band of a :func:`health_scores` result.

    Formula
    -------
    ``arr[band] = Σ ARR of accounts in band``; ``arr_at_risk = arr["red"]``;
    ``share_arr_at_risk = arr_at_risk / Σ ARR``. Blank ARR counts as 0 here.

    Raises
    ------
    DataError
        The scores frame has no ARR column.
    """
    if not isinstance(config, HealthConfig):
        config = load_health_config(config)
    require_columns(scores, ["health_band", config.arr_column], purpose="ARR per health band")
    arr = np.nan_to_num(pd.to_numeric(scores[config.arr_column], errors="coerce").to_numpy(dtype=float))
    bands = scores["health_band"].astype(str).to_numpy()
    counts = {b: int((bands == b).sum()) for b in BANDS}
    arr_by_band = {b: float(arr[bands == b].sum()) for b in BANDS}
    total = float(arr.sum())
    return HealthSummary(
        accounts=counts, arr=arr_by_band, arr_at_risk=arr_by_band["red"],
        share_arr_at_risk=arr_by_band["red"] / total if total else 0.0,
        red_below=config.red_below, green_from=config.green_from,
    )
