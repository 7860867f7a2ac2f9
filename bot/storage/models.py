"""The stored records: conversations, inquiries (one check each), their messages, and opt-outs.

A conversation is one resident on one channel (a phone number, or a web chat id) and holds the
engine's state; each check it runs is an inquiry with its own reference; every message in or
out is kept with the inquiry it belongs to, so staff can read the whole thread. A number that
opted out is remembered past the purge of its conversation by its keyed hash alone (``OptOut``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.db import Base


def utcnow() -> datetime:
    return datetime.now(UTC)


class Conversation(Base):
    __tablename__ = "conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(32))  # a channel's declared name
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    opted_out: Mapped[bool] = mapped_column(default=False)
    # The check in progress (or last finished); kept here so a message needs no look-up.
    inquiry_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The per-phone rate limit: texts counted since the start of this minute, and when the one
    # "please slow down" reply of a stretch was sent. Counted in the message's own transaction.
    texts_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    texts_counted: Mapped[int] = mapped_column(default=0, server_default="0")
    slowed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The office's last text to this number, the check it was about, and when the resident's
    # answer to it was acknowledged: for seven days a text that is not a keyword goes to the
    # office (``bot.service.turns``), read with the thread in its one statement.
    office_texted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    office_inquiry_id: Mapped[int | None] = mapped_column()
    office_acked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    inquiries: Mapped[list[Inquiry]] = relationship(
        back_populates="conversation", order_by="Inquiry.id"
    )


class Inquiry(Base):
    __tablename__ = "inquiry"
    __table_args__ = (
        Index("ix_inquiry_office_created", "office", "created_at"),
        Index("ix_inquiry_conversation", "conversation_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"))
    channel: Mapped[str] = mapped_column(String(32))  # a channel's declared name
    language: Mapped[str] = mapped_column(String(8), default="en")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    outcome: Mapped[str | None] = mapped_column(String(16))
    reasons: Mapped[list[str] | None] = mapped_column(JSON)
    office: Mapped[str | None] = mapped_column(String(32))
    reference: Mapped[str | None] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="new")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Residents' answers to the office's texts that no staff member has opened yet.
    unread_replies: Mapped[int] = mapped_column(server_default="0")
    # A caller who pressed 4 outside the office's hours asked to be called back (voice).
    callback_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    conversation: Mapped[Conversation] = relationship(back_populates="inquiries")
    messages: Mapped[list[Message]] = relationship(back_populates="inquiry", order_by="Message.id")


class Message(Base):
    __tablename__ = "message"
    # Replies have no Twilio id and residents' texts answer nothing: those two are indexed only
    # where set, so a text does not rewrite an index page full of NULLs (migration 0007).
    __table_args__ = (
        Index("ix_message_conversation", "conversation_id", "id"),
        Index(
            "uq_message_twilio_sid",
            "twilio_sid",
            unique=True,
            sqlite_where=text("twilio_sid IS NOT NULL"),
            postgresql_where=text("twilio_sid IS NOT NULL"),
        ),
        Index(
            "ix_message_reply_to_id",
            "reply_to_id",
            sqlite_where=text("reply_to_id IS NOT NULL"),
            postgresql_where=text("reply_to_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"))
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # "in" from the resident, "out" from us
    body: Mapped[str | None] = mapped_column(Text)
    twilio_sid: Mapped[str | None] = mapped_column(String(64))
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # What Twilio reported for a reply: queued, sent, delivered, undelivered or failed.
    delivery_status: Mapped[str | None] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(16))
    status_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    inquiry: Mapped[Inquiry] = relationship(back_populates="messages")


class OptOut(Base):
    """A number that had opted out when the purge erased its conversation: its keyed hash
    (``PHONE_HASH_KEY``) and nothing else. No id, no date and no link to a conversation or a
    check, so nobody can tell from it what that resident asked, when, or what they were told.

    A new conversation from the number starts opted out (``bot.storage.conversations``); the
    next purge of that conversation keeps or removes the row by its opt-out then
    (``bot.storage.retention``).
    """

    __tablename__ = "opt_out"

    phone_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
