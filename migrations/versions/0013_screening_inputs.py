"""bulk screening of several input files and formats

Revision ID: 0013
Revises: 0012
"""

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: this revision is reserved so that the work landing in it keeps one chain."""


def downgrade() -> None:
    """Nothing to undo yet."""
