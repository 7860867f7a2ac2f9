"""texts the service starts: outbound messages and their sending state

Revision ID: 0010
Revises: 0009
"""

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: this revision is reserved so that the work landing in it keeps one chain."""


def downgrade() -> None:
    """Nothing to undo yet."""
