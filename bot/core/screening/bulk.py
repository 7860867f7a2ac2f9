"""Bulk screening: every Prop 64 conviction of the chosen county through the residents' rules.

A person's rows may be anywhere in the files of a run, and their other convictions (any county)
change the facts of each Prop 64 one. So the files are read once, in order, keeping per person
only a few counters and per Prop 64 conviction only what the output and the rules need; the
convictions are decided once everything is read. Two formats are read (``formats``): our CSV, one
row a conviction, and the DOJ research file, where a conviction is a count of one or more rows.
The core is pure: the command or a page supplies the lines and callbacks for progress, bad rows
and results.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Protocol

from bot.core.eligibility.rules import OUTCOMES
from bot.core.screening import doj
from bot.core.screening import doj_layout as at
from bot.core.screening.dates import years_before
from bot.core.screening.decisions import decide
from bot.core.screening.facts import RowFacts, facts_tuple, row_facts
from bot.core.screening.formats import CSV, DOJ, FORMATS
from bot.core.screening.people import YES, Person
from bot.core.screening.records import HeaderError, RowError, RowReader
from bot.core.screening.results import Result
from bot.core.screening.summary import SECTIONS, Summary

DEFAULT_COUNTY = "SACRAMENTO"
#: ``recent_conviction``: a disposition strictly after the day this many years before as-of.
RECENT_YEARS = 10
#: The summary's "no conviction in the last 7 years", counted the same way.
SUMMARY_RECENT_YEARS = 7
PROGRESS_EVERY = 10_000

#: One input: its name (as results show it) and its text, opened with ``newline=""``.
Input = tuple[str, Iterable[str]]
#: Called with the number of lines read so far (all files), about every ``PROGRESS_EVERY``
#: lines and at the end of each file.
OnProgress = Callable[[int], None]
#: Called with the file's name, the line number (a header is line 1) and why it was skipped.
OnBadRow = Callable[[str, int, str], None]
OnResult = Callable[[Result], None]


class CsvReader(Protocol):
    """What ``csv.reader`` gives: rows, and the line the last one ended on."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...


class Count:
    """A DOJ Prop 64 conviction waiting to be decided: its sentence grows with later rows."""

    __slots__ = ("dob", "level", "offense", "sentence")

    def __init__(self, offense: str, level: str, dob: str) -> None:
        self.offense = offense
        self.level = level
        self.dob = dob
        self.sentence = doj.Sentence()


#: (source, line, person, code_section, disposition_date, row facts or a DOJ count) to decide.
Kept = tuple[int, int, Person, str, str, RowFacts | Count]


