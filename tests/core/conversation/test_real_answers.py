"""Kinds of free text real residents send, read as answers: a table anyone can extend.

Written from a check made independently of the corpora: places named by a short or informal
name, ages given as a stage of life or a decade, giving cannabis away without selling it, and
Spanish phrases for one offense that hold the words of another. ``None`` means "not
understood": the question is asked again with a hint. A span that covers two answers ("in my
twenties", "a teenager") is always asked again, never guessed.
"""

from __future__ import annotations

import pytest

from bot.core.conversation import catalog
from bot.core.conversation.engine import ChannelTraits, Context, State, reply
from bot.core.conversation.understanding import understand

THIS_YEAR = 2026

PLACES = [
    # Sacramento County by its nicknames, and its cities and places.
    ("en", "Sac", "sacramento"),
    ("en", "Sactown", "sacramento"),
    ("en", "sac town", "sacramento"),
    ("en", "Sacto", "sacramento"),
    ("en", "Elk Grove", "sacramento"),
    ("en", "it was in Folsom", "sacramento"),
    ("en", "Citrus Heights", "sacramento"),
    ("en", "Rancho Cordova", "sacramento"),
    ("en", "Carmichael", "sacramento"),
    ("en", "Fair Oaks", "sacramento"),
    ("en", "Antelope", "sacramento"),
    ("en", "Sacremento", "sacramento"),  # a county name is read when misspelt
    ("es", "en la ciudad de Sacramento", "sacramento"),
    ("es", "en el condado de Sacramento", "sacramento"),
    ("es", "en Elk Grove", "sacramento"),
    # Other counties and cities of California, and their nicknames.
    ("en", "LA", "other"),
    ("en", "L.A.", "other"),
    ("en", "it was in LA", "other"),
    ("en", "in la", "other"),
    ("en", "la", "other"),
    ("en", "LA county", "other"),
    ("en", "SF", "other"),
    ("en", "Frisco", "other"),
    ("en", "San Fran", "other"),
    ("en", "Oaktown", "other"),
    ("en", "the Bay", "other"),
    ("en", "Bay Area", "other"),
    ("en", "east bay", "other"),
    ("en", "So Cal", "other"),
    ("en", "socal", "other"),
    ("en", "the OC", "other"),
    ("en", "Inland Empire", "other"),
    ("en", "Alameda", "other"),
    ("en", "Fresno", "other"),
    ("en", "Stockton", "other"),
    ("en", "Placer", "other"),
    ("en", "Yolo", "other"),
    ("en", "Roseville", "other"),  # Placer County
    ("en", "Davis", "other"),  # Yolo County
    ("en", "West Sacramento", "other"),  # Yolo County: the longer name wins
    ("en", "west sac", "other"),
    ("en", "Lake Tahoe", "other"),
    ("en", "lake county", "other"),
    ("en", "Kings", "other"),
    ("en", "San Jose", "other"),
    ("en", "Bakersfield", "other"),
    ("es", "en LA", "other"),
    ("es", "en Los Ángeles", "other"),
    ("es", "en el área de la bahía", "other"),
    ("es", "en el sur de California", "other"),
    ("es", "San Pancho", "other"),
    # Out of the state.
    ("en", "Reno", "other"),
    ("en", "Nevada", "other"),
    ("en", "Texas", "other"),
    ("en", "out of state", "other"),
    ("en", "out of the state", "other"),
    ("en", "another state", "other"),
    ("en", "Las Vegas", "other"),
    ("en", "Oregon", "other"),
    ("es", "en otro estado", "other"),
    ("es", "fuera de California", "other"),
    ("es", "en México", "other"),
    # Names said with "not", and words that are a place only on their own.
    ("en", "not in sacramento, in roseville", "other"),
    ("en", "by the lake", None),
    ("es", "en la corte", None),  # "la" is Spanish "the" here
    ("es", "EN LA CORTE DE SACRAMENTO", "sacramento"),  # all in capitals: "LA" is "la"
    ("en", "I live in Roseville but it was Sacramento", None),
    # A short first word of a name ("W", "N", "No."), and a name written in two: read only
    # when they make a name the vocabulary knows.
    ("en", "W Sac", "other"),  # West Sacramento is in Yolo County
    ("en", "W. Sacramento", "other"),
    ("en", "W.Sac", "other"),
    ("en", "N Highlands", "sacramento"),
    ("en", "No. Highlands", "sacramento"),
    ("en", "Orange Vale", "sacramento"),
    ("en", "Orange-vale", "sacramento"),
    ("en", "no", "other"),  # "no" alone is still the answer no
    ("en", "no, Sac", None),  # a "no" and a place: asked again
    ("en", "north of Sacramento", None),  # near it is not in it
    ("es", "cerca de Sacramento", None),
]

