"""Report and chart labels in Japanese and English, kept as data in ``labels.yaml``.

Every leaf of the YAML is a ``{ja: ..., en: ...}`` pair. :func:`labels` returns the
tree for one language as nested dicts of strings (Jinja templates read it as
``L.summary.title``); :func:`text` looks up one dotted key (``"chart.radar.title"``).
The file is read once per process.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..model import LANGUAGES

__all__ = ["labels", "text", "check_language"]


def check_language(lang: str) -> str:
    """``lang`` itself when it is a report language, else ValueError."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {lang!r}")
    return lang


@lru_cache(maxsize=1)
def _tree() -> dict[str, Any]:
    raw = (resources.files(__package__) / "labels.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(raw)


def _pick(node: Any, lang: str, path: str) -> Any:
    if isinstance(node, dict) and set(node) == set(LANGUAGES):
        return node[lang]
    if isinstance(node, dict):
        return {key: _pick(value, lang, f"{path}.{key}".lstrip(".")) for key, value in node.items()}
    raise ValueError(f"labels.yaml: {path} must be a mapping or a {{ja, en}} pair")


@lru_cache(maxsize=2)
def labels(lang: str) -> dict[str, Any]:
    """All labels in ``lang`` as nested dicts (do not modify: the result is shared)."""
    return _pick(_tree(), check_language(lang), "")


def text(key: str, lang: str, **values: Any) -> str:
    """One label by dotted key, formatted with ``values`` when given."""
    node: Any = labels(lang)
    for part in key.split("."):
        node = node[part]
    if not isinstance(node, str):
        raise KeyError(f"{key} is a group of labels, not a label")
    return node.format(**values) if values else node
