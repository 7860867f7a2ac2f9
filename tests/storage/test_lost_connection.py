"""A database connection lost while it sat in the pool (a restart of PostgreSQL, a firewall
closing idle connections) costs a resident nothing: the text is answered on a new one."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from bot.storage import db as database
from bot.storage.db import db
from tests.support.apps import TEST_DATABASE_URL, make_app, release
from tests.support.texter import Texter, reply_text

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="SQLite opens a file; there is no connection to lose"
)


def _terminate(application_name: str) -> int:
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = :name"
                    ),
                    {"name": application_name},
                ).all()
            )
    finally:
        admin.dispose()


def _named_app(database_url: str, prefix: str) -> tuple[Flask, str]:
    """An app whose connections carry their own ``application_name``, to be found and cut."""
    name = f"{prefix}-{uuid.uuid4().hex[:12]}"
    separator = "&" if "?" in database_url else "?"
    return make_app(f"{database_url}{separator}application_name={name}"), name


def test_a_text_after_the_server_dropped_the_pooled_connection_is_answered(database_url):
    app, name = _named_app(database_url, "lost")
    try:
        texter = Texter(app.test_client(), phone="+19165550171")
        assert "Sacramento County?" in texter.text("Hi")
        assert _terminate(name) >= 1  # the pooled connection the text used is gone
        response = texter.send("yes")
        assert response.status_code == 200
        assert "Growing it" in reply_text(response.data)  # the next question: what it was for
    finally:
        release(app)


def test_a_connection_idle_past_the_limit_is_checked_and_replaced_before_use(
    database_url, monkeypatch
):
    """Staff pages and chores use the ORM: a pooled connection that sat idle longer than
    ``IDLE_PING_S`` is pinged when taken from the pool, and a dead one replaced, so the page
    never sees the loss."""
    app, name = _named_app(database_url, "idle")
    try:
        with app.app_context():
            assert db.session.execute(text("SELECT 1")).scalar() == 1
            db.session.remove()  # back to the pool
            assert _terminate(name) >= 1
            monkeypatch.setattr(database, "IDLE_PING_S", 0.0)  # as if it sat idle too long
            assert db.session.execute(text("SELECT 2")).scalar() == 2
    finally:
        release(app)
