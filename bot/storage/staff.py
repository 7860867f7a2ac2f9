"""Staff accounts and the audit trail of who read which resident's record: both tables' owner.

Kept apart from ``bot.storage.models`` because they belong to the staff side alone. Audit
events name inquiries by id and reference without a foreign key, so the trail outlives a purge
of the inquiries it describes.

Passwords are stored only as werkzeug hashes. Resetting a password or deactivating an account
bumps its session version, which signs out every browser still holding an old session. Each
function that changes something is one transaction (``bot.storage.transactions``), except
``add_audit_event``, which joins its caller's so that an action and its record are saved
together or not at all.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask_login import UserMixin
from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from bot import clock
from bot.storage.db import Base, db
from bot.storage.filters import PAGE_SIZE, Page, last_page_number
from bot.storage.models import utcnow
from bot.storage.transactions import transaction


class StaffUser(UserMixin, Base):
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


class AuditEvent(Base):
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


def staff_by_email(email: str) -> StaffUser | None:
    """The account with this (already normalised) address, active or not."""
    return db.session.scalars(select(StaffUser).where(StaffUser.email == email)).first()


def staff_by_id(user_id: int) -> StaffUser | None:
    """The account a session names, active or not; the caller decides whether it still counts."""
    return db.session.get(StaffUser, user_id)


@cache
def _decoy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def password_matches(user: StaffUser | None, password: str) -> bool:
    """Whether ``password`` is the account's.

    No account still costs one hash check, so timing does not tell which addresses have
    accounts.
    """
    if user is None:
        check_password_hash(_decoy_hash(), password)
        return False
    return check_password_hash(user.password_hash, password)


def create_staff(email: str, office: str, password: str, admin: bool = False) -> StaffUser | None:
    """A new, active account; ``None`` when the address already has one."""
    with transaction():
        if staff_by_email(email) is not None:
            return None
        user = StaffUser(
            email=email,
            password_hash=generate_password_hash(password),
            office=office,
            is_admin=admin,
            active=True,
            session_version=1,
            created_at=clock.now(),
        )
        db.session.add(user)
    return user


def deactivate_staff(email: str) -> bool:
    """Stop an account signing in and sign it out everywhere; ``False`` when there is none."""
    with transaction():
        user = staff_by_email(email)
        if user is None:
            return False
        user.active = False
        user.session_version += 1
    return True


def reset_password(email: str, password: str) -> bool:
    """Set a new password and sign the account out everywhere; ``False`` when there is none."""
    with transaction():
        user = staff_by_email(email)
        if user is None:
            return False
        user.password_hash = generate_password_hash(password)
        user.session_version += 1
    return True


def upsert_admin(email: str, office: str, password: str) -> None:
    """Create an active admin, or make the existing account one with this password.

    An existing account keeps its office and is signed out everywhere, since its old password
    no longer opens it.
    """
    with transaction():
        user = staff_by_email(email)
        if user is None:
            user = StaffUser(email=email, office=office, created_at=clock.now())
            db.session.add(user)
            user.session_version = 1
        else:
            user.session_version += 1
        user.password_hash = generate_password_hash(password)
        user.is_admin = True
        user.active = True


def note_sign_in(user: StaffUser) -> None:
    with transaction():
        user.last_sign_in_at = clock.now()


def add_audit_event(
    user: StaffUser, action: str, ip: str | None, detail: str = "", **fields: object
) -> AuditEvent:
    """Add one event to the caller's transaction, to be saved with the action it records."""
    event = AuditEvent(
        user_id=user.id, action=action, ip=ip, created_at=clock.now(), detail=detail, **fields
    )
    db.session.add(event)
    return event


def record_view(user: StaffUser, inquiry_id: int, reference: str, ip: str | None) -> None:
    """Note that ``user`` opened an inquiry's record."""
    with transaction():
        add_audit_event(user, "view", ip, inquiry_id=inquiry_id, reference=reference)


def record_export(user: StaffUser, references: list[str], description: str, ip: str | None) -> None:
    """Note an export: the filters in words and every reference it holds."""
    with transaction():
        add_audit_event(user, "export", ip, inquiry_refs=references, detail=description)


@dataclass(frozen=True)
class AuditRow:
    created_at: datetime
    email: str
    action: str
    references: list[str]
    detail: str
    ip: str | None


def audit_page(number: int, size: int = PAGE_SIZE) -> Page:
    """A page of the audit trail, newest first."""
    total = db.session.scalar(select(func.count(AuditEvent.id))) or 0
    number = min(number, last_page_number(total, size))
    rows = db.session.execute(
        select(AuditEvent, StaffUser.email)
        .join(StaffUser, AuditEvent.user_id == StaffUser.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(size)
        .offset((number - 1) * size)
    ).all()
    events = [
        AuditRow(
            created_at=event.created_at,
            email=email,
            action=event.action,
            references=[event.reference] if event.reference else list(event.inquiry_refs or []),
            detail=event.detail,
            ip=event.ip,
        )
        for event, email in rows
    ]
    return Page(events, total, number, size)
