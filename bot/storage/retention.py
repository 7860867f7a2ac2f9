"""Retention: after RETENTION_DAYS, personal content goes and only what counts remains.

Message bodies (the service's own texts too), answers, notes and phone numbers of inquiries
last active before the cut-off are erased. The inquiry rows stay (channel, outcome, office,
dates) so the figures still add up. A
conversation with nothing recent loses its number, its state and its keyed phone hash, so its
checks can no longer be tied to a number by anyone, key or not. A number that had opted out is
remembered in ``opt_out`` by its hash alone, linked to nothing, so nobody who texted STOP is
answered again; one that had opted back in is taken off it. The TwiML kept to answer a call's
repeated webhooks goes a day after the call began, whether or not Twilio reported its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, select, update

from bot.storage import calls, outbound_texts
from bot.storage.db import db, rows_updated
from bot.storage.models import Conversation, Inquiry, Message, OptOut
from bot.storage.transactions import transaction


@dataclass(frozen=True)
class Purged:
    inquiries: int
    messages: int
    conversations: int


def _erase_inquiries(cutoff: datetime) -> int:
    erased = 0
    for inquiry in db.session.scalars(select(Inquiry).where(Inquiry.updated_at < cutoff)):
        if inquiry.answers or inquiry.notes:
            inquiry.answers, inquiry.notes = {}, ""
            erased += 1
    return erased


def _remember_opt_out(phone_hash: str, opted_out: bool) -> None:
    """Keep the hash of a number that is opted out now; drop it for one that opted back in."""
    if not opted_out:
        db.session.execute(delete(OptOut).where(OptOut.phone_hash == phone_hash))
    elif db.session.get(OptOut, phone_hash) is None:
        db.session.add(OptOut(phone_hash=phone_hash))


def _erase_conversations(cutoff: datetime) -> int:
    """Forget the number, its hash and the state of conversations with nothing recent; an
    opt-out moves to ``opt_out``, with no link to the checks."""
    recent = exists().where(
        and_(Inquiry.conversation_id == Conversation.id, Inquiry.updated_at >= cutoff)
    )
    stale = db.session.scalars(
        select(Conversation).where(Conversation.updated_at < cutoff, ~recent)
    ).all()
    erased = 0
    for conversation in stale:
        if conversation.phone_hash is not None:
            _remember_opt_out(conversation.phone_hash, conversation.opted_out)
        if (
            conversation.phone is not None
            or conversation.phone_hash is not None
            or conversation.state
        ):
            conversation.phone, conversation.phone_hash, conversation.state = None, None, {}
            erased += 1
    return erased


def purge(now: datetime, retention_days: int) -> Purged:
    """Erase personal content older than the retention period, in one transaction."""
    cutoff = now - timedelta(days=retention_days)
    old = select(Inquiry.id).where(Inquiry.updated_at < cutoff)
    with transaction():
        calls.forget_steps_before(now - calls.STEPS_KEPT)
        messages = rows_updated(
            update(Message)
            .where(Message.inquiry_id.in_(old), Message.body.is_not(None))
            .values(body=None)
        ) + outbound_texts.erase_bodies(old)
        return Purged(_erase_inquiries(cutoff), messages, _erase_conversations(cutoff))
