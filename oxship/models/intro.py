"""Introductions between investors and builders, in both directions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from oxship.kit.dbtypes import UTCDateTime
from oxship.models.base import Base, IdMixin, TimestampMixin

OPEN_REQUEST = sql_text("status IN ('pending', 'accepted')")
PENDING = sql_text("status = 'pending'")


class IntroRequest(IdMixin, TimestampMixin, Base):
    """Investor → builder about a project; one open (pending or accepted) per (investor, project).

    status: pending | accepted | declined | expired.
    """

    __tablename__ = "intro_requests"

    investor_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    builder_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE")
    )
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    decline_reason: Mapped[str | None] = mapped_column(Text)
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("conversations.id", ondelete="SET NULL")
    )
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index(
            "ux_intro_requests_open",
            "investor_id",
            "project_id",
            unique=True,
            postgresql_where=OPEN_REQUEST,
            sqlite_where=OPEN_REQUEST,
        ),
        Index("ix_intro_requests_builder", "builder_id", "status", "created_at"),
        Index("ix_intro_requests_investor", "investor_id", "status", "created_at"),
        Index("ix_intro_requests_expiry", "status", "created_at"),
    )


class Intro(IdMixin, TimestampMixin, Base):
    """Builder → investor about the builder's project; one pending per (requester, recipient, project).

    status: pending | accepted | declined | expired.
    """

    __tablename__ = "intros"

    requester_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE")
    )
    recipient_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE")
    )
    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE")
    )
    message: Mapped[str | None] = mapped_column(Text)
    requester_contact: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    contact_info: Mapped[str | None] = mapped_column(Text)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index(
            "ux_intros_pending",
            "requester_id",
            "recipient_id",
            "project_id",
            unique=True,
            postgresql_where=PENDING,
            sqlite_where=PENDING,
        ),
        Index("ix_intros_recipient", "recipient_id", "status", "created_at"),
        Index("ix_intros_requester", "requester_id", "status", "created_at"),
        Index("ix_intros_accepted", "status", "responded_at"),
    )
