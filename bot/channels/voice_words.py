"""What a phone call says and how it reads what the caller did: plain functions over the
catalogue, so the webhook (``bot.channels.voice``), the ``call`` command and the tests share
them.

Written for the ear: the question comes before its keys, each ``<Say>`` is a few short
sentences, phone numbers are read digit by digit and a reference one character at a time, a
letter with a word that spells it ("K as in Kilo"). The caller may press keys or speak;
speech goes through the same understanding as a text, and on a question with numbered choices
(and on the result menu) a key said aloud ("two", "number two", "dos") is that key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from bot.core.conversation import catalog
from bot.core.conversation.engine import State, Turn
from bot.core.conversation.numbers import words_to_digits
from bot.core.conversation.understanding import normalise
from bot.core.conversation.understanding_data import QUESTIONS
from bot.service.calls import Heard, MenuChoice, Note, Said

MENU = "menu"  # the result menu, keys 1 to 3
MENU_WITH_CALLBACK = "menu4"  # the result menu when key 4 (a call-back request) is offered
MENU_KEYS = {"2": MenuChoice.TEXT, "3": MenuChoice.CONNECT, "4": MenuChoice.CALLBACK}
GATHER_LANGUAGES = {"en": "en-US", "es": "es-US"}
SPELLING = {
    letter: word
    for letter, word in (
        ("A", "Alpha"), ("B", "Bravo"), ("C", "Charlie"), ("D", "Delta"), ("E", "Echo"),
        ("F", "Foxtrot"), ("G", "Golf"), ("H", "Hotel"), ("J", "Juliet"), ("K", "Kilo"),
        ("M", "Mike"), ("N", "November"), ("P", "Papa"), ("Q", "Quebec"), ("R", "Romeo"),
        ("S", "Sierra"), ("T", "Tango"), ("V", "Victor"), ("W", "Whiskey"), ("X", "X-ray"),
        ("Y", "Yankee"), ("Z", "Zulu"),
    )
}  # fmt: skip
PHONE = re.compile(r"\b(\d{3})-(\d{3})-(\d{4})\b")
#: Words that only introduce a key said aloud: "number two", "option 2", "press two".
#: The result menu's keys said in words ("text me", "call back"), by the ``[voice]`` entry.
MENU_WORDS = {"1": "menu_again", "2": "menu_text", "3": "menu_connect", "4": "menu_callback"}
KEYS_PER_SAY = 3  # the keys of a long list are said in groups, each a short <Say>
KEY_LEADS = frozenset(("number", "option", "press", "numero", "opcion", "oprima", "the"))


@dataclass(frozen=True)
class Spoken:
    """One ``<Say>``: its words and the language it is said in."""

    text: str
    language: str


def other(language: str) -> str:
    return "es" if language == "en" else "en"


def digits_aloud(phone: str) -> str:
    """916-555-0123 as "9 1 6, 5 5 5, 0 1 2 3": a speech engine would read "nine hundred..."."""
    return ", ".join(" ".join(group) for group in phone.split("-"))


def for_the_ear(text: str) -> str:
    """Every phone number in ``text`` read digit by digit."""
    return PHONE.sub(lambda m: digits_aloud(m.group(0)), text)


def spelled(reference: str, language: str) -> str:
    """SAC-7K3D-9QX8 one character at a time, each its own word, letters with a spelling word."""
    prefix, _, code = reference.partition("-")
    characters = [
        voice(language, "spell", letter=ch, word=SPELLING[ch]) if ch in SPELLING else ch
        for ch in code.replace("-", "")
    ]
    return ", ".join([*prefix, *characters])


def text(language: str, key: str, **params: str) -> str:
    """A message of the call, for the ear."""
    return for_the_ear(catalog.text(language, f"{key}_voice", **params))


def voice(language: str, key: str, **params: str) -> str:
    """A word or phrase of the call's own (``[voice]`` in the catalogue)."""
    return str(catalog.CATALOGS[language]["voice"][key]).format(**params)


def listed(language: str, key: str) -> list[str]:
    """A ``[voice]`` entry that lists words, comma-separated."""
    return [word.strip() for word in voice(language, key).split(",")]


def office_name(language: str, office_id: str) -> str:
    return voice(language, office_id)


# --- questions ------------------------------------------------------------------------------


def is_number_question(question_id: str) -> bool:
    return QUESTIONS[question_id]["kind"] != "choice"


@cache
def question_says(language: str, question_id: str) -> tuple[Spoken, ...]:
    """The question, then its keys, then back and help, then the other language in its own
    voice: each a ``<Say>`` of its own."""
    ask = Spoken(text(language, f"ask_{question_id}"), language)
    if is_number_question(question_id):
        kind = QUESTIONS[question_id]["kind"]
        keys = [Spoken(text(language, f"number_{kind}"), language)]
        more, switch = "keys_number", "switch_number"
    else:
        view = catalog.question(language, question_id)
        lines = [
            text(language, "key_unsure", digit=str(n))
            if choice.value == "unsure"
            else text(language, "key", digit=str(n), label=choice.label.lower())
            for n, choice in enumerate(view.choices, start=1)
        ]
        keys = [
            Spoken(" ".join(lines[first : first + KEYS_PER_SAY]), language)
            for first in range(0, len(lines), KEYS_PER_SAY)
        ]
        more, switch = "keys_choice", "switch_choice"
    return (
        ask,
        *keys,
        Spoken(text(language, more), language),
        Spoken(voice(other(language), switch), other(language)),  # in the other's own voice
    )


