"""Hostile and careless inputs: each case gets a clear error naming where, or a correct
result — never a hang, a crash, a silent misreading or a write outside the output folder."""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import pytest
import yaml

from csmaturity.errors import DataError
from csmaturity.io.columns import parse_dates, parse_numbers
from csmaturity.io.readers import ACCOUNTS_SCHEMA, header_key, read_table

# --- numbers a spreadsheet user never means -------------------------------------------

@pytest.mark.parametrize("text", ["1_0", "1e1", "1E+06", "٧", "७", "⑦", "Ⅶ", "0x10", "inf", "nan", "½"])
def test_numbers_in_other_notations_or_scripts_are_refused(text):
    numbers, problems = parse_numbers(pd.Series([text, "3"]), "score", "survey.csv")
    assert np.isnan(numbers[0]) and numbers[1] == 3
    assert problems and "row 2" in problems[0].location and text in problems[0].message


@pytest.mark.parametrize("text, value", [("７", 7), ("１，２００", 1200), ("1,200,000", 1_200_000), ("-3.5", -3.5),
                                         (" 42 ", 42), ("+.5", 0.5), ("７．０", 7)])
def test_numbers_as_spreadsheets_write_them_are_read(text, value):
    numbers, problems = parse_numbers(pd.Series([text]), "arr", "accounts.csv")
    assert not problems and numbers[0] == value


# --- dates: one order per column ----------------------------------------------------------

def test_a_column_with_dates_in_two_orders_is_refused():
    _, problems = parse_dates(pd.Series(["31/12/2024", "12/31/2024"]), "start_date", "accounts.csv")
    assert problems and "two orders" in problems[0].message and "rows 2, 3" in problems[0].location


def test_day_first_column_is_read_day_first_throughout():
    parsed, problems = parse_dates(pd.Series(["31/12/2024", "01/02/2024"]), "start_date", "accounts.csv")
    assert not problems
    assert list(parsed.dt.strftime("%Y-%m-%d")) == ["2024-12-31", "2024-02-01"]


def test_month_first_column_is_read_month_first_throughout():
    parsed, problems = parse_dates(pd.Series(["12/31/2024", "01/02/2024 10:00"]), "start_date", "accounts.csv")
    assert not problems
    assert list(parsed.dt.strftime("%Y-%m-%d %H:%M")) == ["2024-12-31 00:00", "2024-01-02 10:00"]


def test_ambiguous_column_is_refused_unless_the_order_is_given():
    values = pd.Series(["01/02/2024", "03/04/2024"])
    _, problems = parse_dates(values, "start_date", "accounts.csv")
    assert problems and "ambiguous" in problems[0].message and "date_order" in problems[0].message
    parsed, problems = parse_dates(values, "start_date", "accounts.csv", date_order="dmy")
    assert not problems and list(parsed.dt.month) == [2, 4]
    parsed, problems = parse_dates(values, "start_date", "accounts.csv", date_order="mdy")
    assert not problems and list(parsed.dt.month) == [1, 3]


def test_year_first_dates_need_no_order():
    parsed, problems = parse_dates(pd.Series(["2024/4/1", "2024-12-31", "２０２４／０１／０２"]), "d", "a.csv")
    assert not problems and list(parsed.dt.strftime("%m-%d")) == ["04-01", "12-31", "01-02"]


