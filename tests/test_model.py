"""The shipped model and every kind of broken model a consultant could write."""

from __future__ import annotations

import pytest
import yaml

from csmaturity import ModelError, load_model, parse_model
from csmaturity.model import default_model_path

from tiny_model import tiny_model_dict


def test_shipped_model_is_valid_and_bilingual(model):
    assert model.id == "cs-maturity" and model.version == "1.0.0"
    assert {d.id for d in model.dimensions} == {
        "kpis", "health_score", "voc", "touch_model", "roadmap_ops",
        "technology", "remote_touch", "organization", "outcomes",
    }
    for q in model.questions:
        assert q.text.ja != q.text.en
    assert [lv.id for lv in model.levels] == ["adhoc", "cs0", "cs1", "cs2"]
    (survey,) = model.benchmarks
    assert survey.cohort("effective").n == 257
    assert survey.cohort("not_effective").n == 243
    assert model.languages == ["ja", "en"]


def test_unpublished_survey_cells_stay_unknown(model):
    _, item = model.benchmark_item("kpi_retention")
    assert item.shares == {"effective": 0.56, "not_effective": None}
    assert model.benchmark_item("touch_built")[1].shares["not_effective"] == pytest.approx(0.03)


def _problems(data) -> list[str]:
    with pytest.raises(ModelError) as info:
        parse_model(data, file="my_model.yaml")
    return [str(p) for p in info.value.problems]


def test_negative_weight_is_named():
    data = tiny_model_dict()
    data["dimensions"][0]["weight"] = -1
    (msg,) = _problems(data)
    assert "my_model.yaml: dimensions[a].weight" in msg and "greater than or equal to 0" in msg


def test_overlapping_and_gapped_levels():
    data = tiny_model_dict()
    data["levels"][1]["min"] = 35  # overlaps L0 (0-40)
    data["levels"][2]["min"] = 75  # gap 70-75
    msgs = _problems(data)
    assert any("levels[L1].min" in m and "overlaps level 'L0'" in m for m in msgs)
    assert any("levels[L2].min" in m and "gap" in m and "70-75" in m for m in msgs)


def test_levels_must_cover_0_to_100():
    data = tiny_model_dict()
    data["levels"][-1]["max"] = 90
    assert any("must end at the top of the score scale, 100" in m for m in _problems(data))


def test_recommendation_pointing_at_missing_question():
    data = tiny_model_dict()
    data["recommendations"][0]["triggers"][0]["question"] = "q99"
    (msg,) = _problems(data)
    assert "recommendations[r_a].triggers[0].question" in msg and "unknown question 'q99'" in msg


def test_dependency_cycle_is_shown_as_a_path():
    data = tiny_model_dict()
    data["recommendations"][0]["depends_on"] = ["r_b"]  # r_b already depends on r_a
    (msg,) = _problems(data)
    assert "dependency cycle" in msg and ("r_a -> r_b -> r_a" in msg or "r_b -> r_a -> r_b" in msg)


def test_all_problems_of_a_file_are_reported_together():
    data = tiny_model_dict()
    data["dimensions"][0]["weight"] = -2
    data["questions"][0]["dimension"] = "nope"
    data["recommendations"][1]["depends_on"] = ["ghost"]
    data["questions"][1]["benchmark"][0]["item"] = "no_item"
    data["questions"][2]["scale"]["max"] = "five"
    msgs = _problems(data)
    assert len(msgs) == 5
    assert any("dimensions[a].weight" in m for m in msgs)
    assert any("questions[q3].scale.max" in m for m in msgs)
    assert any("unknown dimension 'nope'" in m for m in msgs)
    assert any("unknown recommendation 'ghost'" in m for m in msgs)
    assert any("unknown benchmark item 'no_item'" in m for m in msgs)


def test_typo_in_a_key_is_caught_not_ignored():
    data = tiny_model_dict()
    data["questions"][0]["wieght"] = 2
    (msg,) = _problems(data)
    assert "questions[q1].wieght" in msg and "unknown key" in msg


def test_yaml_booleans_get_a_hint():
    data = tiny_model_dict()
    data["questions"][0]["options"][2]["id"] = False  # what `id: no` becomes in YAML
    msgs = _problems(data)
    assert any("quote the value" in m for m in msgs)


def test_option_points_and_scale_bounds():
    data = tiny_model_dict()
    data["questions"][2]["scale"] = {"min": 5, "max": 1}
    for o in data["questions"][0]["options"]:
        o["points"] = 0
    msgs = _problems(data)
    assert any("questions[q3].scale" in m and "must be below max" in m for m in msgs)
    assert any("questions[q1].options" in m and "could never score" in m for m in msgs)


def test_missing_required_key():
    data = tiny_model_dict()
    del data["questions"][0]["text"]
    (msg,) = _problems(data)
    assert "questions[q1].text" in msg and "required key is missing" in msg


def test_malformed_and_empty_model_files(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nquestions: [\n  - a: b\n", encoding="utf-8")
    with pytest.raises(ModelError) as info:
        load_model(bad)
    assert "bad.yaml: line" in str(info.value) and "malformed YAML" in str(info.value)
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ModelError, match="empty.yaml: file is empty"):
        load_model(empty)
    with pytest.raises(ModelError, match="file not found"):
        load_model(tmp_path / "missing.yaml")


def test_a_copied_and_extended_model_loads(tmp_path, model):
    data = yaml.safe_load(default_model_path().read_text(encoding="utf-8"))
    data["version"] = "1.1.0"
    data["dimensions"][0]["weight"] = 30
    data["questions"].append({
        "id": "exec_sponsor", "dimension": "organization", "type": "yes_no",
        "text": {"ja": "CSの担当役員がいますか。", "en": "Is there an executive sponsor for CS?"},
    })
    path = tmp_path / "my_model.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    mine = load_model(path)
    assert mine.version == "1.1.0" and "exec_sponsor" in mine.questions_by_id
    assert mine.dimensions_by_id["kpis"].weight == 30


def test_a_schema_version_1_model_is_upgraded_on_reading():
    """The first format (one benchmark with fixed cohorts, the profile fixed in code)
    still loads, as the same model the current format gives."""
    from tiny_model import TINY_BENCHMARK_V1

    current = parse_model(tiny_model_dict())
    old = tiny_model_dict()
    old["schema_version"] = 1
    old["benchmark"] = TINY_BENCHMARK_V1
    del old["benchmarks"], old["profile"]
    upgraded = parse_model(old)
    assert upgraded.benchmarks[0].model_dump() == {**current.benchmarks[0].model_dump(), "year": None}
    assert [f.id for f in upgraded.profile] == ["business_model", "arr_band", "customers", "cs_headcount"]
    assert upgraded.benchmarks[0].contrast == ("effective", "not_effective")
