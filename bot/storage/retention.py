"""Retention: after RETENTION_DAYS, personal content goes and only what counts remains.

Message bodies, answers, notes and phone numbers of inquiries last active before the cut-off are
erased. The inquiry rows stay (channel, outcome, office, dates) so the figures still add up, and
a conversation keeps its keyed phone hash and opt-out, so nobody who texted STOP is texted again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select, update

from bot.storage.db import db, rows_updated
from bot.storage.models import Conversation, Inquiry, Message
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


def _erase_conversations(cutoff: datetime) -> int:
    """Forget the number and the state of conversations with nothing recent; keep the opt-out."""
    recent = exists().where(
        and_(Inquiry.conversation_id == Conversation.id, Inquiry.updated_at >= cutoff)
    )
    erased = 0
    for conversation in db.session.scalars(
        select(Conversation).where(Conversation.updated_at < cutoff, ~recent)
    ):
        if conversation.phone is not None or conversation.state:
            conversation.phone, conversation.state = None, {}  # the opt-out has its own column
            erased += 1
    return erased


def purge(now: datetime, retention_days: int) -> Purged:
    """Erase personal content older than the retention period, in one transaction."""
    cutoff = now - timedelta(days=retention_days)
    old = select(Inquiry.id).where(Inquiry.updated_at < cutoff)
    with transaction():
        messages = rows_updated(
            update(Message)
            .where(Message.inquiry_id.in_(old), Message.body.is_not(None))
            .values(body=None)
        )
        return Purged(_erase_inquiries(cutoff), messages, _erase_conversations(cutoff))
