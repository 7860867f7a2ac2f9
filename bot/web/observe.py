"""Each request is timed once, then logged (``bot.web.logs``) and counted (``bot.web.metrics``).

One pair of hooks rather than a pair per concern: in a burst the webhook answers hundreds of texts
a second, and every hook is paid on every one of them.
"""

from __future__ import annotations

import secrets
import time

from flask import Flask, Response, g, request

from bot.web import logs, metrics


def _start() -> None:
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule else "(unmatched)"
    request_id = request.environ.get("HTTP_X_REQUEST_ID", "")[:64] or secrets.token_hex(16)
    metrics.count_request(route, request.method, response.status_code, seconds)
    logs.request_line(request.method, route, response.status_code, seconds, request_id)
    response.headers["X-Request-Id"] = request_id
    return response


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
