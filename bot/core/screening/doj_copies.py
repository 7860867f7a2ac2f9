"""The DOJ run's two other files: the court copy and the condensed list.

The court copy is every row of the input files, in order, under one header of the DOJ's field
names, with the eligibility columns appended to each screened Prop 64 conviction (blank on every
other row): the file analysts hand to the court. The condensed list is one row per screened
conviction: subject, case, code section, date, outcome, reason.

Both are written in a second pass over the inputs, after every conviction is decided, taking the
results in input order beside the rows they belong to; nothing but the results is held in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from typing import IO

from bot.core.eligibility import FACT_IDS
from bot.core.screening import doj_layout as at
from bot.core.screening.bulk import PROGRESS_EVERY, Input, OnProgress
from bot.core.screening.cells import FORMULA_STARTS, SafeWriter
from bot.core.screening.results import Result, yes_or_blank

#: The facts a decision was made on, as the court copy shows them (the county is the one chosen).
COPY_FACTS = tuple(fact for fact in FACT_IDS if fact != "county")
ELIGIBILITY_COLUMNS = ("code_section", "outcome", "reason", "deceased", *COPY_FACTS)
COURT_COLUMNS = (*at.FIELDS, *ELIGIBILITY_COLUMNS)
CONDENSED_COLUMNS = (
    "subject_id",
    "case_number",
    "code_section",
    "disposition_date",
    "outcome",
    "reason",
    "deceased",
)


def eligibility(result: Result) -> list[str]:
    facts = result.facts
    return [
        result.code_section,
        result.outcome,
        result.reason,
        yes_or_blank(result.deceased),
        *(str(facts[fact]) for fact in COPY_FACTS),
    ]


def case_number(row: Sequence[str]) -> str:
    """The court's case number, or the DOJ's offense number when the court's is missing."""
    if len(row) != at.WIDTH:
        return ""
    return row[at.FE_NUM_CRT_CASE].strip() or row[at.OFN].strip()


def _plain_quotes(text: str) -> bool:
    """Whether the line's quotes, if any, each open a field at its start and close it at its end
    (``a,"DOE,PAT",b``): then the line is one record, as ``csv.reader`` reads it."""
    start = text.find('"')
    while start != -1:
        if start and text[start - 1] != ",":
            return False
        end = text.find('"', start + 1)
        if end == -1 or text[end + 1 : end + 2] not in (",", "\r", "\n", ""):
            return False  # a field over several lines, a doubled quote, a stray one
        start = text.find('"', end + 1)
    return True


def _taking(first: str, source: Iterator[str], taken: list[str]) -> Iterator[str]:
    """``first``, then lines of ``source`` as a reader asks for them, noted in ``taken``."""
    yield first
    for following in source:
        taken.append(following)
        yield following


