"""``flask --app app screen`` as staff run it: files in, results file and summary out."""

from __future__ import annotations

import csv
import json

import pytest

from tests.support.apps import make_app
from tests.support.screening_files import conviction, csv_text

SUMMARY_KEYS = [
    "convictions",
    "dismiss",
    "reduce",
    "review",
    "not_eligible",
    "people",
    "people_cleared",
    "bad_rows",
]


@pytest.fixture
def runner():
    return make_app("sqlite://").test_cli_runner()


@pytest.fixture
def records(tmp_path):
    path = tmp_path / "records.csv"
    rows = [
        conviction("P1", "11359 HS"),
        conviction("P1", "187 PC", county="PLACER"),
        conviction("P2", "11357(B) HS", level="infraction", county="sacramento"),
        conviction("P3", "11360(A) HS", county="YOLO"),
        conviction("P4", level="FEL"),
    ]
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def screen(runner, *args):
    return runner.invoke(args=["screen", *map(str, args)])


def test_json_summary_is_the_only_thing_on_standard_output(runner, records, tmp_path):
    out = tmp_path / "results.csv"
    result = screen(runner, records, "--out", out, "--as-of", "2025-06-30", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert list(summary) == SUMMARY_KEYS
    assert summary == {
        "convictions": 2,
        "dismiss": 1,
        "reduce": 0,
        "review": 1,
        "not_eligible": 0,
        "people": 2,
        "people_cleared": 1,
        "bad_rows": 1,
    }
    assert result.stderr == "line 6: level 'FEL' is not felony, misdemeanor or infraction\n"


def test_the_results_file_has_every_screened_row_with_outcome_and_reason(runner, records, tmp_path):
    out = tmp_path / "results.csv"
    screen(runner, records, "--out", out, "--as-of", "2025-06-30")
    with out.open(encoding="utf-8", newline="") as stream:
        assert list(csv.reader(stream)) == [
            ["person_id", "code_section", "disposition_date", "outcome", "reason"],
            ["P1", "11359 HS", "2010-05-01", "review", "possible_disqualifier"],
            ["P2", "11357(B) HS", "2010-05-01", "dismiss", "possession"],
        ]


def test_the_text_summary_names_each_count(runner, records, tmp_path):
    result = screen(runner, records, "--out", tmp_path / "r.csv", "--as-of", "2025-06-30")
    assert result.exit_code == 0
    assert "for SACRAMENTO as of 2025-06-30" in result.stdout
    for words in (
        "convictions screened: 2",
        "dismissed:    1",
        "review:       1",
        "People with a Prop 64 conviction: 2",
        "no conviction: 1",
        "Bad rows skipped: 1",
    ):
        assert words in result.stdout


def test_another_county_can_be_chosen_in_any_case(runner, records, tmp_path):
    out = tmp_path / "r.csv"
    result = screen(runner, records, "--out", out, "--county", "yolo", "--json")
    assert json.loads(result.stdout)["convictions"] == 1
    assert "P3,11360(A) HS" in out.read_text(encoding="utf-8")


def test_the_as_of_date_moves_sentences_and_recency(runner, tmp_path):
    path = tmp_path / "records.csv"
    path.write_text(csv_text([conviction(sentence_end_date="2020-01-01")]), encoding="utf-8")
    out = tmp_path / "r.csv"
    screen(runner, path, "--out", out, "--as-of", "2019-12-31")
    assert "reduce,sentence_not_completed" in out.read_text(encoding="utf-8")
    screen(runner, path, "--out", out, "--as-of", "2020-01-01")
    assert "dismiss,only_conviction_completed" in out.read_text(encoding="utf-8")


def test_without_as_of_it_screens_as_of_today(runner, records, tmp_path):
    result = screen(runner, records, "--out", tmp_path / "r.csv")
    assert result.exit_code == 0
    assert " as of 20" in result.stdout


def test_a_spreadsheets_byte_order_mark_is_fine(runner, tmp_path):
    path = tmp_path / "records.csv"
    path.write_text(csv_text([conviction()]), encoding="utf-8-sig")
    result = screen(runner, path, "--out", tmp_path / "r.csv", "--json")
    assert json.loads(result.stdout)["convictions"] == 1


def test_a_file_without_the_columns_fails_and_writes_no_results(runner, tmp_path):
    path = tmp_path / "records.csv"
    path.write_text("person_id,county\nP1,SACRAMENTO\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    result = screen(runner, path, "--out", out)
    assert result.exit_code == 1
    assert "lacks the column(s) dob, code_section" in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [path]


def test_a_file_that_is_not_utf8_is_refused(runner, tmp_path):
    path = tmp_path / "records.csv"
    path.write_bytes(csv_text([conviction()]).encode() + b"P2,\xff\xfe,SACRAMENTO\n")
    result = screen(runner, path, "--out", tmp_path / "r.csv")
    assert result.exit_code == 1
    assert "is not UTF-8 text" in result.stderr


def test_an_empty_county_is_a_usage_error(runner, records, tmp_path):
    result = screen(runner, records, "--out", tmp_path / "r.csv", "--county", " ")
    assert result.exit_code == 2
    assert "county is empty" in result.stderr


def test_a_results_file_in_a_missing_folder_is_a_usage_error(runner, records, tmp_path):
    result = screen(runner, records, "--out", tmp_path / "nowhere" / "r.csv")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_the_results_never_overwrite_the_records(runner, records):
    before = records.read_text(encoding="utf-8")
    result = screen(runner, records, "--out", records)
    assert result.exit_code == 2
    assert records.read_text(encoding="utf-8") == before
