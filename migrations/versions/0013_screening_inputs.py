"""bulk screening of several input files and formats

A job knows its format, how many files it read and when its run started. ``input_format`` is
``csv`` (ours) or ``doj`` (the DOJ research file, whose results download is a zip holding the
results, the court copy and the condensed list); ``files`` how many files were uploaded as one
run; ``started_at`` when a worker took the job, so pages can show rows a second and the time
left.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("screening_job") as batch_op:
        batch_op.add_column(
            sa.Column("input_format", sa.String(8), nullable=False, server_default="csv")
        )
        batch_op.add_column(sa.Column("files", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("screening_job") as batch_op:
        batch_op.drop_column("started_at")
        batch_op.drop_column("files")
        batch_op.drop_column("input_format")
