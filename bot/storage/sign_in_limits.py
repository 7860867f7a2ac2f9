"""Failed sign-ins, counted in the database: owner of the ``sign_in_limit`` table.

Every worker shares these counts, so the limits are exact however many processes serve. A try
takes its place in every count it belongs to *before* the password is checked, in one
transaction that holds the rows' locks (SQLite: the write lock, taken when it begins), so a
hundred guesses sent at once cannot all be checked: only as many as the limit allows get a
place, the rest are refused without a look at the password. A try that turns out right gives
its place back (``give_back``).

Past its limit a count does not lock anyone out: it lets one more try through after a wait
that doubles with every try past the limit (up to ``LONGEST_WAIT``), and it is forgotten after
a whole period without failures once the last wait is over (so waiting is never a way to start
afresh). Keys are opaque (keyed hashes made by the caller).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, String, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from bot import clock
from bot.storage.db import Base, db, rows_deleted
from bot.storage.transactions import transaction

LONGEST_WAIT = timedelta(minutes=15)


class SignInLimit(Base):
    __tablename__ = "sign_in_limit"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)  # tries that took a place, not given back
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_try_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Limit:
    """At most ``tries`` failures per ``period`` for one key, then growing waits."""

    key: str
    tries: int
    period: timedelta

    @property
    def first_wait(self) -> timedelta:
        return self.period / self.tries


def _ensure_rows(keys: list[str], now: datetime) -> None:
    values = [{"key": key, "failures": 0, "last_failure_at": now} for key in keys]
    insert = sqlite_insert if db.engine.dialect.name == "sqlite" else postgresql_insert
    db.session.execute(insert(SignInLimit).values(values).on_conflict_do_nothing())


def _wait(limit: Limit, over: int) -> timedelta:
    return min(limit.first_wait * (2 ** min(over, 30)), LONGEST_WAIT)


def take_try(limits: list[Limit], now: datetime) -> timedelta | None:
    """Count one try against every limit, if all of them allow it: ``None``; else how long
    until the next try would be let through (and nothing is counted)."""
    by_key = {limit.key: limit for limit in limits}
    with transaction():
        _ensure_rows(sorted(by_key), now)
        rows = db.session.scalars(
            select(SignInLimit)
            .where(SignInLimit.key.in_(sorted(by_key)))
            .order_by(SignInLimit.key)
            .with_for_update()
        ).all()
        longest = timedelta(0)
        for row in rows:
            limit = by_key[row.key]
            waited = row.next_try_at is None or clock.as_utc(row.next_try_at) <= now
            quiet_since = clock.as_utc(row.last_failure_at)
            if row.next_try_at is not None:
                quiet_since = max(quiet_since, clock.as_utc(row.next_try_at))
            if now - quiet_since >= limit.period:  # a whole period with no failure: forgotten
                row.failures, row.next_try_at = 0, None
            if row.failures >= limit.tries and not waited:
                assert row.next_try_at is not None
                longest = max(longest, clock.as_utc(row.next_try_at) - now)
        if longest > timedelta(0):
            return longest
        for row in rows:
            limit = by_key[row.key]
            row.failures += 1
            row.last_failure_at = now
            if row.failures >= limit.tries:
                row.next_try_at = now + _wait(limit, row.failures - limit.tries)
    return None


def give_back(keys: list[str], forget: list[str]) -> None:
    """A right password: its try no longer counts against ``keys``, and the counts under
    ``forget`` (this account from this address) start again from nothing."""
    with transaction():
        for row in db.session.scalars(
            select(SignInLimit).where(SignInLimit.key.in_(sorted(keys))).with_for_update()
        ):
            row.failures = max(0, row.failures - 1)
        if forget:
            db.session.execute(delete(SignInLimit).where(SignInLimit.key.in_(forget)))


def tidy(now: datetime, longest_period: timedelta) -> int:
    """Delete counts with nothing to remember (a chore)."""
    with transaction():
        return rows_deleted(
            delete(SignInLimit).where(
                SignInLimit.last_failure_at < now - longest_period - LONGEST_WAIT
            )
        )