class _Reading:
    """Pass one: people's aggregates and the chosen county's Prop 64 convictions."""

    def __init__(self, as_of: date, county: str, on_bad_row: OnBadRow | None):
        self.as_of = as_of.isoformat()
        self.recent_after = years_before(as_of, RECENT_YEARS).isoformat()
        self.recent7_after = years_before(as_of, SUMMARY_RECENT_YEARS).isoformat()
        self.county = county
        self.on_bad_row = on_bad_row
        self.people: dict[str, Person] = {}
        self.kept: list[Kept] = []
        self.names: list[str] = []
        self.summary = Summary()
        self.lines_before = 0  # lines of the files already read
        # One copy of each code section and of each set of row facts, however many rows repeat it.
        self._sections: dict[str, str] = {}
        self._facts: dict[RowFacts, RowFacts] = {}
        # DOJ counts: every conviction's (subject, CNT_ORDER) seen, and the Prop 64 ones kept.
        self._seen: set[str] = set()
        self._counts: dict[str, Count] = {}
        self._convictions = doj.ConvictionReader()

    def read(
        self,
        source: int,
        reader: CsvReader,
        take: Callable[[int, CsvReader], None],
        on_progress: OnProgress | None,
    ) -> None:
        """Take every row; a line the CSV reader rejects is a bad row, and reading goes on."""
        while True:
            try:
                take(source, reader)
                break
            except csv.Error as error:
                self.bad(source, reader.line_num, f"cannot be read as CSV ({error})", "")
        self.lines_before += reader.line_num
        if on_progress is not None:
            on_progress(self.lines_before)

    def progress(self, on_progress: OnProgress | None) -> Callable[[int], None] | None:
        if on_progress is None:
            return None
        before = self.lines_before
        return lambda line: on_progress(before + line)

    # Our CSV: one row, one conviction.

    def take_csv(
        self, rows: RowReader, on_progress: OnProgress | None
    ) -> Callable[[int, CsvReader], None]:
        def take(source: int, reader: CsvReader) -> None:
            self._take_csv(source, rows, reader, self.progress(on_progress))

        return take

    def _take_csv(
        self, source: int, rows: RowReader, reader: CsvReader, progress: OnProgress | None
    ) -> None:
        """The loop every row goes through, kept lean: names bound once, work only where needed."""
        read, people, county = rows.read, self.people, self.county
        for row in reader:
            try:
                person_id, row_county, section, charge, level, disposition, dob, end = read(row)
            except RowError as problem:
                if row:  # a blank line is not a row
                    self.bad(source, reader.line_num, str(problem), rows.person_id(row))
                continue
            person = people.get(person_id) or self.person(person_id)
            self.convicted(person, charge.disqualifying, level, disposition)
            if charge.offense is not None and row_county == county:
                facts = row_facts(charge.offense, level, disposition, dob, end, self.as_of)
                self.keep(source, reader.line_num, person, section, disposition, facts)
            if progress is not None and not reader.line_num % PROGRESS_EVERY:
                progress(reader.line_num)

    # The DOJ research file: a count of one or more rows is a conviction; other steps inform.

    def take_doj(
        self, first: list[str], on_progress: OnProgress | None
    ) -> Callable[[int, CsvReader], None]:
        pending = [] if at.is_header(first) else [first]

        def take(source: int, reader: CsvReader) -> None:
            progress = self.progress(on_progress)
            if pending:  # the first row was a record, not a header
                self._take_doj(source, [pending.pop()], reader, progress)
            self._take_doj(source, reader, reader, progress)

        return take

    def _take_doj(
        self,
        source: int,
        rows: Iterable[list[str]],
        reader: CsvReader,
        progress: OnProgress | None,
    ) -> None:
        width, counts, seen = at.WIDTH, self._counts, self._seen
        subject_at, order_at, disp_at, step_at = (
            at.SUBJECT_ID,
            at.CNT_ORDER,
            at.DISP_DESCR,
            at.STP_TYPE_DESCR,
        )
        for row in rows:
            line = reader.line_num
            if progress is not None and not line % PROGRESS_EVERY:
                progress(line)
            if len(row) != width:
                if row:
                    self.bad(source, line, f"has {len(row)} fields, the DOJ file has {width}", "")
                continue
            key = f"{row[subject_at]}\x1f{row[order_at]}"
            count = counts.get(key)
            if count is not None:  # a later row of a kept count: a part of its sentence
                count.sentence.add(row[at.SENT_LENGTH], row[at.SENT_TIME_CODE])
            elif row[disp_at].startswith("CONVICTED"):
                if key not in seen:
                    seen.add(key)
                    self._doj_conviction(source, line, key, row)
            else:
                step = row[step_at]
                if step == doj.REGISTRATION or step == doj.DECEASED:
                    self._doj_step(step, row)

    def _doj_conviction(self, source: int, line: int, key: str, row: list[str]) -> None:
        subject = row[at.SUBJECT_ID].strip()
        try:
            conviction = self._convictions.read(row)
        except RowError as problem:
            self.bad(source, line, str(problem), subject)
            return
        county, section, charge, level, disposition, dob = conviction
        person = self.people.get(subject) or self.person(subject)
        self.convicted(person, charge.disqualifying, level, disposition)
        if charge.offense is not None and county == self.county:
            count = self._counts[key] = Count(charge.offense, level, dob)
            count.sentence.add(row[at.SENT_LENGTH], row[at.SENT_TIME_CODE])
            self.keep(source, line, person, section, disposition, count)

    def _doj_step(self, step: str, row: list[str]) -> None:
        subject = row[at.SUBJECT_ID].strip()
        if not subject:
            return
        if step == doj.DECEASED:
            self.person(subject).deceased = True
        elif row[at.OFFENSE_DESCR].strip().startswith(doj.SEX_OFFENDER_REGISTRATION):
            self.person(subject).disqualifying = YES

    # Shared by both formats.

    def convicted(self, person: Person, disqualifying: bool, level: str, disposition: str) -> None:
        """One more conviction (any county, any crime) on the person's record."""
        person.rows += 1
        if disqualifying:
            person.disqualifying = YES
        if disposition > self.recent_after:
            person.recent = YES
        if disposition > self.recent7_after:
            person.recent7 += 1
        if level == "felony":
            person.felonies += 1

    def person(self, person_id: str) -> Person:
        person = self.people.get(person_id)
        if person is None:
            person = self.people[person_id] = Person(person_id)
        return person

    def keep(
        self,
        source: int,
        line: int,
        person: Person,
        section: str,
        disposition: str,
        facts: RowFacts | Count,
    ) -> None:
        """Remember a Prop 64 row compactly: equal facts and spellings are stored once."""
        if not person.screened:
            self.summary.people += 1
        person.screened += 1
        section = self._sections.setdefault(section, section)
        if isinstance(facts, tuple):
            facts = self._facts.setdefault(facts, facts)
        self.kept.append((source, line, person, section, disposition, facts))

    def bad(self, source: int, line: int, reason: str, person_id: str) -> None:
        self.summary.bad_rows += 1
        if person_id:
            self.person(person_id).add_unreadable_row()
        if self.on_bad_row is not None:
            self.on_bad_row(self.names[source], line, reason)


