"""Reading and writing bulk screening jobs: each write is one short transaction.

Who may see a job is decided here, once: its owner, or an admin. Anyone else finds nothing, just
as for a job that does not exist. The results are erased in the same transaction that records
their download in the audit trail, so a download is recorded exactly when it erases them.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import undefer

from bot import clock
from bot.storage.db import db
from bot.storage.screening_job_model import (
    ACTIVE,
    DONE,
    EXPIRED,
    FAILED,
    QUEUED,
    RUNNING,
    ScreeningJob,
)
from bot.storage.staff import AuditEvent, StaffUser
from bot.storage.transactions import transaction

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


def find(viewer: StaffUser, job_id: str) -> ScreeningJob | None:
    """The job, unless it is missing or neither the viewer's own nor the viewer an admin."""
    return db.session.scalars(_visible(viewer).where(ScreeningJob.id == job_id)).first()


def recent(viewer: StaffUser, limit: int = RECENT) -> Sequence[ScreeningJob]:
    """The viewer's latest jobs (every staff member's, for an admin), newest first."""
    statement = _visible(viewer).order_by(ScreeningJob.created_at.desc()).limit(limit)
    return db.session.scalars(statement).all()


def describe(job: ScreeningJob) -> str:
    """A job in the audit trail's words: a short tag of its id, the county and the date."""
    return f"bulk screening {job.id[:8]}, {job.county} as of {job.as_of.isoformat()}"


def _audit(user: StaffUser, action: str, ip: str | None, detail: str) -> None:
    db.session.add(
        AuditEvent(user_id=user.id, action=action, ip=ip, created_at=clock.now(), detail=detail)
    )


def create(
    job_id: str, owner: StaffUser, as_of: date, county: str, size: int, ip: str | None
) -> None:
    """A queued job for an upload of ``size`` bytes, and the upload in the audit trail."""
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
        created_at=now,
        updated_at=now,
        expires_at=now + EXPIRY,
    )
    with transaction():
        db.session.add(job)
        _audit(owner, "screen_upload", ip, f"{describe(job)}, {size} bytes")


def _update(job_id: str, statuses: Sequence[str], **values: object) -> int:
    """Change a job still in one of ``statuses`` (an expired or failed job stays as it is)."""
    statement = (
        update(ScreeningJob)
        .where(ScreeningJob.id == job_id, ScreeningJob.status.in_(statuses))
        .values(updated_at=clock.now(), **values)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(statement).rowcount


def mark_running(job_id: str) -> bool:
    """Note that a worker took the job; ``False`` if it is no longer queued."""
    with transaction():
        return _update(job_id, (QUEUED,), status=RUNNING) > 0


def note_progress(job_id: str, rows: int, bytes_read: int) -> None:
    with transaction():
        _update(job_id, (RUNNING,), rows_read=rows, bytes_read=bytes_read)


def finish(
    job_id: str, summary: dict[str, int], bad_rows: list[str], results: bytes, rows: int
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
    """The results file, erased as it is handed over and the download audited; else ``None``."""
    with transaction():
        job = db.session.scalars(
            _visible(user)
            .where(ScreeningJob.id == job_id)
            .options(undefer(ScreeningJob.results))
            .with_for_update()
        ).first()
        if job is None or not job.results_available or job.results is None:
            return None
        results = job.results
        job.results = None
        job.bad_rows = None
        job.downloaded_at = clock.now()
        rows = (job.summary or {}).get("convictions", 0)
        _audit(user, "screen_results", ip, f"{describe(job)}, {rows} result rows")
    return results


def record_summary_download(user: StaffUser, job: ScreeningJob, ip: str | None) -> None:
    with transaction():
        _audit(user, "screen_summary", ip, describe(job))


def active_count(owner: StaffUser) -> int:
    """How many of this person's runs are queued or running."""
    statement = select(func.count(ScreeningJob.id)).where(
        ScreeningJob.owner_id == owner.id, ScreeningJob.status.in_(ACTIVE)
    )
    return db.session.scalar(statement) or 0


def active_ids(job_ids: Sequence[str]) -> set[str]:
    """Which of these jobs are still queued or running."""
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
    """Erase the results of jobs past their expiry, and fail runs whose worker went quiet."""
    with transaction():
        stalled = db.session.execute(
            update(ScreeningJob)
            .where(ScreeningJob.status.in_(ACTIVE), ScreeningJob.updated_at < now - STALE)
            .values(status=FAILED, error=STALE_MESSAGE, finished_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        expired = db.session.execute(
            update(ScreeningJob)
            .where(ScreeningJob.status.in_((*ACTIVE, DONE)), ScreeningJob.expires_at <= now)
            .values(status=EXPIRED, results=None, bad_rows=None, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
    return Expired(expired, stalled)
