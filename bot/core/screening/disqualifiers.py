"""Penal Code convictions that keep a Prop 64 felony for a lawyer's review (HS 11361.8).

The list is data (``disqualifying_sections.csv``, a copy of the county's shared list, shipped with
the package so the app never reads outside its tree), so adding a section is a data change.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from bot.core.screening.sections import Section

TABLE_FILE = Path(__file__).with_name("disqualifying_sections.csv")

#: PC 667(e)(2)(C)(iv)(IV): "any homicide offense, including any attempted homicide offense,
#: defined in Sections 187 to 191.5, inclusive". Attempts of other listed sections do not count.
HOMICIDE_SECTIONS = (187.0, 191.5)

Table = dict[str, tuple[str, ...]]


def _data_lines(lines: Iterable[str]) -> Iterable[str]:
    return (line for line in lines if line.strip() and not line.lstrip().startswith("#"))


def load_table(path: Path = TABLE_FILE) -> Table:
    """Section number -> the subsections it needs (``""`` = any), all upper case.

    The file starts with ``#`` comments, then a ``kind,section,subsection`` header.
    """
    table: dict[str, set[str]] = {}
    with path.open(encoding="utf-8", newline="") as stream:
        for entry in csv.DictReader(_data_lines(stream)):
            number = entry["section"].strip().upper()
            subsection = "".join((entry["subsection"] or "").split()).upper()
            table.setdefault(number, set()).add(subsection)
    return {number: tuple(sorted(needed)) for number, needed in table.items()}


TABLE = load_table()


def is_homicide(number: str) -> bool:
    """Sections 187 to 191.5 inclusive, compared as numbers (``191.5`` is one of them)."""
    try:
        value = float(number)
    except ValueError:
        return False
    low, high = HOMICIDE_SECTIONS
    return low <= value <= high


def is_disqualifying(section: Section, table: Table = TABLE) -> bool:
    """A listed Penal Code section whose subsection starts with a listed one.

    ``288(A)(1)`` matches the entry ``288 (a)``; an entry without a subsection matches any.
    """
    if section.code != "PC" or section.number not in table:
        return False
    if section.attempt and not is_homicide(section.number):
        return False
    return any(section.subsection.startswith(needed) for needed in table[section.number])
