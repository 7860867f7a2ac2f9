"""One turn of a conversation for any channel: find the thread, run the engine, store it all.

Every channel calls ``start``, ``receive`` or ``conversation`` and only parses what came in and
renders what comes back. A message is one short transaction (``bot.storage.transactions``): the
thread is locked first, so two messages of one resident never interleave, and a provider
message id seen before is answered as it was the first time and changes nothing. Events are
counted and logged once, after the commit (``bot.service.events``).

Whoever holds a web chat id can read the whole conversation, so an id opens it only until a day
after its last message (``IDLE_EXPIRY``); after that it is answered like an id that never
existed. Every channel keeps the same length of a message (``MAX_INPUT``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import clock
from bot.core import reference
from bot.core.conversation import catalog
from bot.core.conversation.engine import Context, State, Turn, reply
from bot.core.conversation.engine import start as start_turn
from bot.core.conversation.events import Event
from bot.core.conversation.understanding import keyword
from bot.core.eligibility.rules import OFFICES
from bot.core.text import clean_text
from bot.service import events
from bot.service.channel import Channel, MessageLimit
from bot.storage import conversations as threads
from bot.storage.conversations import PhoneThread, Saved, Thread
from bot.storage.keys import new_token, phone_key
from bot.storage.transactions import Row, Transaction, in_transaction

#: A conversation left this long unfinished starts again with the next message; a web chat
#: left this long is gone for good (its id no longer opens it).
IDLE_EXPIRY = timedelta(hours=24)
#: Characters of a resident's message kept, on every channel: what Twilio delivers at most, and
#: the chat's text box (``maxlength``). The rest is cut off before anything is stored.
MAX_INPUT = 1600
#: For this long after the office's last text, a resident's text that is not a keyword is an
#: answer to the office: it joins that inquiry's thread instead of the check's questions.
OFFICE_REPLIES = timedelta(days=7)


@dataclass(frozen=True)
class Inbound:
    """A resident's message as a channel parsed it: by phone number or by chat id."""

    text: str
    phone: str | None = None  # a phone channel's sender, in E.164
    token: str | None = None  # a web chat's id
    sid: str | None = None  # the provider's id for this message: a repeat is answered as before
    has_media: bool = False


@dataclass(frozen=True)
class Answer:
    """What the channel renders: where the conversation stands and what was said this turn.

    ``said`` is this turn's messages as the channel rendered and the store kept them;
    ``reply_id`` is the last of them (a provider reports its delivery against it).
    """

    token: str | None
    state: State | None
    said: list[str]
    reply_id: int | None = None
    events: frozenset[Event] = frozenset()


def _idle_too_long(thread: Thread) -> bool:
    updated: datetime | None = thread.updated_at
    return updated is not None and clock.now() - updated > IDLE_EXPIRY


def _is_idle(thread: Thread) -> bool:
    return bool(thread.progress) and _idle_too_long(thread)


def _open_by_id(thread: Thread | None) -> Thread | None:
    """A thread found by its chat id, unless its last message is more than a day old: an id
    that leaked (a browser's history, a shared computer) stops opening the conversation."""
    return thread if thread is not None and not _idle_too_long(thread) else None


def _context(channel: Channel, thread: Thread, has_media: bool) -> Context:
    return Context(
        channel=channel.traits,
        this_year=clock.this_year(),
        new_reference=reference.generate,
        has_media=has_media,
        idle_expired=_is_idle(thread),
    )


def _state(thread: Thread) -> State:
    """The engine's state, from where each part of it is stored."""
    return State.resume(
        thread.progress, thread.language, thread.opted_out, thread.answers, thread.reference
    )


def _saved(turn: Turn) -> Saved:
    state = turn.state
    decision = state.decision
    finished = None
    if decision is not None and Event.COMPLETED in turn.events:
        assert state.reference is not None
        finished = (decision.outcome, list(decision.reasons), decision.office.id, state.reference)
    return Saved(state.progress(), state.language, state.opted_out, dict(state.answers), finished)


