"""Answers files: every kind of bad input gets a message naming file, key path and expectation."""

from __future__ import annotations

import pytest
import yaml

from csmaturity import AnswersError, load_answers, parse_answers, parse_model
from csmaturity.answers import blank_answers_yaml, check_unique_client_ids

from tiny_model import answers_dict, tiny_model_dict

GOOD = {"q1": "x", "q2": ["m1"], "q3": 3, "q4": "yes"}


@pytest.fixture()
def tiny():
    return parse_model(tiny_model_dict())


def _messages(data, model) -> list[str]:
    with pytest.raises(AnswersError) as info:
        parse_answers(data, model, file="client.yaml")
    return [str(p) for p in info.value.problems if p.severity == "error"]


def test_good_file_round_trip(tmp_path, tiny):
    path = tmp_path / "c.yaml"
    data = answers_dict({**GOOD, "q1": {"answer": "y", "evidence": " board deck p.3 "}})
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    answers = load_answers(path, tiny)
    assert answers.answers == {"q1": "y", "q2": ["m1"], "q3": 3, "q4": "yes"}
    assert answers.evidence == {"q1": "board deck p.3"}
    assert answers.source == str(path) and answers.warnings == ()


def test_unknown_question_id(tiny):
    (msg,) = _messages(answers_dict({**GOOD, "q9": "x"}), tiny)
    assert msg.startswith("client.yaml: answers.q9: unknown question id 'q9'")


def test_option_not_in_question(tiny):
    (msg,) = _messages(answers_dict({**GOOD, "q1": "w"}), tiny)
    assert "answers.q1" in msg and "'w' is not an option" in msg and "['x', 'y', 'z']" in msg


def test_multi_choice_problems(tiny):
    assert "not an option" in _messages(answers_dict({**GOOD, "q2": ["m1", "mx"]}), tiny)[0]
    assert "cannot be combined" in _messages(answers_dict({**GOOD, "q2": ["none", "m1"]}), tiny)[0]
    assert "listed twice" in _messages(answers_dict({**GOOD, "q2": ["m1", "m1"]}), tiny)[0]
    assert "empty selection" in _messages(answers_dict({**GOOD, "q2": []}), tiny)[0]


@pytest.mark.parametrize("value,expected", [
    (6, "6 is out of range; expected a whole number from 1 to 5"),
    (0, "out of range"),
    (2.5, "expected a whole number from 1 to 5, got 2.5"),
    ("3", "expected a whole number from 1 to 5, got '3'"),
    (True, "expected a whole number"),
])
def test_scale_out_of_range_or_wrong_type(tiny, value, expected):
    (msg,) = _messages(answers_dict({**GOOD, "q3": value}), tiny)
    assert "answers.q3" in msg and expected in msg


def test_yes_no_accepts_yaml_booleans_and_unknown(tiny):
    a = parse_answers(answers_dict({**GOOD, "q4": False}), tiny)
    assert a.answers["q4"] == "no"
    a = parse_answers(answers_dict({**GOOD, "q4": "unknown"}), tiny)
    assert a.answers["q4"] == "dont_know"


def test_dont_know_refused_where_the_model_forbids_it(tiny):
    data = tiny_model_dict()
    data["questions"][0]["allow_dont_know"] = False
    model = parse_model(data)
    (msg,) = _messages(answers_dict({**GOOD, "q1": "dont_know"}), model)
    assert "does not accept" in msg


def test_missing_required_client_fields(tiny):
    data = answers_dict(GOOD)
    del data["client"]["name"]
    del data["client"]["profile"]["customers"]
    msgs = _messages(data, tiny)
    assert any("client.name: required key is missing" in m for m in msgs)
    assert any("client.profile.customers: required key is missing" in m for m in msgs)


def test_wrong_client_field_types(tiny):
    data = answers_dict(GOOD, assessment_date="last tuesday", language="fr")
    msgs = _messages(data, tiny)
    assert any("client.assessment_date" in m for m in msgs)
    assert any("client.language" in m and "'fr'" in m for m in msgs)


def test_all_problems_in_a_file_reported_together(tiny):
    data = answers_dict({"q1": "w", "q2": ["none", "m1"], "q3": 9, "q4": "maybe", "q7": 1}, language="fr")
    msgs = _messages(data, tiny)
    assert len(msgs) == 6
    for key in ("client.language", "answers.q1", "answers.q2", "answers.q3", "answers.q4", "answers.q7"):
        assert any(key in m for m in msgs), key


