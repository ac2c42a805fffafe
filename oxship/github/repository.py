"""SQL of GitHub linking: OAuth states (one-time token rows) and the login's single owner."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.clock import utcnow
from oxship.kit.sql import dialect_name
from oxship.models import OneTimeToken, User

STATE_PURPOSE = "github_state"


def add_state(
    session: AsyncSession, *, user_id: uuid.UUID, state_hash: str, expires_at: datetime
) -> None:
    """Record an OAuth state (its SHA-256 only) started by `user_id`."""
    session.add(
        OneTimeToken(
            user_id=user_id,
            purpose=STATE_PURPOSE,
            token_hash=state_hash,
            created_at=utcnow(),
            expires_at=expires_at,
        )
    )


async def consume_state(session: AsyncSession, *, state_hash: str) -> uuid.UUID | None:
    """Mark an unused, unexpired state used (one conditional UPDATE); the user who started it."""
    now = utcnow()
    stmt = (
        update(OneTimeToken)
        .where(
            OneTimeToken.token_hash == state_hash,
            OneTimeToken.purpose == STATE_PURPOSE,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(OneTimeToken.user_id)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def lock_login(session: AsyncSession, login: str) -> None:
    """Serialize the transactions linking one GitHub login (PostgreSQL; SQLite has one writer)."""
    if dialect_name(session) == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"oxship:github-login:{login.lower()}"},
        )


async def login_owner(session: AsyncSession, login: str) -> uuid.UUID | None:
    """The account a GitHub login is linked to (case-insensitive), if any."""
    stmt = (
        select(User.id)
        .where(func.lower(User.github_username) == login.lower(), User.github_connected.is_(True))
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()