def test_reader_passes_the_date_order(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,arr,start_date\na1,100,01/02/2024\n", encoding="utf-8")
    with pytest.raises(DataError, match="ambiguous"):
        read_table(path, ACCOUNTS_SCHEMA)
    frame = read_table(path, ACCOUNTS_SCHEMA, date_order="mdy")
    assert frame["start_date"].iloc[0] == pd.Timestamp("2024-01-02")


# --- headers ------------------------------------------------------------------------------

def test_header_key_is_linear_in_the_header_length():
    started = time.perf_counter()
    header_key("a" + " " * 200_000 + "b(")
    header_key("(" * 100_000 + "x)")
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("header, key", [("ARR (円)", "arr"), ("Account ID", "account_id"), ("arr[JPY]", "arr"),
                                         ("a (b) c", "a_(b)_c"), ("x (y(z))", "x_(y(z))"), ("顧客 ID", "顧客_id")])
def test_header_key_keeps_its_meaning(header, key):
    assert header_key(header) == key


def test_a_huge_header_cell_is_refused_by_name(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,arr," + "x" * 5000 + "\na1,100,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="column 3.*5,000 characters"):
        read_table(path, ACCOUNTS_SCHEMA)


# --- YAML: bombs, depth, duplicate keys ------------------------------------------------------

def _alias_bomb(levels: int, width: int = 9) -> str:
    lines = ['a0: &a0 ["lol"]']
    for k in range(1, levels + 1):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("kind", ["answers", "model"])
def test_yaml_alias_bomb_is_refused_quickly_and_briefly(tmp_path, model, kind):
    from csmaturity import load_answers, load_model
    from csmaturity.errors import ValidationFailed

    path = tmp_path / f"{kind}.yaml"
    path.write_text("client:\n  id: x\n" + _alias_bomb(9) if kind == "answers" else _alias_bomb(9), encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ValidationFailed) as info:
        load_answers(path, model) if kind == "answers" else load_model(path)
    assert time.perf_counter() - started < 2
    message = str(info.value)
    assert "expand to more than" in message and str(path) in message and len(message) < 1000


def test_deep_nesting_is_refused_with_a_location(tmp_path):
    from csmaturity import load_model
    from csmaturity.errors import ModelError

    path = tmp_path / "model.yaml"
    path.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ModelError, match=r"line 1, column \d+: .*nested more than 50 levels"):
        load_model(path)
    # Past the kit's limit but within the YAML parser's own, in block style: the line of the too-deep level.
    path.write_text("".join("  " * k + "a:\n" for k in range(60)) + "  " * 60 + "b: 1\n", encoding="utf-8")
    with pytest.raises(ModelError, match=r"line 51, column 101: .*nested more than 50 levels"):
        load_model(path)
    # A deep list first written deep and aliased again shallow further on is as deep as written.
    path.write_text("first:\n  - &x " + "[" * 49 + "]" * 49 + "\nsecond: *x\n", encoding="utf-8")
    with pytest.raises(ModelError, match="nested more than 50 levels"):
        load_model(path)


def test_a_list_that_holds_itself_and_a_date_that_is_none_are_problems_not_hangs(tmp_path):
    from csmaturity.io.yamlfile import read_yaml_file

    path = tmp_path / "odd.yaml"
    path.write_text("a: &x [*x]\n", encoding="utf-8")  # YAML lets an alias name its own list
    started = time.perf_counter()
    assert "expand to more than" in read_yaml_file(path)[1][0].message
    assert time.perf_counter() - started < 2
    path.write_text("assessment_date: 2024-02-30\n", encoding="utf-8")
    (problem,) = read_yaml_file(path)[1]
    assert "day is out of range for month" in problem.message and "quotes" in problem.message


