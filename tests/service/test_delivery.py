"""Delivery reports: every reply asks Twilio to report it, and a signed report is recorded."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from sqlalchemy import select

from bot.storage.db import db
from bot.storage.models import Message
from tests.support.texter import sign


def action_of(twiml: bytes) -> str:
    return ElementTree.fromstring(twiml).find("Message").get("action")


def test_each_reply_asks_twilio_to_report_its_delivery(texter):
    action = action_of(texter.send("hi").data)
    assert re.fullmatch(r"http://localhost/sms/status\?reply=\d+", action)


def test_a_delivery_report_is_recorded_with_its_error_code(texter, app):
    action = action_of(texter.send("hi").data)
    report = {"MessageSid": "SM1", "MessageStatus": "undelivered", "ErrorCode": "30006"}
    signed = texter.client.post(
        action.removeprefix("http://localhost"),
        data=report,
        headers={"X-Twilio-Signature": sign(action, report)},
    )
    assert signed.status_code == 200
    with app.app_context():
        reply = db.session.scalars(select(Message).where(Message.direction == "out")).one()
    assert (reply.delivery_status, reply.error_code) == ("undelivered", "30006")


def test_an_unsigned_delivery_report_is_refused(texter, app):
    action = action_of(texter.send("hi").data)
    response = texter.client.post(
        action.removeprefix("http://localhost"), data={"MessageStatus": "failed"}
    )
    assert response.status_code == 403
    with app.app_context():
        reply = db.session.scalars(select(Message).where(Message.direction == "out")).one()
    assert reply.delivery_status is None
