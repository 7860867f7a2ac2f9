"""One webhook of a phone call: find the call, run the engine or the result menu, keep it all.

A call is a conversation of its own (``bot.storage.calls``), so a number's calls and texts never
share a state. Every webhook of a call carries its step number (the voice channel puts it in
each ``action`` and ``<Redirect>``); the TwiML a step was answered with is kept, so Twilio
repeating a webhook gets exactly the same TwiML and nothing changes. Each webhook is one short
transaction, like a text (``bot.service.turns``): the call's conversation is locked first.

What only a call has is decided here, as data the channel renders (``Said``): nothing heard
(asked again once, then goodbye), three answers to one question not understood (goodbye, with
both offices' numbers), and the result menu's keys that are not the engine's: the result by
text, being connected to the office (when it is open; when not, when it opens and a call-back
request), and how a connected call ended.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bot import clock
from bot.core import reference
from bot.core.conversation.engine import Context, State, Turn, reply, result_text
from bot.core.conversation.engine import start as start_turn
from bot.core.conversation.events import Event
from bot.core.eligibility.rules import Hours
from bot.service import events
from bot.service.channel import Channel
from bot.service.turns import MAX_INPUT, _saved, _state
from bot.service.voice_texts import TextResult, send_result_by_text
from bot.storage import calls
from bot.storage import conversations as threads
from bot.storage.calls import Call
from bot.storage.keys import new_token
from bot.storage.transactions import Transaction, in_transaction

log = logging.getLogger("bot.service")

#: Nothing heard this many times in a row ends the call; so do this many answers to one
#: question that were not understood.
SILENCES_BEFORE_GOODBYE = 2
MISSES_BEFORE_GOODBYE = 3
#: How a connected call to an office may end, as Twilio's DialCallStatus says; anything else
#: (busy, no-answer, failed, canceled) means nobody answered.
ANSWERED = frozenset(("completed", "answered"))


class MenuChoice(StrEnum):
    """The result menu's keys that only a call has (1, back, help and language are the
    engine's)."""

    TEXT = "text"  # 2: the result by text
    CONNECT = "connect"  # 3: be connected to the office now
    CALLBACK = "callback"  # 4, offered when the office is closed: ask to be called back


class Note(StrEnum):
    """What a call says before the question or the menu, beyond the engine's words."""

    NOT_HEARD = "not_heard"
    GOODBYE = "goodbye"  # both offices' numbers, then the call ends
    TEXT_QUEUED = "text_queued"
    TEXT_WITHHELD = "text_withheld"
    TEXT_OPTED_OUT = "text_opted_out"
    TEXT_NO_TEXTS = "text_no_texts"
    TEXT_UNAVAILABLE = "text_unavailable"
    CONNECTING = "connecting"
    CLOSED = "closed"  # with when the office opens, and key 4 offered
    NO_ANSWER = "no_answer"  # the office did not answer: its number, then the menu again
    CALLBACK_REQUESTED = "callback_requested"
    CALLBACK_WITHHELD = "callback_withheld"
    THANKS = "thanks"  # after a connected call: goodbye


TEXT_NOTES = {
    TextResult.QUEUED: Note.TEXT_QUEUED,
    TextResult.WITHHELD: Note.TEXT_WITHHELD,
    TextResult.OPTED_OUT: Note.TEXT_OPTED_OUT,
    TextResult.NO_TEXTS: Note.TEXT_NO_TEXTS,
    TextResult.UNAVAILABLE: Note.TEXT_UNAVAILABLE,
}


class Then(StrEnum):
    """What the call does after speaking."""

    ASK = "ask"  # gather: the pending question, or the result menu when the check is done
    DIAL = "dial"  # connect the caller to the office of the result
    HANG_UP = "hang_up"


@dataclass(frozen=True)
class Heard:
    """What the caller did at one step, as the channel read it."""

    text: str | None  # what the engine reads; ``None`` when nothing was heard
    record: str  # what staff read: the keys pressed, or the speech and its confidence
    menu: MenuChoice | None = None  # a key of the result menu that only a call has


