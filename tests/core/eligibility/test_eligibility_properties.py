"""Property tests of ``evaluate`` over all contract inputs, with some facts left out."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.eligibility import UNSURE, evaluate
from tests.support.oracle import (
    ASKING_ORDER,
    CONTRACT_VALUES,
    THIS_YEAR,
    contract_office,
    contract_rule,
)

YEARS = st.one_of(st.integers(min_value=1900, max_value=THIS_YEAR), st.just(UNSURE))
VALUES = {
    fact: YEARS if fact == "conviction_year" else st.sampled_from(CONTRACT_VALUES[fact])
    for fact in ASKING_ORDER
}
SOME_FACTS = st.fixed_dictionaries({}, optional=VALUES)


@settings(max_examples=400, deadline=None)
@given(SOME_FACTS)
def test_evaluate_follows_the_contract_for_any_facts_with_some_left_out(facts):
    decision = evaluate(facts)

    explicit = {fact: facts.get(fact, UNSURE) for fact in ASKING_ORDER}
    assert evaluate(explicit).as_json() == decision.as_json()

    _, outcome, reason = contract_rule(facts)
    assert decision.outcome == outcome
    assert decision.reasons[0] == reason
    assert set(decision.reasons[1:]) <= {"year_unknown", "level_unknown"}

    district_attorney = (
        explicit["county"] == "sacramento"
        and decision.outcome in ("dismiss", "reduce")
        and explicit["sentence_status"] != "serving"
    )
    assert (decision.office.id == "district_attorney") == district_attorney
    assert decision.office.id == contract_office(facts, outcome)


@settings(max_examples=200, deadline=None)
@given(SOME_FACTS, st.sampled_from(ASKING_ORDER))
def test_leaving_a_fact_out_is_the_same_as_answering_unsure(facts, fact):
    without = {key: value for key, value in facts.items() if key != fact}
    assert evaluate(without).as_json() == evaluate({**without, fact: UNSURE}).as_json()
