"""The database handle, and SQLite settings that make several writers safe and quick.

SQLite's default deferred transactions fail with "database is locked" when a reader becomes a
writer; every transaction here begins IMMEDIATE instead, in WAL mode with a busy timeout. Under
gunicorn each worker copies the write-ahead log into the database from a background thread, so no
request waits for that (``checkpoint_in_background``).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Delete, Update, event, exc
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.orm import DeclarativeBase

BUSY_TIMEOUT_MS = 30_000
FIRST_WAIT_S, LONGEST_WAIT_S = 0.0001, 0.005
CHECKPOINT_EVERY_S = 0.2
# With a checkpointer running, a request copies the log itself only if it has grown this far
# (80 MB): a safety net should the thread ever fall behind. SQLite's default is 1,000 pages.
FALLBACK_CHECKPOINT_PAGES = 20_000
IDLE_PING_S = 10.0  # a pooled server connection idle this long is pinged before use
_checkpointed: set[str] = set()  # database files this process checkpoints in the background
log = logging.getLogger(__name__)


class Base(DeclarativeBase):
    """The base of every model, typed for the type checker (``db.Model`` is made at run time).

    Flask-SQLAlchemy builds ``db.Model`` from this class's own namespace, so both share one
    registry and one ``MetaData``: a model subclassing ``Base`` is in ``db.metadata`` for
    ``db.create_all`` and the migrations, and ``db.session`` loads and saves it as usual.
    """


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


def rows_updated(statement: Update) -> int:
    """Run an UPDATE in the session's transaction: how many rows it matched.

    ``Session.execute`` is typed to return a plain ``Result``; for an UPDATE it is the
    ``CursorResult`` that carries the count.
    """
    result = db.session.execute(statement)
    if not isinstance(result, CursorResult):
        raise TypeError(f"an UPDATE returned {type(result).__name__}, not a CursorResult")
    return result.rowcount


def rows_deleted(statement: Delete) -> int:
    """Run a DELETE in the session's transaction: how many rows it removed."""
    result = db.session.execute(statement)
    if not isinstance(result, CursorResult):
        raise TypeError(f"a DELETE returned {type(result).__name__}, not a CursorResult")
    return result.rowcount


def ping_when_idle(engine: Engine) -> None:
    """On a server database, check a pooled connection before use only when it has sat idle.

    A connection used a moment ago is alive; pinging it anyway (``pool_pre_ping``) costs every
    webhook a round trip to the database. One idle for ``IDLE_PING_S`` may have been closed by
    a restart or a firewall, so it is pinged with the dialect's own ping, and a dead one is
    replaced by the pool before anyone uses it. A connection that breaks while in use is
    invalidated where the error is seen (SQLAlchemy for the ORM, ``transactions`` for the hot
    path).
    """
    if engine.dialect.name == "sqlite":
        return

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError() from error  # the pool connects afresh
            raise


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
        if engine.url.database in _checkpointed:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {FALLBACK_CHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            begin_immediate(cursor)
        except sqlite3.Error as error:  # wrapped as SQLAlchemy wraps driver errors: a 503
            raise exc.DBAPIError.instance("BEGIN IMMEDIATE", None, error, sqlite3.Error) from error
        finally:
            cursor.close()


def begin_immediate(cursor: sqlite3.Cursor) -> None:
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


def checkpoint_in_background(engine: Engine) -> bool:
    """Copy SQLite's write-ahead log into the database file from a thread of this process.

    Left to SQLite, the commit that takes the log past 1,000 pages does the copy (and its fsync)
    while a resident waits: measured, checkpoints cost the SMS webhook about a tenth of its
    throughput and most of its p99. Passive checkpoints never block a writer or a reader. Call
    it once per process after any fork (gunicorn's ``post_worker_init``); ``False`` when the
    database is not a SQLite file.
    """
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:" or path in _checkpointed:
        return False
    _checkpointed.add(path)
    engine.dispose()  # connections opened from now on leave the checkpoints to the thread
    threading.Thread(
        target=_checkpoint_forever, args=(path,), name="wal-checkpoint", daemon=True
    ).start()
    return True


def _checkpoint_forever(path: str) -> None:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    while True:
        time.sleep(CHECKPOINT_EVERY_S)
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as error:  # the next round tries again; requests are unaffected
            log.warning("background WAL checkpoint failed: %s", type(error).__name__)
