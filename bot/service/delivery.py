"""What Twilio reports about the delivery of a message we sent: stored on it, and counted.

Two kinds of message get reports: replies in TwiML (``?reply=<message id>``) and texts the
service starts (``?text=<outbound text id>``, ``bot.service.outbound_texts``). Every status
Twilio documents is accepted; a text's status never moves backwards, whatever order the
reports arrive in.
"""

from __future__ import annotations

import re

from bot import clock
from bot.service import events, outbound_texts
from bot.storage import conversations

#: Twilio's message statuses, all of them: any of these may be reported.
STATUSES = (
    "accepted",
    "scheduled",
    "canceled",
    "queued",
    "sending",
    "sent",
    "failed",
    "delivered",
    "undelivered",
    "receiving",
    "received",
    "read",
    "partially_delivered",
)
#: A status Twilio may add later still looks like this; it is acknowledged, stored for a reply.
STATUS_PATTERN = re.compile(r"[a-z_]{1,24}")


def is_status(value: str) -> bool:
    return value in STATUSES or STATUS_PATTERN.fullmatch(value) is not None


def record(reply_id: int, status: str, error_code: str | None) -> bool:
    """Note a delivery report; ``False`` (and nothing counted) for a message we do not know."""
    known = conversations.record_delivery(reply_id, status[:16], error_code)
    if known:
        events.record_delivery(status)
    return known


def record_text(text_id: int, status: str, error_code: str | None) -> bool:
    """Note a report on a text the service started; ``False`` for one we do not know."""
    return outbound_texts.record_status(text_id, status, error_code, clock.now())
