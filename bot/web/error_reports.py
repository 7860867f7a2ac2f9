"""Optional error reports to Sentry when ``SENTRY_DSN`` is set, with personal data scrubbed.

Reports carry the error and where it happened, never request bodies, form fields, cookies,
phone numbers or message texts: those are removed before anything leaves the server.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

PERSONAL_KEYS = ("data", "cookies", "query_string", "env")


def scrub(event: dict[str, Any], _hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Drop everything a resident typed or that identifies them from a Sentry event."""
    request = event.get("request") or {}
    for key in PERSONAL_KEYS:
        request.pop(key, None)
    headers = request.get("headers") or {}
    for name in list(headers):
        if name.lower() in ("cookie", "authorization", "x-twilio-signature"):
            headers.pop(name)
    event.pop("user", None)
    for exception in (event.get("exception") or {}).get("values", []):
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    return event


def init_app(app: Flask) -> None:
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[FlaskIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub,
    )
