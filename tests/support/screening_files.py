"""Hand-made record files for the screening tests: rows as dicts, run through ``screen``."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from bot.core.screening import COLUMNS, CSV, DOJ, Result, Summary, screen
from bot.core.screening.doj_layout import FIELDS as DOJ_FIELDS

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
    bad: list[tuple[str, int, str]] = field(default_factory=list)
    progress: list[int] = field(default_factory=list)

    def outcome(self, person_id: str = "P1") -> tuple[str, str]:
        """The (outcome, reason) of the person's only screened row."""
        (result,) = [r for r in self.results if r.person_id == person_id]
        return result.outcome, result.reason


def run_inputs(
    files: list[tuple[str, str]],
    as_of: date = AS_OF,
    county: str = "SACRAMENTO",
    file_format: str = CSV,
) -> Run:
    """Screen several (name, text) files in one run."""
    results: list[Result] = []
    bad: list[tuple[str, int, str]] = []
    progress: list[int] = []
    summary = screen(
        [(name, io.StringIO(text, newline="")) for name, text in files],
        as_of,
        county,
        file_format=file_format,
        on_result=results.append,
        on_bad_row=lambda file, line, reason: bad.append((file, line, reason)),
        on_progress=progress.append,
    )
    return Run(summary, results, bad, progress)


def run_text(text: str, as_of: date = AS_OF, county: str = "SACRAMENTO") -> Run:
    return run_inputs([("records.csv", text)], as_of, county)


def run(rows: list[dict[str, str]], as_of: date = AS_OF, county: str = "SACRAMENTO") -> Run:
    return run_text(csv_text(rows), as_of, county)


# The DOJ research file: 95 fields a row, a conviction a count of one or more rows.


def doj_row(
    subject: str = "S1",
    cnt_order: str = "001001001",
    *,
    step: str = "COURT ACTION",
    disposition: str = "CONVICTED",
    offense: str = "11359 HS-POSSESS MARIJ FOR SALE",
    comment: str = "",
    event_date: str = "20100501",
    dob: str = "19800101",
    county: str = "SACRAMENTO",
    conv_stat: str = "FELONY",
    toc: str = "F",
    sent_length: str = "",
    sent_unit: str = "",
    case: str = "10F01234",
) -> list[str]:
    """One row; the defaults are an adult's Sacramento felony conviction for selling, in 2010,
    with no sentence part (so it ended on its disposition date)."""
    values = {
        "RECORD_ID": "1",
        "SUBJECT_ID": subject,
        "PRI_NAME": "DOE,JANE",
        "PRI_DOB": dob,
        "CYC_ORDER": cnt_order[:3],
        "STP_ORDER": cnt_order[3:6],
        "STP_EVENT_DATE": event_date,
        "STP_TYPE_DESCR": step,
        "STP_ORI_CNTY_NAME": county,
        "CNT_ORDER": cnt_order,
        "OFFENSE_DESCR": offense,
        "OFFENSE_TOC": toc,
        "FE_NUM_CRT_CASE": case,
        "DISP_DESCR": disposition,
        "CONV_STAT_DESCR": conv_stat,
        "SENT_LENGTH": sent_length,
        "SENT_TIME_CODE": sent_unit,
        "COMMENT_TEXT": comment,
        "END_OF_REC": "END",
    }
    return [values.get(name, "") for name in DOJ_FIELDS]


def doj_text(rows: list[list[str]], *, header: bool = True) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(DOJ_FIELDS)
    writer.writerows(rows)
    return out.getvalue()


def run_doj(
    rows: list[list[str]], as_of: date = AS_OF, county: str = "SACRAMENTO", header: bool = True
) -> Run:
    return run_inputs([("doj.csv", doj_text(rows, header=header))], as_of, county, DOJ)
