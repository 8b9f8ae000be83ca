"""CS metrics: the numbers behind the report and the teaching notebooks.

Pure functions over pandas / numpy, one job per module:

* :mod:`~csmaturity.metrics.loyalty` — NPS, NRS, CSAT, CES, DWB, the NPS × NRS matrix
  and significance tests between two results;
* :mod:`~csmaturity.metrics.retention` — churn, retention, GRR, NRR, upsell and
  cross-sell rates over a period;
* :mod:`~csmaturity.metrics.ltv` — LTV three ways and revenue concentration;
* :mod:`~csmaturity.metrics.drivers` — key-driver analysis of a relational survey;
* :mod:`~csmaturity.metrics.importance` — relative importance (Johnson's relative
  weights, Shapley values) with bootstrap intervals;
* :mod:`~csmaturity.metrics.survival` — Kaplan–Meier retention curves, median and
  expected lifetime (lifelines);
* :mod:`~csmaturity.metrics.health` — configurable health score and ARR at risk;
* :mod:`~csmaturity.metrics.business` — CRM ROI, break-even, payback and KPIs.

Results are small frozen dataclasses (:class:`~csmaturity.metrics._result.MetricResult`)
with ``to_dict()`` (JSON-ready) and ``to_frame()`` (a tidy one-row DataFrame), or tidy
DataFrames. Bad data raises :class:`csmaturity.errors.DataError` naming the file,
column and spreadsheet rows (header = row 1, first data row = row 2); a wrong argument
value (a cost of 0, a confidence of 1.5) raises a ``ValueError`` naming the argument; a
wrong health-score config raises :class:`csmaturity.errors.ConfigError`. Nothing here
imports matplotlib.
"""

from csmaturity.io.columns import ScaleColumn, coerce_scale
from csmaturity.metrics.business import *  # noqa: F403
from csmaturity.metrics.business import __all__ as _business
from csmaturity.metrics.drivers import *  # noqa: F403
from csmaturity.metrics.drivers import __all__ as _drivers
from csmaturity.metrics.health import *  # noqa: F403
from csmaturity.metrics.health import __all__ as _health
from csmaturity.metrics.importance import *  # noqa: F403
from csmaturity.metrics.importance import __all__ as _importance
from csmaturity.metrics.loyalty import *  # noqa: F403
from csmaturity.metrics.loyalty import __all__ as _loyalty
from csmaturity.metrics.ltv import *  # noqa: F403
from csmaturity.metrics.ltv import __all__ as _ltv
from csmaturity.metrics.retention import *  # noqa: F403
from csmaturity.metrics.retention import __all__ as _retention
from csmaturity.metrics.survival import *  # noqa: F403
from csmaturity.metrics.survival import __all__ as _survival

__all__ = [
    "ScaleColumn",
    "coerce_scale",
    *_loyalty,
    *_retention,
    *_survival,
    *_ltv,
    *_drivers,
    *_importance,
    *_health,
    *_business,
]
