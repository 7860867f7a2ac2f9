"""The ways residents reach the service, one module each. A module declares its ``SURFACE`` (for
the web layer: blueprint, error format, CSRF, limits on its views) and, when it carries a
conversation, its ``CHANNEL`` (for the service: the engine's traits, rendering, length budget).
"""

from bot.channels import chat_api, chat_pages, eligibility_api, sms, voice

SURFACES = (
    sms.SURFACE,
    voice.SURFACE,
    chat_api.SURFACE,
    chat_pages.SURFACE,
    eligibility_api.SURFACE,
)
CHANNELS = {channel.name: channel for channel in (sms.CHANNEL, voice.CHANNEL, chat_api.CHANNEL)}

__all__ = ["CHANNELS", "SURFACES"]
