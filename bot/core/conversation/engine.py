"""The conversation engine: (state, what the resident typed) -> (new state, what to say).

Pure: no Flask, no database, no clock. The host loads the state, calls ``reply`` (or ``start``
for a new web chat), stores the new state and sends what the turn says, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

from bot.core.conversation import catalog
from bot.core.conversation.catalog import QuestionView
from bot.core.conversation.segments import segments
from bot.core.conversation.understanding import is_spanish_greeting, keyword, normalise, understand
from bot.core.eligibility import Decision, evaluate, next_question
from bot.core.eligibility.facts import Fact

Channel = Literal["sms", "web"]
#: Every English reply fits one SMS segment, every Spanish one two (SPEC section 4).
SMS_SEGMENTS = {"en": 1, "es": 2}


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

    def as_json(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "started": self.started,
            "answers": dict(self.answers),
            "history": list(self.history),
            "question": self.question,
            "done": self.done,
            "reference": self.reference,
            "opted_out": self.opted_out,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> State:
        if not data:
            return cls()
        return cls(**{**data, "history": tuple(data.get("history", ()))})

    @cached_property
    def decision(self) -> Decision | None:
        """Worked out once per state: the reply, the store and the API all read it."""
        return evaluate(self.answers) if self.done else None


@dataclass(frozen=True)
class Turn:
    """The engine's answer to one message: the new state and what to send back.

    ``parts`` are said in order, then ``ask`` (the question, if this reply asks one). ``silent``
    means send nothing at all (after an opt-out). ``events`` tell the host what happened.
    """

    state: State
    parts: tuple[str, ...] = ()
    ask: QuestionView | None = None
    retry: bool = False
    silent: bool = False
    events: frozenset[str] = frozenset()

    def sms_text(self) -> str | None:
        """One SMS message within the language's segment budget, or ``None`` to send nothing.

        When everything does not fit, the question's short form is used, then the lead-in
        lines ("OK, English.") are dropped from the front; the question or result always stays.
        """
        if self.silent:
            return None
        budget = SMS_SEGMENTS[self.state.language]
        candidates = list(self._sms_candidates())
        for text in candidates:
            if segments(text) <= budget:
                return text
        return candidates[-1]

    def _sms_candidates(self) -> Iterator[str]:
        keep = 0 if self.ask is not None else 1
        for start in range(len(self.parts) - keep + 1):
            leads = list(self.parts[start:])
            if self.ask is None:
                yield " ".join(leads)
                continue
            for short in sorted({self.retry, True}):
                yield " ".join([*leads, self.ask.sms(retry=short)])

    def web_messages(self) -> list[str]:
        if self.silent:
            return []
        return [*self.parts, *([self.ask.text] if self.ask is not None else [])]


@dataclass(frozen=True)
class Context:
    """What the host knows that the engine must not look up itself."""

    channel: Channel
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


def _current(state: State, *parts: str, events: frozenset[str] = frozenset()) -> Turn:
    """Say ``parts`` and then where the resident is: the pending question or the result."""
    if state.done:
        return Turn(state, (*parts, result_text(state)), events=events)
    assert state.question is not None
    return Turn(state, parts, catalog.question(state.language, state.question), events=events)


def start(language: str, channel: Channel) -> Turn:
    """A new conversation: the welcome and the first question."""
    state = _first_question(State(language=language))
    welcome = catalog.text(language, f"welcome_{channel}")
    return _current(state, welcome, events=frozenset({"started"}))


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
    return Turn(done, (result_text(done),), events=frozenset({"completed"}))


def _back(state: State) -> Turn:
    lang = state.language
    if not state.history:
        return _current(state, catalog.text(lang, "back_nothing"))
    last = state.history[-1]
    answers = {k: v for k, v in state.answers.items() if k != last}
    reopened = replace(
        state, answers=answers, history=state.history[:-1], question=last, done=False
    )
    return _current(reopened, catalog.text(lang, "back"), events=frozenset({"reopened"}))


def _restart(state: State, lead: str) -> Turn:
    fresh = _first_question(State(language=state.language))
    return _current(fresh, catalog.text(state.language, lead), events=frozenset({"restarted"}))


def _switch(state: State, language: str) -> Turn:
    switched = replace(state, language=language)
    return _current(switched, catalog.text(language, "switched"))


def _stop(state: State, context: Context) -> Turn:
    if context.channel == "web":
        return Turn(state, (catalog.text(state.language, "stopped_web"),))
    return Turn(replace(state, opted_out=True), silent=True, events=frozenset({"opted_out"}))


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
    return _current(back_in, opted_in, events=frozenset({"opted_in"}))


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
        help_text = catalog.text(lang, "help" if context.channel == "sms" else "help_web")
        return Turn(state, (help_text,)) if context.channel == "sms" else _current(state, help_text)
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
