"""Identifiers storage makes up or derives: web chat ids and the keyed hash of a phone number."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def phone_key(phone: str, secret: str) -> str:
    """A keyed hash of a number: finds a resident's thread and outlives a purge of the number."""
    return hmac.new(secret.encode(), phone.encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    """A web chat id: 192 random bits, so ids cannot be guessed."""
    return secrets.token_urlsafe(24)
