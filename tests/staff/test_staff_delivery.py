"""Staff see when a reply never reached the resident (a landline, a blocked number)."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.db import db
from bot.storage.models import Message
from tests.support.staff import DA_ANSWERS, finish_check
from tests.support.texter import sign


def report(client, reply_id: int, status: str, error: str = "") -> None:
    url = f"http://localhost/sms/status?reply={reply_id}"
    form = {"MessageSid": "SM1", "MessageStatus": status, "ErrorCode": error}
    response = client.post(url, data=form, headers={"X-Twilio-Signature": sign(url, form)})
    assert response.status_code == 200


def test_an_undelivered_reply_shows_on_the_record_and_in_the_figures(app, client, da):
    reference = finish_check(client, "+19165550140", DA_ANSWERS)
    with app.app_context():
        replies = db.session.scalars(
            select(Message.id).where(Message.direction == "out").order_by(Message.id)
        ).all()
    report(client, replies[-1], "undelivered", "30006")
    report(client, replies[0], "delivered")
    record = da.page(f"/staff/inquiries/{reference}")
    assert "Not delivered" in record and "30006" in record
    assert "Twilio: delivered" in record
    figures = da.page("/staff/stats")
    assert "1 reply could not be delivered" in figures
