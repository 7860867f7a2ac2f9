"""each SMS conversation counts its texts per minute

The per-phone rate limit is checked in the transaction that already holds the row: no store
round trip per text, and exact across workers.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("texts_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("texts_counted", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("slowed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("slowed_at")
        batch_op.drop_column("texts_counted")
        batch_op.drop_column("texts_since")
