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

The config is a strict schema (:class:`HealthConfig`, built on
:mod:`csmaturity.io.schema`): an unknown key is an error rather than ignored, and every
problem of the file is reported at once as a :class:`~csmaturity.errors.ConfigError`
naming its key path, such as ``signals[2].direction``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from csmaturity.errors import ConfigError, Problem, display_path
from csmaturity.io.columns import fail, parse_numbers, require_columns, source_of
from csmaturity.io.schema import StrictModel, load_yaml_as, validate_as
from csmaturity.metrics._result import MetricResult

__all__ = [
    "BANDS",
    "HealthSignal",
    "HealthBands",
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


Number = Annotated[float, Field(strict=True)]  # an int or a float; never a YAML boolean or text


class HealthSignal(StrictModel):
    """One input of the health score (see the module doc for the YAML keys)."""

    column: str = Field(min_length=1)
    direction: Direction
    normalisation: Normalisation
    weight: float = Field(gt=0, strict=True)
    #: Checked against ``normalisation``, so it is validated even when absent.
    bounds: tuple[Number, Number] | None = Field(default=None, validate_default=True)
    per: str | None = None
    name: str | None = None

    @field_validator("bounds")
    @classmethod
    def _bounds_fit_the_normalisation(cls, bounds: tuple[float, float] | None,
                                      info: ValidationInfo) -> tuple[float, float] | None:
        method = info.data.get("normalisation")
        if method == "fixed" and bounds is None:
            raise ValueError("fixed normalisation needs bounds: [low, high]")
        if method == "fixed" and not bounds[0] < bounds[1]:  # type: ignore[index]
            raise ValueError(f"fixed normalisation needs [low, high] with low < high, got {list(bounds)}")  # type: ignore[arg-type]
        if method is not None and method != "fixed" and bounds is not None:
            raise ValueError("bounds are only used with normalisation: fixed")
        return bounds

    @property
    def label(self) -> str:
        return self.name or (f"{self.column}_per_{self.per}" if self.per else self.column)


class HealthBands(StrictModel):
    """Score thresholds: below ``red_below`` red, from ``green_from`` green, yellow between."""

    red_below: Number = 40.0
    green_from: Number = 70.0

    @model_validator(mode="after")
    def _ordered(self) -> HealthBands:
        if not 0 <= self.red_below <= self.green_from <= 100:
            raise ValueError(f"need 0 ≤ red_below ≤ green_from ≤ 100, got red_below={self.red_below:g}, "
                             f"green_from={self.green_from:g}")
        return self


class HealthConfig(StrictModel):
    """Signals, band thresholds and the id / ARR columns of a health score: the YAML
    config itself (see the module doc), validated by :func:`load_health_config`."""

    id_column: str = Field(default="account_id", min_length=1)
    arr_column: str = Field(default="arr", min_length=1)
    bands: HealthBands = HealthBands()
    signals: tuple[HealthSignal, ...]
    _source: str = PrivateAttr(default=display_path(None))

    @field_validator("signals")
    @classmethod
    def _some_distinct_signals(cls, signals: tuple[HealthSignal, ...]) -> tuple[HealthSignal, ...]:
        # Checked here rather than with min_length, which would also count the signals
        # that failed validation as missing.
        if not signals:
            raise ValueError("expected a non-empty list of signals")
        labels = [s.label for s in signals]
        twice = sorted({label for label in labels if labels.count(label) > 1})
        if twice:
            raise ValueError(f"two signals are both called {', '.join(map(repr, twice))}: give them distinct names")
        return signals

    @property
    def red_below(self) -> float:
        return self.bands.red_below

    @property
    def green_from(self) -> float:
        return self.bands.green_from

    @property
    def source(self) -> str:
        """The file the config was read from, as named in messages."""
        return self._source

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], file: str | None = None) -> HealthConfig:
        """Validate an already-loaded config; every problem is reported with its key path.

        Raises
        ------
        ConfigError
            Naming ``file`` (``<memory>`` when None) and each key path.
        """
        where = display_path(file)
        config = validate_as(cls, data, where, ConfigError)
        config._source = where
        return config

    def to_dict(self) -> dict[str, Any]:
        return {"signals": [s.model_dump(mode="json") for s in self.signals], "red_below": self.red_below,
                "green_from": self.green_from, "id_column": self.id_column, "arr_column": self.arr_column,
                "source": self.source}


def load_health_config(path: str | Path | None = None) -> HealthConfig:
    """Read a health-score YAML config; ``None`` loads the default shipped with the kit.

    Raises
    ------
    ConfigError
        The file is missing, is not YAML, or has invalid keys (all reported together,
        each with its key path such as ``signals[2].direction``).
    """
    if path is None:
        path = Path(str(resources.files("csmaturity") / "config" / DEFAULT_CONFIG))
        name = f"csmaturity/config/{DEFAULT_CONFIG}"
    else:
        name = str(path)
    config = load_yaml_as(HealthConfig, path, ConfigError, name=name)
    config._source = name
    return config


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


@dataclass(frozen=True, kw_only=True)
class HealthSummary(MetricResult):
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
    ``share_arr_at_risk = arr_at_risk / Σ ARR``. ARR is read as :func:`retention`
    reads it (``"1,200,000"`` and full-width ``"３００"`` are numbers); a blank ARR
    counts as 0 here.

    Raises
    ------
    DataError
        The scores frame has no ARR column, or an ARR is not a number ≥ 0 (rows named).
    """
    if not isinstance(config, HealthConfig):
        config = load_health_config(config)
    require_columns(scores, ["health_band", config.arr_column], purpose="ARR per health band")
    parsed, problems = parse_numbers(scores[config.arr_column], config.arr_column, lo=0)
    fail(problems)
    arr = np.nan_to_num(parsed)
    bands = scores["health_band"].astype(str).to_numpy()
    counts = {b: int((bands == b).sum()) for b in BANDS}
    arr_by_band = {b: float(arr[bands == b].sum()) for b in BANDS}
    total = float(arr.sum())
    return HealthSummary(
        accounts=counts, arr=arr_by_band, arr_at_risk=arr_by_band["red"],
        share_arr_at_risk=arr_by_band["red"] / total if total else 0.0,
        red_below=config.red_below, green_from=config.green_from,
    )
