"""Storing conversations as they happen, for both channels, in plain SQL: the hot path.

Residents arrive in bursts and Twilio gives up after 15 seconds, so every incoming message is
one short transaction of a handful of statements on the raw database connection, with no ORM in
the way (measured: about 4 us a statement here against 50 us through the ORM session). The
conversation row is locked first, so two messages of one resident never interleave. Exactly
once for SMS: the inbound message is inserted with ``ON CONFLICT (twilio_sid) DO NOTHING``; a
copy that finds its MessageSid taken returns the reply stored for it and changes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import clock
from bot.core import reference
from bot.core.conversation import catalog
from bot.core.conversation.engine import Context, State, Turn, reply, start
from bot.core.eligibility import Decision
from bot.storage.db import begin_immediate, db
from bot.storage.transactions import IDLE_EXPIRY, clean_text, new_token, phone_key
from bot.web.errors import ServiceUnavailableError

SQL = {
    # Finds or starts a resident's thread and counts the text towards the per-phone limit: a
    # new minute starts when the last one began before :minute_ago.
    "upsert_sms_conversation": (
        "INSERT INTO conversation (token, channel, phone, phone_hash, state, language, opted_out,"
        " created_at, updated_at, texts_since, texts_counted) VALUES (:token, 'sms', :phone,"
        " :phone_hash, {json_empty}, 'en', {false}, :now, :now, :now, 1)"
        " ON CONFLICT (phone_hash) DO UPDATE SET"
        " texts_counted = CASE WHEN conversation.texts_since > :minute_ago"
        " THEN conversation.texts_counted + 1 ELSE 1 END,"
        " texts_since = CASE WHEN conversation.texts_since > :minute_ago"
        " THEN conversation.texts_since ELSE :now END"
        " RETURNING id, state, updated_at, inquiry_id, language, texts_counted, slowed_at,"
        " phone"
    ),
    "mark_slowed": "UPDATE conversation SET slowed_at = :now WHERE id = :conversation",
    # After a purge took the number off the thread; the phone index is touched only then.
    "restore_phone": "UPDATE conversation SET phone = :phone WHERE id = :conversation",
    "new_web_conversation": (
        "INSERT INTO conversation (token, channel, state, language, opted_out, created_at,"
        " updated_at) VALUES (:token, 'web', {json_empty}, :language, {false}, :now, :now)"
        " RETURNING id"
    ),
    "lock_web_conversation": (
        "SELECT id, state, updated_at, inquiry_id FROM conversation"
        " WHERE token = :token AND channel = 'web' {for_update}"
    ),
    "web_conversation": (
        "SELECT id, state FROM conversation WHERE token = :token AND channel = 'web'"
    ),
    "transcript": (
        "SELECT direction, body FROM message WHERE conversation_id = :conversation ORDER BY id"
    ),
    "current_inquiry": (
        "SELECT id FROM inquiry WHERE conversation_id = :conversation ORDER BY id DESC LIMIT 1"
    ),
    "new_inquiry": (
        "INSERT INTO inquiry (conversation_id, channel, language, answers, status, notes,"
        " created_at, updated_at) VALUES (:conversation, :channel, :language, {json_empty},"
        " 'new', '', :now, :now) RETURNING id"
    ),
    "add_inbound": (
        "INSERT INTO message (conversation_id, inquiry_id, direction, body, twilio_sid,"
        " created_at) VALUES (:conversation, :inquiry, 'in', :body, :sid, :now)"
        " ON CONFLICT (twilio_sid) WHERE twilio_sid IS NOT NULL DO NOTHING RETURNING id"
    ),
    "stored_reply": (
        "SELECT reply.id, reply.body FROM message AS inbound JOIN message AS reply"
        " ON reply.reply_to_id = inbound.id WHERE inbound.twilio_sid = :sid"
    ),
    "save_conversation": (
        "UPDATE conversation SET state = {state}, language = :language, opted_out = :opted_out,"
        " inquiry_id = :inquiry, updated_at = :now"
        " WHERE id = :conversation"
    ),
    "save_inquiry": (
        "UPDATE inquiry SET language = :language, answers = {answers}, updated_at = :now"
        " WHERE id = :inquiry"
    ),
    "save_finished_inquiry": (
        "UPDATE inquiry SET language = :language, answers = {answers}, updated_at = :now,"
        " outcome = :outcome, reasons = {reasons}, office = :office, reference = :reference,"
        " completed_at = :now WHERE id = :inquiry"
    ),
    "add_reply": (
        "INSERT INTO message (conversation_id, inquiry_id, direction, body, reply_to_id,"
        " created_at) VALUES (:conversation, :inquiry, 'out', :body, :reply_to, :now)"
        " RETURNING id"
    ),
}
DIALECT_WORDS = {
    "sqlite": {
        "json_empty": "'{}'",
        "false": "0",
        "state": ":state",
        "answers": ":answers",
        "reasons": ":reasons",
        "for_update": "",  # the write transaction (BEGIN IMMEDIATE) already serialises
    },
    "postgresql": {
        "json_empty": "'{}'::json",
        "false": "false",
        "state": "CAST(:state AS json)",
        "answers": "CAST(:answers AS json)",
        "reasons": "CAST(:reasons AS json)",
        "for_update": "FOR UPDATE",
    },
}


def _for_dialect(dialect: str) -> dict[str, str]:
    """The statements in the driver's parameter style: sqlite3 ``:name``, psycopg ``%(name)s``."""
    words = DIALECT_WORDS[dialect]
    statements = {name: sql.format(**words) for name, sql in SQL.items()}
    if dialect == "postgresql":
        statements = {
            name: re.sub(r"(?<!:):([a-z_]+)", r"%(\1)s", sql) for name, sql in statements.items()
        }
    return statements


