"""Texts the service starts (staff, a caller, the ``send-text`` command): their table, and every
read and write of it, and the shared pace of sending.

The row is the record of a text waiting to be sent, whatever happens to the job queue: a worker
finds due rows here (``claim_next``), and a periodic sweep finds the ones a lost job left
behind. A row is claimed with one conditional UPDATE (``waiting``/``held`` -> ``submitting``),
so two workers never send the same text; a row still ``submitting`` long after its claim lost
its worker mid-send, and becomes ``unknown`` (Twilio may have accepted it), never sent again by
itself.

A status never moves backwards: each one has a rank (``RANK``), and a report with a lower or
equal rank than the stored one changes nothing (Twilio's reports can arrive out of order, and
before the answer to the request that created the message).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    and_,
    bindparam,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.db import Base, db, rows_updated
from bot.storage.models import Conversation, Inquiry
from bot.storage.staff import StaffUser, add_audit_event
from bot.storage.statements import statement
from bot.storage.transactions import Transaction, transaction

#: The service's own statuses, before Twilio has the text.
HELD = "held"  # staff text during quiet hours: sent when they end
WAITING = "waiting"  # due now (or after a retry's backoff)
SUBMITTING = "submitting"  # claimed by a worker, the request to Twilio under way
UNKNOWN = "unknown"  # the request may have reached Twilio; never sent again by itself
DUE = (HELD, WAITING)
#: Every status a text can have, by rank: Twilio's values as Twilio sends them, after ours.
RANK = {
    HELD: 0,
    WAITING: 0,
    SUBMITTING: 1,
    UNKNOWN: 2,
    "accepted": 3,
    "scheduled": 3,
    "queued": 4,
    "sending": 5,
    "sent": 6,
    "delivered": 7,
    "undelivered": 7,
    "failed": 7,
    "canceled": 7,
    "partially_delivered": 7,
    "read": 8,
}
FAILED = ("failed", "undelivered", "canceled")
#: Origins: a staff member (page or command), or a caller asking for the result by text.
STAFF = "staff"
CALLER = "caller"


class OutboundText(Base):
    """One text the service starts, from the moment it is asked for to Twilio's last report."""

    __tablename__ = "outbound_text"
    __table_args__ = (
        Index("ix_outbound_text_inquiry", "inquiry_id", "id"),
        Index("ix_outbound_text_conversation", "conversation_id"),
        Index("ix_outbound_text_due", "status", "send_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"))
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"))
    body: Mapped[str | None] = mapped_column(Text)  # erased by the purge
    origin: Mapped[str] = mapped_column(String(16))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    status: Mapped[str] = mapped_column(String(24))
    error_code: Mapped[str | None] = mapped_column(String(16))
    twilio_sid: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    send_after: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SendPace(Base):
    """One row: the next moment (seconds since the epoch) at which a text may go to Twilio,
    shared by every worker so ``TWILIO_SEND_RATE`` holds across them all."""

    __tablename__ = "send_pace"

    id: Mapped[int] = mapped_column(primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)


@dataclass(frozen=True)
class Target:
    """Whom a text about an inquiry goes to, and what the page must say about it."""

    inquiry_id: int
    conversation_id: int
    reference: str | None
    office: str | None
    language: str
    phone: str | None
    opted_out: bool


@dataclass(frozen=True)
class Claimed:
    """A text a worker holds the claim on: it alone may send it now."""

    id: int
    body: str
    phone: str | None
    origin: str
    opted_out: bool
    attempts: int


@dataclass(frozen=True)
class TextRow:
    """A text as staff see it in the inquiry's thread."""

    id: int
    body: str
    origin: str
    sent_by: str | None
    status: str
    error_code: str | None
    created_at: datetime
    status_at: datetime
    send_after: datetime


def target(inquiry_id: int) -> Target | None:
    with transaction():
        return _target(inquiry_id)


def _target(inquiry_id: int) -> Target | None:
    row = db.session.execute(
        select(
            Inquiry.id,
            Conversation.id,
            Inquiry.reference,
            Inquiry.office,
            Inquiry.language,
            Conversation.phone,
            Conversation.opted_out,
        )
        .join(Conversation, Conversation.id == Inquiry.conversation_id)
        .where(Inquiry.id == inquiry_id)
    ).first()
    return Target(*row) if row is not None else None


