"""Bulk screening jobs started from the staff page: their table, and every read and write of it.

Any worker can show a job's progress and serve its files, whichever one runs it. The upload
itself is never stored: it lives in a temporary file only while the run reads it. The results
CSV (gzip-compressed) stays until it is downloaded once or the job expires; the summary counts,
which name no one, stay after that.

Each write is one short transaction. Who may see a job is decided here, once: its owner, or an
admin. Anyone else finds nothing, just as for a job that does not exist. The results are erased
in the same transaction that records their download in the audit trail, so a download is
recorded exactly when it erases them.

Time is judged when a job is read, never by writing on the way: a page shows a job past its
expiry as expired and a run whose worker went quiet as failed (``JobView``), and refuses expired
results, whether or not the chore that writes this down (``expire``) has run yet.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    Select,
    String,
    Text,
    and_,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload, undefer

from bot import clock
from bot.storage.db import Base, db, rows_updated
from bot.storage.models import utcnow
from bot.storage.staff import StaffUser, add_audit_event
from bot.storage.transactions import transaction

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
EXPIRED = "expired"
ACTIVE = (QUEUED, RUNNING)

SCREENING_OFFICE = "district_attorney"
#: Results not downloaded by then are erased.
EXPIRY = timedelta(hours=24)
#: A run that has not noted progress for this long lost its worker (a restart, a crash).
STALE = timedelta(minutes=10)
RECENT = 20
STALE_MESSAGE = (
    "The screening stopped before it finished (the server may have restarted). "
    "Please upload the file again."
)


class ScreeningJob(Base):
    """One uploaded record file going through ``bot.core.screening.screen``, and what came of it.

    ``status`` is what was last written; what it means now is ``status_at``.
    """

    __tablename__ = "screening_job"
    __table_args__ = (
        Index("ix_screening_job_owner_created", "owner_id", "created_at"),
        Index("ix_screening_job_expires", "expires_at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random, unguessable
    owner_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    as_of: Mapped[date] = mapped_column(Date)
    county: Mapped[str] = mapped_column(String(64))
    bytes_total: Mapped[int] = mapped_column(BigInteger, default=0)
    bytes_read: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_read: Mapped[int] = mapped_column(default=0)
    # The run's counts (``Summary.as_json``): numbers, the counts by code section, a date.
    summary: Mapped[dict[str, object] | None] = mapped_column(JSON)
    # The first bad rows' messages (line and reason, nothing personal): erased with the results.
    bad_rows: Mapped[list[str] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    # ``csv`` (ours) or ``doj``; how many files were uploaded as one run.
    input_format: Mapped[str] = mapped_column(String(8), default="csv", server_default="csv")
    files: Mapped[int] = mapped_column(default=1, server_default="1")
    # Deferred: pages never load it, only the one download that also erases it. A CSV run's
    # results are a gzip-compressed CSV; a DOJ run's, a zip of its three files.
    results: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Moved on with every progress note: a run whose worker died stops moving (see ``STALE``).
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    downloaded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    owner: Mapped[StaffUser] = relationship()


# When a job stalls or expires: each rule once for a row in hand, once for SQL, side by side.


def _stalls(job: ScreeningJob, now: datetime) -> bool:
    return job.status in ACTIVE and clock.as_utc(job.updated_at) < now - STALE


def _stalled_where(now: datetime) -> ColumnElement[bool]:
    return and_(ScreeningJob.status.in_(ACTIVE), ScreeningJob.updated_at < now - STALE)


def _expires(job: ScreeningJob, now: datetime) -> bool:
    return job.status in (*ACTIVE, DONE) and clock.as_utc(job.expires_at) <= now


def _expired_where(now: datetime) -> ColumnElement[bool]:
    return and_(ScreeningJob.status.in_((*ACTIVE, DONE)), ScreeningJob.expires_at <= now)


def status_at(job: ScreeningJob, now: datetime) -> str:
    """What the job's status is at ``now``: a quiet run has failed, and then a due job expired."""
    if _stalls(job, now):
        return FAILED
    if _expires(job, now):
        return EXPIRED
    return job.status


