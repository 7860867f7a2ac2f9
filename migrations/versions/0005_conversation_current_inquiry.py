"""each conversation remembers its current inquiry, saving a query per message; staff find a
resident's checks by phone number through an index

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inquiry_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_conversation_phone", ["phone"], unique=False)


def downgrade():
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_phone")
        batch_op.drop_column("inquiry_id")
