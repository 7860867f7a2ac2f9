"""The residents' records as a conversation writes them: the owner of the conversation, inquiry
and message tables on the hot path, and of delivery reports on our replies. It reads the opt-out
table (``models.OptOut``, written by the purge) only to start a number's new thread opted out.

Each function takes the open ``Transaction`` of one incoming message (``bot.storage.transactions``)
and runs one or two precompiled statements; the service decides what to run and in which order.
Rows come back as dictionaries read by column name.

What a conversation knows is stored once: the engine's progress (question, history) in
``conversation.state``, the language and the opt-out in their own columns, and the answers and
reference on the inquiry, where staff read them. A phone's thread is found by the keyed hash of
its number; the purge takes that hash off the thread, and an opt-out outlives it in ``opt_out``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Table,
    Text,
    and_,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    literal_column,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from bot import clock
from bot.storage.db import Base, db
from bot.storage.models import Conversation, Inquiry, Message, OptOut
from bot.storage.statements import Statement, postgresql_statement, statement
from bot.storage.transactions import Row, Transaction, transaction


def _table(model: type[Base]) -> Table:
    """A model's table. ``__table__`` is typed as anything a class can be mapped to; every model
    here names its ``__tablename__``, so it is a ``Table``."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


conversation = _table(Conversation)
inquiry = _table(Inquiry)
message = _table(Message)
opt_out = _table(OptOut)
MINUTE = timedelta(minutes=1)


