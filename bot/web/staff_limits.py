"""Limits on sign-in attempts, per account and per address, with Flask-Limiter.

Only failed attempts count, so a person who signs in and out all day is never stopped, while
someone guessing passwords gets ten tries a minute. The counts live in Redis when ``REDIS_URL``
is set (shared by every worker), else in this process's memory.

Each app gets its own sign-in limiter (and so its own settings and counts): a Flask-Limiter
instance keeps ``RATELIMIT_ENABLED`` and its store on itself, so one shared by several apps, as in
the tests, would take the settings of whichever app was built last. It is not the residents'
limiter because that one sends ``X-RateLimit-*`` headers, which here would tell someone guessing
passwords how many tries are left.
"""

from __future__ import annotations

from flask import Flask, g, request
from flask.wrappers import Response
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from bot.web.limits import opaque, route_limits_only

SIGN_IN_LIMIT = "10 per minute"
SIGN_IN_ENDPOINT = "staff.login"


def _account_key() -> str:
    return "account:" + opaque(request.form.get("email", "").strip().lower()[:254])


def _address_key() -> str:
    return "address:" + opaque(get_remote_address())


def _failed(_response: Response) -> bool:
    return bool(g.get("sign_in_failed"))


def mark_failed_sign_in() -> None:
    """Count this request against both sign-in limits."""
    g.sign_in_failed = True


def init_app(app: Flask) -> None:
    """Limit the app's sign-in view; ``RATELIMIT_ENABLED`` off turns it off (load tests)."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    limiter = Limiter(key_func=_address_key, key_prefix="staff", headers_enabled=False)
    limiter.init_app(app)
    app.extensions["staff_limiter"] = limiter  # Flask-Limiter itself keeps only a weak reference
    view = app.view_functions[SIGN_IN_ENDPOINT]
    for key_func, scope in ((_address_key, "address"), (_account_key, "account")):
        view = limiter.limit(
            SIGN_IN_LIMIT, key_func=key_func, methods=["POST"], deduct_when=_failed, scope=scope
        )(view)
    app.view_functions[SIGN_IN_ENDPOINT] = view
    route_limits_only(app, limiter)
