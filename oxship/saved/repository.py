"""SQL for saved projects."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.clock import utcnow
from oxship.kit.sql import insert_ignoring_conflicts
from oxship.models import Project, SavedProject, User

# The feed's visibility rule: the project is not deleted and its owner is active.
_VISIBLE = (
    Project.is_deleted.is_(False),
    User.is_active.is_(True),
    User.deleted_at.is_(None),
)


async def insert(session: AsyncSession, *, user_id: uuid.UUID, project_id: uuid.UUID) -> bool:
    """Save the project for the user unless the primary key says it is saved; True when new."""
    stmt = insert_ignoring_conflicts(
        session,
        SavedProject,
        {"user_id": user_id, "project_id": project_id, "created_at": utcnow()},
    )
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))


async def delete_one(session: AsyncSession, *, user_id: uuid.UUID, project_id: uuid.UUID) -> bool:
    """Remove the user's save of the project; False when there was none."""
    result = await session.execute(
        delete(SavedProject).where(
            SavedProject.user_id == user_id, SavedProject.project_id == project_id
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def exists(session: AsyncSession, *, user_id: uuid.UUID, project_id: uuid.UUID) -> bool:
    """Whether the user saved the project."""
    stmt = select(SavedProject.project_id).where(
        SavedProject.user_id == user_id, SavedProject.project_id == project_id
    )
    return (await session.execute(stmt)).first() is not None


async def page(
    session: AsyncSession, *, user_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[Any], int]:
    """(Project, username, display_name, avatar_url, saved_at) rows, newest save first; the total."""
    joined = (
        select(func.count())
        .select_from(SavedProject)
        .join(Project, Project.id == SavedProject.project_id)
        .join(User, User.id == Project.user_id)
        .where(SavedProject.user_id == user_id, *_VISIBLE)
    )
    total = int((await session.execute(joined)).scalar_one())
    stmt = (
        select(
            Project,
            User.username,
            User.display_name,
            User.avatar_url,
            SavedProject.created_at.label("saved_at"),
        )
        .select_from(SavedProject)
        .join(Project, Project.id == SavedProject.project_id)
        .join(User, User.id == Project.user_id)
        .where(SavedProject.user_id == user_id, *_VISIBLE)
        .order_by(SavedProject.created_at.desc(), SavedProject.project_id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total
