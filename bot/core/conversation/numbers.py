"""Numbers written as words ("two thousand nine", "nineteen", "diecinueve") turned into digits.

Used only for the year and age questions, where a number is the answer; elsewhere "one" or
"una" is just a word. Years spoken in pairs ("nineteen ninety eight", "twenty twelve") and with
"oh" ("oh nine") are read the way people say them.
"""

from __future__ import annotations

from bot.core.conversation.understanding_data import VOCABULARY

VALUES: dict[str, int] = VOCABULARY["numbers"]["values"]
SCALES: dict[str, int] = VOCABULARY["numbers"]["scales"]
JOINERS = frozenset(VOCABULARY["numbers"]["joiners"])
CENTURIES = (19, 20)


ZEROS = frozenset(("oh", "zero", "cero"))


def _is_number_word(word: str) -> bool:
    return word in VALUES or word in SCALES


def _number(word: str) -> int:
    return VALUES[word] if word in VALUES else int(word)


def _plain(words: list[str]) -> int:
    """The usual reading: 'two thousand nine' = 2009, 'mil novecientos noventa y ocho' = 1998."""
    total, current = 0, 0
    for word in words:
        if word in SCALES:
            scale = SCALES[word]
            if scale >= 1000:
                total += max(current, 1) * scale
                current = 0
            else:
                current = max(current, 1) * scale
        else:
            current += _number(word)
    return total + current


def _value(words: list[str]) -> str:
    """Digits for one run of number words, keeping a leading zero ('oh nine' is '09').

    A zero followed by more than one digit's word ("zero hundred", "oh thousand") is no number
    anyone says: it stays words, so the question is asked again rather than guessed."""
    if words[0] in ZEROS and len(words) > 1:
        if len(words) == 2 and words[1] in VALUES:
            return f"0{VALUES[words[1]]}"
        return " ".join(words)
    first = VALUES.get(words[0])
    if first is None:  # digits first ("2 thousand"): read the usual way
        return str(_plain(words))
    plain_compound = len(words) == 2 and first in (20, 30, 40, 50) and VALUES.get(words[1], 10) < 10
    spoken_year = first in CENTURIES and len(words) > 1 and not plain_compound
    if spoken_year and not any(word in SCALES for word in words):
        return str(first * 100 + _plain(words[1:]))
    return str(_plain(words))


def words_to_digits(words: list[str]) -> list[str]:
    """``words`` with every run of number words replaced by its digits."""
    result: list[str] = []
    run: list[str] = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        joins = word in JOINERS and run and _is_number_word(following)
        lone_oh = word == "oh" and not _is_number_word(following)
        scaled_digits = word.isdigit() and following in SCALES
        if (_is_number_word(word) and not lone_oh) or scaled_digits or (run and word.isdigit()):
            run.append(word)
            continue
        if joins:
            continue
        if run:
            result.append(_value(run))
            run = []
        result.append(word)
    if run:
        result.append(_value(run))
    return result
