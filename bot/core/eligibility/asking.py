"""Which question to ask next: the contract's order, skipping what cannot matter.

A question is asked only when, for some answers to the questions still open, two answers to it
give a different outcome or office. When no open question can matter, both are settled and the
check ends. The search is exhaustive over representative values, so it follows any policy file.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from itertools import product

from bot.core.eligibility.facts import FACT_IDS, FACT_VALUES, UNSURE, Fact, complete
from bot.core.eligibility.rules import POLICY, outcome_and_office


def _year_representatives() -> tuple[Fact, ...]:
    """One year on each side of every year the rules mention, plus ``unsure``."""
    years: set[int] = set()
    for rule in POLICY.rules:
        for condition in rule.conditions:
            if condition.fact == "conviction_year":
                for year in condition.values:
                    if isinstance(year, int):
                        years.update((year - 1, year, year + 1))
    return (*sorted(years), UNSURE)


DOMAINS: dict[str, tuple[Fact, ...]] = {
    **FACT_VALUES,
    "conviction_year": _year_representatives(),
}


YEAR_CONDITIONS = tuple(
    condition
    for rule in POLICY.rules
    for condition in rule.conditions
    if condition.fact == "conviction_year"
)


def _could_change(question: str, answers: dict[str, Fact], open_facts: tuple[str, ...]) -> bool:
    others = [fact for fact in open_facts if fact != question]
    for combo in product(*(DOMAINS[fact] for fact in others)):
        facts = {**answers, **dict(zip(others, combo, strict=True))}
        seen = None
        for value in DOMAINS[question]:
            facts[question] = value
            result = outcome_and_office(facts)
            if seen is None:
                seen = result
            elif result != seen:
                return True
    return False


def _facts_still_read(answers: Mapping[str, Fact]) -> set[str]:
    """Open facts that a rule not yet ruled out, or a route, still reads.

    Rules after the first one the answers already satisfy can never decide, and a rule one of
    whose answered conditions fails is out; only the facts the rest read can change anything.
    """
    still_read: set[str] = set()
    for rule in POLICY.rules:
        known = [c for c in rule.conditions if c.fact in answers]
        if not all(c.test(answers) for c in known):
            continue
        still_read.update(c.fact for c in rule.conditions if c.fact not in answers)
        if len(known) == len(rule.conditions):
            break
    for candidate in POLICY.routes:
        still_read.update(c.fact for c in candidate.conditions if c.fact in DOMAINS)
    return still_read - answers.keys()


@cache
def _next_question(answered: tuple[tuple[str, Fact], ...]) -> str | None:
    answers = dict(answered)
    still_read = _facts_still_read(answers)
    open_facts = tuple(fact for fact in FACT_IDS if fact in still_read)
    for question in open_facts:
        if _could_change(question, complete(answers), open_facts):
            return question
    return None


def _year_class(year: Fact) -> Fact:
    """A representative year that every rule treats like ``year``, so answers share a cache."""
    for representative in DOMAINS["conviction_year"]:
        if all(
            condition.test({"conviction_year": year})
            == condition.test({"conviction_year": representative})
            for condition in YEAR_CONDITIONS
        ):
            return representative
    return year


def next_question(answers: Mapping[str, Fact]) -> str | None:
    """The id of the next question to ask, or ``None`` when the outcome and office are settled."""
    key = tuple(
        (fact, _year_class(answers[fact]) if fact == "conviction_year" else answers[fact])
        for fact in FACT_IDS
        if fact in answers
    )
    return _next_question(key)
