"""Limits on sign-in attempts, per account and per address.

Only failed attempts count, so a person who signs in and out all day is never stopped, while
someone guessing passwords gets ten tries a minute. The counts live in the app's rate-limit
store (``bot.web.limits``): Redis when ``REDIS_URL`` is set, shared by every worker. No
``X-RateLimit-*`` headers are sent: they would tell someone guessing how many tries are left.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import g, request
from limits import parse
from werkzeug.exceptions import TooManyRequests

from bot.web.limits import client_address, opaque, rate_limits

P = ParamSpec("P")
R = TypeVar("R")
SIGN_IN_LIMIT = parse("10 per minute")
TOO_MANY = "Too many failed sign-ins. Please wait a minute and try again."


def _keys() -> dict[str, str]:
    email = request.form.get("email", "").strip().lower()[:254]
    return {"sign-in-address": client_address(), "sign-in-account": opaque(email)}


def mark_failed_sign_in() -> None:
    """Count this request against both sign-in limits."""
    g.sign_in_failed = True


def sign_in_limited(view: Callable[P, R]) -> Callable[P, R]:
    """Refuse a sign-in (429) while its address or account has used up its failures; count
    this attempt if the view marked it failed."""

    @wraps(view)
    def limited(*args: P.args, **kwargs: P.kwargs) -> R:
        if request.method != "POST":
            return view(*args, **kwargs)
        store = rate_limits()
        keys = _keys()
        if store.enabled and not all(
            store.limiter.test(SIGN_IN_LIMIT, store.prefix, scope, key)
            for scope, key in keys.items()
        ):
            raise TooManyRequests(TOO_MANY)
        answer = view(*args, **kwargs)
        if g.get("sign_in_failed"):
            for scope, key in keys.items():
                store.hit(SIGN_IN_LIMIT, scope, key)
        return answer

    return limited
