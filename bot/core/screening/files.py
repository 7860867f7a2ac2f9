"""Opening a records file the same way for the command and the staff page."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from bot.core.screening.formats import detect_lines

READ_BUFFER = 1 << 20


@contextmanager
def open_records(path: Path) -> Iterator[tuple[TextIO, Callable[[], int]]]:
    """The file as text (a spreadsheet's byte-order mark is skipped) and how many bytes are read."""
    raw = open(path, "rb", buffering=0)  # noqa: SIM115 - closed by the wrapper below
    text = io.TextIOWrapper(io.BufferedReader(raw, READ_BUFFER), encoding="utf-8-sig", newline="")
    with text:
        yield text, raw.tell


def detect_format(path: Path) -> str:
    """``csv`` or ``doj``, from the file's first row (see ``formats``)."""
    with open_records(path) as (text, _):
        return detect_lines(text)


class InputFiles:
    """Several record files read in order, perhaps twice (a DOJ run writes its copies in a second
    pass), opened one at a time, with how many bytes all the passes have read so far."""

    def __init__(self, files: list[tuple[str, Path]]) -> None:
        self.files = files
        self.size = sum(path.stat().st_size for _, path in files)
        self._done = 0  # bytes of files already read through
        self._tell: Callable[[], int] = lambda: 0

    def bytes_read(self) -> int:
        return self._done + self._tell()

    def inputs(self) -> Iterator[tuple[str, TextIO]]:
        """``(name, text)`` for each file, the previous one closed when the next is asked for."""
        for name, path in self.files:
            with open_records(path) as (text, tell):
                self._tell = tell
                yield name, text
                self._done += path.stat().st_size
                self._tell = lambda: 0
