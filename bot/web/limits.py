"""Rate limits, counted with the ``limits`` library in one store per app: Redis when
``REDIS_URL`` is set (shared by every worker), else this process's memory.

A view declares its own limit with ``@rate_limited(rate, key=..., scope=...)``; nothing is
looked up by endpoint name and no hook runs on requests that have no limit (the SMS webhook
answers hundreds of texts a second). Each check counts the request and tests the limit in one
step (``hit``), so parallel requests cannot slip past it. Keys are keyed hashes: the store never
holds a phone number, an address or a chat id. ``RATELIMIT_ENABLED=0`` turns every limit off,
for load tests only. Texts on a phone channel are counted elsewhere, on the resident's thread
in the text's own transaction (``bot.service.turns``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

P = ParamSpec("P")
R = TypeVar("R")
EXTENSION = "rate_limits"


class RateLimits:
    """One app's limit counts and its setting: apps built side by side (tests) share nothing."""

    def __init__(self, storage_uri: str, prefix: str, enabled: bool) -> None:
        storage = storage_from_string(storage_uri)
        assert isinstance(storage, Storage)  # a synchronous store, as the URIs here give
        self.storage = storage
        self.limiter = FixedWindowRateLimiter(self.storage)
        self.prefix = prefix
        self.enabled = enabled

    def hit(self, rate: RateLimitItem, scope: str, key: str, cost: int = 1) -> bool:
        """Count this request and say whether it is within the limit, in one step."""
        if not self.enabled:
            return True
        return self.limiter.hit(rate, self.prefix, scope, key, cost=cost)


def opaque(value: str) -> str:
    """A keyed hash: the store never holds a phone number, an address or a chat id."""
    secret = str(current_app.secret_key or "").encode()
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]


def client_address() -> str:
    """The client's address as ProxyFix (``TRUST_PROXY``) worked it out, hashed."""
    return opaque(request.remote_addr or "127.0.0.1")


def rate_limits() -> RateLimits:
    limits: RateLimits = current_app.extensions[EXTENSION]
    return limits


def enabled() -> bool:
    return rate_limits().enabled


def rate_limited(
    rate: str, key: Callable[[], str], scope: str, message: str = "Too many requests."
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Answer 429 (in the surface's own error format) once ``rate`` is spent for ``key()``."""
    item = parse(rate)

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def limited(*args: P.args, **kwargs: P.kwargs) -> R:
            if not rate_limits().hit(item, scope, key()):
                raise TooManyRequests(message)
            return view(*args, **kwargs)

        return limited

    return decorate


def init_app(app: Flask) -> None:
    storage = app.config.get("RATELIMIT_STORAGE_URI") or app.config.get("REDIS_URL") or "memory://"
    prefix = app.config.get("RATELIMIT_KEY_PREFIX", "recordcheck")
    enabled_setting: Any = app.config.get("RATELIMIT_ENABLED", True)
    app.extensions[EXTENSION] = RateLimits(storage, prefix, bool(enabled_setting))
