"""Reading and writing conversations, inquiries and messages: the only module that commits.

Each incoming message is one short transaction of a few SQL statements (SQLAlchemy Core, since
this is the hot path): lock the conversation row, check the MessageSid, run the engine, store
the message, the reply and the new state together. A retried Twilio ``MessageSid`` finds its
stored reply instead of running again, so it is processed once even when copies race.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot import clock, reference
from bot.conversation.engine import Context, State, Turn, reply, start
from bot.db import db
from bot.models import Conversation, Inquiry, Message

IDLE_EXPIRY = timedelta(hours=24)
ATTEMPTS = 3
DELIVERY_STATUSES = ("queued", "sending", "sent", "delivered", "undelivered", "failed")
T = TypeVar("T")

CONVERSATION = Conversation.__table__
INQUIRY = Inquiry.__table__
MESSAGE = Message.__table__


def _param(name: str) -> Any:
    return bindparam(f"p_{name}")


# The hot path's statements, built once: SQLAlchemy then only binds values and reuses the
# compiled SQL, which is most of the difference from building them for every message.
CURRENT_INQUIRY = (
    select(INQUIRY.c.id)
    .where(INQUIRY.c.conversation_id == _param("conversation"))
    .order_by(INQUIRY.c.id.desc())
    .limit(1)
)
NEW_INQUIRY = (
    insert(INQUIRY)
    .values(
        conversation_id=_param("conversation"),
        channel=_param("channel"),
        language=_param("language"),
        answers={},
        status="new",
        notes="",
        created_at=_param("now"),
        updated_at=_param("now"),
    )
    .returning(INQUIRY.c.id)
)
SAVE_CONVERSATION = (
    update(CONVERSATION)
    .where(CONVERSATION.c.id == _param("conversation"))
    .values(
        state=_param("state"),
        language=_param("language"),
        opted_out=_param("opted_out"),
        inquiry_id=_param("inquiry"),
        updated_at=_param("now"),
    )
)
INQUIRY_FIELDS = {
    "language": _param("language"),
    "answers": _param("answers"),
    "updated_at": _param("now"),
}
SAVE_INQUIRY = update(INQUIRY).where(INQUIRY.c.id == _param("inquiry")).values(**INQUIRY_FIELDS)
SAVE_FINISHED_INQUIRY = SAVE_INQUIRY.values(
    outcome=_param("outcome"),
    reasons=_param("reasons"),
    office=_param("office"),
    reference=_param("reference"),
    completed_at=_param("now"),
)
ADD_MESSAGE = (
    insert(MESSAGE)
    .values(
        conversation_id=_param("conversation"),
        inquiry_id=_param("inquiry"),
        direction=_param("direction"),
        body=_param("body"),
        twilio_sid=_param("sid"),
        reply_to_id=_param("reply_to"),
        created_at=_param("now"),
    )
    .returning(MESSAGE.c.id)
)


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


def _execute(statement: Any, **params: Any) -> Any:
    return db.session.execute(statement, {f"p_{name}": value for name, value in params.items()})


def _current_inquiry_id(conversation_id: int) -> int | None:
    return _execute(CURRENT_INQUIRY, conversation=conversation_id).scalar()


def _new_inquiry(conversation_id: int, channel: str, language: str) -> int:
    return _execute(
        NEW_INQUIRY,
        conversation=conversation_id,
        channel=channel,
        language=language,
        now=clock.now(),
    ).scalar_one()


def _save_state(conversation_id: int, inquiry_id: int, state: State) -> None:
    """Copy the engine's state onto the conversation and onto the inquiry staff read."""
    moment = clock.now()
    _execute(
        SAVE_CONVERSATION,
        conversation=conversation_id,
        inquiry=inquiry_id,
        state=state.as_json(),
        language=state.language,
        opted_out=state.opted_out,
        now=moment,
    )
    common = {"inquiry": inquiry_id, "language": state.language, "answers": dict(state.answers)}
    decision = state.decision
    if decision is None:
        _execute(SAVE_INQUIRY, now=moment, **common)
        return
    _execute(
        SAVE_FINISHED_INQUIRY,
        now=moment,
        outcome=decision.outcome,
        reasons=list(decision.reasons),
        office=decision.office.id,
        reference=state.reference,
        **common,
    )


def _add_message(
    conversation_id: int,
    inquiry_id: int,
    direction: str,
    body: str,
    sid: str | None = None,
    reply_to: int | None = None,
) -> int:
    return _execute(
        ADD_MESSAGE,
        conversation=conversation_id,
        inquiry=inquiry_id,
        direction=direction,
        body=body,
        sid=sid,
        reply_to=reply_to,
        now=clock.now(),
    ).scalar_one()


