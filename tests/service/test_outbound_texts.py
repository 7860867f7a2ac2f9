"""Texts the service starts, end to end through the Twilio stand-in: the exact requests, the
retries, the statuses staff see, quiet hours on a fixed clock, opt-outs, a worker lost
mid-send, two workers at once, and a queue that lost its job."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from bot import clock
from bot.clock import COUNTY_TIME
from bot.jobs import tasks
from bot.service import outbound_texts
from bot.service.outbound_texts import Queued, Refused, Sender
from bot.storage import outbound_texts as store
from bot.storage import retention
from bot.storage.db import db
from bot.storage.models import Inquiry
from bot.storage.staff import AuditEvent, staff_by_email
from tests.support import texting
from tests.support.apps import AUTH_TOKEN, make_app, release
from tests.support.staff import DA_ANSWERS, create_staff, finish_check
from tests.support.texter import Texter, sign
from tests.support.texting import Clock, run_jobs
from tests.support.twilio_standin import ACCOUNT_SID, FROM_NUMBER, HANG, TwilioStandIn, error

PHONE = "+19165550177"
STAFF_EMAIL = "dana@da.example.org"


@pytest.fixture
def app(database_url: str, standin: TwilioStandIn) -> Iterator[Flask]:
    application = make_app(database_url, **texting.settings(standin))
    create_staff(application, STAFF_EMAIL, "district_attorney")
    yield application
    release(application)


@pytest.fixture
def inquiry_id(app: Flask, client) -> int:
    """A resident's finished check by text, routed to the District Attorney."""
    ref = finish_check(client, PHONE, DA_ANSWERS)
    with app.app_context():
        return db.session.scalar(select(Inquiry.id).where(Inquiry.reference == ref))


def staff_sender(app: Flask) -> Sender:
    with app.app_context():
        user = staff_by_email(STAFF_EMAIL)
        assert user is not None
        db.session.expunge(user)
    return Sender.staff_member(user, "203.0.113.9")


def queue(app: Flask, inquiry: int, body: str, sender: Sender | None = None, **kw) -> object:
    with app.app_context():
        return outbound_texts.queue_text(
            inquiry, body, sender or staff_sender(app), texting.sending(app, **kw)
        )


def drain(app: Flask, clock: Clock | None = None, **changes) -> int:
    with app.app_context():
        return outbound_texts.drain(texting.sending(app, clock, **changes))


def text_row(app: Flask, inquiry: int) -> store.TextRow:
    with app.app_context():
        rows = store.for_inquiry(inquiry)
    assert len(rows) == 1
    return rows[0]


def test_a_staff_text_goes_to_twilio_with_exactly_the_fields_twilio_expects(
    app, inquiry_id, standin
):
    queued = queue(app, inquiry_id, "Please call the District Attorney at 916-874-6218.")
    assert isinstance(queued, Queued) and queued.status == "waiting"

    assert drain(app) == 1

    [request] = standin.messages()
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request.auth == (ACCOUNT_SID, AUTH_TOKEN)
    callback = f"{texting.PUBLIC_BASE_URL}/sms/status?text={queued.text_id}"
    assert request.form == {
        "To": PHONE,
        "From": FROM_NUMBER,
        "Body": "Please call the District Attorney at 916-874-6218.",
        "StatusCallback": callback,
    }
    row = text_row(app, inquiry_id)
    assert (row.status, row.sent_by, row.origin) == ("queued", STAFF_EMAIL, "staff")


def test_an_api_key_and_a_messaging_service_are_used_when_set(app, inquiry_id, standin):
    queue(app, inquiry_id, "Hello from the office.")
    credentials = texting.sending(app).credentials
    keyed = replace(
        credentials,
        api_key="SK" + "1" * 32,
        api_secret="secret",
        messaging_service_sid="MG" + "2" * 32,
    )
    drain(app, credentials=keyed)

    [request] = standin.messages()
    assert request.auth == ("SK" + "1" * 32, "secret")
    assert request.form["MessagingServiceSid"] == "MG" + "2" * 32
    assert "From" not in request.form
    assert text_row(app, inquiry_id).status == "accepted"  # what Twilio answers for a service


