"""foundation: users, sessions, tokens, mail outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-29 01:52:29.488076
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import oxship.kit.dbtypes

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "mail_outbox",
        sa.Column("to", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index(op.f("ix_mail_outbox_created_at"), "mail_outbox", ["created_at"], unique=False)
    op.create_table(
        "users",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("username", sa.String(length=30), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("avatar_url", sa.String(length=2048), nullable=True),
        sa.Column("bio", sa.String(length=500), nullable=True),
        sa.Column("location", sa.String(length=100), nullable=True),
        sa.Column("karma", sa.Float(), server_default="0", nullable=False),
        sa.Column("project_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("badge_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("is_admin", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("is_validator", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("is_investor", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("email_verified", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("has_oxcert", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("github_connected", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("github_username", sa.String(length=100), nullable=True),
        sa.Column("wallet_address", sa.String(length=42), nullable=True),
        sa.Column("banned_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ban_reason", sa.Text(), nullable=True),
        sa.Column("deleted_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
        sa.UniqueConstraint("wallet_address", name=op.f("uq_users_wallet_address")),
    )
    op.create_index("ix_users_karma", "users", ["karma"], unique=False)
    op.create_table(
        "auth_sessions",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("refresh_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("refreshed_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_auth_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
    )
    op.create_index(op.f("ix_auth_sessions_user_id"), "auth_sessions", ["user_id"], unique=False)
    op.create_table(
        "one_time_tokens",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_one_time_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_time_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_one_time_tokens_token_hash")),
    )
    op.create_index(
        op.f("ix_one_time_tokens_user_id"), "one_time_tokens", ["user_id"], unique=False
    )


def downgrade() -> None:

    op.drop_index(op.f("ix_one_time_tokens_user_id"), table_name="one_time_tokens")
    op.drop_table("one_time_tokens")
    op.drop_index(op.f("ix_auth_sessions_user_id"), table_name="auth_sessions")
    op.drop_table("auth_sessions")
    op.drop_index("ix_users_karma", table_name="users")
    op.drop_table("users")
    op.drop_index(op.f("ix_mail_outbox_created_at"), table_name="mail_outbox")
    op.drop_table("mail_outbox")
