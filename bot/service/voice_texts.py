"""A caller's result sent to them by text (the voice menu's key 2): the voice side of it.

What voice can know on its own is checked here: a withheld caller id has nowhere to send to, and
a number that opted out of texts (STOP, on its text thread or remembered past a purge) is never
texted. Whether a number can take texts at all (a landline) only Twilio can say, when it is
asked to send; that answer comes back from the outbound path as ``NO_TEXTS``.

The text itself goes out through the service's one outbound path for texts the service starts,
queued to be sent at once; ``_queue`` is the single place that calls it.
"""

from __future__ import annotations

from enum import StrEnum

from bot.storage import calls
from bot.storage.keys import phone_key
from bot.storage.transactions import Transaction


class TextResult(StrEnum):
    QUEUED = "queued"  # on its way
    WITHHELD = "withheld"  # the caller's number was withheld: nowhere to send it
    OPTED_OUT = "opted_out"  # the number texted STOP: we never text it
    NO_TEXTS = "no_texts"  # the number cannot take texts (a landline, as Twilio reports)
    UNAVAILABLE = "unavailable"  # texts cannot be sent from this service right now


def send_result_by_text(
    tx: Transaction,
    phone: str | None,
    phone_hash_key: str,
    thread_id: int,
    inquiry_id: int,
    body: str,
) -> TextResult:
    """Queue ``body`` (the result in the call's language) to the caller, sent at once, on the
    call's inquiry; or say why not. Runs in the webhook's own transaction."""
    if phone is None:
        return TextResult.WITHHELD
    if calls.number_opted_out(tx, phone_key(phone, phone_hash_key)):
        return TextResult.OPTED_OUT
    return _queue(tx, phone, thread_id, inquiry_id, body)


def _queue(tx: Transaction, phone: str, thread_id: int, inquiry_id: int, body: str) -> TextResult:
    """THE ONE PLACE a caller's text joins the outbound path (texts the service starts: a row
    waiting to be sent, the send job queued at once, Twilio's answer mapped to a result).

    The outbound path is not part of this branch: until it is wired in here, no text is sent
    and the caller is told so honestly (``UNAVAILABLE``), never that a text is on its way.
    """
    return TextResult.UNAVAILABLE
