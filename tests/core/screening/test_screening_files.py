"""Whole files: which rows are screened, what is counted, and how bad rows are reported."""

from __future__ import annotations

import re

import pytest

from bot.core.screening import PROGRESS_EVERY, HeaderError
from tests.support.screening_files import conviction, csv_text, run, run_text


def test_only_prop_64_rows_of_the_chosen_county_are_written_and_counted():
    rows = [
        conviction("P1", "11359 HS"),
        conviction("P1", "11357(A) HS", county="PLACER"),
        conviction("P2", "459 PC"),
        conviction("P3", "HS 11360(a)", county="Sacramento"),
        conviction("P4", "11357.5 HS"),
    ]
    screened = run(rows)
    assert [(r.line, r.person_id, r.code_section) for r in screened.results] == [
        (2, "P1", "11359 HS"),
        (5, "P3", "HS 11360(a)"),
    ]
    assert screened.summary.convictions == 2
    assert screened.summary.people == 2


def test_the_county_is_chosen_without_regard_to_case():
    rows = [conviction("P1", county="PLACER"), conviction("P2", county="Sacramento")]
    screened = run(rows, county=" placer ")
    assert [r.person_id for r in screened.results] == ["P1"]
    assert screened.results[0].facts["county"] == "sacramento"


def test_the_summary_counts_outcomes_people_and_people_left_with_no_conviction():
    rows = [
        # P1: two dismissed Prop 64 convictions and nothing else: cleared.
        conviction("P1", "11357 HS", level="misdemeanor"),
        conviction("P1", "11359 HS", level="misdemeanor", disposition_date="2011-01-01"),
        # P2: dismissed, but another conviction stays.
        conviction("P2", "11357 HS"),
        conviction("P2", "459 PC", disposition_date="2001-01-01"),
        # P3: dismissed here, a Prop 64 conviction in another county is not screened.
        conviction("P3", "11357 HS"),
        conviction("P3", "11357 HS", county="YOLO"),
        # P4: reduced; P5: review; P6: not eligible.
        conviction("P4", sentence_end_date="2030-01-01"),
        conviction("P5", dob="1995-01-01"),
        conviction("P6", disposition_date="2018-01-01"),
        conviction("P6", "187 PC"),
    ]
    summary = run(rows).summary.as_json()
    assert {key: summary[key] for key in list(summary)[:8]} == {
        "convictions": 7,
        "dismiss": 4,
        "reduce": 1,
        "review": 1,
        "not_eligible": 1,
        "people": 6,
        "people_cleared": 1,
        "bad_rows": 0,
    }


BAD_ROWS = [
    (conviction(person_id=""), "person_id is empty"),
    (conviction(person_id="   "), "person_id is empty"),
    (conviction(county=""), "county is empty"),
    (conviction(code_section="SEE FILE"), "code_section 'SEE FILE' is not a code section"),
    (conviction(code_section="11359"), "code_section '11359' names no code (HS, PC...)"),
    (conviction(level="FEL"), "level 'FEL' is not felony, misdemeanor or infraction"),
    (conviction(level=""), "level '' is not felony, misdemeanor or infraction"),
    (conviction(disposition_date=""), "disposition_date is empty"),
    (conviction(disposition_date="2015-13-01"), "disposition_date '2015-13-01' is not a date"),
    (conviction(dob="01/02/1980"), "dob is not a date (YYYY-MM-DD)"),
    (conviction(dob="2012-01-01"), "dob is after disposition_date"),
    (conviction(sentence_end_date="soon"), "sentence_end_date 'soon' is not a date"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_a_bad_row_is_reported_by_line_counted_and_skipped(row, reason):
    screened = run([conviction("P9", "459 PC"), row])
    assert [(file, line) for file, line, _ in screened.bad] == [("records.csv", 3)]
    assert screened.bad[0][2].startswith(reason)
    assert screened.summary.bad_rows == 1
    assert screened.summary.convictions == 0
    assert screened.results == []


def test_bad_row_messages_never_show_a_person_id_or_a_date_of_birth():
    screened = run([conviction(person_id="Jane Doe", dob="1980-31-01")])
    assert "Jane" not in screened.bad[0][2]
    assert "1980" not in screened.bad[0][2]


def test_a_bad_row_leaves_its_persons_other_rows_unsure_rather_than_cleared():
    rows = [conviction("P1"), conviction("P1", "SEE FILE"), conviction("P2", "11357 HS")]
    screened = run(rows)
    (result,) = [r for r in screened.results if r.person_id == "P1"]
    assert result.facts["disqualifying_record"] == "unsure"
    assert result.facts["recent_conviction"] == "unsure"
    assert result.facts["only_conviction"] == "no"
    assert (result.outcome, result.reason) == ("review", "possible_disqualifier")
    assert screened.summary.people_cleared == 1  # P2 only


def test_a_row_with_too_few_or_too_many_fields_is_bad():
    text = csv_text([conviction("P1")]) + "P2,1980-01-01,SACRAMENTO\n" + "P3,,,,,,,extra\n"
    screened = run_text(text)
    assert screened.bad == [
        ("records.csv", 3, "has 3 fields, the header has 7"),
        ("records.csv", 4, "has 8 fields, the header has 7"),
    ]


def test_a_line_the_csv_reader_rejects_is_a_bad_row_and_reading_goes_on():
    huge = "x" * 200_000
    text = (
        csv_text([conviction("P1")])
        + f'P2,"{huge}",SACRAMENTO\n'
        + csv_text([conviction("P3")]).split("\n", 1)[1]
    )
    screened = run_text(text)
    assert [line for _, line, _ in screened.bad] == [3]
    assert "cannot be read as CSV" in screened.bad[0][2]
    assert [r.person_id for r in screened.results] == ["P1", "P3"]


def test_blank_lines_are_not_rows():
    text = csv_text([conviction("P1")]) + "\n\n" + csv_text([conviction("P2")]).split("\n", 1)[1]
    screened = run_text(text)
    assert screened.bad == []
    assert [(r.line, r.person_id) for r in screened.results] == [(2, "P1"), (5, "P2")]


def test_columns_may_come_in_any_order_with_extras_and_loose_header_spelling():
    columns = (
        "Code_Section ",
        "court",
        "level",
        "PERSON_ID",
        "county",
        "dob",
        "sentence_end_date",
        "disposition_date",
    )
    row = {**conviction(), "court": "Dept 12"}
    header = ",".join(columns)
    body = csv_text([row], tuple(c.strip().lower() for c in columns)).split("\n", 1)[1]
    screened = run_text(f"{header}\n{body}")
    assert screened.bad == []
    assert screened.summary.dismiss == 1


def test_a_header_without_a_required_column_is_refused():
    with pytest.raises(HeaderError, match=re.escape("lacks the column(s) dob, level")):
        run_text("person_id,county,code_section,disposition_date,sentence_end_date\n")


def test_an_empty_file_is_refused():
    with pytest.raises(HeaderError, match="empty"):
        run_text("")


def test_progress_is_reported_as_lines_are_read():
    rows = [conviction(f"P{n}", "459 PC") for n in range(PROGRESS_EVERY + 5)]
    screened = run(rows)
    assert screened.progress == [PROGRESS_EVERY, PROGRESS_EVERY + 6]
