"""SQL for project votes."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.clock import utcnow
from oxship.kit.ids import new_id
from oxship.models import Project, User, Vote

_LIVE_PROJECT = Project.is_deleted.is_(False) & User.is_active.is_(True) & User.deleted_at.is_(None)


async def get(session: AsyncSession, *, user_id: uuid.UUID, project_id: uuid.UUID) -> Vote | None:
    """The user's vote on a project, if any."""
    stmt = select(Vote).where(Vote.user_id == user_id, Vote.project_id == project_id)
    return (await session.scalars(stmt)).one_or_none()


async def insert_vote(
    session: AsyncSession, *, user_id: uuid.UUID, project_id: uuid.UUID, vote_type: str
) -> None:
    """Insert a vote (the unique (user, project) constraint backs the caller's row lock)."""
    now = utcnow()
    await session.execute(
        insert(Vote).values(
            id=new_id(),
            user_id=user_id,
            project_id=project_id,
            vote_type=vote_type,
            created_at=now,
            updated_at=now,
        )
    )


async def set_type(session: AsyncSession, vote_id: uuid.UUID, vote_type: str) -> None:
    """Switch a vote to the other type."""
    await session.execute(
        update(Vote)
        .where(Vote.id == vote_id)
        .values(vote_type=vote_type, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def delete_vote(session: AsyncSession, vote_id: uuid.UUID) -> None:
    """Delete a vote."""
    await session.execute(
        delete(Vote).where(Vote.id == vote_id).execution_options(synchronize_session=False)
    )


async def page_of_user(
    session: AsyncSession, user_id: uuid.UUID, *, offset: int, limit: int
) -> tuple[list[Any], int]:
    """A page of (Vote, Project, owner User) rows of a user's votes on live projects, newest
    first, and the total (2 statements)."""
    conditions = (Vote.user_id == user_id, _LIVE_PROJECT)
    count = (
        select(func.count())
        .select_from(Vote)
        .join(Project, Project.id == Vote.project_id)
        .join(User, User.id == Project.user_id)
        .where(*conditions)
    )
    total = int((await session.execute(count)).scalar_one())
    stmt = (
        select(Vote, Project, User)
        .join(Project, Project.id == Vote.project_id)
        .join(User, User.id == Project.user_id)
        .where(*conditions)
        .order_by(Vote.created_at.desc(), Vote.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total
