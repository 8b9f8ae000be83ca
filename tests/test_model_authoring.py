"""Authoring a model without YAML: the workbook route (export, edit, import), the YAML
text it writes, and the JSON Schema editors use."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml
from openpyxl import load_workbook

from csmaturity.authoring import (
    model_json_schema,
    model_yaml,
    read_model_workbook,
    write_model_workbook,
)
from csmaturity.authoring import workbook as wbmod
from csmaturity.cli import main
from csmaturity.errors import ModelError
from csmaturity.io.sheets import JA_FONT
from csmaturity.model import default_model_path, load_model, parse_model

from conftest import ROOT

SHIPPED = default_model_path()
EXAMPLE = ROOT / "lib" / "csmaturity" / "models" / "examples" / "cs_quick_check.yaml"
MODELS = {"shipped": SHIPPED, "example": EXAMPLE}


def _rich_model_data() -> dict:
    """The example instrument with everything else a model may declare: a yes/no
    question (default options), a scale question with labels, a question scored from
    zero in a model scoring from the lowest option, two benchmarks, phases, segment
    feedback, and texts a spreadsheet would take for formulas."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["title"] = {"en": "=HYPERLINK(\"http://example.com\", \"click\")"}
    data["questions"].append({"id": "has_playbooks", "dimension": "engagement", "type": "yes_no",
                              "text": {"en": "+ Do you have written playbooks?"}})
    data["questions"].append({"id": "exec_sponsor", "dimension": "growth", "type": "scale", "points_from": "zero",
                              "text": {"en": "@ How strong is executive sponsorship?"},
                              "scale": {"min": 0, "max": 4, "labels": {0: {"en": "none"}, 4: {"en": "- full"}}}})
    data["phases"] = [{"id": "now", "name": {"en": "Now"}}, {"id": "later", "name": {"en": "Later"},
                                                             "horizon": {"en": "months 3-12"}}]
    data["currency"] = "EUR"
    data["scoring"].update(combine="role_weights", role_weights={"CEO": 2, "Head of CS": 1.5})
    data["roles"] = [{"id": "cs_lead", "name": {"en": "Head of CS"}}]
    for rec in data["recommendations"]:
        rec["phase"] = "now"
    data["recommendations"][0].update(owner="cs_lead", duration_months=2, kpi={"en": "Retention reviewed monthly"})
    data["benchmarks"] = [
        {"id": "survey_a", "source": {"en": "Survey A"}, "year": 2023, "fielded": "2023-05",
         "cohorts": [{"id": "leaders", "name": {"en": "Leaders"}, "n": 40},
                     {"id": "laggards", "name": {"en": "Laggards"}}],
         "contrast": ["leaders", "laggards"], "item_correlation": 0.5,
         "items": [{"id": "a_playbooks", "label": {"en": "Has playbooks"}, "shares": {"leaders": 0.7, "laggards": None},
                    "note": "=reported as 'most'"}]},
        {"id": "survey_b", "source": {"en": "Survey B"},
         "cohorts": [{"id": "all", "name": {"en": "Everyone"}}],
         "items": [{"id": "b_health", "label": {"en": "Automatic health score"}, "shares": {"all": 0.25}}]},
    ]
    data["questions"][-2]["benchmark"] = [{"item": "a_playbooks", "options": ["yes"]}]
    data["questions"][2]["benchmark"] = [{"item": "b_health", "options": ["4"], "dont_know_matches": True}]
    return data


@pytest.fixture(scope="module")
def rich_model():
    return parse_model(_rich_model_data())


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    """Each model exported once; tests edit copies."""
    folder = tmp_path_factory.mktemp("exported")
    out = {}
    for name, path in MODELS.items():
        out[name] = write_model_workbook(load_model(path), folder / f"{name}.xlsx")
    return out


def _copy(exported: dict[str, Path], name: str, tmp_path: Path) -> Path:
    target = tmp_path / f"{name}.xlsx"
    shutil.copy(exported[name], target)
    return target