def records(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Each record's text (line ending dropped) and the line it ends on, exactly as
    ``csv.reader`` counts them (so the second pass meets each result on its row): a usual line is
    a record by itself; any other is handed to ``csv.reader``, which takes the lines it needs."""
    source = iter(lines)
    line = 0
    for text in source:
        line += 1
        if _plain_quotes(text):
            yield line, text.rstrip("\r\n")
            continue
        taken = [text]
        # A bad row in the first pass too (csv.Error): the copy keeps the lines it took.
        with suppress(csv.Error):
            next(csv.reader(_taking(text, source, taken)), None)
        line += len(taken) - 1
        yield line, "".join(taken).rstrip("\r\n")


_RISKY_START = tuple(quote + start for quote in ("", '"') for start in FORMULA_STARTS)


def may_hold_formula(record: str) -> bool:
    """Whether a raw record may have a cell a spreadsheet could run: one of the formula
    characters anywhere but ``-``, or ``-`` starting a cell (maybe quoted). A false alarm only
    sends the record the slow, exact way (``SafeWriter``); substring tests are much faster here
    than a regular expression (which stops at each of the 95 commas)."""
    return (
        "=" in record
        or "+" in record
        or "@" in record
        or "\t" in record
        or "\r" in record
        or ",-" in record
        or ',"-' in record
        or record.startswith(_RISKY_START)
    )


#: Plain records written to the court copy in one go.
COPY_BATCH = 512


def _parsed(record: str) -> list[str]:
    return next(csv.reader([record]), [])


class _Copy:
    """The court copy: most rows are copied as they are (checked at C speed, never re-parsed);
    a screened row, or one with a cell a spreadsheet could run, is parsed and written cell by
    cell."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.writer = SafeWriter(stream)
        self.blanks = "," * len(ELIGIBILITY_COLUMNS) + "\r\n"
        self.waiting: list[str] = []  # plain records, written a batch at a time
        self.writer.writerow(COURT_COLUMNS)

    def plain(self, record: str) -> None:
        if may_hold_formula(record):
            self.flush()
            self.writer.writerow(_parsed(record) + [""] * len(ELIGIBILITY_COLUMNS))
            return
        self.waiting.append(record)
        if len(self.waiting) >= COPY_BATCH:
            self.flush()

    def screened(self, row: list[str], result: Result) -> None:
        self.flush()
        self.writer.writerow(row + eligibility(result))

    def flush(self) -> None:
        if self.waiting:
            self.stream.write(self.blanks.join(self.waiting) + self.blanks)
            self.waiting.clear()


class _Writing:
    """The second pass: each record beside its result, if it has one (both come in input order)."""

    def __init__(
        self, results: Iterable[Result], court: IO[str] | None, condensed: IO[str] | None
    ) -> None:
        self.copy = _Copy(court) if court is not None else None
        self.condensed = SafeWriter(condensed) if condensed is not None else None
        if self.condensed is not None:
            self.condensed.writerow(CONDENSED_COLUMNS)
        self.pending = iter(results)
        self.waiting = next(self.pending, None)

    def result_at(self, source: int, line: int) -> Result | None:
        """The result of the record ending on this line, if any (passing those before it)."""
        found = None
        while self.waiting is not None and (self.waiting.source, self.waiting.line) <= (
            source,
            line,
        ):
            if (self.waiting.source, self.waiting.line) == (source, line):
                found = self.waiting
            self.waiting = next(self.pending, None)
        return found

    def record(self, source: int, line: int, record: str) -> None:
        result = self.result_at(source, line)
        if result is None:
            if self.copy is not None:
                self.copy.plain(record)
            return
        row = _parsed(record)
        if self.copy is not None:
            self.copy.screened(row, result)
        if self.condensed is not None:
            self.condensed.writerow(_condensed(row, result))

    def finish(self) -> None:
        if self.copy is not None:
            self.copy.flush()


def write_copies(
    inputs: Iterable[Input],
    results: Iterable[Result],
    court: IO[str] | None,
    condensed: IO[str] | None,
    on_progress: OnProgress | None = None,
) -> None:
    """Write the court copy and the condensed list (either may be ``None``) from the same inputs
    ``screen`` read, and its results in the order it gave them. Header rows and blank lines are
    left out of the copy (it has one header of its own)."""
    writing = _Writing(results, court, condensed)
    lines_before = 0
    for source, (_name, lines) in enumerate(inputs):
        line = 0
        for line, record in records(lines):
            if record and not (line == 1 and record.upper().startswith(at.HEADER_START)):
                writing.record(source, line, record)
            if on_progress is not None and not line % PROGRESS_EVERY:
                on_progress(lines_before + line)
        lines_before += line
        if on_progress is not None:
            on_progress(lines_before)
    writing.finish()


def _condensed(row: Sequence[str], result: Result) -> list[str]:
    return [
        result.person_id,
        case_number(row),
        result.code_section,
        result.disposition_date,
        result.outcome,
        result.reason,
        yes_or_blank(result.deceased),
    ]
