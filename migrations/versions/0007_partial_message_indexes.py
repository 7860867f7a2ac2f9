"""partial indexes on a message's Twilio id and the message it answers

Replies have no Twilio id and residents' texts answer nothing, so with the NULLs left out of
those two indexes a text no longer rewrites two index pages full of NULLs.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SET_SID = sa.text("twilio_sid IS NOT NULL")
SET_REPLY = sa.text("reply_to_id IS NOT NULL")
# SQLite's unique constraint from 0001 has no name of its own; PostgreSQL calls it this.
NAMES = {"uq": "%(table_name)s_%(column_0_name)s_key"}


def upgrade():
    with op.batch_alter_table("message", naming_convention=NAMES) as batch_op:
        batch_op.drop_constraint("message_twilio_sid_key", type_="unique")
        batch_op.drop_index("ix_message_reply_to_id")
    op.create_index(
        "uq_message_twilio_sid",
        "message",
        ["twilio_sid"],
        unique=True,
        sqlite_where=SET_SID,
        postgresql_where=SET_SID,
    )
    op.create_index(
        "ix_message_reply_to_id",
        "message",
        ["reply_to_id"],
        sqlite_where=SET_REPLY,
        postgresql_where=SET_REPLY,
    )


def downgrade():
    op.drop_index("ix_message_reply_to_id", table_name="message")
    op.drop_index("uq_message_twilio_sid", table_name="message")
    with op.batch_alter_table("message") as batch_op:
        batch_op.create_unique_constraint("message_twilio_sid_key", ["twilio_sid"])
        batch_op.create_index("ix_message_reply_to_id", ["reply_to_id"])
