"""Prometheus metrics at ``GET /metrics``, counted across every gunicorn worker: requests and
webhook signatures here, the service's own counters in ``bot.service.events``.

Workers share nothing in memory, so when ``PROMETHEUS_MULTIPROC_DIR`` is set (gunicorn.conf.py
sets it) each worker writes its counts to files there and ``/metrics`` adds them up. Reading
them needs ``Authorization: Bearer <METRICS_TOKEN>``. No label carries anything personal.
"""

from __future__ import annotations

import hmac
import os
from typing import Any

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from bot.web.surfaces import Surface

bp = Blueprint("metrics", __name__)

REQUESTS = Counter("recordcheck_requests_total", "HTTP requests", ["route", "method", "status"])
LATENCY = Histogram(
    "recordcheck_request_seconds",
    "Time to answer a request",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SIGNATURE_FAILURES = Counter(
    "recordcheck_webhook_signature_failures_total", "Webhook requests with a bad signature"
)


def _registry() -> CollectorRegistry | None:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return None  # one process: the default registry already holds everything
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def _authorised() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    sent = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(sent, f"Bearer {token}")


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus text format; 401 without the bearer token."""
    if not _authorised():
        abort(401)
    registry = _registry()
    body = generate_latest(registry) if registry is not None else generate_latest()
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


_REQUEST_SERIES: dict[tuple[str, str, int], tuple[Any, Any]] = {}
MAX_REQUEST_SERIES = 1000


def count_request(route: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request and its time. The labelled series are kept, as looking them
    up by label values costs more than counting; the cache stops growing at a bound, since an
    unmatched route's method is whatever a client sent."""
    key = (route, method, status)
    series = _REQUEST_SERIES.get(key)
    if series is None:
        series = (REQUESTS.labels(route, method, str(status)), LATENCY.labels(route))
        if len(_REQUEST_SERIES) < MAX_REQUEST_SERIES:
            _REQUEST_SERIES[key] = series
    series[0].inc()
    series[1].observe(seconds)


SURFACE = Surface(blueprint=bp, prefixes=("/metrics",), csrf=False)
