"""The segment counter the SMS length tests rely on, checked against the spec's arithmetic."""

import pytest

from tests.support.gsm import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    is_gsm7,
    length,
    non_gsm7,
    segments,
)


def test_the_basic_set_has_the_127_characters_of_gsm_03_38_besides_the_escape():
    assert len(GSM7_BASIC) == 127


def test_the_extension_table_has_its_ten_characters():
    assert frozenset("^{}\\[~]|€\f") == GSM7_EXTENSION
    assert not GSM7_EXTENSION & GSM7_BASIC


@pytest.mark.parametrize("character", list("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\n\r"))
def test_the_accented_and_greek_letters_of_the_basic_set_stay_gsm7(character):
    assert is_gsm7(f"Hola {character}")
    assert segments(character * 160) == 1


def test_a_160_character_ascii_text_is_one_segment():
    assert segments("a" * 160) == 1


def test_a_161_character_ascii_text_is_two_segments():
    assert segments("a" * 161) == 2


def test_two_gsm7_segments_hold_306_characters_and_three_start_at_307():
    assert segments("a" * 306) == 2
    assert segments("a" * 307) == 3


def test_an_empty_text_is_one_segment():
    assert segments("") == 1


def test_one_euro_sign_costs_two_characters():
    assert length("€") == 2
    assert segments("a" * 158 + "€") == 1
    assert segments("a" * 159 + "€") == 2


@pytest.mark.parametrize("character", list("^{}\\[~]|€\f"))
def test_every_extension_character_costs_two_but_keeps_the_text_gsm7(character):
    assert is_gsm7(character)
    assert length("ab" + character) == 4


def test_one_a_with_an_acute_accent_makes_the_whole_text_ucs2():
    text = "a" * 70 + "á"
    assert not is_gsm7(text)
    assert non_gsm7(text) == ["á"]
    assert segments(text) == 2


def test_a_70_character_ucs2_text_is_one_segment_and_71_is_two():
    assert segments("á" * 70) == 1
    assert segments("á" * 71) == 2


def test_ucs2_segments_beyond_the_first_hold_67():
    assert segments("á" * 134) == 2
    assert segments("á" * 135) == 3


@pytest.mark.parametrize("character", list("íóúç\u2018\u2019\u201c\u201d\u2013\u2014\u2026"))
def test_curly_quotes_long_dashes_and_other_accents_are_not_gsm7(character):
    assert not is_gsm7(f"OK {character}")


def test_an_emoji_costs_two_ucs2_units():
    assert length("🙂") == 2
    assert segments("🙂" * 35) == 1
    assert segments("🙂" * 36) == 2


def test_spanish_written_with_gsm7_spellings_stays_gsm7():
    assert is_gsm7("¿En que año lo condenaron? Bien, en español. ¡Hola!")
