"""A bulk screening run started from the staff page (issue 9), kept in the database.

Any worker can show a run's progress and serve its files, whichever one runs it. The upload
itself is never stored: it lives in a temporary file only while the run reads it. The results
CSV (gzip-compressed) stays until it is downloaded once or the run expires; the summary counts,
which name no one, stay after that.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.db import db
from bot.storage.models import utcnow
from bot.storage.staff import StaffUser

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
EXPIRED = "expired"
ACTIVE = (QUEUED, RUNNING)


class ScreeningJob(db.Model):
    """One uploaded record file going through ``bot.core.screening.screen``, and what came of it."""

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
    summary: Mapped[dict[str, int] | None] = mapped_column(JSON)
    # The first bad rows' messages (line and reason, nothing personal): erased with the results.
    bad_rows: Mapped[list[str] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    # Deferred: pages never load it, only the one download that also erases it.
    results: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Moved on with every progress note: a run whose worker died stops moving (see ``STALE``).
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    downloaded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    owner: Mapped[StaffUser] = relationship()

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def percent(self) -> int:
        """How much of the file has been read, 0 to 100."""
        if self.status in (DONE, EXPIRED):
            return 100
        if not self.bytes_total:
            return 0
        return min(100, self.bytes_read * 100 // self.bytes_total)

    @property
    def results_available(self) -> bool:
        return self.status == DONE and self.downloaded_at is None
