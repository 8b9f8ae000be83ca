"""Fuzzing the three readers of client files: answers YAML, model YAML, account and
survey tables. Whatever the bytes, the reader returns a result or raises a
``CsMaturityError`` whose problems name the file — never another exception — and
answers within the hypothesis deadline."""

from __future__ import annotations

import copy
import math
import random
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csmaturity import load_answers, parse_answers, parse_model, score
from csmaturity.errors import CsMaturityError, ValidationFailed
from csmaturity.io.readers import ACCOUNTS_SCHEMA, SURVEY_SCHEMA, read_table

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_ANSWERS = (ROOT / "lib/csmaturity/samples/clients/hikari-cloud.yaml").read_text(encoding="utf-8")
FUZZ = settings(max_examples=60, deadline=3000, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow], derandomize=True)

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                    st.text(max_size=12), st.sampled_from(["yes", "no", "dont_know", "B2B", "2024-13-45", "ja", "∞"]))
trees = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                     max_leaves=20)


def _problems_name_the_file(error: CsMaturityError, name: str) -> None:
    if isinstance(error, ValidationFailed):
        assert error.problems and all(p.file for p in error.problems)
        assert any(name in p.file for p in error.problems), error


def _mutate_lines(text: str, seed: int) -> str:
    """Delete, duplicate, swap or garble a few lines (what a careless edit does)."""
    rng = random.Random(seed)
    lines = text.splitlines()
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        action = rng.choice(["delete", "duplicate", "swap", "garble", "indent"])
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "garble":
            cut = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:cut] + rng.choice([":", "- ", "&a", "*a", "{", "'", "\t", "１", "\x00", "🙂"])
        else:
            lines[i] = "  " + lines[i]
    return "\n".join(lines) + "\n"


@FUZZ
@given(seed=st.integers(0, 10**9))
def test_answers_reader_survives_edited_files(tmp_path, model, seed):
    path = tmp_path / "client.yaml"
    path.write_text(_mutate_lines(SAMPLE_ANSWERS, seed), encoding="utf-8")
    try:
        load_answers(path, model)
    except CsMaturityError as error:
        _problems_name_the_file(error, "client.yaml")


@FUZZ
@given(data=trees)
def test_answers_reader_survives_any_yaml_document(tmp_path, model, data):
    path = tmp_path / "client.yaml"
    path.write_text(yaml.safe_dump({"client": data, "answers": data} if isinstance(data, dict) else data,
                                   allow_unicode=True), encoding="utf-8")
    try:
        load_answers(path, model)
    except CsMaturityError as error:
        _problems_name_the_file(error, "client.yaml")


@FUZZ
@given(raw=st.binary(max_size=400))
def test_answers_reader_survives_any_bytes(tmp_path, model, raw):
    path = tmp_path / "client.yaml"
    path.write_bytes(raw)
    try:
        load_answers(path, model)
    except CsMaturityError as error:
        _problems_name_the_file(error, "client.yaml")


@pytest.fixture(scope="module")
def model_data():
    from csmaturity.model import default_model_path

    return yaml.safe_load(default_model_path().read_text(encoding="utf-8"))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


@FUZZ
@given(seed=st.integers(0, 10**9), replacement=scalars)
def test_model_validation_survives_any_edit(model_data, seed, replacement):
    rng = random.Random(seed)
    data = copy.deepcopy(model_data)
    for _ in range(rng.randint(1, 3)):
        paths = [p for p in _paths(data) if p]
        path = rng.choice(paths)
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = rng.choice(["replace", "delete", "duplicate"])
        if action == "delete" or not isinstance(parent, (dict, list)):
            del parent[path[-1]]
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
        else:
            parent[path[-1]] = replacement
    try:
        edited = parse_model(data, file="model.yaml")
    except CsMaturityError as error:
        _problems_name_the_file(error, "model.yaml")
        return
    try:  # the sample answers may no longer fit the edited model
        answers = parse_answers(yaml.safe_load(SAMPLE_ANSWERS), edited, file="client.yaml")
    except CsMaturityError as error:
        _problems_name_the_file(error, "client.yaml")
        return
    card = score(edited, answers)  # a model that validates scores to finite numbers
    assert math.isfinite(card.overall) and all(math.isfinite(v) for v in card.dimensions["score"].fillna(0))


@pytest.mark.parametrize("where", ["dimensions.0.weight", "questions.0.weight", "questions.0.options.0.points"])
@pytest.mark.parametrize("value", [float("inf"), float("nan"), 1e308])
def test_weights_and_points_must_be_finite_and_summable(model_data, where, value):
    data = copy.deepcopy(model_data)
    node = data
    *head, last = where.split(".")
    for part in head:
        node = node[int(part)] if part.isdigit() else node[part]
    node[last] = value
    if where.startswith("dimensions") and value == 1e308:
        data["dimensions"][1]["weight"] = 1e308  # the sum overflows
    try:
        edited = parse_model(data, file="model.yaml")
    except CsMaturityError as error:
        assert "model.yaml" in str(error) and ("finite" in str(error)
                                               or "less than or equal to 1000000" in str(error)), error
        return
    card = score(edited, parse_answers(yaml.safe_load(SAMPLE_ANSWERS), edited))
    assert math.isfinite(card.overall)


cells = st.one_of(st.text(max_size=10), st.sampled_from(["", "1,200", "１２", "2024/4/1", "31/12/2024", "12/31/2024",
                                                          "true", "いいえ", "-5", "1e3", "nan", "=1+1", "٣"]),
                  st.integers(-10**6, 10**12).map(str), st.floats(allow_nan=True).map(str))


@FUZZ
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=8), max_size=6),
       schema=st.sampled_from(["accounts", "survey"]), drop=st.integers(0, 7),
       encoding=st.sampled_from(["utf-8", "cp932", "utf-16"]))
def test_table_reader_survives_any_cells(tmp_path, rows, schema, drop, encoding):
    spec = ACCOUNTS_SCHEMA if schema == "accounts" else SURVEY_SCHEMA
    headers = [c.name for c in spec.columns][:8]
    del headers[drop % len(headers)]
    lines = [",".join(headers)] + [",".join('"' + c.replace('"', '""') + '"' for c in row) for row in rows]
    path = tmp_path / "table.csv"
    try:
        path.write_bytes("\n".join(lines).encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes("\n".join(lines).encode("utf-8"))
    try:
        read_table(path, spec)
    except CsMaturityError as error:
        _problems_name_the_file(error, "table.csv")