def test_libyaml_and_pyyaml_read_every_shipped_yaml_file_alike(root):
    # The kit parses with libyaml where PyYAML has it, and with PyYAML's own parser where
    # libyaml refuses a file (for its messages): both must read the same data.
    from csmaturity.io import yamlfile

    if yamlfile._FAST_LOADER is None:
        pytest.skip("this PyYAML was built without libyaml")
    files = sorted((root / "lib" / "csmaturity").rglob("*.yaml"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        assert yamlfile._load(text, yamlfile._FAST_LOADER) == yamlfile._load(text, yamlfile._GuardedLoader), path


def test_a_key_given_twice_is_an_error_naming_both_lines(tmp_path, model):
    from csmaturity import load_answers
    from csmaturity.errors import AnswersError

    path = tmp_path / "client.yaml"
    path.write_text("client:\n  id: acme\n  name: Acme\n  id: other\nanswers: {}\n", encoding="utf-8")
    with pytest.raises(AnswersError, match=r"key 'id' is given twice \(lines 2 and 4\)"):
        load_answers(path, model)


def test_merge_keys_and_a_few_aliases_still_work():
    from csmaturity.io.yamlfile import load_yaml_text

    data = load_yaml_text("base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\nlist: [*b, *b]\n")
    assert data["child"] == {"x": 1, "y": 3} and data["list"] == [{"x": 1, "y": 2}] * 2


# --- output names ----------------------------------------------------------------------------

def test_ids_that_map_to_one_output_name_are_named():
    from csmaturity.io.files import output_name_problems

    named = [("acme", "a.yaml"), ("acme/", "b.yaml"), ("ａｃｍｅ", "c.yaml"), ("acme.", "d.yaml"), ("ACME", "e.yaml"),
             ("beta", "f.yaml")]
    problems = output_name_problems(named)
    assert [p.file for p in problems] == ["b.yaml", "c.yaml", "d.yaml", "e.yaml"]
    assert all("a.yaml" in p.message and "'acme'" in p.message for p in problems)


def test_ids_equal_after_the_length_limit_clash():
    from csmaturity.io.files import MAX_NAME_BYTES, output_name_problems, safe_name

    long_a, long_b = "顧" * 60 + "A", "顧" * 60 + "B"
    assert len(safe_name(long_a).encode()) <= MAX_NAME_BYTES
    problems = output_name_problems([(long_a, "a.yaml"), (long_b, "b.yaml")])
    assert len(problems) == 1 and problems[0].file == "b.yaml"


@pytest.mark.parametrize("value", ["logs", "State", "batch_summary.csv", "CON", "aux", "com1", "Lpt9.txt", "nul"])
def test_reserved_and_device_names_are_refused(value):
    from csmaturity.io.files import output_name_problems

    problems = output_name_problems([(value, "x.yaml")], reserved=["logs", "state", "batch_summary.csv"])
    assert len(problems) == 1 and problems[0].location == "client.id"


def test_safe_name_cuts_by_bytes_on_a_character_boundary():
    from csmaturity.io.files import safe_name

    name = safe_name("株式会社" * 40)
    assert len(name.encode("utf-8")) <= 100 and name == "株式会社" * 8 + "株"


# --- every optional column is optional ---------------------------------------------------------

SURVEY_GROUPS = {
    "nrs": ["継続意向（NRS）"], "ces": ["負担感（CES）"], "csat": ["満足度（CSAT）"], "dwb": ["購入意向（DWB）"],
    "waves": ["調査年度"], "items": ["見積もり", "手続き", "納期", "品質", "サポート"], "ids": ["回答ID", "回答日"],
}
ACCOUNT_GROUPS = {
    "churn": ["churned", "churn_date"], "expansion": ["upsell_arr", "cross_sell_arr", "contraction_arr"],
    "usage": ["seats", "active_users", "logins_30d", "feature_adoption", "support_tickets_90d"],
    "ltv": ["revenue_to_date", "cost_of_sales_to_date", "orders_to_date"],
    "other": ["company_name", "plan", "segment", "renewal_date", "last_nps"],
}


def _drop_subsets(groups: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """Drop every optional column, or one group of them (the full tables are the
    sample reports' own tests): each section then stands or says why it is absent."""
    return [("all dropped", [c for g in groups.values() for c in g]),
            *((f"without {name}", columns) for name, columns in groups.items())]


def _render(tmp_path, root, accounts=None, survey=None):
    from csmaturity.report import compute_results, render_html, report_context

    results = compute_results(root / "lib/csmaturity/samples/clients/hikari-cloud.yaml", accounts_file=accounts,
                              survey_file=survey)
    html = render_html(report_context(results))
    text = " ".join(re.findall(r">([^<]+)<", re.sub(r"<style.*?</style>", "", html, flags=re.S)))
    assert not re.search(r"\b(nan|NaN|inf|None)\b", text), "a missing value reached the page"
    return results, html


@pytest.mark.slow  # a whole report per case
@pytest.mark.parametrize("case, dropped", _drop_subsets(SURVEY_GROUPS),
                         ids=[c for c, _ in _drop_subsets(SURVEY_GROUPS)])
def test_report_with_any_subset_of_optional_survey_columns(tmp_path, root, case, dropped):
    survey = pd.read_csv(root / "lib/csmaturity/samples/survey_ja_cp932.csv", encoding="cp932", dtype=str)
    path = tmp_path / "survey.csv"
    survey.drop(columns=dropped).to_csv(path, index=False)
    results, html = _render(tmp_path, root, survey=path)
    if "items" in case and case.startswith("without") or case == "all dropped":
        assert results.metrics.drivers is None and results.metrics.notes  # said why


@pytest.mark.slow  # a whole report per case
@pytest.mark.parametrize("case, dropped", _drop_subsets(ACCOUNT_GROUPS),
                         ids=[c for c, _ in _drop_subsets(ACCOUNT_GROUPS)])
def test_report_with_any_subset_of_optional_account_columns(tmp_path, root, case, dropped):
    accounts = pd.read_csv(root / "lib/csmaturity/samples/accounts.csv", dtype=str)
    path = tmp_path / "accounts.csv"
    accounts.drop(columns=dropped).to_csv(path, index=False)
    _render(tmp_path, root, accounts=path)


def test_all_accounts_churned_is_said_as_such(tmp_path, root):
    accounts = pd.read_csv(root / "lib/csmaturity/samples/accounts.csv", dtype=str)
    accounts["churned"] = "true"
    # After the last start (2025-03-10): a churn before the start is refused since issue 17.
    accounts["churn_date"] = accounts["churn_date"].fillna("2025-03-15")
    path = tmp_path / "accounts.csv"
    accounts.to_csv(path, index=False)
    results, html = _render(tmp_path, root, accounts=path)
    assert results.metrics.retention.churn_rate > 0 and results.metrics.ltv is None and results.metrics.health is None
    assert any(key == "no_active" for key, _ in results.metrics.notes)
    assert "all 2,400 accounts have churned" in html or "2400" in html.replace(",", "")


def test_churn_dates_alone_mark_accounts_as_gone(tmp_path, root):
    accounts = pd.read_csv(root / "lib/csmaturity/samples/accounts.csv", dtype=str).drop(columns=["churned"])
    path = tmp_path / "accounts.csv"
    accounts.to_csv(path, index=False)
    results, _ = _render(tmp_path, root, accounts=path)
    current = accounts["churn_date"].isna().sum()
    assert sum(results.metrics.health.accounts.values()) == current


# --- intake: a damaged hidden sheet ---------------------------------------------------------------

@pytest.mark.parametrize("cell, value, expected", [
    ("B1", "something else", "'format'"), ("B5", "fr", "'language'"), ("B2", None, "'model_id'"),
    ("A9", "nine", "row 9"), ("A10", 3.5, "row 10"), ("B9", None, "row 9"),
])
def test_a_damaged_intake_meta_sheet_is_named(tmp_path, model, cell, value, expected):
    from openpyxl import load_workbook

    from csmaturity.errors import AnswersError
    from csmaturity.intake import read_intake, write_intake_template

    path = write_intake_template(model, tmp_path / "form.xlsx", lang="en")
    wb = load_workbook(path)
    wb["_meta"][cell] = value
    wb.save(path)
    with pytest.raises(AnswersError) as info:
        read_intake(path, model)
    assert f"sheet '_meta', {expected}" in str(info.value) and "form.xlsx" in str(info.value)


# --- answers: ids and names --------------------------------------------------------------------------

def _client_yaml(root, **client) -> str:
    data = yaml.safe_load((root / "lib/csmaturity/samples/clients/hikari-cloud.yaml").read_text(encoding="utf-8"))
    data["client"].update(client)
    data.pop("data", None)
    return yaml.safe_dump(data, allow_unicode=True)


def test_a_long_japanese_id_is_refused_by_validate(tmp_path, root, model):
    from csmaturity import load_answers
    from csmaturity.errors import AnswersError

    path = tmp_path / "client.yaml"
    path.write_text(_client_yaml(root, id="株式会社" * 30), encoding="utf-8")  # 120 characters, 360 bytes
    with pytest.raises(AnswersError, match=r"client\.id: .*360 bytes in UTF-8; at most 100"):
        load_answers(path, model)


@pytest.mark.parametrize("client_id", ["CON", "aux.x", "Com1", "ｎｕｌ"])
def test_a_windows_device_name_as_client_id_is_refused_at_every_front_door(tmp_path, root, model, client_id):
    """Not only in a batch: ``csmaturity report`` would write ``CON.ja.report.html``."""
    from csmaturity import load_answers
    from csmaturity.errors import AnswersError

    path = tmp_path / "client.yaml"
    path.write_text(_client_yaml(root, id=client_id), encoding="utf-8")
    with pytest.raises(AnswersError, match=r"client\.id: .*device name on Windows"):
        load_answers(path, model)
    path.write_text(_client_yaml(root, id="console"), encoding="utf-8")
    assert load_answers(path, model).client.id == "console"  # a longer word is fine


@pytest.mark.parametrize("field", ["name", "industry", "id"])
def test_a_client_field_of_only_spaces_is_refused(tmp_path, root, model, field):
    from csmaturity import load_answers
    from csmaturity.errors import AnswersError

    path = tmp_path / "client.yaml"
    path.write_text(_client_yaml(root, **{field: " \u3000 "}), encoding="utf-8")
    with pytest.raises(AnswersError, match=rf"client\.{field}"):
        load_answers(path, model)


# --- formula injection -----------------------------------------------------------------------------

def test_csv_text_neutralises_what_a_spreadsheet_would_run():
    from csmaturity.io.sheets import csv_text

    frame = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "\tx", "Acme", "a=b"],
                          "overall": [1.5, -2.0, 3, 4, 5, 6, 7]}, index=pd.Index(list("abcdefg"), name="=id"))
    text = csv_text(frame)
    rows = pd.read_csv(__import__("io").StringIO(text), dtype=str, keep_default_na=False)
    assert list(rows["name"]) == ["'=cmd|' /C calc'!A0", "'+1", "'-2", "'@SUM(A1)", "'\tx", "Acme", "a=b"]
    assert list(rows["overall"]) == ["1.5", "-2.0", "3.0", "4.0", "5.0", "6.0", "7.0"]  # numbers stay numbers
    assert rows.columns[0] == "'=id"


