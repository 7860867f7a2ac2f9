"""The rules table, routing and notes of the contract, checked over every combination of facts."""

from itertools import combinations

import pytest

from bot.core.eligibility import FACT_IDS, OFFICES, UNSURE, evaluate
from tests.support.oracle import (
    ASKING_ORDER,
    OFFICE_DETAILS,
    all_fact_combinations,
    contract_office,
    contract_rule,
    filled,
)

NOTES = {"year_unknown", "level_unknown"}


def unsure_as_missing(facts: dict, seed: int) -> dict:
    """Drop a pseudo-random selection of the unsure facts: a missing fact means unsure."""
    return {
        fact: value
        for index, (fact, value) in enumerate(facts.items())
        if not (value == UNSURE and hash((seed, index)) & 1)
    }


def problems_with(facts: dict, decision) -> list[str]:
    """Every way ``decision`` departs from the contract for ``facts`` (empty when it agrees)."""
    number, outcome, reason = contract_rule(facts)
    office = contract_office(facts, outcome)
    full = filled(facts)
    found = []
    if decision.outcome != outcome:
        found.append(f"outcome {decision.outcome!r}, contract {outcome!r}")
    if not decision.reasons or decision.reasons[0] != reason:
        found.append(f"reasons {decision.reasons!r}, contract first {reason!r}")
    notes = set(decision.reasons[1:])
    if not notes <= NOTES or len(decision.reasons[1:]) != len(notes):
        found.append(f"unexpected notes {decision.reasons[1:]!r}")
    year_read = number >= 3
    level_read = number >= 8
    if full["conviction_year"] == UNSURE and year_read and "year_unknown" not in notes:
        found.append("missing note year_unknown")
    if full["conviction_year"] != UNSURE and "year_unknown" in notes:
        found.append("year_unknown for a known year")
    if full["level"] == UNSURE and level_read and "level_unknown" not in notes:
        found.append("missing note level_unknown")
    if full["level"] != UNSURE and "level_unknown" in notes:
        found.append("level_unknown for a known level")
    if decision.office.id != office:
        found.append(f"office {decision.office.id!r}, contract {office!r}")
    if (decision.office.name, decision.office.phone) != OFFICE_DETAILS[office]:
        found.append(f"office details {decision.office!r}")
    return found


def test_the_facts_are_the_nine_of_the_contract_in_asking_order():
    assert FACT_IDS == ASKING_ORDER
    assert UNSURE == "unsure"


def test_the_two_offices_have_the_contract_names_and_phones():
    assert set(OFFICES) == set(OFFICE_DETAILS)
    for office_id, (name, phone) in OFFICE_DETAILS.items():
        assert OFFICES[office_id].id == office_id
        assert OFFICES[office_id].name == name
        assert OFFICES[office_id].phone == phone


def test_every_combination_of_facts_gets_the_contract_outcome_reason_and_office():
    mismatches = []
    checked = 0
    for seed, facts in enumerate(all_fact_combinations()):
        given = unsure_as_missing(facts, seed)
        found = problems_with(facts, evaluate(given))
        checked += 1
        if found:
            mismatches.append((given, found))
    assert checked == 3 * 6 * 6 * 4 * 3**5
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:10]}"


BASES = [
    {
        "county": "sacramento",
        "offense": "possession_for_sale",
        "conviction_year": 2005,
        "age_at_offense": "18_20",
        "level": "felony",
        "disqualifying_record": "no",
        "sentence_status": "completed",
        "only_conviction": "no",
        "recent_conviction": "yes",
    },
    {
        "county": "sacramento",
        "offense": "cultivation",
        "conviction_year": 2012,
        "age_at_offense": "21_plus",
        "level": "misdemeanor",
        "disqualifying_record": "yes",
        "sentence_status": "serving",
        "only_conviction": "yes",
        "recent_conviction": "no",
    },
    {
        "county": "other",
        "offense": "possession",
        "conviction_year": 2016,
        "age_at_offense": "under_18",
        "level": "felony",
        "disqualifying_record": "no",
        "sentence_status": "completed",
        "only_conviction": "yes",
        "recent_conviction": "no",
    },
]


@pytest.mark.parametrize("base", BASES)
def test_leaving_out_any_set_of_facts_reads_them_as_unsure(base):
    for size in range(len(ASKING_ORDER) + 1):
        for dropped in combinations(ASKING_ORDER, size):
            kept = {fact: value for fact, value in base.items() if fact not in dropped}
            explicit = {**kept, **dict.fromkeys(dropped, UNSURE)}
            assert evaluate(kept).as_json() == evaluate(explicit).as_json(), dropped


def test_no_facts_at_all_are_an_unknown_offense_for_review_at_the_public_defender():
    decision = evaluate({})
    assert decision.outcome == "review"
    assert decision.reasons[0] == "offense_unknown"
    assert decision.office.id == "public_defender"


def test_an_unsure_year_that_the_rules_read_adds_year_unknown_after_the_deciding_reason():
    facts = {
        "county": "sacramento",
        "offense": "possession",
        "conviction_year": UNSURE,
        "age_at_offense": "21_plus",
        "sentence_status": "completed",
    }
    decision = evaluate(facts)
    assert decision.outcome == "dismiss"
    assert decision.reasons[0] == "possession"
    assert "year_unknown" in decision.reasons[1:]
    assert decision.office.id == "district_attorney"


def test_a_felony_path_with_an_unsure_level_adds_level_unknown_after_the_deciding_reason():
    facts = {
        "county": "sacramento",
        "offense": "cultivation",
        "conviction_year": 2010,
        "age_at_offense": "21_plus",
        "level": UNSURE,
        "disqualifying_record": "no",
        "sentence_status": "completed",
        "only_conviction": "yes",
    }
    decision = evaluate(facts)
    assert decision.outcome == "dismiss"
    assert decision.reasons[0] == "only_conviction_completed"
    assert decision.reasons[1:] == ("level_unknown",)
    assert decision.office.id == "district_attorney"


def test_a_missing_level_on_a_felony_path_also_adds_level_unknown():
    facts = {
        "county": "sacramento",
        "offense": "sale_transport",
        "conviction_year": 2001,
        "age_at_offense": "18_20",
        "disqualifying_record": "no",
        "sentence_status": "serving",
        "only_conviction": "no",
        "recent_conviction": "no",
    }
    decision = evaluate(facts)
    assert (decision.outcome, decision.reasons) == (
        "dismiss",
        ("crime_free_10_years", "level_unknown"),
    )
    assert decision.office.id == "public_defender"


def test_an_unsure_year_and_level_on_a_felony_path_give_both_notes():
    facts = {
        "county": "sacramento",
        "offense": "cultivation",
        "conviction_year": UNSURE,
        "age_at_offense": "21_plus",
        "level": UNSURE,
    }
    decision = evaluate(facts)
    assert decision.reasons[0] == "possible_disqualifier"
    assert set(decision.reasons[1:]) == {"year_unknown", "level_unknown"}


def test_as_json_carries_outcome_reasons_and_office():
    decision = evaluate(BASES[0])
    assert decision.as_json() == {
        "outcome": "reduce",
        "reasons": ["recent_convictions"],
        "office": {
            "id": "district_attorney",
            "name": "Sacramento County District Attorney",
            "phone": "916-874-6218",
        },
    }
