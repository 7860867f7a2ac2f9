"""``flask --app app twilio-setup``: the exact requests it sends to Twilio, with no network."""

from __future__ import annotations

import json
import logging

import pytest
from twilio.http import HttpClient
from twilio.http.response import Response

from bot.outbound.number_setup import SetupError, connect_number

ACCOUNT = "AC" + "1" * 32
NUMBER_SID = "PN" + "2" * 32


class RecordingTwilio(HttpClient):
    """Answers like Twilio's API for one number and remembers every request."""

    def __init__(self, numbers: int = 1) -> None:
        super().__init__(logger=logging.getLogger("tests.twilio"), is_async=False)
        self.requests: list[tuple[str, str, dict, dict]] = []
        self.numbers = numbers

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, **kwargs):
        self.requests.append((method, uri, dict(params or {}), dict(data or {})))
        number = {
            "sid": NUMBER_SID,
            "account_sid": ACCOUNT,
            "phone_number": "+19165550100",
            "sms_url": "https://old.example/sms",
            "sms_method": "POST",
            "sms_fallback_url": None,
            "voice_url": "https://old.example/voice",
        }
        if method == "GET":
            body = {"incoming_phone_numbers": [number] * self.numbers, "next_page_uri": None}
        else:
            body = {**number, **{k[0].lower() + k[1:]: v for k, v in (data or {}).items()}}
        return Response(200, json.dumps(body))


def run(dry_run: bool, numbers: int = 1, fallback: str | None = None):
    twilio = RecordingTwilio(numbers)
    changes = connect_number(
        ACCOUNT, "token", "+19165550100", "https://check.saccounty.gov/", fallback, dry_run, twilio
    )
    return twilio, changes


def test_it_finds_the_number_and_points_its_texts_at_sms_and_its_calls_at_voice():
    twilio, changes = run(dry_run=False, fallback="https://static.saccounty.gov/fallback.xml")
    (get, post) = twilio.requests
    assert get[0] == "GET"
    assert get[1].endswith(f"/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json")
    assert get[2]["PhoneNumber"] == "+19165550100"
    assert post[0] == "POST"
    assert post[1].endswith(f"/Accounts/{ACCOUNT}/IncomingPhoneNumbers/{NUMBER_SID}.json")
    assert post[3] == {
        "SmsUrl": "https://check.saccounty.gov/sms",
        "SmsMethod": "POST",
        "SmsFallbackUrl": "https://static.saccounty.gov/fallback.xml",
        "SmsFallbackMethod": "POST",
        "VoiceUrl": "https://check.saccounty.gov/voice",
        "VoiceMethod": "POST",
        "StatusCallback": "https://check.saccounty.gov/voice/status",
        "StatusCallbackMethod": "POST",
    }
    changed = {c.field: (c.before, c.after) for c in changes}
    assert changed["sms_url"] == ("https://old.example/sms", "https://check.saccounty.gov/sms")
    assert changed["voice_url"] == (
        "https://old.example/voice",
        "https://check.saccounty.gov/voice",
    )


def test_a_dry_run_only_looks():
    twilio, changes = run(dry_run=True)
    assert [method for method, *_ in twilio.requests] == ["GET"]
    assert changes[0].after == "https://check.saccounty.gov/sms"


def test_an_unknown_number_is_explained():
    with pytest.raises(SetupError, match="is not a phone number"):
        run(dry_run=True, numbers=0)


def test_credentials_and_https_are_required():
    with pytest.raises(SetupError, match="TWILIO_ACCOUNT_SID"):
        connect_number(None, "t", "+19165550100", "https://x.gov")
    with pytest.raises(SetupError, match="https://"):
        connect_number(ACCOUNT, "t", "+19165550100", "http://x.gov", http_client=RecordingTwilio())


def test_twilio_setup_dry_run_from_the_command_line_needs_credentials(app):
    result = app.test_cli_runner().invoke(
        args=[
            "twilio-setup",
            "--number",
            "+19165550100",
            "--base-url",
            "https://x.gov",
            "--dry-run",
        ]
    )
    assert result.exit_code != 0
    assert "TWILIO_ACCOUNT_SID" in result.output
