"""The one place that commits: every write of the service happens in one of these transactions.

``transaction()`` wraps the ORM session (staff pages, retention, screening jobs, delivery
reports). ``in_transaction()`` runs the residents' hot path on one raw connection from the same
pool: a message is a handful of precompiled statements (``bot.storage.statements``), about 4 us
each on SQLite against 50 us through the ORM session, and Twilio gives up after 15 seconds.
Both retry nothing but a unique clash, and turn a database that does not answer into a 503.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from bot import clock
from bot.storage.db import begin_immediate, db
from bot.storage.statements import Statement

T = TypeVar("T")
ATTEMPTS = 3


class ServiceUnavailableError(Exception):
    """The database did not answer; nothing was written."""


@contextmanager
def transaction() -> Iterator[None]:
    """Commit what the block did through the ORM session, or roll all of it back."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


Row = dict[str, Any]


class Transaction:
    """One raw connection from the pool, one transaction, and the moment it began."""

    def __init__(self) -> None:
        self.dialect = db.engine.dialect
        self.connection = db.engine.raw_connection()
        self.statements = 0  # run so far: a connection lost before the first one is retried
        cursor: Any = self.connection.cursor()  # the driver's own: sqlite3 or psycopg
        if self.dialect.name == "sqlite":
            begin_immediate(cursor)  # take the write lock now, not mid-way
        self.cursor = cursor
        self.moment = clock.now()
        self.now = self.when(self.moment)

    def one(self, statement: Statement, **params: Any) -> Row | None:
        rows = self.all(statement, **params)
        return rows[0] if rows else None

    def all(self, statement: Statement, **params: Any) -> list[Row]:
        cursor = self.cursor
        cursor.execute(statement.sql(self.dialect), params)
        self.statements += 1
        # A statement's columns never change; psycopg builds its description anew each time.
        names = statement.columns.get(self.dialect.name)
        if names is None:
            names = [column[0] for column in cursor.description or ()]
            statement.columns[self.dialect.name] = names
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def run(self, statement: Statement, **params: Any) -> None:
        self.cursor.execute(statement.sql(self.dialect), params)
        self.statements += 1
        if self.cursor.description is not None:
            self.cursor.fetchall()  # finish the statement (RETURNING), or SQLite cannot commit

    def when(self, moment: datetime) -> Any:
        """SQLite keeps UTC times as text, the way SQLAlchemy writes them; PostgreSQL as is."""
        if self.dialect.name == "sqlite":
            return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return moment

    def lost(self, error: BaseException) -> bool:
        """True when ``error`` means the connection is gone (a database restart, say): it is
        then invalidated, so the pool never hands it out again."""
        dbapi = self.dialect.loaded_dbapi
        if not isinstance(error, dbapi.Error):
            return False
        if not self.dialect.is_disconnect(error, self.connection.dbapi_connection, self.cursor):
            return False
        self.connection.invalidate(error)
        return True


class _ConnectionLostError(Exception):
    """The pooled connection had died before this transaction ran anything: safe to retry."""


def _attempt(work: Callable[..., T], *args: Any) -> T:
    tx = Transaction()
    try:
        result = work(tx, *args)
        tx.connection.commit()
        return result
    except BaseException as error:
        if tx.lost(error):
            if tx.statements == 0:
                raise _ConnectionLostError() from error
            raise
        tx.connection.rollback()
        raise
    finally:
        tx.connection.close()


def in_transaction(work: Callable[..., T], *args: Any) -> T:
    """Run ``work(tx, *args)`` in one transaction, again after a unique clash (a new reference
    that happened to exist) or on a fresh connection when the pooled one had died; a database
    that does not answer is a 503, never half-written."""
    dbapi = db.engine.dialect.loaded_dbapi
    for attempt in range(ATTEMPTS):
        try:
            return _attempt(work, *args)
        except _ConnectionLostError as lost:
            if attempt == ATTEMPTS - 1:
                raise ServiceUnavailableError("connection lost") from lost.__cause__
        except dbapi.IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
        except dbapi.Error as error:
            raise ServiceUnavailableError(type(error).__name__) from error
    raise AssertionError("unreachable")
