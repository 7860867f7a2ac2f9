"""Record Check's background worker: ``huey_consumer worker.huey`` (the Procfile's ``worker``).

It sends the texts the service starts and runs the periodic chores (``bot.jobs.tasks``), each
job inside this process's own app, built here once.
"""

from __future__ import annotations

from app import create_app
from bot.jobs import tasks
from bot.jobs.queue import huey

tasks.serve(create_app())

__all__ = ["huey"]
