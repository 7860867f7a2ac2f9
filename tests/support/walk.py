"""An exhaustive walk of the conversation: every state the engine can reach, every reply it sends.

From the first contact, every question is answered with each of its choices (by number, and with
representative years and ages for the questions that take a number), and at every state the walk
also tries what residents do besides answering: nonsense, a picture, the keywords, a language
switch, opting out and back in, texting after the result, coming back after the check timed out.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from bot.clock import this_year
from bot.core.conversation.engine import Context, State, Turn, reply
from bot.core.conversation.understanding import QUESTIONS
from tests.support.channels import sms_text, traits

#: A valid reference (the check character is right) made of wide letters; all have one length.
REFERENCE = "SAC-WWWW-WWW8"

YEAR_ANSWERS = ("2009", "2016", "2017", "not sure")
AGE_ANSWERS = ("19", "17", "25", "not sure")

#: What residents send besides an answer, as (label, text, context changes).
PROBES: tuple[tuple[str, str, dict[str, bool]], ...] = (
    ("not understood", "blah", {}),
    ("picture without text", "", {"has_media": True}),
    ("help", "HELP", {}),
    ("back", "BACK", {}),
    ("restart", "RESTART", {}),
    ("stop", "STOP", {}),
    ("start", "START", {}),
    ("unstop", "UNSTOP", {}),
    ("yes", "YES", {}),
    ("spanish", "ES", {}),
    ("english", "EN", {}),
    ("spanish greeting", "Hola", {}),
    ("after a long pause", "hi", {"idle_expired": True}),
)


@dataclass(frozen=True)
class Step:
    """One message sent to the engine from one reachable state, and what the engine did."""

    before: State | None
    label: str
    text: str
    turn: Turn


def context(channel: str = "sms", **changes: bool) -> Context:
    return Context(
        channel=traits(channel), this_year=this_year(), new_reference=lambda: REFERENCE, **changes
    )


def answers_for(state: State | None) -> tuple[str, ...]:
    """Every answer to the pending question: each choice's number, or representative values."""
    if state is None or state.question is None:
        return ()
    spec = QUESTIONS[state.question]
    if spec["kind"] == "year":
        return YEAR_ANSWERS
    if spec["kind"] == "age":
        return AGE_ANSWERS
    return tuple(str(number) for number in range(1, len(spec["choices"]) + 1))


#: While opted out, what is tried: texts that must get no reply, and the three ways back in.
OPTED_OUT_PROBES: tuple[tuple[str, str, dict[str, bool]], ...] = (
    ("not understood", "blah", {}),
    ("help", "HELP", {}),
    ("back", "BACK", {}),
    ("stop", "STOP", {}),
    ("spanish", "ES", {}),
    ("start", "START", {}),
    ("unstop", "UNSTOP", {}),
    ("yes", "YES", {}),
    ("after a long pause", "hi", {"idle_expired": True}),
)


def inputs(state: State | None) -> Iterator[tuple[str, str, dict[str, bool]]]:
    for answer in answers_for(state):
        yield ("answer", answer, {})
    if state is not None and state.opted_out:
        yield from OPTED_OUT_PROBES
        return
    if state is not None and state.done:
        yield ("text after the result", "thanks", {})
    yield from PROBES


def key(state: State | None) -> tuple[object, ...]:
    """What tells states apart; cheaper than their JSON, which would take most of the time."""
    if state is None:
        return ()
    fields = (state.language, state.started, state.question, state.done, state.reference)
    return (*fields, state.opted_out, state.history, tuple(sorted(state.answers.items())))


def walk(channel: str, first_texts: tuple[str, ...]) -> tuple[Step, ...]:
    """Every step from every reachable state, breadth first from ``first_texts``."""
    steps: list[Step] = []
    seen: set[tuple[object, ...]] = set()
    queue: deque[State] = deque()

    def take(before: State | None, label: str, text: str, changes: dict[str, bool]) -> None:
        turn = reply(before, text, context(channel, **changes))
        steps.append(Step(before, label, text, turn))
        if key(turn.state) not in seen:
            seen.add(key(turn.state))
            queue.append(turn.state)

    for text in first_texts:
        take(None, "first contact", text, {})
    for label, text, changes in PROBES:
        take(None, f"first contact: {label}", text, changes)
    while queue:
        state = queue.popleft()
        for label, text, changes in inputs(state):
            take(state, label, text, changes)
    return tuple(steps)


@cache
def sms_walk() -> tuple[Step, ...]:
    """The SMS walk in both languages: starting in English, and starting in Spanish."""
    return walk("sms", ("Hi", "Hola", "ES"))


def sms_replies(language: str) -> dict[str, Step]:
    """Each distinct SMS text sent while the conversation is in ``language``, with one example."""
    found: dict[str, Step] = {}
    for step in sms_walk():
        text = sms_text(step.turn)
        if text is not None and step.turn.state.language == language:
            found.setdefault(text, step)
    return found
