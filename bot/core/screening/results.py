"""Screened rows as they leave the core, and the results file staff open in a spreadsheet."""

from __future__ import annotations

import csv
from typing import IO, NamedTuple

from bot.core.eligibility import FACT_IDS
from bot.core.eligibility.facts import Fact

RESULT_COLUMNS = ("person_id", "code_section", "disposition_date", "outcome", "reason")


class Result(NamedTuple):
    """One screened Prop 64 row: where it was (``line``), what was decided, and on which facts."""

    line: int
    person_id: str
    code_section: str
    disposition_date: str
    outcome: str
    reason: str
    fact_values: tuple[Fact, ...]

    @property
    def facts(self) -> dict[str, Fact]:
        """The facts the decision was made on, as the residents' check takes them."""
        return dict(zip(FACT_IDS, self.fact_values, strict=True))


class ResultsWriter:
    """Writes the results CSV (header first); call it with each ``Result`` (an ``on_result``)."""

    def __init__(self, stream: IO[str]) -> None:
        self._writer = csv.writer(stream)
        self._writer.writerow(RESULT_COLUMNS)

    def __call__(self, result: Result) -> None:
        self._writer.writerow(result[1:6])