def _header(ws) -> dict[str, int]:
    """Column number (1-based) of each header of a sheet."""
    return {c.value: c.column for c in ws[1] if c.value is not None}


def _row_of(ws, **match) -> int:
    """The row whose named columns hold the given values."""
    cols = _header(ws)
    for row in range(2, ws.max_row + 1):
        if all(ws.cell(row, cols[k]).value == v for k, v in match.items()):
            return row
    raise AssertionError(f"no row {match} in sheet {ws.title}")


def _problems(path: Path) -> list[str]:
    with pytest.raises(ModelError) as info:
        read_model_workbook(path)
    return [str(p) for p in info.value.problems]


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("name", MODELS)
def test_export_then_import_gives_the_same_model(name, exported):
    assert read_model_workbook(exported[name]).model_dump() == load_model(MODELS[name]).model_dump()


def test_everything_a_model_may_declare_survives_the_round_trip(rich_model, tmp_path):
    path = write_model_workbook(rich_model, tmp_path / "rich.xlsx")
    back = read_model_workbook(path)
    assert back.model_dump() == rich_model.model_dump()
    assert back.title.en.startswith("=HYPERLINK")
    assert back.question("coverage_model").option("2").by_segment[0].when == {"segment": ["enterprise"]}
    assert back.question("exec_sponsor").points_from == "zero" and back.scoring.option_points == "lowest"


def test_every_key_of_the_schema_has_a_sheet_or_a_column():
    """A key added to the model's schema without a place in the workbook would be lost
    on the way through it: this test fails first."""
    from csmaturity import model as m

    sheets = {m.ProfileField: "profile", m.ProfileOption: "profile_options", m.Dimension: "dimensions",
              m.Question: "questions", m.Option: "options", m.Feedback: "option_feedback",
              m.BenchmarkLink: "benchmark_links", m.Level: "levels", m.Phase: "phases", m.Role: "roles",
              m.Recommendation: "recommendations", m.Trigger: "triggers", m.Benchmark: "benchmarks",
              m.Cohort: "cohorts", m.BenchmarkItem: "benchmark_items"}
    for cls, name in sheets.items():
        sheet = next(s for s in wbmod.SHEETS if s.name == name)
        depth = len(sheet.path)
        children = {s.path[depth] for s in wbmod.SHEETS if len(s.path) > depth and s.path[:depth] == sheet.path}
        # (scale.labels is a sheet of its own beside the columns scale.min and scale.max)
        assert {c.key.split(".")[0] for c in sheet.fields} == set(cls.model_fields) - children, name
    lists = {s.path[0] for s in wbmod.SHEETS}
    rows = {c.key for c in wbmod._MODEL_ROWS}
    assert {k.split(".")[0] for k in rows} == set(m.MaturityModel.model_fields) - lists
    for key, cls in (("score_scale", m.ScoreScale), ("scoring", m.ScoringRules)):
        assert {k.split(".")[1] for k in rows if k.startswith(f"{key}.")} == set(cls.model_fields), key
    assert {s.name for s in wbmod.SHEETS} == set(sheets.values()) | {"scale_labels"}


def test_texts_that_look_like_formulas_are_written_as_text(rich_model, tmp_path):
    path = write_model_workbook(rich_model, tmp_path / "rich.xlsx")
    book = load_workbook(path)
    model_ws = book["model"]
    title = model_ws.cell(_row_of(model_ws, key="title.en"), 2)
    assert title.data_type == "s" and title.value.startswith("=HYPERLINK")
    items = book["benchmark_items"]
    note = items.cell(2, _header(items)["note"])
    assert note.data_type == "s" and note.value == "=reported as 'most'"


@pytest.mark.parametrize("name", MODELS)
def test_the_written_yaml_reads_back_to_the_same_model(name, tmp_path):
    model = load_model(MODELS[name])
    path = tmp_path / "model.yaml"
    path.write_text(model_yaml(model), encoding="utf-8")
    assert load_model(path).model_dump() == model.model_dump()


