"""One row of the DOJ research file, read for screening: a conviction, a sentence part, a
registration, a death, or context the rules do not use.

A count (``SUBJECT_ID`` and ``CNT_ORDER``) is one conviction however many rows it has: its first
row whose ``DISP_DESCR`` begins ``CONVICTED`` is the conviction, and later rows of the same count
add parts to its sentence. Values are read only where the rules use them, so an arrest row with
an odd date is context, not a bad row; a conviction that cannot be read is a ``RowError``.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from functools import lru_cache

from bot.core.screening import doj_layout as at
from bot.core.screening.charges import Charge, classify
from bot.core.screening.dates import FIRST_DATE
from bot.core.screening.records import RowError
from bot.core.screening.sections import clean_section

COMMENT_MARKER = "SEE COMMENT FOR CHARGE"
#: ``STP_TYPE_DESCR`` of the steps that change a person's facts without being convictions.
REGISTRATION = "REGISTRATION"
DECEASED = "DECEASED"
#: A registration under PC 290 (sex offenders) disqualifies, as a PC 290 conviction does.
SEX_OFFENDER_REGISTRATION = "290"


@lru_cache(maxsize=1 << 16)
def doj_date(text: str) -> str:
    """A ``YYYYMMDD`` date as ``YYYY-MM-DD``; ``ValueError`` unless a real date from 1900 on."""
    text = text.strip()
    if len(text) != 8 or not text.isdigit():
        raise ValueError("is not a date (YYYYMMDD)")
    iso = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        date.fromisoformat(iso)
    except ValueError:
        raise ValueError("is not a date (YYYYMMDD)") from None
    if iso < FIRST_DATE:
        raise ValueError("is before 1900")
    return iso


def code_section(row: list[str]) -> str:
    """The charge as written: ``OFFENSE_DESCR``, or ``COMMENT_TEXT`` when that is blank or says
    to see the comment."""
    offense = row[at.OFFENSE_DESCR]
    stripped = offense.strip()
    if not stripped or stripped.upper() == COMMENT_MARKER:
        return row[at.COMMENT_TEXT]
    return offense


def is_felony(row: list[str]) -> bool:
    """``CONV_STAT_DESCR`` says ``FELONY``, or it is blank and the offense's type is ``F``."""
    status = row[at.CONV_STAT_DESCR].strip().upper()
    return status == "FELONY" or (not status and row[at.OFFENSE_TOC].strip().upper() == "F")


#: A read conviction (a plain tuple: one is made per conviction and unpacked at once):
#: county, section as written (description dropped), charge, level, disposition date, dob.
Conviction = tuple[str, str, Charge, str, str, str]


def _charge(written: str) -> tuple[str, Charge]:
    try:
        return clean_section(written), classify(written)
    except ValueError as error:
        raise RowError(f"code section {written.strip()!r} {error}") from None


#: county, section as written (description dropped), charge, level.
Kind = tuple[str, str, Charge, str]


def _kind(row: list[str]) -> Kind:
    county = row[at.STP_ORI_CNTY_NAME].strip().upper()
    if not county:
        raise RowError("STP_ORI_CNTY_NAME is empty")
    section, charge = _charge(code_section(row))
    return county, section, charge, "felony" if is_felony(row) else "misdemeanor"


def _dates(row: list[str]) -> tuple[str, str]:
    """The disposition date and the date of birth (``""`` when not given), checked."""
    try:
        disposition = doj_date(row[at.STP_EVENT_DATE])
    except ValueError as error:
        written = row[at.STP_EVENT_DATE].strip()
        problem = f"STP_EVENT_DATE {written!r} {error}" if written else "STP_EVENT_DATE is empty"
        raise RowError(problem) from None
    dob = ""
    if row[at.PRI_DOB].strip():
        try:
            dob = doj_date(row[at.PRI_DOB])
        except ValueError as error:
            raise RowError(f"PRI_DOB {error}") from None  # a date of birth is never shown
        if dob > disposition:
            raise RowError("PRI_DOB is after STP_EVENT_DATE")
    return disposition, dob


class ConvictionReader:
    """Reads conviction rows. A file repeats a few thousand (county, charge, level) spellings over
    millions of rows: each is checked in full once and remembered by the fields it came from."""

    def __init__(self) -> None:
        self._kinds: dict[tuple[str, str, str, str, str], Kind] = {}

    def read(self, row: list[str]) -> Conviction:
        """A conviction row's values, checked; ``RowError`` names the first that fails."""
        if not row[at.SUBJECT_ID].strip():
            raise RowError("SUBJECT_ID is empty")
        disposition, dob = _dates(row)
        offense = row[at.OFFENSE_DESCR]
        stripped = offense.strip()
        comment = row[at.COMMENT_TEXT] if not stripped or stripped.upper() == COMMENT_MARKER else ""
        key = (
            offense,
            comment,
            row[at.STP_ORI_CNTY_NAME],
            row[at.CONV_STAT_DESCR],
            row[at.OFFENSE_TOC],
        )
        kind = self._kinds.get(key)
        if kind is None:
            kind = self._kinds[key] = _kind(row)
        county, section, charge, level = kind
        return county, section, charge, level, disposition, dob


class Sentence:
    """A count's sentence so far: parts in calendar months and days, added up.

    A part whose length is not a whole number, or whose unit is not ``D``, ``M`` or ``Y``, makes
    the end unknown (``sentence_status`` ``unsure``) rather than shorter than it may be.
    """

    __slots__ = ("days", "known", "months")

    def __init__(self) -> None:
        self.months = 0
        self.days = 0
        self.known = True

    def add(self, length: str, unit: str) -> None:
        length, unit = length.strip(), unit.strip().upper()
        if not length and not unit:
            return
        if not length.isdigit() or unit not in ("D", "M", "Y"):
            self.known = False
        elif unit == "D":
            self.days += int(length)
        elif unit == "M":
            self.months += int(length)
        else:
            self.months += 12 * int(length)

    def end(self, disposition: str) -> str:
        """The day the sentence ends: months first (the day of the month kept, or the month's
        last), then days; ``""`` when unknown. No parts: the disposition date itself."""
        if not self.known:
            return ""
        if not self.months and not self.days:
            return disposition
        start = date.fromisoformat(disposition)
        months = start.year * 12 + start.month - 1 + self.months
        year, month = divmod(months, 12)
        if year > 9999:
            return "9999-12-31"
        day = min(start.day, monthrange(year, month + 1)[1])
        try:
            return (date(year, month + 1, day) + timedelta(days=self.days)).isoformat()
        except OverflowError:
            return "9999-12-31"
