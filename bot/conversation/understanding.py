"""Turning what a resident types into a fact value, or ``None`` when it is not clear.

Plain functions over the vocabulary in ``vocabulary.toml``, compiled once at import. A wrong
value is worse than asking again, so two different answers in one message give ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.conversation.numbers import words_to_digits
from bot.conversation.understanding_data import QUESTIONS, VOCABULARY
from bot.eligibility.facts import UNSURE, Fact

_WORD = re.compile(r"[a-z]+|[0-9]+")  # "2010ish" is "2010 ish"
HEDGE = "hedge"
AGE_WORDS = frozenset(("was", "age", "aged", "tenia", "edad"))
_YEAR_AGE_MIN, _YEAR_AGE_MAX = 10, 120


def normalise(text: str) -> str:
    """Lower case, accents and apostrophes dropped, other punctuation made a space."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = re.sub(r"['\u2019\u2018`]", "", plain)
    return " ".join(_WORD.findall(plain))


Phrase = tuple[str, ...]


FUZZY_MIN_LENGTH = 5  # shorter words are too easy to confuse ("no" and "on")
FUZZY_CUTOFF = 84  # about one typo in a word of six or more letters
FUZZY_MARGIN = 4  # a near tie between two different answers is not a guess we make


@dataclass(frozen=True)
class Vocabulary:
    """Phrases for each answer of one question, longest first, so longer phrases win."""

    phrases: tuple[tuple[Phrase, Fact], ...]
    absorbs: dict[Fact, tuple[Fact, ...]]
    single_words: dict[str, Fact]

    def fuzzy(self, word: str) -> Fact | None:
        """The answer a misspelt word most likely means ("sacremento"), if it is clear."""
        if len(word) < FUZZY_MIN_LENGTH or word.isdigit():
            return None
        best = process.extract(
            word, self.single_words.keys(), scorer=fuzz.ratio, limit=3, score_cutoff=FUZZY_CUTOFF
        )
        if not best:
            return None
        value = self.single_words[best[0][0]]
        rivals = [s for w, s, _ in best[1:] if self.single_words[w] != value]
        if rivals and best[0][1] - rivals[0] < FUZZY_MARGIN:
            return None
        return value

    def matches(self, words: list[str]) -> tuple[set[Fact], list[str]]:
        """Every answer named in ``words`` (each word counts once), and the words left over."""
        used = [False] * len(words)
        found: set[Fact] = set()
        for phrase, value in self.phrases:
            size = len(phrase)
            for start in range(len(words) - size + 1):
                end = start + size
                if tuple(words[start:end]) == phrase and not any(used[start:end]):
                    used[start:end] = [True] * size
                    found.add(value)
        rest = [word for word, taken in zip(words, used, strict=True) if not taken]
        for word in rest:
            guess = self.fuzzy(word)
            if guess is not None:
                found.add(guess)
        for value in list(found):
            found.difference_update(self.absorbs.get(value, ()))
        return found, rest


def _compile(question_id: str) -> Vocabulary:
    answers = VOCABULARY["answers"]
    spec = QUESTIONS[question_id]
    pairs: list[tuple[Phrase, Fact]] = []
    for value, phrases in answers.get(question_id, {}).items():
        pairs += [(tuple(normalise(p).split()), value) for p in phrases]
    pairs += [(tuple(normalise(p).split()), UNSURE) for p in answers["unsure"]]
    pairs += [(tuple(normalise(p).split()), HEDGE) for p in answers["hedges"]]
    for word in ("yes", "no"):
        if word in spec:
            pairs += [(tuple(normalise(p).split()), spec[word]) for p in answers[word]]
    pairs.sort(key=lambda pair: -len(pair[0]))
    absorbs = {k: tuple(v) for k, v in VOCABULARY.get("absorbs", {}).get(question_id, {}).items()}
    singles = {phrase[0]: value for phrase, value in pairs if len(phrase) == 1}
    return Vocabulary(tuple(pairs), absorbs, singles)


VOCABULARIES = {question_id: _compile(question_id) for question_id in QUESTIONS}
KEYWORDS = {
    normalise(phrase): action
    for action, phrases in VOCABULARY["keywords"].items()
    for phrase in phrases
}
SPANISH_GREETINGS = frozenset(normalise(p) for p in VOCABULARY["spanish_greetings"])


def keyword(text: str) -> str | None:
    """The command a whole message names (``help``, ``stop``...), if it is one."""
    return KEYWORDS.get(normalise(text))


def is_spanish_greeting(text: str) -> bool:
    return normalise(text) in SPANISH_GREETINGS


def _year(number: str, this_year: int) -> int | None:
    """Four digits as written; two digits are 20yy unless that is after this year, then 19yy."""
    if len(number) == 4:
        year = int(number)
    elif len(number) == 2:
        year = 2000 + int(number)
        if year > this_year:
            year -= 100
    else:
        return None
    return year if 1900 <= year <= this_year else None


def _choice(choices: list[str], number: str) -> str | None:
    """A numbered choice ("2" is the second); other numbers are not choices."""
    if len(number) > 2 or not 1 <= int(number) <= len(choices):
        return None
    return choices[int(number) - 1]


def _after_age_word(words: list[str], index: int) -> bool:
    return index > 0 and words[index - 1] in AGE_WORDS


def _age_range(number: str) -> str | None:
    if len(number) > 3:
        return None
    age = int(number)
    if not _YEAR_AGE_MIN <= age <= _YEAR_AGE_MAX:
        return None
    if age < 18:
        return "under_18"
    return "18_20" if age <= 20 else "21_plus"


def _numbers(question_id: str, words: list[str], this_year: int) -> tuple[set[Fact], bool]:
    """Values read from the numbers in a year or age answer, and whether any number was bad.

    On the year question an age ("when I was 19") is not a year, and a full year wins over
    the day and month of a date ("3/15/2007").
    """
    kind = QUESTIONS[question_id]["kind"]
    values: set[Fact] = set()
    bad = False
    full_year = kind == "year" and any(len(w) == 4 and w.isdigit() for w in words)
    for index, word in enumerate(words):
        if not word.isdigit():
            continue
        if kind == "year" and len(word) < 4 and (full_year or _after_age_word(words, index)):
            continue
        value = _year(word, this_year) if kind == "year" else _age_range(word)
        if value is None:
            bad = True
        else:
            values.add(value)
    return values, bad


def understand(question_id: str, text: str, this_year: int) -> Fact | None:
    """The value ``text`` gives for the question, or ``None`` to ask again with a hint."""
    spec = QUESTIONS[question_id]
    raw = text.strip().lower()
    if raw in spec["choices"]:
        return raw
    if raw and set(raw) <= {"?"}:
        return UNSURE
    words = normalise(text).split()
    if not words:
        return None
    if spec["kind"] == "choice":
        found, rest = VOCABULARIES[question_id].matches(words)
        numbers = [_choice(spec["choices"], word) for word in rest if word.isdigit()]
        if len(words) == 1 and words[0].isdigit() and numbers[0] is None:
            return None
        found |= {value for value in numbers if value is not None}
    else:
        found, rest = VOCABULARIES[question_id].matches(words)
        numbers, bad = _numbers(question_id, words_to_digits(rest), this_year)
        if bad and not numbers and not found:
            return None
        found |= numbers
    return _decide(found)


def _decide(found: set[Fact]) -> Fact | None:
    """One clear answer, or ``None``. Doubt wins: "not sure if felony or misdemeanor" is unsure."""
    hedged = HEDGE in found
    found.discard(HEDGE)
    if UNSURE in found or (hedged and not found):
        return UNSURE
    return found.pop() if len(found) == 1 else None