def _is_idle(updated_at: datetime) -> bool:
    return clock.now() - clock.as_utc(updated_at) > IDLE_EXPIRY


@dataclass(frozen=True)
class Thread:
    """One conversation row as a turn needs it."""

    id: int
    channel: str
    state: dict[str, Any]
    updated_at: datetime


def _run_turn(thread: Thread, text: str, context: Context) -> tuple[Turn, int, int]:
    """Run the engine on the stored state; a (re)start opens a new inquiry, keeping the old.

    Returns the turn, the inquiry the incoming message belongs to, and the current inquiry.
    """
    previous = State.from_json(thread.state) if thread.state else None
    turn = reply(previous, text, context)
    current = _current_inquiry_id(thread.id)
    received_by = current or _new_inquiry(thread.id, thread.channel, turn.state.language)
    inquiry = received_by
    restarted = "restarted" in turn.events or ("started" in turn.events and current is not None)
    if restarted:
        inquiry = _new_inquiry(thread.id, thread.channel, turn.state.language)
    return turn, received_by, inquiry


def record_delivery(reply_id: int, status: str, error_code: str | None) -> bool:
    """Note what Twilio reports about a reply we sent; ``False`` for an unknown reply."""
    failed = status in ("undelivered", "failed")

    def work() -> bool:
        changed = _execute(
            update(MESSAGE)
            .where(MESSAGE.c.id == reply_id, MESSAGE.c.direction == "out")
            .values(
                delivery_status=status,
                error_code=(error_code or None) if failed else None,
                status_at=clock.now(),
            )
        )
        return changed.rowcount == 1

    return retrying(work)


@dataclass(frozen=True)
class ChatView:
    """What the chat API shows: the conversation, its state and this turn's new bot messages."""

    token: str
    state: State
    new_messages: list[str]
    completed: bool = False


def start_chat(language: str) -> ChatView:
    """A new web chat: its conversation, its first inquiry, the welcome and first question."""
    turn = start(language, "web")

    def work() -> ChatView:
        token, moment = new_token(), clock.now()
        conversation_id = _execute(
            insert(CONVERSATION)
            .values(
                token=token,
                channel="web",
                language=language,
                state={},
                opted_out=False,
                created_at=moment,
                updated_at=moment,
            )
            .returning(CONVERSATION.c.id)
        ).scalar_one()
        inquiry = _new_inquiry(conversation_id, "web", language)
        _save_state(conversation_id, inquiry, turn.state)
        for text in turn.web_messages():
            _add_message(conversation_id, inquiry, "out", text)
        return ChatView(token, turn.state, turn.web_messages())

    return retrying(work)


def _lock_chat(token: str) -> Thread | None:
    found = _execute(
        select(CONVERSATION.c.id, CONVERSATION.c.state, CONVERSATION.c.updated_at)
        .where(CONVERSATION.c.token == token, CONVERSATION.c.channel == "web")
        .with_for_update()
    ).first()
    return Thread(found.id, "web", found.state, found.updated_at) if found else None


def post_chat(token: str, text: str) -> ChatView | None:
    """One resident message in a web chat; ``None`` when the chat does not exist."""
    text, token = clean_text(text), clean_text(token)

    def work() -> ChatView | None:
        thread = _lock_chat(token)
        if thread is None:
            return None
        context = Context(
            channel="web",
            this_year=clock.this_year(),
            new_reference=reference.generate,
            idle_expired=_is_idle(thread.updated_at),
        )
        turn, received_by, inquiry = _run_turn(thread, text, context)
        _save_state(thread.id, inquiry, turn.state)
        _add_message(thread.id, received_by, "in", text)
        for message in turn.web_messages():
            _add_message(thread.id, inquiry, "out", message)
        completed = "completed" in turn.events
        return ChatView(token, turn.state, turn.web_messages(), completed)

    return retrying(work)


def chat_transcript(token: str) -> tuple[ChatView, list[tuple[str, str]]] | None:
    """The whole web chat, both sides in order, as (direction, text) pairs."""
    token = clean_text(token)

    def work() -> tuple[ChatView, list[tuple[str, str]]] | None:
        found = _execute(
            select(CONVERSATION.c.id, CONVERSATION.c.state).where(
                CONVERSATION.c.token == token, CONVERSATION.c.channel == "web"
            )
        ).first()
        if found is None:
            return None
        rows = _execute(
            select(MESSAGE.c.direction, MESSAGE.c.body)
            .where(MESSAGE.c.conversation_id == found.id)
            .order_by(MESSAGE.c.id)
        ).all()
        view = ChatView(token, State.from_json(found.state), [])
        return view, [(direction, body or "") for direction, body in rows]

    return retrying(work)