def test_429_and_503_are_retried_with_backoff_then_sent_once(app, inquiry_id, standin):
    clock = Clock()
    standin.answer_next(error(429, 20429), error(503))
    queue(app, inquiry_id, "Hello.", clock=clock)

    drain(app, clock)
    assert len(standin.messages()) == 1
    assert text_row(app, inquiry_id).status == "waiting"  # staff see it is still to go
    drain(app, clock)
    assert len(standin.messages()) == 1, "not before its backoff"

    clock.advance(seconds=6)
    drain(app, clock)
    clock.advance(seconds=11)
    drain(app, clock)

    assert len(standin.messages()) == 3
    assert text_row(app, inquiry_id).status == "queued"


def test_a_500_makes_the_text_unknown_and_it_is_never_sent_again(app, inquiry_id, standin):
    clock = Clock()
    standin.answer_next(error(500))
    queue(app, inquiry_id, "Hello.", clock=clock)
    drain(app, clock)
    clock.advance(hours=1)
    drain(app, clock)

    assert len(standin.messages()) == 1
    row = text_row(app, inquiry_id)
    assert (row.status, row.error_code) == ("unknown", "500")


def test_a_lost_answer_makes_the_text_unknown(app, inquiry_id, standin):
    standin.answer_next(HANG)
    queue(app, inquiry_id, "Hello.")
    quick = texting.sending(app).credentials
    drain(app, credentials=replace(quick, timeout=0.3))

    assert len(standin.messages()) == 1
    assert text_row(app, inquiry_id).status == "unknown"
    drain(app)
    assert len(standin.messages()) == 1


@pytest.mark.parametrize("code", [21211, 21610])
def test_other_errors_fail_with_twilios_code_and_are_not_retried(app, inquiry_id, standin, code):
    clock = Clock()
    standin.answer_next(error(400, code))
    queue(app, inquiry_id, "Hello.", clock=clock)
    drain(app, clock)
    clock.advance(hours=1)
    drain(app, clock)

    assert len(standin.messages()) == 1
    row = text_row(app, inquiry_id)
    assert (row.status, row.error_code) == ("failed", str(code))


def test_a_connection_refused_is_retried_then_fails_after_five_tries(app, inquiry_id, standin):
    clock = Clock()
    queue(app, inquiry_id, "Hello.", clock=clock)
    closed = texting.sending(app).credentials
    nowhere = replace(closed, api_base_url="http://127.0.0.1:9")  # nothing listens there
    for _ in range(outbound_texts.MAX_ATTEMPTS):
        drain(app, clock, credentials=nowhere)
        assert text_row(app, inquiry_id).status in ("waiting", "failed")
        clock.advance(minutes=10)

    row = text_row(app, inquiry_id)
    assert (row.status, row.error_code) == ("failed", "connect")
    assert standin.messages() == []


def test_quiet_hours_hold_staff_texts_until_they_end(app, inquiry_id, standin):
    evening = datetime(2026, 6, 1, 22, 30, tzinfo=texting_county())  # 22:30 in Sacramento
    clock = Clock(evening.astimezone(UTC))
    quiet = {"quiet_hours": outbound_texts.parse_quiet_hours("21:00-08:00")}

    queued = queue(app, inquiry_id, "Hello.", clock=clock, **quiet)
    assert isinstance(queued, Queued) and queued.status == "held"
    assert queued.send_after == datetime(2026, 6, 2, 8, 0, tzinfo=texting_county())

    clock.advance(hours=9)  # 07:30
    drain(app, clock, **quiet)
    assert standin.messages() == []
    assert text_row(app, inquiry_id).status == "held"

    clock.advance(minutes=31)  # 08:01
    drain(app, clock, **quiet)
    assert len(standin.messages()) == 1


def test_a_callers_own_request_is_sent_at_once_in_quiet_hours(app, inquiry_id, standin):
    night = Clock(datetime(2026, 6, 2, 6, 0, tzinfo=UTC))  # 23:00 in Sacramento
    quiet = {"quiet_hours": outbound_texts.parse_quiet_hours("21:00-08:00")}
    queued = queue(app, inquiry_id, "Your result.", Sender.caller(), clock=night, **quiet)

    assert isinstance(queued, Queued) and queued.status == "waiting"
    drain(app, night, **quiet)
    assert len(standin.messages()) == 1
    assert text_row(app, inquiry_id).sent_by is None


