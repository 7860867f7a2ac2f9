"""Hand-made files through ``screen``: each rule a bulk row can reach, and each derivation.

Rules 1 (not cannabis), 2 (offense unknown), 4 (2016) and 5 (other county) cannot decide a
screened row: only Prop 64 rows of the chosen county are screened, and 2016 is split by date.
"""

from __future__ import annotations

import pytest

from tests.support.screening_files import conviction, run


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            [conviction(disposition_date="2016-11-09", sentence_end_date="")],
            ("not_eligible", "after_prop64"),
            id="3 after Prop 64: on November 9, 2016",
        ),
        pytest.param(
            [conviction(disposition_date="2019-03-01", level="misdemeanor")],
            ("not_eligible", "after_prop64"),
            id="3 after Prop 64: 2019",
        ),
        pytest.param(
            [conviction(dob="1992-05-02", disposition_date="2010-05-01")],
            ("review", "juvenile"),
            id="6 juvenile: 17 at the disposition",
        ),
        pytest.param(
            [conviction(code_section="11357(A) HS")],
            ("dismiss", "possession"),
            id="7 possession, even a felony",
        ),
        pytest.param(
            [conviction(level="misdemeanor"), conviction(code_section="187 PC", county="YOLO")],
            ("dismiss", "misdemeanor"),
            id="8 misdemeanor, even with a serious prior",
        ),
        pytest.param(
            [conviction(code_section="11360(B) HS", level="infraction")],
            ("dismiss", "misdemeanor"),
            id="8 an infraction counts as a misdemeanor",
        ),
        pytest.param(
            [
                conviction(),
                conviction(code_section="187 PC", county="PLACER", sentence_end_date=""),
            ],
            ("review", "possible_disqualifier"),
            id="9 superstrike in another county",
        ),
        pytest.param(
            [conviction(), conviction(code_section="288(A)(1) PC", disposition_date="1999-01-01")],
            ("review", "possible_disqualifier"),
            id="9 listed subsection",
        ),
        pytest.param(
            [conviction(), conviction(code_section="664187 PC", county="LOS ANGELES")],
            ("review", "possible_disqualifier"),
            id="9 attempted murder",
        ),
        pytest.param(
            [conviction(), conviction(code_section="664288(A) PC", disposition_date="2001-01-01")],
            ("dismiss", "crime_free_10_years"),
            id="12 an attempt at a non-homicide section does not disqualify",
        ),
        pytest.param(
            [conviction(), conviction(code_section="245(A)(1) PC", disposition_date="2001-01-01")],
            ("dismiss", "crime_free_10_years"),
            id="12 an unlisted subsection does not disqualify",
        ),
        pytest.param(
            [conviction(code_section="11358 HS")],
            ("dismiss", "only_conviction_completed"),
            id="10 only conviction, sentence completed",
        ),
        pytest.param(
            [conviction(disposition_date="2016-11-08")],
            ("dismiss", "only_conviction_completed"),
            id="10 November 8, 2016 is before Prop 64",
        ),
        pytest.param(
            [conviction(sentence_end_date="2025-07-01")],
            ("reduce", "sentence_not_completed"),
            id="11 only conviction, still serving",
        ),
        pytest.param(
            [conviction(sentence_end_date="")],
            ("reduce", "sentence_not_completed"),
            id="11 only conviction, end of sentence not recorded",
        ),
        pytest.param(
            [conviction(dob=""), conviction(code_section="459 PC", disposition_date="2012-01-01")],
            ("dismiss", "crime_free_10_years"),
            id="12 no conviction in 10 years, no date of birth",
        ),
        pytest.param(
            [
                conviction(),
                conviction(
                    code_section="23152(A) VC", county="YOLO", disposition_date="2020-01-01"
                ),
            ],
            ("reduce", "recent_convictions"),
            id="13 a recent conviction in another county",
        ),
        pytest.param(
            [conviction(), conviction(code_section="11357.5 HS", disposition_date="2003-01-01")],
            ("dismiss", "crime_free_10_years"),
            id="11357.5 is not screened but is another conviction",
        ),
    ],
)
def test_each_rule_decides_the_rows_it_should(rows, expected):
    assert run(rows).outcome() == expected


@pytest.mark.parametrize(
    ("other_disposition", "expected"),
    [
        ("2015-06-30", ("dismiss", "crime_free_10_years")),
        ("2015-07-01", ("reduce", "recent_convictions")),
    ],
)
def test_recent_means_strictly_after_the_day_ten_years_before_as_of(other_disposition, expected):
    rows = [conviction(), conviction(code_section="459 PC", disposition_date=other_disposition)]
    assert run(rows).outcome() == expected


def test_a_missing_date_of_birth_is_unsure_and_never_juvenile():
    (result,) = run([conviction(dob="")]).results
    assert result.facts["age_at_offense"] == "unsure"
    assert (result.outcome, result.reason) == ("dismiss", "only_conviction_completed")


def test_screened_rows_carry_the_facts_they_were_decided_on():
    rows = [
        conviction(
            code_section="66411359 HS",
            dob="1990-03-01",
            disposition_date="2016-03-01",
            sentence_end_date="2026-01-01",
        ),
        conviction(
            code_section="484(A) PC",
            county="PLACER",
            level="misdemeanor",
            disposition_date="2016-12-01",
            sentence_end_date="",
        ),
    ]
    (result,) = run(rows).results
    assert result.facts == {
        "county": "sacramento",
        "offense": "possession_for_sale",
        "conviction_year": 2015,
        "age_at_offense": "21_plus",
        "level": "felony",
        "disqualifying_record": "no",
        "sentence_status": "serving",
        "only_conviction": "no",
        "recent_conviction": "yes",
    }
    assert (result.outcome, result.reason) == ("reduce", "recent_convictions")


def test_a_persons_rows_anywhere_in_the_file_make_one_record():
    rows = [
        conviction("P1"),
        conviction("P2", code_section="11358 HS"),
        conviction("P3", code_section="459 PC"),
        conviction("P1", code_section="187 PC", county="PLACER"),
    ]
    screened = run(rows)
    assert screened.outcome("P1") == ("review", "possible_disqualifier")
    assert screened.outcome("P2") == ("dismiss", "only_conviction_completed")
