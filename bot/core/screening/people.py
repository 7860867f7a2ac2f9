"""What the rules need to know about a person's whole record, gathered row by row.

A person's rows may be anywhere in the file, so each person keeps a few counters and flags (not
their rows) while the file streams past; a million rows fit in a modest amount of memory.
"""

from __future__ import annotations

from bot.core.eligibility import UNSURE

YES = "yes"
NO = "no"


class Person:
    """One person's record so far. ``disqualifying`` and ``recent`` are already fact values."""

    __slots__ = ("dismissed", "disqualifying", "id", "recent", "rows", "screened")

    def __init__(self, person_id: str) -> None:
        self.id = person_id
        self.rows = 0  # convictions in the file, any county, bad rows included
        self.disqualifying = NO
        self.recent = NO
        self.screened = 0  # Prop 64 rows screened (chosen county)
        self.dismissed = 0  # of those, dismissed

    def add_unreadable_row(self) -> None:
        """A conviction we could not read might be a disqualifier or recent: say ``unsure``.

        Counting it keeps ``only_conviction`` honest and the person out of ``people_cleared``.
        """
        self.rows += 1
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
