"""voice calls: call records beside the conversations

Each phone call is a conversation of its own (``conversation.phone`` set for staff, no
``phone_hash``: that one still finds a number's one text thread), tied to Twilio's ``CallSid``
by a ``voice_call`` row. ``voice_step`` keeps the TwiML each webhook of a call got, so a repeat
gets the same answer. An inquiry notes when its caller asked to be called back.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "voice_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("silences", sa.Integer(), server_default="0", nullable=False),
        sa.Column("misses", sa.Integer(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_sid"),
    )
    op.create_index("ix_voice_call_conversation_id", "voice_call", ["conversation_id"])
    op.create_table(
        "voice_step",
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("twiml", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["voice_call.id"]),
        sa.PrimaryKeyConstraint("call_id", "step"),
    )
    with op.batch_alter_table("inquiry") as batch:
        batch.add_column(sa.Column("callback_requested_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("inquiry") as batch:
        batch.drop_column("callback_requested_at")
    op.drop_table("voice_step")
    op.drop_index("ix_voice_call_conversation_id", table_name="voice_call")
    op.drop_table("voice_call")
