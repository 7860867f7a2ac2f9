"""Staff text a resident from the inquiry's page: ready texts in the inquiry's language or
their own words within its segment budget, the thread of texts with status and sender, the
form off (and why) where no text may go, the audit trail, and the figures."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape

import pytest
from flask import Flask
from sqlalchemy import select

from bot.storage.db import db
from bot.storage.staff import AuditEvent
from tests.support import texting
from tests.support.apps import make_app, release
from tests.support.staff import DA_ANSWERS, create_inquiry, csrf_token, finish_check
from tests.support.texter import Texter
from tests.support.texting import run_jobs
from tests.support.twilio_standin import TwilioStandIn

PHONE = "+19165550101"


@pytest.fixture
def app(database_url: str, standin: TwilioStandIn) -> Iterator[Flask]:
    application = make_app(database_url, **texting.settings(standin))
    yield application
    release(application)


def send(staff, ref: str, **form: str):
    page = staff.page(f"/staff/inquiries/{ref}")
    data = {"csrf_token": csrf_token(page), **form}
    return staff.client.post(f"/staff/inquiries/{ref}/texts", data=data)


def test_staff_send_a_ready_text_and_see_it_queued_then_sent(app, client, da, standin, jobs):
    ref = finish_check(client, PHONE, DA_ANSWERS)
    page = da.page(f"/staff/inquiries/{ref}")
    assert "We have your case and will call you" in page
    ready = f"The District Attorney has your Record Check request ({ref}) and will call you soon."
    assert ready in unescape(page)

    response = send(da, ref, choice="will_call", body="")
    assert response.status_code == 303
    page = unescape(da.page(f"/staff/inquiries/{ref}"))
    assert "The text is queued" in page
    assert "waiting to be sent" in page and "dana@da.example.org" in page

    with app.app_context():
        run_jobs(jobs)
    assert [r.form["Body"] for r in standin.messages()] == [ready]
    assert "Status: <strong>queued</strong>" in da.page(f"/staff/inquiries/{ref}")


def test_a_spanish_inquiry_gets_spanish_ready_texts_and_two_segments(app, client, da):
    resident = Texter(client, PHONE)
    resident.text("Hola")
    ref = finish_check(client, PHONE, DA_ANSWERS)
    page = unescape(da.page(f"/staff/inquiries/{ref}"))
    assert "El Fiscal (District Attorney) tiene su solicitud" in page
    assert 'data-budget="2"' in page

    assert send(da, ref, choice="own", body="a" * 300).status_code == 303
    assert "Your own words" in page


def test_the_server_refuses_own_words_over_one_segment_in_english(app, client, da, standin):
    ref = finish_check(client, PHONE, DA_ANSWERS)
    send(da, ref, choice="own", body="a" * 161)
    page = unescape(da.page(f"/staff/inquiries/{ref}"))
    assert "The text was not sent. The text is too long: at most 1 segment(s)" in page
    assert "No texts have been sent to this resident." in page
    send(da, ref, choice="own", body="We tried to call you. Please call us back.")
    assert "We tried to call you. Please call us back." in da.page(f"/staff/inquiries/{ref}")


def test_the_form_is_off_for_a_web_chat_and_says_why(app, da):
    ref = create_inquiry(app, office="district_attorney", channel="web")
    page = da.page(f"/staff/inquiries/{ref}")
    assert "Texting is off for this inquiry." in page and "no phone number" in page
    assert 'class="text-form"' not in page
    send(da, ref, choice="own", body="Hello")
    assert "not sent" in da.page(f"/staff/inquiries/{ref}")


def test_the_form_is_off_for_a_number_that_opted_out(app, client, da, standin, jobs):
    ref = finish_check(client, PHONE, DA_ANSWERS)
    Texter(client, PHONE).text("STOP")
    page = da.page(f"/staff/inquiries/{ref}")
    assert "texted STOP" in page and 'class="text-form"' not in page
    send(da, ref, choice="will_call")
    with app.app_context():
        run_jobs(jobs)
    assert standin.messages() == []


def test_another_offices_inquiry_cannot_be_texted(app, client, pd, standin):
    ref = finish_check(client, PHONE, DA_ANSWERS)
    page = pd.page("/staff/")
    response = pd.client.post(
        f"/staff/inquiries/{ref}/texts",
        data={"csrf_token": csrf_token(page), "choice": "will_call"},
    )
    assert response.status_code == 404


def test_a_staff_text_is_audited(app, client, da):
    ref = finish_check(client, PHONE, DA_ANSWERS)
    send(da, ref, choice="please_call")
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.reference == ref)
        ).all()
    assert "text" in actions


def test_a_residents_answer_is_unread_in_the_list_until_opened(app, client, da):
    ref = finish_check(client, PHONE, DA_ANSWERS)
    send(da, ref, choice="no_answer")
    Texter(client, PHONE).text("Sorry I missed you, call me anytime")
    assert "1 unread" in da.page("/staff/")
    page = da.page(f"/staff/inquiries/{ref}")
    assert "Sorry I missed you, call me anytime" in page
    assert "unread" not in da.page("/staff/")


def test_the_figures_count_texts_sent_and_failed(app, client, da, standin, jobs):
    ref = finish_check(client, PHONE, DA_ANSWERS)
    send(da, ref, choice="will_call")
    with app.app_context():
        run_jobs(jobs)
    page = da.page("/staff/stats")
    assert "Texts to residents" in page
    assert "Sent: 1" in page and "Failed: 0" in page
