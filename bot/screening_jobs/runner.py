"""Running a bulk screening job beside the web workers: the upload, the thread, its progress.

The upload (one file, or several parts of one DOJ delivery) is saved to private temporary files
that the run's thread reads, and deleted as soon as the run has read them, however the run ends.
A CSV run's results are stored gzip-compressed; a DOJ run's as a zip of its results, its court
copy and its condensed list. Progress, results and summary go to the job's row
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
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import Flask, current_app
from werkzeug.datastructures import FileStorage

from bot.core.screening import COLUMNS, DOJ, HeaderError, Result, ResultsWriter, screen
from bot.core.screening.doj_copies import write_copies
from bot.core.screening.files import InputFiles
from bot.core.screening.formats import CSV, detect
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
MIXED = (
    "The files are not all in one format: upload either DOJ research files or CSV files "
    "with our columns, not both in one run."
)
NOT_DOJ = (
    "{name} is not a DOJ research file: its first row has neither 95 fields nor a header "
    "starting RECORD_ID."
)
#: The files of a DOJ run's download, inside its zip.
ZIP_RESULTS = "results.csv"
ZIP_COURT = "court-copy.csv"
ZIP_CONDENSED = "condensed.csv"


class UploadError(ValueError):
    """The upload cannot be screened at all; the message tells staff why, in plain words."""


def missing_columns(error: HeaderError) -> str:
    return (
        f"The file cannot be screened: {error}. It needs the columns {', '.join(COLUMNS)}, "
        "or to be a DOJ research file (95 fields a row)."
    )


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


def first_row(path: Path) -> list[str] | str:
    """The file's first row, or what is wrong with the file, told at once from its start."""
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
    return next(csv.reader([first]), [])


def file_format(path: Path, name: str, chosen: str | None) -> str:
    """The file's format (the chosen one, or the one its shape says), or ``UploadError``."""
    row = first_row(path)
    if isinstance(row, str):
        raise UploadError(row)
    found = chosen or detect(row)
    if found == DOJ and detect(row) != DOJ:
        raise UploadError(NOT_DOJ.format(name=name))
    if found == CSV:
        try:
            RowReader(row)
        except HeaderError as error:
            raise UploadError(missing_columns(error)) from None
    return found


def upload_name(upload: FileStorage, number: int) -> str:
    """The name results show for an uploaded file (its base name, or ``file N``)."""
    name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:200] or f"file {number}"


def upload_path(job_id: str, number: int) -> Path:
    """Where an upload waits: ``<job>.csv``, then ``<job>.2.csv``... (the chores read the job id
    back from the name)."""
    return upload_dir() / (f"{job_id}.csv" if number == 1 else f"{job_id}.{number}.csv")


def start(
    user: StaffUser,
    uploads: Sequence[FileStorage],
    as_of: date,
    county: str,
    ip: str | None,
    chosen_format: str | None = None,
) -> str:
    """Save the uploads, create their job and start the run; the job's id, or ``UploadError``."""
    job_id = screen_jobs.new_job_id()
    files: list[tuple[str, Path]] = []
    try:
        formats = set()
        size = 0
        for number, upload in enumerate(uploads, 1):
            path = upload_path(job_id, number)
            name = upload_name(upload, number)
            files.append((name, path))
            size += save_upload(upload, path)
            formats.add(file_format(path, name, chosen_format))
        if len(formats) > 1:
            raise UploadError(MIXED)
        (found,) = formats
        screen_jobs.create(job_id, user, as_of, county, size, ip, found, len(files))
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        threading.Thread(
            target=_work,
            args=(app, job_id, files, as_of, county, found),
            name=f"screening-{job_id[:8]}",
            daemon=True,
        ).start()
    except BaseException:
        for _, path in files:
            path.unlink(missing_ok=True)
        raise
    return job_id


def _work(
    app: Flask, job_id: str, files: list[tuple[str, Path]], as_of: date, county: str, kind: str
) -> None:
    """The thread: one run, in an app context (and so a database session) of its own."""
    try:
        with app.app_context():
            run(job_id, files, as_of, county, kind)
    finally:
        for _, path in files:
            path.unlink(missing_ok=True)


@dataclass(frozen=True)
class Outcome:
    summary: dict[str, object]
    bad_rows: list[str]
    results: bytes
    rows: int


