"""Replay the readable transcripts in ``tests/transcripts`` over SMS and over the web chat."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.storage.db import db
from bot.storage.models import Inquiry
from tests.support.paths import TRANSCRIPTS
from tests.support.texter import Texter

FOLDER = TRANSCRIPTS


@dataclass
class Step:
    says: str
    expect: list[str] = field(default_factory=list)
    expect_silence: bool = False


@dataclass
class Transcript:
    name: str
    channels: tuple[str, ...]
    steps: list[Step]
    checks: dict[str, str]


def parse(path: Path) -> Transcript:
    channels, steps, checks = ("sms", "web"), [], {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# channels:"):
            channels = tuple(line.split(":", 1)[1].split())
        elif line.startswith("> "):
            steps.append(Step(line[2:]))
        elif line.rstrip() == "<":
            steps[-1].expect_silence = True
        elif line.startswith("< "):
            steps[-1].expect.append(line[2:])
        elif line.startswith("= "):
            key, value = line[2:].split(":", 1)
            checks[key.strip()] = value.strip()
    return Transcript(path.stem, channels, steps, checks)


TRANSCRIPTS = [parse(path) for path in sorted(FOLDER.glob("*.txt"))]
CASES = [(t, channel) for t in TRANSCRIPTS for channel in t.channels]


def sms_replies(client, transcript: Transcript):
    texter = Texter(client)
    for step in transcript.steps:
        yield step, texter.text(step.says)


def web_replies(client, transcript: Transcript):
    chat = client.post("/api/chat").get_json()
    yield transcript.steps[0], " ".join(m["text"] for m in chat["messages"])
    for step in transcript.steps[1:]:
        body = client.post(f"/api/chat/{chat['id']}/messages", json={"text": step.says})
        assert body.status_code == 200
        yield step, " ".join(m["text"] for m in body.get_json()["messages"])


@pytest.mark.parametrize(("transcript", "channel"), CASES, ids=[f"{t.name}-{c}" for t, c in CASES])
def test_transcript(client, app, transcript: Transcript, channel: str):
    replay = sms_replies if channel == "sms" else web_replies
    for step, reply in replay(client, transcript):
        if step.expect_silence:
            assert reply == "", f"after {step.says!r} expected silence, got {reply!r}"
        for words in step.expect:
            assert words.lower() in reply.lower(), f"after {step.says!r}: {reply!r}"
    if transcript.checks:
        with app.app_context():
            inquiry = db.session.scalars(select(Inquiry).order_by(Inquiry.id.desc())).first()
            assert inquiry is not None
            for key, value in transcript.checks.items():
                if key == "reference":
                    assert (inquiry.reference is not None) == (value == "yes")
                else:
                    assert getattr(inquiry, key) == value, key


def test_every_transcript_file_has_steps():
    assert len(TRANSCRIPTS) >= 8
    assert all(t.steps for t in TRANSCRIPTS)
