"""The staff side's writes to residents' records, and the audit trail of every read of them.

Each function is one transaction (``bot.storage.transactions``): the update of an inquiry and
its audit event are saved together or not at all.
"""

from __future__ import annotations

from sqlalchemy import select

from bot import clock
from bot.staff.labels import STATUSES
from bot.storage.db import db
from bot.storage.models import Inquiry
from bot.storage.staff import AuditEvent, StaffUser
from bot.storage.transactions import transaction


def _event(
    user: StaffUser, action: str, ip: str | None, detail: str = "", **fields: object
) -> AuditEvent:
    event = AuditEvent(
        user_id=user.id, action=action, ip=ip, created_at=clock.now(), detail=detail, **fields
    )
    db.session.add(event)
    return event


def record_view(user: StaffUser, inquiry_id: int, reference: str, ip: str | None) -> None:
    """Note that ``user`` opened an inquiry's record."""
    with transaction():
        _event(user, "view", ip, inquiry_id=inquiry_id, reference=reference)


def record_export(user: StaffUser, references: list[str], description: str, ip: str | None) -> None:
    """Note an export: the filters in words and every reference it holds."""
    with transaction():
        _event(user, "export", ip, inquiry_refs=references, detail=description)


def update_inquiry(
    user: StaffUser, inquiry_id: int, status: str, notes: str, ip: str | None
) -> None:
    """Save staff's status and notes on an inquiry, with an audit event saying what changed."""
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
        _event(
            user, "update", ip, inquiry_id=inquiry.id, reference=inquiry.reference, detail=detail
        )
