"""The wording of every message, per language, read once from ``messages/<lang>.toml``."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bot.core.conversation.understanding_data import QUESTIONS
from bot.core.eligibility.rules import OFFICES

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
# A message names an office's number as {public_defender_phone}: the numbers are written only
# in the policy file, and filled in here, once, so every reader of a catalogue sees the words
# a resident gets.
OFFICE_FIELDS = {f"{office.id}_phone": office.phone for office in OFFICES.values()}


def _with_office_numbers(wording: Any) -> Any:
    if isinstance(wording, dict):
        return {key: _with_office_numbers(value) for key, value in wording.items()}
    if isinstance(wording, str):
        for field, number in OFFICE_FIELDS.items():
            wording = wording.replace(f"{{{field}}}", number)
    return wording


CATALOGS: dict[str, dict] = {
    lang: _with_office_numbers(
        tomllib.loads(
            (Path(__file__).parent / "messages" / f"{lang}.toml").read_text(encoding="utf-8")
        )
    )
    for lang in LANGUAGES
}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class QuestionView:
    """A question as a channel shows it: buttons on the web, numbered choices by SMS."""

    id: str
    text: str
    choices: tuple[Choice, ...]
    numbered: bool
    hint: str | None
    short: str

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "text": self.text,
            "choices": [{"value": c.value, "label": c.label} for c in self.choices],
        }

    def sms(self, retry: bool = False) -> str:
        """The question as one text: numbered choices, or a hint for a number answer."""
        lead = self.short if retry else self.text
        if self.numbered:
            options = " ".join(f"{n} {c.label}" for n, c in enumerate(self.choices, start=1))
            return f"{lead} {options}"
        return f"{lead} {self.hint}"


def text(language: str, key: str, **params: str) -> str:
    return CATALOGS[language]["text"][key].format(**params)


def office_name(language: str, office_id: str) -> str:
    return CATALOGS[language]["office"][office_id]


def outcome_text(language: str, outcome: str) -> str:
    return CATALOGS[language]["outcome"][outcome]


@cache
def question(language: str, question_id: str) -> QuestionView:
    wording = CATALOGS[language]["question"][question_id]
    spec = QUESTIONS[question_id]
    choices = tuple(Choice(value, wording["choices"][value]) for value in spec["choices"])
    numbered = spec["kind"] == "choice"
    hint = None if numbered else CATALOGS[language]["choice_hint"][spec["kind"]]
    return QuestionView(
        question_id, wording["text"], choices, numbered, hint, wording.get("short", wording["text"])
    )


def answer_label(language: str, question_id: str, value: object) -> str:
    """How an answer reads back to the resident: a choice's label, or the year as typed."""
    labels = CATALOGS[language]["question"][question_id]["choices"]
    return labels.get(value, str(value)) if isinstance(value, str) else str(value)


def answered(language: str, answers: Mapping[str, object]) -> list[dict[str, str]]:
    """The answers so far, in asking order, in words, so a resident can check what was heard."""
    return [
        {
            "id": question_id,
            "question": question(language, question_id).short,
            "answer": answer_label(language, question_id, answers[question_id]),
        }
        for question_id in QUESTIONS
        if question_id in answers
    ]


def has_text(language: str, key: str) -> bool:
    """Whether the catalogue words this message, e.g. a channel's own welcome."""
    return key in CATALOGS[language]["text"]


def staff_texts(language: str) -> dict[str, str]:
    """The ready texts staff may send, by key, with ``{office}``, ``{phone}`` and
    ``{reference}`` still to fill."""
    return dict(CATALOGS[language]["staff_text"])
