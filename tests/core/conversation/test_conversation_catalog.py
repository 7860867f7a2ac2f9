"""Every message exists in both languages, and every question has its wording and choice labels."""

import string

import pytest

from bot.core.conversation import catalog
from bot.core.conversation.understanding import QUESTIONS
from bot.core.eligibility import OFFICES
from bot.core.eligibility.rules import OUTCOMES

LANGUAGES = ("en", "es")
#: Every [text] key the engine says (engine.py), so a missing one fails here, not mid-chat.
ENGINE_KEYS = (
    "welcome_sms",
    "welcome_web",
    "not_understood",
    "picture",
    "back",
    "back_nothing",
    "restart",
    "expired",
    "opted_in",
    "switched",
    "help",
    "help_web",
    "stopped_web",
    "result",
)


def flatten(table: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_english_and_spanish_have_the_same_message_keys():
    english, spanish = (set(flatten(catalog.CATALOGS[lang])) for lang in LANGUAGES)
    assert sorted(english - spanish) == [], "missing in es.toml"
    assert sorted(spanish - english) == [], "missing in en.toml"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_a_non_empty_string(language):
    for name, value in flatten(catalog.CATALOGS[language]).items():
        assert isinstance(value, str), name
        assert value.strip() == value and value, name


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", ENGINE_KEYS)
def test_every_text_the_engine_says_exists(language, key):
    assert key in catalog.CATALOGS[language]["text"]


def test_both_languages_fill_the_same_placeholders():
    english, spanish = (flatten(catalog.CATALOGS[lang]) for lang in LANGUAGES)
    for name, text in english.items():
        assert placeholders(text) == placeholders(str(spanish.get(name, ""))), name


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_result_has_the_outcome_office_phone_and_reference(language):
    result = catalog.CATALOGS[language]["text"]["result"]
    assert placeholders(result) == {"outcome", "office", "phone", "reference"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("question_id", sorted(QUESTIONS))
def test_every_question_has_text_and_a_label_for_each_choice(language, question_id):
    wording = catalog.CATALOGS[language]["question"][question_id]
    assert wording["text"].strip()
    assert set(wording["choices"]) == set(QUESTIONS[question_id]["choices"])
    assert all(label.strip() for label in wording["choices"].values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_question_in_the_catalog_is_one_the_engine_asks(language):
    assert set(catalog.CATALOGS[language]["question"]) == set(QUESTIONS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_outcome_and_office_has_words(language):
    assert set(catalog.CATALOGS[language]["outcome"]) == set(OUTCOMES)
    assert set(catalog.CATALOGS[language]["office"]) == set(OFFICES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_number_question_has_a_hint(language):
    kinds = {spec["kind"] for spec in QUESTIONS.values()} - {"choice"}
    assert kinds <= set(catalog.CATALOGS[language]["choice_hint"])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", ["help", "help_web"])
def test_help_gives_both_phone_numbers(language, key):
    help_text = catalog.CATALOGS[language]["text"][key]
    for office in OFFICES.values():
        assert office.phone in help_text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("question_id", sorted(QUESTIONS))
def test_every_question_renders_on_both_channels(language, question_id):
    view = catalog.question(language, question_id)
    assert view.sms() and view.sms(retry=True)
    assert [choice["value"] for choice in view.as_json()["choices"]] == list(
        QUESTIONS[question_id]["choices"]
    )
