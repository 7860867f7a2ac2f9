"""Texts the service starts, as the tests drive them: an app pointed at the Twilio stand-in, a
clock the test moves, and huey's queue run in the test's own process."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from flask import Flask
from huey import Huey

from bot.jobs import tasks
from bot.service.outbound_texts import Sending
from tests.support.twilio_standin import ACCOUNT_SID, FROM_NUMBER, TwilioStandIn

PUBLIC_BASE_URL = "https://recordcheck.example.org"


def settings(standin: TwilioStandIn | str) -> dict[str, object]:
    """App settings that send through the stand-in (or its URL), at once (no quiet hours),
    quickly."""
    url = standin if isinstance(standin, str) else standin.url
    return {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_FROM_NUMBER": FROM_NUMBER,
        "TWILIO_API_BASE_URL": url,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "QUIET_HOURS": "",
        "TWILIO_SEND_RATE": 1000.0,
    }


@dataclass
class Clock:
    """A clock the test sets; sleeping moves it on instead of waiting."""

    moment: datetime = field(default_factory=lambda: datetime(2026, 6, 1, 18, 0, tzinfo=UTC))
    slept: list[float] = field(default_factory=list)

    def now(self) -> datetime:
        return self.moment

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.moment += timedelta(seconds=seconds)

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def sending(app: Flask, clock: Clock | None = None, **changes: object) -> Sending:
    """The app's outbound settings (inside its context), on ``clock`` when given."""
    with app.app_context():
        built = tasks.sending()
    if clock is not None:
        built = replace(built, now=clock.now, sleep=clock.sleep)
    return replace(built, **changes) if changes else built


def run_jobs(huey: Huey, scheduled: bool = True) -> int:
    """Run every job waiting in the queue (and, with ``scheduled``, the ones set for later), in
    this process; how many ran. The caller holds the app context the jobs run in."""
    far = datetime(9999, 1, 1)  # huey's own times are naive UTC
    ran = 0
    while True:
        batch = list(huey.read_schedule(far)) if scheduled else []
        while (task := huey.dequeue()) is not None:
            batch.append(task)
        if not batch:
            return ran
        for task in batch:
            huey.execute(task, timestamp=far)
            ran += 1
