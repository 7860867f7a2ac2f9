"""Write a synthetic court record file for ``flask --app app screen``: realistic, no real data.

People have one to eight convictions in several counties, written the way courts write code
sections (``11359 HS``, ``HS 11360(a)``, ``66411357(A) HS``), with a few serious priors, missing
dates of birth, 2016 dispositions on both sides of November 9 and, optionally, some bad rows.
Rows are shuffled, so a person's rows are anywhere in the file.

    .venv/bin/python bench/screening_generate.py --rows 1000000 --out records.csv
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TextIO

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.screening.records import COLUMNS as HEADER

# (code section as written, weight, levels to pick from)
PROP64 = (
    ("11357(A) HS", 6, ("felony", "misdemeanor")),
    ("11357(B) HS", 8, ("misdemeanor", "infraction")),
    ("11357(C) HS", 2, ("misdemeanor",)),
    ("HS 11357(a)", 3, ("felony", "misdemeanor")),
    ("11357 HS", 3, ("misdemeanor", "infraction")),
    ("11358 HS", 4, ("felony", "felony", "misdemeanor")),
    ("HS 11358", 1, ("felony",)),
    ("11359 HS", 8, ("felony", "felony", "misdemeanor")),
    ("HS 11359(b)", 2, ("felony", "misdemeanor")),
    ("11360(A) HS", 6, ("felony", "felony", "misdemeanor")),
    ("HS 11360(a)", 2, ("felony",)),
    ("11360(A)(2) HS", 1, ("felony",)),
    ("11360(B) HS", 1, ("misdemeanor", "infraction")),
    ("66411359 HS", 1, ("felony", "misdemeanor")),
    ("66411357(A) HS", 1, ("misdemeanor",)),
)
OTHER = (
    ("23152(A) VC", 10, ("misdemeanor",)),
    ("23152(B) VC", 8, ("misdemeanor",)),
    ("14601.1(A) VC", 5, ("misdemeanor",)),
    ("459 PC", 5, ("felony", "misdemeanor")),
    ("484(A) PC", 5, ("misdemeanor",)),
    ("488 PC", 3, ("misdemeanor",)),
    ("496(A) PC", 3, ("felony", "misdemeanor")),
    ("10851(A) VC", 3, ("felony",)),
    ("11350(A) HS", 5, ("felony", "misdemeanor")),
    ("11377(A) HS", 6, ("felony", "misdemeanor")),
    ("11364(A) HS", 4, ("misdemeanor",)),
    ("11357.5(A) HS", 1, ("infraction", "misdemeanor")),
    ("273.5(A) PC", 4, ("felony", "misdemeanor")),
    ("245(A)(1) PC", 3, ("felony",)),
    ("242 PC", 3, ("misdemeanor",)),
    ("647(F) PC", 4, ("misdemeanor",)),
    ("166(A)(4) PC", 2, ("misdemeanor",)),
    ("29800(A)(1) PC", 2, ("felony",)),
    ("211 PC", 2, ("felony",)),
    ("12500(A) VC", 4, ("misdemeanor", "infraction")),
)
SERIOUS = (
    ("187(A) PC", 2, ("felony",)),
    ("664187(A) PC", 1, ("felony",)),
    ("288(A) PC", 2, ("felony",)),
    ("261(A)(2) PC", 2, ("felony",)),
    ("245(D)(3) PC", 1, ("felony",)),
    ("647.6(A)(1) PC", 1, ("misdemeanor",)),
    ("311.11(A) PC", 1, ("felony",)),
)
KINDS = ((PROP64, 40), (OTHER, 59), (SERIOUS, 1))
COUNTIES = (
    ("SACRAMENTO", 62),
    ("Sacramento", 6),
    ("PLACER", 8),
    ("YOLO", 6),
    ("EL DORADO", 4),
    ("SAN JOAQUIN", 5),
    ("LOS ANGELES", 5),
    ("ALAMEDA", 4),
)
CONVICTIONS_PER_PERSON = (45, 22, 12, 8, 5, 4, 2, 2)  # weights for 1..8
BAD_VALUES = (
    ("disposition_date", "2015-13-01"),
    ("disposition_date", ""),
    ("person_id", ""),
    ("level", "FEL"),
    ("code_section", "SEE FILE"),
    ("dob", "01/02/1980"),
)
FIRST_DISPOSITION = date(1975, 1, 1).toordinal()


def _weighted(options: tuple, rng: random.Random) -> tuple:
    return rng.choices(options, weights=[option[1] for option in options])[0]


def _disposition(rng: random.Random, last: int) -> int:
    """Most dispositions between 1995 and 2018, some around Prop 64's November 9, 2016."""
    if rng.random() < 0.03:
        return date(2016, 11, 9).toordinal() + rng.randint(-60, 60)
    if rng.random() < 0.7:
        return rng.randint(date(1995, 1, 1).toordinal(), date(2018, 12, 31).toordinal())
    return rng.randint(FIRST_DISPOSITION, last)


def _conviction(rng: random.Random, person: str, dob: int | None, as_of: int) -> list[str]:
    kind = _weighted(KINDS, rng)[0]
    section, _, levels = _weighted(kind, rng)
    disposition = _disposition(rng, as_of)
    if dob is not None:
        disposition = max(disposition, dob + 15 * 365 + rng.randint(0, 3000))
    end = "" if rng.random() < 0.15 else date.fromordinal(disposition + rng.randint(0, 1800))
    return [
        person,
        "" if dob is None else date.fromordinal(dob).isoformat(),
        _weighted(COUNTIES, rng)[0],
        section,
        rng.choice(levels),
        date.fromordinal(min(disposition, as_of)).isoformat(),
        str(end),
    ]


def _spoil(row: list[str], rng: random.Random) -> list[str]:
    field, value = rng.choice(BAD_VALUES)
    row[HEADER.index(field)] = value
    return row


def conviction_rows(rows: int, seed: int, as_of: date, bad_rate: float) -> Iterator[list[str]]:
    """About ``rows`` rows (exactly, once shuffled and cut), person after person."""
    rng = random.Random(seed)
    produced, number = 0, 0
    today = as_of.toordinal()
    while produced < rows:
        number += 1
        person = f"P{rng.randrange(10**9):09d}{number % 100:02d}"
        no_dob = rng.random() < 0.04
        dob = None if no_dob else rng.randint(date(1940, 1, 1).toordinal(), today - 16 * 365)
        count = rng.choices(range(1, 9), weights=CONVICTIONS_PER_PERSON)[0]
        for _ in range(min(count, rows - produced)):
            row = _conviction(rng, person, dob, today)
            yield _spoil(row, rng) if rng.random() < bad_rate else row
            produced += 1


def generate(out: TextIO, rows: int, seed: int = 64, bad_rate: float = 0.0005) -> None:
    """Write a header and ``rows`` shuffled conviction rows to ``out`` (opened with newline="")."""
    as_of = date(2025, 6, 30)
    every = list(conviction_rows(rows, seed, as_of, bad_rate))
    random.Random(seed + 1).shuffle(every)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(every)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=64)
    parser.add_argument("--bad-rate", type=float, default=0.0005, help="share of spoiled rows")
    parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    if args.out is None:
        generate(sys.stdout, args.rows, args.seed, args.bad_rate)
        return
    with args.out.open("w", encoding="utf-8", newline="") as out:
        generate(out, args.rows, args.seed, args.bad_rate)


if __name__ == "__main__":
    main()
