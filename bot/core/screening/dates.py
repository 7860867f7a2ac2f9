"""Dates in record files: strict ``YYYY-MM-DD``, kept as text.

ISO dates compare correctly as strings, so rows keep the text they came with and every comparison
(recent, serving, 2016) is a string comparison; only the year and the age need numbers.
"""

from __future__ import annotations

from datetime import date

FIRST_DATE = "1900-01-01"

#: Prop 64 took effect the day after the November 8, 2016 election (HS 11361.8).
PROP64_EFFECTIVE = "2016-11-09"


def is_plain_date(text: str) -> bool:
    """A real ``YYYY-MM-DD`` date from 1900 on, exactly (no spaces): the fast, usual case.

    ``date.fromisoformat`` alone also takes ``20160101`` and week dates, so the shape is checked.
    """
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or text < FIRST_DATE:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_date(text: str) -> str:
    """The date as ``YYYY-MM-DD`` (spaces around it dropped); ``ValueError`` says what is wrong."""
    text = text.strip()
    if is_plain_date(text):
        return text
    if len(text) == 10 and text[4] == text[7] == "-" and text < FIRST_DATE:
        raise ValueError("is before 1900")
    raise ValueError("is not a date (YYYY-MM-DD)")


def conviction_year(disposition: str) -> int:
    """The year the rules see: in 2016, the Prop 64 date decides (2017 on or after it, else 2015).

    So no bulk row falls into the residents' "2016: date unclear" review.
    """
    year = int(disposition[:4])
    if year != 2016:
        return year
    return 2017 if disposition >= PROP64_EFFECTIVE else 2015


def whole_years(born: str, on: str) -> int:
    """Age in completed years on a day; someone born on February 29 turns a year older on March 1
    in other years."""
    return int(on[:4]) - int(born[:4]) - (on[5:] < born[5:])


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (February 29 becomes February 28)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
