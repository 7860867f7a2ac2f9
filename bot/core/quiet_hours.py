"""Quiet hours: when texts staff start are held rather than sent (``QUIET_HOURS``).

Pure: the caller passes the moment to judge, in the county's time. A window such as
``21:00-08:00`` runs over midnight; an empty setting means no quiet hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta


class QuietHoursError(ValueError):
    """The setting is not ``HH:MM-HH:MM``."""


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def held_until(self, moment: datetime) -> datetime | None:
        """The end of the quiet hours ``moment`` falls in (same time zone), or ``None`` when
        texts may go now."""
        clock = moment.timetz().replace(tzinfo=None)
        over_midnight = self.start > self.end
        if over_midnight:
            quiet = clock >= self.start or clock < self.end
        else:
            quiet = self.start <= clock < self.end
        if not quiet:
            return None
        day = moment.date()
        if over_midnight and clock >= self.start:
            day += timedelta(days=1)
        return datetime.combine(day, self.end, moment.tzinfo)


def _time(text: str, setting: str) -> time:
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError as error:
        raise QuietHoursError(f"{setting} must look like 21:00-08:00, not {text!r}.") from error


def parse(setting: str) -> QuietHours | None:
    """``"21:00-08:00"`` -> the window; ``""`` -> ``None`` (no quiet hours)."""
    if not setting.strip():
        return None
    if setting.count("-") != 1:
        raise QuietHoursError(f"QUIET_HOURS must look like 21:00-08:00, not {setting!r}.")
    start, end = setting.split("-")
    window = QuietHours(_time(start, "QUIET_HOURS"), _time(end, "QUIET_HOURS"))
    if window.start == window.end:
        raise QuietHoursError("QUIET_HOURS must start and end at different times.")
    return window
