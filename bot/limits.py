"""Rate limits for residents (SPEC section 8), with Flask-Limiter.

- ``/sms``: per phone number, never per address (all of Twilio's requests share a few). Brisk
  answering (40 texts a minute) is fine; beyond it the resident gets one polite reply, then
  silence, always with a 200 so Twilio neither retries nor sends a storm of replies.
- New chats: per address, 60 a minute, so a library's shared address still works. Messages in a
  chat: per chat, 60 a minute. Over the limit the API answers 429 with a JSON error.

Counts live in Redis when ``REDIS_URL`` is set (shared by every worker), else in memory.
``RATELIMIT_ENABLED=0`` turns every limit off, for load tests only.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

SMS_LIMIT = parse("40 per minute")
SMS_NOTICE = parse("1 per 10 minutes")
NEW_CHATS = "60 per minute"
CHAT_MESSAGES = "60 per minute"
EXTENSION = "resident_limiter"


def opaque(value: str) -> str:
    """A keyed hash: the store never holds a phone number or a chat id."""
    secret = str(current_app.secret_key or "").encode()
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]


def _address() -> str:
    return opaque(get_remote_address())


def _chat() -> str:
    token = (request.view_args or {}).get("token") or request.cookies.get("record_check_chat", "")
    return opaque(token or get_remote_address())


def _limiter() -> Limiter:
    return current_app.extensions[EXTENSION]


def _prefix() -> str:
    """Direct hits skip Flask-Limiter's key prefix, so it is added here."""
    return current_app.config.get("RATELIMIT_KEY_PREFIX", "residents")


def sms_allowed(phone: str) -> bool:
    """Count one text from ``phone``; ``False`` once it is over the limit."""
    limiter = _limiter()
    if not limiter.enabled:
        return True
    return limiter.limiter.hit(SMS_LIMIT, _prefix(), "sms", opaque(phone))


def sms_notice_due(phone: str) -> bool:
    """Whether the one polite "slow down" reply of this stretch is still to be sent."""
    return _limiter().limiter.hit(SMS_NOTICE, _prefix(), "sms-notice", opaque(phone))


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    prefix = app.config.get("RATELIMIT_KEY_PREFIX", "residents")
    limiter = Limiter(key_func=_address, key_prefix=prefix, headers_enabled=True)
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    limited = {
        "chat.start_chat": (NEW_CHATS, _address),
        "pages.chat_start": (NEW_CHATS, _address),
        "chat.post_message": (CHAT_MESSAGES, _chat),
        "pages.chat_say": (CHAT_MESSAGES, _chat),
    }
    for endpoint, (limit, key) in limited.items():
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(limit, key_func=key, scope=endpoint)(view)
    _exempt_webhooks(app)


UNLIMITED_BLUEPRINTS = frozenset(("sms", "health", "metrics", "openapi"))


def _unlimited() -> bool:
    return request.blueprint in UNLIMITED_BLUEPRINTS


def _exempt_webhooks(app: Flask) -> None:
    """/sms counts per phone number itself, and health and metrics are for machines: every
    limiter skips them before doing any work (the webhook is the hot path)."""
    for extension in app.extensions.values():
        if isinstance(extension, Limiter):
            extension.request_filter(_unlimited)