def _insert(dialect: str, table: Any) -> Any:
    """The dialect's INSERT, which knows ``ON CONFLICT``."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _json(name: str) -> Any:
    """A JSON parameter passed as text: PostgreSQL casts it; SQLite stores the text."""
    return bindparam(name, type_=JSON)


THREAD_COLUMNS = (
    conversation.c.id,
    conversation.c.state,
    conversation.c.updated_at,
    conversation.c.inquiry_id,
    conversation.c.language,
    conversation.c.opted_out,
    conversation.c.office_texted_at,
    conversation.c.office_inquiry_id,
    conversation.c.office_acked_at,
)


@statement
def _lock_phone_thread(dialect: str) -> Any:
    """The phone's thread as ``_phone_upsert`` finds or starts it, with its current inquiry's
    answers in the same statement (``answers_of`` is that inquiry's id when they were read).

    On PostgreSQL the inquiry is read ``FOR SHARE``: a plain read would see it as it was when
    the statement began, before it waited for the thread's lock (the answers of the turn that
    held it would be missing); a locked read sees the newest committed version. An inquiry
    that turn created is not seen at all (``answers_of`` is then ``NULL``) and is read by a
    statement of its own. On SQLite the transaction holds the database's write lock from its
    start, so the answers are read as the statement returns the thread.
    """
    i = inquiry.c
    if dialect == "sqlite":
        # The row being returned, by its table's name: RETURNING has no FROM to correlate with.
        thread_inquiry: Any = literal_column("conversation.inquiry_id")

        def current(column: Any) -> Any:
            return (
                select(column)
                .where(i.id == thread_inquiry)
                .correlate_except(inquiry)
                .scalar_subquery()
            )

        return _phone_upsert(dialect).returning(
            current(i.id).label("answers_of"),
            current(i.answers).label("answers"),
            current(i.reference).label("reference"),
        )
    thread = _phone_upsert(dialect).cte("thread")
    locked = (
        select(i.id.label("answers_of"), i.answers, i.reference)
        .where(i.id == thread.c.inquiry_id)
        .with_for_update(read=True)
        .lateral("current_inquiry")
    )
    return select(thread, locked.c.answers_of, locked.c.answers, locked.c.reference).select_from(
        thread.outerjoin(locked, true())
    )


def _phone_upsert(dialect: str) -> Any:
    """Finds or starts a phone's thread and counts the message towards the per-phone limit: a
    new minute starts when the last one began before :minute_ago. A new thread starts opted out
    when the number had opted out before a purge erased its old one."""
    c = conversation.c
    counting = c.texts_since > bindparam("minute_ago")
    opted_out_before = exists().where(opt_out.c.phone_hash == bindparam("phone_hash"))
    return (
        _insert(dialect, conversation)
        .values(
            token=bindparam("token"),
            channel=bindparam("channel"),
            phone=bindparam("phone"),
            phone_hash=bindparam("phone_hash"),
            state=cast(literal_column("'{}'"), JSON)
            if dialect == "postgresql"
            else literal_column("'{}'"),
            language=literal_column("'en'"),
            opted_out=opted_out_before,
            created_at=bindparam("now"),
            updated_at=bindparam("now"),
            texts_since=bindparam("now"),
            texts_counted=literal_column("1"),
        )
        .on_conflict_do_update(
            index_elements=[c.phone_hash],
            set_={
                "texts_counted": case(
                    (counting, c.texts_counted + literal_column("1")), else_=literal_column("1")
                ),
                "texts_since": case((counting, c.texts_since), else_=bindparam("now")),
            },
        )
        .returning(*THREAD_COLUMNS, c.texts_counted, c.slowed_at)
    )


@statement
def _mark_slowed(dialect: str) -> Any:
    c = conversation.c
    return (
        update(conversation).where(c.id == bindparam("thread")).values(slowed_at=bindparam("now"))
    )


@statement
def _new_token_thread(dialect: str) -> Any:
    return (
        _insert(dialect, conversation)
        .values(
            token=bindparam("token"),
            channel=bindparam("channel"),
            phone=bindparam("phone"),
            state=bindparam("state"),
            language=bindparam("language"),
            opted_out=false(),
            created_at=bindparam("now"),
            updated_at=bindparam("now"),
            texts_counted=literal_column("0"),
        )
        .returning(conversation.c.id)
    )


@statement
def _lock_token_thread(dialect: str) -> Any:
    c = conversation.c
    found = select(*THREAD_COLUMNS).where(c.token == bindparam("token"))
    # SQLite's write transaction (BEGIN IMMEDIATE) already serialises; PostgreSQL locks the row.
    return found.with_for_update() if dialect == "postgresql" else found


@statement
def _token_thread(dialect: str) -> Any:
    c = conversation.c
    return select(*THREAD_COLUMNS).where(c.token == bindparam("token"))


@statement
def _new_inquiry(dialect: str) -> Any:
    return (
        _insert(dialect, inquiry)
        .values(
            conversation_id=bindparam("thread"),
            channel=bindparam("channel"),
            language=bindparam("language"),
            answers=_json("answers"),
            status=literal_column("'new'"),
            notes=literal_column("''"),
            created_at=bindparam("now"),
            updated_at=bindparam("now"),
        )
        .returning(inquiry.c.id)
    )


@statement
def _add_inbound(dialect: str) -> Any:
    m = message.c
    return (
        _insert(dialect, message)
        .values(
            conversation_id=bindparam("thread"),
            inquiry_id=bindparam("inquiry"),
            direction=literal_column("'in'"),
            body=bindparam("body"),
            twilio_sid=bindparam("sid"),
            created_at=bindparam("now"),
        )
        .on_conflict_do_nothing(
            index_elements=[m.twilio_sid], index_where=m.twilio_sid.is_not(None)
        )
        .returning(m.id)
    )


@statement
def _stored_replies(dialect: str) -> Any:
    inbound, reply = message.alias("inbound"), message.alias("reply")
    return (
        select(reply.c.id, reply.c.body)
        .join_from(inbound, reply, reply.c.reply_to_id == inbound.c.id)
        .where(inbound.c.twilio_sid == bindparam("sid"))
        .order_by(reply.c.id)
    )


@statement
def _save_thread(dialect: str) -> Any:
    c = conversation.c
    return (
        update(conversation)
        .where(c.id == bindparam("thread"))
        .values(
            state=_json("state"),
            language=bindparam("language"),
            opted_out=bindparam("opted_out"),
            inquiry_id=bindparam("inquiry"),
            updated_at=bindparam("now"),
        )
    )


@statement
def _save_inquiry(dialect: str) -> Any:
    i = inquiry.c
    return (
        update(inquiry)
        .where(i.id == bindparam("inquiry"))
        .values(
            language=bindparam("language"), answers=_json("answers"), updated_at=bindparam("now")
        )
    )


@statement
def _save_finished_inquiry(dialect: str) -> Any:
    """The outcome, office and reference (all indexed) are written once, when the check ends."""
    i = inquiry.c
    return (
        update(inquiry)
        .where(i.id == bindparam("inquiry"))
        .values(
            language=bindparam("language"),
            answers=_json("answers"),
            updated_at=bindparam("now"),
            outcome=bindparam("outcome"),
            reasons=_json("reasons"),
            office=bindparam("office"),
            reference=bindparam("reference"),
            completed_at=bindparam("now"),
        )
    )


@statement
def _add_reply(dialect: str) -> Any:
    return (
        _insert(dialect, message)
        .values(
            conversation_id=bindparam("thread"),
            inquiry_id=bindparam("inquiry"),
            direction=literal_column("'out'"),
            body=bindparam("body"),
            reply_to_id=bindparam("reply_to"),
            created_at=bindparam("now"),
        )
        .returning(message.c.id)
    )


@postgresql_statement
def _record_turn(dialect: str) -> Any:
    """PostgreSQL: a message's writes in one statement, each part only if the message is new
    (data-modifying CTEs): the resident's message, the thread's progress, the inquiry (its
    outcome, reasons, office and reference when the check ends, else kept) and our reply.

    Answers ``inbound_id`` (``NULL`` when the provider's id was stored before: then nothing was
    written) and ``reply_id``. A message costs one round trip to the database here instead of
    four; SQLite runs the same writes as separate statements (``record_turn``)."""
    m, i = message.c, inquiry.c
    # The message and the thread's progress as their own statements write them.
    add_inbound: Any = _add_inbound.build(dialect)
    save_thread: Any = _save_thread.build(dialect)
    inbound = add_inbound.cte("inbound")
    is_new = exists(select(inbound.c.id))
    finished = cast(bindparam("reference"), Text).is_not(None)
    saved_thread = save_thread.where(is_new).cte("saved_thread")
    saved_inquiry = (
        update(inquiry)
        .where(i.id == bindparam("inquiry"), is_new)
        .values(
            language=bindparam("language"),
            answers=_json("answers"),
            updated_at=bindparam("now"),
            outcome=func.coalesce(bindparam("outcome"), i.outcome),
            reasons=case((finished, _json("reasons")), else_=i.reasons),
            office=func.coalesce(bindparam("office"), i.office),
            reference=func.coalesce(bindparam("reference"), i.reference),
            completed_at=case((finished, bindparam("now")), else_=i.completed_at),
        )
        .cte("saved_inquiry")
    )
    reply_body = cast(bindparam("reply"), Text)
    reply = (
        postgresql.insert(message)
        .from_select(
            ["conversation_id", "inquiry_id", "direction", "body", "reply_to_id", "created_at"],
            select(
                bindparam("thread", type_=m.conversation_id.type),
                bindparam("inquiry", type_=m.inquiry_id.type),
                literal_column("'out'"),
                reply_body,
                inbound.c.id,
                bindparam("now", type_=m.created_at.type),
            ).where(reply_body.is_not(None)),
        )
        .returning(m.id)
        .cte("reply")
    )
    return select(
        select(inbound.c.id).scalar_subquery().label("inbound_id"),
        select(reply.c.id).scalar_subquery().label("reply_id"),
    ).add_cte(saved_thread, saved_inquiry)


@statement
def _latest_check(dialect: str) -> Any:
    """The thread's latest finished check, for STATUS."""
    i = inquiry.c
    latest = (
        select(func.max(i.id))
        .where(i.conversation_id == bindparam("thread"), i.reference.is_not(None))
        .scalar_subquery()
    )
    return select(i.reference, i.office, i.status).where(i.id == latest)