def test_quiet_hours_are_checked_again_when_sending(app, inquiry_id, standin):
    clock = Clock(datetime(2026, 6, 1, 19, 0, tzinfo=UTC))  # noon in Sacramento
    queue(app, inquiry_id, "Hello.", clock=clock)
    clock.moment = datetime(2026, 6, 2, 5, 0, tzinfo=UTC)  # 22:00: the worker was down
    quiet = {"quiet_hours": outbound_texts.parse_quiet_hours("21:00-08:00")}
    drain(app, clock, **quiet)

    assert standin.messages() == []
    assert text_row(app, inquiry_id).status == "held"


def test_no_text_is_queued_for_a_number_that_opted_out(app, client, inquiry_id, standin):
    Texter(client, PHONE).text("STOP")
    refused = queue(app, inquiry_id, "Hello.")

    assert isinstance(refused, Refused) and refused.reason == "opted_out"
    drain(app)
    assert standin.messages() == []


def test_a_text_waiting_when_the_resident_opts_out_is_never_sent(app, client, inquiry_id, standin):
    queue(app, inquiry_id, "Hello.")
    Texter(client, PHONE).text("STOP")
    drain(app)

    assert standin.messages() == []
    row = text_row(app, inquiry_id)
    assert (row.status, row.error_code) == ("failed", "opted_out")


def test_the_server_refuses_a_text_longer_than_the_languages_budget(app, inquiry_id):
    refused = queue(app, inquiry_id, "x" * 161)
    assert isinstance(refused, Refused) and refused.reason == "too_long"
    assert isinstance(queue(app, inquiry_id, "x" * 160), Queued)
    assert isinstance(queue(app, inquiry_id, "Está bien " * 8), Refused)  # UCS-2: 70 a segment


def test_a_worker_lost_mid_send_leaves_the_text_unknown_never_resent(app, inquiry_id, standin):
    clock = Clock()
    queue(app, inquiry_id, "Hello.", clock=clock)
    with app.app_context():
        claimed = store.claim_next(clock.now())  # then the worker dies, answer or not
    assert claimed is not None

    with app.app_context():
        assert outbound_texts.sweep(texting.sending(app, clock)).lost == 0  # still sending
    clock.advance(minutes=3)
    with app.app_context():
        swept = outbound_texts.sweep(texting.sending(app, clock))
    assert swept.lost == 1
    drain(app, clock)

    assert standin.messages() == []
    row = text_row(app, inquiry_id)
    assert (row.status, row.error_code) == ("unknown", "worker_lost")


def test_two_workers_never_send_the_same_text(app, inquiry_id, standin):
    bodies = [f"Text number {n}." for n in range(30)]
    for body in bodies:
        queue(app, inquiry_id, body)

    def worker() -> None:
        drain(app)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    sent = sorted(r.form["Body"] for r in standin.messages())
    assert sent == sorted(bodies)


def test_a_text_survives_a_queue_that_lost_its_job(app, inquiry_id, standin, jobs):
    queue(app, inquiry_id, "Hello.", wake=lambda delay: None)  # the job never reached a queue
    assert jobs.pending_count() == 0

    with app.app_context():
        swept = outbound_texts.sweep(tasks.sending())  # the periodic sweep, on any worker
        assert swept.due == 1
        run_jobs(jobs)

    assert [r.form["Body"] for r in standin.messages()] == ["Hello."]


def test_the_queue_wakes_a_worker_that_sends_the_text(app, inquiry_id, standin, jobs):
    queue(app, inquiry_id, "Hello.")
    assert jobs.pending_count() == 1  # a wake-up call: the id of nothing, only "drain"
    with app.app_context():
        assert run_jobs(jobs) >= 1
    assert len(standin.messages()) == 1


def test_the_rate_is_kept_between_texts(app, inquiry_id, standin):
    clock = Clock()
    for n in range(4):
        queue(app, inquiry_id, f"Text {n}.", clock=clock)
    drain(app, clock, rate=2.0)

    assert len(standin.messages()) == 4
    assert clock.slept and all(abs(s - 0.5) < 0.01 for s in clock.slept[1:])


def status_report(client, text_id: int, status: str, **extra: str):
    url = f"http://localhost/sms/status?text={text_id}"
    form = {"MessageSid": "SM1", "MessageStatus": status, **extra}
    return client.post(
        f"/sms/status?text={text_id}", data=form, headers={"X-Twilio-Signature": sign(url, form)}
    )