def test_answer_entry_with_unknown_keys(tiny):
    (msg,) = _messages(answers_dict({**GOOD, "q1": {"answer": "x", "note": "?"}}), tiny)
    assert "answers.q1" in msg and "'note'" in msg


def test_answers_for_another_model(tiny):
    data = answers_dict(GOOD)
    data["model"] = {"id": "other", "version": "0.1.0"}
    (msg,) = _messages(data, tiny)
    assert "model.id" in msg and "'other'" in msg
    data["model"] = {"id": "tiny", "version": "0.0.9"}
    answers = parse_answers(data, tiny)
    assert any(w.location == "model.version" and w.severity == "warning" for w in answers.warnings)


def test_empty_malformed_and_non_mapping_files(tmp_path, tiny):
    cases = {"empty.yaml": ("", "file is empty"),
             "broken.yaml": ("client: {id: [\n", "malformed YAML"),
             "list.yaml": ("- a\n- b\n", "expected a YAML mapping"),
             "sjis.yaml": (None, "not UTF-8")}
    for name, (text, expected) in cases.items():
        path = tmp_path / name
        if text is None:
            path.write_bytes("client: 株式会社\n".encode("cp932"))
        else:
            path.write_text(text, encoding="utf-8")
        with pytest.raises(AnswersError) as info:
            load_answers(path, tiny)
        assert str(path) in str(info.value) and expected in str(info.value), name
    broken = str(pytest.raises(AnswersError, load_answers, tmp_path / "broken.yaml", tiny).value)
    assert "line 2, column 1" in broken


def test_duplicate_client_ids_across_files(tmp_path, tiny):
    files = []
    for name in ("a.yaml", "b.yaml"):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(answers_dict(GOOD)), encoding="utf-8")
        files.append(load_answers(path, tiny))
    (problem,) = check_unique_client_ids(files)
    assert problem.file.endswith("b.yaml")
    assert "duplicate client id 'c1'" in problem.message and "a.yaml" in problem.message


def test_blank_answers_file_lists_every_question_and_loads_once_filled(tiny, model):
    for lang in ("ja", "en"):
        text = blank_answers_yaml(model, lang, "acme")
        for q in model.questions:
            assert f"  {q.id}:" in text and q.text.get(lang) in text
        data = yaml.safe_load(text)
        data["client"].update(name="Acme", industry="SaaS")
        data["client"]["profile"]["arr_band"] = "1-10M"
        answers = parse_answers(data, model)
        assert answers.answers == {}  # blank answers are unanswered, not errors
        assert answers.client.id == "acme"


def test_data_files_resolve_relative_to_the_answers_file(tmp_path, tiny):
    (tmp_path / "acme_accounts.csv").write_text("account_id\n1\n", encoding="utf-8")
    data = answers_dict(GOOD)
    data["data"] = {"accounts": "acme_accounts.csv"}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    answers = load_answers(path, tiny)
    assert answers.data_files == {"accounts": tmp_path / "acme_accounts.csv"}


def test_a_named_data_file_that_is_missing_is_an_error(tmp_path, tiny):
    data = answers_dict(GOOD)
    data["data"] = {"survey": "nowhere.csv", "accounts": None}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(AnswersError) as info:
        load_answers(path, tiny)
    (problem,) = info.value.problems
    assert problem.location == "data.survey" and "nowhere.csv" in problem.message


def test_currency_comes_from_the_client_then_the_model_then_the_language(tiny):
    from csmaturity import assess

    data = tiny_model_dict()
    assert assess(tiny, parse_answers(answers_dict({}), tiny)).currency == "USD"
    assert assess(tiny, parse_answers(answers_dict({}, language="ja"), tiny)).currency == "JPY"
    euro = parse_model({**data, "currency": "EUR"})
    assert assess(euro, parse_answers(answers_dict({}), euro)).currency == "EUR"
    assert assess(euro, parse_answers(answers_dict({}, currency="GBP"), euro)).to_dict()["client"]["currency"] == "GBP"
    assert any("client.currency" in m for m in _messages(answers_dict({}, currency="yen"), tiny))
