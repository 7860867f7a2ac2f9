"""Screened rows as they leave the core, and the results file staff open in a spreadsheet.

Each result points back at its input: the file's name and the line (1-based, a header counts),
so an analyst can find the row, whichever of several files it came from.
"""

from __future__ import annotations

from typing import IO, NamedTuple

from bot.core.eligibility import FACT_IDS
from bot.core.eligibility.facts import Fact
from bot.core.screening.cells import SafeWriter

RESULT_COLUMNS = (
    "file",
    "line",
    "person_id",
    "code_section",
    "disposition_date",
    "outcome",
    "reason",
)
#: The DOJ file says when a person has died: its results say so too.
DOJ_RESULT_COLUMNS = (*RESULT_COLUMNS, "deceased")


class Result(NamedTuple):
    """One screened Prop 64 conviction: where it was (``source``, the input's place in the run;
    ``file``, its name; ``line``), what was decided, and on which facts."""

    source: int
    file: str
    line: int
    person_id: str
    code_section: str
    disposition_date: str
    outcome: str
    reason: str
    fact_values: tuple[Fact, ...]
    deceased: bool = False

    @property
    def facts(self) -> dict[str, Fact]:
        """The facts the decision was made on, as the residents' check takes them."""
        return dict(zip(FACT_IDS, self.fact_values, strict=True))


def yes_or_blank(flag: bool) -> str:
    return "yes" if flag else ""


class ResultsWriter:
    """Writes the results CSV (header first); call it with each ``Result`` (an ``on_result``).

    ``deceased`` adds the DOJ file's column of that name.
    """

    def __init__(self, stream: IO[str], *, deceased: bool = False) -> None:
        self._writer = SafeWriter(stream)
        self._deceased = deceased
        self._writer.writerow(DOJ_RESULT_COLUMNS if deceased else RESULT_COLUMNS)

    def __call__(self, result: Result) -> None:
        row = [result.file, str(result.line), *result[3:8]]
        if self._deceased:
            row.append(yes_or_blank(result.deceased))
        self._writer.writerow(row)
