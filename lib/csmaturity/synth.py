"""Synthetic client answers files for load tests and benchmarks.

Each synthetic client has a latent maturity ``m`` in (0, 1) drawn from Beta(2, 2);
every answer is drawn around it (a mature client tends to pick the higher-point
options, select more practices, know more answers), so scores spread over all levels
and dimensions correlate as they do in real assessments. The client profile has every
field the model asks for (a choice drawn from its options; counts that grow with the
client's maturity), and the client's language is one of the model's. Seeded: the same
``seed`` and ``n`` always give the same files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .i18n import labels, text
from .io.files import atomic_write
from .io.yamlfile import dump_yaml
from .model import DONT_KNOW, MaturityModel, ProfileField, Question

__all__ = ["synthetic_client", "synthetic_clients", "write_synthetic_clients"]

#: Distinct values a free-text profile field takes among synthetic clients (so that
#: they form segments a portfolio can rank within).
_TEXT_VALUES = 4


def _answer(q: Question, m: float, rng: np.random.Generator) -> Any:
    if q.accepts_dont_know and rng.random() < 0.12 * (1 - m):
        return DONT_KNOW
    noisy = float(np.clip(m + rng.normal(0, 0.2), 0, 1))
    if q.is_multi:
        plain = [o.id for o in q.options if not o.exclusive]
        chosen = [o for o in plain if rng.random() < 0.05 + 0.85 * noisy]
        if chosen:
            return chosen
        exclusive = [o.id for o in q.options if o.exclusive]
        return exclusive[:1] or [plain[0]]
    # one pick (an option or a scale point): the more mature, the higher it scores
    ranked = sorted(q.option_values, key=q.fraction)
    return ranked[int(round(noisy * (len(ranked) - 1)))]


def _size(m: float, rng: np.random.Generator) -> float:
    """A count, size or age: larger for more mature clients (about 3-20)."""
    return float(rng.lognormal(1 + 2 * m, 0.5))


#: How a value of each type of profile field is drawn: (field, maturity, language, rng) -> value.
_PROFILE_DRAWS: dict[str, Callable[[ProfileField, float, str, np.random.Generator], str | int | float]] = {
    "choice": lambda f, m, lang, rng: str(rng.choice([o.id for o in f.options])),
    "text": lambda f, m, lang, rng: text("synth.text_value", lang, field=f.label.get(lang),
                                         n=int(rng.integers(1, _TEXT_VALUES + 1))),
    "whole": lambda f, m, lang, rng: max(1, int(_size(m, rng))),
    "number": lambda f, m, lang, rng: round(_size(m, rng), 1),
}


def synthetic_client(model: MaturityModel, index: int, rng: np.random.Generator) -> dict[str, Any]:
    """One client's answers-file data, drawn with ``rng``."""
    lang = str(rng.choice(model.languages))
    words = labels(lang)["synth"]  # company names and industries in the client's language
    name = text("synth.company", lang, stem=rng.choice(words["stems"]), tail=rng.choice(words["tails"]))
    m = float(rng.beta(2, 2))
    return {
        "client": {
            "id": f"synth-{index:05d}",
            "name": name,
            "industry": str(rng.choice(words["industries"])),
            "assessment_date": (dt.date(2026, 1, 1) + dt.timedelta(days=int(rng.integers(0, 300)))).isoformat(),
            "language": lang,
            "profile": {f.id: _PROFILE_DRAWS[f.type](f, m, lang, rng) for f in model.profile},
        },
        "model": model.ref,
        "answers": {q.id: _answer(q, m, rng) for q in model.questions},
    }


def synthetic_clients(model: MaturityModel, n: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """``n`` synthetic clients, deterministic for a given ``seed``."""
    rng = np.random.default_rng(seed)
    for i in range(n):
        yield synthetic_client(model, i + 1, rng)


def write_synthetic_clients(model: MaturityModel, n: int, out_dir: str | Path, seed: int = 0) -> list[Path]:
    """Write ``n`` answers files into ``out_dir``; return their paths."""
    out = Path(out_dir)
    paths = []
    for data in synthetic_clients(model, n, seed):
        path = out / f"{data['client']['id']}.yaml"
        atomic_write(path, "# Synthetic client for load tests (csmaturity synth)\n" + dump_yaml(data))
        paths.append(path)
    return paths
