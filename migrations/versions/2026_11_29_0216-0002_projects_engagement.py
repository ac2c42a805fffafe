"""projects and engagement

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 02:16:48.393864
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import oxship.kit.dbtypes

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "projects",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("tagline", sa.String(length=300), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("project_story", sa.Text(), nullable=True),
        sa.Column("inspiration", sa.Text(), nullable=True),
        sa.Column("market_comparison", sa.Text(), nullable=True),
        sa.Column("novelty_factor", sa.Text(), nullable=True),
        sa.Column("pitch_deck_url", sa.String(length=2048), nullable=True),
        sa.Column("demo_url", sa.String(length=2048), nullable=True),
        sa.Column("github_url", sa.String(length=2048), nullable=True),
        sa.Column("hackathon_name", sa.String(length=200), nullable=True),
        sa.Column("hackathon_date", sa.Date(), nullable=True),
        sa.Column(
            "hackathons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("categories", oxship.kit.dbtypes.StringList(), nullable=False),
        sa.Column("tech_stack", oxship.kit.dbtypes.StringList(), nullable=False),
        sa.Column(
            "team_members",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("proof_score", sa.Float(), server_default="0", nullable=False),
        sa.Column("verification_score", sa.Float(), server_default="0", nullable=False),
        sa.Column("community_score", sa.Float(), server_default="0", nullable=False),
        sa.Column("validation_score", sa.Float(), server_default="0", nullable=False),
        sa.Column("quality_score", sa.Float(), server_default="0", nullable=False),
        sa.Column(
            "score_breakdown",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("trending_score", sa.Float(), server_default="0", nullable=False),
        sa.Column("upvotes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("downvotes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("comment_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("view_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("share_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("save_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("badge_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("badge_points", sa.Integer(), server_default="0", nullable=False),
        sa.Column("screenshot_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("intro_request_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("is_featured", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("featured_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("featured_by", sa.Uuid(), nullable=True),
        sa.Column("is_deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("deleted_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["featured_by"],
            ["users.id"],
            name=op.f("fk_projects_featured_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_projects_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
    )
    op.create_index(
        "ix_projects_created",
        "projects",
        ["created_at"],
        unique=False,
        postgresql_where=sa.text("is_deleted = false"),
        sqlite_where=sa.text("is_deleted = false"),
    )
    op.create_index(
        "ix_projects_featured",
        "projects",
        ["featured_at"],
        unique=False,
        postgresql_where=sa.text("is_featured AND is_deleted = false"),
        sqlite_where=sa.text("is_featured AND is_deleted = false"),
    )
    op.create_index(
        "ix_projects_proof",
        "projects",
        ["proof_score"],
        unique=False,
        postgresql_where=sa.text("is_deleted = false"),
        sqlite_where=sa.text("is_deleted = false"),
    )
    op.create_index(
        "ix_projects_trending",
        "projects",
        ["trending_score"],
        unique=False,
        postgresql_where=sa.text("is_deleted = false"),
        sqlite_where=sa.text("is_deleted = false"),
    )
    op.create_index("ix_projects_user_created", "projects", ["user_id", "created_at"], unique=False)
    op.create_index(
        "ix_projects_votes",
        "projects",
        [sa.literal_column("(upvotes + downvotes)")],
        unique=False,
        postgresql_where=sa.text("is_deleted = false"),
        sqlite_where=sa.text("is_deleted = false"),
    )
    op.create_table(
        "badges",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("validator_id", sa.Uuid(), nullable=False),
        sa.Column("badge_type", sa.String(length=50), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("created_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_badges_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["validator_id"],
            ["users.id"],
            name=op.f("fk_badges_validator_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badges")),
        sa.UniqueConstraint(
            "validator_id", "project_id", name=op.f("uq_badges_validator_id_project_id")
        ),
    )
    op.create_index("ix_badges_project", "badges", ["project_id"], unique=False)
    op.create_index("ix_badges_type_project", "badges", ["badge_type", "project_id"], unique=False)
    op.create_table(
        "comments",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("upvotes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("downvotes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("reply_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("is_edited", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("deleted_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["comments.id"],
            name=op.f("fk_comments_parent_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_comments_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_comments_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    op.create_index(
        "ix_comments_parent_created", "comments", ["parent_id", "created_at"], unique=False
    )
    op.create_index(
        "ix_comments_project_parent_created",
        "comments",
        ["project_id", "parent_id", "created_at"],
        unique=False,
    )
    op.create_index("ix_comments_user", "comments", ["user_id"], unique=False)
    op.create_table(
        "project_screenshots",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("order_index", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_screenshots_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_screenshots")),
        sa.UniqueConstraint(
            "project_id", "order_index", name=op.f("uq_project_screenshots_project_id_order_index")
        ),
    )
    op.create_table(
        "project_tags",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("tag", sa.String(length=200), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_tags_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("kind", "tag", "project_id", name=op.f("pk_project_tags")),
    )
    op.create_index("ix_project_tags_project", "project_tags", ["project_id"], unique=False)
    op.create_table(
        "project_updates",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("update_type", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("color", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_updates_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_project_updates_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_updates")),
    )
    op.create_index(
        "ix_project_updates_project_created",
        "project_updates",
        ["project_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "project_views",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("viewer_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_views_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "viewer_key", name=op.f("pk_project_views")),
    )
    op.create_table(
        "saved_projects",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_saved_projects_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_saved_projects_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "project_id", name=op.f("pk_saved_projects")),
    )
    op.create_index(
        "ix_saved_projects_user_created", "saved_projects", ["user_id", "created_at"], unique=False
    )
    op.create_table(
        "votes",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("vote_type", sa.String(length=4), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_votes_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_votes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_votes")),
        sa.UniqueConstraint("user_id", "project_id", name=op.f("uq_votes_user_id_project_id")),
    )
    op.create_index("ix_votes_project", "votes", ["project_id"], unique=False)
    op.create_index("ix_votes_user_created", "votes", ["user_id", "created_at"], unique=False)
    op.create_table(
        "comment_votes",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("comment_id", sa.Uuid(), nullable=False),
        sa.Column("vote_type", sa.String(length=4), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_comment_votes_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_comment_votes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_votes")),
        sa.UniqueConstraint(
            "user_id", "comment_id", name=op.f("uq_comment_votes_user_id_comment_id")
        ),
    )
    op.create_table(
        "notifications",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("comment_id", sa.Uuid(), nullable=True),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("group_key", sa.String(length=120), nullable=True),
        sa.Column("count", sa.Integer(), server_default="1", nullable=False),
        sa.Column("is_read", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("read_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", oxship.kit.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_notifications_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_notifications_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_notifications_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index(
        "ix_notifications_user_group",
        "notifications",
        ["user_id", "group_key", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_notifications_user_unread",
        "notifications",
        ["user_id"],
        unique=False,
        postgresql_where=sa.text("is_read = false"),
        sqlite_where=sa.text("is_read = false"),
    )
    op.create_index(
        "ix_notifications_user_updated", "notifications", ["user_id", "updated_at"], unique=False
    )


def downgrade() -> None:

    op.drop_index("ix_notifications_user_updated", table_name="notifications")
    op.drop_index(
        "ix_notifications_user_unread",
        table_name="notifications",
        postgresql_where=sa.text("is_read = false"),
        sqlite_where=sa.text("is_read = false"),
    )
    op.drop_index("ix_notifications_user_group", table_name="notifications")
    op.drop_table("notifications")
    op.drop_table("comment_votes")
    op.drop_index("ix_votes_user_created", table_name="votes")
    op.drop_index("ix_votes_project", table_name="votes")
    op.drop_table("votes")
    op.drop_index("ix_saved_projects_user_created", table_name="saved_projects")
    op.drop_table("saved_projects")
    op.drop_table("project_views")
    op.drop_index("ix_project_updates_project_created", table_name="project_updates")
    op.drop_table("project_updates")
    op.drop_index("ix_project_tags_project", table_name="project_tags")
    op.drop_table("project_tags")
    op.drop_table("project_screenshots")
    op.drop_index("ix_comments_user", table_name="comments")
    op.drop_index("ix_comments_project_parent_created", table_name="comments")
    op.drop_index("ix_comments_parent_created", table_name="comments")
    op.drop_table("comments")
    op.drop_index("ix_badges_type_project", table_name="badges")
    op.drop_index("ix_badges_project", table_name="badges")
    op.drop_table("badges")
    op.drop_index(
        "ix_projects_votes",
        table_name="projects",
        postgresql_where=sa.text("is_deleted = false"),
        sqlite_where=sa.text("is_deleted = false"),
    )
    op.drop_index("ix_projects_user_created", table_name="projects")
    op.drop_index(
        "ix_projects_trending",
        table_name="projects",
        postgresql_where=sa.text("is_deleted = false"),
        sqlite_where=sa.text("is_deleted = false"),
    )
    op.drop_index(
        "ix_projects_proof",
        table_name="projects",
        postgresql_where=sa.text("is_deleted = false"),
        sqlite_where=sa.text("is_deleted = false"),
    )
    op.drop_index(
        "ix_projects_featured",
        table_name="projects",
        postgresql_where=sa.text("is_featured AND is_deleted = false"),
        sqlite_where=sa.text("is_featured AND is_deleted = false"),
    )
    op.drop_index(
        "ix_projects_created",
        table_name="projects",
        postgresql_where=sa.text("is_deleted = false"),
        sqlite_where=sa.text("is_deleted = false"),
    )
    op.drop_table("projects")
