"""The two record formats bulk screening reads, and how a file's format is told from its shape.

- ``csv``: our seven-column CSV with a header (``records.COLUMNS``), one row a conviction.
- ``doj``: the California DOJ's bulk criminal history research file (``doj_layout``): 95 fields
  a row, an optional header starting ``RECORD_ID``, a conviction a count of one or more rows.

A file is DOJ when its first row is that header or has exactly 95 fields; else it is our CSV
(whose header then says which columns are missing, if any).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

from bot.core.screening.doj_layout import looks_like_doj

CSV = "csv"
DOJ = "doj"
FORMATS = (CSV, DOJ)


def detect(first_row: list[str]) -> str:
    """The format a file's first row says it is in."""
    return DOJ if looks_like_doj(first_row) else CSV


def detect_lines(lines: Iterable[str]) -> str:
    """The format of a text stream, from its first row (CSV for an empty one)."""
    first = next(csv.reader(lines), None)
    return CSV if first is None else detect(first)
