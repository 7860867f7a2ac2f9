"""Bulk screening's chores: run by ``flask --app app screen-expire`` or a scheduler, never a page.

Pages already show a job past its expiry as expired and a quiet run as failed (see
``bot.storage.screening_jobs``); the chores write that down, erase the expired results, and
delete uploads that outlived their run because its worker stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.screening_jobs.runner import upload_dir
from bot.storage import screening_jobs as screen_jobs


@dataclass(frozen=True)
class Tidied:
    """How many jobs' results were erased, runs marked failed and uploads deleted."""

    expired: int
    stalled: int
    removed: int


def remove_leftovers(now: datetime) -> int:
    """Delete uploads that outlived their run (a worker stopped mid-run); how many files.

    An upload is named after its job (``<job>.csv``, then ``<job>.2.csv`` for a second file).
    """
    cutoff = (now - screen_jobs.STALE).timestamp()
    old: dict[str, list[Path]] = {}
    for path in upload_dir().glob("*.csv"):
        try:
            if path.stat().st_mtime < cutoff:
                old.setdefault(path.name.split(".", 1)[0], []).append(path)
        except FileNotFoundError:
            continue
    running = screen_jobs.active_ids(list(old))
    removed = 0
    for job_id, paths in old.items():
        if job_id not in running:
            for path in paths:
                path.unlink(missing_ok=True)
            removed += len(paths)
    return removed


def tidy(now: datetime) -> Tidied:
    """Expire what is due at ``now``, then sweep leftover uploads. Needs an app context."""
    expired = screen_jobs.expire(now)
    return Tidied(expired.expired, expired.stalled, remove_leftovers(now))
