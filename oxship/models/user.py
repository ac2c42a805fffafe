"""Users, their login sessions (refresh-token families) and one-time tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from oxship.kit.dbtypes import UTCDateTime
from oxship.models.base import Base, IdMixin, TimestampMixin


class User(IdMixin, TimestampMixin, Base):
    """An account. `email` and `username` are stored lower-cased and unique."""

    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    username: Mapped[str] = mapped_column(String(30), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    avatar_url: Mapped[str | None] = mapped_column(String(2048))
    bio: Mapped[str | None] = mapped_column(String(500))
    location: Mapped[str | None] = mapped_column(String(100))
    karma: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    project_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    badge_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    is_validator: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    is_investor: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    has_oxcert: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    github_connected: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    github_username: Mapped[str | None] = mapped_column(String(100))
    wallet_address: Mapped[str | None] = mapped_column(String(42), unique=True)
    banned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ban_reason: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_users_karma", "karma"),)


class AuthSession(IdMixin, Base):
    """One login: the family of its refresh tokens. Revoking it ends its access tokens too."""

    __tablename__ = "auth_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    refresh_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TokenPurpose(StrEnum):
    """What a one-time token is for."""

    PASSWORD_RESET = "password_reset"
    EMAIL_VERIFY = "email_verify"


class OneTimeToken(IdMixin, Base):
    """A single-use, expiring secret mailed to a user; only its SHA-256 is stored."""

    __tablename__ = "one_time_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
