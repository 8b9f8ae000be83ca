"""The base of every metric result: a frozen dataclass that reads as a dict or a table."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

import numpy as np
import pandas as pd

from csmaturity.metrics._stats import plain

__all__ = ["MetricResult"]

_SCALARS = (str, int, float, bool, np.generic)


class MetricResult:
    """Mixin of the metric result dataclasses (``@dataclass(frozen=True, kw_only=True)``).

    ``to_dict()`` is JSON-ready (numpy scalars become Python numbers, tuples lists, NaN
    None and ±inf the strings ``"inf"`` / ``"-inf"``); ``to_frame()`` is one tidy row of
    the scalar fields, for stacking results side by side with ``pd.concat``. A result
    with a natural table of its own (LTV estimates, health bands) overrides
    ``to_frame``.
    """

    def to_dict(self) -> dict[str, Any]:
        return {k: plain(v) for k, v in asdict(self).items()}  # type: ignore[call-overload]

    def to_frame(self) -> pd.DataFrame:
        """One row: a column per scalar field (numbers, text, flags, None), in field order."""
        row = {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]
        return pd.DataFrame([{k: v for k, v in row.items() if v is None or isinstance(v, _SCALARS)}])
