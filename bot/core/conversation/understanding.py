"""Turning what a resident types into a fact value, or ``None`` when it is not clear.

Plain functions over the vocabulary in ``vocabulary.toml``, compiled once at import. A wrong
value is worse than asking again, so two different answers in one message give ``None``.

Beyond single phrases: a longer phrase wins over a shorter one inside it, and small words may
come between a phrase's words where the vocabulary allows ("para la venta"); places are data
(``[places]``); selling said as a purpose ("to sell") takes the offense of the act it is said
of; an act said with "not" before it is no answer ("I didn't sell, I just had it"); an age may
be a range ("over 18", "20s", "in my twenties", "almost 21", "not 18 yet"), read only when it
falls in one answer, so a span of two is asked again, and a number that is no age at the time
("15 years ago", "I'm 30 now") is left out. A place's name may start with a short word ("W Sac")
or be split in two ("Orange Vale").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from bot.core.conversation.numbers import words_to_digits
from bot.core.conversation.understanding_data import QUESTIONS, VOCABULARY
from bot.core.eligibility.facts import UNSURE, Fact

_WORD = re.compile(r"[a-z]+|[0-9]+")  # "2010ish" is "2010 ish"
HEDGE = "hedge"
PURPOSE = "purpose"  # selling said as the purpose of an act ("to sell"): the act decides
NEUTRAL = "neutral"  # words read so that they hide an answer they only look like ("gave me")
NEGATORS = frozenset(VOCABULARY["negators"])
#: Negators of what follows inside a sentence: ``NEGATORS`` and the Spanish "no" ("no cultivo").
SENTENCE_NEGATORS = NEGATORS | frozenset(VOCABULARY["sentence_negators"])
AGE_WORDS = frozenset(("was", "age", "aged", "tenia", "edad"))
VAGUE_AFTER = frozenset(("s", "years", "year", "yrs", "anos", "ano"))
DATE = re.compile(r"\b(?:\d{1,2}[/.-]){1,2}(\d{4})\b|\b\d{1,2}[/.-]\d{1,2}[/.-](\d{2})\b")
_YEAR_AGE_MIN, _YEAR_AGE_MAX = 10, 120
AGES = ("under_18", "18_20", "21_plus")
MAX_FILLERS = 2  # small words allowed between two words of a phrase
PART_WINDOW = 3  # how far before a decade "early", "late"... may stand


@lru_cache(maxsize=512)
def normalise(text: str) -> str:
    """Lower case, accents and apostrophes dropped, other punctuation made a space.

    Kept for recent texts: each message is read several times (for a command, then as an
    answer), and residents send the same few answers."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = re.sub(r"['\u2019\u2018`]", "", plain)
    return " ".join(_WORD.findall(plain))


Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Years:
    """The ages a stage of life or a range covers ("in my twenties" is 20 to 29)."""

    low: int
    high: int

    def narrowed(self, part: tuple[int, int]) -> Years:
        """Part of the decade it starts in: "late" twenties is 26 to 29."""
        base = self.low // 10 * 10
        return Years(max(self.low, base + part[0]), min(self.high, base + part[1]))

    def answers(self) -> set[Fact]:
        ages = range(max(self.low, 0), min(self.high, _YEAR_AGE_MAX) + 1)
        return {_age_answer(age) for age in ages}


Value = Fact | Years  # what a phrase names: an answer, or for ages a range still to be read
PARTS: dict[str, tuple[int, int]] = {
    word: (part[0], part[1]) for word, part in VOCABULARY["ages"]["parts"].items()
}


def _part_before(before: list[str]) -> tuple[int, int] | None:
    for word in reversed(before[-PART_WINDOW:]):
        if word in PARTS:
            return PARTS[word]
    return None


FUZZY_MIN_LENGTH = 5  # shorter words are too easy to confuse ("no" and "on")
FUZZY_CUTOFF = 84  # about one typo in a word of six or more letters
FUZZY_MARGIN = 4  # a near tie between two different answers is not a guess we make


@dataclass(frozen=True)
class Purpose:
    """Selling said as a purpose ("to sell"): the offense it makes of each act, or alone."""

    alone: Fact
    of: dict[Fact, Fact]


@dataclass(frozen=True)
class Vocabulary:
    """Phrases for each answer of one question, longest first, so longer phrases win."""

    phrases: tuple[tuple[Phrase, Value], ...]
    by_first_word: dict[str, tuple[int, ...]]  # indexes into ``phrases``, longest first
    absorbs: dict[Fact, tuple[Fact, ...]]
    single_words: dict[str, Value]  # read when misspelt too
    stems: tuple[tuple[str, Fact], ...]
    negated: dict[Fact, Fact]  # "not registered": the yes answer, negated, is the no answer
    fillers: frozenset[str] = frozenset()
    alone: dict[str, Fact] = field(default_factory=dict)
    purpose: Purpose | None = None
    negatable: frozenset[Fact] = frozenset()  # answers that "not" just before takes away
    single_phrases: frozenset[Phrase] = frozenset()  # the phrases of one word
    word_pairs: frozenset[tuple[str, str]] = frozenset()  # every phrase's first two words

    def word_value(self, word: str) -> Value | None:
        """A left-over word read by its stem ("vendi", "sembre"), else by a close spelling."""
        for stem, value in self.stems:
            if word.startswith(stem) and len(word) > len(stem):
                return value
        return self.fuzzy(word)

    def fuzzy(self, word: str) -> Value | None:
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

    def _shape(self, value: Value, before: list[str]) -> Value:
        """``value`` as the words before it turn it: "not" negates, "late" narrows a decade."""
        if isinstance(value, Years):
            part = _part_before(before)
            return value.narrowed(part) if part else value
        if value in self.negated and NEGATORS.intersection(before[-2:]):
            return self.negated[value]
        if value in self.negatable and SENTENCE_NEGATORS.intersection(before[-2:]):
            return NEUTRAL
        return value

    def _end(self, words: list[str], used: list[bool], start: int, phrase: Phrase) -> int | None:
        """Where ``phrase`` ends if it is read from ``start``, small words between allowed."""
        index = start
        for position, wanted in enumerate(phrase):
            skipped = 0
            while (
                position
                and index < len(words)
                and words[index] != wanted
                and words[index] in self.fillers
                and skipped < MAX_FILLERS
            ):
                index, skipped = index + 1, skipped + 1
            if index >= len(words) or words[index] != wanted:
                return None
            index += 1
        return None if any(used[start:index]) else index

    def matches(self, words: list[str]) -> tuple[set[Value], list[str]]:
        """Every answer named in ``words`` (each word counts once), and the words left over."""
        whole = " ".join(words)
        if whole in self.alone:
            return {self.alone[whole]}, []
        used = [False] * len(words)
        found: set[Value] = set()
        candidates = sorted({i for word in words for i in self.by_first_word.get(word, ())})
        for phrase, value in (self.phrases[i] for i in candidates):
            for start in range(len(words)):
                end = self._end(words, used, start, phrase)
                if end is not None:
                    used[start:end] = [True] * (end - start)
                    found.add(self._shape(value, words[:start]))
        rest = [word for word, taken in zip(words, used, strict=True) if not taken]
        for index, word in enumerate(rest):
            guess = self.word_value(word)
            if guess is not None:
                found.add(self._shape(guess, rest[:index]))
        return self._resolve(found), rest

    def _absorb(self, found: set[Value]) -> None:
        for value in list(found):
            if not isinstance(value, Years):
                found.difference_update(self.absorbs.get(value, ()))

    def _resolve(self, found: set[Value]) -> set[Value]:
        """The answers named, once a larger one took in its parts and a purpose its act."""
        found.discard(NEUTRAL)
        self._absorb(found)
        if PURPOSE in found and self.purpose is not None:
            found.discard(PURPOSE)
            acts = {value for value in found if value in self.purpose.of}
            found -= acts
            found |= {self.purpose.of[act] for act in acts} or {self.purpose.alone}
            self._absorb(found)
        return found


def _phrases(texts: list[str], value: Value) -> list[tuple[Phrase, Value]]:
    return [(tuple(normalise(text).split()), value) for text in texts]


def _combined(groups: list[dict[str, list[str]]]) -> list[str]:
    """Every first word followed by every next word, for each group."""
    return [f"{first} {then}" for g in groups for first in g["first"] for then in g["then"]]


def _exact_phrases(question_id: str) -> list[tuple[Phrase, Value]]:
    """Phrases read only as written: places, word pairs, purposes, neutral words, life stages."""
    pairs: list[tuple[Phrase, Value]] = []
    for value, kinds in VOCABULARY["places"].get(question_id, {}).items():
        pairs += [
            pair
            for kind, names in kinds.items()
            if kind != "counties"
            for pair in _phrases(names, value)
        ]
    for group in VOCABULARY["combinations"].get(question_id, []):
        pairs += _phrases(_combined([group]), group["value"])
    purpose = VOCABULARY["purposes"].get(question_id)
    if purpose:
        pairs += _phrases(purpose["phrases"] + _combined(purpose["combinations"]), PURPOSE)
    pairs += _phrases(VOCABULARY["neutral"].get(question_id, []), NEUTRAL)
    if QUESTIONS[question_id]["kind"] == "age":
        for stage in VOCABULARY["ages"]["stages"]:
            pairs += _phrases(stage["phrases"], Years(*stage["years"]))
    return pairs


def _compile(question_id: str) -> Vocabulary:
    answers = VOCABULARY["answers"]
    spec = QUESTIONS[question_id]
    pairs: list[tuple[Phrase, Value]] = []
    for value, phrases in answers.get(question_id, {}).items():
        pairs += _phrases(phrases, value)
    for value, kinds in VOCABULARY["places"].get(question_id, {}).items():
        pairs += _phrases(kinds.get("counties", []), value)
    pairs += _phrases(answers["unsure"], UNSURE)
    pairs += _phrases(answers["hedges"], HEDGE)
    for word in ("yes", "no"):
        if word in spec:
            pairs += _phrases(answers[word], spec[word])
    singles = {  # a short word is not read from a misspelling: "grave" is not "gave"
        phrase[0]: value
        for phrase, value in pairs
        if len(phrase) == 1 and len(phrase[0]) >= FUZZY_MIN_LENGTH
    }
    pairs += _exact_phrases(question_id)
    pairs.sort(key=lambda pair: -len(pair[0]))
    by_first_word: dict[str, list[int]] = {}
    for index, (phrase, _) in enumerate(pairs):
        by_first_word.setdefault(phrase[0], []).append(index)
    absorbs = {k: tuple(v) for k, v in VOCABULARY.get("absorbs", {}).get(question_id, {}).items()}
    stems = VOCABULARY.get("stems", {}).get(question_id, {})
    stem_pairs = tuple((normalise(stem), value) for value, items in stems.items() for stem in items)
    negated = {spec["yes"]: spec["no"]} if "yes" in spec else {}
    first_words = {word: tuple(found) for word, found in by_first_word.items()}
    fillers = frozenset(VOCABULARY["fillers"].get(question_id, ()))
    alone = {
        normalise(text): value
        for value, texts in VOCABULARY["alone"].get(question_id, {}).items()
        for text in texts
    }
    purpose = VOCABULARY["purposes"].get(question_id)
    return Vocabulary(
        tuple(pairs),
        first_words,
        absorbs,
        singles,
        stem_pairs,
        negated,
        fillers,
        alone,
        Purpose(purpose["alone"], purpose["of"]) if purpose else None,
        frozenset(VOCABULARY["negatable"].get(question_id, ())),
        frozenset(phrase for phrase, _ in pairs if len(phrase) == 1),
        frozenset((phrase[0], phrase[1]) for phrase, _ in pairs if len(phrase) > 1),
    )


VOCABULARIES = {question_id: _compile(question_id) for question_id in QUESTIONS}
KEYWORDS = {
    normalise(phrase): action
    for action, phrases in VOCABULARY["keywords"].items()
    for phrase in phrases
}
SPANISH_GREETINGS = frozenset(normalise(p) for p in VOCABULARY["spanish_greetings"])


def _capitals_pattern(short: str) -> re.Pattern[str]:
    """ "LA" as written in capitals, with or without dots ("L.A."), and nothing else."""
    dotted = r"\.?".join(re.escape(letter) for letter in short)
    return re.compile(rf"(?<![A-Za-z]){dotted}\.?(?![A-Za-z])")


CAPITALS = {
    question_id: tuple((_capitals_pattern(short), f" {long} ") for short, long in names.items())
    for question_id, names in VOCABULARY["capitals"].items()
}


ABBREVIATIONS: dict[str, dict[str, str]] = {
    question_id: names
    for question_id, names in VOCABULARY.get("abbreviations", {}).items()
    if isinstance(names, dict)
}
ABBREVIATIONS_ALSO_WORDS = frozenset(VOCABULARY.get("abbreviations", {}).get("also_words", ()))


def _place_words(question_id: str, words: list[str]) -> list[str]:
    """A place's name as the vocabulary writes it: a short first word spelled out ("w sac" is
    "west sac") and a name split in two joined up ("orange vale" is "orangevale"), each only
    when it makes a name the vocabulary knows."""
    if question_id not in VOCABULARY["places"]:
        return words
    vocabulary = VOCABULARIES[question_id]
    short = ABBREVIATIONS.get(question_id, {})
    result: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        following = words[index + 1] if index + 1 < len(words) else ""
        joined = word + following
        if following and (joined,) in vocabulary.single_phrases:
            result.append(joined)
            index += 2
            continue
        spelled = short.get(word)
        a_place_alone = (following,) in vocabulary.single_phrases
        if word in ABBREVIATIONS_ALSO_WORDS and a_place_alone:
            spelled = None  # "no sac": the answer no, then a place
        if spelled is not None and (spelled, following) in vocabulary.word_pairs:
            word = spelled
        result.append(word)
        index += 1
    return result


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


def _age_answer(age: int) -> Fact:
    if age < 18:
        return "under_18"
    return "18_20" if age <= 20 else "21_plus"


def _age_range(number: str) -> Fact | None:
    if len(number) > 3:
        return None
    age = int(number)
    if not _YEAR_AGE_MIN <= age <= _YEAR_AGE_MAX:
        return None
    return _age_answer(age)


def _age_phrases(*kinds: str) -> tuple[tuple[Phrase, str], ...]:
    ages = VOCABULARY["ages"]
    pairs = [(tuple(normalise(p).split()), kind) for kind in kinds for p in ages[kind]]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


AGE_BEFORE = _age_phrases(
    "over", "under", "decade_before", "just_under", "before_turning", "ago_before", "not_before"
)
AGE_AFTER = _age_phrases("or_older", "or_younger", "decade_after", "not_yet", "ago_after")
AGE_UNITS = frozenset(VOCABULARY["ages"]["units"])
#: Every age: a number that is no age at the time ("15 years ago") names no answer.
ANY_AGE = Years(0, _YEAR_AGE_MAX)
NOT_YET_WORDS = frozenset(VOCABULARY["ages"]["not_yet"])


def _bound(kind: str, age: int) -> Years | None:
    """The ages "over 18", "18 or older", "20s", "almost 21"... cover; ``None`` when it is no
    range."""
    if kind in ("decade_before", "decade_after"):
        return Years(age, age + 9) if age % 10 == 0 and 10 <= age <= 90 else None
    return {
        "over": Years(age + 1, _YEAR_AGE_MAX),
        "or_older": Years(age, _YEAR_AGE_MAX),
        "under": Years(0, age - 1),
        "or_younger": Years(0, age),
        "just_under": Years(max(age - 3, 0), age - 1),
        "before_turning": Years(0, age - 1),
        "not_yet": Years(0, age - 1),
        "ago_before": ANY_AGE,
        "ago_after": ANY_AGE,
        "not_before": ANY_AGE,
    }[kind]


def _negated_from(words: list[str], index: int) -> int | None:
    """Where a "not" just before the number at ``index`` stands, if one does."""
    for start in range(index - 1, max(index - 3, -1), -1):
        if words[start] in SENTENCE_NEGATORS:
            return start
    return None


def _bound_at(words: list[str], index: int) -> tuple[int, int, Years] | None:
    """The range an age at ``index`` is part of, as (first word, end, years), if it is one."""
    age = int(words[index])
    for phrase, kind in AGE_BEFORE:
        if kind == "not_before" and NOT_YET_WORDS.intersection(words[index + 1 : index + 4]):
            continue  # "not 18 yet" is under 18: read after the number
        start = index - len(phrase)
        years = _bound(kind, age) if start >= 0 and tuple(words[start:index]) == phrase else None
        if years is not None:
            return start, index + 1, years
    after = index + 1
    while after < len(words) and words[after] in AGE_UNITS:
        after += 1
    for phrase, kind in AGE_AFTER:
        end = after + len(phrase)
        years = _bound(kind, age) if tuple(words[after:end]) == phrase else None
        if years is None:
            continue
        if kind == "not_yet":
            negated = _negated_from(words, index)
            if negated is None:
                continue
            return negated, end, years
        return index, end, years
    return None


def _age_bounds(words: list[str]) -> tuple[list[str], set[Years]]:
    """Ages said as ranges ("over 18", "21 or older", "20s", "treinta y tantos"), and the
    words left once they are taken out."""
    bounds: set[Years] = set()
    taken = [False] * len(words)
    for index, word in enumerate(words):
        found = _bound_at(words, index) if word.isdigit() and len(word) <= 3 else None
        if found is None or any(taken[found[0] : found[1]]):
            continue
        start, end, years = found
        part = _part_before(words[:start])
        bounds.add(years.narrowed(part) if part and years.high - years.low == 9 else years)
        taken[start:end] = [True] * (end - start)
    return [word for word, gone in zip(words, taken, strict=True) if not gone], bounds


def _within(found: set[Fact], ranges: set[Years]) -> set[Fact]:
    """The age answers that fit every range said; all of them (asked again) if none or several
    fit, so "in my twenties" alone is asked again and "in my twenties, 24" is 21 or older."""
    if not ranges:
        return found
    fitting = set(AGES)
    for years in ranges:
        fitting &= years.answers()
    named = {value for value in found if value in AGES}
    kept = (named or set(AGES)) & fitting
    return (found - named) | (kept if len(kept) == 1 else set(AGES))


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
    if text != text.upper():  # in a message all in capitals, "LA" may be Spanish "la"
        for pattern, name in CAPITALS.get(question_id, ()):
            text = pattern.sub(name, text)
    if not normalise(text):
        return None
    if spec["kind"] == "choice":
        return _understand_choice(question_id, text)
    if spec["kind"] == "age":
        return _understand_age(question_id, text, this_year)
    # a date ("3/15/2007") answers with its year
    words = normalise(DATE.sub(lambda m: f" {m.group(1) or m.group(2)} ", text)).split()
    found, rest = VOCABULARIES[question_id].matches(words)
    numbers, bad = _numbers(question_id, words_to_digits(rest), this_year)
    if bad and not numbers and not found:
        return None
    return _decide(_facts(found) | numbers, only_hedges=not rest)


MINOR_AGES: dict[str, dict[str, Any]] = VOCABULARY.get("minor_ages", {})
MINOR_AGE_RANGE = range(10, 18)


def _minor_named(question_id: str, words: list[str]) -> Fact | None:
    """The answer an age under 18 names in this question ("my 16 year old cousin"), if any."""
    rule = MINOR_AGES.get(question_id)
    if rule is None:
        return None
    for pattern in rule["said"]:
        shape = pattern.split()
        for start in range(len(words) - len(shape) + 1):
            window = words[start : start + len(shape)]
            ages = [w for w, s in zip(window, shape, strict=True) if s == "N" and w.isdigit()]
            fits = all(s == "N" or w == s for w, s in zip(window, shape, strict=True))
            if fits and ages and int(ages[0]) in MINOR_AGE_RANGE:
                return str(rule["value"])
    return None


def _understand_choice(question_id: str, text: str) -> Fact | None:
    words = _place_words(question_id, normalise(text).split())
    choices = QUESTIONS[question_id]["choices"]
    found, rest = VOCABULARIES[question_id].matches(words)
    minor = _minor_named(question_id, words_to_digits(words))
    if minor is not None and found.intersection(MINOR_AGES[question_id]["acts"]):
        found.add(minor)
    picked = [_choice(choices, word) for word in rest if word.isdigit()]
    if len(words) == 1 and picked == [None]:  # a lone number that is no choice
        return None
    return _decide(_facts(found) | {c for c in picked if c is not None}, only_hedges=not rest)


def _understand_age(question_id: str, text: str, this_year: int) -> Fact | None:
    """An age: a number, a range ("over 21", "20s") or a stage of life ("a minor")."""
    words, ranges = _age_bounds(words_to_digits(normalise(text.replace("+", " plus ")).split()))
    found, rest = VOCABULARIES[question_id].matches(words)
    ranges |= {value for value in found if isinstance(value, Years)}
    numbers, bad = _numbers(question_id, rest, this_year)
    facts = _facts(found)
    if bad and not numbers and not facts and not ranges:
        return None
    return _decide(_within(facts | numbers, ranges), only_hedges=not rest)


def _facts(found: set[Value]) -> set[Fact]:
    return {value for value in found if not isinstance(value, Years)}


def _decide(found: set[Fact], only_hedges: bool) -> Fact | None:
    """One clear answer, or ``None``. Doubt wins: "not sure if felony or misdemeanor" is unsure.

    A hedge softens an answer ("maybe 2005"); a hedge alone ("maybe") means not sure.
    """
    hedged = HEDGE in found
    found.discard(HEDGE)
    if UNSURE in found or (hedged and not found and only_hedges):
        return UNSURE
    return found.pop() if len(found) == 1 else None