AGES = [
    # A stage of life that falls in one answer.
    ("en", "a minor", "under_18"),
    ("en", "I was a kid", "under_18"),
    ("en", "just a kid", "under_18"),
    ("en", "in middle school", "under_18"),
    ("en", "junior high", "under_18"),
    ("en", "early teens", "under_18"),
    ("en", "in my thirties", "21_plus"),
    ("en", "in my 30s", "21_plus"),
    ("en", "forties", "21_plus"),
    ("en", "middle aged", "21_plus"),
    ("en", "an adult over 21", "21_plus"),
    ("en", "grown", "21_plus"),
    ("en", "I was a grown man", "21_plus"),
    ("en", "late twenties", "21_plus"),
    ("en", "mid 20s", "21_plus"),
    ("en", "21+", "21_plus"),
    ("en", "over 21", "21_plus"),
    ("es", "era menor de edad", "under_18"),
    ("es", "era un niño", "under_18"),
    ("es", "en la secundaria", "under_18"),
    ("es", "tenía treinta y tantos", "21_plus"),
    ("es", "treinta y pico", "21_plus"),
    ("es", "en mis cuarentas", "21_plus"),
    ("es", "a finales de mis veintes", "21_plus"),
    ("es", "mayor de 21", "21_plus"),
    ("es", "21 o más", "21_plus"),
    ("es", "Menos de 18", "under_18"),
    ("es", "a los 20 años", "18_20"),  # "a los 20" is at 20, not a decade
    # Just under an age, or before it.
    ("en", "almost 18", "under_18"),
    ("en", "nearly 21", "18_20"),
    ("en", "about to turn 21", "18_20"),
    ("en", "before I turned 18", "under_18"),
    ("en", "not 18 yet", "under_18"),
    ("en", "not even 18", "under_18"),
    ("es", "casi 18", "under_18"),
    ("en", "a month shy of 18", "under_18"),
    ("en", "before my 18th birthday", "under_18"),
    ("es", "casi 21", "18_20"),
    ("es", "no tenía 18 todavía", "under_18"),
    ("en", "I was 17, I'm 40 now", "under_18"),
    # A number that is no age at the time, or says only what the age was not: asked again.
    ("en", "it was 15 years ago", None),
    ("es", "hace 15 años", None),
    ("en", "I'm 30 now", None),
    ("en", "wasn't 21 yet", None),  # anything under 21
    ("en", "I was not 18", None),
    # A span of two answers: asked again, never guessed.
    ("en", "I was a teenager", None),
    ("en", "teen", None),
    ("en", "in my teens", None),
    ("en", "late teens", None),
    ("en", "in high school", None),
    ("en", "in my twenties", None),
    ("en", "early twenties", None),
    ("en", "in my 20s", None),
    ("en", "twenty something", None),
    ("en", "in college", None),
    ("en", "an adult", None),
    ("en", "over 18", None),
    ("en", "18+", None),
    ("en", "18 or older", None),
    ("en", "under 21", None),
    ("es", "era adolescente", None),
    ("es", "en la prepa", None),
    ("es", "en mis veintes", None),
    ("es", "veintitantos", None),
    ("es", "tenía veinte y tantos", None),
    ("es", "mayor de edad", None),
    ("es", "menor de 21", None),
    ("es", "en la universidad", None),
    # A span and a number together: the number says which, if it fits.
    ("en", "in my twenties, like 24", "21_plus"),
    ("en", "a teenager, 16", "under_18"),
    ("en", "in my teens, 25", None),
    ("en", "not sure, in my twenties", "unsure"),
]

