"""The facts a resident can tell us, with their allowed values (docs/contract.md, "Facts").

Machine values are fixed by the contract; the wording of questions lives with the conversation.
A fact that is missing is read as ``unsure``, so partial answers are always valid input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

UNSURE = "unsure"
FIRST_YEAR = 1900

#: Every fact in the order residents are asked about it, with its allowed values.
#: ``conviction_year`` is an integer year (or ``unsure``); its values are checked separately.
FACT_VALUES: dict[str, tuple[str, ...]] = {
    "county": ("sacramento", "other", UNSURE),
    "offense": (
        "possession",
        "cultivation",
        "possession_for_sale",
        "sale_transport",
        "other",
        UNSURE,
    ),
    "conviction_year": (UNSURE,),
    "age_at_offense": ("under_18", "18_20", "21_plus", UNSURE),
    "level": ("misdemeanor", "felony", UNSURE),
    "disqualifying_record": ("yes", "no", UNSURE),
    "sentence_status": ("serving", "completed", UNSURE),
    "only_conviction": ("yes", "no", UNSURE),
    "recent_conviction": ("yes", "no", UNSURE),
}

FACT_IDS: tuple[str, ...] = tuple(FACT_VALUES)

Fact = str | int
Facts = dict[str, Fact]


@dataclass
class FactError(ValueError):
    """A fact with a value outside the contract; ``field`` names the fact."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


def is_valid_year(value: object, this_year: int) -> bool:
    """Years are real integers (``True`` is not a year) from 1900 up to this year."""
    return type(value) is int and FIRST_YEAR <= value <= this_year


def validate_fact(fact_id: str, value: object, this_year: int) -> Fact:
    """Return ``value`` when the contract allows it for ``fact_id``, else raise ``FactError``."""
    if fact_id not in FACT_VALUES:
        raise FactError(fact_id, f"Unknown fact '{fact_id}'.")
    if value == UNSURE and isinstance(value, str):
        return UNSURE
    if fact_id == "conviction_year":
        if is_valid_year(value, this_year):
            return value  # type: ignore[return-value]
        raise FactError(
            fact_id,
            f"conviction_year must be an integer from {FIRST_YEAR} to {this_year}, or 'unsure'.",
        )
    if isinstance(value, str) and value in FACT_VALUES[fact_id]:
        return value
    allowed = ", ".join(f"'{v}'" for v in FACT_VALUES[fact_id])
    raise FactError(fact_id, f"{fact_id} must be one of {allowed}.")


def validate_facts(raw: Mapping[str, object], this_year: int) -> Facts:
    """Check every given fact; missing facts stay missing (they mean ``unsure``)."""
    return {fact_id: validate_fact(fact_id, value, this_year) for fact_id, value in raw.items()}


def complete(facts: Mapping[str, Fact]) -> Facts:
    """All nine facts, with ``unsure`` for each one not given."""
    return {fact_id: facts.get(fact_id, UNSURE) for fact_id in FACT_IDS}
