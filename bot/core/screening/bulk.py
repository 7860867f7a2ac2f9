"""Bulk screening: every Prop 64 conviction of the chosen county through the residents' rules.

A person's rows may be anywhere in the file, and their other convictions (any county) change the
facts of each Prop 64 one. So the file is read once, keeping per person only a few counters and
per Prop 64 row only what the output and the rules need; the rows are decided once it is all read.
The core is pure: the command or a page supplies the lines and callbacks for progress, bad rows
and results.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Protocol

from bot.core.eligibility.rules import OUTCOMES
from bot.core.screening.dates import years_before
from bot.core.screening.decisions import decide
from bot.core.screening.facts import RowFacts, facts_tuple, row_facts
from bot.core.screening.people import YES, Person
from bot.core.screening.records import HeaderError, RowError, RowReader
from bot.core.screening.results import Result
from bot.core.screening.summary import Summary

DEFAULT_COUNTY = "SACRAMENTO"
#: ``recent_conviction``: a disposition strictly after the day this many years before as-of.
RECENT_YEARS = 10
PROGRESS_EVERY = 10_000

#: Called with the number of lines read so far, about every ``PROGRESS_EVERY`` and at the end.
OnProgress = Callable[[int], None]
#: Called with the line number (the header is line 1) and why the row was skipped.
OnBadRow = Callable[[int, str], None]
OnResult = Callable[[Result], None]

#: (line, person, code_section, disposition_date, row facts) of a Prop 64 row to decide.
Kept = tuple[int, Person, str, str, RowFacts]


class CsvReader(Protocol):
    """What ``csv.reader`` gives: rows, and the line the last one ended on."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...


class _Reading:
    """Pass one: people's aggregates and the chosen county's Prop 64 rows."""

    def __init__(self, rows: RowReader, as_of: date, county: str, on_bad_row: OnBadRow | None):
        self.rows = rows
        self.as_of = as_of.isoformat()
        self.recent_after = years_before(as_of, RECENT_YEARS).isoformat()
        self.county = county
        self.on_bad_row = on_bad_row
        self.people: dict[str, Person] = {}
        self.kept: list[Kept] = []
        self.summary = Summary()
        # One copy of each code section and of each set of row facts, however many rows repeat it.
        self._sections: dict[str, str] = {}
        self._facts: dict[RowFacts, RowFacts] = {}

    def read(self, reader: CsvReader, on_progress: OnProgress | None) -> None:
        """Take every row; a line the CSV reader rejects is a bad row, and reading goes on."""
        while True:
            try:
                self._take_rows(reader, on_progress)
                break
            except csv.Error as error:
                self.bad(reader.line_num, f"cannot be read as CSV ({error})", "")
        if on_progress is not None:
            on_progress(reader.line_num)

    def _take_rows(self, reader: CsvReader, on_progress: OnProgress | None) -> None:
        """The loop every row goes through, kept lean: names bound once, work only where needed."""
        read, people, recent_after, county = (
            self.rows.read,
            self.people,
            self.recent_after,
            self.county,
        )
        for row in reader:
            try:
                person_id, row_county, section, charge, level, disposition, dob, end = read(row)
            except RowError as problem:
                if row:  # a blank line is not a row
                    self.bad(reader.line_num, str(problem), self.rows.person_id(row))
                continue
            person = people.get(person_id) or self.person(person_id)
            person.rows += 1
            if charge.disqualifying:
                person.disqualifying = YES
            if disposition > recent_after:
                person.recent = YES
            if charge.offense is not None and row_county == county:
                facts = row_facts(charge.offense, level, disposition, dob, end, self.as_of)
                self.keep(reader.line_num, person, section, disposition, facts)
            if on_progress is not None and not reader.line_num % PROGRESS_EVERY:
                on_progress(reader.line_num)

    def person(self, person_id: str) -> Person:
        person = self.people.get(person_id)
        if person is None:
            person = self.people[person_id] = Person(person_id)
        return person

    def keep(
        self, line: int, person: Person, section: str, disposition: str, facts: RowFacts
    ) -> None:
        """Remember a Prop 64 row compactly: equal facts and spellings are stored once."""
        if not person.screened:
            self.summary.people += 1
        person.screened += 1
        section = self._sections.setdefault(section, section)
        facts = self._facts.setdefault(facts, facts)
        self.kept.append((line, person, section, disposition, facts))

    def bad(self, line: int, reason: str, person_id: str) -> None:
        self.summary.bad_rows += 1
        if person_id:
            self.person(person_id).add_unreadable_row()
        if self.on_bad_row is not None:
            self.on_bad_row(line, reason)


def _decide(kept: list[Kept], summary: Summary, on_result: OnResult | None) -> None:
    """Pass two: each kept row through the rules, now that every person's record is known."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for line, person, section, disposition, row in kept:
        facts = facts_tuple(row, person)
        outcome, reason = decide(facts)
        counts[outcome] += 1
        if outcome == "dismiss":
            person.dismissed += 1
            if person.cleared:
                summary.people_cleared += 1
        if on_result is not None:
            on_result(Result(line, person.id, section, disposition, outcome, reason, facts))
    summary.convictions = len(kept)
    for outcome, count in counts.items():
        setattr(summary, outcome, count)


def normalize_county(county: str) -> str:
    """Counties are compared without case or surrounding spaces."""
    name = county.strip().upper()
    if not name:
        raise ValueError("the county is empty")
    return name


def screen(
    lines: Iterable[str],
    as_of: date,
    county: str = DEFAULT_COUNTY,
    *,
    on_progress: OnProgress | None = None,
    on_bad_row: OnBadRow | None = None,
    on_result: OnResult | None = None,
) -> Summary:
    """Screen the CSV ``lines`` as of a date, for one county (others only inform records).

    ``lines`` is any text stream opened with ``newline=""``: a file, or an upload wrapped in
    ``io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")``. Results reach ``on_result``
    in file order, after the whole file has been read (so a results file can be written as they
    come; ``ResultsWriter`` does).
    ``HeaderError`` when the file has no header or lacks a column; every other problem is a
    bad row, reported to ``on_bad_row`` and counted.
    """
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise HeaderError("the file is empty: it needs a header row")
    reading = _Reading(RowReader(header), as_of, normalize_county(county), on_bad_row)
    reading.read(reader, on_progress)
    _decide(reading.kept, reading.summary, on_result)
    return reading.summary
