"""The real worker (``huey_consumer worker.huey``) killed mid-send, then started again: the text
Twilio may have accepted becomes ``unknown`` and is never sent again by itself; a text that was
waiting survives the restart and is sent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from bot.jobs.queue import NAME, SqliteQueue
from bot.service import outbound_texts
from bot.service.outbound_texts import Queued, Sender
from bot.storage import outbound_texts as store
from bot.storage.db import db
from bot.storage.models import Inquiry
from tests.support import texting
from tests.support.apps import AUTH_TOKEN, PHONE_HASH_KEY, SECRET_KEY, make_app, release
from tests.support.paths import ROOT
from tests.support.staff import DA_ANSWERS, finish_check
from tests.support.texting import Clock
from tests.support.twilio_standin import ACCOUNT_SID, FROM_NUMBER, HANG, TwilioStandIn

CONSUMER = Path(sys.executable).parent / "huey_consumer"


@pytest.fixture
def app(database_url: str, standin: TwilioStandIn) -> Iterator[Flask]:
    application = make_app(database_url, **texting.settings(standin))
    yield application
    release(application)


def start_worker(database_url: str, standin: TwilioStandIn, queue_file: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JOBS_DATABASE": str(queue_file),
        "REDIS_URL": "",
        "SECRET_KEY": SECRET_KEY,
        "PHONE_HASH_KEY": PHONE_HASH_KEY,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_FROM_NUMBER": FROM_NUMBER,
        "TWILIO_API_BASE_URL": standin.url,
        "PUBLIC_BASE_URL": texting.PUBLIC_BASE_URL,
        "QUIET_HOURS": "",
        "TWILIO_SEND_RATE": "100",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [str(CONSUMER), "worker.huey", "--workers", "1", "--worker-type", "thread", "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_worker_killed_mid_send_never_sends_twice_and_a_waiting_text_survives(
    app, client, standin, jobs, tmp_path
):
    queue_file = tmp_path / "jobs.db"
    jobs.storage = SqliteQueue(NAME, filename=str(queue_file))  # the worker's own queue
    ref = finish_check(client, "+19165550166", DA_ANSWERS)
    with app.app_context():
        inquiry_id = db.session.scalar(select(Inquiry.id).where(Inquiry.reference == ref))

    def queue(body: str) -> int:
        with app.app_context():
            queued = outbound_texts.queue_text(
                inquiry_id, body, Sender.caller(), texting.sending(app)
            )
        assert isinstance(queued, Queued)
        return queued.text_id

    def status(text_id: int) -> str | None:
        with app.app_context():
            return store.status_of(text_id)

    standin.answer_next(HANG)  # Twilio gets the request; its answer never comes back
    first = queue("First text.")
    worker = start_worker(app.config["SQLALCHEMY_DATABASE_URI"], standin, queue_file)
    try:
        wait_for(lambda: len(standin.messages()) == 1)
        assert status(first) == "submitting"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

        second = queue("Second text.")  # waits in the database while no worker runs
        assert status(second) == "waiting"

        clock = Clock()
        clock.moment = texting.sending(app).now() + outbound_texts.STALE_CLAIM * 2
        with app.app_context():
            assert outbound_texts.sweep(texting.sending(app, clock, wake=lambda d: None)).lost == 1
        assert status(first) == "unknown"

        worker = start_worker(app.config["SQLALCHEMY_DATABASE_URI"], standin, queue_file)
        wait_for(lambda: status(second) == "queued")
        time.sleep(0.3)  # had the first been picked up again, its request would be in by now
    finally:
        worker.kill()
        worker.wait(timeout=10)
    assert [r.form["Body"] for r in standin.messages()] == ["First text.", "Second text."]
    assert status(first) == "unknown"
