"""Transactions and the small helpers every part of storage shares.

One place commits: ``transaction()`` for the ORM (staff pages, retention, screening jobs);
``bot.storage.conversations.in_transaction`` for the residents' hot path in plain SQL.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import update

from bot import clock
from bot.storage.db import db
from bot.storage.models import Message

IDLE_EXPIRY = timedelta(hours=24)
DELIVERY_STATUSES = ("queued", "sending", "sent", "delivered", "undelivered", "failed")


@contextmanager
def transaction() -> Iterator[None]:
    """Commit what the block did, or roll all of it back."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def clean_text(text: str) -> str:
    """What a resident typed, storable anywhere: no NUL characters, no lone surrogates."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def phone_key(phone: str, secret: str) -> str:
    """A keyed hash of a number: finds a resident's thread and outlives a purge of the number."""
    return hmac.new(secret.encode(), phone.encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    """A web chat id: 192 random bits, so ids cannot be guessed."""
    return secrets.token_urlsafe(24)


def record_delivery(reply_id: int, status: str, error_code: str | None) -> bool:
    """Note what Twilio reports about a reply we sent; ``False`` for an unknown reply."""
    failed = status in ("undelivered", "failed")
    with transaction():
        changed = db.session.execute(
            update(Message)
            .where(Message.id == reply_id, Message.direction == "out")
            .values(
                delivery_status=status,
                error_code=(error_code or None) if failed else None,
                status_at=clock.now(),
            )
        )
    return changed.rowcount == 1
