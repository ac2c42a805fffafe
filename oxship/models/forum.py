"""Chain posts (forum threads and replies) and the reactions on them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from oxship.kit.dbtypes import StringList, UTCDateTime
from oxship.models.base import Base, IdMixin, TimestampMixin

THREADS = sql_text("parent_id IS NULL")


class ChainPost(IdMixin, TimestampMixin, Base):
    """A thread (no parent, has a title) or a reply at any depth, in one chain."""

    __tablename__ = "chain_posts"

    chain_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("chains.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("chain_posts.id", ondelete="CASCADE")
    )
    title: Mapped[str | None] = mapped_column(String(300))
    content: Mapped[str] = mapped_column(Text)
    image_urls: Mapped[list[str]] = mapped_column(StringList, default=list)
    upvote_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    downvote_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    comment_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    total_replies: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    hot_score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    is_edited: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index(
            "ix_chain_posts_threads_hot",
            "chain_id",
            "is_pinned",
            "hot_score",
            postgresql_where=THREADS,
            sqlite_where=THREADS,
        ),
        Index(
            "ix_chain_posts_threads_active",
            "chain_id",
            "is_pinned",
            "last_activity_at",
            postgresql_where=THREADS,
            sqlite_where=THREADS,
        ),
        Index("ix_chain_posts_chain_created", "chain_id", "created_at"),
        Index("ix_chain_posts_parent_created", "parent_id", "created_at"),
        Index("ix_chain_posts_author", "author_id"),
    )


class ChainPostReaction(IdMixin, TimestampMixin, Base):
    """A user's upvote or downvote on a chain post: one per (user, post)."""

    __tablename__ = "chain_post_reactions"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    post_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("chain_posts.id", ondelete="CASCADE")
    )
    vote_type: Mapped[str] = mapped_column(String(8))

    __table_args__ = (
        UniqueConstraint("user_id", "post_id"),
        Index("ix_chain_post_reactions_post", "post_id"),
    )
