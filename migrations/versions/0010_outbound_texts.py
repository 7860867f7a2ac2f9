"""texts the service starts: outbound messages and their sending state

``outbound_text`` is the record of each text the service starts (staff, a caller, the
``send-text`` command): the row, not the job queue, says what is waiting to be sent. The
conversation remembers when the office last texted (a reply within seven days goes to the
office), the inquiry how many of those replies nobody has read yet, and ``send_pace`` holds the
next free moment to send, shared by every worker.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbound_text",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.Integer(), sa.ForeignKey("conversation.id"), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), sa.ForeignKey("inquiry.id"), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), sa.ForeignKey("staff_user.id"), nullable=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("error_code", sa.String(16), nullable=True),
        sa.Column("twilio_sid", sa.String(64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("send_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_outbound_text_inquiry", "outbound_text", ["inquiry_id", "id"])
    op.create_index("ix_outbound_text_conversation", "outbound_text", ["conversation_id"])
    op.create_index("ix_outbound_text_due", "outbound_text", ["status", "send_after"])
    with op.batch_alter_table("conversation") as batch:
        batch.add_column(sa.Column("office_texted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("office_inquiry_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("office_acked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("inquiry") as batch:
        batch.add_column(
            sa.Column("unread_replies", sa.Integer(), nullable=False, server_default="0")
        )
    pace = op.create_table(
        "send_pace",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("next_at", sa.Float(), nullable=False),
    )
    op.bulk_insert(pace, [{"id": 1, "next_at": 0.0}])


def downgrade() -> None:
    op.drop_table("send_pace")
    with op.batch_alter_table("inquiry") as batch:
        batch.drop_column("unread_replies")
    with op.batch_alter_table("conversation") as batch:
        batch.drop_column("office_acked_at")
        batch.drop_column("office_inquiry_id")
        batch.drop_column("office_texted_at")
    op.drop_index("ix_outbound_text_due", table_name="outbound_text")
    op.drop_index("ix_outbound_text_conversation", table_name="outbound_text")
    op.drop_index("ix_outbound_text_inquiry", table_name="outbound_text")
    op.drop_table("outbound_text")