OFFENSES = [
    # Giving it away is in the same section as selling (HS 11360).
    ("en", "I gave some weed to a friend", "sale_transport"),
    ("en", "shared a joint", "sale_transport"),
    ("en", "passed a blunt", "sale_transport"),
    ("en", "furnished", "sale_transport"),
    ("en", "furnishing marijuana", "sale_transport"),
    ("en", "gave it away", "sale_transport"),
    ("en", "I was sharing with my friends", "sale_transport"),
    ("es", "le di a un amigo", "sale_transport"),
    ("es", "se la di a mi primo", "sale_transport"),
    ("es", "regalé", "sale_transport"),
    ("es", "le regalé un poco a mi hermano", "sale_transport"),
    ("es", "compartí un porro", "sale_transport"),
    ("es", "se la pasé a un amigo", "sale_transport"),
    # Receiving it is not giving it; giving it to a minor is its own crime (HS 11361).
    ("en", "they gave me probation for having a joint", "possession"),
    ("en", "a friend gave me some", None),
    ("es", "me la regalaron", None),
    ("es", "me di cuenta tarde, la tenía en el carro", "possession"),
    ("en", "gave weed to a minor", None),
    ("en", "gave it to my 16 year old cousin", None),  # to a minor: HS 11361
    ("en", "passed a joint to a 15 year old", None),
    ("es", "se la di a mi primo de 15 años", None),
    ("en", "I was 16 years old and had a joint", "possession"),  # the resident's own age
    ("en", "sold to a 25 year old", "sale_transport"),
    ("en", "handed a friend a joint", "sale_transport"),
    ("en", "hooked up a friend with some weed", "sale_transport"),
    ("en", "a friend hooked me up", None),
    # An act said with "not" is not the answer; the rest of the message decides.
    ("en", "I didn't sell, I just had it", "possession"),
    ("en", "not transporting, just possession", "possession"),
    ("en", "I wasn't growing, just had some", "possession"),
    ("es", "no cultivo, solo posesión", "possession"),
    ("es", "posesión para venderla, no cultivo", "possession_for_sale"),
    # Selling as the purpose: the act it is said of decides.
    ("es", "posesión para vender", "possession_for_sale"),
    ("es", "posesion con intento de venta", "possession_for_sale"),
    ("es", "posesión con intención de vender", "possession_for_sale"),
    ("es", "posesión para la venta", "possession_for_sale"),
    ("es", "posesión para su venta", "possession_for_sale"),
    ("es", "posesión con fines de venta", "possession_for_sale"),
    ("es", "posesión con el fin de vender", "possession_for_sale"),
    ("es", "tenía mota para vender", "possession_for_sale"),
    ("es", "cultivo para vender", "cultivation"),  # HS 11358, whatever the intent
    ("es", "sembraba plantas para la venta", "cultivation"),
    ("es", "transporte para vender", "sale_transport"),
    ("es", "transportación para la venta", "sale_transport"),
    ("es", "posesión con fines de distribución", "possession_for_sale"),
    ("es", "posesión para distribución", "possession_for_sale"),
    ("es", "la llevaba en el carro para venderla", "sale_transport"),  # carrying to sell
    ("es", "tráfico para vender", "sale_transport"),
    ("es", "traslado para la venta", "sale_transport"),
    ("es", "la mandaba por correo para venderla", "sale_transport"),
    ("en", "shipping it to sell", "sale_transport"),
    ("es", "no era para vender", "possession"),
    ("en", "possession for sale", "possession_for_sale"),
    ("en", "had some for sale", "possession_for_sale"),
    ("en", "possession with intent to distribute", "possession_for_sale"),
    ("en", "grew it to sell", "cultivation"),
    ("en", "transporting for sale", "sale_transport"),
    ("en", "carrying weed to sell", "sale_transport"),
    ("en", "arrested for selling", "sale_transport"),
    ("en", "not for sale, it was mine", "possession"),
    ("es", "fue un delito grave", None),  # "grave" is no misspelt "gave"
    ("en", "I passed out", None),
]

CASES = [
    *(
        pytest.param("county", text, value, id=f"county-{lang}-{text}")
        for lang, text, value in PLACES
    ),
    *(
        pytest.param("age_at_offense", text, value, id=f"age-{lang}-{text}")
        for lang, text, value in AGES
    ),
    *(
        pytest.param("offense", text, value, id=f"offense-{lang}-{text}")
        for lang, text, value in OFFENSES
    ),
]


@pytest.mark.parametrize(("question_id", "text", "expected"), CASES)
def test_real_answer_is_read_as_its_value(question_id: str, text: str, expected: str | None):
    assert understand(question_id, text, THIS_YEAR) == expected


def test_the_table_covers_both_languages_and_every_kind():
    for table in (PLACES, AGES, OFFENSES):
        assert {lang for lang, _, _ in table} == {"en", "es"}
        assert any(value is None for _, _, value in table)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("text", ["in my twenties", "a teenager", "en mis veintes", "teens"])
def test_an_age_span_is_asked_again_with_the_hint(language: str, text: str):
    channel = ChannelTraits("sms", records_opt_out=True, help_alone=True)
    context = Context(channel, THIS_YEAR, lambda: "SAC-0000-0001")
    state = State(language=language, started=True, question="age_at_offense")
    turn = reply(state, text, context)
    assert turn.retry
    assert turn.state.question == "age_at_offense"
    assert "age_at_offense" not in turn.state.answers
    assert turn.ask is not None
    assert turn.ask.hint == catalog.CATALOGS[language]["choice_hint"]["age"]
