"""The conversation engine: (state, what the resident said) -> (new state, what to say, events).

Pure: no Flask, no database, no clock. The service loads the state, calls ``reply`` (or ``start``
for a conversation the service opens itself), stores the new state and hands the turn to the
channel, which renders it (one text, chat bubbles, speech). The engine never knows which
channel it serves beyond the traits the channel declares (``ChannelTraits``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from bot.core.conversation import catalog
from bot.core.conversation.catalog import QuestionView
from bot.core.conversation.events import Event
from bot.core.conversation.understanding import is_spanish_greeting, keyword, normalise, understand
from bot.core.eligibility import Decision, evaluate, next_question
from bot.core.eligibility.facts import Fact


@dataclass(frozen=True)
class ChannelTraits:
    """What the engine must know of a channel: how the conversation behaves on it.

    ``name`` picks channel-specific wording: a message key ``welcome`` is read as
    ``welcome_<name>`` when the catalogue has that, else as ``welcome``. A channel that reaches a
    phone number records STOP as an opt-out (``records_opt_out``); elsewhere STOP only ends the
    chat. Where every reply must be short, HELP is answered on its own (``help_alone``); where
    there is room, the question follows it.
    """

    name: str
    records_opt_out: bool
    help_alone: bool


@dataclass(frozen=True)
class State:
    """Everything the engine needs to continue a conversation; stored as JSON by the host."""

    language: str = catalog.DEFAULT_LANGUAGE
    started: bool = False
    answers: dict[str, Fact] = field(default_factory=dict)
    history: tuple[str, ...] = ()  # questions answered, in order, for BACK
    question: str | None = None  # the question waiting for an answer
    done: bool = False
    reference: str | None = None
    opted_out: bool = False

    def progress(self) -> dict[str, Any]:
        """Where the conversation stands, for the host to keep. The language, the opt-out, the
        answers and the reference are kept by the host where they belong, and handed back to
        ``resume``; each fact is stored once."""
        return {
            "started": self.started,
            "history": list(self.history),
            "question": self.question,
            "done": self.done,
        }

    @classmethod
    def resume(
        cls,
        progress: dict[str, Any],
        language: str,
        opted_out: bool,
        answers: dict[str, Fact],
        reference: str | None,
    ) -> State:
        """The state a host stored in parts; keys that are not progress are ignored."""
        return cls(
            language=language,
            opted_out=opted_out,
            answers=dict(answers),
            reference=reference,
            started=bool(progress.get("started", False)),
            history=tuple(progress.get("history", ())),
            question=progress.get("question"),
            done=bool(progress.get("done", False)),
        )

    @cached_property
    def decision(self) -> Decision | None:
        """Worked out once per state: the reply, the store and the API all read it."""
        return evaluate(self.answers) if self.done else None


@dataclass(frozen=True)
class Turn:
    """The engine's answer to one message: the new state, what to say and what happened.

    ``parts`` are said in order, then ``ask`` (the question, if this reply asks one); ``retry``
    marks a question asked again after an answer that was not understood, which a channel may
    shorten. ``silent`` means send nothing at all (after an opt-out). The channel renders the
    turn; the service acts on ``events``.
    """

    state: State
    parts: tuple[str, ...] = ()
    ask: QuestionView | None = None
    retry: bool = False
    silent: bool = False
    events: frozenset[Event] = frozenset()


@dataclass(frozen=True)
class Context:
    """What the host knows that the engine must not look up itself."""

    channel: ChannelTraits
    this_year: int
    new_reference: Callable[[], str]
    has_media: bool = False
    idle_expired: bool = False


def result_text(state: State) -> str:
    decision = state.decision
    assert decision is not None and state.reference is not None
    lang = state.language
    return catalog.text(
        lang,
        "result",
        outcome=catalog.outcome_text(lang, decision.outcome),
        office=catalog.office_name(lang, decision.office.id),
        phone=decision.office.phone,
        reference=state.reference,
    )


def _first_question(state: State) -> State:
    return replace(state, started=True, question=next_question({}))


def _current(state: State, *parts: str, events: frozenset[Event] = frozenset()) -> Turn:
    """Say ``parts`` and then where the resident is: the pending question or the result."""
    if state.done:
        return Turn(state, (*parts, result_text(state)), events=events)
    assert state.question is not None
    return Turn(state, parts, catalog.question(state.language, state.question), events=events)


def _say(language: str, key: str, channel: ChannelTraits) -> str:
    """The channel's own wording of a message when it has one, else the common wording."""
    own = f"{key}_{channel.name}"
    return catalog.text(language, own if catalog.has_text(language, own) else key)


