"""Error reports sent to the error tracker carry nothing personal."""

from __future__ import annotations

from bot.web.error_reports import scrub


def test_error_reports_carry_nothing_personal():
    event = {
        "request": {
            "url": "https://check.example/sms",
            "data": {"From": "+19165550123", "Body": "I had weed"},
            "cookies": {"session": "x"},
            "headers": {"Cookie": "x", "X-Twilio-Signature": "y", "User-Agent": "TwilioProxy"},
        },
        "user": {"ip_address": "1.2.3.4"},
        "exception": {"values": [{"stacktrace": {"frames": [{"vars": {"phone": "+1916"}}]}}]},
    }
    scrubbed = scrub(event)
    assert "+19165550123" not in repr(scrubbed) and "weed" not in repr(scrubbed)
    assert "+1916" not in repr(scrubbed) and "user" not in scrubbed
    assert scrubbed["request"]["headers"] == {"User-Agent": "TwilioProxy"}
