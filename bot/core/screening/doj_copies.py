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
from typing import IO

from bot.core.eligibility import FACT_IDS
from bot.core.screening import doj_layout as at
from bot.core.screening.bulk import PROGRESS_EVERY, Input, OnProgress
from bot.core.screening.cells import SafeWriter
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


class _Rows:
    """Every record of one input with its line, going on past lines the CSV reader rejects (they
    were reported as bad rows in the first pass, and are left out of the copy)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.reader = csv.reader(lines)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader = self.reader
        while True:
            try:
                for row in reader:
                    yield reader.line_num, row
                return
            except csv.Error:
                continue


def write_copies(
    inputs: Iterable[Input],
    results: Iterable[Result],
    court: IO[str] | None,
    condensed: IO[str] | None,
    on_progress: OnProgress | None = None,
) -> None:
    """Write the court copy and the condensed list (either may be ``None``) from the same inputs
    ``screen`` read, and its results in the order it gave them."""
    court_writer = SafeWriter(court) if court is not None else None
    condensed_writer = SafeWriter(condensed) if condensed is not None else None
    if court_writer is not None:
        court_writer.writerow(COURT_COLUMNS)
    if condensed_writer is not None:
        condensed_writer.writerow(CONDENSED_COLUMNS)
    blanks = [""] * len(ELIGIBILITY_COLUMNS)
    pending = iter(results)
    waiting = next(pending, None)
    lines_before = 0
    for source, (_name, lines) in enumerate(inputs):
        line = 0
        for line, row in _Rows(lines):
            if not row or (line == 1 and at.is_header(row)):
                continue
            result = None
            while waiting is not None and (waiting.source, waiting.line) <= (source, line):
                if (waiting.source, waiting.line) == (source, line):
                    result = waiting
                waiting = next(pending, None)
            if result is None:
                if court_writer is not None:
                    court_writer.writerow(row + blanks)
            else:
                if court_writer is not None:
                    court_writer.writerow(row + eligibility(result))
                if condensed_writer is not None:
                    condensed_writer.writerow(_condensed(row, result))
            if on_progress is not None and not line % PROGRESS_EVERY:
                on_progress(lines_before + line)
        lines_before += line
        if on_progress is not None:
            on_progress(lines_before)


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


