"""Projects, their screenshots, filter tags, unique views, saves and updates."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from oxship.kit.dbtypes import JSONDoc, StringList, UTCDateTime
from oxship.models.base import Base, IdMixin, TimestampMixin

# Spelled as the repositories' `Project.is_deleted.is_(False)` renders (`IS false` on PostgreSQL,
# `IS 0` on SQLite): a planner uses a partial index only when the query implies its predicate, and
# PostgreSQL proves neither `IS false` ⇒ `= false` nor the reverse (tests/test_explain.py guards it).
LIVE = text("is_deleted IS false")
LIVE_SQLITE = text("is_deleted IS 0")
FEATURED = text("is_featured IS true AND is_deleted IS false")
FEATURED_SQLITE = text("is_featured IS 1 AND is_deleted IS 0")


class Project(IdMixin, TimestampMixin, Base):
    """A hackathon project with its denormalized counters and stored scores."""

    __tablename__ = "projects"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    tagline: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    project_story: Mapped[str | None] = mapped_column(Text)
    inspiration: Mapped[str | None] = mapped_column(Text)
    market_comparison: Mapped[str | None] = mapped_column(Text)
    novelty_factor: Mapped[str | None] = mapped_column(Text)
    pitch_deck_url: Mapped[str | None] = mapped_column(String(2048))
    demo_url: Mapped[str | None] = mapped_column(String(2048))
    github_url: Mapped[str | None] = mapped_column(String(2048))
    hackathon_name: Mapped[str | None] = mapped_column(String(200))
    hackathon_date: Mapped[date | None] = mapped_column(Date)
    hackathons: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
    categories: Mapped[list[str]] = mapped_column(StringList, default=list)
    tech_stack: Mapped[list[str]] = mapped_column(StringList, default=list)
    team_members: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
    proof_score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    verification_score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    community_score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    validation_score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    quality_score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    score_breakdown: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    trending_score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    upvotes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    downvotes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    comment_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    view_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    share_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    save_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    badge_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    badge_points: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    screenshot_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    intro_request_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_featured: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    featured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    featured_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index(
            "ix_projects_trending",
            "trending_score",
            postgresql_where=LIVE,
            sqlite_where=LIVE_SQLITE,
        ),
        Index("ix_projects_created", "created_at", postgresql_where=LIVE, sqlite_where=LIVE_SQLITE),
        Index("ix_projects_proof", "proof_score", postgresql_where=LIVE, sqlite_where=LIVE_SQLITE),
        Index(
            "ix_projects_votes",
            text("(upvotes + downvotes)"),
            postgresql_where=LIVE,
            sqlite_where=LIVE_SQLITE,
        ),
        Index("ix_projects_user_created", "user_id", "created_at"),
        Index(
            "ix_projects_featured",
            "featured_at",
            postgresql_where=FEATURED,
            sqlite_where=FEATURED_SQLITE,
        ),
    )


class ProjectScreenshot(IdMixin, Base):
    """One screenshot URL of a project, in display order."""

    __tablename__ = "project_screenshots"

    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE")
    )
    url: Mapped[str] = mapped_column(String(2048))
    order_index: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("project_id", "order_index"),)


class ProjectTag(Base):
    """A lower-cased category, tech or hackathon name of a project, for indexed filtering."""

    __tablename__ = "project_tags"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    tag: Mapped[str] = mapped_column(String(200), primary_key=True)
    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_project_tags_project", "project_id"),)


class ProjectView(Base):
    """One counted view: per user, per anonymous session id, or per anonymous IP and day."""

    __tablename__ = "project_views"

    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    viewer_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SavedProject(Base):
    """A project a user bookmarked."""

    __tablename__ = "saved_projects"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_saved_projects_user_created", "user_id", "created_at"),)


class ProjectUpdate(IdMixin, TimestampMixin, Base):
    """A news item posted by a project's owner (milestone, funding, win…)."""

    __tablename__ = "project_updates"

    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    update_type: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    extra: Mapped[dict[str, Any]] = mapped_column("metadata", JSONDoc, default=dict)
    color: Mapped[str] = mapped_column(String(16))

    __table_args__ = (Index("ix_project_updates_project_created", "project_id", "created_at"),)
