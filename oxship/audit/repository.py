"""SQL of the audit log."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.models import AdminAction, User


async def page(
    session: AsyncSession,
    *,
    target_type: str | None,
    target_id: str | None,
    action: str | None,
    actor_id: uuid.UUID | None,
    offset: int,
    limit: int,
) -> tuple[list[Any], int]:
    """(AdminAction, actor username) rows, newest first, and the total."""
    conds = []
    if target_type is not None:
        conds.append(AdminAction.target_type == target_type)
    if target_id is not None:
        conds.append(AdminAction.target_id == target_id)
    if action is not None:
        conds.append(AdminAction.action == action)
    if actor_id is not None:
        conds.append(AdminAction.actor_id == actor_id)
    total = int(
        (
            await session.execute(select(func.count()).select_from(AdminAction).where(*conds))
        ).scalar_one()
    )
    stmt = (
        select(AdminAction, User.username)
        .join(User, User.id == AdminAction.actor_id, isouter=True)
        .where(*conds)
        .order_by(AdminAction.created_at.desc(), AdminAction.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total
