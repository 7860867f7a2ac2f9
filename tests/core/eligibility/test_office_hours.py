"""Office hours as the policy file writes them, and whether an office is open at a moment."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.eligibility import OFFICES
from bot.core.eligibility.rules import Hours

COUNTY_TIME = ZoneInfo("America/Los_Angeles")
WEEKDAYS = Hours.parse("Mon-Fri 08:00-17:00")


def at(day: int, clock_time: str) -> datetime:
    """A naive wall-clock moment in the week of Monday 2024-06-03 (day 0 is that Monday)."""
    hour, minute = (int(part) for part in clock_time.split(":"))
    return datetime(2024, 6, 3 + day, hour, minute)


def test_the_weekday_form_reads_as_monday_to_friday_eight_to_five():
    assert WEEKDAYS.days == frozenset({0, 1, 2, 3, 4})
    assert (WEEKDAYS.opens, WEEKDAYS.closes) == (8 * 60, 17 * 60)


@pytest.mark.parametrize(
    ("day", "clock_time", "expected"),
    [
        (0, "07:59", False),
        (0, "08:00", True),
        (2, "12:30", True),
        (4, "16:59", True),
        (4, "17:00", False),
        (4, "23:59", False),
        (5, "12:00", False),
        (6, "09:00", False),
    ],
)
def test_open_from_the_opening_minute_until_the_closing_minute(day, clock_time, expected):
    assert WEEKDAYS.is_open(at(day, clock_time)) is expected


def test_seconds_past_the_last_open_minute_are_still_open():
    assert WEEKDAYS.is_open(at(4, "16:59").replace(second=59, microsecond=999_999))


def test_every_day_all_day_is_always_open():
    always = Hours.parse("Mon-Sun 00:00-24:00")
    assert always.days == frozenset(range(7))
    for day in range(7):
        assert always.is_open(at(day, "00:00"))
        assert always.is_open(at(day, "23:59"))


def test_a_single_day_and_a_run_that_wraps_past_sunday():
    assert Hours.parse("Sat 09:00-12:00") == Hours(frozenset({5}), 9 * 60, 12 * 60)
    assert Hours.parse("Sat-Mon 10:00-14:00").days == frozenset({5, 6, 0})


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Mon-Fri",
        "Mon-Fri 8:00-17:00",
        "Mon-Fri 08:00 17:00",
        "mon-fri 08:00-17:00",
        "Mon-Fry 08:00-17:00",
        "Mon-Fri 17:00-08:00",
        "Mon-Fri 08:00-08:00",
        "Mon-Fri 08:00-24:30",
        "Mon-Fri 08:60-17:00",
        "Mon-Fri 25:00-26:00",
        "Mon-Fri 24:00-24:00",
    ],
)
def test_anything_else_is_refused_when_the_policy_loads(text):
    with pytest.raises(ValueError):
        Hours.parse(text)


def test_an_aware_moment_is_read_on_the_county_wall_clock_across_daylight_saving():
    summer = datetime(2024, 7, 1, 8, 0, tzinfo=COUNTY_TIME)
    winter = datetime(2024, 1, 8, 16, 59, tzinfo=COUNTY_TIME)
    assert WEEKDAYS.is_open(summer)
    assert WEEKDAYS.is_open(winter)
    assert not WEEKDAYS.is_open(datetime(2024, 7, 1, 7, 59, tzinfo=COUNTY_TIME))


def test_a_utc_moment_is_a_mistake_not_an_answer():
    with pytest.raises(ValueError, match="county time"):
        WEEKDAYS.is_open(datetime(2024, 7, 1, 16, 0, tzinfo=UTC))


def test_both_offices_keep_weekday_business_hours():
    for office in OFFICES.values():
        assert office.hours == WEEKDAYS
        assert office.is_open(at(1, "10:00"))
        assert not office.is_open(at(5, "10:00"))


@pytest.mark.parametrize(
    ("day", "clock_time", "opens_on", "opens_at"),
    [
        (0, "07:00", 0, "08:00"),  # Monday before opening: today
        (0, "17:00", 1, "08:00"),  # Monday at closing: tomorrow
        (4, "18:30", 7, "08:00"),  # Friday evening: Monday
        (5, "10:00", 7, "08:00"),  # Saturday: Monday
        (6, "23:59", 7, "08:00"),  # Sunday night: Monday
    ],
)
def test_a_closed_office_says_when_it_next_opens(day, clock_time, opens_on, opens_at):
    moment = at(day, clock_time).replace(tzinfo=COUNTY_TIME)
    expected = at(opens_on, opens_at).replace(tzinfo=COUNTY_TIME)
    assert WEEKDAYS.next_opening(moment) == expected


def test_when_an_office_opens_is_asked_in_county_time_only():
    with pytest.raises(ValueError, match="county time"):
        WEEKDAYS.next_opening(datetime(2024, 6, 8, 10, 0, tzinfo=UTC))
