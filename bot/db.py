"""The database handle, and SQLite settings that make several writers safe.

SQLite's default deferred transactions fail with "database is locked" when a reader becomes a
writer; every transaction here begins IMMEDIATE instead, in WAL mode with a busy timeout.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

BUSY_TIMEOUT_MS = 30_000
FIRST_WAIT_S, LONGEST_WAIT_S = 0.0001, 0.005


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


def configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout and BEGIN IMMEDIATE for every transaction on SQLite."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below take over
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            begin_immediate(cursor)
        finally:
            cursor.close()


def begin_immediate(cursor: Any) -> None:
    """Take SQLite's write lock, asking again every 0.1 ms (growing to 5 ms) while another
    process holds it, for up to the busy timeout.

    SQLite's own busy handler first sleeps a whole millisecond: in a burst of texts a quarter of
    all messages waited 1.1 ms for a lock that was free again after about 0.2 ms (measured with
    two workers, bench/README.md). Only the BEGIN polls; once the lock is held the usual busy
    timeout applies again.
    """
    cursor.execute("PRAGMA busy_timeout = 0")
    try:
        wait, deadline = FIRST_WAIT_S, time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
            time.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT_S)
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
