"""The job queue: huey on Redis when ``REDIS_URL`` is set (production: every web and worker
process shares it), else on a SQLite file (``JOBS_DATABASE``, default ``instance/jobs.db``), so
``make run`` needs no server.

The queue only wakes workers: the rows in the database are the record of what is to be done
(``bot.storage.outbound_texts``), so a queue that loses a job loses nothing. Jobs carry ids,
never personal data or secrets.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey
from huey.storage import SqliteStorage

ROOT = Path(__file__).resolve().parents[2]
NAME = "recordcheck"


class SqliteQueue(SqliteStorage):
    """huey's SQLite storage, creating its file and tables on first use rather than when the
    module is imported (commands and tests that never queue a job leave no file behind)."""

    def __init__(self, name: str = NAME, **kwargs: Any) -> None:
        super().__init__(name, create_tables=False, **kwargs)

    def _create_connection(self) -> Any:
        Path(self.filename).parent.mkdir(parents=True, exist_ok=True)
        connection = super()._create_connection()
        for ddl in self.ddl:
            connection.execute(ddl)
        return connection


def build(env: Mapping[str, str]) -> Huey:
    redis_url = (env.get("REDIS_URL") or "").strip()
    if redis_url:
        return RedisHuey(NAME, url=redis_url, results=False)
    filename = (env.get("JOBS_DATABASE") or "").strip() or str(ROOT / "instance" / "jobs.db")
    return Huey(NAME, results=False, storage_class=SqliteQueue, filename=filename)


huey = build(os.environ)
