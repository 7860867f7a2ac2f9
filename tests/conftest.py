"""Fixtures: a real app on a real, migrated database for every test.

SQLite by default: the schema is migrated once into a template file that each test copies.
With TEST_DATABASE_URL (PostgreSQL), the run gets a schema of its own, migrated once, and every
test starts from empty tables; the schema is dropped at the end, since other runs share the server.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from app import create_app
from bot.storage.db import db

AUTH_TOKEN = "test-auth-token"
SECRET_KEY = "test-secret-key"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


def make_app(database_url: str, **overrides: object) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": SECRET_KEY,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_SKIP_VALIDATION": False,
            "RATELIMIT_ENABLED": False,
            **overrides,
        }
    )


def migrate(database_url: str) -> None:
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def postgres_schema_url(base: str, schema: str) -> str:
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database: a SQLite file to copy, or a PostgreSQL schema URL."""
    if not TEST_DATABASE_URL:
        path = tmp_path_factory.mktemp("template") / "template.db"
        migrate(f"sqlite:///{path}")
        yield str(path)
        return
    schema = f"rc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = postgres_schema_url(TEST_DATABASE_URL, schema)
    try:
        migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty, migrated database for one test."""
    if not TEST_DATABASE_URL:
        path = tmp_path / "test.db"
        shutil.copy(database_template, path)
        yield f"sqlite:///{path}"
        return
    yield database_template
    engine = create_engine(database_template)
    with engine.begin() as connection:
        connection.execute(
            text(
                "TRUNCATE screening_job, audit_event, staff_user, message, inquiry, conversation"
                " RESTART IDENTITY CASCADE"
            )
        )
    engine.dispose()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    application = make_app(database_url)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


_sids = itertools.count(1)


class Texter:
    """A resident texting the service through Twilio's signed webhook."""

    def __init__(self, client: FlaskClient, phone: str = "+19165550123") -> None:
        self.client = client
        self.phone = phone

    @staticmethod
    def new_sid() -> str:
        return f"SM{uuid.uuid4().hex}{next(_sids):06d}"[:34]

    def post(
        self, params: dict[str, str], token: str = AUTH_TOKEN, url: str = "http://localhost/sms"
    ):
        signature = RequestValidator(token).compute_signature(url, params)
        return self.client.post("/sms", data=params, headers={"X-Twilio-Signature": signature})

    def params(self, body: str, sid: str | None = None, media: int = 0) -> dict[str, str]:
        return {
            "From": self.phone,
            "To": "+19165550100",
            "Body": body,
            "MessageSid": sid or self.new_sid(),
            "AccountSid": "AC" + "0" * 32,
            "NumMedia": str(media),
        }

    def send(self, body: str, sid: str | None = None, media: int = 0):
        return self.post(self.params(body, sid, media))

    def text(self, body: str) -> str:
        """Send ``body`` and return the reply's text ('' when nothing was sent)."""
        response = self.send(body)
        assert response.status_code == 200, response.data
        return reply_text(response.data)


def reply_text(twiml: bytes) -> str:
    from xml.etree import ElementTree

    root = ElementTree.fromstring(twiml)
    messages = root.findall("Message")
    assert len(messages) <= 1, "at most one message per incoming text"
    return (messages[0].text or "") if messages else ""


@pytest.fixture
def texter(client: FlaskClient) -> Texter:
    return Texter(client)
