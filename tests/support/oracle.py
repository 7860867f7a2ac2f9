"""An independent oracle for the eligibility contract, written from its text (docs/contract.md).

Nothing here is imported from ``bot/``: the rules table, routing, notes and the asking rule's
"could change" are re-stated directly from the contract so the tests can compare against them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from itertools import product

THIS_YEAR = datetime.date.today().year

ASKING_ORDER = (
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

#: The contract's allowed values; ``conviction_year`` is an integer or ``unsure``.
CONTRACT_VALUES: dict[str, tuple[str, ...]] = {
    "county": ("sacramento", "other", "unsure"),
    "offense": (
        "possession",
        "cultivation",
        "possession_for_sale",
        "sale_transport",
        "other",
        "unsure",
    ),
    "age_at_offense": ("under_18", "18_20", "21_plus", "unsure"),
    "level": ("misdemeanor", "felony", "unsure"),
    "disqualifying_record": ("yes", "no", "unsure"),
    "sentence_status": ("serving", "completed", "unsure"),
    "only_conviction": ("yes", "no", "unsure"),
    "recent_conviction": ("yes", "no", "unsure"),
}

#: Years on both sides of 2016, for the exhaustive table.
TABLE_YEARS = (1999, 2015, 2016, 2017, THIS_YEAR, "unsure")
#: One year of each kind the rules tell apart, for walking the conversation.
WALK_YEARS = (2009, 2016, 2017, "unsure")

DISTRICT_ATTORNEY = "district_attorney"
PUBLIC_DEFENDER = "public_defender"
OFFICE_DETAILS = {
    PUBLIC_DEFENDER: ("Sacramento County Public Defender", "916-874-5578"),
    DISTRICT_ATTORNEY: ("Sacramento County District Attorney", "916-874-6218"),
}


def domains(years: tuple[int | str, ...]) -> dict[str, tuple[int | str, ...]]:
    """Every fact's values in asking order, with the given years."""
    return {
        fact: years if fact == "conviction_year" else CONTRACT_VALUES[fact] for fact in ASKING_ORDER
    }


def filled(facts: Mapping[str, int | str]) -> dict[str, int | str]:
    """A missing fact means unsure."""
    return {fact: facts.get(fact, "unsure") for fact in ASKING_ORDER}


def contract_rule(facts: Mapping[str, int | str]) -> tuple[int, str, str]:  # noqa: C901 (the table, row by row)
    """(rule number, outcome, reason) of the first matching row of the contract's table."""
    f = filled(facts)
    offense = f["offense"]
    year = f["conviction_year"]
    if offense == "other":
        return 1, "not_eligible", "not_cannabis"
    if offense == "unsure":
        return 2, "review", "offense_unknown"
    if year != "unsure" and year >= 2017:
        return 3, "not_eligible", "after_prop64"
    if year == 2016:
        return 4, "review", "date_unclear"
    if f["county"] != "sacramento":
        return 5, "review", "other_county"
    if f["age_at_offense"] == "under_18":
        return 6, "review", "juvenile"
    if offense == "possession":
        return 7, "dismiss", "possession"
    if f["level"] == "misdemeanor":  # unsure is a felony, so only an explicit misdemeanor
        return 8, "dismiss", "misdemeanor"
    if f["disqualifying_record"] != "no":
        return 9, "review", "possible_disqualifier"
    if f["only_conviction"] == "yes" and f["sentence_status"] == "completed":
        return 10, "dismiss", "only_conviction_completed"
    if f["only_conviction"] == "yes":
        return 11, "reduce", "sentence_not_completed"
    if f["recent_conviction"] == "no":
        return 12, "dismiss", "crime_free_10_years"
    return 13, "reduce", "recent_convictions"


def contract_office(facts: Mapping[str, int | str], outcome: str) -> str:
    f = filled(facts)
    if (
        f["county"] == "sacramento"
        and outcome in ("dismiss", "reduce")
        and f["sentence_status"] != "serving"
    ):
        return DISTRICT_ATTORNEY
    return PUBLIC_DEFENDER


def contract_outcome_and_office(facts: Mapping[str, int | str]) -> tuple[str, str]:
    _, outcome, _ = contract_rule(facts)
    return outcome, contract_office(facts, outcome)


def could_change(question: str, answers: Mapping[str, int | str], years=WALK_YEARS) -> bool:
    """Brute force: for some answers to the other open questions, two answers to ``question``
    give a different outcome or office."""
    doms = domains(years)
    others = [fact for fact in ASKING_ORDER if fact not in answers and fact != question]
    for combo in product(*(doms[fact] for fact in others)):
        facts = {**answers, **dict(zip(others, combo, strict=True))}
        results = set()
        for value in doms[question]:
            facts[question] = value
            results.add(contract_outcome_and_office(facts))
            if len(results) > 1:
                return True
    return False


def contract_next_question(answers: Mapping[str, int | str], years=WALK_YEARS) -> str | None:
    """The first open question, in order, whose answer could change outcome or office."""
    for question in ASKING_ORDER:
        if question not in answers and could_change(question, answers, years):
            return question
    return None


def all_fact_combinations(years=TABLE_YEARS) -> Iterator[dict[str, int | str]]:
    doms = domains(years)
    for combo in product(*doms.values()):
        yield dict(zip(ASKING_ORDER, combo, strict=True))
