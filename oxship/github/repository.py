"""SQL of GitHub linking: the login's single owner."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.sql import dialect_name
from oxship.models import User


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