def _slowed(tx: Transaction, found: PhoneThread, limit: MessageLimit) -> Answer:
    """Over the limit: a polite reply once in a while, otherwise silence."""
    limited = frozenset({Event.RATE_LIMITED})
    slowed_at = found.slowed_at
    if slowed_at is not None and clock.now() - slowed_at < limit.notice_every:
        return Answer(None, None, [], events=limited)
    threads.mark_slowed(tx, found.thread)
    return Answer(None, None, [catalog.text(found.thread.language, "slow_down")], events=limited)


def _thread(
    tx: Transaction, channel: Channel, inbound: Inbound, phone_hash_key: str, limited: bool
) -> Thread | Answer | None:
    """The locked thread the message belongs to, an answer when it is over the limit, or
    ``None`` for a chat id that does not exist (or no longer opens its chat)."""
    if inbound.phone is None:
        return _open_by_id(threads.token_thread(tx, channel.name, inbound.token or ""))
    found = threads.phone_thread(
        tx, channel.name, inbound.phone, phone_key(inbound.phone, phone_hash_key), new_token()
    )
    limit = channel.per_number
    if limited and limit is not None and found.messages_this_minute > limit.per_minute:
        # Twilio retrying a message it sent before the flood still gets that message's answer.
        earlier = threads.stored_replies(tx, inbound.sid) if inbound.sid else []
        return _repeated(earlier) if earlier else _slowed(tx, found, limit)
    return found.thread


def _repeated(earlier: list[Row]) -> Answer:
    said = [row["body"] for row in earlier]
    last = earlier[-1]["id"] if earlier else None
    return Answer(None, None, said, last, frozenset({Event.REPEATED}))


def _answers_office(thread: Thread) -> bool:
    texted = thread.office_texted_at
    return (
        texted is not None
        and thread.office_inquiry is not None
        and clock.now() - texted <= OFFICE_REPLIES
    )


def _status_text(language: str, latest: threads.LatestCheck | None) -> str:
    """STATUS: the latest check's reference and where staff stand with it, in plain words."""
    if latest is None:
        return catalog.text(language, "status_none")
    office = OFFICES.get(latest.office or "")
    key = f"status_{latest.status}"
    return catalog.text(
        language,
        key if catalog.has_text(language, key) else "status_new",
        reference=latest.reference,
        office=catalog.office_name(language, office.id) if office else "",
        phone=office.phone if office else "",
    )


def _aside(tx: Transaction, thread: Thread, inbound: Inbound, command: str | None) -> Answer | None:
    """A phone text that is not part of the check: STATUS, or an answer to the office's text.
    Neither changes where the check stands."""
    to_office = command is None and _answers_office(thread)
    if command != "status" and not to_office:
        return None
    inquiry = thread.office_inquiry if to_office else thread.inquiry
    if inquiry is None:
        inquiry = threads.new_inquiry(tx, thread, thread.language)
    inbound_id = threads.add_inbound(tx, thread, inquiry, inbound.text, inbound.sid)
    if inbound_id is None:
        assert inbound.sid is not None
        return _repeated(threads.stored_replies(tx, inbound.sid))
    if to_office:
        acked = thread.office_acked_at
        acknowledge = acked is None or (
            thread.office_texted_at is not None and acked < thread.office_texted_at
        )
        threads.reply_to_office(tx, thread, inquiry, acknowledge)
        said = [catalog.text(thread.language, "office_reply")] if acknowledge else []
    else:
        said = [_status_text(thread.language, threads.latest_check(tx, thread))]
    reply_id = threads.add_replies(tx, thread, inquiry, said, inbound_id)
    return Answer(inbound.token, None, said, reply_id)


