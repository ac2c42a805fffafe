"""Events (hackathons, conferences…), their entries and their subscribers."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from oxship.kit.dbtypes import StringList, UTCDateTime
from oxship.models.base import Base, IdMixin, TimestampMixin

# As the repositories' `Event.is_deleted.is_(False)` renders it: see oxship/models/project.py.
LIVE = sql_text("is_deleted IS false")
LIVE_SQLITE = sql_text("is_deleted IS 0")


class Event(IdMixin, TimestampMixin, Base):
    """An event organized by `creator_id`; `name_key` (lower-cased name) and `slug` are unique."""

    __tablename__ = "events"

    creator_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    description: Mapped[str] = mapped_column(Text)
    tagline: Mapped[str | None] = mapped_column(String(300))
    banner_url: Mapped[str | None] = mapped_column(String(2048))
    logo_url: Mapped[str | None] = mapped_column(String(2048))
    event_type: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[datetime] = mapped_column(UTCDateTime)
    end_date: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str | None] = mapped_column(String(200))
    website_url: Mapped[str | None] = mapped_column(String(2048))
    prize_pool: Mapped[float | None] = mapped_column(Float)
    categories: Mapped[list[str]] = mapped_column(StringList, default=list)
    view_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    project_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    subscriber_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_featured: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    is_verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_events_start", "start_date", postgresql_where=LIVE, sqlite_where=LIVE_SQLITE),
        Index("ix_events_end", "end_date", postgresql_where=LIVE, sqlite_where=LIVE_SQLITE),
        Index("ix_events_creator", "creator_id"),
    )


class EventProject(Base):
    """A project entered in an event: one row per (event, project), with its results."""

    __tablename__ = "event_projects"

    event_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    track: Mapped[str | None] = mapped_column(String(100))
    prize: Mapped[str | None] = mapped_column(String(200))
    rank: Mapped[int | None] = mapped_column(Integer)
    is_winner: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    is_finalist: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    added_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_event_projects_project", "project_id"),
        Index("ix_event_projects_event_added", "event_id", "added_at"),
    )


class EventSubscriber(Base):
    """A user subscribed to an event: one row per (event, user)."""

    __tablename__ = "event_subscribers"

    event_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_event_subscribers_user", "user_id", "created_at"),)
