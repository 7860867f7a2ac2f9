"""The service's sense of time: residents' "this year" is in America/Los_Angeles."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

COUNTY_TIME = ZoneInfo("America/Los_Angeles")


def now() -> datetime:
    return datetime.now(UTC)


def this_year() -> int:
    return datetime.now(COUNTY_TIME).year


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
