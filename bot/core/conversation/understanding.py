"""Turning what a resident types into a fact value, or ``None`` when it is not clear.

Plain functions over the vocabulary in ``vocabulary.toml``, compiled once at import. A wrong
value is worse than asking again, so two different answers in one message give ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.conversation.numbers import words_to_digits
from bot.core.conversation.understanding_data import QUESTIONS, VOCABULARY
from bot.core.eligibility.facts import UNSURE, Fact

_WORD = re.compile(r"[a-z]+|[0-9]+")  # "2010ish" is "2010 ish"
HEDGE = "hedge"
NEGATORS = frozenset(VOCABULARY["negators"])
AGE_WORDS = frozenset(("was", "age", "aged", "tenia", "edad"))
VAGUE_AFTER = frozenset(("s", "years", "year", "yrs", "anos", "ano"))
DATE = re.compile(r"\b(?:\d{1,2}[/.-]){1,2}(\d{4})\b|\b\d{1,2}[/.-]\d{1,2}[/.-](\d{2})\b")
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
    by_first_word: dict[str, tuple[int, ...]]  # indexes into ``phrases``, longest first
    absorbs: dict[Fact, tuple[Fact, ...]]
    single_words: dict[str, Fact]
    stems: tuple[tuple[str, Fact], ...]
    negated: dict[Fact, Fact]  # "not registered": the yes answer, negated, is the no answer

    def word_value(self, word: str) -> Fact | None:
        """A left-over word read by its stem ("vendi", "sembre"), else by a close spelling."""
        for stem, value in self.stems:
            if word.startswith(stem) and len(word) > len(stem):
                return value
        return self.fuzzy(word)

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

    def _negate(self, value: Fact, before: list[str]) -> Fact:
        if value in self.negated and NEGATORS.intersection(before):
            return self.negated[value]
        return value

    def matches(self, words: list[str]) -> tuple[set[Fact], list[str]]:
        """Every answer named in ``words`` (each word counts once), and the words left over."""
        used = [False] * len(words)
        found: set[Fact] = set()
        candidates = sorted({i for word in words for i in self.by_first_word.get(word, ())})
        for phrase, value in (self.phrases[i] for i in candidates):
            size = len(phrase)
            for start in range(len(words) - size + 1):
                end = start + size
                if tuple(words[start:end]) == phrase and not any(used[start:end]):
                    used[start:end] = [True] * size
                    found.add(self._negate(value, words[max(0, start - 2) : start]))
        rest = [word for word, taken in zip(words, used, strict=True) if not taken]
        for index, word in enumerate(rest):
            guess = self.word_value(word)
            if guess is not None:
                found.add(self._negate(guess, rest[max(0, index - 2) : index]))
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
    by_first_word: dict[str, list[int]] = {}
    for index, (phrase, _) in enumerate(pairs):
        by_first_word.setdefault(phrase[0], []).append(index)
    absorbs = {k: tuple(v) for k, v in VOCABULARY.get("absorbs", {}).get(question_id, {}).items()}
    singles = {phrase[0]: value for phrase, value in pairs if len(phrase) == 1}
    stems = VOCABULARY.get("stems", {}).get(question_id, {})
    stem_pairs = tuple((normalise(stem), value) for value, items in stems.items() for stem in items)
    negated = {spec["yes"]: spec["no"]} if "yes" in spec else {}
    first_words = {word: tuple(found) for word, found in by_first_word.items()}
    return Vocabulary(tuple(pairs), first_words, absorbs, singles, stem_pairs, negated)


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

    On the year question an age ("when I was 19") is not a year; a decade ("the 90s") or a
    span ("15 years ago") is too vague to be one, so it is asked again.
    """
    kind = QUESTIONS[question_id]["kind"]
    values: set[Fact] = set()
    bad = False
    for index, word in enumerate(words):
        if not word.isdigit():
            continue
        following = words[index + 1] if index + 1 < len(words) else ""
        if kind == "year" and len(word) < 4 and _after_age_word(words, index):
            continue
        vague = kind == "year" and following in VAGUE_AFTER
        value = None if vague else _year(word, this_year) if kind == "year" else _age_range(word)
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
        picked = [_choice(spec["choices"], word) for word in rest if word.isdigit()]
        if len(words) == 1 and picked == [None]:  # a lone number that is no choice
            return None
        found |= {choice for choice in picked if choice is not None}
    else:
        if spec["kind"] == "year":  # a date ("3/15/2007") answers with its year
            words = normalise(DATE.sub(lambda m: f" {m.group(1) or m.group(2)} ", text)).split()
        found, rest = VOCABULARIES[question_id].matches(words)
        numbers, bad = _numbers(question_id, words_to_digits(rest), this_year)
        if bad and not numbers and not found:
            return None
        found |= numbers
    return _decide(found, only_hedges=not rest)


def _decide(found: set[Fact], only_hedges: bool) -> Fact | None:
    """One clear answer, or ``None``. Doubt wins: "not sure if felony or misdemeanor" is unsure.

    A hedge softens an answer ("maybe 2005"); a hedge alone ("maybe") means not sure.
    """
    hedged = HEDGE in found
    found.discard(HEDGE)
    if UNSURE in found or (hedged and not found and only_hedges):
        return UNSURE
    return found.pop() if len(found) == 1 else None
