"""The asking order and the skip rule of the contract, against a brute-force oracle."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.eligibility import evaluate, next_question
from tests.support.oracle import (
    ASKING_ORDER,
    CONTRACT_VALUES,
    WALK_YEARS,
    contract_next_question,
    contract_outcome_and_office,
)

SHORT_OFFICE = {"DA": "district_attorney", "PD": "public_defender"}


def converse(reply):
    """Drive ``next_question`` to the end; ``reply(question)`` gives each answer."""
    answers = {}
    asked = []
    while (question := next_question(answers)) is not None:
        assert question in ASKING_ORDER, question
        assert question not in answers, f"{question} asked twice"
        assert len(asked) < 9, "more than nine questions"
        asked.append(question)
        answers[question] = reply(question)
    return asked, answers


EXAMPLES = [
    (
        ["sacramento", "possession", 2009, "21_plus", "completed"],
        ["county", "offense", "conviction_year", "age_at_offense", "sentence_status"],
        "dismiss",
        "DA",
    ),
    (
        ["other", "cultivation", 2008],
        ["county", "offense", "conviction_year"],
        "review",
        "PD",
    ),
    (
        ["sacramento", "cultivation", 2008, "21_plus", "misdemeanor", "serving"],
        [
            "county",
            "offense",
            "conviction_year",
            "age_at_offense",
            "level",
            "sentence_status",
        ],
        "dismiss",
        "PD",
    ),
    (
        [
            "sacramento",
            "sale_transport",
            2005,
            "21_plus",
            "felony",
            "no",
            "completed",
            "yes",
        ],
        list(ASKING_ORDER[:8]),
        "dismiss",
        "DA",
    ),
    (
        [
            "sacramento",
            "possession_for_sale",
            2005,
            "18_20",
            "unsure",
            "no",
            "completed",
            "no",
            "yes",
        ],
        list(ASKING_ORDER),
        "reduce",
        "DA",
    ),
    (
        ["sacramento", "cultivation", 2012, "21_plus", "felony", "unsure"],
        list(ASKING_ORDER[:6]),
        "review",
        "PD",
    ),
    (["unsure", "other"], ["county", "offense"], "not_eligible", "PD"),
    (
        ["sacramento", "possession", 2016],
        ["county", "offense", "conviction_year"],
        "review",
        "PD",
    ),
]


@pytest.mark.parametrize(("replies", "questions", "outcome", "office"), EXAMPLES)
def test_each_spec_example_asks_its_questions_in_order_and_ends_with_its_outcome_and_office(
    replies, questions, outcome, office
):
    queue = list(replies)
    asked, answers = converse(lambda question: queue.pop(0))
    assert queue == [], f"ended after {len(asked)} questions: {asked}"
    assert asked == questions
    assert len(asked) == len(replies)
    decision = evaluate(answers)
    assert decision.outcome == outcome
    assert decision.office.id == SHORT_OFFICE[office]


WALK_DOMAINS = {
    fact: WALK_YEARS if fact == "conviction_year" else CONTRACT_VALUES[fact]
    for fact in ASKING_ORDER
}


def test_every_conversation_path_asks_exactly_the_first_question_that_could_change_the_result():
    mismatches = []
    order_problems = []
    leaves = 0

    def walk(answers, asked):
        nonlocal leaves
        question = next_question(answers)
        expected = contract_next_question(answers)
        if question != expected:
            mismatches.append((dict(answers), question, expected))
        if question is None:
            leaves += 1
            # Settled: the answers so far already give what every completion gives.
            decision = evaluate(answers)
            if (decision.outcome, decision.office.id) != contract_outcome_and_office(answers):
                mismatches.append((dict(answers), "settled result", decision.as_json()))
            return
        if (
            question in answers
            or len(asked) >= 9
            or (asked and ASKING_ORDER.index(question) <= ASKING_ORDER.index(asked[-1]))
        ):
            order_problems.append((list(asked), question))
            return
        for value in WALK_DOMAINS[question]:
            walk({**answers, question: value}, [*asked, question])

    walk({}, [])
    assert not order_problems, order_problems[:10]
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:10]}"
    assert leaves > 100


@pytest.mark.parametrize("age", ["18_20", "21_plus"])
@pytest.mark.parametrize("sentence", ["serving", "completed", "unsure"])
def test_a_sacramento_possession_resident_of_18_or_more_before_2016_answers_exactly_five(
    age, sentence
):
    for year in range(1900, 2016):
        facts = {
            "county": "sacramento",
            "offense": "possession",
            "conviction_year": year,
            "age_at_offense": age,
            "level": "felony",
            "disqualifying_record": "yes",
            "sentence_status": sentence,
            "only_conviction": "no",
            "recent_conviction": "yes",
        }
        asked, answers = converse(facts.__getitem__)
        assert asked == [
            "county",
            "offense",
            "conviction_year",
            "age_at_offense",
            "sentence_status",
        ], year
        decision = evaluate(answers)
        assert decision.outcome == "dismiss"
        assert decision.office.id == (
            "public_defender" if sentence == "serving" else "district_attorney"
        )


def test_the_first_question_is_the_county():
    assert next_question({}) == "county"


def test_a_full_set_of_answers_leaves_nothing_to_ask():
    facts = dict(zip(ASKING_ORDER, EXAMPLES[4][0], strict=True))
    assert next_question(facts) is None


ANY_YEAR = st.one_of(st.sampled_from(WALK_YEARS), st.integers(min_value=1900, max_value=2030))
ANY_ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        fact: ANY_YEAR if fact == "conviction_year" else st.sampled_from(CONTRACT_VALUES[fact])
        for fact in ASKING_ORDER
    },
)


@settings(max_examples=60, deadline=None)
@given(ANY_ANSWERS)
def test_for_any_set_of_answers_the_next_question_is_the_first_that_could_change_the_result(
    answers,
):
    assert next_question(answers) == contract_next_question(answers)
