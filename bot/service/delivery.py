"""What Twilio reports about the delivery of a message we sent: stored on it, and counted."""

from __future__ import annotations

from bot.service import events
from bot.storage import conversations

STATUSES = conversations.DELIVERY_STATUSES


def record(reply_id: int, status: str, error_code: str | None) -> bool:
    """Note a delivery report; ``False`` (and nothing counted) for a message we do not know."""
    known = conversations.record_delivery(reply_id, status, error_code)
    if known:
        events.record_delivery(status)
    return known
