"""voice calls: call records beside the conversations

Revision ID: 0012
Revises: 0011
"""

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: this revision is reserved so that the work landing in it keeps one chain."""


def downgrade() -> None:
    """Nothing to undo yet."""