@cache
def hints(language: str, question_id: str | None) -> str:
    """The words the question expects, for the speech recogniser."""
    words = listed(language, "hints")
    if question_id is not None and is_number_question(question_id):
        words += listed(language, f"hints_{QUESTIONS[question_id]['kind']}")
    if question_id is not None:
        words += [
            choice.label.lower() for choice in catalog.question(language, question_id).choices
        ]
    else:
        for name in MENU_WORDS.values():
            words += listed(language, name)
    return ", ".join(dict.fromkeys(words))


# --- the result and its menu ----------------------------------------------------------------


def outcome_text(language: str, outcome: str) -> str:
    """The outcome in plain words, in the call's own wording where it has one ("Proposition
    64", never "Prop 64")."""
    own = f"outcome_{outcome}_voice"
    if catalog.has_text(language, own):
        return catalog.text(language, own)
    return catalog.outcome_text(language, outcome)


def result_says(state: State) -> list[Spoken]:
    """The outcome in plain words, the office and its number, the reference spelled out."""
    decision = state.decision
    assert decision is not None and state.reference is not None
    lang = state.language
    office = office_name(lang, decision.office.id)
    return [
        Spoken(outcome_text(lang, decision.outcome), lang),
        Spoken(text(lang, "result_office", office=office, phone=decision.office.phone), lang),
        Spoken(voice(lang, "reference", reference=spelled(state.reference, lang)), lang),
        Spoken(text(lang, "result_not_advice"), lang),
    ]


def menu_says(state: State, offer_callback: bool) -> list[Spoken]:
    decision = state.decision
    assert decision is not None
    lang = state.language
    says = [Spoken(text(lang, "menu", office=office_name(lang, decision.office.id)), lang)]
    if offer_callback:
        says.append(Spoken(text(lang, "menu_callback"), lang))
    return says


def opening(language: str, opens: datetime, now: datetime) -> str:
    """When an office opens, as a caller would say it: "tomorrow at 8 AM", "Monday at 8 AM"."""
    hour = opens.hour % 12 or 12
    clock_time = f"{hour}:{opens.minute:02d}" if opens.minute else str(hour)
    time = voice(language, "morning" if opens.hour < 12 else "afternoon", hour=clock_time)
    if opens.date() == now.date():
        return voice(language, "opens_today", time=time)
    if opens.date() == (now + timedelta(days=1)).date():
        return voice(language, "opens_tomorrow", time=time)
    return voice(language, "opens", day=listed(language, "days")[opens.weekday()], time=time)


def note_says(said: Said, note: Note, now: datetime) -> Spoken:
    state = said.state
    lang = state.language
    decision = state.decision
    params: dict[str, str] = {}
    if decision is not None:
        params = {"office": office_name(lang, decision.office.id), "phone": decision.office.phone}
    if note is Note.CLOSED and said.opens is not None:
        params["when"] = opening(lang, said.opens, now)
    key = "goodbye_done" if note is Note.GOODBYE and state.done else note.value
    return Spoken(text(lang, key, **params), lang)


def turn_says(turn: Turn) -> list[Spoken]:
    """What the engine's turn says on a call: its lead-in lines, then the result if it ended
    the check. The question itself is asked by the gather that follows."""
    state = turn.state
    lang = state.language
    parts = list(turn.parts)
    if state.done and parts:
        parts = parts[:-1]  # the engine's last part is the result as a text: said here instead
    says = [Spoken(for_the_ear(part), lang) for part in parts]
    if state.done:
        says += result_says(state)
    return says


# --- what the caller did --------------------------------------------------------------------


def spoken_key(speech: str, language: str, at: str) -> str | None:
    """A key said aloud ("two", "number 2", "dos"), or a menu choice said in words."""
    words = [word for word in normalise(speech).split() if word not in KEY_LEADS]
    digits = words_to_digits(words)
    if len(digits) == 1 and digits[0].isdigit() and len(digits[0]) == 1:
        return digits[0]
    if at in (MENU, MENU_WITH_CALLBACK):
        said = " ".join(words)
        for key, name in MENU_WORDS.items():
            if said in {normalise(phrase) for phrase in listed(language, name)}:
                return key
    return None


def _key_text(key: str, language: str, at: str) -> tuple[str, MenuChoice | None]:
    """What a key means where it was pressed: the engine's text, or a menu choice."""
    if key.startswith("*") or key.endswith("*"):
        return "back", None
    if key == "0" and not is_number_question_at(at):
        return "help", None
    if key == "9" and not is_number_question_at(at):
        return other(language), None
    if at in (MENU, MENU_WITH_CALLBACK):
        choice = MENU_KEYS.get(key)
        if choice is MenuChoice.CALLBACK and at != MENU_WITH_CALLBACK:
            choice = None
        return key, choice
    return key, None


def is_number_question_at(at: str) -> bool:
    return at in QUESTIONS and is_number_question(at)


def confidence_text(confidence: str) -> str:
    try:
        return f"{float(confidence):.2f}"
    except ValueError:
        return "unknown"


def heard(
    at: str, language: str, digits: str, finished_on_key: str, speech: str, confidence: str
) -> Heard:
    """What the caller did at a gather, for the engine (or the menu) and for staff to read."""
    digits, speech = digits.strip(), speech.strip()
    if digits:
        engine_text, choice = _key_text(digits, language, at)
        return Heard(engine_text, f"Keys: {digits}", choice)
    if speech:
        record = f'Said: "{speech}" (confidence {confidence_text(confidence)})'
        key = None if is_number_question_at(at) else spoken_key(speech, language, at)
        if key is not None:
            engine_text, choice = _key_text(key, language, at)
            return Heard(engine_text, record, choice)
        return Heard(speech, record)
    if finished_on_key == "#" and is_number_question_at(at):
        return Heard("not sure", "Keys: # (not sure)")
    return Heard(None, "(nothing heard)")
