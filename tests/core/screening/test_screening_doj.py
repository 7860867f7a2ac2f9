"""The DOJ research file: counts, sentence parts, steps that inform, several files in one run."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.core.screening import HeaderError
from bot.core.screening.doj import Sentence, doj_date
from bot.core.screening.doj_layout import FIELDS
from bot.core.screening.formats import CSV, DOJ, detect
from tests.support.screening_files import (
    conviction,
    csv_text,
    doj_row,
    doj_text,
    run_doj,
    run_inputs,
)


def test_the_format_is_told_by_the_header_or_by_95_fields():
    assert detect(list(FIELDS)) == DOJ
    assert detect(["RECORD_ID"]) == DOJ
    assert detect(doj_row()) == DOJ
    assert detect(list(conviction())) == CSV
    assert detect(["person_id", "dob"]) == CSV


def test_with_or_without_the_header_every_line_number_is_the_files_own():
    rows = [doj_row("S1", "001001001"), doj_row("S2", "001001001")]
    with_header = run_doj(rows, header=True)
    without = run_doj(rows, header=False)
    assert [(r.file, r.line, r.person_id) for r in with_header.results] == [
        ("doj.csv", 2, "S1"),
        ("doj.csv", 3, "S2"),
    ]
    assert [r.line for r in without.results] == [1, 2]
    assert [r.outcome for r in without.results] == [r.outcome for r in with_header.results]


def test_a_count_is_one_conviction_and_later_rows_add_parts_to_its_sentence():
    # 2010-05-01 plus 1 year, 6 months and 10 days ends on 2011-11-11.
    rows = [
        doj_row("S1", "001002001", sent_length="1", sent_unit="Y"),
        doj_row("S1", "001002001", sent_length="6", sent_unit="M"),
        doj_row("S1", "001002001", sent_length="10", sent_unit="D"),
    ]
    as_of_before_end = run_doj(rows, as_of=date(2011, 11, 10))
    as_of_the_end = run_doj(rows, as_of=date(2011, 11, 11))
    (serving,) = as_of_before_end.results
    (done,) = as_of_the_end.results
    assert serving.facts["sentence_status"] == "serving"
    assert serving.facts["only_conviction"] == "yes"  # three rows, one conviction
    assert (serving.outcome, serving.reason) == ("reduce", "sentence_not_completed")
    assert done.facts["sentence_status"] == "completed"
    assert (done.outcome, done.reason) == ("dismiss", "only_conviction_completed")
    assert as_of_the_end.summary.convictions == 1


def test_sentence_lengths_are_calendar_months_and_years():
    sentence = Sentence()
    sentence.add("1", "M")
    assert sentence.end("2011-01-31") == "2011-02-28"
    leap = Sentence()
    leap.add("1", "Y")
    assert leap.end("2016-02-29") == "2017-02-28"
    none = Sentence()
    assert none.end("2010-05-01") == "2010-05-01"  # no sentence part: ended that day
    unknown = Sentence()
    unknown.add("LIFE", "Y")
    assert unknown.end("2010-05-01") == ""


def test_a_sentence_part_in_an_unknown_unit_leaves_the_sentence_unsure():
    (result,) = run_doj([doj_row(sent_length="2", sent_unit="L")]).results
    assert result.facts["sentence_status"] == "unsure"


def test_arrests_dismissed_counts_and_other_steps_are_context_not_convictions():
    rows = [
        doj_row("S1", "001001001", step="ARREST/DETAINED/CITED", disposition=""),
        doj_row("S1", "001002001"),
        doj_row("S1", "001002002", offense="459 PC-BURGLARY", disposition="DISMISSED"),
        doj_row("S1", "002002001", offense="187 PC-MURDER", disposition="ACQUITTED"),
        doj_row("S1", "003003001", step="PROBATION", disposition="", event_date="bad"),
    ]
    screened = run_doj(rows)
    (result,) = screened.results
    assert result.line == 3
    assert result.facts["only_conviction"] == "yes"
    assert result.facts["disqualifying_record"] == "no"
    assert screened.bad == []


def test_a_pc_290_registration_disqualifies_as_a_conviction_would():
    rows = [
        doj_row("S1"),
        doj_row("S1", "002001001", step="REGISTRATION", disposition="", offense="290 PC-SEX REG"),
        doj_row("S2"),
        doj_row("S2", "002001001", step="REGISTRATION", disposition="", offense="11590 HS-DRUG"),
    ]
    results = {r.person_id: r for r in run_doj(rows).results}
    assert results["S1"].facts["disqualifying_record"] == "yes"
    assert (results["S1"].outcome, results["S1"].reason) == ("review", "possible_disqualifier")
    assert results["S2"].facts["disqualifying_record"] == "no"
    assert results["S2"].outcome == "dismiss"


def test_a_deceased_step_flags_the_person_in_the_results():
    rows = [
        doj_row("S1"),
        doj_row("S1", "002001001", step="DECEASED", disposition="", offense=""),
        doj_row("S2"),
    ]
    flags = {r.person_id: r.deceased for r in run_doj(rows).results}
    assert flags == {"S1": True, "S2": False}


@pytest.mark.parametrize(
    ("conv_stat", "toc", "level"),
    [
        ("FELONY", "M", "felony"),
        ("MISDEMEANOR", "F", "misdemeanor"),
        ("", "F", "felony"),
        ("", "M", "misdemeanor"),
    ],
)
def test_felony_is_told_by_the_conviction_status_or_else_the_offense_type(conv_stat, toc, level):
    (result,) = run_doj([doj_row(conv_stat=conv_stat, toc=toc)]).results
    assert result.facts["level"] == level


@pytest.mark.parametrize("marker", ["", "  ", "SEE COMMENT FOR CHARGE"])
def test_the_charge_may_be_in_the_comment(marker):
    (result,) = run_doj([doj_row(offense=marker, comment="11357 HS-POSSESS MARIJ")]).results
    assert result.code_section == "11357 HS"
    assert result.facts["offense"] == "possession"


def test_dates_are_yyyymmdd_and_the_age_comes_from_pri_dob():
    (result,) = run_doj([doj_row(dob="19900502", event_date="20080501")]).results
    assert result.disposition_date == "2008-05-01"
    assert result.facts["age_at_offense"] == "under_18"
    assert doj_date("20160229") == "2016-02-29"
    with pytest.raises(ValueError):
        doj_date("20150229")


BAD_CONVICTIONS = [
    (doj_row(event_date=""), "STP_EVENT_DATE is empty"),
    (doj_row(event_date="20101301"), "STP_EVENT_DATE '20101301' is not a date (YYYYMMDD)"),
    (doj_row(dob="1980"), "PRI_DOB is not a date (YYYYMMDD)"),
    (doj_row(dob="20120101"), "PRI_DOB is after STP_EVENT_DATE"),
    (doj_row(county=""), "STP_ORI_CNTY_NAME is empty"),
    (doj_row(offense="SEE FILE"), "code section 'SEE FILE' is not a code section"),
    (doj_row(offense="", comment=""), "code section '' is not a code section"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_CONVICTIONS)
def test_an_unreadable_conviction_is_a_bad_row_with_file_line_and_reason(row, reason):
    row[FIELDS.index("CNT_ORDER")] = "002002001"  # a count of its own
    screened = run_doj([doj_row("S1", offense="459 PC"), row])
    assert screened.bad == [("doj.csv", 3, reason)]
    assert screened.summary.bad_rows == 1
    assert screened.results == []


def test_a_row_without_95_fields_is_bad_and_its_count_is_not_guessed():
    text = doj_text([doj_row("S1")]) + "1,,S2,short\n"
    screened = run_inputs([("doj.csv", text)], file_format=DOJ)
    assert screened.bad == [("doj.csv", 3, "has 4 fields, the DOJ file has 95")]
    assert [r.person_id for r in screened.results] == ["S1"]


def test_a_bad_conviction_leaves_its_persons_other_counts_unsure():
    rows = [doj_row("S1"), doj_row("S1", "002002001", event_date="99999999")]
    (result,) = run_doj(rows).results
    assert result.facts["only_conviction"] == "no"
    assert result.facts["disqualifying_record"] == "unsure"
    assert (result.outcome, result.reason) == ("review", "possible_disqualifier")


def test_a_persons_rows_are_gathered_across_the_files_of_a_run():
    first = doj_text([doj_row("S1", "001002001", sent_length="20", sent_unit="Y")])
    # The same count's next part, and a murder conviction, in the next part of the file.
    second = doj_text(
        [
            doj_row("S1", "001002001", sent_length="1", sent_unit="D"),
            doj_row("S1", "002002001", offense="187 PC-MURDER", event_date="19990101"),
        ],
        header=False,
    )
    screened = run_inputs([("part1.csv", first), ("part2.csv", second)], file_format=DOJ)
    (result,) = screened.results
    assert (result.file, result.line) == ("part1.csv", 2)
    assert result.facts["disqualifying_record"] == "yes"
    assert result.facts["only_conviction"] == "no"
    assert result.facts["sentence_status"] == "serving"
    assert screened.summary.convictions == 1


def test_a_file_that_is_not_in_the_runs_format_is_refused_by_name():
    with pytest.raises(HeaderError, match=re.escape("records.csv is not a DOJ research file")):
        run_inputs([("records.csv", csv_text([conviction()]))], file_format=DOJ)
    with pytest.raises(HeaderError, match=re.escape("doj.csv: the header lacks the column")):
        run_inputs([("doj.csv", doj_text([doj_row()]))], file_format=CSV)


def test_a_doj_file_and_the_same_records_as_our_csv_give_the_same_outcomes():
    doj_rows = [
        doj_row("S1", "001002001", offense="11357 HS-POSSESS MARIJ", conv_stat="MISDEMEANOR"),
        doj_row("S2", "001002001", offense="664-11360(A) HS", sent_length="3", sent_unit="Y"),
        doj_row("S2", "002002001", offense="459 PC-BURGLARY", event_date="20200101"),
        doj_row("S3", "001002001", offense="--11358 HS--", county="PLACER"),
        doj_row("S3", "002002001", offense="/11359 HS", dob=""),
    ]
    csv_rows = [
        conviction("S1", "11357 HS", "misdemeanor", sentence_end_date="2010-05-01"),
        conviction("S2", "66411360(A) HS", sentence_end_date="2013-05-01"),
        conviction("S2", "459 PC", disposition_date="2020-01-01", sentence_end_date="2020-01-01"),
        conviction("S3", "11358 HS", county="PLACER", sentence_end_date="2010-05-01"),
        conviction("S3", "11359 HS", dob="", sentence_end_date="2010-05-01"),
    ]
    from_doj = run_doj(doj_rows)
    from_csv = run_inputs([("records.csv", csv_text(csv_rows))])

    def decided(run):
        return [(r.person_id, r.line, r.outcome, r.reason, r.facts) for r in run.results]

    assert decided(from_doj) == decided(from_csv)
    assert [r.outcome for r in from_doj.results] == ["dismiss", "reduce", "dismiss"]