def start(language: str, channel: ChannelTraits) -> Turn:
    """A new conversation: the welcome and the first question."""
    state = _first_question(State(language=language))
    welcome = _say(language, "welcome", channel)
    return _current(state, welcome, events=frozenset({Event.STARTED}))


def _answer(state: State, text: str, context: Context) -> Turn:
    assert state.question is not None
    value = understand(state.question, text, context.this_year)
    if value is None:
        lead = catalog.text(state.language, "picture" if context.has_media else "not_understood")
        return Turn(state, (lead,), catalog.question(state.language, state.question), retry=True)
    answers = {**state.answers, state.question: value}
    history = (*state.history, state.question)
    following = next_question(answers)
    if following is not None:
        return _current(replace(state, answers=answers, history=history, question=following))
    done = replace(
        state,
        answers=answers,
        history=history,
        question=None,
        done=True,
        reference=state.reference or context.new_reference(),
    )
    return Turn(done, (result_text(done),), events=frozenset({Event.COMPLETED}))


def _back(state: State) -> Turn:
    lang = state.language
    if not state.history:
        return _current(state, catalog.text(lang, "back_nothing"))
    last = state.history[-1]
    answers = {k: v for k, v in state.answers.items() if k != last}
    reopened = replace(
        state, answers=answers, history=state.history[:-1], question=last, done=False
    )
    return _current(reopened, catalog.text(lang, "back"), events=frozenset({Event.REOPENED}))


def _restart(state: State, lead: str) -> Turn:
    fresh = _first_question(State(language=state.language))
    return _current(fresh, catalog.text(state.language, lead), events=frozenset({Event.RESTARTED}))


def _switch(state: State, language: str) -> Turn:
    switched = replace(state, language=language)
    return _current(switched, catalog.text(language, "switched"))


def _stop(state: State, context: Context) -> Turn:
    if not context.channel.records_opt_out:
        return Turn(state, (_say(state.language, "stopped", context.channel),))
    return Turn(replace(state, opted_out=True), silent=True, events=frozenset({Event.OPTED_OUT}))


def _first_contact(state: State, text: str, command: str | None, context: Context) -> Turn:
    """The first text gets a welcome and the first question, whatever it said."""
    spanish = is_spanish_greeting(text)
    if command == "help":
        language = "es" if spanish else state.language
        return Turn(replace(state, language=language), (catalog.text(language, "help"),))
    language = state.language
    if command == "es" or spanish:
        language = "es"
    elif command == "en":
        language = "en"
    return start(language, context.channel)


def _opted_out(state: State, text: str, command: str | None) -> Turn:
    """Nothing is sent until the resident opts back in (START, UNSTOP, or YES as Twilio does)."""
    if command != "start" and normalise(text) not in {"yes", "si"}:
        return Turn(state, silent=True)
    back_in = replace(state, opted_out=False)
    opted_in = catalog.text(state.language, "opted_in")
    if not back_in.started:
        back_in = _first_question(back_in)
    return _current(back_in, opted_in, events=frozenset({Event.OPTED_IN}))


def reply(previous: State | None, text: str, context: Context) -> Turn:
    """Answer one incoming message. Never raises for any text."""
    state = previous or State()
    command = keyword(text)
    if state.opted_out:
        return _opted_out(state, text, command)
    if command == "stop":
        return _stop(state, context)
    if not state.started:
        return _first_contact(state, text, command, context)
    if context.idle_expired and not state.done:
        return _restart(state, "expired")
    return _command(state, command, context) or _message(state, text, context)


def _command(state: State, command: str | None, context: Context) -> Turn | None:
    lang = state.language
    if command == "help":
        help_text = _say(lang, "help", context.channel)
        return (
            Turn(state, (help_text,)) if context.channel.help_alone else _current(state, help_text)
        )
    if command == "back":
        return _back(state)
    if command == "restart":
        return _restart(state, "restart")
    if command in catalog.LANGUAGES:
        return _switch(state, command)
    if command == "start":
        return _current(state)
    return None


def _message(state: State, text: str, context: Context) -> Turn:
    if state.done:
        return _current(state)
    return _answer(state, text, context)