def _receive(
    tx: Transaction, channel: Channel, inbound: Inbound, phone_hash_key: str, limited: bool
) -> Answer | None:
    thread = _thread(tx, channel, inbound, phone_hash_key, limited)
    if not isinstance(thread, Thread):
        return thread
    if inbound.phone is not None and not thread.opted_out:
        aside = _aside(tx, thread, inbound, keyword(inbound.text))
        if aside is not None:
            return aside
    current = thread.inquiry
    received_by = current or threads.new_inquiry(tx, thread, thread.language)
    # The turn is worked out before anything is written: the engine only computes, and the
    # message and everything it changes are then stored together, or not at all when the
    # provider sent this message before.
    turn = reply(_state(thread), inbound.text, _context(channel, thread, inbound.has_media))
    said = channel.render(turn)
    fresh = Event.RESTARTED in turn.events or (Event.STARTED in turn.events and current is not None)
    if not fresh:
        recorded = threads.record_turn(
            tx, thread, received_by, inbound.text, inbound.sid, _saved(turn), said
        )
        if recorded is None:
            return _stored_before(tx, inbound)
        return Answer(inbound.token, turn.state, said, recorded.reply_id, turn.events)
    # A new check: the message closes the old inquiry, the turn opens the next one.
    inbound_id = threads.add_inbound(tx, thread, received_by, inbound.text, inbound.sid)
    if inbound_id is None:
        return _stored_before(tx, inbound)
    inquiry = threads.new_inquiry(tx, thread, turn.state.language)
    threads.save(tx, thread, inquiry, _saved(turn))
    reply_id = threads.add_replies(tx, thread, inquiry, said, inbound_id)
    return Answer(inbound.token, turn.state, said, reply_id, turn.events)


def _stored_before(tx: Transaction, inbound: Inbound) -> Answer:
    """The provider sent this message before (a retry): the same answer, nothing changed."""
    assert inbound.sid is not None
    return _repeated(threads.stored_replies(tx, inbound.sid))


def _cleaned(inbound: Inbound) -> Inbound:
    def clean(value: str | None) -> str | None:
        return clean_text(value) if value is not None else None

    return Inbound(
        text=clean_text(inbound.text[:MAX_INPUT]),
        phone=clean(inbound.phone),
        token=clean(inbound.token),
        sid=clean(inbound.sid),
        has_media=inbound.has_media,
    )


def _recorded(channel: Channel, answer: Answer | None) -> Answer | None:
    if answer is not None:
        decision = answer.state.decision if answer.state is not None else None
        events.record(channel.name, answer.events, decision)
    return answer


def receive(
    channel: Channel, inbound: Inbound, phone_hash_key: str = "", limited: bool = True
) -> Answer | None:
    """Process one message exactly once; ``None`` when it names a chat that does not exist or
    whose last message is more than ``IDLE_EXPIRY`` old.

    ``phone_hash_key`` (the ``PHONE_HASH_KEY`` setting) keys the hash that finds a phone's
    thread; ``limited`` applies the channel's per-number limit (off only for load tests).
    """
    message = _cleaned(inbound)
    return _recorded(channel, in_transaction(_receive, channel, message, phone_hash_key, limited))


def _start(tx: Transaction, channel: Channel, language: str) -> Answer:
    token = new_token()
    thread = threads.new_token_thread(tx, channel.name, token, language)
    turn = start_turn(language, channel.traits)
    inquiry = threads.new_inquiry(tx, thread, language)
    threads.save(tx, thread, inquiry, _saved(turn))
    said = channel.render(turn)
    reply_id = threads.add_replies(tx, thread, inquiry, said, None)
    return Answer(token, turn.state, said, reply_id, turn.events)


def start(channel: Channel, language: str) -> Answer:
    """A conversation the resident opens with no message (a web chat): the welcome and the
    first question, on a new thread with an unguessable id."""
    return _recorded(channel, in_transaction(_start, channel, language))  # type: ignore[return-value]


@dataclass(frozen=True)
class Conversation:
    """A whole conversation: where it stands and both sides, as (direction, text) pairs."""

    token: str
    state: State
    messages: list[tuple[str, str]]


def _conversation(tx: Transaction, channel: Channel, token: str) -> Conversation | None:
    thread = _open_by_id(threads.token_thread(tx, channel.name, token, lock=False))
    if thread is None:
        return None
    return Conversation(token, _state(thread), threads.transcript(tx, thread))


def conversation(channel: Channel, token: str) -> Conversation | None:
    """A web chat by its id, or ``None`` when there is none, or its last message is more than
    ``IDLE_EXPIRY`` old (the id no longer opens it)."""
    return in_transaction(_conversation, channel, clean_text(token))
