"""What bulk screening writes: results that point back at the input, the DOJ run's court copy and
condensed list, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from bot.core.screening import ResultsWriter
from bot.core.screening.cells import SafeWriter, safe_cell
from bot.core.screening.doj_copies import (
    CONDENSED_COLUMNS,
    COURT_COLUMNS,
    ELIGIBILITY_COLUMNS,
    write_copies,
)
from bot.core.screening.doj_layout import FIELDS
from tests.support.screening_files import (
    conviction,
    csv_text,
    doj_row,
    doj_text,
    run_doj,
    run_inputs,
)

FORMULAS = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"]


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("value", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_quote(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["11357 HS", "", "a=b", " =1", "'=1", "2010-05-01"])
def test_other_cells_are_left_alone(value):
    assert safe_cell(value) == value


def test_the_safe_writer_checks_every_cell_of_a_row():
    out = io.StringIO()
    SafeWriter(out).writerow(["ok", *FORMULAS, "fine"])
    assert parse(out.getvalue()) == [["ok", *("'" + value for value in FORMULAS), "fine"]]


def results_csv(run, *, deceased: bool = False) -> list[list[str]]:
    out = io.StringIO()
    write = ResultsWriter(out, deceased=deceased)
    for result in run.results:
        write(result)
    return parse(out.getvalue())


def test_results_start_with_the_input_file_and_line_in_both_formats():
    first = csv_text([conviction("P1", "11357 HS", "misdemeanor")])
    second = csv_text([conviction("P2", "459 PC"), conviction("P3", "11359 HS")])
    run = run_inputs([("a.csv", first), ("b.csv", second)])
    assert results_csv(run) == [
        ["file", "line", "person_id", "code_section", "disposition_date", "outcome", "reason"],
        ["a.csv", "2", "P1", "11357 HS", "2010-05-01", "dismiss", "possession"],
        ["b.csv", "3", "P3", "11359 HS", "2010-05-01", "dismiss", "only_conviction_completed"],
    ]
    doj = run_doj([doj_row("S1", offense="11360 HS-SELL/ETC MARIJ")])
    assert results_csv(doj, deceased=True) == [
        [
            "file",
            "line",
            "person_id",
            "code_section",
            "disposition_date",
            "outcome",
            "reason",
            "deceased",
        ],
        [
            "doj.csv",
            "2",
            "S1",
            "11360 HS",
            "2010-05-01",
            "dismiss",
            "only_conviction_completed",
            "",
        ],
    ]


def test_no_formula_in_a_person_id_survives_into_the_results():
    run = run_inputs([("x.csv", csv_text([conviction('=HYPERLINK("http://evil")', "11357 HS")]))])
    assert results_csv(run)[1][2] == '\'=HYPERLINK("http://evil")'
    doj = run_doj([doj_row("@SUM(1)")])
    assert results_csv(doj, deceased=True)[1][2] == "'@SUM(1)"


def copies(files: list[tuple[str, str]]) -> tuple[list[list[str]], list[list[str]]]:
    run = run_inputs(files, file_format="doj")
    court, condensed = io.StringIO(), io.StringIO()
    inputs = [(name, io.StringIO(text, newline="")) for name, text in files]
    write_copies(inputs, run.results, court, condensed)
    return parse(court.getvalue()), parse(condensed.getvalue())


def test_the_court_copy_is_every_input_row_with_eligibility_on_each_screened_conviction():
    rows = [
        doj_row("S1", "001001001", step="ARREST/DETAINED/CITED", disposition=""),
        doj_row(
            "S1", "001002001", offense="11359 HS-POSSESS FOR SALE", sent_length="1", sent_unit="Y"
        ),
        doj_row(
            "S1", "001002001", offense="11359 HS-POSSESS FOR SALE", sent_length="2", sent_unit="M"
        ),
        doj_row("S2", "001002001", offense="459 PC-BURGLARY"),
    ]
    court, condensed = copies(
        [("part1.csv", doj_text(rows[:2])), ("part2.csv", doj_text(rows[2:]))]
    )
    assert court[0] == list(COURT_COLUMNS)
    blanks = [""] * len(ELIGIBILITY_COLUMNS)
    assert court[1] == rows[0] + blanks
    assert court[2] == rows[1] + [
        "11359 HS",
        "dismiss",
        "only_conviction_completed",
        "",
        "possession_for_sale",
        "2010",
        "21_plus",
        "felony",
        "no",
        "completed",
        "yes",
        "no",
    ]
    assert court[3:] == [rows[2] + blanks, rows[3] + blanks]  # the second header is left out
    assert condensed == [
        list(CONDENSED_COLUMNS),
        ["S1", "10F01234", "11359 HS", "2010-05-01", "dismiss", "only_conviction_completed", ""],
    ]


def test_the_condensed_case_number_falls_back_to_the_offense_number():
    row = doj_row(case="")
    row[FIELDS.index("OFN")] = "OFN-77"
    _, condensed = copies([("doj.csv", doj_text([row]))])
    assert condensed[1][1] == "OFN-77"


def test_no_formula_survives_into_the_court_copy_or_the_condensed_list():
    risky = doj_row("=1+1", offense="--11359 HS--", comment='=HYPERLINK("http://evil")')
    plain = doj_row(
        "S2", "001001001", step="ARREST", disposition="", offense="-5", comment="@SUM(A1)"
    )
    tab = doj_row("S3", "001001001", step="ARREST", disposition="", offense="\tx")
    court, condensed = copies([("doj.csv", doj_text([risky, plain, tab]))])
    every_cell = [cell for row in court + condensed for cell in row]
    assert not [cell for cell in every_cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    at = FIELDS.index
    assert court[1][at("SUBJECT_ID")] == "'=1+1"
    assert court[1][at("COMMENT_TEXT")] == '\'=HYPERLINK("http://evil")'
    assert court[2][at("OFFENSE_DESCR")] == "'-5"
    assert court[3][at("OFFENSE_DESCR")] == "'\tx"
    assert condensed[1][:3] == ["'=1+1", "10F01234", "11359 HS"]


def test_a_field_over_several_lines_keeps_the_copy_in_step_with_the_lines():
    note = doj_row("S1", "001001001", step="ARREST", disposition="", comment="first\nsecond")
    convicted = doj_row("S1", "001002001")
    text = doj_text([note, convicted])
    run = run_inputs([("doj.csv", text)], file_format="doj")
    assert [r.line for r in run.results] == [4]  # the header, two lines of the note, then it
    court, _ = copies([("doj.csv", text)])
    assert court[1][FIELDS.index("COMMENT_TEXT")] == "first\nsecond"
    assert court[2][len(FIELDS) + 1] == "dismiss"


@pytest.mark.parametrize(
    ("raw", "read"),
    [
        ('a stray " quote', 'a stray " quote'),  # inside an unquoted field: a character
        ('"a ""doubled"" quote"', 'a "doubled" quote'),
        ('"over\nthree\nlines"', "over\nthree\nlines"),
        ('"over two\r\nlines, with a comma"', "over two\r\nlines, with a comma"),
    ],
)
def test_the_copy_meets_each_result_on_its_row_whatever_the_quotes(raw, read):
    note = doj_row("S1", "001001001", step="ARREST", disposition="", comment="NOTE-HERE")
    text = doj_text([note, doj_row("S1", "001002001")]).replace("NOTE-HERE", raw)
    run = run_inputs([("doj.csv", text)], file_format="doj")
    court, condensed = copies([("doj.csv", text)])
    (result,) = run.results
    assert len(court) == 3
    assert court[1][FIELDS.index("COMMENT_TEXT")] == read
    assert court[2][FIELDS.index("SUBJECT_ID")] == "S1"
    assert court[2][len(FIELDS) + 1] == result.outcome == "dismiss"
    assert condensed[1][0] == "S1"
