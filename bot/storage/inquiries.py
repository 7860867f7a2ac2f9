"""The staff side's reads and writes of residents' inquiries, scoped to what the viewer may see.

Staff see the finished inquiries routed to their own office; admins see every office's. The
scope is applied here, in one function, so that no page can forget it: an inquiry outside it
is simply not found, exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, false, func, select

from bot import clock
from bot.storage import outbound_texts
from bot.storage.db import db
from bot.storage.filters import PAGE_SIZE, Filters, Page, SearchKind, last_page_number
from bot.storage.models import Conversation, Inquiry, Message
from bot.storage.staff import StaffUser, add_audit_event
from bot.storage.transactions import transaction

#: The statuses staff may give an inquiry; ``bot.staff.labels`` has their words.
STATUSES = ("new", "contacted", "resolved")
#: Inquiries per read of an export: few enough to hold in memory, and a short hold of the lock.
EXPORT_CHUNK = 500


@dataclass(frozen=True)
class InquiryRow:
    id: int
    reference: str
    created_at: datetime
    channel: str
    outcome: str | None
    office: str | None
    status: str
    unread_replies: int = 0  # residents' answers to the office's texts, not yet opened
    callback_requested_at: datetime | None = None  # a caller asked the office to call back


@dataclass(frozen=True)
class MessageRow:
    direction: str
    body: str
    created_at: datetime
    delivery_status: str | None = None
    error_code: str | None = None

    @property
    def undelivered(self) -> bool:
        return self.delivery_status in ("undelivered", "failed")


@dataclass(frozen=True)
class InquiryDetail:
    id: int
    reference: str
    created_at: datetime
    channel: str
    language: str
    phone: str | None
    answers: dict[str, Any]
    outcome: str | None
    reasons: list[str]
    office: str | None
    status: str
    notes: str
    callback_requested_at: datetime | None = None  # a caller asked the office to call back


@dataclass(frozen=True)
class Scope:
    """Whose inquiries a viewer may read: their office's, or every office's for an admin.

    Plain data rather than the account row, so that it outlives the request's database
    session (a streamed export reads after the view has returned).
    """

    office: str
    is_admin: bool

    @classmethod
    def of(cls, user: StaffUser) -> Scope:
        return cls(user.office, user.is_admin)


def scoped(statement: Select, viewer: Scope) -> Select:
    """Limit a query on ``Inquiry`` to finished checks the viewer's office may see."""
    statement = statement.where(Inquiry.reference.is_not(None))
    if not viewer.is_admin:
        statement = statement.where(Inquiry.office == viewer.office)
    return statement


def _start_of_day(day: date) -> datetime:
    """Midnight in the county, as UTC: staff mean their own calendar days."""
    return datetime.combine(day, time(), clock.COUNTY_TIME).astimezone(UTC)


def _search(statement: Select, filters: Filters) -> Select:
    search = filters.search
    if search.kind is SearchKind.REFERENCE:
        return statement.where(Inquiry.reference == search.value)
    if search.kind is SearchKind.PHONE:
        by_phone = select(Conversation.id).where(Conversation.phone == search.value)
        return statement.where(Inquiry.conversation_id.in_(by_phone))
    return statement