STATEMENTS = {dialect: _for_dialect(dialect) for dialect in DIALECT_WORDS}
ATTEMPTS = 3


class Transaction:
    """One raw connection from the pool, one transaction, the dialect's statements."""

    def __init__(self) -> None:
        self.dialect = db.engine.dialect.name
        self.sql = STATEMENTS[self.dialect]
        self.connection = db.engine.raw_connection()
        self.cursor = self.connection.cursor()
        if self.dialect == "sqlite":
            begin_immediate(self.cursor)  # take the write lock now, not mid-way
        self.moment = clock.now()
        self.now = self.when(self.moment)

    def one(self, name: str, **params: Any) -> tuple | None:
        rows = self.all(name, **params)
        return rows[0] if rows else None

    def all(self, name: str, **params: Any) -> list[tuple]:
        self.cursor.execute(self.sql[name], params)
        return self.cursor.fetchall()

    def run(self, name: str, **params: Any) -> None:
        self.cursor.execute(self.sql[name], params)
        if self.cursor.description is not None:
            self.cursor.fetchall()  # finish the statement (RETURNING), or SQLite cannot commit

    def when(self, moment: datetime) -> Any:
        """SQLite keeps UTC times as text, the way SQLAlchemy writes them; PostgreSQL as is."""
        if self.dialect == "sqlite":
            return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return moment


def _attempt(work: Any, *args: Any) -> Any:
    tx = Transaction()
    try:
        result = work(tx, *args)
        tx.connection.commit()
        return result
    except BaseException:
        tx.connection.rollback()
        raise
    finally:
        tx.connection.close()


def in_transaction(work: Any, *args: Any) -> Any:
    """Run ``work(tx, *args)`` in one transaction, again after a unique clash (a new reference
    that happened to exist); a database that does not answer is a 503, never half-written."""
    dbapi = db.engine.dialect.dbapi
    for attempt in range(ATTEMPTS):
        try:
            return _attempt(work, *args)
        except dbapi.IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
        except dbapi.Error as error:
            raise ServiceUnavailableError(type(error).__name__) from error
    raise AssertionError("unreachable")