def test_the_written_yaml_reads_like_the_shipped_file(rich_model):
    shipped_text = SHIPPED.read_text(encoding="utf-8")
    text = model_yaml(load_model())
    top = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    shipped_top = [line.split(":")[0] for line in shipped_text.splitlines() if line[:1].isalpha()]
    assert [k for k in top if k in shipped_top] == shipped_top  # the shipped model's order
    assert "title: {ja: カスタマーサクセス成熟度モデル, en: Customer Success maturity model}" in text
    option = '{id: retention, points: 1, label: {ja: 継続率・継続数・継続額, en: "Retention (rate, count or amount)"}}'
    assert f"      - {option}\n" in text
    assert "gates: {kpis: 50, health_score: 40}" in text and "weight: 15\n" in text  # no "15.0"
    example = model_yaml(load_model(EXAMPLE))
    assert "id: \"1\"" not in example  # numbered options stay unnumbered, as written
    assert "chosen: [2, 3]" in example
    assert "points_from" not in example  # the model's scoring.option_points says it once
    assert "points_from: zero" in model_yaml(rich_model)


# --------------------------------------------------------------------------- the workbook


def test_workbook_has_a_sheet_per_part_with_frozen_headers_dropdowns_and_japanese_fonts(exported):
    book = load_workbook(exported["shipped"])
    assert book.sheetnames[1:] == ["model", *(s.name for s in wbmod.SHEETS)]
    questions = book["questions"]
    assert questions.freeze_panes == "B2"
    assert list(_header(questions))[:6] == ["id", "dimension", "type", "text.ja", "text.en", "weight"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in questions.data_validations.dataValidation}
    assert lists["C2"] == '"single,multi,yes_no,scale"'
    assert lists["B2"] == "'dimensions'!$A$2:$A$5000"  # the ids of the dimensions sheet
    options = book["options"]
    cols = _header(options)
    row = _row_of(options, question="kpi_defined", id="retention")
    assert options.cell(row, cols["label.ja"]).font.name == JA_FONT
    assert options.cell(row, cols["label.ja"]).alignment.wrap_text
    assert options.column_dimensions["C"].width > 20
    assert book["levels"].cell(_row_of(book["levels"], id="cs1"), _header(book["levels"])["gates.kpis"]).value == 50
    items = book["benchmark_items"]
    assert {"shares.effective", "shares.not_effective"} <= set(_header(items))
    readme = book.worksheets[0]
    assert readme.title == "説明" and "csmaturity model import shipped.xlsx" in readme["A4"].value


def test_an_english_only_model_gets_english_columns_only(exported):
    book = load_workbook(exported["example"])
    assert [h for h in _header(book["questions"]) if h.startswith("text.")] == ["text.en"]
    assert book.worksheets[0].title == "Read me"
    options = book["options"]
    cols = _header(options)
    row = _row_of(options, question="coverage_model", id="2")
    assert options.cell(row, cols["next_step.en"]).value.startswith("Split the base")
    feedback = book["option_feedback"]
    assert feedback.cell(2, _header(feedback)["when.segment"]).value == "enterprise"


# --------------------------------------------------------------------------- an edited workbook


def test_an_edited_weight_and_a_new_option_are_read(exported, tmp_path):
    path = _copy(exported, "shipped", tmp_path)
    book = load_workbook(path)
    dims = book["dimensions"]
    dims.cell(_row_of(dims, id="kpis"), _header(dims)["weight"]).value = 20
    options = book["options"]
    cols = _header(options)
    last = _row_of(options, question="kpi_review", id="rarely")
    options.insert_rows(last + 1)
    for key, value in {"question": "kpi_review", "id": "never", "label.ja": "確認していない",
                       "label.en": "Never", "points": 0}.items():
        options.cell(last + 1, cols[key]).value = value
    book.save(path)
    model = read_model_workbook(path)
    assert model.dimensions_by_id["kpis"].weight == 20
    assert [o.id for o in model.question("kpi_review").options][-2:] == ["rarely", "never"]
    assert model.question("kpi_review").option("never").label.ja == "確認していない"


