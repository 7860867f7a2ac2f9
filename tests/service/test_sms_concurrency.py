"""Copies of one message, and several messages from one phone, arriving at the same moment."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from bot.storage.db import db
from bot.storage.models import Conversation, Inquiry, Message
from tests.support.texter import Texter, reply_text


def at_once(app, requests: list[dict[str, str]]) -> list[tuple[int, str]]:
    """Post every request from its own thread, released together."""
    barrier = threading.Barrier(len(requests))
    results: list[tuple[int, str]] = [(0, "")] * len(requests)

    def send(index: int, params: dict[str, str]) -> None:
        texter = Texter(app.test_client(), phone=params["From"])
        barrier.wait()
        response = texter.post(params)
        results[index] = (response.status_code, reply_text(response.data))

    threads = [threading.Thread(target=send, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_eight_copies_of_one_message_are_stored_once_with_one_reply(app, texter):
    texter.text("hi")
    params = texter.params("yes")
    results = at_once(app, [params] * 8)
    assert {status for status, _ in results} == {200}
    assert len({reply for _, reply in results}) == 1
    with app.app_context():
        stored = db.session.scalar(
            select(func.count()).where(Message.twilio_sid == params["MessageSid"])
        )
        answers = db.session.scalars(select(Inquiry.answers)).one()
    assert stored == 1
    assert answers == {"county": "sacramento"}


def test_a_first_message_racing_its_copy_makes_one_conversation(app, texter):
    params = texter.params("hello")
    results = at_once(app, [params] * 4)
    assert [status for status, _ in results] == [200] * 4
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Conversation)) == 1
        assert db.session.scalar(select(func.count()).select_from(Message)) == 2


def test_different_messages_at_once_each_advance_the_conversation_once(app, texter):
    texter.text("hi")
    texter.text("yes")  # now at the offense question
    results = at_once(app, [texter.params("what?"), texter.params("huh"), texter.params("eh")])
    assert [status for status, _ in results] == [200] * 3
    with app.app_context():
        inbound = db.session.scalar(select(func.count()).where(Message.direction == "in"))
        outbound = db.session.scalar(select(func.count()).where(Message.direction == "out"))
    assert inbound == 5
    assert outbound == 5