@statement
def _count_unread(dialect: str) -> Any:
    i = inquiry.c
    return (
        update(inquiry)
        .where(i.id == bindparam("inquiry"))
        .values(unread_replies=i.unread_replies + literal_column("1"))
    )


@statement
def _mark_acked(dialect: str) -> Any:
    c = conversation.c
    return (
        update(conversation)
        .where(c.id == bindparam("thread"))
        .values(office_acked_at=bindparam("now"))
    )


@statement
def _transcript(dialect: str) -> Any:
    m = message.c
    return (
        select(m.direction, m.body).where(m.conversation_id == bindparam("thread")).order_by(m.id)
    )


# --- the functions the service calls ----------------------------------------------------------


def _stored(value: Any) -> Any:
    """JSON as the driver hands it back: text on SQLite, already parsed on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def _moment(value: Any) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands it back as text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return clock.as_utc(value)


@dataclass(frozen=True)
class Thread:
    """One resident's conversation row, as a turn needs it (locked for the transaction)."""

    id: int
    channel: str
    progress: dict[str, Any]
    updated_at: datetime | None
    inquiry: int | None
    language: str
    opted_out: bool
    # What the resident has told the current check (read after the lock is held: ``_thread``).
    answers: dict[str, Any]
    reference: str | None
    # The office's last text to this number, the check it was about, and when the resident's
    # answer to it was acknowledged (``None`` for each when the office never texted).
    office_texted_at: datetime | None = None
    office_inquiry: int | None = None
    office_acked_at: datetime | None = None


