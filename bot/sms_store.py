"""The SMS webhook's storage in plain SQL: the hot path, where every statement counts.

Residents arrive in bursts and Twilio gives up after 15 seconds, so each text is one short
transaction of a handful of statements on the raw database connection, with no ORM in the
way (measured: about 4 us a statement here against 50 us through the ORM session). Exactly
once: the conversation row is locked first (an upsert), then the inbound message is inserted
with ``ON CONFLICT (twilio_sid) DO NOTHING``; a copy that finds its MessageSid taken returns
the reply stored for it and changes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot import clock, reference
from bot.conversation.engine import Context, State, reply
from bot.db import db
from bot.eligibility import Decision
from bot.errors import ServiceUnavailableError
from bot.store import IDLE_EXPIRY, clean_text, new_token, phone_key

SQL = {
    "upsert_conversation": (
        "INSERT INTO conversation (token, channel, phone, phone_hash, state, language, opted_out,"
        " created_at, updated_at) VALUES (:token, 'sms', :phone, :phone_hash, {json_empty}, 'en',"
        " {false}, :now, :now) ON CONFLICT (phone_hash) DO UPDATE SET phone_hash ="
        " excluded.phone_hash RETURNING id, state, updated_at, inquiry_id"
    ),
    "current_inquiry": (
        "SELECT id FROM inquiry WHERE conversation_id = :conversation ORDER BY id DESC LIMIT 1"
    ),
    "new_inquiry": (
        "INSERT INTO inquiry (conversation_id, channel, language, answers, status, notes,"
        " created_at, updated_at) VALUES (:conversation, 'sms', :language, {json_empty}, 'new',"
        " '', :now, :now) RETURNING id"
    ),
    "add_inbound": (
        "INSERT INTO message (conversation_id, inquiry_id, direction, body, twilio_sid,"
        " created_at) VALUES (:conversation, :inquiry, 'in', :body, :sid, :now)"
        " ON CONFLICT (twilio_sid) DO NOTHING RETURNING id"
    ),
    "stored_reply": (
        "SELECT reply.id, reply.body FROM message AS inbound JOIN message AS reply"
        " ON reply.reply_to_id = inbound.id WHERE inbound.twilio_sid = :sid"
    ),
    "save_conversation": (
        "UPDATE conversation SET state = {state}, language = :language, opted_out = :opted_out,"
        " phone = :phone, inquiry_id = :inquiry, updated_at = :now WHERE id = :conversation"
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
    },
    "postgresql": {
        "json_empty": "'{}'::json",
        "false": "false",
        "state": "CAST(:state AS json)",
        "answers": "CAST(:answers AS json)",
        "reasons": "CAST(:reasons AS json)",
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


class Transaction:
    """One raw connection from the pool, one transaction, the dialect's statements."""

    def __init__(self) -> None:
        self.dialect = db.engine.dialect.name
        self.sql = STATEMENTS[self.dialect]
        self.connection = db.engine.raw_connection()
        self.cursor = self.connection.cursor()
        if self.dialect == "sqlite":
            self.cursor.execute("BEGIN IMMEDIATE")  # take the write lock now, not mid-way

    def one(self, name: str, **params: Any) -> tuple | None:
        self.cursor.execute(self.sql[name], params)
        return self.cursor.fetchone()

    def run(self, name: str, **params: Any) -> None:
        self.cursor.execute(self.sql[name], params)

    def when(self, moment: datetime) -> Any:
        """SQLite keeps UTC times as text, the way SQLAlchemy writes them; PostgreSQL as is."""
        if self.dialect == "sqlite":
            return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return moment


def _stored(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _is_idle(updated_at: Any) -> bool:
    if isinstance(updated_at, str):
        updated_at = datetime.fromisoformat(updated_at)
    return clock.now() - clock.as_utc(updated_at) > IDLE_EXPIRY


def _save(tx: Transaction, ids: dict[str, int], state: State, phone: str, now: Any) -> None:
    tx.run(
        "save_conversation",
        conversation=ids["conversation"],
        state=json.dumps(state.as_json()),
        language=state.language,
        opted_out=state.opted_out,
        phone=phone,
        inquiry=ids["inquiry"],
        now=now,
    )
    common = {"inquiry": ids["inquiry"], "language": state.language, "now": now}
    answers = json.dumps(state.answers)
    decision = state.decision
    if decision is None:
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


def _turn(tx: Transaction, message: SmsIn, secret: str) -> SmsReply:
    moment = clock.now()
    now = tx.when(moment)
    conversation, stored_state, updated_at, current = tx.one(
        "upsert_conversation",
        token=new_token(),
        phone=message.phone,
        phone_hash=phone_key(message.phone, secret),
        now=now,
    )
    if current is None:  # a conversation from before 0005, or a new one
        found = tx.one("current_inquiry", conversation=conversation)
        current = found[0] if found else None
    received_by = current or _new_inquiry(tx, conversation, "en", now)
    inbound = tx.one(
        "add_inbound",
        conversation=conversation,
        inquiry=received_by,
        body=message.body,
        sid=message.sid,
        now=now,
    )
    if inbound is None:  # this MessageSid was processed before: answer as we did then
        earlier = tx.one("stored_reply", sid=message.sid)
        return SmsReply(earlier[1], earlier[0]) if earlier else SmsReply(None)
    state = _stored(stored_state)
    context = Context(
        channel="sms",
        this_year=clock.this_year(),
        new_reference=reference.generate,
        has_media=message.has_media,
        idle_expired=bool(state) and _is_idle(updated_at),
    )
    turn = reply(State.from_json(state) if state else None, message.body, context)
    inquiry = received_by
    if "restarted" in turn.events or ("started" in turn.events and current is not None):
        inquiry = _new_inquiry(tx, conversation, turn.state.language, now)
    _save(tx, {"conversation": conversation, "inquiry": inquiry}, turn.state, message.phone, now)
    text = turn.sms_text()
    if text is None:
        return SmsReply(None, None, turn.events)
    (reply_id,) = tx.one(
        "add_reply",
        conversation=conversation,
        inquiry=inquiry,
        body=text,
        reply_to=inbound[0],
        now=now,
    )
    return SmsReply(text, reply_id, turn.events, turn.state.decision)


def _new_inquiry(tx: Transaction, conversation: int, language: str, now: Any) -> int:
    (inquiry,) = tx.one("new_inquiry", conversation=conversation, language=language, now=now)
    return inquiry


def _attempt(message: SmsIn, secret: str) -> SmsReply:
    tx = Transaction()
    try:
        result = _turn(tx, message, secret)
        tx.connection.commit()
        return result
    except BaseException:
        tx.connection.rollback()
        raise
    finally:
        tx.connection.close()


def receive_sms(message: SmsIn, secret: str) -> SmsReply:
    """Process one Twilio message exactly once; a copy gets the reply the first one got.

    A unique clash (a new reference that happened to exist) is tried again; a database that
    does not answer is reported as ``ServiceUnavailableError`` (503), never half-written.
    """
    dbapi = db.engine.dialect.dbapi
    for attempt in range(ATTEMPTS):
        try:
            return _attempt(message, secret)
        except dbapi.IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
        except dbapi.Error as error:
            raise ServiceUnavailableError(type(error).__name__) from error
    raise AssertionError("unreachable")