def test_a_broken_points_cell_is_named_by_sheet_row_and_column(exported, tmp_path):
    path = _copy(exported, "shipped", tmp_path)
    book = load_workbook(path)
    options = book["options"]
    row = _row_of(options, question="kpi_defined", id="churn")
    options.cell(row, _header(options)["points"]).value = "lots"
    book.save(path)
    (problem,) = _problems(path)
    assert f"sheet 'options', row {row}, column E 'points'" in problem
    assert "valid number" in problem and "'lots'" in problem


def test_a_deleted_required_column_is_named(exported, tmp_path):
    path = _copy(exported, "shipped", tmp_path)
    book = load_workbook(path)
    options = book["options"]
    options.delete_cols(_header(options)["points"])
    book.save(path)
    assert _problems(path) == [f"{path}: sheet 'options', column 'points': required column missing (deleted or "
                               "renamed?); add it to row 1"]


def test_a_misspelt_question_in_a_trigger_is_named_by_sheet_and_row(exported, tmp_path):
    path = _copy(exported, "shipped", tmp_path)
    book = load_workbook(path)
    triggers = book["triggers"]
    row = _row_of(triggers, recommendation="kpi_cadence")
    triggers.cell(row, _header(triggers)["question"]).value = "kpi_reveiw"
    book.save(path)
    (problem,) = _problems(path)
    assert f"sheet 'triggers', row {row}, column B 'question'" in problem and "unknown question 'kpi_reveiw'" in problem


def test_an_option_of_an_unknown_question_is_named(exported, tmp_path):
    path = _copy(exported, "shipped", tmp_path)
    book = load_workbook(path)
    options = book["options"]
    options.cell(2, 1).value = "kpi_defind"
    book.save(path)
    problems = _problems(path)
    assert "sheet 'options', row 2, column A 'question': unknown question 'kpi_defind': no row of sheet 'questions' " \
           "has this id" in problems[0]
    # The option is left out: the benchmark link naming it says so.
    assert problems[1:] == [f"{path}: sheet 'benchmark_links', row 2, column C 'options': 'retention' is not an option "
                            "of this question; expected one of ['churn', 'cross_sell', 'ltv', 'none', 'nrr', 'upsell']"]


def test_cross_reference_problems_point_at_their_rows(exported, tmp_path):
    path = _copy(exported, "shipped", tmp_path)
    book = load_workbook(path)
    levels = book["levels"]
    cols = _header(levels)
    levels.cell(_row_of(levels, id="cs0"), cols["max"]).value = 50  # was left to follow the next level's min
    levels.cell(_row_of(levels, id="cs1"), cols["min"]).value = 55
    questions = book["questions"]
    questions.cell(_row_of(questions, id="skills"), _header(questions)["text.en"]).value = None
    dims = book["dimensions"]
    dims.cell(_row_of(dims, id="voc"), 1).value = "kpis"  # a duplicate id
    book.save(path)
    problems = _problems(path)
    assert f"{path}: sheet 'levels', row 4, column E 'min': leaves a gap after level 'cs0': scores 50-55 have no " \
           "level; expected min 50" in problems
    row = _row_of(questions, id="skills")
    assert f"{path}: sheet 'questions', row {row}, column E 'text.en': the model declares languages ['ja', 'en']; " \
           "this text has no 'en'" in problems
    assert f"{path}: sheet 'dimensions', rows 2, 4: id 'kpis' is used more than once; ids must be unique" in problems


def test_a_missing_language_column_is_named(exported, tmp_path):
    path = _copy(exported, "example", tmp_path)
    book = load_workbook(path)
    model_ws = book["model"]
    model_ws.cell(_row_of(model_ws, key="languages"), 2).value = "ja, en"
    book.save(path)
    problems = _problems(path)
    assert f"{path}: sheet 'dimensions', column 'name.ja': required column missing (deleted or renamed?); " \
           "add it to row 1" in problems


