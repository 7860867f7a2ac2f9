"""Staff accounts and the audit trail of who read which resident's record.

Kept apart from ``bot.storage.models`` because they belong to the staff side alone. Audit
events name inquiries by id and reference without a foreign key, so the trail outlives a purge
of the inquiries it describes.
"""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.db import db
from bot.storage.models import utcnow


class StaffUser(UserMixin, db.Model):
    """A member of an office's staff; admins see every office's inquiries and the audit trail."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    office: Mapped[str] = mapped_column(String(32))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped when the password is reset or the account deactivated: signs out every session.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What the session remembers: the id and the session version it was signed in with."""
        return f"{self.id}.{self.session_version}"


class AuditEvent(db.Model):
    """One staff action on residents' records: a detail view, an export or an update."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_created", "created_at"),
        Index("ix_audit_event_reference", "reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # "view", "export" or "update"
    inquiry_id: Mapped[int | None] = mapped_column()
    reference: Mapped[str | None] = mapped_column(String(16))
    inquiry_refs: Mapped[list[str] | None] = mapped_column(JSON)  # an export's references
    detail: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[StaffUser] = relationship()
