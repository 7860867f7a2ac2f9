"""The CSV export: one row per inquiry, safe to open in a spreadsheet.

Cells that a spreadsheet would run as a formula (starting with ``= + - @``, a tab or a carriage
return) get a leading ``'``. Message bodies are left out unless asked for, so the usual export
holds as little personal data as the work needs. Rows are produced a chunk at a time, each chunk
its own short read, so a large export neither fills memory nor holds the database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from bot import clock
from bot.core.eligibility.facts import FACT_IDS
from bot.storage.inquiries import ExportRow, Scope, export_chunks

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "reference",
    "created",
    "completed",
    "channel",
    "language",
    "office",
    "outcome",
    "reasons",
    "status",
    "phone",
    "notes",
    *FACT_IDS,
)
WHO = {"in": "resident", "out": "bot"}


def safe(value: object) -> str:
    """The cell's text, defused if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return clock.as_utc(moment).astimezone(clock.COUNTY_TIME).isoformat(timespec="seconds")


def _messages(row: ExportRow) -> str:
    return "\n".join(
        f"{_time(message.created_at)} {WHO.get(message.direction, message.direction)}: "
        f"{message.body}"
        for message in row.messages
    )


def cells(row: ExportRow, bodies: bool) -> list[str]:
    values: list[object] = [
        row.reference,
        _time(row.created_at),
        _time(row.completed_at),
        row.channel,
        row.language,
        row.office,
        row.outcome,
        " ".join(row.reasons),
        row.status,
        row.phone,
        row.notes,
        *(row.answers.get(fact, "") for fact in FACT_IDS),
    ]
    if bodies:
        values.append(_messages(row))
    return [safe(value) for value in values]


def header(bodies: bool) -> list[str]:
    return [*COLUMNS, "messages"] if bodies else list(COLUMNS)


def csv_text(rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def stream(viewer: Scope, ids: Sequence[int], bodies: bool) -> Iterator[str]:
    """The CSV, a chunk of inquiries at a time, each chunk's read ended before it is sent."""
    yield csv_text([header(bodies)])
    for rows in export_chunks(viewer, ids, bodies):
        yield csv_text(cells(row, bodies) for row in rows)
