"""SQL for wallet sign-in: the users' bound wallets."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.models import User


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
