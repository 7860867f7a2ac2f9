"""staff identity: single sign-on links, second factor, account administration

Revision ID: 0011
Revises: 0010
"""

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: this revision is reserved so that the work landing in it keeps one chain."""


def downgrade() -> None:
    """Nothing to undo yet."""
