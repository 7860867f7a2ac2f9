"""Creating a message through Twilio's REST API, with the ``twilio`` client, and what came of it.

``TWILIO_API_BASE_URL`` points the client at another address that answers as Twilio's Messages
API does (the tests' stand-in, a staging double): the client's pluggable HTTP client rewrites
``https://api.twilio.com`` to that base, so every request is exactly the one Twilio would get.

Each attempt ends in one ``Outcome`` the sender acts on:

- ``accepted``: Twilio created the message (its ``sid`` and first ``status``);
- ``retry``: 429, 503, or a connection that failed before the request was sent: nothing was
  accepted, so trying again later cannot send it twice;
- ``unknown``: any other 5xx, or no answer after the request was sent: Twilio may have
  accepted it, so it is never sent again by itself;
- ``failed``: any other error, with Twilio's code (21610 opted out at the carrier, 21211 not a
  valid number...).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

TWILIO_API = "https://api.twilio.com"
#: The client's own request log (URLs, headers) is noise at best; only its warnings are kept.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
#: Seconds to connect, then to wait for Twilio's answer.
TIMEOUT = 10.0
RETRIED_STATUSES = (429, 503)


@dataclass(frozen=True)
class Credentials:
    """Who sends: an API key and secret, or else the auth token; a messaging service, or else
    a from-number."""

    account_sid: str
    auth_token: str | None
    api_key: str | None = None
    api_secret: str | None = None
    messaging_service_sid: str | None = None
    from_number: str | None = None
    api_base_url: str = TWILIO_API
    timeout: float = TIMEOUT  # seconds to connect, then to wait for the answer

    def missing(self) -> list[str]:
        """The settings still needed to send anything, named as in the environment."""
        needs = []
        if not self.account_sid:
            needs.append("TWILIO_ACCOUNT_SID")
        if not (self.api_key and self.api_secret) and not self.auth_token:
            needs.append("TWILIO_API_KEY and TWILIO_API_SECRET, or TWILIO_AUTH_TOKEN")
        if not self.messaging_service_sid and not self.from_number:
            needs.append("TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER")
        return needs


@dataclass(frozen=True)
class Outcome:
    kind: str  # "accepted", "retry", "unknown" or "failed"
    status: str | None = None  # Twilio's status when accepted
    sid: str | None = None
    error_code: str | None = None  # Twilio's code, or the HTTP status when there is none


class RebasedHttpClient(TwilioHttpClient):
    """The twilio client's own HTTP client, sending to ``base`` instead of Twilio's API."""

    def __init__(self, base: str, timeout: float = TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.base = base.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if url.startswith(TWILIO_API):
            url = self.base + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


def client(credentials: Credentials) -> Client:
    http = RebasedHttpClient(credentials.api_base_url or TWILIO_API, credentials.timeout)
    if credentials.api_key and credentials.api_secret:
        return Client(
            credentials.api_key,
            credentials.api_secret,
            credentials.account_sid,
            http_client=http,
        )
    return Client(credentials.account_sid, credentials.auth_token, http_client=http)


def _never_sent(error: requests.ConnectionError) -> bool:
    """A connection that failed before any of the request went out (refused, no route, DNS)."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError | ConnectTimeoutError | NameResolutionError)


def create(api: Client, credentials: Credentials, to: str, body: str, callback: str) -> Outcome:
    """One attempt at creating the message; never raises for what Twilio or the network do."""
    sender: dict[str, str] = (
        {"messaging_service_sid": credentials.messaging_service_sid}
        if credentials.messaging_service_sid
        else {"from_": credentials.from_number or ""}
    )
    try:
        message = api.messages.create(to=to, body=body, status_callback=callback, **sender)
    except TwilioRestException as error:
        code = str(error.code) if error.code else str(error.status)
        if error.status in RETRIED_STATUSES:
            return Outcome("retry", error_code=code)
        if error.status >= 500:
            return Outcome("unknown", error_code=code)
        return Outcome("failed", error_code=code)
    except requests.ConnectionError as error:
        if _never_sent(error):
            return Outcome("retry", error_code="connect")
        return Outcome("unknown", error_code="no_answer")
    except (requests.RequestException, TwilioException):
        return Outcome("unknown", error_code="no_answer")  # a timeout, or an answer not read
    return Outcome("accepted", status=str(message.status or "queued"), sid=message.sid)
