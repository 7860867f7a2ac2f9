"""Optional error reports to Sentry when ``SENTRY_DSN`` is set, with personal data scrubbed.

Reports carry the error and where it happened (the endpoint), never request bodies, form
fields, cookies, phone numbers, message texts or the URL (a path can hold a web chat id, which
alone opens the conversation): those are removed before anything leaves the server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

PERSONAL_KEYS = ("url", "data", "cookies", "query_string", "env")


def scrub(event: Event, _hint: Hint | None = None) -> Event:
    """Drop everything a resident typed or that identifies them from a Sentry event.

    Sentry's ``before_send``, which may drop an event by returning ``None``: this one keeps
    every event, scrubbed.
    """
    request = event.get("request") or {}
    for key in PERSONAL_KEYS:
        request.pop(key, None)
    headers = request.get("headers")
    if isinstance(headers, dict):
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
