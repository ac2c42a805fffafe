"""SQL for project votes."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit import vote_rows
from oxship.models import Project, User, Vote

_LIVE_PROJECT = Project.is_deleted.is_(False) & User.is_active.is_(True) & User.deleted_at.is_(None)


async def get(session: AsyncSession, *, user_id: uuid.UUID, project_id: uuid.UUID) -> Vote | None:
    """The user's vote on a project, if any."""
    found: Vote | None = await vote_rows.find(
        session, Vote, "project_id", user_id=user_id, target_id=project_id
    )
    return found


async def insert_vote(
    session: AsyncSession, *, user_id: uuid.UUID, project_id: uuid.UUID, vote_type: str
) -> None:
    """Insert a vote (the unique (user, project) constraint backs the caller's row lock)."""
    await vote_rows.add(
        session, Vote, "project_id", user_id=user_id, target_id=project_id, vote_type=vote_type
    )


async def set_type(session: AsyncSession, vote_id: uuid.UUID, vote_type: str) -> None:
    """Switch a vote to the other type."""
    await vote_rows.switch(session, Vote, vote_id, vote_type)


async def delete_vote(session: AsyncSession, vote_id: uuid.UUID) -> None:
    """Delete a vote."""
    await vote_rows.remove(session, Vote, vote_id)


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
