"""``validate_facts``: contract values pass through, anything else names the bad field."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.eligibility import FactError, validate_facts
from tests.support.oracle import ASKING_ORDER, CONTRACT_VALUES, THIS_YEAR

BAD_VALUES = [
    ("county", "Sacramento"),
    ("county", "los_angeles"),
    ("county", ""),
    ("county", None),
    ("offense", "trafficking"),
    ("offense", 3),
    ("age_at_offense", "21"),
    ("level", "infraction"),
    ("disqualifying_record", True),
    ("sentence_status", "done"),
    ("only_conviction", "maybe"),
    ("recent_conviction", "UNSURE"),
    ("conviction_year", "2009"),
    ("conviction_year", True),
    ("conviction_year", 1899),
    ("conviction_year", THIS_YEAR + 1),
    ("conviction_year", "last year"),
    ("conviction_year", None),
]


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_a_value_outside_the_contract_raises_a_fact_error_naming_the_field(field, value):
    with pytest.raises(FactError) as raised:
        validate_facts({field: value}, THIS_YEAR)
    assert raised.value.field == field


@pytest.mark.parametrize("field", ["conviction_date", "outcome", "County", ""])
def test_an_unknown_key_raises_a_fact_error_naming_that_key(field):
    with pytest.raises(FactError) as raised:
        validate_facts({"county": "sacramento", field: "unsure"}, THIS_YEAR)
    assert raised.value.field == field


def test_a_bad_value_among_good_ones_is_named():
    raw = {"county": "sacramento", "offense": "possession", "level": "petty"}
    with pytest.raises(FactError) as raised:
        validate_facts(raw, THIS_YEAR)
    assert raised.value.field == "level"


def test_a_fact_error_is_a_value_error():
    assert issubclass(FactError, ValueError)


@pytest.mark.parametrize("field", ASKING_ORDER)
def test_unsure_is_valid_for_every_fact(field):
    assert validate_facts({field: "unsure"}, THIS_YEAR) == {field: "unsure"}


@pytest.mark.parametrize("year", [1900, 1999, 2016, 2017, THIS_YEAR])
def test_integer_years_from_1900_to_this_year_are_valid(year):
    assert validate_facts({"conviction_year": year}, THIS_YEAR) == {"conviction_year": year}


def test_the_year_limit_follows_the_given_this_year():
    assert validate_facts({"conviction_year": 2020}, 2020) == {"conviction_year": 2020}
    with pytest.raises(FactError) as raised:
        validate_facts({"conviction_year": 2021}, 2020)
    assert raised.value.field == "conviction_year"


def test_no_facts_are_valid_and_stay_missing():
    assert validate_facts({}, THIS_YEAR) == {}


YEARS = st.one_of(st.integers(min_value=1900, max_value=THIS_YEAR), st.just("unsure"))
VALID = st.fixed_dictionaries(
    {},
    optional={
        fact: YEARS if fact == "conviction_year" else st.sampled_from(CONTRACT_VALUES[fact])
        for fact in ASKING_ORDER
    },
)


@settings(max_examples=200, deadline=None)
@given(VALID)
def test_valid_facts_pass_through_unchanged(raw):
    assert validate_facts(raw, THIS_YEAR) == raw


@settings(max_examples=200, deadline=None)
@given(VALID, st.sampled_from(ASKING_ORDER), st.text(max_size=12))
def test_any_text_outside_a_fact_values_is_rejected_for_that_fact(raw, field, text):
    allowed = CONTRACT_VALUES.get(field, ("unsure",))
    if text in allowed:
        return
    with pytest.raises(FactError) as raised:
        validate_facts({**raw, field: text}, THIS_YEAR)
    assert raised.value.field == field
