"""A turn's events counted and logged once, here, whichever channel the turn came by.

The counters are Prometheus series summed across workers (``bot.web.metrics`` serves them); no
label carries anything personal.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from prometheus_client import Counter

from bot.core.conversation.events import Event
from bot.core.eligibility import Decision

log = logging.getLogger("bot.service")

CHECKS = Counter(
    "recordcheck_checks_completed_total", "Checks completed", ["outcome", "office", "channel"]
)
OPT_OUTS = Counter("recordcheck_opt_outs_total", "Residents who texted STOP or another opt-out")
TEXTS = Counter(
    "recordcheck_texts_total",
    "Texts the service starts: queued, then sent, failed or unknown",
    ["result"],
)
DELIVERY = Counter("recordcheck_reply_status_total", "Delivery reports for replies", ["status"])


def record(channel: str, events: Iterable[Event], decision: Decision | None) -> None:
    """Count and log what happened in one turn."""
    for event in events:
        if event is Event.COMPLETED and decision is not None:
            CHECKS.labels(decision.outcome, decision.office.id, channel).inc()
        elif event is Event.OPTED_OUT:
            OPT_OUTS.inc()
        elif event is Event.RATE_LIMITED:
            log.info("messages over the rate limit on one %s thread", channel)


def record_delivery(status: str) -> None:
    DELIVERY.labels(status).inc()


def record_text(result: str) -> None:
    """A text the service starts: ``queued``, then ``sent``, ``failed`` or ``unknown``."""
    TEXTS.labels(result).inc()
