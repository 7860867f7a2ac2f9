"""The engine's turns as the real channels render and declare them, for tests of the core."""

from __future__ import annotations

from bot.channels import CHANNELS
from bot.core.conversation.engine import ChannelTraits, Turn


def traits(name: str) -> ChannelTraits:
    return CHANNELS[name].traits


def sms_text(turn: Turn) -> str | None:
    """The one text the SMS channel sends for a turn, or ``None`` when it sends nothing."""
    said = CHANNELS["sms"].render(turn)
    return said[0] if said else None


def web_messages(turn: Turn) -> list[str]:
    """The chat bubbles the web channel shows for a turn."""
    return CHANNELS["web"].render(turn)