# --------------------------------------------------------------------------- hostile workbooks


def test_a_missing_sheet_is_named_with_a_hint(exported, tmp_path):
    path = _copy(exported, "shipped", tmp_path)
    book = load_workbook(path)
    book["levels"].title = "Level"
    book.save(path)
    (problem,) = _problems(path)
    assert "sheet 'levels': sheet missing (is 'Level' it, renamed?)" in problem


def test_a_renamed_header_is_named_with_the_likely_name(exported, tmp_path):
    path = _copy(exported, "shipped", tmp_path)
    book = load_workbook(path)
    dims = book["dimensions"]
    dims.cell(1, _header(dims)["weight"]).value = "wieght"
    book.save(path)
    problems = _problems(path)
    assert any("sheet 'dimensions', column D 'wieght': unknown column (a misspelt 'weight'?)" in p for p in problems)
    assert any("sheet 'dimensions', column 'weight': required column missing" in p for p in problems)


def test_wrong_types_formulas_and_dates_are_named_cell_by_cell(exported, tmp_path):
    path = _copy(exported, "shipped", tmp_path)
    book = load_workbook(path)
    dims = book["dimensions"]
    dims.cell(2, _header(dims)["weight"]).value = "heavy"
    bench = book["benchmarks"]
    bench.cell(2, _header(bench)["fielded"]).value = dt.datetime(2021, 2, 1)
    options = book["options"]
    options.cell(2, _header(options)["points"]).value = "=1+1"
    questions = book["questions"]
    questions.cell(2, _header(questions)["allow_dont_know"]).value = "perhaps"
    book.save(path)
    assert sorted(p.split(": ", 1)[1] for p in _problems(path)) == [
        "sheet 'benchmarks', row 2, column E 'fielded': the spreadsheet turned this value into a date or time "
        "(2021-02-01 00:00:00); format the cell as text and type it again",
        "sheet 'dimensions', row 2, column D 'weight': Input should be a valid number, unable to parse string as a "
        "number (got 'heavy')",
        # the formula's cell is reported once, not again as a missing value
        "sheet 'options', row 2, column E 'points': a formula (=1+1); the model takes values only: type the value "
        "itself",
        "sheet 'questions', row 2, column G 'allow_dont_know': Input should be a valid boolean, unable to interpret "
        "input (got 'perhaps')",
    ]


def test_empty_rows_are_ignored(exported, tmp_path):
    path = _copy(exported, "shipped", tmp_path)
    book = load_workbook(path)
    book["options"].insert_rows(5, amount=3)
    book["questions"].insert_rows(2)
    book.save(path)
    assert read_model_workbook(path).model_dump() == load_model().model_dump()


def test_values_in_a_column_without_a_name_are_not_dropped_silently(exported, tmp_path):
    path = _copy(exported, "shipped", tmp_path)
    book = load_workbook(path)
    dims = book["dimensions"]
    dims.cell(3, dims.max_column + 2).value = "a note"
    book.save(path)
    (problem,) = _problems(path)
    assert "sheet 'dimensions', column" in problem and "without a name in row 1" in problem


def test_files_that_are_not_model_workbooks_give_one_clear_error(exported, tmp_path, monkeypatch):
    text_file = tmp_path / "notes.xlsx"
    text_file.write_text("not a workbook", encoding="utf-8")
    assert "cannot open as an Excel workbook" in _problems(text_file)[0]
    assert _problems(tmp_path / "missing.xlsx") == [f"{tmp_path / 'missing.xlsx'}: file not found"]
    assert "not a regular file" in _problems(tmp_path)[0]
    monkeypatch.setattr(wbmod, "MAX_FILE_BYTES", 1000)
    assert "a model workbook has far fewer" in _problems(exported["shipped"])[0]
    monkeypatch.undo()
    monkeypatch.setattr(wbmod, "MAX_ROWS", 50)
    assert "sheet 'options' has more than 50 rows" in _problems(exported["shipped"])[0]


