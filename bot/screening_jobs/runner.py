"""Running a bulk screening job beside the web workers: the upload, the thread, its progress.

The upload is saved to a private temporary file that the run's thread reads, and deleted as soon
as the run has read it, however the run ends. Progress, results and summary go to the job's row
(``screen_jobs``), so whichever worker serves the progress page or a download has them. A thread
is enough at this size; a worker that dies mid-run leaves a job that stops moving, which pages
show as failed at once; the chores (``bot.screening_jobs.chores``) later write that down and
delete its upload.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import Flask, current_app
from werkzeug.datastructures import FileStorage

from bot.core.screening import COLUMNS, HeaderError, Result, ResultsWriter, screen
from bot.core.screening.files import open_records
from bot.core.screening.records import RowReader
from bot.storage import screening_jobs as screen_jobs
from bot.storage.staff import StaffUser

log = logging.getLogger(__name__)

#: Seconds between progress notes in the database.
SAVE_EVERY = 1.0
#: While rows are decided (after the file is read), progress is noted every so many results.
RESULTS_PER_NOTE = 1000
BAD_ROWS_KEPT = 100
#: The header must be in the file's first 64 KiB.
HEADER_LIMIT = 64 * 1024

NOT_UTF8 = (
    "The file is not CSV text in UTF-8. In the spreadsheet, save it as "
    "'CSV UTF-8 (comma delimited)' and upload that file."
)
EMPTY = "The file is empty. It needs a header row, then one row per conviction."
NO_HEADER = "The first line is too long for a header row. Is this a CSV file?"
BROKE = "Something went wrong on our side while screening the file. Please try again."


class UploadError(ValueError):
    """The upload cannot be screened at all; the message tells staff why, in plain words."""


def missing_columns(error: HeaderError) -> str:
    return f"The file cannot be screened: {error}. It needs the columns {', '.join(COLUMNS)}."


def upload_dir() -> Path:
    """Where uploads wait for their run: ``SCREEN_UPLOAD_DIR``, or under ``instance/``."""
    configured = current_app.config.get("SCREEN_UPLOAD_DIR")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "screen-uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def save_upload(upload: FileStorage, path: Path) -> int:
    """Copy the upload to a new file only this process's user can read; its size in bytes."""
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        upload.save(out)
    return path.stat().st_size


def header_problem(path: Path) -> str | None:
    """What is wrong with the file, told at once from its first line; ``None`` if it may do."""
    with path.open("rb") as handle:
        head = handle.read(HEADER_LIMIT)
    if not head.strip():
        return EMPTY
    lines = head.splitlines()
    if len(lines) == 1 and len(head) == HEADER_LIMIT:
        return NO_HEADER
    if b"\x00" in head:  # UTF-16, a spreadsheet's own format, a picture...
        return NOT_UTF8
    try:
        first = lines[0].decode("utf-8-sig")
    except UnicodeDecodeError:
        return NOT_UTF8
    try:
        RowReader(next(csv.reader([first]), []))
    except HeaderError as error:
        return missing_columns(error)
    return None


def start(user: StaffUser, upload: FileStorage, as_of: date, county: str, ip: str | None) -> str:
    """Save the upload, create its job and start the run; the job's id, or ``UploadError``."""
    job_id = screen_jobs.new_job_id()
    path = upload_dir() / f"{job_id}.csv"
    try:
        size = save_upload(upload, path)
        problem = header_problem(path)
        if problem is not None:
            raise UploadError(problem)
        screen_jobs.create(job_id, user, as_of, county, size, ip)
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        threading.Thread(
            target=_work,
            args=(app, job_id, path, as_of, county),
            name=f"screening-{job_id[:8]}",
            daemon=True,
        ).start()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return job_id


def _work(app: Flask, job_id: str, path: Path, as_of: date, county: str) -> None:
    """The thread: one run, in an app context (and so a database session) of its own."""
    try:
        with app.app_context():
            run(job_id, path, as_of, county)
    finally:
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class Outcome:
    summary: dict[str, int]
    bad_rows: list[str]
    results: bytes
    rows: int


def run(job_id: str, path: Path, as_of: date, county: str) -> None:
    """Screen the uploaded file, then store its results and summary, or why it failed."""
    if not screen_jobs.mark_running(job_id):
        return
    started = time.monotonic()
    try:
        outcome = _screen(job_id, path, as_of, county)
        screen_jobs.finish(job_id, outcome.summary, outcome.bad_rows, outcome.results, outcome.rows)
    except HeaderError as error:
        _fail(job_id, missing_columns(error))
    except UnicodeDecodeError:
        _fail(job_id, NOT_UTF8)
    except Exception:
        log.exception("bulk screening failed", extra={"fields": {"job": job_id[:8]}})
        _fail(job_id, BROKE)
    else:
        fields = {
            "job": job_id[:8],
            "lines": outcome.rows,
            "convictions": outcome.summary["convictions"],
            "bad_rows": outcome.summary["bad_rows"],
            "seconds": round(time.monotonic() - started, 1),
        }
        log.info("bulk screening finished", extra={"fields": fields})


def _fail(job_id: str, message: str) -> None:
    try:
        screen_jobs.fail(job_id, message)
    except Exception:
        log.exception("could not record a failed screening", extra={"fields": {"job": job_id[:8]}})


class _Progress:
    """Notes how far a run got in the job's row, at most every ``SAVE_EVERY`` seconds."""

    def __init__(self, job_id: str, bytes_read: Callable[[], int], write: Callable[[Result], None]):
        self.job_id = job_id
        self.bytes_read = bytes_read
        self.write = write
        self.rows = 0
        self.results = 0
        self.saved_at = time.monotonic()
        self.bad_rows: list[str] = []

    def lines(self, line: int) -> None:
        """``on_progress``: ``line`` lines read, the header included."""
        self.rows = max(0, line - 1)
        self._note()

    def result(self, result: Result) -> None:
        """``on_result``: write the row, and keep the job moving while rows are decided."""
        self.write(result)
        self.results += 1
        if not self.results % RESULTS_PER_NOTE:
            self._note()

    def bad_row(self, line: int, reason: str) -> None:
        """``on_bad_row``: the first few are kept to show staff (they name no one)."""
        if len(self.bad_rows) < BAD_ROWS_KEPT:
            self.bad_rows.append(f"line {line}: {reason}")

    def _note(self) -> None:
        now = time.monotonic()
        if now - self.saved_at >= SAVE_EVERY:
            self.saved_at = now
            screen_jobs.note_progress(self.job_id, self.rows, self.bytes_read())


def _screen(job_id: str, path: Path, as_of: date, county: str) -> Outcome:
    """The run itself: results gzip-compressed in memory; the upload deleted once read."""
    compressed = io.BytesIO()
    try:
        with (
            open_records(path) as (text, bytes_read),
            gzip.open(compressed, "wt", encoding="utf-8", newline="") as results,
        ):
            progress = _Progress(job_id, bytes_read, ResultsWriter(results))
            summary = screen(
                text,
                as_of,
                county,
                on_progress=progress.lines,
                on_bad_row=progress.bad_row,
                on_result=progress.result,
            )
    finally:
        path.unlink(missing_ok=True)  # before the job says it is done
    return Outcome(summary.as_json(), progress.bad_rows, compressed.getvalue(), progress.rows)
