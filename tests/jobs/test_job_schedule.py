"""The worker's jobs: the periodic chores on huey's scheduler run the same code as their
commands, and the queue is chosen by the settings (Redis when ``REDIS_URL`` is set)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from huey import RedisHuey
from sqlalchemy import select

from bot.jobs import queue, tasks
from bot.storage.db import db
from bot.storage.models import Inquiry
from tests.support.staff import create_inquiry


def test_the_chores_are_on_the_scheduler():
    periodic = {task.name.rsplit(".", 1)[-1] for task in queue.huey._registry.periodic_tasks}
    assert {"sweep_texts", "purge", "expire_screening"} <= periodic


def test_the_sweep_runs_every_minute_and_the_purge_daily():
    minute = datetime(2026, 6, 1, 10, 15)
    sweep, purge, expire = (
        t.task_class() for t in (tasks.sweep_texts, tasks.purge, tasks.expire_screening)
    )
    assert sweep.validate_datetime(minute) and sweep.validate_datetime(
        minute + timedelta(minutes=1)
    )
    assert purge.validate_datetime(minute)
    assert not purge.validate_datetime(minute + timedelta(minutes=1))
    assert expire.validate_datetime(datetime(2026, 6, 1, 10, 20))
    assert not expire.validate_datetime(datetime(2026, 6, 1, 10, 21))


def test_the_periodic_purge_erases_what_the_command_would(app):
    old = datetime.now(UTC) - timedelta(days=400)
    ref = create_inquiry(app, created_at=old, notes="called back")
    with app.app_context():
        db.session.execute(
            Inquiry.__table__.update().where(Inquiry.reference == ref).values(updated_at=old)
        )
        db.session.commit()
        tasks.purge.call_local()
        notes = db.session.scalar(select(Inquiry.notes).where(Inquiry.reference == ref))
    assert notes == ""


def test_the_queue_is_on_redis_when_redis_url_is_set_else_a_sqlite_file(tmp_path):
    on_redis = queue.build({"REDIS_URL": "redis://127.0.0.1:6379/15"})
    assert isinstance(on_redis, RedisHuey)
    on_file = queue.build({"JOBS_DATABASE": str(tmp_path / "q" / "jobs.db")})
    assert isinstance(on_file.storage, queue.SqliteQueue)
    assert not (tmp_path / "q").exists()  # nothing is written until the first job
    on_file.storage.enqueue(b"job")
    assert (tmp_path / "q" / "jobs.db").exists()
    assert on_file.storage.dequeue() == b"job"
