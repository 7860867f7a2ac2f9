"""A resident calling the service through Twilio's signed voice webhooks, and the TwiML heard."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree

from flask.testing import FlaskClient

from tests.support.apps import AUTH_TOKEN
from tests.support.texter import sign

_sids = itertools.count(1)


@dataclass
class Twiml:
    """One TwiML answer, read the way Twilio would act on it."""

    raw: bytes

    @property
    def root(self) -> ElementTree.Element:
        return ElementTree.fromstring(self.raw)

    @property
    def gather(self) -> ElementTree.Element | None:
        return self.root.find("Gather")

    @property
    def says(self) -> list[str]:
        return [say.text or "" for say in self.root.iter("Say")]

    @property
    def spoken(self) -> str:
        return " ".join(self.says)

    @property
    def redirect(self) -> str | None:
        found = self.root.find("Redirect")
        return found.text if found is not None else None

    @property
    def dialled(self) -> str | None:
        number = self.root.find("Dial/Number")
        return (number.text or "").strip() if number is not None else None

    @property
    def hung_up(self) -> bool:
        return self.root.find("Hangup") is not None

    @property
    def asks(self) -> str | None:
        """What the gather waits for: the question id, ``menu`` or ``menu4``."""
        gather = self.gather
        if gather is None:
            return None
        query = urlsplit(gather.get("action", "")).query
        return dict(part.split("=", 1) for part in query.split("&"))["at"]


class Caller:
    """One call: the incoming webhook, then each gather's action or redirect, signed."""

    def __init__(self, client: FlaskClient, phone: str = "+19165550123", sid: str = "") -> None:
        self.client = client
        self.phone = phone
        self.sid = sid or f"CA{uuid.uuid4().hex}{next(_sids):06d}"[:34]
        self.last: Twiml | None = None

    def post(self, url: str, extra: dict[str, str] | None = None, token: str = AUTH_TOKEN):
        params = {
            "CallSid": self.sid,
            "AccountSid": "AC" + "0" * 32,
            "From": self.phone,
            "To": "+19165550100",
            "CallStatus": "in-progress",
            **(extra or {}),
        }
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        full = f"http://localhost{path}"
        return self.client.post(
            path, data=params, headers={"X-Twilio-Signature": sign(full, params, token)}
        )

    def _heard(self, url: str, extra: dict[str, str] | None = None) -> Twiml:
        response = self.post(url, extra)
        assert response.status_code == 200, response.data
        assert response.mimetype == "text/xml"
        self.last = Twiml(response.data)
        return self.last

    def call(self) -> Twiml:
        return self._heard("/voice")

    def _action(self) -> str:
        assert self.last is not None and self.last.gather is not None, "nothing is being asked"
        return self.last.gather.get("action", "")

    def press(self, digits: str, finished_on_key: str = "") -> Twiml:
        return self._heard(self._action(), {"Digits": digits, "FinishedOnKey": finished_on_key})

    def say(self, speech: str, confidence: str = "0.91") -> Twiml:
        return self._heard(self._action(), {"SpeechResult": speech, "Confidence": confidence})

    def silence(self) -> Twiml:
        """Nothing heard: Twilio follows the <Redirect> after the gather."""
        assert self.last is not None and self.last.redirect, "no redirect to follow"
        return self._heard(self.last.redirect)

    def dial_ended(self, status: str) -> Twiml:
        assert self.last is not None
        dial = self.last.root.find("Dial")
        assert dial is not None, "no call to an office"
        return self._heard(dial.get("action", ""), {"DialCallStatus": status})
