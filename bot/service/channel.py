"""What the service needs to know of a channel, declared by the channel's own module.

A channel says how the engine behaves on it (``traits``), how a turn becomes what it sends
(``render``: one text, chat bubbles, speech), and for a channel that reaches phone numbers the
per-number limit. How much of a resident's message is kept is the service's, the same on every
channel (``bot.service.turns.MAX_INPUT``). Nothing else in the service or the core names a
channel, so a new channel is its module, its messages and nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.core.conversation.engine import ChannelTraits, Turn


@dataclass(frozen=True)
class MessageLimit:
    """At most ``per_minute`` messages a minute from one number; beyond that nothing is
    processed, and the first message over the limit in each ``notice_every`` gets one reply."""

    per_minute: int
    notice_every: timedelta


@dataclass(frozen=True)
class Channel:
    traits: ChannelTraits
    label: str  # what staff read: "Text message", "Web chat"
    render: Callable[[Turn], list[str]]
    per_number: MessageLimit | None = None  # for channels keyed by a phone number

    @property
    def name(self) -> str:
        """Stored with every conversation and inquiry, and a label on the figures."""
        return self.traits.name
