"""staff identity: single sign-on links, second factor, account administration

Accounts may sign in through the county's identity provider (linked by issuer and subject) or
with a password and a TOTP second factor; sessions are kept on the server so that signing out
ends every copy of one; failed sign-ins are counted in the database, shared by every worker; the
audit trail becomes one HMAC chain with an anchor.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_user") as batch:
        batch.alter_column("password_hash", existing_type=sa.String(255), nullable=True)
        batch.drop_column("session_version")
        batch.add_column(sa.Column("oidc_issuer", sa.String(255), nullable=True))
        batch.add_column(sa.Column("oidc_subject", sa.String(255), nullable=True))
        batch.add_column(sa.Column("totp_secret", sa.String(64), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("password_link_hash", sa.String(64), nullable=True))
        batch.add_column(
            sa.Column("password_link_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.create_unique_constraint("uq_staff_user_oidc", ["oidc_issuer", "oidc_subject"])
        batch.create_unique_constraint("uq_staff_user_password_link", ["password_link_hash"])

    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_recovery_code_user_id", "recovery_code", ["user_id"])

    op.create_table(
        "staff_session",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id_token", sa.Text(), nullable=True),
        sa.Column("pending_secret", sa.String(64), nullable=True),
        sa.Column("next_page", sa.String(512), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staff_session_user_id", "staff_session", ["user_id"])

    op.create_table(
        "sign_in_limit",
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )

    with op.batch_alter_table("audit_event") as batch:
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("action", existing_type=sa.String(16), type_=sa.String(32))
        batch.add_column(sa.Column("target_user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("mac", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_audit_event_seq", ["seq"])

    anchor = op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("after_seq", sa.BigInteger(), nullable=False),
        sa.Column("after_mac", sa.String(64), nullable=False),
        sa.Column("head_seq", sa.BigInteger(), nullable=False),
        sa.Column("head_mac", sa.String(64), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # Not sealed yet (mac ""): the first entry appended with AUDIT_KEY chains the older ones.
    op.bulk_insert(
        anchor,
        [{"id": 1, "after_seq": 0, "after_mac": "", "head_seq": 0, "head_mac": "", "mac": ""}],
    )


def downgrade() -> None:
    op.drop_table("audit_anchor")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_constraint("uq_audit_event_seq", type_="unique")
        batch.drop_column("mac")
        batch.drop_column("seq")
        batch.drop_column("target_user_id")
        batch.alter_column("action", existing_type=sa.String(32), type_=sa.String(16))
    op.drop_table("sign_in_limit")
    op.drop_index("ix_staff_session_user_id", table_name="staff_session")
    op.drop_table("staff_session")
    op.drop_index("ix_recovery_code_user_id", table_name="recovery_code")
    op.drop_table("recovery_code")
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_constraint("uq_staff_user_password_link", type_="unique")
        batch.drop_constraint("uq_staff_user_oidc", type_="unique")
        for column in (
            "password_link_expires_at",
            "password_link_hash",
            "totp_last_step",
            "totp_secret",
            "oidc_subject",
            "oidc_issuer",
        ):
            batch.drop_column(column)
        batch.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="1")
        )
