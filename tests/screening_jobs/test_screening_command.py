"""``flask --app app screen`` as staff run it: files in, results file and summary out."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot.core.screening import RESULT_COLUMNS
from bot.core.screening.doj_layout import FIELDS as DOJ_FIELDS
from tests.support.apps import make_app
from tests.support.screening_files import conviction, csv_text, doj_row, doj_text

SUMMARY_KEYS = [
    "convictions",
    "dismiss",
    "reduce",
    "review",
    "not_eligible",
    "people",
    "people_cleared",
    "bad_rows",
    "by_section",
    "felony_convictions",
    "people_with_relief",
    "people_no_felony",
    "people_no_conviction_7_years",
    "earliest_conviction",
]
NO_SECTION = {"convictions": 0, "dismiss": 0, "reduce": 0, "review": 0, "not_eligible": 0}


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


def _csv(path):
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


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
        "by_section": {
            "11357": {**NO_SECTION, "convictions": 1, "dismiss": 1},
            "11358": NO_SECTION,
            "11359": {**NO_SECTION, "convictions": 1, "review": 1},
            "11360": NO_SECTION,
        },
        "felony_convictions": 1,
        "people_with_relief": 1,
        "people_no_felony": 0,
        "people_no_conviction_7_years": 0,
        "earliest_conviction": "2010-05-01",
    }
    assert result.stderr == (
        "records.csv: line 6: level 'FEL' is not felony, misdemeanor or infraction\n"
    )


def test_the_results_file_has_every_screened_row_with_outcome_and_reason(runner, records, tmp_path):
    out = tmp_path / "results.csv"
    screen(runner, records, "--out", out, "--as-of", "2025-06-30")
    with out.open(encoding="utf-8", newline="") as stream:
        assert list(csv.reader(stream)) == [
            ["file", "line", "person_id", "code_section", "disposition_date", "outcome", "reason"],
            ["records.csv", "2", "P1", "11359 HS", "2010-05-01", "review", "possible_disqualifier"],
            ["records.csv", "4", "P2", "11357(B) HS", "2010-05-01", "dismiss", "possession"],
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
    assert "records.csv,5,P3,11360(A) HS" in out.read_text(encoding="utf-8")


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
    assert not (tmp_path / "r.csv").exists()


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


def _doj_file(path, rows, header=True):
    path.write_text(doj_text(rows, header=header), encoding="utf-8")
    return path


def test_a_doj_file_is_told_by_its_shape_and_gets_its_court_copy_and_condensed_list(
    runner, tmp_path
):
    source = _doj_file(
        tmp_path / "doj.csv",
        [doj_row("S1", offense="11360 HS-SELL/ETC MARIJ"), doj_row("S2", offense="459 PC")],
        header=False,
    )
    out = tmp_path / "results.csv"
    result = screen(runner, source, "--out", out, "--as-of", "2025-06-30")
    assert result.exit_code == 0, result.output
    assert "(doj)" in result.stdout
    assert _csv(out) == [
        [*RESULT_COLUMNS, "deceased"],
        [
            "doj.csv",
            "1",
            "S1",
            "11360 HS",
            "2010-05-01",
            "dismiss",
            "only_conviction_completed",
            "",
        ],
    ]
    court = _csv(tmp_path / "results-court.csv")
    assert len(court) == 3 and court[1][len(DOJ_FIELDS) + 1] == "dismiss"
    assert _csv(tmp_path / "results-condensed.csv")[1][:2] == ["S1", "10F01234"]


def test_several_files_are_one_run_with_one_summary(runner, tmp_path):
    first = _doj_file(tmp_path / "part1.csv", [doj_row("S1")])
    second = _doj_file(
        tmp_path / "part2.csv", [doj_row("S1", "002002001", offense="187 PC-MURDER")], header=False
    )
    out = tmp_path / "r.csv"
    result = screen(runner, first, second, "--out", out, "--json")
    summary = json.loads(result.stdout)
    assert (summary["convictions"], summary["review"], summary["people"]) == (1, 1, 1)
    assert _csv(out)[1][:2] == ["part1.csv", "2"]


def test_the_format_can_be_chosen_and_files_in_two_formats_are_refused(runner, records, tmp_path):
    doj = _doj_file(tmp_path / "doj.csv", [doj_row()])
    mixed = screen(runner, records, doj, "--out", tmp_path / "r.csv")
    assert mixed.exit_code == 2
    assert "not all in one format" in mixed.stderr
    forced = screen(runner, records, "--out", tmp_path / "r.csv", "--format", "doj")
    assert forced.exit_code == 1
    assert "records.csv is not a DOJ research file" in forced.stderr
    assert not (tmp_path / "r.csv").exists()


def test_the_doj_run_never_overwrites_an_input_with_its_copies(runner, tmp_path):
    source = _doj_file(tmp_path / "r-court.csv", [doj_row()])
    before = source.read_text(encoding="utf-8")
    result = screen(runner, source, "--out", tmp_path / "r.csv")
    assert result.exit_code == 2
    assert source.read_text(encoding="utf-8") == before


class _FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_progress_shows_a_bar_lines_a_second_and_the_file_read(tmp_path):
    from bot.core.screening.files import InputFiles
    from bot.screening_jobs.command import _Terminal

    source = _doj_file(tmp_path / "doj.csv", [doj_row()])
    files = InputFiles([("doj.csv", source)])
    terminal = _FakeTerminal()
    shown = _Terminal(files, 2, terminal)
    for _name, text in files.inputs():
        text.read()
        shown.progress("reading")(1)
    shown.finish()
    drawn = terminal.getvalue()
    assert "Screening" in drawn and "[" in drawn
    assert "reading: 1 lines" in drawn and "lines/s" in drawn
    assert "50%" in drawn  # the first of two passes over the file
