"""The audit trail: one tamper-evident chain of who did what, and its anchor. Owner of the
``audit_event`` and ``audit_anchor`` tables.

Each entry holds an HMAC (keyed by ``AUDIT_KEY``, which is kept outside the database) over its
own content and the previous entry's HMAC, so editing, removing or reordering an entry breaks
the chain from there on, and nobody who can write to the database but lacks the key can mend
it. Entries are appended under a lock on the anchor row (SQLite takes its write lock when the
transaction begins), so concurrent writers cannot fork the chain. The anchor records where the
chain starts after old entries were deleted (``trim``) and where it ends, and has an HMAC of its
own, so cutting entries off either end is noticed too.

Entries name records by id (the inquiry, its reference, the staff account) and never copy
personal content: no phone numbers, message bodies or notes. ``add_audit_event`` joins its
caller's transaction, so that an action and its record are saved together or not at all.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, String, Text, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from bot import clock
from bot.storage.db import Base, db, rows_deleted
from bot.storage.models import utcnow
from bot.storage.transactions import transaction

ANCHOR_ID = 1
_keys: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()


class AuditKeyMissingError(RuntimeError):
    """Appending or verifying needs ``AUDIT_KEY``; the message says how to set it."""


class AuditEvent(Base):
    """One entry: a staff action on residents' records or on accounts, a sign-in or sign-out."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_created", "created_at"),
        Index("ix_audit_event_reference", "reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Who did it; none for a command run on the server.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    inquiry_id: Mapped[int | None] = mapped_column()
    reference: Mapped[str | None] = mapped_column(String(16))
    inquiry_refs: Mapped[list[str] | None] = mapped_column(JSON)  # an export's references
    target_user_id: Mapped[int | None] = mapped_column()  # the account an admin changed
    detail: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)  # place in the chain
    mac: Mapped[str | None] = mapped_column(String(64))


class AuditAnchor(Base):
    """The chain's two ends: after which entry it starts (older ones deleted) and its last."""

    __tablename__ = "audit_anchor"

    id: Mapped[int] = mapped_column(primary_key=True)
    after_seq: Mapped[int] = mapped_column(BigInteger)
    after_mac: Mapped[str] = mapped_column(String(64))
    head_seq: Mapped[int] = mapped_column(BigInteger)
    head_mac: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))  # "" until the first entry is chained


def use_key(engine: Engine, key: str | None) -> None:
    """Key the chain of the database behind ``engine`` (apps built side by side share nothing)."""
    if key:
        _keys[engine] = key.encode()
    else:
        _keys.pop(engine, None)


def _key() -> bytes:
    key = _keys.get(db.engine)
    if key is None:
        raise AuditKeyMissingError(
            "AUDIT_KEY is not set: the audit trail cannot be written or checked without it "
            "(see README, 'Configuration')."
        )
    return key