def _stored(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _age(moment: Any) -> timedelta:
    """How long ago a stored time was (SQLite hands it back as text)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return clock.now() - clock.as_utc(moment)


def _is_idle(updated_at: Any) -> bool:
    return _age(updated_at) > IDLE_EXPIRY


@dataclass(frozen=True)
class Thread:
    """One locked conversation row, as a turn needs it."""

    id: int
    channel: str
    state: dict[str, Any]
    updated_at: Any
    inquiry: int | None


def _current_inquiry(tx: Transaction, thread: Thread) -> int | None:
    if thread.inquiry is not None:
        return thread.inquiry
    found = tx.one("current_inquiry", conversation=thread.id)  # a conversation from before 0005
    return found[0] if found else None


def _new_inquiry(tx: Transaction, thread: Thread, language: str) -> int:
    (inquiry,) = tx.one(
        "new_inquiry",
        conversation=thread.id,
        channel=thread.channel,
        language=language,
        now=tx.now,
    )
    return inquiry


def _save(tx: Transaction, thread: Thread, inquiry: int, turn: Turn) -> None:
    """Copy the engine's state onto the conversation and onto the inquiry staff read. The
    outcome, office and reference (all indexed) are written once, when the check completes."""
    state = turn.state
    tx.run(
        "save_conversation",
        conversation=thread.id,
        state=json.dumps(state.as_json()),
        language=state.language,
        opted_out=state.opted_out,
        inquiry=inquiry,
        now=tx.now,
    )
    common = {"inquiry": inquiry, "language": state.language, "now": tx.now}
    answers = json.dumps(state.answers)
    decision = state.decision
    if decision is None or "completed" not in turn.events:
        tx.run("save_inquiry", answers=answers, **common)
        return
    tx.run(
        "save_finished_inquiry",
        answers=answers,
        outcome=decision.outcome,
        reasons=json.dumps(list(decision.reasons)),
        office=decision.office.id,
        reference=state.reference,
        **common,
    )


def _context(thread: Thread, has_media: bool = False) -> Context:
    return Context(
        channel=thread.channel,
        this_year=clock.this_year(),
        new_reference=reference.generate,
        has_media=has_media,
        idle_expired=bool(thread.state) and _is_idle(thread.updated_at),
    )


def _next_inquiry(tx: Transaction, thread: Thread, turn: Turn, received_by: int, old: bool) -> int:
    """A (re)started check gets a new inquiry; the old one is kept as it was."""
    restarted = "restarted" in turn.events or ("started" in turn.events and old)
    return _new_inquiry(tx, thread, turn.state.language) if restarted else received_by


# --- SMS -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmsIn:
    sid: str
    phone: str
    body: str
    has_media: bool

    def __post_init__(self) -> None:
        for name in ("sid", "phone", "body"):
            object.__setattr__(self, name, clean_text(getattr(self, name)))


@dataclass(frozen=True)
class SmsReply:
    """What to answer Twilio: the reply's text and stored id (``None``: send nothing)."""

    text: str | None
    reply_id: int | None = None
    events: frozenset[str] = frozenset()
    decision: Decision | None = None


@dataclass(frozen=True)
class TextLimit:
    """At most ``per_minute`` texts a minute from one phone; beyond that nothing is processed,
    and the first text over the limit in each ``notice_every`` gets one polite reply."""

    per_minute: int
    notice_every: timedelta


MINUTE = timedelta(minutes=1)


def _slowed(
    tx: Transaction, thread: Thread, language: str, slowed_at: Any, limit: TextLimit
) -> SmsReply:
    """Over the limit: a polite reply once in a while, otherwise silence (Twilio gets a 200)."""
    events = frozenset({"rate_limited"})
    if slowed_at is not None and _age(slowed_at) < limit.notice_every:
        return SmsReply(None, events=events)
    tx.run("mark_slowed", conversation=thread.id, now=tx.now)
    return SmsReply(catalog.text(language, "slow_down"), events=events)


def _sms_turn(tx: Transaction, message: SmsIn, secret: str, limit: TextLimit | None) -> SmsReply:
    conversation, state, updated_at, inquiry_id, language, texts, slowed_at, phone = tx.one(
        "upsert_sms_conversation",
        token=new_token(),
        phone=message.phone,
        phone_hash=phone_key(message.phone, secret),
        now=tx.now,
        minute_ago=tx.when(tx.moment - MINUTE),
    )
    thread = Thread(conversation, "sms", _stored(state), updated_at, inquiry_id)
    if phone is None:
        tx.run("restore_phone", conversation=thread.id, phone=message.phone)
    if limit is not None and texts > limit.per_minute:
        return _slowed(tx, thread, language, slowed_at, limit)
    current = _current_inquiry(tx, thread)
    received_by = current or _new_inquiry(tx, thread, "en")
    inbound = tx.one(
        "add_inbound",
        conversation=thread.id,
        inquiry=received_by,
        body=message.body,
        sid=message.sid,
        now=tx.now,
    )
    if inbound is None:  # this MessageSid was processed before: answer as we did then
        earlier = tx.one("stored_reply", sid=message.sid)
        return SmsReply(earlier[1], earlier[0]) if earlier else SmsReply(None)
    previous = State.from_json(thread.state) if thread.state else None
    turn = reply(previous, message.body, _context(thread, message.has_media))
    inquiry = _next_inquiry(tx, thread, turn, received_by, current is not None)
    _save(tx, thread, inquiry, turn)
    text = turn.sms_text()
    if text is None:
        return SmsReply(None, None, turn.events)
    (reply_id,) = tx.one(
        "add_reply",
        conversation=thread.id,
        inquiry=inquiry,
        body=text,
        reply_to=inbound[0],
        now=tx.now,
    )
    return SmsReply(text, reply_id, turn.events, turn.state.decision)


def receive_sms(message: SmsIn, secret: str, limit: TextLimit | None = None) -> SmsReply:
    """Process one Twilio message exactly once; a copy gets the reply the first one got.
    With a ``limit``, texts beyond it from one phone are answered politely, or not at all."""
    return in_transaction(_sms_turn, message, secret, limit)


# --- Web chat --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChatView:
    """What the chat API shows: the conversation, its state and this turn's new bot messages."""

    token: str
    state: State
    new_messages: list[str]
    completed: bool = False


def _add_bot_messages(tx: Transaction, thread: Thread, inquiry: int, turn: Turn, to: Any) -> None:
    for text in turn.web_messages():
        tx.run(
            "add_reply",
            conversation=thread.id,
            inquiry=inquiry,
            body=text,
            reply_to=to,
            now=tx.now,
        )


def _start_chat(tx: Transaction, language: str) -> ChatView:
    token = new_token()
    (conversation,) = tx.one("new_web_conversation", token=token, language=language, now=tx.now)
    thread = Thread(conversation, "web", {}, None, None)
    turn = start(language, "web")
    inquiry = _new_inquiry(tx, thread, language)
    _save(tx, thread, inquiry, turn)
    _add_bot_messages(tx, thread, inquiry, turn, None)
    return ChatView(token, turn.state, turn.web_messages())


def start_chat(language: str) -> ChatView:
    """A new web chat: its conversation, its first inquiry, the welcome and first question."""
    return in_transaction(_start_chat, language)


def _post_chat(tx: Transaction, token: str, text: str) -> ChatView | None:
    row = tx.one("lock_web_conversation", token=token)
    if row is None:
        return None
    thread = Thread(row[0], "web", _stored(row[1]), row[2], row[3])
    current = _current_inquiry(tx, thread)
    turn = reply(State.from_json(thread.state) if thread.state else None, text, _context(thread))
    received_by = current or _new_inquiry(tx, thread, turn.state.language)
    inquiry = _next_inquiry(tx, thread, turn, received_by, current is not None)
    _save(tx, thread, inquiry, turn)
    (inbound,) = tx.one(
        "add_inbound",
        conversation=thread.id,
        inquiry=received_by,
        body=text,
        sid=None,
        now=tx.now,
    )
    _add_bot_messages(tx, thread, inquiry, turn, inbound)
    return ChatView(token, turn.state, turn.web_messages(), "completed" in turn.events)


def post_chat(token: str, text: str) -> ChatView | None:
    """One resident message in a web chat; ``None`` when the chat does not exist."""
    return in_transaction(_post_chat, clean_text(token), clean_text(text))


def _transcript(tx: Transaction, token: str) -> tuple[ChatView, list[tuple[str, str]]] | None:
    row = tx.one("web_conversation", token=token)
    if row is None:
        return None
    rows = tx.all("transcript", conversation=row[0])
    view = ChatView(token, State.from_json(_stored(row[1])), [])
    return view, [(direction, body or "") for direction, body in rows]


def chat_transcript(token: str) -> tuple[ChatView, list[tuple[str, str]]] | None:
    """The whole web chat, both sides in order, as (direction, text) pairs."""
    return in_transaction(_transcript, clean_text(token))
