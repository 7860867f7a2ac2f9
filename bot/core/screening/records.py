"""One conviction row of a record file, checked field by field.

A row that cannot be read is a ``RowError`` whose message names the field, so staff can fix the
file; it is never guessed at. Personal values (person id, date of birth) are left out of messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from bot.core.screening.charges import Charge, classify
from bot.core.screening.dates import is_plain_date, parse_date

COLUMNS = (
    "person_id",
    "dob",
    "county",
    "code_section",
    "level",
    "disposition_date",
    "sentence_end_date",
)

#: An infraction is treated as a misdemeanor by the rules (the least serious level they know).
LEVELS = {"felony": "felony", "misdemeanor": "misdemeanor", "infraction": "misdemeanor"}


class RowError(ValueError):
    """A row that cannot be screened; the message says why."""


class HeaderError(ValueError):
    """The file has no header, or the header lacks a required column."""


def _level(text: str) -> str:
    level = LEVELS.get(text) or LEVELS.get(text.strip().lower())
    if level is None:
        raise RowError(f"level {text.strip()!r} is not felony, misdemeanor or infraction")
    return level


def _charge(text: str) -> Charge:
    try:
        return classify(text)
    except ValueError as error:
        raise RowError(f"code_section {text.strip()!r} {error}") from None


#: A read row, in this order (a plain tuple: one is made per row and unpacked at once):
#: person_id, county, code_section, charge, level, disposition_date, dob, sentence_end_date.
Row = tuple[str, str, str, Charge, str, str, str, str]
Kind = tuple[str, str, Charge, str]


def _row(person_id: str, kind: Kind, disposition: str, dob: str, sentence_end: str) -> Row:
    if not person_id:
        raise RowError("person_id is empty")
    if dob > disposition:
        raise RowError("dob is after disposition_date")
    county, section, charge, level = kind
    return (person_id, county, section, charge, level, disposition, dob, sentence_end)


class RowReader:
    """Reads rows by the file's own header, so columns may come in any order or with extras.

    A file repeats a few thousand (county, section, level) spellings over millions of rows: each is
    checked in full the first time (``_check``) and remembered once it passed. Plain dates are
    checked in place. So a usual row costs one look-up and three date checks; any other row gets
    the full, slower check, which gives the same answer.
    """

    def __init__(self, header: Sequence[str]) -> None:
        names = [name.strip().lower() for name in header]
        missing = [column for column in COLUMNS if column not in names]
        if missing:
            raise HeaderError(f"the header lacks the column(s) {', '.join(missing)}")
        self.width = len(names)
        self._where = [names.index(column) for column in COLUMNS]
        self._fields = itemgetter(*self._where)
        self._kinds: dict[tuple[str, str, str], Kind] = {}

    def person_id(self, row: Sequence[str]) -> str:
        """The row's person, if it can be told even when the row is bad (else ``""``)."""
        return row[self._where[0]].strip() if len(row) == self.width else ""

    def read(self, row: Sequence[str]) -> Row:
        """The row's values, checked and tidied (see ``Row``), or ``RowError``."""
        if len(row) != self.width:
            raise RowError(f"has {len(row)} fields, the header has {self.width}")
        person_id, dob, county, section, level, disposition, sentence_end = self._fields(row)
        kind = self._kinds.get((county, section, level))
        if (
            kind is None
            or not is_plain_date(disposition)
            or (dob and not is_plain_date(dob))
            or (sentence_end and not is_plain_date(sentence_end))
        ):
            return self._check(row)
        return _row(person_id.strip(), kind, disposition, dob, sentence_end)

    def _check(self, row: Sequence[str]) -> Row:
        """Every field in full, in column order, with a message for the first that fails."""
        person_id, dob, county, section, level, disposition, sentence_end = self._fields(row)
        if not person_id.strip():
            raise RowError("person_id is empty")
        dob = _date("dob", dob, required=False, shown=False)
        kind = self._kind(county, section, level)
        disposition = _date("disposition_date", disposition, required=True)
        sentence_end = _date("sentence_end_date", sentence_end, required=False)
        return _row(person_id.strip(), kind, disposition, dob, sentence_end)

    def _kind(self, county: str, section: str, level: str) -> Kind:
        name = county.strip().upper()
        if not name:
            raise RowError("county is empty")
        kind = (name, section.strip(), _charge(section), _level(level))
        self._kinds[county, section, level] = kind
        return kind


def _date(field: str, text: str, *, required: bool, shown: bool = True) -> str:
    if not text or text.isspace():
        if required:
            raise RowError(f"{field} is empty")
        return ""
    try:
        return parse_date(text)
    except ValueError as error:
        value = f" {text.strip()!r}" if shown else ""
        raise RowError(f"{field}{value} {error}") from None
