"""Votes, comments, comment votes, badges and notifications."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from oxship.kit.dbtypes import JSONDoc, UTCDateTime
from oxship.models.base import Base, IdMixin, TimestampMixin


class Vote(IdMixin, TimestampMixin, Base):
    """A user's up or down vote on a project: one per (user, project)."""

    __tablename__ = "votes"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE")
    )
    vote_type: Mapped[str] = mapped_column(String(4))

    __table_args__ = (
        UniqueConstraint("user_id", "project_id"),
        Index("ix_votes_project", "project_id"),
        Index("ix_votes_user_created", "user_id", "created_at"),
    )


class Comment(IdMixin, TimestampMixin, Base):
    """A comment on a project, or a reply to one (any depth)."""

    __tablename__ = "comments"

    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("comments.id", ondelete="CASCADE")
    )
    content: Mapped[str] = mapped_column(Text)
    upvotes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    downvotes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reply_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    is_edited: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_comments_project_parent_created", "project_id", "parent_id", "created_at"),
        Index("ix_comments_parent_created", "parent_id", "created_at"),
        Index("ix_comments_user", "user_id"),
    )


class CommentVote(IdMixin, TimestampMixin, Base):
    """A user's vote on a comment: one per (user, comment)."""

    __tablename__ = "comment_votes"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    comment_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("comments.id", ondelete="CASCADE")
    )
    vote_type: Mapped[str] = mapped_column(String(4))

    __table_args__ = (UniqueConstraint("user_id", "comment_id"),)


class Badge(IdMixin, Base):
    """A badge a validator awarded to a project: one per (validator, project)."""

    __tablename__ = "badges"

    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE")
    )
    validator_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE")
    )
    badge_type: Mapped[str] = mapped_column(String(50))
    points: Mapped[int] = mapped_column(Integer)
    rationale: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("validator_id", "project_id"),
        Index("ix_badges_project", "project_id"),
        Index("ix_badges_type_project", "badge_type", "project_id"),
    )


class Notification(IdMixin, TimestampMixin, Base):
    """A notification for one user; coalesced ones are updated in place (count, message)."""

    __tablename__ = "notifications"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE")
    )
    comment_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("comments.id", ondelete="CASCADE")
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    group_key: Mapped[str | None] = mapped_column(String(120))
    count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    is_read: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_notifications_user_updated", "user_id", "updated_at"),
        Index(
            "ix_notifications_user_unread",
            "user_id",
            # as `Notification.is_read.is_(False)` renders: see oxship/models/project.py
            postgresql_where=sql_text("is_read IS false"),
            sqlite_where=sql_text("is_read IS 0"),
        ),
        Index("ix_notifications_user_group", "user_id", "group_key", "created_at"),
    )
