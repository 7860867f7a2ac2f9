"""App-wide protections: session cookie settings and security headers (CSRF is in extensions).

Headers are set once, here, after every request. A surface may declare headers it always gets
(staff pages hold residents' personal data: no framing, no caching, whatever the view did); a
view may set its own ``Content-Security-Policy`` (the county page's embeddable chat, for one)
and the default below applies only when it did not.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin

from bot.web import surfaces

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


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, skipping the work a request without one does not need.

    Twilio's webhooks and the chat API never send a session cookie, and they are most of the
    traffic: Flask would still build a signing serializer to open an empty session and look up
    every cookie setting to save nothing. What is read and written is unchanged.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and (
            "HTTP_COOKIE" not in request.environ  # no cookies at all: nothing to parse
            or not request.cookies.get(self.get_cookie_name(app))
        ):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def _frame_ancestors(app: Flask) -> str:
    origins = " ".join(app.config.get("EMBED_ORIGINS") or [])
    return f"frame-ancestors 'self' {origins}".strip()


#: For pages that show residents' personal data: never framed, never cached.
PRIVATE_PAGE_HEADERS = {
    "Content-Security-Policy": STAFF_POLICY,
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def _defaults(app: Flask) -> dict[str, str]:
    """The headers every answer gets unless its view set them; worked out once per app, as
    they depend only on its settings."""
    defaults = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
    if not _is_local(app):
        defaults["Strict-Transport-Security"] = HSTS
    defaults["Content-Security-Policy"] = f"{BASE_POLICY}; {_frame_ancestors(app)}"
    return defaults


def register(app: Flask) -> None:
    configure_session(app)
    app.session_interface = CookieSessions()
    defaults = [(name, name.lower(), value) for name, value in _defaults(app).items()]

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        surface = surfaces.current()
        if surface is not None and surface.headers:
            headers.update(surface.headers)  # a surface's own headers win over its views'
        present = {name.lower() for name, _ in headers}
        for name, lower, value in defaults:
            if lower not in present:
                headers.add(name, value)
        return response