@statement
def _add_caller_text(dialect: str) -> Any:
    return (
        insert(OutboundText)
        .values(
            conversation_id=bindparam("thread"),
            inquiry_id=bindparam("inquiry"),
            body=bindparam("body"),
            # Written into the SQL: a compiled-once statement takes only named parameters.
            origin=literal_column(f"'{CALLER}'"),
            status=literal_column(f"'{WAITING}'"),
            attempts=literal_column("0"),
            send_after=bindparam("now"),
            created_at=bindparam("now"),
            status_at=bindparam("now"),
        )
        .returning(OutboundText.id)
    )


def add_caller_text(tx: Transaction, thread_id: int, inquiry_id: int, body: str) -> int:
    """A caller's own request for their result by text, stored in the call's transaction (so a
    repeated webhook never stores it twice): waiting, due at once, never held by quiet hours."""
    row = tx.one(_add_caller_text, thread=thread_id, inquiry=inquiry_id, body=body, now=tx.now)
    assert row is not None
    return int(row["id"])


def add(
    where: Target,
    body: str,
    origin: str,
    status: str,
    send_after: datetime,
    now: datetime,
    by: StaffUser | None = None,
    ip: str | None = None,
    audit_detail: str = "",
) -> int:
    """Store a new text (and, for a staff member, its audit entry) in one transaction; staff
    texts also mark the conversation, so the resident's answer goes to the office."""
    with transaction():
        text = OutboundText(
            conversation_id=where.conversation_id,
            inquiry_id=where.inquiry_id,
            body=body,
            origin=origin,
            staff_user_id=by.id if by is not None else None,
            status=status,
            send_after=send_after,
            created_at=now,
            status_at=now,
        )
        db.session.add(text)
        if origin == STAFF:
            db.session.execute(
                update(Conversation)
                .where(Conversation.id == where.conversation_id)
                .values(office_texted_at=now, office_inquiry_id=where.inquiry_id)
            )
        if by is not None:
            add_audit_event(
                by,
                "text",
                ip,
                inquiry_id=where.inquiry_id,
                reference=where.reference,
                detail=audit_detail,
            )
        db.session.flush()
        return text.id


def reserve_slot(now: float, gap: float) -> float:
    """Take the next free moment to send (seconds since the epoch) and move it on by ``gap``;
    one UPDATE, so workers in any process never take the same moment. The one row is made by
    the migration, and again here should it ever be missing."""
    latest = func.max if db.engine.dialect.name == "sqlite" else func.greatest
    later: Any = latest(SendPace.next_at, now)
    for _attempt in range(2):
        try:
            with transaction():
                taken = db.session.execute(
                    update(SendPace)
                    .where(SendPace.id == 1)
                    .values(next_at=later + gap)
                    .returning(SendPace.next_at)
                ).scalar_one_or_none()
                if taken is None:
                    db.session.add(SendPace(id=1, next_at=now + gap))
                    return now
            return float(taken) - gap
        except IntegrityError:
            continue  # another worker made the row at the same moment: take a slot after it
    raise RuntimeError("the send pace row could not be read or made")


def claim_next(now: datetime) -> Claimed | None:
    """Claim the oldest due text for this worker; ``None`` when nothing is due."""
    while True:
        with transaction():
            candidate = db.session.scalar(
                select(OutboundText.id)
                .where(OutboundText.status.in_(DUE), OutboundText.send_after <= now)
                .order_by(OutboundText.id)
                .limit(1)
            )
            if candidate is None:
                return None
            claimed = rows_updated(
                update(OutboundText)
                .where(OutboundText.id == candidate, OutboundText.status.in_(DUE))
                .values(
                    status=SUBMITTING,
                    claimed_at=now,
                    status_at=now,
                    attempts=OutboundText.attempts + 1,
                )
            )
            if claimed != 1:
                continue  # another worker took it first: look for the next one
            row = db.session.execute(
                select(
                    OutboundText.body,
                    Conversation.phone,
                    OutboundText.origin,
                    Conversation.opted_out,
                    OutboundText.attempts,
                )
                .join(Conversation, Conversation.id == OutboundText.conversation_id)
                .where(OutboundText.id == candidate)
            ).one()
            return Claimed(
                candidate, row.body or "", row.phone, row.origin, bool(row.opted_out), row.attempts
            )


def release(text_id: int, status: str, send_after: datetime, now: datetime) -> None:
    """Give a claimed text back, due at ``send_after``: held for quiet hours, or waiting again
    after Twilio answered 429 or 503 (so nothing was accepted)."""
    with transaction():
        db.session.execute(
            update(OutboundText)
            .where(OutboundText.id == text_id, OutboundText.status == SUBMITTING)
            .values(status=status, send_after=send_after, status_at=now, claimed_at=None)
        )


