"""Staff sessions kept on the server: owner of the ``staff_session`` table.

The browser's (signed) cookie holds only a random token; the row, found by the token's SHA-256,
says whose session it is and how far sign-in has got (``stage``). Signing out deletes the row,
so a copy of the cookie taken before opens nothing afterwards, from any address or browser.
Deactivating an account, resetting its password or second factor, and "sign out everywhere"
delete all of its rows. A session unused for ``idle`` ends too.

Stages: ``signed_in`` opens the staff pages; ``second_factor`` and ``enrol`` are a password
accepted and a code still to come (they open nothing but the code and enrolment pages).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import DateTime, ForeignKey, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from bot import clock
from bot.storage.db import Base, db, rows_deleted
from bot.storage.transactions import transaction

SIGNED_IN, SECOND_FACTOR, ENROL = "signed_in", "second_factor", "enrol"
PASSWORD, PROVIDER = "password", "provider"
PENDING_LIFETIME = timedelta(minutes=10)  # from a right password to the code
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often


class StaffSession(Base):
    __tablename__ = "staff_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))  # how the password or provider step went
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    id_token: Mapped[str | None] = mapped_column(Text)  # the provider's, to end its session
    pending_secret: Mapped[str | None] = mapped_column(String(64))  # a key being enrolled
    next_page: Mapped[str | None] = mapped_column(String(512))  # where sign-in goes after


@dataclass(frozen=True)
class SessionView:
    user_id: int
    stage: str
    method: str
    id_token: str | None
    pending_secret: str | None
    next_page: str | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(
    user_id: int,
    stage: str,
    method: str,
    replaces: str | None = None,
    id_token: str | None = None,
    next_page: str | None = None,
) -> str:
    """A new session for the account, and its token; the one it ``replaces`` ends (a new id at
    sign-in and again at the second factor, so a token seen before either opens nothing)."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with transaction():
        if replaces is not None:
            db.session.execute(delete(StaffSession).where(StaffSession.id == _hash(replaces)))
        db.session.add(
            StaffSession(
                id=_hash(token),
                user_id=user_id,
                stage=stage,
                method=method,
                created_at=now,
                last_seen_at=now,
                id_token=id_token,
                next_page=next_page,
            )
        )
    return token


def find(token: str, idle: timedelta) -> SessionView | None:
    """The session this token opens, if it has not ended nor sat idle for ``idle``."""
    row = db.session.get(StaffSession, _hash(token))
    if row is None:
        return None
    now = clock.now()
    lifetime = idle if row.stage == SIGNED_IN else min(idle, PENDING_LIFETIME)
    if clock.as_utc(row.last_seen_at) + lifetime < now:
        end(token)
        return None
    if clock.as_utc(row.last_seen_at) + TOUCH_EVERY < now:
        with transaction():
            row.last_seen_at = now
    return SessionView(
        row.user_id, row.stage, row.method, row.id_token, row.pending_secret, row.next_page
    )


def keep_pending_secret(token: str, secret: str) -> None:
    with transaction():
        row = db.session.get(StaffSession, _hash(token))
        if row is not None:
            row.pending_secret = secret


def end(token: str) -> None:
    """End one session (signing out)."""
    with transaction():
        db.session.execute(delete(StaffSession).where(StaffSession.id == _hash(token)))


def end_all(user_id: int) -> int:
    """End every session of an account, in the caller's transaction; how many there were."""
    return rows_deleted(delete(StaffSession).where(StaffSession.user_id == user_id))


def count(user_id: int) -> int:
    return len(
        db.session.scalars(
            select(StaffSession.id).where(
                StaffSession.user_id == user_id, StaffSession.stage == SIGNED_IN
            )
        ).all()
    )


def tidy(now: datetime, idle: timedelta) -> int:
    """Delete sessions that sat idle past ``idle`` (a chore; ``find`` refuses them anyway)."""
    with transaction():
        return rows_deleted(delete(StaffSession).where(StaffSession.last_seen_at < now - idle))