def run(
    job_id: str, files: list[tuple[str, Path]], as_of: date, county: str, kind: str = CSV
) -> None:
    """Screen the uploaded files, then store their results and summary, or why it failed."""
    if not screen_jobs.mark_running(job_id):
        return
    started = time.monotonic()
    try:
        outcome = _screen(job_id, files, as_of, county, kind)
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
            "format": kind,
            "files": len(files),
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
        self.kept: list[Result] | None = None  # a DOJ run keeps its results for its copies
        self.rows = 0  # lines read in the first pass: the run's figure
        self.shown = 0  # lines gone through in every pass so far: the page's pace
        self.results = 0
        self.saved_at = time.monotonic()
        self.bad_rows: list[str] = []

    def lines(self, line: int) -> None:
        """``on_progress``: ``line`` lines read, the header included."""
        self.rows = self.shown = max(0, line - 1)
        self._note()

    def result(self, result: Result) -> None:
        """``on_result``: write the row, and keep the job moving while rows are decided."""
        self.write(result)
        if self.kept is not None:
            self.kept.append(result)
        self.results += 1
        if not self.results % RESULTS_PER_NOTE:
            self._note()

    def bad_row(self, file: str, line: int, reason: str) -> None:
        """``on_bad_row``: the first few are kept to show staff (they name no one)."""
        if len(self.bad_rows) < BAD_ROWS_KEPT:
            self.bad_rows.append(f"{file}: line {line}: {reason}")

    def copied(self, line: int) -> None:
        """``on_progress`` of a DOJ run's second pass, which reads the lines again."""
        self.shown = self.rows + line
        self._note()

    def _note(self) -> None:
        now = time.monotonic()
        if now - self.saved_at >= SAVE_EVERY:
            self.saved_at = now
            screen_jobs.note_progress(self.job_id, self.shown, self.bytes_read())


def _screen(
    job_id: str, paths: list[tuple[str, Path]], as_of: date, county: str, kind: str
) -> Outcome:
    """The run itself: results compressed in memory; the uploads deleted once read."""
    files = InputFiles(paths)
    try:
        if kind == DOJ:
            return _screen_doj(job_id, files, as_of, county)
        compressed = io.BytesIO()
        with gzip.open(compressed, "wt", encoding="utf-8", newline="") as results:
            progress = _Progress(job_id, files.bytes_read, ResultsWriter(results))
            summary = _screen_files(files, progress, as_of, county, kind)
        return Outcome(summary, progress.bad_rows, compressed.getvalue(), progress.rows)
    finally:
        for _, path in paths:
            path.unlink(missing_ok=True)  # before the job says it is done


def _screen_files(
    files: InputFiles, progress: _Progress, as_of: date, county: str, kind: str
) -> dict[str, object]:
    return screen(
        files.inputs(),
        as_of,
        county,
        file_format=kind,
        on_progress=progress.lines,
        on_bad_row=progress.bad_row,
        on_result=progress.result,
    ).as_json()


def _zip_entry(archive: zipfile.ZipFile, name: str, large: bool = False) -> io.TextIOWrapper:
    """A text entry written as it comes; ``large`` ones may pass 2 GiB (ZIP64)."""
    entry = archive.open(name, "w", force_zip64=large)
    return io.TextIOWrapper(entry, encoding="utf-8", newline="")


def _screen_doj(job_id: str, files: InputFiles, as_of: date, county: str) -> Outcome:
    """A DOJ run: results, then a second pass for the court copy (into the zip as it is written)
    and the condensed list (small: held aside, then added)."""
    compressed = io.BytesIO()
    with zipfile.ZipFile(compressed, "w", zipfile.ZIP_DEFLATED) as archive:
        with _zip_entry(archive, ZIP_RESULTS) as results:
            progress = _Progress(job_id, files.bytes_read, ResultsWriter(results, deceased=True))
            progress.kept = []
            summary = _screen_files(files, progress, as_of, county, DOJ)
        condensed = io.StringIO()
        with _zip_entry(archive, ZIP_COURT, large=True) as court:
            write_copies(files.inputs(), progress.kept, court, condensed, progress.copied)
        archive.writestr(ZIP_CONDENSED, condensed.getvalue().encode("utf-8"))
    return Outcome(summary, progress.bad_rows, compressed.getvalue(), progress.rows)
