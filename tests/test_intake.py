"""Excel intake: template -> filled by openpyxl (as a client would) -> import -> score,
and every kind of damaged workbook a client can send back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from csmaturity import AnswersError, load_answers, parse_model, score
from csmaturity.assessment import input_hash
from csmaturity.cli import main
from csmaturity.intake import TICK, choice_labels, read_intake, write_answers, write_intake_template
from csmaturity.model import DONT_KNOW

CLIENTS = Path(__file__).resolve().parents[1] / "lib" / "csmaturity" / "samples" / "clients"
FORM = {"ja": "回答", "en": "Questionnaire"}
ASSESSED = dt.date(2026, 11, 3)  # bluepeak-hr.yaml


def rows_by_key(ws) -> dict[str, int]:
    """Where each keyed row is, read from the ID column as a person would."""
    return {ws[f"G{r}"].value: r for r in range(1, ws.max_row + 1) if ws[f"G{r}"].value}


def fill(template: Path, out: Path, answers, model, lang: str) -> None:
    """Fill a template with ``answers`` the way a client picks from the dropdowns."""
    wb = load_workbook(template)
    ws = wb[FORM[lang]]
    at = rows_by_key(ws)
    client = answers.client
    for key, value in {
        "client.id": client.id, "client.name": client.name, "client.industry": client.industry,
        "client.assessment_date": dt.datetime.combine(client.assessment_date, dt.time()),
        "client.language": client.language,
        **{f"client.profile.{field}": value for field, value in client.profile.items()},
    }.items():
        ws[f"D{at[key]}"] = value
    for q in model.questions:
        value = answers.answers[q.id]
        if q.type == "multi":
            for opt in [value] if value == DONT_KNOW else value:
                ws[f"D{at[f'{q.id}:{opt}']}"] = TICK
        else:
            label = next(lab for lab, v in choice_labels(q, lang).items() if v == value)
            ws[f"D{at[q.id]}"] = label
        if q.id in answers.evidence:
            ws[f"E{at[q.id]}"] = answers.evidence[q.id]
    wb.save(out)


@pytest.fixture()
def filled(tmp_path, model):
    """A template filled with an English sample client; returns (path, answers)."""
    expected = load_answers(CLIENTS / "bluepeak-hr.yaml", model)
    template = write_intake_template(model, tmp_path / "template.xlsx", lang="en")
    out = tmp_path / "filled.xlsx"
    fill(template, out, expected, model, "en")
    return out, expected


def edit(path: Path, change) -> Path:
    """Apply ``change(workbook, form_sheet, rows_by_key)`` and save in place."""
    wb = load_workbook(path)
    ws = wb[FORM["en"]]
    change(wb, ws, rows_by_key(ws))
    wb.save(path)
    return path


def problems_of(path: Path, model) -> list[str]:
    with pytest.raises(AnswersError) as err:
        read_intake(path, model)
    return [str(p) for p in err.value.problems if p.severity == "error"]


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize(("lang", "client"), [("ja", "hikari-cloud"), ("ja", "sakura-logistics"),
                                               ("en", "bluepeak-hr"), ("en", "orbit-education")])
def test_round_trip_scores_like_the_yaml(tmp_path, model, lang, client):
    expected = load_answers(CLIENTS / f"{client}.yaml", model)
    template = write_intake_template(model, tmp_path / "t.xlsx", lang=lang)
    fill(template, tmp_path / "filled.xlsx", expected, model, lang)

    imported = read_intake(tmp_path / "filled.xlsx", model)
    write_answers(model, imported, tmp_path / "client.yaml")
    reloaded = load_answers(tmp_path / "client.yaml", model)

    assert reloaded.client == expected.client
    assert reloaded.answers == expected.answers
    assert reloaded.evidence == expected.evidence
    assert reloaded.warnings == ()
    got, want = score(model, reloaded), score(model, expected)
    assert got.overall == pytest.approx(want.overall)
    assert got.level.id == want.level.id
    assert got.dimensions["score"].tolist() == pytest.approx(want.dimensions["score"].tolist())


def test_cli_round_trip(tmp_path, model, filled, capsys):
    path, expected = filled
    assert main(["intake-template", "--lang", "ja", "--out", str(tmp_path / "ja.xlsx")]) == 0
    assert load_workbook(tmp_path / "ja.xlsx").sheetnames[:2] == ["説明", "回答"]
    assert main(["intake-template", "--out", str(tmp_path / "ja.xlsx")]) == 1  # exists, no --force
    assert main(["import-intake", str(path), "--out", str(tmp_path / "c.yaml")]) == 0
    assert load_answers(tmp_path / "c.yaml", model).answers == expected.answers
    assert "bluepeak-hr: 26/26 answered" in capsys.readouterr().out


def test_cli_reports_rows_and_fails(tmp_path, model, filled, capsys):
    path, _ = filled
    edit(path, lambda wb, ws, at: ws.__setitem__(f"D{at['kpi_review']}", None))
    assert main(["import-intake", str(path), "--out", str(tmp_path / "c.yaml")]) == 1
    err = capsys.readouterr().err
    assert "sheet 'Questionnaire', row 26, question kpi_review" in err
    assert not (tmp_path / "c.yaml").exists()


def test_different_workbooks_hash_differently(tmp_path, model):
    """The hash covers what was answered: two clients' workbooks (or one changed answer)
    never share it, which a batch relies on to skip unchanged clients."""
    template = write_intake_template(model, tmp_path / "t.xlsx", lang="en")
    hashes = []
    for client in ("bluepeak-hr", "orbit-education"):
        fill(template, tmp_path / f"{client}.xlsx", load_answers(CLIENTS / f"{client}.yaml", model), model, "en")
        imported = read_intake(tmp_path / f"{client}.xlsx", model)
        assert imported.raw["client"]["id"] == client and imported.data_files == {}
        hashes.append(input_hash(model, imported))
    edit(tmp_path / "bluepeak-hr.xlsx", lambda wb, ws, at: ws.__setitem__(f"E{at['kpi_review']}", "a new note"))
    hashes.append(input_hash(model, read_intake(tmp_path / "bluepeak-hr.xlsx", model)))
    assert len(set(hashes)) == 3


def test_an_imported_workbook_hashes_like_the_yaml_it_becomes(tmp_path, model, filled):
    """input_hash is over the answers as written (canonical JSON of the mapping, not the
    file's bytes), so the workbook and the answers YAML imported from it are one input."""
    path, _ = filled
    imported = read_intake(path, model)
    write_answers(model, imported, tmp_path / "c.yaml")
    assert input_hash(model, load_answers(tmp_path / "c.yaml", model)) == input_hash(model, imported)


# --------------------------------------------------------------------------- the template


def test_template_dropdowns_protection_and_meta(tmp_path, model):
    wb = load_workbook(write_intake_template(model, tmp_path / "t.xlsx", lang="ja", client_id="acme"))
    assert wb.sheetnames == ["説明", "回答", "_lists", "_meta"]
    assert [wb[s].sheet_state for s in wb.sheetnames] == ["visible", "visible", "hidden", "veryHidden"]
    assert wb.security.lockStructure
    ws = wb["回答"]
    # in OOXML a true flag means the action is *locked*
    assert ws.protection.sheet and ws.protection.deleteRows and ws.protection.insertRows and ws.protection.sort
    at = rows_by_key(ws)
    assert ws[f"D{at['client.id']}"].value == "acme" and ws[f"D{at['client.language']}"].value == "ja"

    def source_of(cell: str) -> list[str]:
        dv = next(dv for dv in ws.data_validations.dataValidation if cell in dv.sqref)
        assert dv.type == "list" and dv.showErrorMessage and dv.errorStyle == "stop"
        sheet, rng = dv.formula1.split("!")
        assert sheet == "'_lists'"
        return [c.value for row in wb["_lists"][rng.replace("$", "")] for c in row]

    q = model.questions_by_id["touch_status"]
    assert source_of(f"D{at['touch_status']}") == ["構築している", "検討中", "構築していない", "分からない"]
    assert source_of(f"D{at['leadership']}")[:2] == ["1 - まったくそうでない", "2"]
    assert source_of(f"D{at['kpi_defined:churn']}") == [TICK]
    # multi-choice questions have one tick row per option plus "don't know", no answer cell of their own
    options = [f"kpi_defined:{o.id}" for o in model.questions_by_id["kpi_defined"].options]
    assert [k for k in at if k.startswith("kpi_defined:")] == [*options, "kpi_defined:dont_know"]
    assert not any(f"D{at['kpi_defined']}" in dv.sqref for dv in ws.data_validations.dataValidation)
    # only the yellow cells can be typed into
    assert ws[f"D{at['touch_status']}"].protection.locked is False
    assert ws[f"E{at['touch_status']}"].protection.locked is False
    assert ws[f"C{at['touch_status']}"].protection.locked is True
    assert ws[f"C{at['touch_status']}"].value == q.text.ja
    meta = dict(wb["_meta"].iter_rows(min_row=1, max_row=7, values_only=True))
    assert (meta["model_id"], meta["model_version"], meta["language"]) == ("cs-maturity", "1.0.0", "ja")


def test_labels_map_back_to_ids_whatever_the_width(tmp_path, model, filled):
    path, expected = filled
    # a full-width, padded copy of a label still matches it
    edit(path, lambda wb, ws, at: ws.__setitem__(f"D{at['touch_status']}", "  Ｂｕｉｌｔ "))
    assert read_intake(path, model).answers["touch_status"] == "built"


# --------------------------------------------------------------------------- bad input


def test_blank_required_answer(model, filled):
    path, _ = filled
    edit(path, lambda wb, ws, at: [ws.__setitem__(f"D{at['kpi_review']}", None),
                                   [ws.__setitem__(f"D{at[k]}", None) for k in at if k.startswith("voc_channels:")],
                                   ws.__setitem__(f"D{at['client.name']}", " ")])
    found = problems_of(path, model)
    assert len(found) == 3
    assert any("sheet 'Questionnaire', row 26, question kpi_review" in p and "answer is blank" in p for p in found)
    assert any("question voc_channels" in p and "tick ✓ at least one option" in p for p in found)
    assert any("field client.name" in p and "'Company name' is blank" in p for p in found)


def test_blank_allowed_becomes_unanswered_warning(model, filled):
    path, _ = filled
    edit(path, lambda wb, ws, at: ws.__setitem__(f"D{at['kpi_review']}", None))
    answers = read_intake(path, model, allow_blank=True)
    assert "kpi_review" not in answers.answers
    assert any("row 26, question kpi_review" in p.location and p.severity == "warning" for p in answers.warnings)
    assert score(model, answers).unanswered == ["kpi_review"]


def test_typed_over_values(model, filled):
    path, _ = filled
    edit(path, lambda wb, ws, at: [ws.__setitem__(f"D{at['kpi_review']}", "Sometimes"),
                                   ws.__setitem__(f"D{at['tech_tools:crm']}", "yes"),
                                   ws.__setitem__(f"D{at['client.profile.customers']}", "many"),
                                   ws.__setitem__(f"D{at['client.language']}", "fr")])
    found = problems_of(path, model)
    assert len(found) == 4
    review = next(p for p in found if "question kpi_review" in p)
    assert "'Sometimes' is not one of the choices" in review and "'Weekly, with actions decided'" in review
    assert any("question tech_tools option crm" in p and "'yes' is not a tick" in p for p in found)
    assert any("field client.profile.customers" in p and "not a whole number" in p for p in found)
    assert any("field client.language" in p and "'fr' is not one of the choices" in p for p in found)


def test_contradictory_ticks_use_the_shared_validator(model, filled):
    path, _ = filled
    # "None defined" is exclusive: the same rule and message as a YAML answers file
    edit(path, lambda wb, ws, at: ws.__setitem__(f"D{at['kpi_defined:none']}", TICK))
    [problem] = problems_of(path, model)
    assert "sheet 'Questionnaire', row 17, question kpi_defined" in problem
    assert "'none' cannot be combined with other options" in problem


def test_dont_know_ticked_with_options(model, filled):
    path, _ = filled
    edit(path, lambda wb, ws, at: ws.__setitem__(f"D{at['tech_tools:dont_know']}", TICK))
    [problem] = problems_of(path, model)
    assert "question tech_tools" in problem and "\"Don't know\" is ticked together with other options" in problem


def test_deleted_row(model, filled):
    path, _ = filled
    edit(path, lambda wb, ws, at: ws.delete_rows(at["kpi_ltv_focus"]))
    found = problems_of(path, model)
    assert "sheet 'Questionnaire', row 27, question kpi_ltv_focus" in found[0]
    assert "is missing: its row was deleted" in found[0]
    # every later row moved up: reported as moved, so the client sees the whole damage
    assert len(found) == 2
    assert "row 28, dimension health_score" in found[1] and "is on row 27, and so are the next" in found[1]


def test_reordered_rows(model, filled):
    path, _ = filled

    def swap(wb, ws, at):
        a, b = at["kpi_review"], at["kpi_ltv_focus"]
        for col in "ABCDEFG":
            ws[f"{col}{a}"].value, ws[f"{col}{b}"].value = ws[f"{col}{b}"].value, ws[f"{col}{a}"].value

    edit(path, swap)
    found = problems_of(path, model)
    assert len(found) == 2
    assert "sheet 'Questionnaire', row 26, question kpi_review" in found[0] and "is on row 27" in found[0]
    assert "rows were moved, inserted or reordered" in found[0]
    assert "row 27, question kpi_ltv_focus" in found[1] and "is on row 26" in found[1]


def test_renamed_sheet(model, filled):
    path, _ = filled
    edit(path, lambda wb, ws, at: setattr(ws, "title", "Answers"))
    [problem] = problems_of(path, model)
    assert "sheet 'Questionnaire'" in problem and "was it renamed?" in problem and "'Answers'" in problem


def test_form_from_an_older_model_version(tmp_path, model):
    data = model.model_dump(mode="json")
    data["version"] = "0.9.0"
    data["questions"] = [q for q in data["questions"] if q["id"] != "voc_relational"]
    data["recommendations"] = []  # they may point at the dropped question
    old = parse_model(data)
    path = write_intake_template(old, tmp_path / "old.xlsx", lang="en")
    found = problems_of(path, model)
    assert "sheet '_meta'" in found[0] and "generated from model cs-maturity 0.9.0" in found[0] and "1.0.0" in found[0]
    assert any("question voc_relational" in p and "new in model 1.0.0" in p for p in found)


def test_model_edited_without_version_bump(tmp_path, model):
    data = model.model_dump(mode="json")
    data["questions"][1]["text"]["en"] = "How often are KPIs looked at?"
    path = write_intake_template(parse_model(data), tmp_path / "edited.xlsx", lang="en")
    [problem] = problems_of(path, model)
    assert "without a version bump" in problem


def test_not_an_intake_workbook(tmp_path, model):
    from openpyxl import Workbook

    Workbook().save(tmp_path / "other.xlsx")
    [problem] = problems_of(tmp_path / "other.xlsx", model)
    assert "hidden sheet missing" in problem
    (tmp_path / "text.xlsx").write_text("not a zip")
    [problem] = problems_of(tmp_path / "text.xlsx", model)
    assert "cannot open as an Excel workbook" in problem


def test_written_yaml_is_readable_by_people(tmp_path, model, filled):
    path, _ = filled
    write_answers(model, read_intake(path, model), tmp_path / "c.yaml")
    data = yaml.safe_load((tmp_path / "c.yaml").read_text(encoding="utf-8"))
    assert data["model"] == {"id": "cs-maturity", "version": "1.0.0"}
    assert data["client"]["assessment_date"] == ASSESSED
    assert data["answers"]["hs_validated"] == "yes"  # a string, not read back as a boolean
