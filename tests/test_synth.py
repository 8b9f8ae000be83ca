"""Synthetic clients are valid, deterministic and spread over every level."""

from __future__ import annotations

from collections import Counter

from csmaturity import load_answers, score
from csmaturity.synth import write_synthetic_clients


def test_synthetic_clients_are_valid_deterministic_and_varied(model, tmp_path):
    first = write_synthetic_clients(model, 80, tmp_path / "a", seed=7)
    again = write_synthetic_clients(model, 80, tmp_path / "b", seed=7)
    other = write_synthetic_clients(model, 80, tmp_path / "c", seed=8)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]
    cards = [score(model, load_answers(p, model)) for p in first]
    levels = Counter(c.level.id for c in cards)
    assert set(levels) == {lv.id for lv in model.levels}
    langs = Counter(load_answers(p, model).client.language for p in first)
    assert langs["ja"] > 10 and langs["en"] > 10
