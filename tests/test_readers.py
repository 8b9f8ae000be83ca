"""Reading accounts and survey tables: encodings, normalisation, schema validation."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from csmaturity.errors import DataError
from csmaturity.io.readers import ACCOUNTS_SCHEMA, read_accounts, read_survey, read_table
from csmaturity.metrics import nps

SAMPLE = Path(__file__).resolve().parents[1] / "lib" / "csmaturity" / "samples"

ACCOUNTS_JA = "顧客ID,会社名,ARR（円）,契約開始日\nC1,さくら物流,1200000,2023/4/1\nC2,ひかり食品,800000,2024-01-15\n"
SURVEY_EN = "account_id,nps,nrs\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "shift_jis"])
def test_japanese_headers_in_every_expected_encoding(tmp_path, encoding):
    frame = read_accounts(write(tmp_path, "accounts.csv", ACCOUNTS_JA, encoding))
    assert list(frame.columns) == ["account_id", "company_name", "arr", "start_date"]
    assert frame["company_name"].tolist() == ["さくら物流", "ひかり食品"]
    assert frame["arr"].tolist() == [1_200_000, 800_000]
    assert frame["start_date"].dt.strftime("%Y-%m-%d").tolist() == ["2023-04-01", "2024-01-15"]
    expected = "cp932" if encoding in ("cp932", "shift_jis") else "utf-8-sig"
    assert frame.attrs == {"source": str(tmp_path / "accounts.csv"), "encoding": expected}


def test_full_width_digits_spaces_and_separators_are_normalised(tmp_path):
    text = "account_id,ＮＰＳ,nrs\n　Ｃ１　,９,５\nC2,１０,\nC3,\u3000,3\n"
    frame = read_survey(write(tmp_path, "survey.csv", text, "cp932"))
    assert frame["account_id"].tolist() == ["C1", "C2", "C3"]
    assert frame["nps"].tolist()[:2] == [9, 10] and pd.isna(frame["nps"].iloc[2])
    assert str(frame["nps"].dtype) == "Int64"
    assert pd.isna(frame["nrs"].iloc[1])
    money = read_accounts(write(tmp_path, "a.csv", "顧客ID,ARR,契約開始日\nC1,\"１，２００，０００\",2024/4/1\n"))
    assert money["arr"].iloc[0] == 1_200_000


def test_explicit_encoding(tmp_path):
    path = write(tmp_path, "survey.csv", "顧客ID,推奨度\nC1,7\n", "utf-16")
    assert read_survey(path, encoding="utf-16")["nps"].tolist() == [7]


def test_utf16_file_names_the_encodings_tried(tmp_path):
    path = write(tmp_path, "survey.csv", "顧客ID,推奨度\nC1,7\n", "utf-16")
    with pytest.raises(DataError) as caught:
        read_survey(path)
    message = str(caught.value)
    assert str(path) in message
    assert "utf-8-sig" in message and "cp932" in message and "UTF-16" in message


def test_random_bytes_are_refused(tmp_path):
    path = tmp_path / "noise.csv"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(DataError, match="cannot decode the file with any of the encodings tried"):
        read_table(path)


def test_survey_values_are_validated_all_at_once(tmp_path):
    text = SURVEY_EN + "C1,11,5\nC2,-1,5\nC3,7.5,5\nC4,abc,5\nC5,,6\nC6,９,4\n"
    with pytest.raises(DataError) as caught:
        read_survey(write(tmp_path, "survey.csv", text))
    problems = caught.value.problems
    message = str(caught.value)
    assert all(p.file == str(tmp_path / "survey.csv") for p in problems)
    assert "column 'nps', row 5: " in message and "'abc' (row 5)" in message
    assert "'7.5' (row 4)" in message
    assert "'11' (row 2)" in message and "'-1' (row 3)" in message
    assert "column 'nrs', row 6" in message  # the 6 on a 1–5 scale
    assert "row 7" not in message  # the full-width ９ is fine


def test_blank_answers_stay_blank_and_are_counted_by_metrics(tmp_path):
    frame = read_survey(write(tmp_path, "s.csv", SURVEY_EN + "C1,10,\nC2,,5\nC3,0,4\n"))
    result = nps(frame["nps"])
    assert (result.n_valid, result.n_blank, result.score) == (2, 1, 0.0)


def test_missing_required_column_lists_accepted_headers(tmp_path):
    with pytest.raises(DataError) as caught:
        read_accounts(write(tmp_path, "a.csv", "顧客ID,会社名\nC1,x\n"))
    by_column = {p.location: p.message for p in caught.value.problems}
    assert "column 'arr'" in by_column and "column 'start_date'" in by_column
    assert "年間契約金額" in by_column["column 'arr'"]


def test_duplicate_account_ids_name_their_rows(tmp_path):
    text = "account_id,arr,start_date\nC1,10,2024-01-01\nC2,10,2024-01-01\nC1,10,2024-01-01\n"
    with pytest.raises(DataError) as caught:
        read_accounts(write(tmp_path, "a.csv", text))
    problem = caught.value.problems[0]
    assert problem.location == "column 'account_id', rows 2, 4"
    assert "'C1'" in problem.message


def test_every_kind_of_problem_in_one_error(tmp_path):
    text = ("account_id,arr,start_date,churned,feature_adoption\n"
            "C1,abc,2024-01-01,maybe,0.5\n"
            "C1,100,not a date,false,1.5\n"
            ",100,2024-01-01,true,0.2\n")
    with pytest.raises(DataError) as caught:
        read_accounts(write(tmp_path, "a.csv", text))
    locations = [p.location for p in caught.value.problems]
    assert "column 'arr', row 2" in locations
    assert "column 'start_date', row 3" in locations
    assert "column 'churned', row 2" in locations
    assert "column 'feature_adoption', row 3" in locations
    assert "column 'account_id', row 4" in locations  # blank id
    assert "column 'account_id', rows 2, 3" in locations  # duplicate
    assert len(caught.value.problems) == 6


def test_blank_lines_keep_row_numbers_right(tmp_path):
    text = "account_id,nps\nC1,5\n\nC2,12\n\n\n"
    with pytest.raises(DataError, match=r"row 4\b") as caught:
        read_survey(write(tmp_path, "s.csv", text))
    assert "account_id" in str(caught.value)  # the blank line in the middle lacks an id (row 3)
    ok = read_survey(write(tmp_path, "ok.csv", "account_id,nps\nC1,5\nC2,9\n,\n,\n"))
    assert len(ok) == 2  # trailing blank rows, as Excel leaves them, are dropped


def test_empty_file_and_header_only(tmp_path):
    with pytest.raises(DataError, match="empty"):
        read_table(write(tmp_path, "empty.csv", ""))
    with pytest.raises(DataError, match="no data rows"):
        read_accounts(write(tmp_path, "header.csv", "account_id,arr,start_date\n"))


def test_headers_given_twice_or_missing(tmp_path):
    with pytest.raises(DataError, match="given twice"):
        read_accounts(write(tmp_path, "a.csv", "account_id,ARR,年間契約金額,start_date\nC1,1,1,2024-01-01\n"))
    with pytest.raises(DataError, match="column 3.*no header"):
        read_table(write(tmp_path, "b.csv", "a,b,\n1,2,3\n"))
    assert list(read_table(write(tmp_path, "c.csv", "a,b,\n1,2,\n")).columns) == ["a", "b"]


def test_unknown_columns_are_kept_and_normalised(tmp_path):
    frame = read_accounts(write(tmp_path, "a.csv", "account_id,arr,start_date,担当者\nC1,1,2024-01-01,ＣＳ　チーム\n"))
    assert frame["担当者"].iloc[0] == "CS チーム"


def test_wrong_files(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(DataError, match="legacy .xls"):
        read_table(write(tmp_path, "old.xls", "x"))
    with pytest.raises(DataError, match="unsupported file type"):
        read_table(write(tmp_path, "data.json", "{}"))
    with pytest.raises(DataError, match="not a readable Excel workbook"):
        read_table(write(tmp_path, "fake.xlsx", "account_id\nC1\n"))


def test_metric_errors_on_a_read_table_name_the_file(tmp_path):
    # Without a schema nothing is validated, so the metric reports the bad cell itself.
    frame = read_table(write(tmp_path, "raw.csv", "nps\n9\nten\n"))
    with pytest.raises(DataError) as caught:
        nps(frame["nps"])
    assert caught.value.problems[0].file == str(tmp_path / "raw.csv")
    assert "row 3" in caught.value.problems[0].location


class TestExcel:
    def workbook(self, tmp_path: Path) -> Path:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "顧客一覧"
        sheet.append(["顧客ID", "ARR（円）", "契約開始日", "解約"])
        sheet.append([1001, 1200000, pd.Timestamp("2023-04-01").to_pydatetime(), "いいえ"])
        sheet.append(["C2", "９００，０００", "2024/1/15", "はい"])
        other = book.create_sheet("メモ")
        other.append(["note"])
        other.append(["hello"])
        path = tmp_path / "accounts.xlsx"
        book.save(path)
        return path

    def test_reads_typed_and_normalised_cells(self, tmp_path):
        frame = read_accounts(self.workbook(tmp_path))
        assert frame["account_id"].tolist() == ["1001", "C2"]  # a numeric id becomes text
        assert frame["arr"].tolist() == [1_200_000, 900_000]
        assert frame["churned"].tolist() == [False, True]
        assert frame["start_date"].dt.strftime("%Y-%m-%d").tolist() == ["2023-04-01", "2024-01-15"]
        assert frame.attrs["encoding"] == "xlsx"

    def test_sheet_selection(self, tmp_path):
        path = self.workbook(tmp_path)
        assert read_table(path, sheet="メモ")["note"].tolist() == ["hello"]
        with pytest.raises(DataError, match="no sheet 'Sheet9'.*顧客一覧, メモ"):
            read_table(path, sheet="Sheet9")


class TestSampleFiles:
    def test_accounts_csv_and_xlsx_hold_the_same_table(self):
        csv = read_accounts(SAMPLE / "accounts.csv")
        xlsx = read_accounts(SAMPLE / "accounts_ja.xlsx")
        assert len(csv) >= 2000 and csv.attrs["encoding"] == "utf-8-sig"
        assert set(csv.columns) == {c.name for c in ACCOUNTS_SCHEMA.columns}
        pd.testing.assert_frame_equal(csv, xlsx)

    def test_survey_is_cp932_with_japanese_headers(self):
        raw = (SAMPLE / "survey_ja_cp932.csv").read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        header = raw.decode("cp932").splitlines()[0]
        assert "推奨度" in header and "サポート" in header
        survey = read_survey(SAMPLE / "survey_ja_cp932.csv")
        assert survey.attrs["encoding"] == "cp932" and len(survey) >= 1000
        assert {"nps", "nrs", "ces", "csat", "dwb", "item_support"} <= set(survey.columns)


def test_thousands_separators_only_in_groups_of_three(tmp_path):
    text = "account_id,arr,start_date\nC1,\"12,345\",2024-04-01\nC2,\"1,2\",2024-04-01\nC3,\",200\",2024-04-01\n"
    with pytest.raises(DataError) as caught:
        read_accounts(write(tmp_path, "a.csv", text))
    assert [p.location for p in caught.value.problems] == ["column 'arr', rows 3, 4"]
