"""What the rules need to know about a person's whole record, gathered row by row.

A person's rows may be anywhere in the file (or in another file of the same run), so each person
keeps a few counters and flags (not their rows) while the files stream past; a million rows fit
in a modest amount of memory.
"""

from __future__ import annotations

from bot.core.eligibility import UNSURE

YES = "yes"
NO = "no"


class Person:
    """One person's record so far. ``disqualifying`` and ``recent`` are already fact values.

    The counters of convictions "in the last 7 years" and felonies feed the summary only; a bad
    row counts as one of each, since it might be, so it never makes a person look relieved.
    """

    __slots__ = (
        "deceased",
        "dismissed",
        "dismissed_recent7",
        "disqualifying",
        "felonies",
        "felonies_relieved",
        "id",
        "recent",
        "recent7",
        "relieved",
        "rows",
        "screened",
    )

    def __init__(self, person_id: str) -> None:
        self.id = person_id
        self.rows = 0  # convictions in the files, any county, bad rows included
        self.disqualifying = NO
        self.recent = NO
        self.screened = 0  # Prop 64 rows screened (chosen county)
        self.dismissed = 0  # of those, dismissed
        self.relieved = 0  # of those, dismissed or reduced
        self.felonies = 0  # felony convictions, any county, any crime
        self.felonies_relieved = 0  # of those, screened and dismissed or reduced
        self.recent7 = 0  # convictions in the 7 years before the as-of date
        self.dismissed_recent7 = 0  # of those, screened and dismissed
        self.deceased = False  # a DECEASED step in the DOJ file

    def add_unreadable_row(self) -> None:
        """A conviction we could not read might be a disqualifier or recent: say ``unsure``.

        Counting it keeps ``only_conviction`` honest and the person out of ``people_cleared``
        (and out of the summary's "no felony" and "no conviction in 7 years").
        """
        self.rows += 1
        self.felonies += 1
        self.recent7 += 1
        if self.disqualifying == NO:
            self.disqualifying = UNSURE
        if self.recent == NO:
            self.recent = UNSURE

    @property
    def only_conviction(self) -> str:
        return YES if self.rows == 1 else NO

    @property
    def cleared(self) -> bool:
        """Every conviction of theirs, in any county, is a screened Prop 64 one, dismissed."""
        return self.dismissed == self.rows
