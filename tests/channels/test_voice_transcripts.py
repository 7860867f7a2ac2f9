"""Replay the readable phone call transcripts in ``tests/transcripts/calls`` through Twilio's
signed voice webhooks (the format is in that folder's README)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.storage.db import db
from bot.storage.models import Inquiry
from tests.support.apps import make_app, release
from tests.support.caller import Caller, Twiml
from tests.support.paths import TRANSCRIPTS

FOLDER = TRANSCRIPTS / "calls"


@dataclass(frozen=True)
class Line:
    kind: str  # ">" what the caller does, "?" what is asked, "<" what is said, "=" a check
    text: str


def parse(path: Path) -> list[Line]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw[:2] in ("> ", "? ", "< ", "= "):
            lines.append(Line(raw[0], raw[2:].strip()))
    return lines


CALLS = sorted(FOLDER.glob("*.txt"))


@pytest.fixture
def app(database_url):
    application = make_app(database_url, OFFICE_HOURS="Mon-Sun 00:00-24:00")
    yield application
    release(application)


def act(caller: Caller, action: str) -> Twiml:
    verb, _, rest = action.partition(" ")
    if verb == "call":
        return caller.call()
    if verb == "press":
        return caller.press(rest.rstrip("#"), "#" if rest.endswith("#") else "")
    if verb == "say":
        return caller.say(rest)
    if verb == "silence":
        return caller.silence()
    if verb == "office":
        return caller.dial_ended(rest.removeprefix("answers ").strip())
    raise AssertionError(f"unknown action {action!r}")


def check(app, heard: Twiml, check: str) -> None:
    key, _, value = check.partition(":")
    key, value = key.strip(), value.strip()
    if key == "hang up":
        assert heard.hung_up, heard.raw
    elif key == "dial":
        assert heard.dialled == value, heard.raw
    elif key == "language":
        assert heard.gather is not None and heard.gather.get("language") == value
    else:
        with app.app_context():
            stored = db.session.scalars(
                select(getattr(Inquiry, key)).where(Inquiry.reference.is_not(None))
            ).one()
        assert stored == value


@pytest.mark.parametrize("path", CALLS, ids=lambda path: path.stem)
def test_the_call_goes_as_its_transcript_says(app, client, path):
    caller = Caller(client)
    heard: Twiml | None = None
    for line in parse(path):
        if line.kind == ">":
            heard = act(caller, line.text)
            continue
        assert heard is not None, f"{path.name}: a check before the call"
        if line.kind == "?":
            assert heard.asks == line.text, (line.text, heard.spoken)
        elif line.kind == "<":
            assert line.text.lower() in heard.spoken.lower(), (line.text, heard.spoken)
        else:
            check(app, heard, line.text)


def test_there_are_call_transcripts_in_both_languages():
    texts = [path.read_text(encoding="utf-8") for path in CALLS]
    assert len(texts) >= 4
    assert any("es-US" in text for text in texts)