@dataclass(frozen=True)
class Step:
    """One webhook of a call."""

    call_sid: str
    step: int  # 0 for the incoming call, then as the previous answer's TwiML said
    phone: str | None  # the caller in E.164, ``None`` when withheld
    heard: Heard | None = None  # ``None`` for the incoming call, and after a <Dial>
    dial_status: str | None = None  # after a <Dial>: how the call to the office ended


@dataclass(frozen=True)
class Said:
    """What the call says and does next; the channel turns it into TwiML."""

    state: State
    turn: Turn | None = None  # the engine's turn, when one ran
    notes: tuple[Note, ...] = ()
    then: Then = Then.ASK
    opens: datetime | None = None  # when the office opens (county time), after Note.CLOSED
    offer_callback: bool = False  # the menu offers key 4
    restarted_on: int | None = None  # the new inquiry, when the caller started a new check
    step: int = 0  # the step the next webhook carries (set last, once the answer is decided)


#: The channel's renderer: a ``Said`` into (TwiML, the sentences spoken, for staff to read).
Renderer = Callable[[Said], tuple[str, list[str]]]


@dataclass(frozen=True)
class Settings:
    """What the web layer knows that the service needs: the phone hash key, and the opening
    hours that override both offices' (``OFFICE_HOURS``)."""

    phone_hash_key: str
    office_hours: Hours | None = None
    # Wakes the worker that sends texts the service starts, once a caller's text is stored.
    wake_texts: Callable[[], None] | None = None


def _context(channel: Channel) -> Context:
    return Context(
        channel=channel.traits, this_year=clock.this_year(), new_reference=reference.generate
    )


def _opening(state: State, settings: Settings) -> datetime | None:
    """``None`` when the result's office is open now, else when it next opens."""
    decision = state.decision
    assert decision is not None
    hours = settings.office_hours or decision.office.hours
    now = clock.now().astimezone(clock.COUNTY_TIME)
    return None if hours.is_open(now) else hours.next_opening(now)


def _menu(
    tx: Transaction, call: Call, state: State, choice: MenuChoice, settings: Settings
) -> Said:
    inquiry = call.thread.inquiry
    assert inquiry is not None
    if choice is MenuChoice.TEXT:
        result = send_result_by_text(
            tx, call.phone, settings.phone_hash_key, call.thread.id, inquiry, result_text(state)
        )
        return Said(state, notes=(TEXT_NOTES[result],))
    opens = _opening(state, settings)
    if choice is MenuChoice.CONNECT:
        if opens is None:
            return Said(state, notes=(Note.CONNECTING,), then=Then.DIAL)
        return Said(state, notes=(Note.CLOSED,), opens=opens, offer_callback=True)
    if call.phone is None:
        return Said(state, notes=(Note.CALLBACK_WITHHELD,), offer_callback=opens is not None)
    calls.request_callback(tx, inquiry)
    return Said(state, notes=(Note.CALLBACK_REQUESTED,))


def _engine(tx: Transaction, channel: Channel, call: Call, state: State, text: str) -> Said:
    turn = reply(state, text, _context(channel))
    thread = call.thread
    assert thread.inquiry is not None
    inquiry = thread.inquiry
    if Event.RESTARTED in turn.events:  # a new check on the same call: the old one is kept
        inquiry = threads.new_inquiry(tx, thread, turn.state.language)
    threads.save(tx, thread, inquiry, _saved(turn))
    misses = call.misses + 1 if turn.retry else 0
    calls.count(tx, call, 0, misses)
    if turn.retry and misses >= MISSES_BEFORE_GOODBYE:
        return Said(turn.state, turn, notes=(Note.GOODBYE,), then=Then.HANG_UP)
    ended = turn.ask is None and not turn.state.done  # "stop", "end"...: the caller is leaving
    restarted_on = inquiry if inquiry != thread.inquiry else None
    return Said(
        turn.state, turn, then=Then.HANG_UP if ended else Then.ASK, restarted_on=restarted_on
    )