def filtered(statement: Select, viewer: Scope, filters: Filters) -> Select:
    """Apply the scope, then the filters; a typo in the search finds nothing."""
    statement = _search(scoped(statement, viewer), filters)
    if filters.finds_nothing:
        statement = statement.where(false())
    for column, value in (
        (Inquiry.office, filters.office),
        (Inquiry.outcome, filters.outcome),
        (Inquiry.status, filters.status),
        (Inquiry.channel, filters.channel),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if filters.start is not None:
        statement = statement.where(Inquiry.created_at >= _start_of_day(filters.start))
    if filters.end is not None:
        end = _start_of_day(filters.end + timedelta(days=1))
        statement = statement.where(Inquiry.created_at < end)
    return statement


NEWEST_FIRST = (Inquiry.created_at.desc(), Inquiry.id.desc())


def inquiry_page(viewer: Scope, filters: Filters, number: int, size: int = PAGE_SIZE) -> Page:
    """A page of the inquiries the viewer may see, newest first."""
    total = db.session.scalar(filtered(select(func.count(Inquiry.id)), viewer, filters)) or 0
    number = min(number, last_page_number(total, size))
    rows = db.session.execute(
        filtered(
            select(
                Inquiry.id,
                Inquiry.reference,
                Inquiry.created_at,
                Inquiry.channel,
                Inquiry.outcome,
                Inquiry.office,
                Inquiry.status,
                Inquiry.unread_replies,
                Inquiry.callback_requested_at,
            ),
            viewer,
            filters,
        )
        .order_by(*NEWEST_FIRST)
        .limit(size)
        .offset((number - 1) * size)
    ).all()
    return Page([InquiryRow(*row) for row in rows], total, number, size)


def find_inquiry(viewer: Scope, reference: str) -> InquiryDetail | None:
    """One inquiry by its canonical reference, or ``None`` when missing or out of scope."""
    row = db.session.execute(
        scoped(
            select(Inquiry, Conversation.phone).join(Conversation),
            viewer,
        ).where(Inquiry.reference == reference)
    ).first()
    if row is None:
        return None
    inquiry, phone = row
    return InquiryDetail(
        id=inquiry.id,
        reference=inquiry.reference or "",
        created_at=inquiry.created_at,
        channel=inquiry.channel,
        language=inquiry.language,
        phone=phone,  # None where the channel has no number (a web chat)
        answers=dict(inquiry.answers or {}),
        outcome=inquiry.outcome,
        reasons=list(inquiry.reasons or []),
        office=inquiry.office,
        status=inquiry.status,
        notes=inquiry.notes or "",
        callback_requested_at=inquiry.callback_requested_at,
    )


def transcript(inquiry_id: int) -> list[MessageRow]:
    """Both sides of an inquiry's thread, merged in the order they were sent."""
    rows = db.session.execute(
        select(
            Message.direction,
            Message.body,
            Message.created_at,
            Message.delivery_status,
            Message.error_code,
        )
        .where(Message.inquiry_id == inquiry_id)
        .order_by(Message.created_at, Message.id)
    ).all()
    return [
        MessageRow(direction, body or "", created_at, status, error)
        for direction, body, created_at, status, error in rows
    ]


def update_inquiry(
    user: StaffUser, inquiry_id: int, status: str, notes: str, ip: str | None
) -> None:
    """Save staff's status and notes on an inquiry, with an audit event saying what changed.

    One transaction, so the change and its audit event are saved together or not at all.
    """
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    with transaction():
        inquiry = db.session.scalars(
            select(Inquiry).where(Inquiry.id == inquiry_id).with_for_update()
        ).one()
        changes = []
        if inquiry.status != status:
            changes.append(f"status {inquiry.status} -> {status}")
        if (inquiry.notes or "") != notes:
            changes.append("notes edited")
        inquiry.status = status
        inquiry.notes = notes
        inquiry.updated_at = clock.now()
        detail = "; ".join(changes) or "no change"
        add_audit_event(
            user, "update", ip, inquiry_id=inquiry.id, reference=inquiry.reference, detail=detail
        )


def export_targets(viewer: Scope, filters: Filters) -> list[tuple[int, str]]:
    """The (id, reference) of every inquiry an export with these filters holds, in order."""
    rows = db.session.execute(
        filtered(select(Inquiry.id, Inquiry.reference), viewer, filters).order_by(*NEWEST_FIRST)
    ).all()
    return [(inquiry_id, ref) for inquiry_id, ref in rows]


@dataclass(frozen=True)
class ExportRow:
    reference: str
    created_at: datetime
    completed_at: datetime | None
    channel: str
    language: str
    phone: str | None
    outcome: str | None
    reasons: list[str]
    office: str | None
    status: str
    notes: str
    answers: dict[str, Any]
    messages: list[MessageRow]


def export_rows(viewer: Scope, ids: Sequence[int], bodies: bool) -> list[ExportRow]:
    """The rows for some of an export's inquiries, in the order of ``ids``, still scoped."""
    found = db.session.execute(
        scoped(select(Inquiry, Conversation.phone).join(Conversation), viewer).where(
            Inquiry.id.in_(ids)
        )
    ).all()
    by_id = {inquiry.id: (inquiry, phone) for inquiry, phone in found}
    threads = _threads(ids) if bodies else {}
    rows = []
    for inquiry_id in ids:
        if inquiry_id not in by_id:
            continue
        inquiry, phone = by_id[inquiry_id]
        rows.append(
            ExportRow(
                reference=inquiry.reference or "",
                created_at=inquiry.created_at,
                completed_at=inquiry.completed_at,
                channel=inquiry.channel,
                language=inquiry.language,
                phone=phone,  # None where the channel has no number (a web chat)
                outcome=inquiry.outcome,
                reasons=list(inquiry.reasons or []),
                office=inquiry.office,
                status=inquiry.status,
                notes=inquiry.notes or "",
                answers=dict(inquiry.answers or {}),
                messages=threads.get(inquiry_id, []),
            )
        )
    return rows


def export_chunks(
    viewer: Scope, ids: Sequence[int], bodies: bool, size: int = EXPORT_CHUNK
) -> Iterator[list[ExportRow]]:
    """An export's rows a chunk at a time, each chunk its own short read.

    The read ends before the chunk is handed on, so SQLite's lock is not held while the client
    downloads: a large export neither fills memory nor holds the database.
    """
    for start in range(0, len(ids), size):
        rows = export_rows(viewer, ids[start : start + size], bodies)
        db.session.rollback()  # a read only: nothing to keep, only the lock to release
        yield rows


def _threads(ids: Sequence[int]) -> dict[int, list[MessageRow]]:
    rows = db.session.execute(
        select(Message.inquiry_id, Message.direction, Message.body, Message.created_at)
        .where(Message.inquiry_id.in_(ids))
        .order_by(Message.inquiry_id, Message.created_at, Message.id)
    ).all()
    threads: dict[int, list[MessageRow]] = {}
    for inquiry_id, direction, body, created_at in rows:
        threads.setdefault(inquiry_id, []).append(MessageRow(direction, body or "", created_at))
    return threads


#: The columns the figures count by, named so that callers need no model.
COUNTABLE = {"outcome": Inquiry.outcome, "office": Inquiry.office, "channel": Inquiry.channel}


def counts_by(name: str, viewer: Scope, filters: Filters) -> dict[str, int]:
    """How many inquiries have each value of one of the ``COUNTABLE`` columns."""
    column = COUNTABLE[name]
    rows = db.session.execute(
        filtered(select(column, func.count(Inquiry.id)), viewer, filters).group_by(column)
    ).all()
    return {str(value): count for value, count in rows}


def undelivered_replies(viewer: Scope, filters: Filters) -> int:
    """Replies Twilio could not deliver (a landline, a blocked number) among visible checks."""
    visible = filtered(select(Inquiry.id), viewer, filters)
    count = db.session.scalar(
        select(func.count(Message.id)).where(
            Message.inquiry_id.in_(visible.scalar_subquery()),
            Message.delivery_status.in_(("undelivered", "failed")),
        )
    )
    return count or 0  # COUNT always gives a row; the session's types allow for none


def text_counts(viewer: Scope, filters: Filters) -> dict[str, int]:
    """Texts the service started about the visible checks: sent, failed, unknown."""
    visible = filtered(select(Inquiry.id), viewer, filters)
    return outbound_texts.counts(visible.scalar_subquery())


def created_times(viewer: Scope, filters: Filters) -> list[datetime]:
    """When each inquiry was created, for counting by week in the county's time."""
    return list(db.session.scalars(filtered(select(Inquiry.created_at), viewer, filters)))
