"""How well spoken answers are understood on a call, on a corpus of what a speech recogniser
returns (capitalised, punctuated, numbers sometimes as words, keys said aloud).

Run: PYTHONPATH=. .venv/bin/python bench/spoken_answers.py

Each row of tests/data/spoken_corpus.csv goes the way a call's ``SpeechResult`` goes: read by
the voice channel (a key said aloud on a question with numbered choices is that key), then
through the same understanding as a text. Verdicts as in bench/understanding.py: understood
correctly, re-asked, or WRONG. The target: at least 97% understood, under 1% wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from understanding import DATA, THIS_YEAR, Outcome, Row, judge, load, report

CORPUS = DATA / "spoken_corpus.csv"


def understood(row: Row) -> object:
    """What a call understands from this speech, as the question's value (or ``None``)."""
    from bot.channels import voice_words
    from bot.core.conversation.understanding import understand

    heard = voice_words.heard(row.question, row.language, "", "", row.text, "0.9")
    return understand(row.question, heard.text, THIS_YEAR) if heard.text else None


def run(rows: list[Row]) -> list[Outcome]:
    outcomes = []
    for row in rows:
        try:
            got = understood(row)
        except Exception as error:  # a crash is a wrong answer, not the end of the report
            got = f"error: {type(error).__name__}: {error}"
        outcomes.append(Outcome(row, got, judge(row, got)))
    return outcomes


def main() -> int:
    print(f"### {CORPUS.name}")
    outcomes = run(load(CORPUS))
    report(outcomes)
    total = len(outcomes)
    correct = sum(o.verdict == "correct" for o in outcomes)
    wrong = sum(o.verdict == "wrong" for o in outcomes)
    print(
        f"== all: {total} rows, {100 * correct / total:.1f}% understood, "
        f"{100 * wrong / total:.1f}% wrong"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
