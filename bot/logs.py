"""One JSON line per request, with nothing personal: no phone numbers, bodies or chat ids.

The route is logged as its rule (``/api/chat/<token>/messages``), never the path, and the query
string is never logged.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import uuid

from flask import Flask, Response, g, request

log = logging.getLogger("bot.requests")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["error"] = record.exc_info[0].__name__ if record.exc_info[0] else "unknown"
        return json.dumps(entry)


def configure(app: Flask) -> None:
    """JSON logs to stderr for the app's loggers, and a line for each request."""
    logger = logging.getLogger("bot")
    if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)

    @app.before_request
    def _start() -> None:
        g.request_started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex

    @app.after_request
    def _log(response: Response) -> Response:
        started = g.get("request_started", time.perf_counter())
        fields = {
            "method": request.method,
            "route": request.url_rule.rule if request.url_rule else "(unmatched)",
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "request_id": g.get("request_id", ""),
        }
        log.info("request", extra={"fields": fields})
        response.headers["X-Request-Id"] = fields["request_id"]
        return response