def record(
    text_id: int,
    status: str,
    now: datetime,
    error_code: str | None = None,
    twilio_sid: str | None = None,
) -> bool:
    """Move a text to ``status`` unless it already stands as far or further; ``False`` for a
    text that does not exist. Twilio's id is kept whenever it is given."""
    with transaction():
        current = db.session.execute(
            select(OutboundText.status).where(OutboundText.id == text_id).with_for_update()
        ).scalar_one_or_none()
        if current is None:
            return False
        values: dict[str, object] = {}
        if twilio_sid:
            values["twilio_sid"] = twilio_sid
        if RANK.get(status, 0) > RANK.get(current, 0):
            values |= {"status": status, "status_at": now}
            values["error_code"] = error_code if status in (*FAILED, UNKNOWN) else None
        if values:
            db.session.execute(
                update(OutboundText).where(OutboundText.id == text_id).values(**values)
            )
    return True


def give_up_stale(claimed_before: datetime, now: datetime) -> int:
    """Texts still ``submitting`` since before ``claimed_before`` lost their worker mid-send:
    ``unknown`` now, for staff to see and decide; how many."""
    with transaction():
        return rows_updated(
            update(OutboundText)
            .where(
                OutboundText.status == SUBMITTING,
                or_(OutboundText.claimed_at.is_(None), OutboundText.claimed_at < claimed_before),
            )
            .values(status=UNKNOWN, status_at=now, error_code="worker_lost")
        )


def due_count(now: datetime) -> int:
    """Texts due now. A short transaction of its own: on SQLite every transaction holds the
    write lock, and a worker must not keep it while it waits for anything."""
    with transaction():
        return (
            db.session.scalar(
                select(func.count(OutboundText.id)).where(
                    OutboundText.status.in_(DUE), OutboundText.send_after <= now
                )
            )
            or 0
        )


def status_of(text_id: int) -> str | None:
    with transaction():
        return db.session.scalar(select(OutboundText.status).where(OutboundText.id == text_id))


def for_inquiry(inquiry_id: int) -> list[TextRow]:
    """An inquiry's texts, oldest first, with who sent each."""
    rows = db.session.execute(
        select(
            OutboundText.id,
            OutboundText.body,
            OutboundText.origin,
            StaffUser.email,
            OutboundText.status,
            OutboundText.error_code,
            OutboundText.created_at,
            OutboundText.status_at,
            OutboundText.send_after,
        )
        .outerjoin(StaffUser, StaffUser.id == OutboundText.staff_user_id)
        .where(OutboundText.inquiry_id == inquiry_id)
        .order_by(OutboundText.id)
    ).all()
    return [
        TextRow(i, body or "", origin, email, status, error, created, status_at, after)
        for i, body, origin, email, status, error, created, status_at, after in rows
    ]


def mark_read(inquiry_id: int) -> None:
    """Staff opened the inquiry: its residents' replies are read."""
    with transaction():
        db.session.execute(
            update(Inquiry)
            .where(and_(Inquiry.id == inquiry_id, Inquiry.unread_replies > 0))
            .values(unread_replies=0)
        )


def counts(inquiry_ids: object) -> dict[str, int]:
    """Texts to residents among some inquiries (a subquery of ids): sent and failed."""
    rows = db.session.execute(
        select(OutboundText.status, func.count(OutboundText.id))
        .where(OutboundText.inquiry_id.in_(inquiry_ids))  # type: ignore[arg-type]
        .group_by(OutboundText.status)
    ).all()
    by_status = {status: count for status, count in rows}
    sent = sum(n for s, n in by_status.items() if RANK.get(s, 0) >= RANK["accepted"])
    failed = sum(n for s, n in by_status.items() if s in FAILED)
    return {"sent": sent - failed, "failed": failed, "unknown": by_status.get(UNKNOWN, 0)}


def erase_bodies(inquiry_ids: object) -> int:
    """The purge: texts about these inquiries keep their status, not their words, nor Twilio's
    id for them (Twilio's own logs tie that id to the number)."""
    return rows_updated(
        update(OutboundText)
        .where(
            OutboundText.inquiry_id.in_(inquiry_ids),  # type: ignore[arg-type]
            or_(OutboundText.body.is_not(None), OutboundText.twilio_sid.is_not(None)),
        )
        .values(body=None, twilio_sid=None)
    )


STALE_CLAIM = timedelta(minutes=2)