# --- characters the embedded font lacks ------------------------------------------------------------

@pytest.mark.parametrize("client, name, note", [
    ("hikari-cloud", "𠮷野家 🚀 Cloud 😀", "顧客満足 ✅ 🎯 \U0001F9EA"),  # an ideograph beyond the BMP, emoji
    ("northwind-analytics", "Acme 🚀", "🎯"),  # only characters the font lacks: no face of their own
])
def test_characters_outside_the_font_and_the_bmp_render_everywhere(tmp_path, root, model, client, name, note):
    from openpyxl import load_workbook

    from csmaturity.report import build_report

    data = yaml.safe_load((root / f"lib/csmaturity/samples/clients/{client}.yaml").read_text(encoding="utf-8"))
    data["client"]["name"] = name
    for qid in list(data["answers"])[:3]:
        answer = data["answers"][qid]
        data["answers"][qid] = {"answer": answer.get("answer") if isinstance(answer, dict) else answer,
                                "evidence": note}
    data.pop("data", None)
    path = tmp_path / "client.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = build_report(path, out_dir=tmp_path / "out")
    html = out.html.read_text(encoding="utf-8")
    assert name in html and note in html
    book = load_workbook(out.xlsx)
    assert any(name in str(cell.value) for ws in book for row in ws.iter_rows() for cell in row if cell.value)


