"""A resident's text that waits for the lock on their thread sees what the text before it wrote:
the thread's progress and the current check's answers and reference, all as committed."""

from __future__ import annotations

import threading

from sqlalchemy import select, update

from bot.storage import conversations
from bot.storage.db import db
from bot.storage.keys import new_token, phone_key
from bot.storage.models import Conversation, Inquiry
from bot.storage.transactions import in_transaction
from tests.support.texter import Texter

PHONE = "+19165550181"
KEY = "thread-lock-test-key"


def test_a_text_waiting_for_the_thread_reads_the_answers_committed_before_it(app, client):
    app.config["PHONE_HASH_KEY"] = KEY
    Texter(client, phone=PHONE).text("Hi")  # a thread with a current check
    with app.app_context():
        found = db.session.execute(
            select(Conversation.id, Conversation.inquiry_id).where(
                Conversation.phone_hash == phone_key(PHONE, KEY)
            )
        ).one()
        db.session.rollback()
        # The text before: locks the thread, writes the check's answers and reference.
        writer = db.engine.connect()
        before = writer.begin()
        writer.execute(
            update(Conversation).where(Conversation.id == found.id).values(language="es")
        )
        writer.execute(
            update(Inquiry)
            .where(Inquiry.id == found.inquiry_id)
            .values(answers={"county": "sacramento"}, reference="SAC-TEST-LOCK")
        )
        seen: list[conversations.PhoneThread] = []

        def next_text() -> None:
            with app.app_context():
                seen.append(
                    in_transaction(
                        conversations.phone_thread,
                        "sms",
                        PHONE,
                        phone_key(PHONE, KEY),
                        new_token(),
                    )
                )

        waiting = threading.Thread(target=next_text)
        waiting.start()
        waiting.join(timeout=0.3)
        assert waiting.is_alive(), "the next text must wait for the thread"
        before.commit()
        writer.close()
        waiting.join(timeout=30)
    assert len(seen) == 1
    thread = seen[0].thread
    assert thread.language == "es"
    assert thread.answers == {"county": "sacramento"}
    assert thread.reference == "SAC-TEST-LOCK"
