"""Chains (communities) and their followers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from oxship.kit.dbtypes import JSONDoc, StringList, UTCDateTime
from oxship.models.base import Base, IdMixin, TimestampMixin


class Chain(IdMixin, TimestampMixin, Base):
    """A community that collects projects; `name_key` (lower-cased name) and `slug` are unique."""

    __tablename__ = "chains"

    creator_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text)
    banner_url: Mapped[str | None] = mapped_column(String(2048))
    logo_url: Mapped[str | None] = mapped_column(String(2048))
    categories: Mapped[list[str]] = mapped_column(StringList, default=list)
    rules: Mapped[str | None] = mapped_column(Text)
    social_links: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    project_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    follower_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    view_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    post_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_featured: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    status: Mapped[str] = mapped_column(String(10), default="active", server_default="active")
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_chains_creator", "creator_id"),
        Index("ix_chains_created", "created_at"),
    )


class ChainFollower(Base):
    """A user following a chain: one row per (chain, user)."""

    __tablename__ = "chain_followers"

    chain_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("chains.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_chain_followers_user", "user_id", "created_at"),)


class ChainProject(Base):
    """A project in a chain: one row per (chain, project)."""

    __tablename__ = "chain_projects"

    chain_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("chains.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    added_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    __table_args__ = (
        Index("ix_chain_projects_project", "project_id"),
        Index("ix_chain_projects_chain_added", "chain_id", "is_pinned", "added_at"),
    )


PENDING = text("status = 'pending'")


class ChainProjectRequest(IdMixin, Base):
    """A request to add a project to a chain that requires approval; one pending per pair."""

    __tablename__ = "chain_project_requests"

    chain_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("chains.id", ondelete="CASCADE"))
    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE")
    )
    requested_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    message: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    reason: Mapped[str | None] = mapped_column(String(1000))
    decided_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index(
            "ux_chain_project_requests_pending",
            "chain_id",
            "project_id",
            unique=True,
            postgresql_where=PENDING,
            sqlite_where=PENDING,
        ),
        Index("ix_chain_project_requests_chain", "chain_id", "status", "created_at"),
    )
