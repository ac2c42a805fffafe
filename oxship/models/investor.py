"""Investor applications and profiles (an approved application is the public profile)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from oxship.kit.dbtypes import JSONDoc, StringList, UTCDateTime
from oxship.models.base import Base, IdMixin, TimestampMixin

OPEN_APPLICATION = sql_text("status IN ('pending', 'approved')")


class InvestorProfile(IdMixin, TimestampMixin, Base):
    """One investor application; at most one pending or approved per user (partial unique index).

    status: pending | approved | rejected | revoked. Directory = approved and `is_public`.
    """

    __tablename__ = "investor_profiles"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    investor_type: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    company_name: Mapped[str | None] = mapped_column(String(200))
    position_title: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    linkedin_url: Mapped[str | None] = mapped_column(String(2048))
    website_url: Mapped[str | None] = mapped_column(String(2048))
    twitter_url: Mapped[str | None] = mapped_column(String(2048))
    calendar_link: Mapped[str | None] = mapped_column(String(2048))
    bio: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    investment_thesis: Mapped[str | None] = mapped_column(Text)
    investment_stages: Mapped[list[str]] = mapped_column(StringList, default=list)
    industries: Mapped[list[str]] = mapped_column(StringList, default=list)
    geographic_focus: Mapped[list[str]] = mapped_column(StringList, default=list)
    ticket_size_min: Mapped[int | None] = mapped_column(BigInteger)
    ticket_size_max: Mapped[int | None] = mapped_column(BigInteger)
    num_investments: Mapped[int | None] = mapped_column(Integer)
    notable_investments: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
    portfolio_highlights: Mapped[str | None] = mapped_column(Text)
    value_adds: Mapped[list[str]] = mapped_column(StringList, default=list)
    fund_size: Mapped[str | None] = mapped_column(String(100))
    is_public: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    open_to_requests: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    plan_type: Mapped[str] = mapped_column(String(12), default="free", server_default="free")
    accepted_intro_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    admin_notes: Mapped[str | None] = mapped_column(Text)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index(
            "ux_investor_profiles_open",
            "user_id",
            unique=True,
            postgresql_where=OPEN_APPLICATION,
            sqlite_where=OPEN_APPLICATION,
        ),
        Index("ix_investor_profiles_user", "user_id", "created_at"),
        Index("ix_investor_profiles_status", "status", "created_at"),
    )


class InvestorTag(Base):
    """An indexed filter value of an investor profile: kind ∈ stage | industry | geography."""

    __tablename__ = "investor_tags"

    profile_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("investor_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)

    __table_args__ = (Index("ix_investor_tags_lookup", "kind", "tag", "profile_id"),)
