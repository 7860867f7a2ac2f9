"""``flask --app app send-text REFERENCE TEXT --by EMAIL``: the staff path from the command
line, audited as that account; exit 0 when queued, 1 with the reason when it may not go."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from bot.storage.db import db
from bot.storage.staff import AuditEvent, StaffUser
from tests.support import texting
from tests.support.apps import make_app, release
from tests.support.staff import DA_ANSWERS, create_staff, finish_check
from tests.support.texter import Texter
from tests.support.texting import run_jobs
from tests.support.twilio_standin import TwilioStandIn

PHONE = "+19165550199"


@pytest.fixture
def app(database_url: str, standin: TwilioStandIn) -> Iterator[Flask]:
    application = make_app(database_url, **texting.settings(standin))
    create_staff(application, "dana@da.example.org", "district_attorney")
    create_staff(application, "pat@pd.example.org", "public_defender")
    yield application
    release(application)


def send_text(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=["send-text", *args])


def test_the_command_queues_the_text_audited_as_that_account(app, client, standin, jobs):
    ref = finish_check(client, PHONE, DA_ANSWERS)
    result = send_text(app, ref.lower(), "Please call us.", "--by", "dana@da.example.org")

    assert result.exit_code == 0, result.output
    assert "waiting" in result.output
    with app.app_context():
        run_jobs(jobs)
        who = db.session.scalar(
            select(StaffUser.email)
            .join(AuditEvent, AuditEvent.user_id == StaffUser.id)
            .where(AuditEvent.action == "text", AuditEvent.reference == ref)
        )
    assert who == "dana@da.example.org"
    assert [r.form["Body"] for r in standin.messages()] == ["Please call us."]


def test_the_command_refuses_an_opted_out_number_with_exit_status_1(app, client, standin):
    ref = finish_check(client, PHONE, DA_ANSWERS)
    Texter(client, PHONE).text("STOP")
    result = send_text(app, ref, "Hello", "--by", "dana@da.example.org")
    assert result.exit_code == 1
    assert "texted STOP" in result.output


def test_the_command_keeps_to_the_accounts_office(app, client):
    ref = finish_check(client, PHONE, DA_ANSWERS)
    result = send_text(app, ref, "Hello", "--by", "pat@pd.example.org")
    assert result.exit_code == 1
    assert "no such check" in result.output


def test_the_command_refuses_unknown_accounts_and_typos(app, client):
    ref = finish_check(client, PHONE, DA_ANSWERS)
    assert send_text(app, ref, "Hello", "--by", "nobody@example.org").exit_code == 1
    typo = ref[:-1] + ("X" if ref[-1] != "X" else "Y")
    result = send_text(app, typo, "Hello", "--by", "dana@da.example.org")
    assert result.exit_code == 1 and "typo" in result.output
