"""Retention: after RETENTION_DAYS, personal content goes and only what counts remains.

Message bodies (the service's own texts too), answers, notes, phone numbers and Twilio's ids
of inquiries last active before the cut-off are erased (Twilio's logs tie its ids to the
number). The inquiry rows stay (channel, outcome, office, dates) so the figures still add up. A
conversation with nothing recent loses its number, its state, its keyed phone hash and its
opt-out, so its checks can no longer be tied to a number by anyone, key or not. A number that
had opted out is remembered in ``opt_out`` by its hash alone, linked to nothing and written in
the order of the hashes, so nobody who texted STOP is answered again; one that had opted back
in is taken off it. The TwiML kept to answer a call's repeated webhooks goes a day after the
call began, whether or not Twilio reported its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, or_, select, update

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


def _remember_opt_outs(opted_out: dict[str, bool]) -> None:
    """Keep the hash of each number that is opted out now; drop it for one that opted back in.

    New rows are added in the order of their hashes, not of the conversations they came from:
    a table's rows lie in the order they were written, and that order must not tell which
    erased conversation a hash belonged to."""
    for phone_hash in sorted(opted_out):
        if not opted_out[phone_hash]:
            db.session.execute(delete(OptOut).where(OptOut.phone_hash == phone_hash))
        elif db.session.get(OptOut, phone_hash) is None:
            db.session.add(OptOut(phone_hash=phone_hash))


def _erase_conversations(cutoff: datetime) -> int:
    """Forget the number, its hash, its state and its opt-out of conversations with nothing
    recent; an opt-out moves to ``opt_out``, with no link to the checks. Calls keep no Twilio
    id either: Twilio's own logs tie a call's id to the number."""
    recent = exists().where(
        and_(Inquiry.conversation_id == Conversation.id, Inquiry.updated_at >= cutoff)
    )
    is_stale = and_(Conversation.updated_at < cutoff, ~recent)
    stale = db.session.scalars(select(Conversation).where(is_stale)).all()
    opted_out = {c.phone_hash: c.opted_out for c in stale if c.phone_hash is not None}
    erased = 0
    for conversation in stale:
        if (
            conversation.phone is not None
            or conversation.phone_hash is not None
            or conversation.state
            or conversation.opted_out
        ):
            conversation.phone, conversation.phone_hash, conversation.state = None, None, {}
            conversation.opted_out = False
            erased += 1
    _remember_opt_outs(opted_out)
    calls.forget_call_ids(select(Conversation.id).where(is_stale))
    return erased


def purge(now: datetime, retention_days: int) -> Purged:
    """Erase personal content older than the retention period, in one transaction."""
    cutoff = now - timedelta(days=retention_days)
    old = select(Inquiry.id).where(Inquiry.updated_at < cutoff)
    with transaction():
        calls.forget_steps_before(now - calls.STEPS_KEPT)
        messages = rows_updated(
            update(Message)
            .where(
                Message.inquiry_id.in_(old),
                or_(Message.body.is_not(None), Message.twilio_sid.is_not(None)),
            )
            .values(body=None, twilio_sid=None)  # Twilio's logs tie its id to the number
        ) + outbound_texts.erase_bodies(old)
        return Purged(_erase_inquiries(cutoff), messages, _erase_conversations(cutoff))
