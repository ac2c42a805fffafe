"""SQL for wallet sign-in: nonces (one-time tokens) and the users' bound wallets."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.models import OneTimeToken, User

NONCE_PURPOSE = "siwe_nonce"


def add_nonce(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    nonce_hash: str,
    created_at: datetime,
    expires_at: datetime,
) -> None:
    """Record a sign-in nonce issued to a user (only its SHA-256)."""
    session.add(
        OneTimeToken(
            user_id=user_id,
            purpose=NONCE_PURPOSE,
            token_hash=nonce_hash,
            created_at=created_at,
            expires_at=expires_at,
        )
    )


async def consume_nonce(
    session: AsyncSession, *, user_id: uuid.UUID, nonce_hash: str, now: datetime
) -> bool:
    """Mark the user's unused, unexpired nonce used, atomically; False if there is none."""
    stmt = (
        update(OneTimeToken)
        .where(
            OneTimeToken.token_hash == nonce_hash,
            OneTimeToken.purpose == NONCE_PURPOSE,
            OneTimeToken.user_id == user_id,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(OneTimeToken.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def wallet_holder(session: AsyncSession, address: str) -> uuid.UUID | None:
    """The id of the user the (checksummed) wallet is bound to, if any."""
    stmt = select(User.id).where(User.wallet_address == address)
    return (await session.execute(stmt)).scalar_one_or_none()


async def bind_wallet(session: AsyncSession, *, user_id: uuid.UUID, address: str) -> bool:
    """Set the user's wallet in a savepoint; False when the unique constraint refuses it."""
    try:
        async with session.begin_nested():
            await session.execute(
                update(User).where(User.id == user_id).values(wallet_address=address)
            )
    except IntegrityError:
        return False
    return True
