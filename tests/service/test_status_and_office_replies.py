"""Residents' side of the texts the service starts: STATUS (ESTADO), and answers to the office's
text going to the office rather than restarting the check."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from bot import clock
from bot.core.conversation.segments import segments
from bot.service import outbound_texts
from bot.service.outbound_texts import Queued, Sender
from bot.storage.db import db
from bot.storage.inquiries import update_inquiry
from bot.storage.models import Conversation, Inquiry, Message
from bot.storage.staff import staff_by_email
from tests.support import texting
from tests.support.apps import make_app, release
from tests.support.staff import DA_ANSWERS, create_staff, finish_check
from tests.support.texter import Texter
from tests.support.twilio_standin import TwilioStandIn

PHONE = "+19165550188"
STAFF_EMAIL = "dana@da.example.org"


@pytest.fixture
def app(database_url: str, standin: TwilioStandIn) -> Iterator[Flask]:
    application = make_app(database_url, **texting.settings(standin))
    create_staff(application, STAFF_EMAIL, "district_attorney")
    yield application
    release(application)


def inquiry_of(app: Flask, ref: str) -> Inquiry:
    with app.app_context():
        found = db.session.scalars(select(Inquiry).where(Inquiry.reference == ref)).one()
        db.session.expunge(found)
        return found


def staff_text(app: Flask, inquiry_id: int, body: str = "Please call us.") -> None:
    with app.app_context():
        user = staff_by_email(STAFF_EMAIL)
        assert user is not None
        queued = outbound_texts.queue_text(
            inquiry_id, body, Sender.staff_member(user, None), texting.sending(app)
        )
    assert isinstance(queued, Queued)


def test_status_gives_the_reference_and_the_offices_status_and_changes_nothing(app, client):
    ref = finish_check(client, PHONE, DA_ANSWERS)
    resident = Texter(client, PHONE)

    new = resident.text("STATUS")
    assert ref in new and "District Attorney" in new and "will answer" in new
    assert segments(new) == 1

    inquiry = inquiry_of(app, ref)
    with app.app_context():
        user = staff_by_email(STAFF_EMAIL)
        assert user is not None
        update_inquiry(user, inquiry.id, "contacted", "", None)
    assert "reached out" in resident.text("status")

    # The check stands where it was: another text gets the result again.
    assert ref in resident.text("hello?")
    with app.app_context():
        assert db.session.scalar(select(func.count(Inquiry.id))) == 1


def test_estado_answers_in_spanish_within_two_segments(app, client):
    resident = Texter(client, PHONE)
    resident.text("Hola")
    ref = finish_check(client, PHONE, DA_ANSWERS)
    resident.text("ESPANOL")
    said = resident.text("ESTADO")
    assert ref in said and "Fiscal" in said
    assert segments(said) <= 2


def test_status_before_any_finished_check_says_so(client):
    said = Texter(client, PHONE).text("STATUS")
    assert "no finished check" in said


def test_status_sends_nothing_to_a_number_that_opted_out(client):
    finish_check(client, PHONE, DA_ANSWERS)
    resident = Texter(client, PHONE)
    resident.text("STOP")
    assert resident.text("STATUS") == ""


def test_an_answer_to_the_offices_text_goes_to_the_office(app, client):
    ref = finish_check(client, PHONE, DA_ANSWERS)
    inquiry = inquiry_of(app, ref)
    staff_text(app, inquiry.id)
    resident = Texter(client, PHONE)

    first = resident.text("Yes I can talk tomorrow after 3")
    assert "sent to the office" in first  # one short acknowledgement, not a question
    assert resident.text("Thanks again") == ""  # only one per office text

    with app.app_context():
        bodies = db.session.scalars(
            select(Message.body).where(Message.inquiry_id == inquiry.id, Message.direction == "in")
        ).all()
        unread = db.session.scalar(select(Inquiry.unread_replies).where(Inquiry.id == inquiry.id))
    assert "Yes I can talk tomorrow after 3" in bodies and "Thanks again" in bodies
    assert unread == 2

    staff_text(app, inquiry.id, "We will call at 3.")
    assert "sent to the office" in resident.text("ok")


def test_keywords_still_work_while_the_office_waits_for_an_answer(app, client):
    ref = finish_check(client, PHONE, DA_ANSWERS)
    staff_text(app, inquiry_of(app, ref).id)
    resident = Texter(client, PHONE)
    assert "916-874-6218" in resident.text("HELP")
    assert "Sacramento County" in resident.text("RESTART")


def test_after_seven_days_a_text_is_the_check_again(app, client):
    ref = finish_check(client, PHONE, DA_ANSWERS)
    staff_text(app, inquiry_of(app, ref).id)
    with app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        conversation.office_texted_at = clock.now() - timedelta(days=8)
        db.session.commit()
    assert ref in Texter(client, PHONE).text("hello")  # the result again, as before
