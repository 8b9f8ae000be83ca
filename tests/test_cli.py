"""The command line: exit codes and messages of validate, score, new-client and demo."""

from __future__ import annotations

import json

import pytest
import yaml

from csmaturity.cli import main

from tiny_model import answers_dict, tiny_model_dict


def _write(path, data):
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_validate_sample_clients_ok(sample_client_files, capsys):
    assert main(["validate", *map(str, sample_client_files)]) == 0
    out = capsys.readouterr().out
    assert out.count("OK") == len(sample_client_files) >= 6


def test_validate_reports_every_bad_file_and_fails(tmp_path, sample_client_files, capsys):
    by_name = {p.stem: p for p in sample_client_files}
    bad = _write(tmp_path / "bad.yaml", {**yaml.safe_load(by_name["bluepeak-hr"].read_text(encoding="utf-8")),
                                         "answers": {"kpi_defined": ["retention", "bogus"], "leadership": 9}})
    original = by_name["northwind-analytics"]  # names no data files, so a copy elsewhere stays valid
    dup = tmp_path / "dup.yaml"
    dup.write_text(original.read_text(encoding="utf-8"), encoding="utf-8")
    code = main(["validate", str(bad), str(original), str(dup)])
    err = capsys.readouterr().err
    assert code == 1
    assert "answers.kpi_defined" in err and "'bogus'" in err
    assert "answers.leadership" in err and "9 is out of range" in err
    assert "duplicate client id" in err and "dup.yaml" in err


def test_validate_recognises_a_model_file(tmp_path, capsys):
    good = _write(tmp_path / "m.yaml", tiny_model_dict())
    broken = tiny_model_dict()
    broken["levels"][1]["min"] = 30
    bad = _write(tmp_path / "bad_model.yaml", broken)
    assert main(["validate", str(good)]) == 0
    assert "OK      model" in capsys.readouterr().out
    assert main(["validate", str(bad)]) == 1
    assert "levels[L1].min" in capsys.readouterr().err


def test_strict_turns_warnings_into_failure(tmp_path, capsys):
    model = _write(tmp_path / "m.yaml", tiny_model_dict())
    partial = _write(tmp_path / "c.yaml", answers_dict({"q1": "x"}))
    assert main(["validate", str(partial), "--model", str(model)]) == 0
    assert main(["validate", str(partial), "--model", str(model), "--strict"]) == 1
    assert "unanswered" in capsys.readouterr().err


def test_score_json_with_a_custom_model(tmp_path, capsys):
    model = _write(tmp_path / "m.yaml", tiny_model_dict())
    client = _write(tmp_path / "c.yaml", answers_dict({"q1": "y", "q2": ["m1", "m2", "m3"], "q3": 4, "q4": "no"}))
    assert main(["score", str(client), "--model", str(model), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["overall"] == 56.25 and result["level"]["id"] == "L0" and result["score_level"] == "L1"
    assert result["provenance"]["model"] == {"id": "tiny", "version": "0.1.0"}
    assert len(result["provenance"]["input_hash"]) == 64


def test_input_hash_changes_with_any_input(tmp_path, capsys):
    model = _write(tmp_path / "m.yaml", tiny_model_dict())
    answers = {"q1": "y", "q2": ["m1"], "q3": 4, "q4": "no"}
    hashes = []
    for variant in (answers, {**answers, "q1": {"answer": "y", "evidence": "new note"}}):
        client = _write(tmp_path / "c.yaml", answers_dict(variant))
        main(["score", str(client), "--model", str(model), "--json"])
        hashes.append(json.loads(capsys.readouterr().out)["provenance"]["input_hash"])
    changed = tiny_model_dict()
    changed["dimensions"][0]["weight"] = 3
    main(["score", str(client), "--model", str(_write(tmp_path / "m2.yaml", changed)), "--json"])
    hashes.append(json.loads(capsys.readouterr().out)["provenance"]["input_hash"])
    assert len(set(hashes)) == 3


def test_score_text_output_in_japanese(sample_client_files, capsys):
    midori = next(p for p in sample_client_files if "midori" in p.name)
    assert main(["score", str(midori)]) == 0
    out = capsys.readouterr().out
    assert "みどりフィンテック株式会社" in out and "held back from cs1" in out and "ヘルススコア" in out


def test_score_bad_file_exits_1_with_location(tmp_path, capsys):
    client = _write(tmp_path / "c.yaml", answers_dict({"touch_status": "maybe"}))
    assert main(["score", str(client)]) == 1
    err = capsys.readouterr().err
    assert "c.yaml: answers.touch_status" in err and "'maybe'" in err


def test_bad_model_path_exits_1(tmp_path, sample_client_files, capsys):
    assert main(["score", str(sample_client_files[0]), "--model", str(tmp_path / "none.yaml")]) == 1
    assert "none.yaml: file not found" in capsys.readouterr().err


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["score"])
    assert info.value.code == 2


def test_new_client_writes_a_file_and_will_not_overwrite(tmp_path, capsys):
    out = tmp_path / "new.yaml"
    assert main(["new-client", "--lang", "ja", "--id", "acme", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "id: acme" in text and "成果指標" in text
    out.write_text("precious", encoding="utf-8")
    assert main(["new-client", "--out", str(out)]) == 1
    assert out.read_text(encoding="utf-8") == "precious"
    assert "exists" in capsys.readouterr().err
    assert main(["new-client", "--out", str(out), "--force"]) == 0


@pytest.mark.slow  # every sample client's whole report: the end-to-end run, not the inner loop
def test_demo_diagnoses_every_sample_client(tmp_path, capsys, model, sample_client_files):
    clients = sample_client_files[0].parent
    assert main(["demo", "--clients", str(clients), "--out", str(tmp_path), "--workers", "1"]) == 0
    out = capsys.readouterr().out
    levels = set()
    for path in sample_client_files:
        client_id = yaml.safe_load(path.read_text(encoding="utf-8"))["client"]["id"]
        assert client_id in out
        (results,) = (tmp_path / client_id).glob("*.results.json")
        assert list((tmp_path / client_id).glob("*.report.html")) and list((tmp_path / client_id).glob("*.report.xlsx"))
        levels.add(json.loads(results.read_text(encoding="utf-8"))["level"]["id"])
    assert levels == {lv.id for lv in model.levels}  # the samples span every level
    assert (tmp_path / "portfolio.html").exists() and str(tmp_path / "portfolio.html") in out


def test_every_command_that_ranks_clients_spells_its_options_alike(capsys):
    from csmaturity.cli import build_parser
    from csmaturity.portfolio import DEFAULT_MIN_GROUP

    commands = build_parser()._subparsers._group_actions[0].choices
    for name in ("report", "batch", "portfolio"):
        options = {o: a for a in commands[name]._actions for o in a.option_strings}
        assert "--portfolio-segment" not in options, name
        # The segments are the model's: checked once the model is read, the default its first.
        assert options["--segment"].choices is None and options["--segment"].default is None, name
        assert options["--min-group"].default == DEFAULT_MIN_GROUP, name
        with pytest.raises(SystemExit) as exc:
            main([name, "x", "--segment", "industry", "--min-group", "1"])
        assert exc.value.code == 2
        assert "min_group must be at least 2, got 1" in capsys.readouterr().err
