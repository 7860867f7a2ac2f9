"""Phone calls: the ``voice_call`` and ``voice_step`` tables, and every read and write of them.

A call is one conversation of its own (never the number's text thread), so two calls at once
from one number, or a call while the same number is texting, never share a state. The call row
ties Twilio's ``CallSid`` to that conversation and keeps what only a call has: how many times
in a row nothing was heard, how many answers to the current question were not understood, and
how the call ended and how long it took (Twilio's status callback).

``voice_step`` keeps the TwiML of each webhook a call has had answered, by its step number, so
that Twilio repeating a webhook gets exactly the same TwiML and changes nothing. The steps are
dropped when Twilio reports the call over; nothing else reads them.

Each function takes the open ``Transaction`` of one webhook (``bot.storage.transactions``), like
``bot.storage.conversations`` does for texts.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    Select,
    String,
    Text,
    bindparam,
    delete,
    exists,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.conversations import (
    THREAD_COLUMNS,
    Thread,
    _insert,
    _table,
    _thread,
    new_token_thread,
)
from bot.storage.db import Base, db
from bot.storage.models import Conversation, Inquiry, OptOut, utcnow
from bot.storage.statements import Statement, statement
from bot.storage.transactions import Transaction


class VoiceCall(Base):
    """One phone call: Twilio's id for it, its conversation, and what only a call has."""

    __tablename__ = "voice_call"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"), index=True)
    # Nothing heard this many times in a row; answers to the current question not understood.
    silences: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    misses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Twilio's CallStatus when the call ended (completed, busy, no-answer, failed, canceled).
    status: Mapped[str | None] = mapped_column(String(16))
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class VoiceStep(Base):
    """The TwiML one webhook of a call was answered with, kept while the call lasts."""

    __tablename__ = "voice_step"
    __table_args__ = (PrimaryKeyConstraint("call_id", "step"),)

    call_id: Mapped[int] = mapped_column(ForeignKey("voice_call.id"))
    step: Mapped[int] = mapped_column(Integer)
    twiml: Mapped[str] = mapped_column(Text)


voice_call = _table(VoiceCall)
voice_step = _table(VoiceStep)
conversation = _table(Conversation)
inquiry = _table(Inquiry)
opt_out = _table(OptOut)


@statement
def _find_call(dialect: str) -> Any:
    v, c = voice_call.c, conversation.c
    found = (
        select(v.id.label("call_id"), v.silences, v.misses, c.phone, *THREAD_COLUMNS)
        .join_from(voice_call, conversation, c.id == v.conversation_id)
        .where(v.call_sid == bindparam("sid"))
    )
    # SQLite's write transaction (BEGIN IMMEDIATE) already serialises; PostgreSQL locks the rows.
    return found.with_for_update() if dialect == "postgresql" else found


@statement
def _new_call(dialect: str) -> Any:
    return (
        _insert(dialect, voice_call)
        .values(
            call_sid=bindparam("sid"),
            conversation_id=bindparam("thread"),
            silences=literal_column("0"),
            misses=literal_column("0"),
            created_at=bindparam("now"),
        )
        .returning(voice_call.c.id)
    )


@statement
def _stored_step(dialect: str) -> Any:
    s = voice_step.c
    return select(s.twiml).where(s.call_id == bindparam("call"), s.step == bindparam("step"))


@statement
def _store_step(dialect: str) -> Any:
    return _insert(dialect, voice_step).values(
        call_id=bindparam("call"), step=bindparam("step"), twiml=bindparam("twiml")
    )


@statement
def _count(dialect: str) -> Any:
    v = voice_call.c
    return (
        update(voice_call)
        .where(v.id == bindparam("call"))
        .values(silences=bindparam("silences"), misses=bindparam("misses"))
    )


@statement
def _opted_out(dialect: str) -> Any:
    c = conversation.c
    texting = exists().where(c.phone_hash == bindparam("phone_hash"), c.opted_out.is_(True))
    remembered = exists().where(opt_out.c.phone_hash == bindparam("phone_hash"))
    return select(or_(texting, remembered).label("opted_out"))


@statement
def _request_callback(dialect: str) -> Any:
    i = inquiry.c
    return (
        update(inquiry)
        .where(i.id == bindparam("inquiry"), i.callback_requested_at.is_(None))
        .values(callback_requested_at=bindparam("now"), updated_at=bindparam("now"))
    )


@statement
def _ended(dialect: str) -> Any:
    v = voice_call.c
    return (
        update(voice_call)
        .where(v.call_sid == bindparam("sid"))
        .values(
            status=bindparam("status"),
            duration_seconds=bindparam("duration"),
            ended_at=bindparam("now"),
        )
        .returning(v.id)
    )


@statement
def _forget_steps(dialect: str) -> Any:
    return delete(voice_step).where(voice_step.c.call_id == bindparam("call"))