def test_a_workbook_of_another_kind_names_its_missing_sheets(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    Workbook().save(path)
    problems = _problems(path)
    assert len(problems) == 1 + len(wbmod.SHEETS) and "sheet 'model': sheet missing" in problems[0]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_workbook_saved_by_libreoffice_reads_back(exported, tmp_path):
    out = tmp_path / "lo"
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(exported["shipped"])],
                   check=True, capture_output=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert read_model_workbook(out / "shipped.xlsx").model_dump() == load_model().model_dump()


# --------------------------------------------------------------------------- JSON Schema


def _as_json(data):
    """A YAML document as an editor's language server sees it (JSON: string keys)."""
    return json.loads(json.dumps(data))


@pytest.fixture(scope="module")
def validator():
    schema = model_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("name", MODELS)
def test_the_json_schema_accepts_the_shipped_models(name, validator):
    data = _as_json(yaml.safe_load(MODELS[name].read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(data)] == []


def test_the_json_schema_accepts_the_written_yaml_and_a_rich_model(validator, rich_model):
    for model in (load_model(), load_model(EXAMPLE), rich_model):
        assert [e.message for e in validator.iter_errors(_as_json(yaml.safe_load(model_yaml(model))))] == []
    assert [e.message for e in validator.iter_errors(_as_json(_rich_model_data()))] == []


def test_the_json_schema_rejects_a_broken_model(validator):
    data = _as_json(yaml.safe_load(SHIPPED.read_text(encoding="utf-8")))
    broken = copy.deepcopy(data)
    broken["questions"][0]["wieght"] = 2
    broken["questions"][1]["options"][0]["points"] = "high"
    broken["levels"][0]["min"] = "low"
    del broken["dimensions"]
    messages = sorted(e.message for e in validator.iter_errors(broken))
    assert any("'dimensions' is a required property" in m for m in messages)
    assert any("'wieght' was unexpected" in m for m in messages)
    assert sum("is not of type 'number'" in m for m in messages) == 2, messages


# --------------------------------------------------------------------------- the command


def test_cli_export_import_and_schema(tmp_path, capsys):
    xlsx, out = tmp_path / "m.xlsx", tmp_path / "m.yaml"
    assert main(["model", "export", "--xlsx", str(xlsx), "--model", str(EXAMPLE), "--lang", "ja"]) == 0
    assert load_workbook(xlsx).sheetnames[0] == "説明"
    assert main(["model", "export", "--xlsx", str(xlsx)]) == 1
    assert "pass --force" in capsys.readouterr().err
    assert main(["model", "import", str(xlsx), "--out", str(out)]) == 0
    assert load_model(out).model_dump() == load_model(EXAMPLE).model_dump()
    assert main(["model", "import", str(xlsx), "--out", str(out)]) == 1
    assert main(["validate", "--model", str(out)]) == 0
    capsys.readouterr()

    book = load_workbook(xlsx)
    book["dimensions"].cell(2, 3).value = -1
    book.save(xlsx)
    assert main(["model", "import", str(xlsx), "--out", str(out), "--force"]) == 1
    err = capsys.readouterr().err
    assert "INVALID model workbook" in err and "sheet 'dimensions', row 2, column C 'weight'" in err
    assert "Traceback" not in err

    assert main(["model", "schema"]) == 0
    assert json.loads(capsys.readouterr().out)["$schema"].endswith("2020-12/schema")
    schema_file = tmp_path / "cs_model.schema.json"
    assert main(["model", "schema", "--out", str(schema_file)]) == 0
    assert json.loads(schema_file.read_text(encoding="utf-8")) == model_json_schema()
    with pytest.raises(SystemExit) as usage:
        main(["model"])
    assert usage.value.code == 2
