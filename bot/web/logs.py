"""JSON logs, and one line per request, with nothing personal: no phone numbers, bodies or chat
ids.

The route is logged as its rule (``/api/chat/<token>/messages``), never the path, and the query
string is never logged. ``bot.web.observe`` times each request and calls ``request_line``.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from functools import lru_cache

from flask import Flask

log = logging.getLogger("bot.requests")


@lru_cache(maxsize=4)
def _timestamp(second: int) -> str:
    """A log line's time, worked out once a second rather than once a line."""
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(second))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": _timestamp(int(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["error"] = record.exc_info[0].__name__ if record.exc_info[0] else "unknown"
        return json.dumps(entry)


def configure(app: Flask) -> None:
    """JSON logs to stderr for the app's loggers."""
    logger = logging.getLogger("bot")
    if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def request_line(method: str, route: str, status: int, seconds: float, request_id: str) -> None:
    """The one line logged for each request.

    The record is made here rather than by ``log.info``, which first walks the call stack to
    note the file and line it came from: this line never shows them, and it is written for
    every request."""
    if not log.isEnabledFor(logging.INFO):
        return
    fields = {
        "method": method,
        "route": route,
        "status": status,
        "duration_ms": round(seconds * 1000, 2),
        "request_id": request_id,
    }
    record = log.makeRecord(
        log.name, logging.INFO, __file__, 0, "request", (), None, extra={"fields": fields}
    )
    log.handle(record)
