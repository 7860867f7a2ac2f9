"""Point the county's Twilio number (its texts and its calls) at this service, with the Twilio
REST client.

Used by ``flask --app app twilio-setup``; it says what it changes, and changes nothing with
``--dry-run``. The HTTP client is pluggable so tests can see the exact requests, offline.
"""

from __future__ import annotations

from dataclasses import dataclass

from twilio.http import HttpClient
from twilio.rest import Client


class SetupError(RuntimeError):
    """Something an operator must fix; the message says what."""


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None
    after: str


def webhook_settings(base_url: str, fallback_url: str | None) -> dict[str, str]:
    """The number's messaging webhook (POST to /sms) and, when given, its fallback; its voice
    webhook (POST to /voice) and the call status callback (POST to /voice/status)."""
    base = base_url.rstrip("/")
    if not base.startswith("https://"):
        raise SetupError("--base-url must start with https:// (Twilio signs the URL it calls).")
    settings = {
        "sms_url": f"{base}/sms",
        "sms_method": "POST",
        "voice_url": f"{base}/voice",
        "voice_method": "POST",
        "status_callback": f"{base}/voice/status",
        "status_callback_method": "POST",
    }
    if fallback_url:
        settings |= {"sms_fallback_url": fallback_url, "sms_fallback_method": "POST"}
    return settings


def connect_number(
    account_sid: str | None,
    auth_token: str | None,
    number: str,
    base_url: str,
    fallback_url: str | None = None,
    dry_run: bool = False,
    http_client: HttpClient | None = None,
) -> list[Change]:
    """Find ``number`` in the account, and set its webhooks unless this is a dry run."""
    if not account_sid or not auth_token:
        raise SetupError("Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN in the environment.")
    settings = webhook_settings(base_url, fallback_url)
    client = Client(account_sid, auth_token, http_client=http_client)
    found = client.incoming_phone_numbers.list(phone_number=number, limit=1)
    if not found:
        raise SetupError(f"{number} is not a phone number of account {account_sid}.")
    current = found[0]
    changes = [
        Change(field, getattr(current, field, None), value) for field, value in settings.items()
    ]
    if not dry_run:
        client.incoming_phone_numbers(current.sid).update(**settings)
    return changes
