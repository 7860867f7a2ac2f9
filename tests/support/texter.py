"""A resident texting the service through Twilio's signed webhook, and reading the replies."""

from __future__ import annotations

import itertools
import uuid
from xml.etree import ElementTree

from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator

from tests.support.apps import AUTH_TOKEN

_sids = itertools.count(1)


class Texter:
    """A resident texting the service through Twilio's signed webhook."""

    def __init__(self, client: FlaskClient, phone: str = "+19165550123") -> None:
        self.client = client
        self.phone = phone

    @staticmethod
    def new_sid() -> str:
        return f"SM{uuid.uuid4().hex}{next(_sids):06d}"[:34]

    def post(
        self, params: dict[str, str], token: str = AUTH_TOKEN, url: str = "http://localhost/sms"
    ):
        return self.client.post(
            "/sms", data=params, headers={"X-Twilio-Signature": sign(url, params, token)}
        )

    def params(self, body: str, sid: str | None = None, media: int = 0) -> dict[str, str]:
        return {
            "From": self.phone,
            "To": "+19165550100",
            "Body": body,
            "MessageSid": sid or self.new_sid(),
            "AccountSid": "AC" + "0" * 32,
            "NumMedia": str(media),
        }

    def send(self, body: str, sid: str | None = None, media: int = 0):
        return self.post(self.params(body, sid, media))

    def text(self, body: str) -> str:
        """Send ``body`` and return the reply's text ('' when nothing was sent)."""
        response = self.send(body)
        assert response.status_code == 200, response.data
        return reply_text(response.data)


def sign(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """The ``X-Twilio-Signature`` Twilio would send with ``params`` posted to ``url``."""
    return RequestValidator(token).compute_signature(url, params)


def reply_text(twiml: bytes) -> str:
    root = ElementTree.fromstring(twiml)
    messages = root.findall("Message")
    assert len(messages) <= 1, "at most one message per incoming text"
    return (messages[0].text or "") if messages else ""


def finish_possession_check(texter: Texter) -> str:
    """A Sacramento possession conviction from 2009, at 25, finished; the result's text."""
    texter.text("Hi")
    for answer in ("yes", "weed possession", "2009", "I was 25"):
        texter.text(answer)
    return texter.text("no")
