"""SQL of vote rows: one per (user, target), toggled up/down (project votes and comment votes).

The model is passed in, so the kit stays domain-free; `target` names the model's target column.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.clock import utcnow
from oxship.kit.ids import new_id


async def find(
    session: AsyncSession, model: Any, target: str, *, user_id: uuid.UUID, target_id: uuid.UUID
) -> Any | None:
    """The user's vote row on the target, if any."""
    stmt = select(model).where(model.user_id == user_id, getattr(model, target) == target_id)
    return (await session.scalars(stmt)).one_or_none()


async def add(
    session: AsyncSession,
    model: Any,
    target: str,
    *,
    user_id: uuid.UUID,
    target_id: uuid.UUID,
    vote_type: str,
) -> None:
    """Insert a vote row (the unique (user, target) constraint backs the caller's row lock)."""
    now = utcnow()
    values = {"id": new_id(), "user_id": user_id, target: target_id, "vote_type": vote_type}
    await session.execute(insert(model).values(**values, created_at=now, updated_at=now))


async def switch(session: AsyncSession, model: Any, vote_id: uuid.UUID, vote_type: str) -> None:
    """Set a vote row to the other type."""
    await session.execute(
        update(model)
        .where(model.id == vote_id)
        .values(vote_type=vote_type, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def remove(session: AsyncSession, model: Any, vote_id: uuid.UUID) -> None:
    """Delete a vote row."""
    await session.execute(
        delete(model).where(model.id == vote_id).execution_options(synchronize_session=False)
    )


async def types_for(
    session: AsyncSession,
    model: Any,
    target: str,
    *,
    user_id: uuid.UUID,
    target_ids: Sequence[uuid.UUID],
) -> dict[uuid.UUID, str]:
    """The user's vote type on each of these targets, in one statement."""
    if not target_ids:
        return {}
    column = getattr(model, target)
    stmt = select(column, model.vote_type).where(model.user_id == user_id, column.in_(target_ids))
    return {row[0]: row[1] for row in await session.execute(stmt)}