@dataclass(frozen=True)
class PhoneThread:
    """A phone's thread, and this minute's count of its messages for the rate limit."""

    thread: Thread
    messages_this_minute: int
    slowed_at: datetime | None


@statement
def _current_answers(dialect: str) -> Any:
    i = inquiry.c
    return select(i.answers, i.reference).where(i.id == bindparam("inquiry"))


def _thread(tx: Transaction, row: Row, channel: str) -> Thread:
    """The thread as locked by ``row``'s statement, with its current inquiry's answers and
    reference: from ``row`` when its statement read them locked (``answers_of``), else read by
    a statement of their own, after the lock is held.

    Not in the locking statement: on PostgreSQL a subquery there reads the data as it was when
    the statement began, before it waited for the lock. A text arriving while the resident's
    previous one commits would then see the thread's new progress beside the old answers (a
    finished check with no reference, or an answer lost).
    """
    answers: dict[str, Any] = {}
    reference = None
    if row["inquiry_id"] is not None:
        if row.get("answers_of") == row["inquiry_id"]:
            current: Row | None = row
        else:
            current = tx.one(_current_answers, inquiry=row["inquiry_id"])
        if current is not None:
            answers = _stored(current["answers"]) or {}
            reference = current["reference"]
    return Thread(
        id=row["id"],
        channel=channel,
        progress=_stored(row["state"]) or {},
        updated_at=_moment(row["updated_at"]),
        inquiry=row["inquiry_id"],
        language=row["language"],
        opted_out=bool(row["opted_out"]),
        answers=answers,
        reference=reference,
        office_texted_at=_moment(row["office_texted_at"]),
        office_inquiry=row["office_inquiry_id"],
        office_acked_at=_moment(row["office_acked_at"]),
    )


def phone_thread(
    tx: Transaction, channel: str, phone: str, phone_hash: str, token: str
) -> PhoneThread:
    """Find or start the thread of a phone number, counting this message for its limit."""
    row = tx.one(
        _lock_phone_thread,
        token=token,
        channel=channel,
        phone=phone,
        phone_hash=phone_hash,
        now=tx.now,
        minute_ago=tx.when(tx.moment - MINUTE),
    )
    assert row is not None
    return PhoneThread(_thread(tx, row, channel), row["texts_counted"], _moment(row["slowed_at"]))


def mark_slowed(tx: Transaction, thread: Thread) -> None:
    tx.run(_mark_slowed, thread=thread.id, now=tx.now)


def new_token_thread(
    tx: Transaction, channel: str, token: str, language: str, phone: str | None = None
) -> Thread:
    """A thread found by its id, never by a phone hash: a web chat, or a phone call (whose
    number is kept for staff but never hashed, so a call never becomes the number's text
    thread)."""
    row = tx.one(
        _new_token_thread,
        token=token,
        channel=channel,
        phone=phone,
        state="{}",
        language=language,
        now=tx.now,
    )
    assert row is not None
    return Thread(row["id"], channel, {}, None, None, language, False, {}, None)


def token_thread(tx: Transaction, channel: str, token: str, lock: bool = True) -> Thread | None:
    """A web chat's thread by its id; locked for this transaction unless only read."""
    row = tx.one(_lock_token_thread if lock else _token_thread, token=token)
    return _thread(tx, row, channel) if row is not None else None


def new_inquiry(tx: Transaction, thread: Thread, language: str) -> int:
    row = tx.one(
        _new_inquiry,
        thread=thread.id,
        channel=thread.channel,
        language=language,
        answers="{}",
        now=tx.now,
    )
    assert row is not None
    return int(row["id"])


def add_inbound(
    tx: Transaction, thread: Thread, inquiry_id: int, body: str, sid: str | None
) -> int | None:
    """Store a resident's message; ``None`` when this provider id was stored before."""
    row = tx.one(_add_inbound, thread=thread.id, inquiry=inquiry_id, body=body, sid=sid, now=tx.now)
    return row["id"] if row is not None else None


def stored_replies(tx: Transaction, sid: str) -> list[Row]:
    """What we answered the first time a provider message arrived: ``id`` and ``body``."""
    return tx.all(_stored_replies, sid=sid)


@dataclass(frozen=True)
class Saved:
    """A turn's outcome as the thread and its inquiry keep it."""

    progress: dict[str, Any]
    language: str
    opted_out: bool
    answers: dict[str, Any]
    finished: tuple[str, list[str], str, str] | None = None  # outcome, reasons, office, reference


