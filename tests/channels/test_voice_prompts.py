"""Voice prompts are written for the ear: every <Say> a call can make is at most 35 words (not
counting the reference, phone numbers and office names) and, in English, at most grade 6 by
textstat 0.7.4's Flesch-Kincaid grade (tokens with digits removed, as for texts)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import textstat

from bot import clock
from bot.channels import voice_words as words
from bot.core.conversation import catalog
from bot.core.conversation.engine import State
from bot.core.conversation.understanding_data import QUESTIONS
from bot.core.eligibility import OFFICES
from bot.service.calls import Note, Said

MAX_WORDS = 35
GRADE_BOUND = 6.0
HAS_DIGIT = re.compile(r"\d")
REFERENCE = "SAC-7K3D-9QX8"
# Facts that end with each outcome at each office, as the rules route them.
ENDINGS = {
    ("dismiss", "district_attorney"): {
        "county": "sacramento",
        "offense": "possession",
        "conviction_year": 2009,
        "age_at_offense": "21_plus",
        "sentence_status": "completed",
    },
    ("reduce", "district_attorney"): {
        "county": "sacramento",
        "offense": "possession_for_sale",
        "conviction_year": 2005,
        "age_at_offense": "18_20",
        "level": "unsure",
        "disqualifying_record": "no",
        "sentence_status": "completed",
        "only_conviction": "no",
        "recent_conviction": "yes",
    },
    ("review", "public_defender"): {
        "county": "other",
        "offense": "cultivation",
        "conviction_year": 2008,
    },
    ("not_eligible", "public_defender"): {"county": "unsure", "offense": "other"},
}


def office_names() -> list[str]:
    names = [office.name for office in OFFICES.values()]
    for language in catalog.LANGUAGES:
        names += [words.office_name(language, office_id) for office_id in OFFICES]
    return sorted(names, key=len, reverse=True)


def counted_words(text: str) -> list[str]:
    """The words that count: without the spelled reference, office names and numbers."""
    for language in catalog.LANGUAGES:
        text = text.replace(words.spelled(REFERENCE, language), " ")
    for name in office_names():
        text = text.replace(name, " ")
    return [token for token in text.split() if not HAS_DIGIT.search(token)]


def finished(language: str, facts: dict) -> State:
    return State(language=language, started=True, answers=facts, done=True, reference=REFERENCE)


def every_say() -> list[words.Spoken]:
    says: list[words.Spoken] = []
    now = datetime(2026, 11, 28, 10, 0, tzinfo=clock.COUNTY_TIME)
    for language in catalog.LANGUAGES:
        says += [
            words.Spoken(words.text(language, key), language)
            for key in ("welcome", "help", "stopped", "not_heard", "goodbye")
        ]
        says.append(words.Spoken(words.voice(language, "whisper", reference=REFERENCE), language))
        for question_id in QUESTIONS:
            says += words.question_says(language, question_id)
        for facts in ENDINGS.values():
            state = finished(language, facts)
            says += words.result_says(state) + words.menu_says(state, offer_callback=True)
            opens = datetime(2026, 11, 30, 8, 0, tzinfo=clock.COUNTY_TIME)
            said = Said(state, opens=opens)
            says += [words.note_says(said, note, now) for note in Note]
        says += [
            words.Spoken(catalog.text(language, key), language)
            for key in ("not_understood", "back", "back_nothing", "restart", "switched")
        ]
    return says


SAYS = every_say()


def test_the_endings_cover_every_outcome_and_office():
    for (outcome, office), facts in ENDINGS.items():
        decision = finished("en", facts).decision
        assert decision is not None
        assert (decision.outcome, decision.office.id) == (outcome, office)


@pytest.mark.parametrize("spoken", SAYS, ids=lambda spoken: spoken.text[:40])
def test_every_say_is_at_most_35_words(spoken):
    assert len(counted_words(spoken.text)) <= MAX_WORDS, spoken.text


@pytest.mark.parametrize(
    "spoken", [s for s in SAYS if s.language == "en"], ids=lambda spoken: spoken.text[:40]
)
def test_every_english_say_reads_at_grade_6_or_below(spoken):
    plain = " ".join(counted_words(spoken.text))
    assert textstat.flesch_kincaid_grade(plain) <= GRADE_BOUND, spoken.text


def test_no_say_has_an_abbreviation_a_speech_engine_misreads():
    for spoken in SAYS:
        assert not re.search(r"\b(PD|DA|P D|D A|ref|info|Prop|PC)\b", spoken.text), spoken.text


def test_phone_numbers_are_read_digit_by_digit_and_the_reference_one_character_at_a_time():
    state = finished("en", ENDINGS[("dismiss", "district_attorney")])
    said = " ".join(spoken.text for spoken in words.result_says(state))
    assert "9 1 6, 8 7 4, 6 2 1 8" in said and "916-874" not in said
    assert "S, A, C, 7, K as in Kilo, 3, D as in Delta, 9, Q as in Quebec, X as in X-ray, 8" in said
