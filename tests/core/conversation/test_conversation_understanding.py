"""What residents type, read as answers (docs/contract.md): a table anyone can extend.

``None`` means "not understood": the question is asked again with a hint. A wrong value is worse
than asking again, so two different answers in one message give ``None``.
"""

import pytest

from bot.core.conversation import catalog
from bot.core.conversation.understanding import QUESTIONS, keyword, understand

THIS_YEAR = 2026

CASES = [
    # Plain yes / no / unsure, and what they answer (docs/contract.md, "Facts").
    ("county", "yes", "sacramento"),
    ("county", "yeah", "sacramento"),
    ("county", "y", "sacramento"),
    ("county", "Yes!", "sacramento"),
    ("county", "YES", "sacramento"),
    ("county", "1", "sacramento"),
    ("county", "2", "other"),
    ("county", "3", "unsure"),
    ("county", "nope", "other"),
    ("county", "No.", "other"),
    ("county", "not sure", "unsure"),
    ("county", "idk", "unsure"),
    ("county", "i dont know", "unsure"),
    ("county", "I don't know", "unsure"),
    ("county", "I don\u2019t know", "unsure"),
    ("county", "sí", "sacramento"),
    ("county", "Si", "sacramento"),
    ("county", "no sé", "unsure"),
    ("county", "no lo se", "unsure"),
    ("county", "Sacramento, CA", "sacramento"),
    ("county", "sac", "sacramento"),
    ("county", "elk grove", "sacramento"),
    ("county", "los angeles", "other"),
    ("county", "no, it was in Placer", "other"),
    ("county", "otro condado", "other"),
    ("county", "sacramento", "sacramento"),
    ("county", "other", "other"),
    ("county", "unsure", "unsure"),
    ("county", " SACRAMENTO ", "sacramento"),
    ("sentence_status", "yes", "serving"),
    ("sentence_status", "no", "completed"),
    ("sentence_status", "still on probation", "serving"),
    ("sentence_status", "not anymore", "completed"),
    ("sentence_status", "I finished probation", "completed"),
    ("sentence_status", "ya termine", "completed"),
    ("sentence_status", "serving", "serving"),
    ("sentence_status", "completed", "completed"),
    ("disqualifying_record", "never", "no"),
    ("disqualifying_record", "no, nothing like that", "no"),
    ("disqualifying_record", "si", "yes"),
    ("disqualifying_record", "290", "yes"),  # the registration's code section, not choice 290
    ("disqualifying_record", "pc 290", "yes"),
    ("disqualifying_record", "4", None),  # a number that is no choice
    ("only_conviction", "yes only one", "yes"),
    ("recent_conviction", "nope", "no"),
    ("recent_conviction", "no sé", "unsure"),
    # What the conviction was for.
    ("offense", "weed possession", "possession"),
    ("offense", "I had it on me", "possession"),
    ("offense", "posesion", "possession"),
    ("offense", "growing plants", "cultivation"),
    ("offense", "grow", "cultivation"),
    ("offense", "having it to sell", "possession_for_sale"),
    ("offense", "possession with intent to sell", "possession_for_sale"),
    ("offense", "selling", "sale_transport"),
    ("offense", "sold weed", "sale_transport"),
    ("offense", "por venderla", "sale_transport"),
    ("offense", "something else", "other"),
    ("offense", "not weed", "other"),
    ("offense", "possession_for_sale", "possession_for_sale"),
    ("offense", "sale_transport", "sale_transport"),
    ("offense", "6", "unsure"),
    ("offense", "7", None),
    ("offense", "DUI", "other"),  # not a cannabis offense: something else
    # Misdemeanor or felony.
    ("level", "felony I think", "felony"),
    ("level", "Felony?", "felony"),
    ("level", "a misdemeanor", "misdemeanor"),
    ("level", "delito grave", "felony"),
    ("level", "delito menor", "misdemeanor"),
    ("level", "I dont know", "unsure"),
    ("level", "4", None),
    ("level", "misdemeanor or felony", None),
    # Years: a bare number is the value; two digits are 20yy unless after this year, then 19yy.
    ("conviction_year", "2009", 2009),
    ("conviction_year", "back in 09", 2009),
    ("conviction_year", "'09", 2009),
    ("conviction_year", "\u201909", 2009),
    ("conviction_year", "09", 2009),
    ("conviction_year", "2016", 2016),
    ("conviction_year", "2017", 2017),
    ("conviction_year", "around 2010 I think", 2010),
    ("conviction_year", "2009?", 2009),
    ("conviction_year", "26", 2026),
    ("conviction_year", "27", 1927),
    ("conviction_year", "99", 1999),
    ("conviction_year", "1900", 1900),
    ("conviction_year", "1899", None),
    ("conviction_year", "2027", None),
    ("conviction_year", "9", None),
    ("conviction_year", "209", None),
    ("conviction_year", "2009 or 2010", None),
    ("conviction_year", "not sure", "unsure"),
    ("conviction_year", "no sé", "unsure"),
    ("conviction_year", "unsure", "unsure"),
    # Ages: a bare number is the age; under 10 or over 120 is not understood.
    ("age_at_offense", "I was 19", "18_20"),
    ("age_at_offense", "19 years old", "18_20"),
    ("age_at_offense", "17", "under_18"),
    ("age_at_offense", "25", "21_plus"),
    ("age_at_offense", "10", "under_18"),
    ("age_at_offense", "18", "18_20"),
    ("age_at_offense", "20", "18_20"),
    ("age_at_offense", "21", "21_plus"),
    ("age_at_offense", "120", "21_plus"),
    ("age_at_offense", "9", None),
    ("age_at_offense", "121", None),
    ("age_at_offense", "0", None),
    ("age_at_offense", "a minor", "under_18"),
    ("age_at_offense", "idk", "unsure"),
    ("age_at_offense", "21_plus", "21_plus"),
    ("age_at_offense", "under_18", "under_18"),
    ("age_at_offense", "18_20", "18_20"),
    ("age_at_offense", "17 or 19", None),
    # Numbered choices out of range, two answers at once, and what is not an answer at all.
    ("county", "4", None),
    ("county", "0", None),
    ("county", "12", None),
    ("county", "yes no", None),
    ("county", "No, Sacramento", None),
    ("sentence_status", "no, still on parole", None),
    ("county", "🙂", None),
    ("county", "", None),
    ("county", "   ", None),
    ("county", "blah", None),
    ("county", "x" * 2000, None),
    ("offense", "blah " * 400, None),
    ("conviction_year", "🙂", None),
    ("age_at_offense", "", None),
    ("level", "Das weiß ich nicht", None),
    ("level", "这是什么", None),
]


