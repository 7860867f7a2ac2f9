"""CSV files we write are opened in spreadsheets: no cell of ours may run as a formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is one a
spreadsheet may read as a formula (``=HYPERLINK(...)`` in a person id, a code section such as
``--11359 HS--`` copied from the input). Such a cell gets a leading ``'``, which spreadsheets show
as text. Every CSV writer of bulk screening goes through ``SafeWriter``, so no file is missed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The same starts, after the separator ``SafeWriter`` joins a row's cells with to look at them
#: (substring tests are far faster than a regular expression here).
_JOINED_STARTS = tuple("\x1f" + start for start in FORMULA_STARTS)


def safe_cell(value: str) -> str:
    """The value, with a leading ``'`` when a spreadsheet could read it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class SafeWriter:
    """``csv.writer`` whose every cell is made safe; rows are checked at C speed, cells only when a
    row may need it (a few searches over the joined row)."""

    def __init__(self, stream: IO[str]) -> None:
        self._writer = csv.writer(stream, lineterminator="\r\n")

    def writerow(self, row: Sequence[str]) -> None:
        joined = "\x1f" + "\x1f".join(row)
        if any(start in joined for start in _JOINED_STARTS):
            starts = FORMULA_STARTS  # safe_cell, inlined: rows of 100 cells come this way
            row = ["'" + cell if cell.startswith(starts) else cell for cell in row]
        self._writer.writerow(row)

    def writerows(self, rows: Iterable[Sequence[str]]) -> None:
        for row in rows:
            self.writerow(row)
