"""a conversation's state keeps only the engine's progress; channel names up to 32 characters

The language and the opt-out have their own columns on the conversation, and the answers and
the reference live on the inquiry; the copies inside ``conversation.state`` are dropped, so each
fact is stored, and erased by the purge, in one place. A channel is named by its own module, so
its name is no longer held to eight characters.

Revision ID: 0008
Revises: 0007
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

PROGRESS = ("started", "history", "question", "done")
conversation = sa.table(
    "conversation",
    sa.column("id", sa.Integer),
    sa.column("state", sa.JSON),
    sa.column("language", sa.String),
    sa.column("opted_out", sa.Boolean),
    sa.column("inquiry_id", sa.Integer),
)
inquiry = sa.table(
    "inquiry",
    sa.column("id", sa.Integer),
    sa.column("conversation_id", sa.Integer),
    sa.column("answers", sa.JSON),
    sa.column("reference", sa.String),
)


def _loaded(value):
    return json.loads(value) if isinstance(value, str) else (value or {})


def _channel_width(width):
    for table in ("conversation", "inquiry"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("channel", type_=sa.String(width), existing_nullable=False)


def upgrade():
    _channel_width(32)
    bind = op.get_bind()
    # Threads from before each conversation remembered its current inquiry get it now, so the
    # hot path never has to look for it.
    latest = (
        sa.select(sa.func.max(inquiry.c.id))
        .where(inquiry.c.conversation_id == conversation.c.id)
        .scalar_subquery()
    )
    bind.execute(
        conversation.update().where(conversation.c.inquiry_id.is_(None)).values(inquiry_id=latest)
    )
    for row in bind.execute(sa.select(conversation.c.id, conversation.c.state)).mappings():
        state = _loaded(row["state"])
        progress = {key: state[key] for key in PROGRESS if key in state}
        if progress != state:
            bind.execute(
                conversation.update()
                .where(conversation.c.id == row["id"])
                .values(state=progress)
            )


def downgrade():
    """Copy the facts back into the state, as the code before this revision read them."""
    _channel_width(8)
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            conversation.c.id,
            conversation.c.state,
            conversation.c.language,
            conversation.c.opted_out,
            inquiry.c.answers,
            inquiry.c.reference,
        ).select_from(
            conversation.outerjoin(inquiry, inquiry.c.id == conversation.c.inquiry_id)
        )
    ).mappings()
    for row in list(rows):
        state = _loaded(row["state"])
        if not state:
            state = {"opted_out": bool(row["opted_out"])} if row["opted_out"] else {}
        else:
            state.update(
                language=row["language"],
                opted_out=bool(row["opted_out"]),
                answers=_loaded(row["answers"]),
                reference=row["reference"],
            )
        bind.execute(
            conversation.update().where(conversation.c.id == row["id"]).values(state=state)
        )
