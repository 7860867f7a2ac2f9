"""The migrations from an empty database and from one full of texts, down and up again."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from bot.storage.db import db
from tests.support.apps import TEST_DATABASE_URL, make_app, postgres_schema


@pytest.fixture
def empty_database(tmp_path):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    with postgres_schema("rc_mig") as url:
        yield url


def test_migrations_upgrade_from_empty_downgrade_and_upgrade_again(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        assert {"conversation", "inquiry", "message"} <= set(inspect(db.engine).get_table_names())
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {"conversation", "inquiry", "message"} <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_the_models_and_the_migrations_agree(empty_database):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()
    assert differences == []


def test_a_database_holding_conversations_migrates_up_down_and_up(empty_database):
    """A deployment upgrades a database full of texts and replies, not an empty one."""
    from sqlalchemy import text

    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0005")  # the head that first landed
        rows = [
            "INSERT INTO conversation (id, token, channel, phone, phone_hash, language, state,"
            " opted_out, created_at, updated_at) VALUES (1, 't', 'sms', '+19165550123', 'h', 'en',"
            " '{}', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            "INSERT INTO inquiry (id, conversation_id, channel, language, answers, status, notes,"
            " created_at, updated_at) VALUES (1, 1, 'sms', 'en', '{}', 'new', '',"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            "INSERT INTO message (id, conversation_id, inquiry_id, direction, body, twilio_sid,"
            " created_at) VALUES (1, 1, 1, 'in', 'hi', 'SM1', CURRENT_TIMESTAMP)",
            "INSERT INTO message (id, conversation_id, inquiry_id, direction, body, reply_to_id,"
            " created_at) VALUES (2, 1, 1, 'out', 'Welcome', 1, CURRENT_TIMESTAMP)",
        ]
        with db.engine.begin() as connection:
            for row in rows:
                connection.execute(text(row))
        upgrade()
        downgrade(revision="0005")
        upgrade()
        with db.engine.connect() as connection:
            replies = connection.execute(
                text(
                    "SELECT reply.body FROM message AS inbound JOIN message AS reply"
                    " ON reply.reply_to_id = inbound.id WHERE inbound.twilio_sid = 'SM1'"
                )
            ).all()
            current = connection.execute(
                text("SELECT inquiry_id FROM conversation WHERE id = 1")
            ).scalar()
        db.engine.dispose()
    assert replies == [("Welcome",)]
    assert current == 1, "a thread from before 0005 learns its current inquiry"