def test_portfolio_spreadsheets_keep_client_text_as_text(tmp_path, model):
    from openpyxl import load_workbook

    from csmaturity.portfolio.report import summarise_portfolio, write_portfolio

    def result(cid, name, industry, overall):
        return {"client": {"id": cid, "name": name, "industry": industry, "assessment_date": "2026-10-01",
                           "language": "en", "profile": {"business_model": "B2B", "arr_band": "1-10M", "customers": 1,
                                                         "cs_headcount": 1}},
                "overall": overall, "level": {"id": model.levels[0].id}, "coverage": 1.0, "provisional": False,
                "dimensions": {d.id: overall for d in model.dimensions}, "top_gaps": [], "benchmark": {}}

    results = [result("evil", "=cmd|' /C calc'!A0", "=1+1", 10), result("plain", "Acme", "@SUM(1)", 20)]
    outputs = write_portfolio(summarise_portfolio(results, model, "en"), model, tmp_path, "en")
    csv = outputs.csv.read_text(encoding="utf-8")
    assert "'=cmd|' /C calc'!A0" in csv and "'=1+1" in csv and "'@SUM(1)" in csv
    sheet = load_workbook(outputs.xlsx).worksheets[0]  # the clients
    cells = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert cells["=cmd|' /C calc'!A0"] == "s" and cells["=1+1"] == "s"  # text, not a formula