def _after_dial(state: State, dial_status: str) -> Said:
    if dial_status in ANSWERED:
        return Said(state, notes=(Note.THANKS,), then=Then.HANG_UP)
    return Said(state, notes=(Note.NO_ANSWER,))


def _decide(tx: Transaction, channel: Channel, call: Call, step: Step, settings: Settings) -> Said:
    state = _state(call.thread)
    if step.dial_status is not None:
        return _after_dial(state, step.dial_status)
    heard = step.heard
    if heard is None or heard.text is None:
        silences = call.silences + 1
        calls.count(tx, call, silences, call.misses)
        if silences >= SILENCES_BEFORE_GOODBYE:
            return Said(state, notes=(Note.GOODBYE,), then=Then.HANG_UP)
        return Said(state, notes=(Note.NOT_HEARD,))
    if heard.menu is not None and state.done:
        calls.count(tx, call, 0, 0)
        return _menu(tx, call, state, heard.menu, settings)
    return _engine(tx, channel, call, state, heard.text)


def _begin(tx: Transaction, channel: Channel, step: Step) -> tuple[Call, Said]:
    """A new call: a conversation of its own, its first inquiry, the welcome and first question."""
    language = "en"
    call = calls.new_call(tx, channel.name, step.call_sid, step.phone, new_token(), language)
    turn = start_turn(language, channel.traits)
    inquiry = threads.new_inquiry(tx, call.thread, language)
    threads.save(tx, call.thread, inquiry, _saved(turn))
    return replace(call, thread=replace(call.thread, inquiry=inquiry)), Said(turn.state, turn)


@dataclass(frozen=True)
class Answered:
    twiml: str
    said: Said | None  # ``None`` when this was a repeat, answered as the first time


def _answer(
    tx: Transaction, channel: Channel, step: Step, settings: Settings, render: Renderer
) -> Answered:
    call = calls.find_call(tx, channel.name, step.call_sid)
    if call is not None:
        stored = calls.stored_step(tx, call, step.step)
        if stored is not None:
            return Answered(stored, None)
    if call is None:
        call, said = _begin(tx, channel, step)
    else:
        said = _decide(tx, channel, call, step, settings)
    said = replace(said, step=step.step + 1)
    twiml, spoken = render(said)
    calls.store_step(tx, call, step.step, twiml)
    inquiry = call.thread.inquiry
    assert inquiry is not None
    heard = step.heard
    record = heard.record if heard is not None else None
    if step.dial_status is not None:
        record = f"(call to the office: {step.dial_status})"
    inbound = None
    if record is not None:
        inbound = threads.add_inbound(  # kept to the length every channel keeps
            tx, call.thread, inquiry, record[:MAX_INPUT], f"{step.call_sid}:{step.step}"[:64]
        )
    replies = [" ".join(spoken)] if spoken else []
    threads.add_replies(tx, call.thread, said.restarted_on or inquiry, replies, inbound)
    return Answered(twiml, said)


def answer(channel: Channel, step: Step, settings: Settings, render: Renderer) -> str:
    """The TwiML for one webhook of a call, exactly once per (``CallSid``, step)."""
    answered = in_transaction(_answer, channel, step, settings, render)
    said = answered.said
    if said is not None and said.turn is not None:
        events.record(channel.name, said.turn.events, said.turn.state.decision)
    if said is not None and Note.TEXT_QUEUED in said.notes and settings.wake_texts is not None:
        _wake(settings.wake_texts)
    return answered.twiml


def _wake(wake: Callable[[], None]) -> None:
    """The stored row is the record of the text; a queue that does not answer is only logged
    (the worker's periodic sweep finds the row)."""
    try:
        wake()
    except Exception:  # a wake-up call, never the record
        log.warning("could not wake the text worker; the next sweep will find the caller's text")


def _ended(tx: Transaction, call_sid: str, status: str, duration: int | None) -> bool:
    return calls.call_ended(tx, call_sid, status, duration)


def call_ended(call_sid: str, status: str, duration: int | None) -> bool:
    """Twilio's status callback: how the call ended and how long it took; ``False`` for a call
    this service never answered."""
    return in_transaction(_ended, call_sid, status, duration)
