"""Validators: custom badge types, validator permissions and review assignments."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from oxship.kit.dbtypes import StringList, UTCDateTime
from oxship.models.base import Base, IdMixin, TimestampMixin


class BadgeType(IdMixin, Base):
    """A custom badge type defined by an admin (the five built-in types are not rows)."""

    __tablename__ = "badge_types"

    name: Mapped[str] = mapped_column(String(50), unique=True)
    points: Mapped[int] = mapped_column(Integer)
    icon_url: Mapped[str | None] = mapped_column(String(2048))
    color: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ValidatorProfile(TimestampMixin, Base):
    """What a validator (`users.is_validator`) may validate; one row per validator."""

    __tablename__ = "validator_profiles"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    can_validate_all: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    allowed_badge_types: Mapped[list[str]] = mapped_column(StringList, default=list)
    allowed_categories: Mapped[list[str]] = mapped_column(StringList, default=list)
    allowed_project_ids: Mapped[list[str]] = mapped_column(StringList, default=list)
    added_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )


class ValidatorAssignment(IdMixin, TimestampMixin, Base):
    """A project assigned to a validator for review: one per (validator, project)."""

    __tablename__ = "validator_assignments"

    validator_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE")
    )
    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE")
    )
    # pending | in_review | validated | completed | rejected
    status: Mapped[str] = mapped_column(String(12), default="pending", server_default="pending")
    # urgent | high | normal | low, stored with its rank (0 = urgent) so lists sort by index
    priority: Mapped[str] = mapped_column(String(8), default="normal", server_default="normal")
    priority_rank: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    notes: Mapped[str | None] = mapped_column(Text)
    assigned_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )

    __table_args__ = (
        UniqueConstraint("validator_id", "project_id"),
        Index("ix_validator_assignments_dashboard", "validator_id", "priority_rank", "created_at"),
        Index("ix_validator_assignments_project", "project_id"),
    )
