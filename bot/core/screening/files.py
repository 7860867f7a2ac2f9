"""Opening a records file the same way for the command and the staff page."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

READ_BUFFER = 1 << 20


@contextmanager
def open_records(path: Path) -> Iterator[tuple[TextIO, Callable[[], int]]]:
    """The file as text (a spreadsheet's byte-order mark is skipped) and how many bytes are read."""
    raw = open(path, "rb", buffering=0)  # noqa: SIM115 - closed by the wrapper below
    text = io.TextIOWrapper(io.BufferedReader(raw, READ_BUFFER), encoding="utf-8-sig", newline="")
    with text:
        yield text, raw.tell
