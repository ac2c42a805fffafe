"""SQL for login sessions and one-time tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.clock import utcnow
from oxship.models import AuthSession, OneTimeToken, User


def add_session(
    session: AsyncSession,
    *,
    session_id: uuid.UUID,
    user_id: uuid.UUID,
    refresh_hash: str,
    expires_at: datetime,
) -> None:
    """Record a new login session."""
    session.add(
        AuthSession(
            id=session_id,
            user_id=user_id,
            refresh_hash=refresh_hash,
            created_at=utcnow(),
            expires_at=expires_at,
        )
    )


async def caller(
    session: AsyncSession, *, session_id: uuid.UUID, user_id: uuid.UUID
) -> tuple[User, AuthSession] | None:
    """The user and login session named by an access token, in one statement."""
    stmt = (
        select(User, AuthSession)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(AuthSession.id == session_id, User.id == user_id)
    )
    row = (await session.execute(stmt)).first()
    return None if row is None else (row[0], row[1])


async def rotate_refresh(
    session: AsyncSession,
    *,
    session_id: uuid.UUID,
    old_hash: str,
    new_hash: str,
    expires_at: datetime,
) -> uuid.UUID | None:
    """Swap the session's refresh hash if `old_hash` is current and live; the user id or None."""
    now = utcnow()
    stmt = (
        update(AuthSession)
        .where(
            AuthSession.id == session_id,
            AuthSession.refresh_hash == old_hash,
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > now,
        )
        .values(refresh_hash=new_hash, refreshed_at=now, expires_at=expires_at)
        .returning(AuthSession.user_id)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def revoke_session(session: AsyncSession, session_id: uuid.UUID) -> bool:
    """Revoke one login session; True if it was live."""
    result: CursorResult[tuple[()]] = await session.execute(  # type: ignore[assignment]
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount > 0


async def revoke_user_sessions(
    session: AsyncSession, user_id: uuid.UUID, *, keep: uuid.UUID | None = None
) -> None:
    """Revoke every live session of a user, except `keep`."""
    stmt = update(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
    )
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep)
    await session.execute(stmt.values(revoked_at=utcnow()))


def add_one_time_token(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    purpose: str,
    token_hash: str,
    expires_at: datetime,
) -> None:
    """Record a single-use token (only its hash)."""
    session.add(
        OneTimeToken(
            user_id=user_id,
            purpose=purpose,
            token_hash=token_hash,
            created_at=utcnow(),
            expires_at=expires_at,
        )
    )


async def consume_one_time_token(
    session: AsyncSession, *, purpose: str, token_hash: str, user_id: uuid.UUID | None = None
) -> uuid.UUID | None:
    """Mark an unused, unexpired token used (atomically; only `user_id`'s if given); its user id."""
    now = utcnow()
    stmt = (
        update(OneTimeToken)
        .where(
            OneTimeToken.token_hash == token_hash,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(OneTimeToken.user_id)
    )
    if user_id is not None:
        stmt = stmt.where(OneTimeToken.user_id == user_id)
    return (await session.execute(stmt)).scalar_one_or_none()
