"""Facts derived from records: dates, ages, years, sentences, each at its edges."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.screening.dates import conviction_year, is_plain_date, parse_date, years_before
from bot.core.screening.facts import age_band, sentence_status


@pytest.mark.parametrize("text", ["2016-11-09", " 2016-11-09 ", "1900-01-01", "2024-02-29"])
def test_dates_are_iso_days_with_spaces_allowed_around_them(text):
    assert parse_date(text) == text.strip()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2016-02-30", "is not a date"),
        ("2023-02-29", "is not a date"),
        ("2016/11/09", "is not a date"),
        ("20161109", "is not a date"),
        ("2016-W45-3", "is not a date"),
        ("11/09/2016", "is not a date"),
        ("16-11-09", "is not a date"),
        ("1899-12-31", "is before 1900"),
    ],
)
def test_anything_but_a_real_yyyy_mm_dd_date_is_refused(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_date(text)
    assert not is_plain_date(text)


@pytest.mark.parametrize(
    ("disposition", "year"),
    [
        ("2016-01-01", 2015),
        ("2016-11-08", 2015),
        ("2016-11-09", 2017),
        ("2016-12-31", 2017),
        ("2015-12-31", 2015),
        ("2017-01-01", 2017),
        ("1999-06-01", 1999),
    ],
)
def test_2016_counts_as_2015_before_november_9_and_as_2017_from_it(disposition, year):
    assert conviction_year(disposition) == year


@pytest.mark.parametrize(
    ("dob", "disposition", "band"),
    [
        ("", "2010-01-01", "unsure"),
        ("1992-05-01", "2010-04-30", "under_18"),
        ("1992-05-01", "2010-05-01", "18_20"),
        ("1989-05-01", "2010-04-30", "18_20"),
        ("1989-05-01", "2010-05-01", "21_plus"),
        ("1992-02-29", "2010-02-28", "under_18"),
        ("1992-02-29", "2010-03-01", "18_20"),
        ("1950-12-31", "2010-01-01", "21_plus"),
    ],
)
def test_age_is_whole_years_at_the_disposition_date(dob, disposition, band):
    assert age_band(dob, disposition) == band


@pytest.mark.parametrize(
    ("sentence_end", "status"),
    [
        ("", "unsure"),
        ("2025-06-29", "completed"),
        ("2025-06-30", "completed"),
        ("2025-07-01", "serving"),
    ],
)
def test_a_sentence_ending_on_the_as_of_date_is_completed(sentence_end, status):
    assert sentence_status(sentence_end, "2025-06-30") == status


def test_ten_years_before_a_leap_day_is_february_28():
    assert years_before(date(2024, 2, 29), 10) == date(2014, 2, 28)
    assert years_before(date(2025, 6, 30), 10) == date(2015, 6, 30)
