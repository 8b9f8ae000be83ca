"""The action plan exported for trackers (Jira, Asana, Excel)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from csmaturity import assess, load_answers, load_model, parse_answers, parse_model
from csmaturity.report.plan_export import TRACKER_COLUMNS, tracker_table, write_plan_csv, write_plan_xlsx

from tiny_model import answers_dict, tiny_model_dict

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "lib" / "csmaturity" / "samples"


@pytest.fixture(scope="module", params=["ja", "en"])
def hikari(request):
    model = load_model()
    return assess(model, load_answers(SAMPLE / "clients/hikari-cloud.yaml", model), lang=request.param)


def test_headers_are_what_trackers_map(hikari):
    table = tracker_table(hikari)
    assert list(table.columns) == TRACKER_COLUMNS
    assert TRACKER_COLUMNS[:6] == ["Summary", "Description", "Owner", "Start date", "Due date", "Labels"]
    assert all(re.fullmatch(r"[A-Za-z ]+", c) for c in table.columns)  # no punctuation in the header row


def test_rows_follow_the_plan(hikari):
    table = tracker_table(hikari)
    assert table["Summary"].tolist() == hikari.plan["title"].tolist()
    assert table["Rank"].tolist() == list(range(1, len(table) + 1))
    assert (table["Start date"] <= table["Due date"]).all()
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in table["Start date"])
    assert table["Owner"].str.len().gt(0).all()
    for labels in table["Labels"]:
        assert "csmaturity" in labels.split(" ")


def test_csv_and_workbook_round_trip(hikari, tmp_path):
    path = write_plan_csv(hikari, tmp_path / "plan.csv")
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no byte-order mark: Jira reads the first header as is
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    assert [r["Summary"] for r in rows] == hikari.plan["title"].tolist()
    book = load_workbook(write_plan_xlsx(hikari, tmp_path / "plan.xlsx"))
    sheet = book["plan"]
    assert [c.value for c in sheet[1]] == TRACKER_COLUMNS
    (table,) = sheet.tables.values()  # an Excel table, with its filters
    assert sheet.max_row == len(hikari.plan) + 1 and table.ref == f"A1:K{len(hikari.plan) + 1}"


def test_text_that_would_run_as_a_formula_is_neutralised(tmp_path):
    data = tiny_model_dict()
    data["recommendations"][0]["title"] = {"ja": "=HYPERLINK(\"http://x\")", "en": "=HYPERLINK(\"http://x\")"}
    model = parse_model(data)
    result = assess(model, parse_answers(answers_dict({"q1": "z"}), model))
    text = write_plan_csv(result, tmp_path / "plan.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
    sheet = load_workbook(write_plan_xlsx(result, tmp_path / "plan.xlsx"))["plan"]
    (cell,) = [c for c in sheet["A"][1:] if "HYPERLINK" in str(c.value)]
    assert cell.data_type == "s"  # text, never a formula