@dataclass(frozen=True)
class JobView:
    """A job as staff see it at one moment; read-only, so showing it never writes anything."""

    id: str
    owner_email: str
    status: str
    as_of: date
    county: str
    bytes_total: int
    bytes_read: int
    rows_read: int
    summary: dict[str, object] | None
    bad_rows: list[str] | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    downloaded_at: datetime | None
    expires_at: datetime
    input_format: str = "csv"
    files: int = 1
    started_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def passes(self) -> int:
        """Times the run reads the files: a DOJ run reads them again to write its copies."""
        return 2 if self.input_format == "doj" else 1

    @property
    def percent(self) -> int:
        """How much of the work (bytes to read, over every pass) is done, 0 to 100."""
        if self.status in (DONE, EXPIRED):
            return 100
        if not self.bytes_total:
            return 0
        return min(100, self.bytes_read * 100 // (self.bytes_total * self.passes))

    @property
    def seconds_running(self) -> float:
        """From the worker taking the job to its last progress note."""
        if self.started_at is None or self.updated_at is None:
            return 0.0
        return max(
            0.0, (clock.as_utc(self.updated_at) - clock.as_utc(self.started_at)).total_seconds()
        )

    @property
    def rows_per_second(self) -> int | None:
        """Lines read a second so far; ``None`` before there is anything to tell."""
        seconds = self.seconds_running
        if not self.rows_read or seconds < 1:
            return None
        return round(self.rows_read / seconds)

    @property
    def seconds_left(self) -> int | None:
        """The time left at the pace so far; ``None`` before there is a pace."""
        total = self.bytes_total * self.passes
        seconds = self.seconds_running
        if not self.bytes_read or seconds < 1 or not total:
            return None
        return max(0, round(seconds * (total - self.bytes_read) / self.bytes_read))

    @property
    def results_available(self) -> bool:
        return self.status == DONE and self.downloaded_at is None


def view(job: ScreeningJob, now: datetime) -> JobView:
    """The job as staff see it at ``now``: what the chore ``expire`` will write, read already."""
    status = status_at(job, now)
    return JobView(
        id=job.id,
        owner_email=job.owner.email,
        status=status,
        as_of=job.as_of,
        county=job.county,
        bytes_total=job.bytes_total,
        bytes_read=job.bytes_read,
        rows_read=job.rows_read,
        summary=job.summary,
        bad_rows=None if status == EXPIRED else job.bad_rows,
        error=STALE_MESSAGE if status == FAILED and job.status != FAILED else job.error,
        created_at=job.created_at,
        finished_at=job.finished_at,
        downloaded_at=job.downloaded_at,
        expires_at=job.expires_at,
        input_format=job.input_format,
        files=job.files,
        started_at=job.started_at,
        updated_at=job.updated_at,
    )


def may_screen(user: StaffUser) -> bool:
    """Bulk screening is for the District Attorney's staff, who clear convictions, and admins."""
    return user.is_admin or user.office == SCREENING_OFFICE


def new_job_id() -> str:
    """256 random bits: a job's address cannot be guessed."""
    return secrets.token_urlsafe(32)


def _visible(viewer: StaffUser) -> Select:
    statement = select(ScreeningJob)
    if not viewer.is_admin:
        statement = statement.where(ScreeningJob.owner_id == viewer.id)
    return statement


def find(viewer: StaffUser, job_id: str, now: datetime) -> JobView | None:
    """The job at ``now``, unless it is missing or neither the viewer's nor the viewer an admin."""
    statement = _visible(viewer).where(ScreeningJob.id == job_id)
    job = db.session.scalars(statement).first()
    return None if job is None else view(job, now)


def recent(viewer: StaffUser, now: datetime, limit: int = RECENT) -> list[JobView]:
    """The viewer's latest jobs (every staff member's, for an admin) at ``now``, newest first."""
    statement = (
        _visible(viewer)
        .options(selectinload(ScreeningJob.owner))
        .order_by(ScreeningJob.created_at.desc())
        .limit(limit)
    )
    return [view(job, now) for job in db.session.scalars(statement)]


def describe(job: ScreeningJob | JobView) -> str:
    """A job in the audit trail's words: a short tag of its id, the county and the date."""
    return f"bulk screening {job.id[:8]}, {job.county} as of {job.as_of.isoformat()}"


def create(
    job_id: str,
    owner: StaffUser,
    as_of: date,
    county: str,
    size: int,
    ip: str | None,
    input_format: str = "csv",
    files: int = 1,
) -> None:
    """A queued job for an upload of ``size`` bytes (``files`` files in ``input_format``), and the
    upload in the audit trail."""
    now = clock.now()
    job = ScreeningJob(
        id=job_id,
        owner_id=owner.id,
        status=QUEUED,
        as_of=as_of,
        county=county,
        bytes_total=size,
        bytes_read=0,
        rows_read=0,
        input_format=input_format,
        files=files,
        created_at=now,
        updated_at=now,
        expires_at=now + EXPIRY,
    )
    with transaction():
        db.session.add(job)
        upload = f"{files} {input_format.upper()} files" if files > 1 else input_format.upper()
        add_audit_event(owner, "screen_upload", ip, f"{describe(job)}, {upload}, {size} bytes")


def _update(job_id: str, statuses: Sequence[str], **values: object) -> int:
    """Change a job still in one of ``statuses`` (an expired or failed job stays as it is)."""
    statement = (
        update(ScreeningJob)
        .where(ScreeningJob.id == job_id, ScreeningJob.status.in_(statuses))
        .values(updated_at=clock.now(), **values)
        .execution_options(synchronize_session=False)
    )
    return rows_updated(statement)


def mark_running(job_id: str) -> bool:
    """Note that a worker took the job; ``False`` if it is no longer queued."""
    with transaction():
        return _update(job_id, (QUEUED,), status=RUNNING, started_at=clock.now()) > 0


def note_progress(job_id: str, rows: int, bytes_read: int) -> None:
    with transaction():
        _update(job_id, (RUNNING,), rows_read=rows, bytes_read=bytes_read)


def finish(
    job_id: str, summary: dict[str, object], bad_rows: list[str], results: bytes, rows: int
) -> None:
    """Store what the run found: the summary, the first bad rows and the results file."""
    with transaction():
        _update(
            job_id,
            (RUNNING,),
            status=DONE,
            summary=summary,
            bad_rows=bad_rows,
            results=results,
            rows_read=rows,
            bytes_read=ScreeningJob.bytes_total,
            finished_at=clock.now(),
        )


def fail(job_id: str, message: str) -> None:
    """The run ended without results; ``message`` tells staff why, in plain words."""
    with transaction():
        _update(job_id, ACTIVE, status=FAILED, error=message, finished_at=clock.now())


def take_results(user: StaffUser, job_id: str, ip: str | None) -> bytes | None:
    """The results file, erased as it is handed over and the download audited; else ``None``.

    Results past their expiry are refused (and left for ``expire`` to erase).
    """
    now = clock.now()
    with transaction():
        job = db.session.scalars(
            _visible(user)
            .where(ScreeningJob.id == job_id)
            .options(undefer(ScreeningJob.results))
            .with_for_update()
        ).first()
        if job is None or job.results is None:
            return None
        if status_at(job, now) != DONE or job.downloaded_at is not None:
            return None
        results = job.results
        job.results = None
        job.bad_rows = None
        job.downloaded_at = now
        rows = (job.summary or {}).get("convictions", 0)
        add_audit_event(user, "screen_results", ip, f"{describe(job)}, {rows} result rows")
    return results


def record_summary_download(user: StaffUser, job: JobView, ip: str | None) -> None:
    with transaction():
        add_audit_event(user, "screen_summary", ip, describe(job))


def active_count(owner: StaffUser, now: datetime) -> int:
    """How many of this person's runs are queued or running at ``now`` (not stalled, not due)."""
    statement = select(func.count(ScreeningJob.id)).where(
        ScreeningJob.owner_id == owner.id,
        ScreeningJob.status.in_(ACTIVE),
        ~_stalled_where(now),
        ~_expired_where(now),
    )
    return db.session.scalar(statement) or 0


def active_ids(job_ids: Sequence[str]) -> set[str]:
    """Which of these jobs are still queued or running, as last written."""
    if not job_ids:
        return set()
    statement = select(ScreeningJob.id).where(
        ScreeningJob.id.in_(job_ids), ScreeningJob.status.in_(ACTIVE)
    )
    return set(db.session.scalars(statement))


@dataclass(frozen=True)
class Expired:
    expired: int
    stalled: int


def expire(now: datetime) -> Expired:
    """Write down what ``status_at`` already shows: quiet runs failed, due results erased."""
    with transaction():
        stalled = rows_updated(
            update(ScreeningJob)
            .where(_stalled_where(now))
            .values(status=FAILED, error=STALE_MESSAGE, finished_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        expired = rows_updated(
            update(ScreeningJob)
            .where(_expired_where(now))
            .values(status=EXPIRED, results=None, bad_rows=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return Expired(expired, stalled)
