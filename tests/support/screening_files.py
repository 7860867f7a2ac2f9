"""Hand-made record files for the screening tests: rows as dicts, run through ``screen``."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from bot.core.screening import COLUMNS, Result, Summary, screen

AS_OF = date(2025, 6, 30)


def conviction(
    person_id: str = "P1",
    code_section: str = "11359 HS",
    level: str = "felony",
    disposition_date: str = "2010-05-01",
    *,
    dob: str = "1980-01-01",
    county: str = "SACRAMENTO",
    sentence_end_date: str = "2012-05-01",
) -> dict[str, str]:
    """One row; the defaults are an adult's completed Sacramento felony for selling, in 2010."""
    return {
        "person_id": person_id,
        "dob": dob,
        "county": county,
        "code_section": code_section,
        "level": level,
        "disposition_date": disposition_date,
        "sentence_end_date": sentence_end_date,
    }


def csv_text(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@dataclass
class Run:
    summary: Summary
    results: list[Result] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)
    progress: list[int] = field(default_factory=list)

    def outcome(self, person_id: str = "P1") -> tuple[str, str]:
        """The (outcome, reason) of the person's only screened row."""
        (result,) = [r for r in self.results if r.person_id == person_id]
        return result.outcome, result.reason


def run_text(text: str, as_of: date = AS_OF, county: str = "SACRAMENTO") -> Run:
    results: list[Result] = []
    bad: list[tuple[int, str]] = []
    progress: list[int] = []
    summary = screen(
        io.StringIO(text, newline=""),
        as_of,
        county,
        on_result=results.append,
        on_bad_row=lambda line, reason: bad.append((line, reason)),
        on_progress=progress.append,
    )
    return Run(summary, results, bad, progress)


def run(rows: list[dict[str, str]], as_of: date = AS_OF, county: str = "SACRAMENTO") -> Run:
    return run_text(csv_text(rows), as_of, county)
