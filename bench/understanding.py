"""How well free-text answers are understood, measured on a corpus of what residents type.

Run: cd /work/main && PYTHONPATH=. .venv/bin/python bench/understanding.py

The corpus (tests/data/understanding_corpus.csv) was written independently of the vocabulary:
each row is a text a resident might send to one question, with the value a careful human would
read from it, or `none` when a careful human could not tell (the service should ask again).

Per language it prints: rows; understood correctly (the expected value, or nothing for a `none`
row); re-asked (nothing understood where a value was expected); WRONG (a different value, or any
value for a `none` row), and lists the wrong and re-asked rows. It is a report: exit code 0.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
CORPUS = DATA / "understanding_corpus.csv"
HOLDOUT = DATA / "understanding_holdout.csv"  # written later, blind to the vocabulary
THIS_YEAR = 2026


@dataclass(frozen=True)
class Row:
    line: int
    language: str
    question: str
    text: str
    expected: str  # machine value as written in the corpus; "none" = should be re-asked


@dataclass(frozen=True)
class Outcome:
    row: Row
    got: object  # the value understood, None, or an "error: ..." string
    verdict: str  # "correct", "reasked" or "wrong"


def load(path: Path = CORPUS) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return [
            Row(number, r["language"], r["question"], r["text"], r["expected"].strip())
            for number, r in enumerate(reader, start=2)
        ]


def judge(row: Row, got: object) -> str:
    if row.expected == "none":
        return "correct" if got is None else "wrong"
    if got is None:
        return "reasked"
    return "correct" if str(got) == row.expected else "wrong"


def run(rows: list[Row]) -> list[Outcome]:
    from bot.core.conversation.understanding import understand

    outcomes = []
    for row in rows:
        try:
            got = understand(row.question, row.text, THIS_YEAR)
        except Exception as error:  # a crash is a wrong answer, not the end of the report
            got = f"error: {type(error).__name__}: {error}"
        outcomes.append(Outcome(row, got, judge(row, got)))
    return outcomes


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   n/a"


def _describe(outcome: Outcome) -> str:
    row = outcome.row
    return (
        f"  line {row.line:3d}  {row.question:<20} {row.text!r:<45} "
        f"expected {row.expected!r:<22} got {outcome.got!r}"
    )


def report(outcomes: list[Outcome]) -> None:
    for language in sorted({o.row.language for o in outcomes}):
        mine = [o for o in outcomes if o.row.language == language]
        counts = Counter(o.verdict for o in mine)
        total = len(mine)
        print(f"== {language}: {total} rows")
        print(
            f"   understood correctly {counts['correct']:4d}  {_percent(counts['correct'], total)}"
        )
        print(
            f"   re-asked             {counts['reasked']:4d}  {_percent(counts['reasked'], total)}"
        )
        print(f"   WRONG                {counts['wrong']:4d}  {_percent(counts['wrong'], total)}")
        by_question: dict[str, Counter] = {}
        for o in mine:
            by_question.setdefault(o.row.question, Counter())[o.verdict] += 1
        print("   per question (correct/rows):")
        for question, tally in by_question.items():
            rows = sum(tally.values())
            share = _percent(tally["correct"], rows)
            print(f"     {question:<22} {tally['correct']:3d}/{rows:<3d} {share}")
        for verdict, title in (("wrong", "WRONG"), ("reasked", "re-asked")):
            listed = [o for o in mine if o.verdict == verdict]
            print(f"   {title} rows ({len(listed)}):")
            for o in listed:
                print(_describe(o))
        print()


def main() -> int:
    for path in (CORPUS, HOLDOUT):
        print(f"### {path.name}")
        report(run(load(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
