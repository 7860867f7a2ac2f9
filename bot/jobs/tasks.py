"""The jobs: draining the texts that are due, and the periodic chores on huey's scheduler.

Each job runs inside an app context: the caller's when there is one (a test running the queue
in-process), else the worker's own app (``worker.py`` hands it over with ``serve``). The chores
are the same functions as their commands (``purge``, ``screen-expire``), which stay for
operators.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context
from huey import crontab

from bot import clock
from bot.jobs.queue import huey
from bot.screening_jobs import chores
from bot.service import outbound_texts
from bot.storage import retention

log = logging.getLogger("bot.jobs")
_worker_app: list[Flask] = []


def serve(app: Flask) -> None:
    """The app the worker's jobs run in (``worker.py``)."""
    _worker_app[:] = [app]


@contextmanager
def _app_context() -> Iterator[None]:
    if has_app_context() or not _worker_app:
        yield  # a test running the queue in its own app context
        return
    with _worker_app[0].app_context():
        yield


def wake(delay: float = 0.0) -> None:
    """Ask a worker to drain the due texts, now or in ``delay`` seconds."""
    if delay > 0:
        drain_texts.schedule(delay=delay)
    else:
        drain_texts()


def sending() -> outbound_texts.Sending:
    """The outbound settings of the current app, waking this queue's workers."""
    return outbound_texts.Sending.from_config(current_app.config, wake)


@huey.task()
def drain_texts() -> int:
    with _app_context():
        return outbound_texts.drain(sending())


@huey.periodic_task(crontab(minute="*"))
def sweep_texts() -> None:
    """Every minute: texts a lost job left due, and claims a dead worker left mid-send."""
    with _app_context():
        outbound_texts.sweep(sending())


@huey.periodic_task(crontab(minute="15", hour="10"))
def purge() -> None:
    """Daily (03:15 in the county in summer, 02:15 in winter): the retention purge."""
    with _app_context():
        purged = retention.purge(clock.now(), current_app.config["RETENTION_DAYS"])
        log.info("purge: %d inquiries, %d messages erased", purged.inquiries, purged.messages)


@huey.periodic_task(crontab(minute="*/10"))
def expire_screening() -> None:
    """Every ten minutes: screening results past their 24 hours, and leftover uploads."""
    with _app_context():
        chores.tidy(clock.now())
