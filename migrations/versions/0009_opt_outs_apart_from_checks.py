"""opt-outs kept apart from the checks: a purged conversation keeps no phone hash

Until now the purge erased a conversation's number but kept its keyed phone hash, linked to the
resident's checks (references, outcomes, dates): whoever had the key and a number could find
what that resident asked. Now a purged conversation keeps no hash; a number that had opted out
is kept in ``opt_out``, by its hash alone, linked to nothing.

Conversations the purge already erased (a hash and no number) are treated the same way here.
Going back puts each opt-out on a conversation of its own, with no checks, as the code before
this revision remembered them.

Revision ID: 0009
Revises: 0008
"""

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

conversation = sa.table(
    "conversation",
    sa.column("id", sa.Integer),
    sa.column("token", sa.String),
    sa.column("channel", sa.String),
    sa.column("phone", sa.String),
    sa.column("phone_hash", sa.String),
    sa.column("language", sa.String),
    sa.column("state", sa.JSON),
    sa.column("opted_out", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("texts_counted", sa.Integer),
)
purged = sa.and_(conversation.c.phone.is_(None), conversation.c.phone_hash.is_not(None))


def upgrade():
    opt_out = op.create_table(
        "opt_out",
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("phone_hash"),
    )
    bind = op.get_bind()
    opted_out = sa.select(conversation.c.phone_hash).where(
        purged, conversation.c.opted_out == sa.true()
    )
    bind.execute(opt_out.insert().from_select(["phone_hash"], opted_out))
    bind.execute(conversation.update().where(purged).values(phone_hash=None))


def downgrade():
    """Each opt-out on a conversation of its own again (a hash, no number, no checks)."""
    bind = op.get_bind()
    opt_out = sa.table("opt_out", sa.column("phone_hash", sa.String))
    taken = sa.select(conversation.c.phone_hash).where(conversation.c.phone_hash.is_not(None))
    hashes = bind.execute(
        sa.select(opt_out.c.phone_hash).where(opt_out.c.phone_hash.not_in(taken))
    ).scalars()
    now = datetime.now(UTC)
    for phone_hash in list(hashes):
        bind.execute(
            conversation.insert().values(
                token=secrets.token_urlsafe(24),
                channel="sms",
                phone=None,
                phone_hash=phone_hash,
                language="en",
                state={},
                opted_out=True,
                created_at=now,
                updated_at=now,
                texts_counted=0,
            )
        )
    op.drop_table("opt_out")
