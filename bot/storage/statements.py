"""SQLAlchemy Core statements compiled once per database, for the hot path's raw connection.

The statements are built with SQLAlchemy (so the dialect writes the SQL, ``ON CONFLICT`` and
``RETURNING`` included) and compiled the first time a database of that kind runs them; after
that a message costs only the driver's own execute. Every value is a named parameter, passed as
the driver takes it: the caller serialises JSON and, on SQLite, times (``Transaction.when``).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement

Builder = Callable[[str], ClauseElement]

# sqlite3 takes named parameters (:name) from a dict; psycopg takes %(name)s from one.
_COMPILERS: dict[str, Dialect] = {
    "sqlite": sqlite.dialect(paramstyle="named"),
    "postgresql": postgresql.psycopg.dialect(),
}


class Statement:
    """One statement, built for a dialect by ``build(dialect_name)`` and compiled once."""

    def __init__(self, build: Builder, dialects: tuple[str, ...] = tuple(_COMPILERS)) -> None:
        self.build = build
        self.dialects = dialects
        self._sql: dict[str, str] = {}
        self.columns: dict[str, list[str]] = {}  # the names of its result's columns, by dialect

    def sql(self, dialect: Dialect) -> str:
        if dialect.name not in self.dialects:
            raise ValueError(f"{self.build.__name__} is not written for {dialect.name}")
        found = self._sql.get(dialect.name)
        if found is None:
            compiler = _COMPILERS[dialect.name]
            found = str(self.build(dialect.name).compile(dialect=compiler))
            self._sql[dialect.name] = found
        return found


def statement(build: Builder) -> Statement:
    """Decorator: the function building a statement becomes the compiled-once statement."""
    return Statement(build)


def postgresql_statement(build: Builder) -> Statement:
    """Decorator, as ``statement``, for SQL only PostgreSQL runs (data-modifying CTEs); the
    caller has another way on SQLite."""
    return Statement(build, ("postgresql",))
