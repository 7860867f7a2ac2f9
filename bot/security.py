"""App-wide protections: session cookie settings and security headers (CSRF is in extensions).

Headers are set once, here, after every request. Staff pages hold residents' personal data, so
they get the strictest set (no framing, no caching) whatever the view did; elsewhere a view may
set its own ``Content-Security-Policy`` (the county page's embeddable chat, for one) and the
default below applies only when it did not.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, current_app, request

IDLE_TIMEOUT = timedelta(minutes=30)
HSTS = "max-age=31536000; includeSubDomains"
BASE_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'"
STAFF_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _is_local(app: Flask) -> bool:
    return bool(app.debug or app.testing)


def configure_session(app: Flask) -> None:
    """Cookies only over HTTPS (outside debug and testing), never to scripts, and short-lived.

    A staff session ends after ``IDLE_TIMEOUT`` without a request: signing in makes the session
    permanent and Flask refreshes it on every request.
    """
    if not _is_local(app):
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    if (
        app.config["PERMANENT_SESSION_LIFETIME"]
        == Flask.default_config["PERMANENT_SESSION_LIFETIME"]
    ):
        app.config["PERMANENT_SESSION_LIFETIME"] = IDLE_TIMEOUT
    app.config["SESSION_REFRESH_EACH_REQUEST"] = True


def _frame_ancestors() -> str:
    origins = " ".join(current_app.config.get("EMBED_ORIGINS") or [])
    return f"frame-ancestors 'self' {origins}".strip()


def security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if not _is_local(current_app):
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.path == "/staff" or request.path.startswith("/staff/"):
        headers["Content-Security-Policy"] = STAFF_POLICY
        headers["X-Frame-Options"] = "DENY"
        headers["Cache-Control"] = "no-store"
    else:
        headers.setdefault("Content-Security-Policy", f"{BASE_POLICY}; {_frame_ancestors()}")
    return response


def register(app: Flask) -> None:
    configure_session(app)
    app.after_request(security_headers)