def _saved_values(saved: Saved) -> dict[str, Any]:
    """A turn's outcome as the statements that store it take it: JSON as text, and the
    finished check's fields (``None`` each while it is not finished)."""
    outcome, reasons, office, reference = saved.finished or (None, None, None, None)
    return {
        "state": json.dumps(saved.progress),
        "language": saved.language,
        "opted_out": saved.opted_out,
        "answers": json.dumps(saved.answers),
        "outcome": outcome,
        "reasons": json.dumps(reasons) if reasons is not None else None,
        "office": office,
        "reference": reference,
    }


def save(tx: Transaction, thread: Thread, inquiry_id: int, saved: Saved) -> None:
    """Store where the thread and its inquiry stand after a turn (each statement reads the
    values it names)."""
    values = {"thread": thread.id, "inquiry": inquiry_id, "now": tx.now, **_saved_values(saved)}
    tx.run(_save_thread, **values)
    tx.run(_save_inquiry if saved.finished is None else _save_finished_inquiry, **values)


def add_replies(
    tx: Transaction, thread: Thread, inquiry_id: int, bodies: list[str], reply_to: int | None
) -> int | None:
    """Store what we said; the id of the last message (``None`` when nothing was said)."""
    last = None
    for body in bodies:
        row = tx.one(
            _add_reply,
            thread=thread.id,
            inquiry=inquiry_id,
            body=body,
            reply_to=reply_to,
            now=tx.now,
        )
        assert row is not None
        last = row["id"]
    return last


@dataclass(frozen=True)
class Recorded:
    """A new message's turn, stored: the id of our last reply (``None`` when nothing was said)."""

    reply_id: int | None


def record_turn(
    tx: Transaction,
    thread: Thread,
    inquiry_id: int,
    text: str,
    sid: str | None,
    saved: Saved,
    said: list[str],
) -> Recorded | None:
    """Store a resident's message, where the check stands after it, and what we said back, in
    the inquiry the message belongs to; ``None`` (and nothing written) when this provider id
    was stored before."""
    if tx.dialect.name != "postgresql" or len(said) > 1:
        inbound_id = add_inbound(tx, thread, inquiry_id, text, sid)
        if inbound_id is None:
            return None
        save(tx, thread, inquiry_id, saved)
        return Recorded(add_replies(tx, thread, inquiry_id, said, inbound_id))
    row = tx.one(
        _record_turn,
        thread=thread.id,
        inquiry=inquiry_id,
        body=text,
        sid=sid,
        now=tx.now,
        reply=said[0] if said else None,
        **_saved_values(saved),
    )
    if row is None or row["inbound_id"] is None:
        return None
    return Recorded(row["reply_id"])


@dataclass(frozen=True)
class LatestCheck:
    reference: str
    office: str | None
    status: str


def latest_check(tx: Transaction, thread: Thread) -> LatestCheck | None:
    """The thread's latest finished check (its reference, office and staff status)."""
    row = tx.one(_latest_check, thread=thread.id)
    return LatestCheck(row["reference"], row["office"], row["status"]) if row else None


def reply_to_office(tx: Transaction, thread: Thread, inquiry_id: int, acknowledged: bool) -> None:
    """A resident answered the office's text: one more unread reply on the inquiry, and the
    moment it was acknowledged, when it was."""
    tx.run(_count_unread, inquiry=inquiry_id)
    if acknowledged:
        tx.run(_mark_acked, thread=thread.id, now=tx.now)


def transcript(tx: Transaction, thread: Thread) -> list[tuple[str, str]]:
    """Both sides of a thread in order, as (direction, text) pairs."""
    rows = tx.all(_transcript, thread=thread.id)
    return [(row["direction"], row["body"] or "") for row in rows]


def record_delivery(reply_id: int, status: str, error_code: str | None) -> bool:
    """Note what Twilio reports about a reply we sent; ``False`` for an unknown reply."""
    failed = status in ("undelivered", "failed")
    with transaction():
        changed = db.session.execute(
            update(Message)
            .where(and_(Message.id == reply_id, Message.direction == "out"))
            .values(
                delivery_status=status,
                error_code=(error_code or None) if failed else None,
                status_at=clock.now(),
            )
        )
    return bool(getattr(changed, "rowcount", 0) == 1)


#: Every hot-path statement by name (the query-plan tests read each one).
STATEMENTS = {
    name.lstrip("_"): value
    for name, value in list(globals().items())
    if isinstance(value, Statement)
}
