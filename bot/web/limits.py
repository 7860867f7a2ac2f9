"""Rate limits for residents (SPEC section 8), with Flask-Limiter.

- ``/sms``: per phone number, never per address (all of Twilio's requests share a few). Brisk
  answering (40 texts a minute) is fine; beyond it the resident gets one polite reply, then
  silence, always with a 200 so Twilio neither retries nor sends a storm of replies. These
  counts live on the resident's conversation row and are taken in the text's own transaction
  (``bot/conversations.py``): exact across workers, and no store round trip per text (measured:
  0.14 ms a text in memory, 0.27 ms with Redis, on the hot path).
- New chats: per address, 60 a minute, so a library's shared address still works. Messages in a
  chat: per chat, 60 a minute. Over the limit the API answers 429 with a JSON error.

Chat counts live in Redis when ``REDIS_URL`` is set (shared by every worker), else in memory.
``RATELIMIT_ENABLED=0`` turns every limit off, for load tests only.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from bot.storage.conversations import TextLimit

SMS_LIMIT = TextLimit(per_minute=40, notice_every=timedelta(minutes=10))
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


def sms_limit() -> TextLimit | None:
    """The per-phone limit on texts, or ``None`` when ``RATELIMIT_ENABLED`` is off."""
    return SMS_LIMIT if current_app.extensions[EXTENSION].enabled else None


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
    route_limits_only(app, limiter)


def route_limits_only(app: Flask, limiter: Limiter) -> None:
    """Drop the limiter's app-wide ``before_request`` check: every limit here is a route
    decorator, which checks itself. That hook serves default and application limits, which
    we do not set, and cost every request (the SMS webhook's too) about 50 us to find that out.
    The tests of each limit would notice if a Flask-Limiter upgrade changed this."""
    hooks = app.before_request_funcs[None]
    if limiter._check_request_limit in hooks:  # absent when RATELIMIT_ENABLED is off
        hooks.remove(limiter._check_request_limit)
