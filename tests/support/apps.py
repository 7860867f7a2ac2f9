"""The app as the tests build it, and the databases it runs on.

SQLite by default. With ``TEST_DATABASE_URL`` (PostgreSQL) every database the tests make is a
schema of its own on that server, dropped afterwards, since other runs share the server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app
from bot.storage.db import db

AUTH_TOKEN = "test-auth-token"
SECRET_KEY = "test-secret-key"
PHONE_HASH_KEY = "test-phone-hash-key"
AUDIT_KEY = "test-audit-key"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


def make_app(database_url: str, **overrides: object) -> Flask:
    """A testing app on ``database_url``: signed Twilio requests, rate limits off by default,
    and a second factor for admins only (``REQUIRE_MFA`` is on outside development: the tests
    about it turn it on)."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": SECRET_KEY,
            "PHONE_HASH_KEY": PHONE_HASH_KEY,
            "AUDIT_KEY": AUDIT_KEY,
            "REQUIRE_MFA": False,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_SKIP_VALIDATION": False,
            "RATELIMIT_ENABLED": False,
            **overrides,
        }
    )


def release(app: Flask) -> None:
    """Hand the app's connections back, so its database can be copied, emptied or dropped."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def migrate(database_url: str) -> None:
    app = make_app(database_url)
    with app.app_context():
        upgrade()
    release(app)


def postgres_schema_url(base: str, schema: str) -> str:
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


@contextmanager
def postgres_schema(prefix: str) -> Iterator[str]:
    """A new, empty schema on ``TEST_DATABASE_URL``'s server, as a URL; dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield postgres_schema_url(TEST_DATABASE_URL, schema)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


#: Rows the migrations seed, put back after emptying: the audit chain's anchor, not yet sealed.
SEEDED = (
    "INSERT INTO audit_anchor (id, after_seq, after_mac, head_seq, head_mac, mac) "
    "VALUES (1, 0, '', 0, '', '')",
)


def empty_tables(database_url: str) -> None:
    """Delete every row of every model's table, so the next test on this PostgreSQL schema
    starts as a freshly migrated database (the migrations' own table, alembic_version, is kept,
    and the rows they seed are put back)."""
    tables = ", ".join(f'"{name}"' for name in sorted(db.metadata.tables))
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        for statement in SEEDED:
            connection.execute(text(statement))
    engine.dispose()