@pytest.mark.parametrize(("question_id", "text", "expected"), CASES)
def test_text_is_understood_as_its_answer(question_id, text, expected):
    assert understand(question_id, text, THIS_YEAR) == expected


def test_the_table_has_at_least_80_cases():
    assert len(CASES) >= 80


@pytest.mark.parametrize(
    ("this_year", "text", "expected"),
    [
        (2026, "26", 2026),
        (2026, "27", 1927),
        (2030, "29", 2029),
        (2030, "30", 2030),
        (2030, "31", 1931),
        (2026, "00", 2000),
    ],
)
def test_two_digit_years_are_this_century_unless_after_this_year(this_year, text, expected):
    assert understand("conviction_year", text, this_year) == expected


def choice_labels():
    for language in catalog.LANGUAGES:
        for question_id, spec in QUESTIONS.items():
            for value in spec["choices"]:
                label = catalog.CATALOGS[language]["question"][question_id]["choices"][value]
                yield pytest.param(
                    question_id, label, value, id=f"{language}-{question_id}-{value}"
                )


@pytest.mark.parametrize(("question_id", "label", "value"), list(choice_labels()))
def test_every_choice_label_as_typed_is_understood_as_its_value(question_id, label, value):
    assert understand(question_id, label, THIS_YEAR) == value


@pytest.mark.parametrize(
    ("question_id", "value"),
    [(question_id, value) for question_id, spec in QUESTIONS.items() for value in spec["choices"]],
)
def test_every_machine_value_is_accepted_as_it_is(question_id, value):
    assert understand(question_id, value, THIS_YEAR) == value
    assert understand(question_id, value.upper(), THIS_YEAR) == value


KEYWORDS = [
    ("HELP", "help"),
    ("help", "help"),
    ("Help!", "help"),
    ("back", "back"),
    ("BACK", "back"),
    ("Restart", "restart"),
    ("STOP", "stop"),
    ("Stop.", "stop"),
    ("stopall", "stop"),
    ("UNSUBSCRIBE", "stop"),
    ("CANCEL", "stop"),
    ("END", "stop"),
    ("QUIT", "stop"),
    ("REVOKE", "stop"),
    ("OPTOUT", "stop"),
    ("START", "start"),
    ("UNSTOP", "start"),
    ("ES", "es"),
    ("ESPANOL", "es"),
    ("ESPAÑOL", "es"),
    ("español", "es"),
    ("EN", "en"),
    ("ENGLISH", "en"),
    ("English", "en"),
]


@pytest.mark.parametrize(("text", "command"), KEYWORDS)
@pytest.mark.parametrize("padding", ["", "  ", "\n"])
def test_keywords_are_read_in_any_case_with_surrounding_spaces(text, command, padding):
    assert keyword(f"{padding}{text}{padding}") == command
    assert keyword(text.lower()) == command
    assert keyword(text.upper()) == command


@pytest.mark.parametrize(
    "text",
    [
        "stop please",
        "please stop",
        "help me with possession",
        "go back to 2009",
        "restart it was a felony",
        "es possession",
        "yes",
        "hola",
        "2009",
        "",
        "the end of it",
    ],
)
def test_a_keyword_counts_only_as_the_whole_message(text):
    assert keyword(text) is None
