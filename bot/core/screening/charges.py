"""What a code section means for the rules: a Prop 64 offense, a disqualifier, or neither.

Files repeat a few thousand spellings over millions of rows, so the answer is cached by the text
as written: parsing is paid once per spelling, not once per row.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from bot.core.screening.disqualifiers import is_disqualifying
from bot.core.screening.sections import Section, parse_section

#: HS 11361.8 covers exactly these sections (and attempts at them); ``11357.5`` is another crime.
PROP64_OFFENSES = {
    "11357": "possession",
    "11358": "cultivation",
    "11359": "possession_for_sale",
    "11360": "sale_transport",
}


class Charge(NamedTuple):
    """``offense`` is the Prop 64 offense fact, or ``None`` for any other conviction."""

    offense: str | None
    disqualifying: bool


def prop64_offense(section: Section) -> str | None:
    """The offense fact for HS 11357-11360, also when a letter stands for the subsection.

    ``11357B HS`` is a common way of writing 11357(b): no lettered sections exist there.
    """
    if section.code != "HS":
        return None
    number = section.number
    if len(number) == 6 and number[-1].isalpha():
        number = number[:-1]
    return PROP64_OFFENSES.get(number)


@lru_cache(maxsize=1 << 16)
def classify(code_section: str) -> Charge:
    """The charge a code section describes; ``ValueError`` when the section cannot be read."""
    section = parse_section(code_section)
    return Charge(prop64_offense(section), is_disqualifying(section))
