"""Queued texts drained through the Twilio stand-in by several workers at the configured rate.

    .venv/bin/python bench/outbound_texts.py [--texts 1000] [--rate 50] [--workers 3]
                                             [--database-url URL]

Queues N staff texts on a fresh database (SQLite in a temporary folder unless a PostgreSQL URL
is given), then starts W worker processes that each drain the queue at once, through the real
sending path (``bot.service.outbound_texts.drain``: the shared pace in the database, the
conditional claim, the twilio client) to a local stand-in that answers as Twilio's Messages API.
It prints the rate the stand-in saw against the configured one, and how many texts were sent
twice or not at all. The rate must hold within 5%; none may be sent twice or lost.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bot.service import outbound_texts  # noqa: E402
from bot.service.outbound_texts import Sender  # noqa: E402
from bot.storage import outbound_texts as store  # noqa: E402
from bot.storage.db import db  # noqa: E402
from bot.storage.models import Inquiry  # noqa: E402
from tests.support.apps import make_app, release  # noqa: E402
from tests.support.staff import create_inquiry  # noqa: E402
from tests.support.texting import sending, settings  # noqa: E402
from tests.support.twilio_standin import TwilioStandIn  # noqa: E402


@dataclass(frozen=True)
class Report:
    texts: int
    sent: int
    duplicated: int
    missing: int
    configured_rate: float
    measured_rate: float
    seconds: float

    @property
    def rate_error(self) -> float:
        return abs(self.measured_rate - self.configured_rate) / self.configured_rate


def _app(database_url: str, standin_url: str, rate: float) -> Flask:
    return make_app(database_url, **{**settings(standin_url), "TWILIO_SEND_RATE": rate})


def _worker(database_url: str, standin_url: str, rate: float, start: Any) -> None:
    """One worker process: its own app, then the drain, started with the others at once (so
    the rate measured is the workers', not the time Python takes to start a process)."""
    app = _app(database_url, standin_url, rate)
    with app.app_context():
        store.due_count(outbound_texts.clock.now())  # connect before the start (and let go)
        start.wait()
        outbound_texts.drain(sending(app, wake=lambda delay: None))
    release(app)


def _queue(database_url: str, standin_url: str, rate: float, texts: int) -> None:
    app = _app(database_url, standin_url, rate)
    with app.app_context():
        upgrade()
    ref = create_inquiry(app, office="district_attorney", channel="sms")
    with app.app_context():
        inquiry = db.session.scalars(select(Inquiry).where(Inquiry.reference == ref)).one()
        inquiry.conversation.phone = "+19165550123"
        inquiry_id = inquiry.id
        db.session.commit()
        settings_ = sending(app, wake=lambda delay: None)
        for n in range(texts):
            queued = outbound_texts.queue_text(
                inquiry_id, f"Bench text {n}.", Sender.caller(), settings_
            )
            assert not isinstance(queued, outbound_texts.Refused), queued
        assert store.due_count(settings_.now()) == texts
    release(app)


def run_drain(
    database_url: str | None = None, texts: int = 1000, rate: float = 50.0, workers: int = 3
) -> Report:
    folder = tempfile.mkdtemp(prefix="rc-outbound-bench-")
    url = database_url or f"sqlite:///{folder}/bench.db"
    standin = TwilioStandIn()
    try:
        _queue(url, standin.url, rate, texts)
        context = multiprocessing.get_context("spawn")
        start = context.Barrier(workers)
        started = time.monotonic()
        processes = [
            context.Process(target=_worker, args=(url, standin.url, rate, start))
            for _ in range(workers)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        seconds = time.monotonic() - started
        received = standin.messages()
    finally:
        standin.stop()
    bodies = Counter(r.form["Body"] for r in received)
    times = sorted(r.at for r in received)
    measured = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    return Report(
        texts=texts,
        sent=len(bodies),
        duplicated=sum(n - 1 for n in bodies.values() if n > 1),
        missing=texts - len(bodies),
        configured_rate=rate,
        measured_rate=measured,
        seconds=seconds,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    report = run_drain(args.database_url, args.texts, args.rate, args.workers)
    print(
        f"{report.texts} texts, {args.workers} workers: sent {report.sent}, "
        f"sent twice {report.duplicated}, missing {report.missing}; "
        f"rate {report.measured_rate:.2f}/s against {report.configured_rate:.2f}/s "
        f"({report.rate_error:.1%} off) in {report.seconds:.1f} s"
    )
    if report.duplicated or report.missing or report.rate_error > 0.05:
        sys.exit(1)


if __name__ == "__main__":
    main()