def _moment(value: datetime) -> str:
    return clock.as_utc(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content(event: AuditEvent) -> str:
    """What an entry's HMAC covers, written the same way on every database."""
    return json.dumps(
        {
            "seq": event.seq,
            "at": _moment(event.created_at),
            "user": event.user_id,
            "action": event.action,
            "inquiry": event.inquiry_id,
            "reference": event.reference,
            "references": list(event.inquiry_refs) if event.inquiry_refs is not None else None,
            "target": event.target_user_id,
            "detail": event.detail,
            "ip": event.ip,
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def _mac(key: bytes, previous: str, text: str) -> str:
    return hmac.new(key, f"{previous}\n{text}".encode(), hashlib.sha256).hexdigest()


def _anchor_text(anchor: AuditAnchor) -> str:
    return f"anchor:{anchor.after_seq}:{anchor.after_mac}:{anchor.head_seq}:{anchor.head_mac}"


def _seal(anchor: AuditAnchor, key: bytes) -> None:
    anchor.mac = _mac(key, "", _anchor_text(anchor))


def _locked_anchor() -> AuditAnchor:
    """The anchor row, locked until the caller's transaction ends (SQLite: already locked)."""
    return db.session.scalars(
        select(AuditAnchor).where(AuditAnchor.id == ANCHOR_ID).with_for_update()
    ).one()


def _chain(event: AuditEvent, anchor: AuditAnchor, key: bytes) -> None:
    event.seq = anchor.head_seq + 1
    event.mac = _mac(key, anchor.head_mac, content(event))
    anchor.head_seq, anchor.head_mac = event.seq, event.mac


def _chain_older_entries(anchor: AuditAnchor, key: bytes) -> None:
    """Entries written before the trail was a chain join it once, oldest first."""
    for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.seq.is_(None)).order_by(AuditEvent.id)
    ):
        _chain(event, anchor, key)


def add_audit_event(
    user: object | None, action: str, ip: str | None, detail: str = "", **fields: object
) -> AuditEvent:
    """Append one entry to the chain in the caller's transaction, to be saved with the action
    it records. ``user`` is the staff account that acted (anything with an ``id``), or
    ``None`` for a command run on the server."""
    key = _key()
    anchor = _locked_anchor()
    if not anchor.mac:
        _chain_older_entries(anchor, key)
    event = AuditEvent(
        user_id=getattr(user, "id", None),
        action=action,
        ip=ip,
        created_at=clock.now(),
        detail=detail,
        **fields,
    )
    _chain(event, anchor, key)
    _seal(anchor, key)
    db.session.add(event)
    return event


def record(
    user: object | None, action: str, ip: str | None, detail: str = "", **fields: object
) -> None:
    """Append one entry in a transaction of its own (a sign-in, a sign-out)."""
    with transaction():
        add_audit_event(user, action, ip, detail, **fields)


@dataclass(frozen=True)
class Verdict:
    """What ``verify`` found: ``broken`` names the first bad link, ``None`` when intact."""

    entries: int
    first_seq: int
    last_seq: int
    head_mac: str
    broken: str | None


def _entries(after_seq: int) -> Iterator[AuditEvent]:
    statement = (
        select(AuditEvent)
        .where((AuditEvent.seq > after_seq) | AuditEvent.seq.is_(None))
        .order_by(AuditEvent.seq.is_(None), AuditEvent.seq, AuditEvent.id)
        .execution_options(yield_per=500)
    )
    yield from db.session.scalars(statement)


def verify() -> Verdict:
    """Walk the chain from the anchor and name the first entry that does not fit."""
    key = _key()
    anchor = db.session.get(AuditAnchor, ANCHOR_ID)
    if anchor is None:
        return Verdict(0, 0, 0, "", "the anchor row is missing")
    sealed = bool(anchor.mac)
    if sealed and not hmac.compare_digest(anchor.mac, _mac(key, "", _anchor_text(anchor))):
        return Verdict(0, 0, 0, "", "the anchor was changed (its HMAC does not match)")
    previous_seq, previous_mac, count = anchor.after_seq, anchor.after_mac, 0
    for event in _entries(anchor.after_seq):
        where = f"entry #{event.seq} (id {event.id})"
        if event.seq is None:
            if sealed:
                return Verdict(count, anchor.after_seq + 1, previous_seq, previous_mac,
                               f"entry id {event.id} is outside the chain")  # fmt: skip
            continue  # written before the chain began; chained on the next append
        if event.seq != previous_seq + 1:
            return Verdict(
                count,
                anchor.after_seq + 1,
                previous_seq,
                previous_mac,
                f"entry #{previous_seq + 1} is missing (the next is {where})",
            )
        expected = _mac(key, previous_mac, content(event))
        if not hmac.compare_digest(event.mac or "", expected):
            return Verdict(
                count,
                anchor.after_seq + 1,
                previous_seq,
                previous_mac,
                f"{where} was changed (its HMAC does not match)",
            )
        previous_seq, previous_mac, count = event.seq, expected, count + 1
    if sealed and (previous_seq, previous_mac) != (anchor.head_seq, anchor.head_mac):
        return Verdict(
            count,
            anchor.after_seq + 1,
            previous_seq,
            previous_mac,
            f"entries after #{previous_seq} are missing (the chain ended at #{anchor.head_seq})",
        )
    return Verdict(count, anchor.after_seq + 1, previous_seq, previous_mac, None)


def trim(before: datetime) -> int:
    """Delete the entries older than ``before``, from the start of the chain, and move the
    anchor past them, so ``verify`` still checks everything that is left."""
    key = _key()
    with transaction():
        anchor = _locked_anchor()
        last = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.created_at < before, AuditEvent.seq.is_not(None))
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        ).first()
        if last is None or last.seq is None:
            return 0
        last_seq, last_mac = last.seq, last.mac or ""
        deleted = rows_deleted(delete(AuditEvent).where(AuditEvent.seq <= last_seq))
        anchor.after_seq, anchor.after_mac = last_seq, last_mac
        _seal(anchor, key)
        return deleted


@dataclass(frozen=True)
class AuditRow:
    created_at: datetime
    email: str
    action: str
    references: list[str]
    target: str | None
    detail: str
    ip: str | None