@dataclass(frozen=True)
class Call:
    """A call as one webhook needs it: its row, its conversation (locked) and the caller."""

    id: int
    thread: Thread
    phone: str | None  # the caller in E.164; ``None`` when the number was withheld
    silences: int
    misses: int


def find_call(tx: Transaction, channel: str, call_sid: str) -> Call | None:
    """The call with this ``CallSid`` and its conversation, locked for the transaction."""
    row = tx.one(_find_call, sid=call_sid)
    if row is None:
        return None
    return Call(
        row["call_id"], _thread(tx, row, channel), row["phone"], row["silences"], row["misses"]
    )


def new_call(
    tx: Transaction, channel: str, call_sid: str, phone: str | None, token: str, language: str
) -> Call:
    """A new call on a conversation of its own; the number is kept for staff, never hashed, so
    the call never becomes the number's text thread."""
    thread = new_token_thread(tx, channel, token, language, phone)
    call_row = tx.one(_new_call, sid=call_sid, thread=thread.id, now=tx.now)
    assert call_row is not None
    return Call(call_row["id"], thread, phone, 0, 0)


def stored_step(tx: Transaction, call: Call, step: int) -> str | None:
    """The TwiML this step was answered with before, if it was."""
    row = tx.one(_stored_step, call=call.id, step=step)
    return row["twiml"] if row is not None else None


def store_step(tx: Transaction, call: Call, step: int, twiml: str) -> None:
    tx.run(_store_step, call=call.id, step=step, twiml=twiml)


def count(tx: Transaction, call: Call, silences: int, misses: int) -> None:
    """Keep the call's counts of silences in a row and of answers not understood."""
    if (silences, misses) != (call.silences, call.misses):
        tx.run(_count, call=call.id, silences=silences, misses=misses)


def number_opted_out(tx: Transaction, phone_hash: str) -> bool:
    """Whether the number opted out of texts (STOP on its text thread, or remembered past a
    purge in ``opt_out``)."""
    row = tx.one(_opted_out, phone_hash=phone_hash)
    return bool(row and row["opted_out"])


def request_callback(tx: Transaction, inquiry_id: int) -> None:
    """Mark the inquiry as asking for a call back; the first request's time is kept."""
    tx.run(_request_callback, inquiry=inquiry_id, now=tx.now)


def call_ended(tx: Transaction, call_sid: str, status: str, duration: int | None) -> bool:
    """Record how the call ended and how long it took, and drop its kept TwiML; ``False`` for a
    call we never answered."""
    row = tx.one(_ended, sid=call_sid, status=status, duration=duration, now=tx.now)
    if row is None:
        return False
    tx.run(_forget_steps, call=row["id"])
    return True


#: A call's TwiML is kept this long at most, in case Twilio never reports the call's end
#: (calls last at most 4 hours).
STEPS_KEPT = timedelta(days=1)


#: How a call's Twilio id starts once the purge has replaced it.
ERASED_CALL_ID = "erased-"


def forget_call_ids(conversation_ids: Select[int]) -> None:
    """The purge: these conversations' calls keep how they ended, not Twilio's id for them
    (Twilio's logs tie it to the caller's number). The column is unique and required, so each
    gets a random stand-in that no webhook will ever name."""
    for call in db.session.scalars(
        select(VoiceCall).where(
            VoiceCall.conversation_id.in_(conversation_ids),
            VoiceCall.call_sid.not_like(f"{ERASED_CALL_ID}%"),
        )
    ):
        call.call_sid = f"{ERASED_CALL_ID}{secrets.token_hex(16)}"


def forget_steps_before(moment: datetime) -> None:
    """Drop the kept TwiML of calls that began before ``moment`` (run by the purge)."""
    begun = select(VoiceCall.id).where(VoiceCall.created_at < moment)
    db.session.execute(delete(VoiceStep).where(VoiceStep.call_id.in_(begun)))


@dataclass(frozen=True)
class CallSummary:
    """How a call ended, for staff reading its inquiry."""

    status: str | None  # Twilio's CallStatus once it ended; ``None`` while none was reported
    duration_seconds: int | None


def call_summary(inquiry_id: int) -> CallSummary | None:
    """The call an inquiry came from, or ``None`` for an inquiry of another channel."""
    row = db.session.execute(
        select(VoiceCall.status, VoiceCall.duration_seconds)
        .join(Inquiry, Inquiry.conversation_id == VoiceCall.conversation_id)
        .where(Inquiry.id == inquiry_id)
    ).first()
    return CallSummary(row.status, row.duration_seconds) if row is not None else None


#: Every hot-path statement by name (the query-plan tests may read each one).
STATEMENTS = {
    name.lstrip("_"): value
    for name, value in list(globals().items())
    if isinstance(value, Statement)
}
