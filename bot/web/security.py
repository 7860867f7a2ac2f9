"""App-wide protections: session cookie settings and security headers (CSRF is in extensions).

Headers are set once, here, after every request. Staff pages hold residents' personal data, so
they get the strictest set (no framing, no caching) whatever the view did; elsewhere a view may
set its own ``Content-Security-Policy`` (the county page's embeddable chat, for one) and the
default below applies only when it did not.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, request

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


def _frame_ancestors(app: Flask) -> str:
    origins = " ".join(app.config.get("EMBED_ORIGINS") or [])
    return f"frame-ancestors 'self' {origins}".strip()


def _header_sets(app: Flask) -> tuple[dict[str, str], dict[str, str]]:
    """The headers every answer gets unless its view set them, and those staff pages always get;
    worked out once per app, as they depend only on its settings."""
    defaults = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
    if not _is_local(app):
        defaults["Strict-Transport-Security"] = HSTS
    defaults["Content-Security-Policy"] = f"{BASE_POLICY}; {_frame_ancestors(app)}"
    staff = {"Content-Security-Policy": STAFF_POLICY, "X-Frame-Options": "DENY"}
    staff["Cache-Control"] = "no-store"
    return defaults, staff


def register(app: Flask) -> None:
    configure_session(app)
    defaults, staff = _header_sets(app)

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        if request.path == "/staff" or request.path.startswith("/staff/"):
            headers.update(staff)
        for name, value in defaults.items():
            headers.setdefault(name, value)
        return response
