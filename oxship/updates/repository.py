"""SQL for project updates."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.models import ProjectUpdate


async def insert(session: AsyncSession, values: dict[str, Any]) -> ProjectUpdate:
    """Insert one update and flush it."""
    item = ProjectUpdate(**values)
    session.add(item)
    await session.flush()
    return item


async def get(session: AsyncSession, update_id: uuid.UUID) -> ProjectUpdate | None:
    """An update by id."""
    return await session.get(ProjectUpdate, update_id)


async def update_fields(
    session: AsyncSession, update_id: uuid.UUID, values: dict[str, Any]
) -> ProjectUpdate:
    """Set columns of one update; the fresh row."""
    stmt = (
        update(ProjectUpdate)
        .where(ProjectUpdate.id == update_id)
        .values(**values)
        .returning(ProjectUpdate)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(stmt)).one()


async def delete_one(session: AsyncSession, update_id: uuid.UUID) -> None:
    """Delete one update."""
    await session.execute(delete(ProjectUpdate).where(ProjectUpdate.id == update_id))


async def page(
    session: AsyncSession, *, project_id: uuid.UUID, offset: int, limit: int
) -> tuple[Sequence[ProjectUpdate], int]:
    """A page of a project's updates, newest first, and their total."""
    count = select(func.count()).where(ProjectUpdate.project_id == project_id)
    total = int((await session.execute(count)).scalar_one())
    stmt = (
        select(ProjectUpdate)
        .where(ProjectUpdate.project_id == project_id)
        .order_by(ProjectUpdate.created_at.desc(), ProjectUpdate.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return (await session.scalars(stmt)).all(), total
