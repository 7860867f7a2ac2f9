"""Plain language: the reading grade of every English SMS reply the engine can send.

The contract (docs/contract.md) measures each message with textstat 0.7.4's
``flesch_kincaid_grade`` after removing the tokens that contain digits (phone numbers,
references, years). Every English message, as sent by SMS and as shown on the web, reads at
grade 6 or lower.
"""

import re

import pytest
import textstat

from bot.core.conversation import catalog
from tests.support.walk import sms_replies

GRADE_BOUND = 6.0
HAS_DIGIT = re.compile(r"\d")


def reading_grade(text: str) -> float:
    words = [token for token in text.split() if not HAS_DIGIT.search(token)]
    return textstat.flesch_kincaid_grade(" ".join(words))


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("Call 916-874-5578 and give ref SAC-7K3D-9QX8.", reading_grade("Call and give ref")),
        ("What year were you convicted? 2009", reading_grade("What year were you convicted?")),
    ],
)
def test_tokens_with_digits_do_not_count_towards_the_grade(text, grade):
    assert reading_grade(text) == grade


def test_a_hard_sentence_grades_above_the_bound():
    hard = (
        "Notwithstanding any contrary determination, eligibility necessitates comprehensive "
        "documentation substantiating rehabilitation."
    )
    assert reading_grade(hard) > GRADE_BOUND


def test_every_english_sms_reply_reads_at_grade_6_or_below():
    grades = sorted(((reading_grade(text), text) for text in sms_replies("en")), reverse=True)
    too_hard = [f"\n  grade {grade:.1f}: {text!r}" for grade, text in grades if grade > GRADE_BOUND]
    assert not too_hard, "English replies above grade 6:" + "".join(too_hard)


def english_catalogue_texts() -> list[str]:
    english = catalog.CATALOGS["en"]
    texts = [*english["text"].values(), *english["outcome"].values()]
    for wording in english["question"].values():
        texts += [wording["text"], wording.get("short", wording["text"])]
    return texts


def test_every_english_message_on_the_web_reads_at_grade_6_or_below():
    too_hard = [
        f"\n  grade {reading_grade(text):.1f}: {text!r}"
        for text in english_catalogue_texts()
        if reading_grade(text) > GRADE_BOUND
    ]
    assert not too_hard, "English messages above grade 6:" + "".join(too_hard)