def test_status_callbacks_move_a_text_forward_only(app, client, inquiry_id, standin):
    queued = queue(app, inquiry_id, "Hello.")
    drain(app)
    assert status_report(client, queued.text_id, "delivered").status_code == 200
    assert status_report(client, queued.text_id, "sent").status_code == 200  # late, older

    assert text_row(app, inquiry_id).status == "delivered"
    assert status_report(client, queued.text_id, "read").status_code == 200
    assert text_row(app, inquiry_id).status == "read"


@pytest.mark.parametrize(
    "status", ["accepted", "scheduled", "canceled", "partially_delivered", "receiving"]
)
def test_every_status_twilio_sends_is_accepted(client, status):
    url = "http://localhost/sms/status?reply=1"
    form = {"MessageSid": "SM1", "MessageStatus": status}
    response = client.post(
        "/sms/status?reply=1", data=form, headers={"X-Twilio-Signature": sign(url, form)}
    )
    assert response.status_code == 200


def test_a_failed_report_keeps_twilios_code_for_staff(app, client, inquiry_id):
    queued = queue(app, inquiry_id, "Hello.")
    drain(app)
    status_report(client, queued.text_id, "undelivered", ErrorCode="30003")
    row = text_row(app, inquiry_id)
    assert (row.status, row.error_code) == ("undelivered", "30003")


def test_a_forged_status_report_is_refused(client, app, inquiry_id):
    queued = queue(app, inquiry_id, "Hello.")
    response = client.post(
        f"/sms/status?text={queued.text_id}",
        data={"MessageStatus": "delivered"},
        headers={"X-Twilio-Signature": "forged"},
    )
    assert response.status_code == 403
    assert text_row(app, inquiry_id).status == "waiting"


def test_every_staff_text_is_in_the_audit_trail(app, inquiry_id):
    queue(app, inquiry_id, "Hello.")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "text")).all()
        assert [(e.inquiry_id, e.ip) for e in events] == [(inquiry_id, "203.0.113.9")]


def texting_county():
    return COUNTY_TIME


def test_quiet_hours_setting_spans_midnight():
    window = outbound_texts.parse_quiet_hours("21:00-08:00")
    county = texting_county()
    assert window.held_until(datetime(2026, 1, 5, 20, 59, tzinfo=county)) is None
    assert window.held_until(datetime(2026, 1, 5, 21, 0, tzinfo=county)) == datetime(
        2026, 1, 6, 8, 0, tzinfo=county
    )
    assert window.held_until(datetime(2026, 1, 6, 7, 59, tzinfo=county)) == datetime(
        2026, 1, 6, 8, 0, tzinfo=county
    )
    assert window.held_until(datetime(2026, 1, 6, 8, 0, tzinfo=county)) is None
    assert outbound_texts.parse_quiet_hours("") is None


def test_callback_url_carries_only_the_texts_id(app, inquiry_id, standin):
    queued = queue(app, inquiry_id, "Hello.")
    drain(app)
    callback = urlsplit(standin.messages()[0].form["StatusCallback"])
    assert parse_qs(callback.query) == {"text": [str(queued.text_id)]}


def test_nothing_personal_is_logged_while_sending(app, inquiry_id, standin, caplog):
    caplog.set_level("DEBUG")
    standin.answer_next(error(400, 21211))
    queue(app, inquiry_id, "A private matter.")
    queue(app, inquiry_id, "Another private matter.")
    drain(app)
    logged = caplog.text
    assert PHONE not in logged and PHONE[2:] not in logged
    assert "private matter" not in logged


def test_without_the_settings_to_send_texts_wait_rather_than_fail(app, inquiry_id, standin):
    queue(app, inquiry_id, "Hello.")
    assert drain(app, public_base_url="") == 0
    assert text_row(app, inquiry_id).status == "waiting"
    assert drain(app) == 1
    assert len(standin.messages()) == 1


def test_the_purge_keeps_a_texts_status_but_not_its_words_or_twilios_id(app, inquiry_id):
    """Twilio's logs tie a message's id to the number it went to: after the retention period
    the text keeps what became of it, not what it said nor that id."""
    queue(app, inquiry_id, "Please call the District Attorney at 916-874-6218.")
    assert drain(app) == 1
    with app.app_context():
        assert db.session.scalar(select(store.OutboundText.twilio_sid)) is not None
        retention.purge(clock.now() + timedelta(days=400), retention_days=365)
        body, sid, status = db.session.execute(
            select(
                store.OutboundText.body, store.OutboundText.twilio_sid, store.OutboundText.status
            )
        ).one()
    assert (body, sid, status) == (None, None, "queued")
