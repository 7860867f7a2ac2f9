"""Reading and writing conversations, inquiries and messages: the only module that commits.

Each incoming message is one short transaction: lock the conversation row, run the engine,
store the message, the reply and the new state together. A retried Twilio ``MessageSid`` finds
its stored reply instead of running again, so it is processed once even when copies race.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from bot import clock, reference
from bot.conversation.engine import Context, State, Turn, reply, start
from bot.db import db
from bot.eligibility import Decision
from bot.models import Conversation, Inquiry, Message

IDLE_EXPIRY = timedelta(hours=24)
ATTEMPTS = 3
T = TypeVar("T")


@contextmanager
def transaction() -> Iterator[None]:
    """Commit what the block did, or roll all of it back."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def retrying(work: Callable[[], T]) -> T:
    """Run ``work`` in a transaction, again if a unique value collided (a racing copy)."""
    for attempt in range(ATTEMPTS):
        try:
            with transaction():
                return work()
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def clean_text(text: str) -> str:
    """What a resident typed, storable anywhere: no NUL characters, no lone surrogates."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def phone_key(phone: str, secret: str) -> str:
    """A keyed hash of a number: finds a resident's thread and outlives a purge of the number."""
    return hmac.new(secret.encode(), phone.encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    """A web chat id: 192 random bits, so ids cannot be guessed."""
    return secrets.token_urlsafe(24)


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _lock_sms_conversation(phone: str, key: str) -> Conversation:
    """Create the number's conversation if it is new, then hold its row until commit."""
    db.session.execute(
        _insert(Conversation.__table__)
        .values(
            token=new_token(),
            channel="sms",
            phone=phone,
            phone_hash=key,
            state={},
            language="en",
            opted_out=False,
            created_at=clock.now(),
            updated_at=clock.now(),
        )
        .on_conflict_do_nothing(index_elements=["phone_hash"])
    )
    return db.session.scalars(
        select(Conversation).where(Conversation.phone_hash == key).with_for_update()
    ).one()


@dataclass(frozen=True)
class SmsReply:
    """What to answer Twilio: the reply's text and stored id (``None``: send nothing)."""

    text: str | None
    reply_id: int | None = None
    events: frozenset[str] = frozenset()
    decision: Decision | None = None


def _stored_reply(sid: str) -> SmsReply | None:
    """The reply this MessageSid got when it was processed, or ``None`` if it never was."""
    inbound_id = db.session.scalar(select(Message.id).where(Message.twilio_sid == sid))
    if inbound_id is None:
        return None
    reply = db.session.execute(
        select(Message.id, Message.body).where(Message.reply_to_id == inbound_id)
    ).first()
    return SmsReply(reply.body, reply.id) if reply else SmsReply(None)


def _current_inquiry(conversation: Conversation) -> Inquiry | None:
    return db.session.scalars(
        select(Inquiry)
        .where(Inquiry.conversation_id == conversation.id)
        .order_by(Inquiry.id.desc())
        .limit(1)
    ).first()


def _new_inquiry(conversation: Conversation, language: str) -> Inquiry:
    inquiry = Inquiry(
        conversation=conversation,
        channel=conversation.channel,
        language=language,
        answers={},
        status="new",
        notes="",
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    db.session.add(inquiry)
    return inquiry


def _save_state(conversation: Conversation, inquiry: Inquiry, state: State) -> None:
    """Copy the engine's state onto the rows staff read."""
    moment = clock.now()
    conversation.state = state.as_json()
    conversation.language = state.language
    conversation.opted_out = state.opted_out
    conversation.updated_at = moment
    inquiry.language = state.language
    inquiry.answers = dict(state.answers)
    inquiry.updated_at = moment
    decision = state.decision
    if decision is not None:
        inquiry.outcome = decision.outcome
        inquiry.reasons = list(decision.reasons)
        inquiry.office = decision.office.id
        inquiry.reference = state.reference
        inquiry.completed_at = moment


def _is_idle(conversation: Conversation) -> bool:
    return clock.now() - clock.as_utc(conversation.updated_at) > IDLE_EXPIRY


def _add_message(
    conversation: Conversation, inquiry: Inquiry, direction: str, body: str, **extra: object
) -> Message:
    message = Message(
        conversation_id=conversation.id,
        inquiry=inquiry,
        direction=direction,
        body=body,
        created_at=clock.now(),
        **extra,
    )
    db.session.add(message)
    return message


def _run_turn(
    conversation: Conversation, text: str, context: Context
) -> tuple[Turn, Inquiry, Inquiry]:
    """Run the engine on the stored state; a restart opens a new inquiry, keeping the old."""
    previous = State.from_json(conversation.state) if conversation.state else None
    turn = reply(previous, text, context)
    inquiry = _current_inquiry(conversation)
    fresh = inquiry is None
    if inquiry is None:
        inquiry = _new_inquiry(conversation, turn.state.language)
    received_by = inquiry
    if "restarted" in turn.events or ("started" in turn.events and not fresh):
        inquiry = _new_inquiry(conversation, turn.state.language)
    _save_state(conversation, inquiry, turn.state)
    return turn, received_by, inquiry


@dataclass(frozen=True)
class SmsIn:
    sid: str
    phone: str
    body: str
    has_media: bool

    def __post_init__(self) -> None:
        for name in ("sid", "phone", "body"):
            object.__setattr__(self, name, clean_text(getattr(self, name)))


def receive_sms(message: SmsIn, secret: str) -> SmsReply:
    """Process one Twilio message exactly once; a copy gets the reply the first one got."""

    def work() -> SmsReply:
        earlier = _stored_reply(message.sid)
        if earlier is not None:
            return earlier
        conversation = _lock_sms_conversation(message.phone, phone_key(message.phone, secret))
        earlier = _stored_reply(message.sid)  # a copy may have finished while we waited
        if earlier is not None:
            return earlier
        context = Context(
            channel="sms",
            this_year=clock.this_year(),
            new_reference=reference.generate,
            has_media=message.has_media,
            idle_expired=bool(conversation.state) and _is_idle(conversation),
        )
        conversation.phone = message.phone
        turn, received_by, inquiry = _run_turn(conversation, message.body, context)
        inbound = _add_message(
            conversation, received_by, "in", message.body, twilio_sid=message.sid
        )
        text = turn.sms_text()
        if text is None:
            return SmsReply(None, None, turn.events)
        db.session.flush()
        reply = _add_message(conversation, inquiry, "out", text, reply_to_id=inbound.id)
        db.session.flush()
        return SmsReply(text, reply.id, turn.events, turn.state.decision)

    return retrying(work)


DELIVERY_STATUSES = ("queued", "sending", "sent", "delivered", "undelivered", "failed")


def record_delivery(reply_id: int, status: str, error_code: str | None) -> bool:
    """Note what Twilio reports about a reply we sent; ``False`` for an unknown reply."""

    def work() -> bool:
        reply = db.session.get(Message, reply_id)
        if reply is None or reply.direction != "out":
            return False
        reply.delivery_status = status
        reply.error_code = (error_code or None) if status in ("undelivered", "failed") else None
        reply.status_at = clock.now()
        return True

    return retrying(work)


@dataclass(frozen=True)
class ChatView:
    """What the chat API shows: the conversation, its state and this turn's new bot messages."""

    token: str
    state: State
    new_messages: list[str]
    completed: bool = False


def start_chat(language: str) -> ChatView:
    def work() -> ChatView:
        conversation = Conversation(
            token=new_token(),
            channel="web",
            language=language,
            state={},
            opted_out=False,
            created_at=clock.now(),
            updated_at=clock.now(),
        )
        db.session.add(conversation)
        turn = start(language, "web")
        inquiry = _new_inquiry(conversation, language)
        _save_state(conversation, inquiry, turn.state)
        db.session.flush()
        for text in turn.web_messages():
            _add_message(conversation, inquiry, "out", text)
        return ChatView(conversation.token, turn.state, turn.web_messages())

    return retrying(work)


def _lock_chat(token: str) -> Conversation | None:
    return db.session.scalars(
        select(Conversation)
        .where(Conversation.token == token, Conversation.channel == "web")
        .with_for_update()
    ).first()


def post_chat(token: str, text: str) -> ChatView | None:
    """One resident message in a web chat; ``None`` when the chat does not exist."""
    text, token = clean_text(text), clean_text(token)

    def work() -> ChatView | None:
        conversation = _lock_chat(token)
        if conversation is None:
            return None
        context = Context(
            channel="web",
            this_year=clock.this_year(),
            new_reference=reference.generate,
            idle_expired=_is_idle(conversation),
        )
        turn, received_by, inquiry = _run_turn(conversation, text, context)
        _add_message(conversation, received_by, "in", text)
        for message in turn.web_messages():
            _add_message(conversation, inquiry, "out", message)
        completed = "completed" in turn.events
        return ChatView(conversation.token, turn.state, turn.web_messages(), completed)

    return retrying(work)


def chat_transcript(token: str) -> tuple[ChatView, list[tuple[str, str]]] | None:
    """The whole web chat, both sides in order, as (direction, text) pairs."""
    token = clean_text(token)

    def work() -> tuple[ChatView, list[tuple[str, str]]] | None:
        conversation = db.session.scalars(
            select(Conversation).where(Conversation.token == token, Conversation.channel == "web")
        ).first()
        if conversation is None:
            return None
        rows = db.session.execute(
            select(Message.direction, Message.body)
            .where(Message.conversation_id == conversation.id)
            .order_by(Message.id)
        ).all()
        view = ChatView(conversation.token, State.from_json(conversation.state), [])
        return view, [(direction, body or "") for direction, body in rows]

    return retrying(work)
