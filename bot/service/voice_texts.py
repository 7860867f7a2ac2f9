"""A caller's result sent to them by text (the voice menu's key 2): the voice side of it.

What voice can know on its own is checked here: a withheld caller id has nowhere to send to, and
a number that opted out of texts (STOP, on its text thread or remembered past a purge) is never
texted. Whether a number can take texts at all (a landline) only Twilio can say, when it is
asked to send; that answer comes back from the outbound path as ``NO_TEXTS``.

The text itself goes out through the service's one outbound path for texts the service starts
(``bot.service.outbound_texts``: the worker sends it, Twilio reports its delivery), queued to be
sent at once; ``_queue`` is the single place that stores it.
"""

from __future__ import annotations

from enum import StrEnum

from bot.service import events
from bot.storage import calls
from bot.storage import outbound_texts as texts
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
    """The one place a caller's text joins the outbound path of texts the service starts: a row
    waiting to be sent, due at once, written in the call's own transaction (the webhook's step
    is answered exactly once, so the text is stored exactly once). The worker is woken after
    the commit (``bot.service.calls.answer``); a lost wake-up loses nothing, as the sweep finds
    the row. The body is the result as a text gives it, within the language's segments."""
    texts.add_caller_text(tx, thread_id, inquiry_id, body)
    events.record_text("queued")
    return TextResult.QUEUED