def _count_facts(count: Count, disposition: str, as_of: str) -> RowFacts:
    end = count.sentence.end(disposition)
    return row_facts(count.offense, count.level, disposition, count.dob, end, as_of)


def _decide(reading: _Reading, on_result: OnResult | None) -> None:
    """Pass two: each kept row through the rules, now that every person's record is known."""
    summary, names, as_of, recent7_after = (
        reading.summary,
        reading.names,
        reading.as_of,
        reading.recent7_after,
    )
    counts = dict.fromkeys(OUTCOMES, 0)
    earliest = None
    for source, line, person, section, disposition, kept in reading.kept:
        row = kept if isinstance(kept, tuple) else _count_facts(kept, disposition, as_of)
        facts = facts_tuple(row, person)
        outcome, reason = decide(facts)
        counts[outcome] += 1
        by_section = summary.by_section[SECTIONS[row[0]]]
        by_section["convictions"] += 1
        by_section[outcome] += 1
        if earliest is None or disposition < earliest:
            earliest = disposition
        _tally(summary, person, row[3], disposition > recent7_after, outcome)
        if on_result is not None:
            on_result(
                Result(
                    source,
                    names[source],
                    line,
                    person.id,
                    section,
                    disposition,
                    outcome,
                    reason,
                    facts,
                    person.deceased,
                )
            )
    summary.convictions = len(reading.kept)
    summary.earliest_conviction = earliest
    for outcome, count in counts.items():
        setattr(summary, outcome, count)


def _tally(summary: Summary, person: Person, level: str, recent7: bool, outcome: str) -> None:
    """The people figures, each counted once, when the person's last needed row is decided."""
    felony = level == "felony"
    if felony:
        summary.felony_convictions += 1
    if outcome not in ("dismiss", "reduce"):
        return
    person.relieved += 1
    if person.relieved == 1:
        summary.people_with_relief += 1
    if felony:
        person.felonies_relieved += 1
        if person.felonies_relieved == person.felonies:
            summary.people_no_felony += 1
    if outcome != "dismiss":
        return
    person.dismissed += 1
    if person.cleared:
        summary.people_cleared += 1
    if recent7:
        person.dismissed_recent7 += 1
        if person.dismissed_recent7 == person.recent7:
            summary.people_no_conviction_7_years += 1


def normalize_county(county: str) -> str:
    """Counties are compared without case or surrounding spaces."""
    name = county.strip().upper()
    if not name:
        raise ValueError("the county is empty")
    return name


def screen(
    inputs: Iterable[Input],
    as_of: date,
    county: str = DEFAULT_COUNTY,
    *,
    file_format: str = CSV,
    on_progress: OnProgress | None = None,
    on_bad_row: OnBadRow | None = None,
    on_result: OnResult | None = None,
) -> Summary:
    """Screen the ``inputs`` (name, lines), read in order, as of a date, for one county (others
    only inform records); a person's rows are gathered across every input.

    Each input's lines are any text stream opened with ``newline=""``: a file, or an upload
    wrapped in ``io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")``; ``inputs`` may open
    each one only when it is reached. Results reach ``on_result`` in input order, after everything
    has been read (so a results file can be written as they come; ``ResultsWriter`` does).
    ``HeaderError`` when a file is empty, or does not have the format's shape (see ``formats``);
    every other problem is a bad row, reported to ``on_bad_row`` and counted.
    """
    if file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}")
    reading = _Reading(as_of, normalize_county(county), on_bad_row)
    for source, (name, lines) in enumerate(inputs):
        reading.names.append(name)
        reader = csv.reader(lines)
        first = next(reader, None)
        if first is None:
            raise HeaderError(f"{name} is empty: it needs a header row, then the records")
        if file_format == DOJ:
            if not at.looks_like_doj(first):
                raise HeaderError(
                    f"{name} is not a DOJ research file: its first row has {len(first)} fields, "
                    f"not {at.WIDTH}, and is not a header starting {at.HEADER_START}"
                )
            take = reading.take_doj(first, on_progress)
        else:
            try:
                rows = RowReader(first)
            except HeaderError as error:
                raise HeaderError(f"{name}: {error}") from None
            take = reading.take_csv(rows, on_progress)
        reading.read(source, reader, take, on_progress)
    _decide(reading, on_result)
    return reading.summary
