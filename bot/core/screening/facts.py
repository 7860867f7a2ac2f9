"""The residents' facts (docs/contract.md, "Facts"), derived from a record file instead of asked.

A screened row's facts come from the row itself (offense, year, age, level, sentence) and from
the person's whole record (disqualifier, only conviction, recent). They feed the same ``evaluate``
the residents' check uses: one engine, whatever the channel.
"""

from __future__ import annotations

from bot.core.eligibility import FACT_IDS, UNSURE
from bot.core.eligibility.facts import Fact
from bot.core.screening.dates import conviction_year, whole_years
from bot.core.screening.people import Person

#: Screened rows are in the chosen county, whose policy the rules are.
IN_COUNTY = "sacramento"

#: ``facts_tuple`` builds this order by hand for speed; fail at import if the contract moves.
_ORDER = (
    "county",
    "offense",
    "conviction_year",
    "age_at_offense",
    "level",
    "disqualifying_record",
    "sentence_status",
    "only_conviction",
    "recent_conviction",
)
if FACT_IDS != _ORDER:
    raise RuntimeError(
        "bot.core.screening.facts builds facts in an order the contract no longer has"
    )


#: The facts one row decides alone: offense, conviction_year, age_at_offense, level,
#: sentence_status. A plain tuple (cheap to make); equal ones are shared, few distinct ones exist.
RowFacts = tuple[str, int, str, str, str]


def age_band(dob: str, disposition: str) -> str:
    """Whole years at the disposition date (the nearest date a record gives to the offense)."""
    if not dob:
        return UNSURE
    age = whole_years(dob, disposition)
    if age < 18:
        return "under_18"
    return "18_20" if age < 21 else "21_plus"


def sentence_status(sentence_end: str, as_of: str) -> str:
    """Completed on or before the as-of date, serving after it, unsure when not recorded."""
    if not sentence_end:
        return UNSURE
    return "completed" if sentence_end <= as_of else "serving"


def row_facts(
    offense: str, level: str, disposition: str, dob: str, sentence_end: str, as_of: str
) -> RowFacts:
    """The facts of a Prop 64 row that do not depend on the person's other rows."""
    return (
        offense,
        conviction_year(disposition),
        age_band(dob, disposition),
        level,
        sentence_status(sentence_end, as_of),
    )


def facts_tuple(row: RowFacts, person: Person) -> tuple[Fact, ...]:
    """All nine facts in ``FACT_IDS`` order, once the whole file has been read."""
    offense, year, age, level, sentence = row
    return (
        IN_COUNTY,
        offense,
        year,
        age,
        level,
        person.disqualifying,
        sentence,
        person.only_conviction,
        person.recent,
    )
