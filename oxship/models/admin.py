"""Feedback and reports, the admin audit log, and runs of periodic jobs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from oxship.kit.dbtypes import JSONDoc, UTCDateTime
from oxship.models.base import Base, IdMixin, TimestampMixin


class Feedback(IdMixin, TimestampMixin, Base):
    """A suggestion, improvement, contact message or report; status: pending | reviewed |
    resolved | dismissed."""

    __tablename__ = "feedback"

    user_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    feedback_type: Mapped[str] = mapped_column(String(12))
    message: Mapped[str] = mapped_column(Text)
    contact_email: Mapped[str | None] = mapped_column(String(320))
    report_reason: Mapped[str | None] = mapped_column(String(20))
    reported_project_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="SET NULL")
    )
    reported_user_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    admin_notes: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_feedback_type_status", "feedback_type", "status", "created_at"),)


class AdminAction(IdMixin, Base):
    """One admin action in the audit log (chain moderation logs are its `target_type='chain'` rows)."""

    __tablename__ = "admin_actions"

    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_admin_actions_created", "created_at"),
        Index("ix_admin_actions_target", "target_type", "target_id", "created_at"),
    )


class JobRun(Base):
    """A periodic job's run for one period: the primary key makes it run once per deployment."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(60), primary_key=True)
    period: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
