"""A caller presses 2 for the result by text, and the text reaches Twilio (its stand-in) through
the outbound path: once, at once, with the reference and the office's number."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from huey import Huey
from sqlalchemy import select

from bot.storage.db import db
from bot.storage.models import Inquiry
from tests.support import texting
from tests.support.apps import make_app, release
from tests.support.caller import Caller, Twiml
from tests.support.texting import run_jobs
from tests.support.twilio_standin import TwilioStandIn

CALLER = "+19165550147"


@pytest.fixture
def app(database_url: str, standin: TwilioStandIn) -> Iterator[Flask]:
    # Quiet hours all day: a caller's own request is sent at once all the same.
    settings = {**texting.settings(standin), "QUIET_HOURS": "00:00-23:59"}
    application = make_app(database_url, OFFICE_HOURS="Mon-Sun 00:00-24:00", **settings)
    yield application
    release(application)


def to_the_result(caller: Caller) -> Twiml:
    """Sacramento, possession, 2009, 25, sentence done: dismissal, District Attorney."""
    caller.call()
    caller.press("1")
    caller.press("1")
    caller.press("2009", "#")
    caller.press("25", "#")
    return caller.press("2")


def the_reference(app: Flask) -> str:
    with app.app_context():
        found = db.session.scalars(select(Inquiry.reference).where(Inquiry.channel == "voice"))
        references = [ref for ref in found if ref]
    assert len(references) == 1
    return references[0]


def test_the_caller_who_pressed_2_gets_the_result_by_text(app, client, standin, jobs: Huey):
    caller = Caller(client, phone=CALLER)
    to_the_result(caller)
    told = caller.press("2")
    assert "We are sending you a text with your result now." in told.spoken
    with app.app_context():
        run_jobs(jobs)
    sent = standin.messages()
    assert len(sent) == 1
    text = sent[0]
    assert text.form["To"] == CALLER
    assert "916-874-6218" in text.form["Body"]
    assert the_reference(app) in text.form["Body"]
    assert text.form["StatusCallback"].startswith(texting.PUBLIC_BASE_URL + "/sms/status?text=")


def test_a_repeated_webhook_for_key_2_stores_and_sends_one_text(app, client, standin, jobs: Huey):
    caller = Caller(client, phone=CALLER)
    to_the_result(caller)
    action = caller.last.gather.get("action", "") if caller.last and caller.last.gather else ""
    first = caller.press("2")
    again = caller.post(action, {"Digits": "2", "FinishedOnKey": ""})  # Twilio retrying
    assert again.status_code == 200 and again.data == first.raw
    with app.app_context():
        run_jobs(jobs)
    assert len(standin.messages()) == 1
