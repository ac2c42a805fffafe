"""SQL of feedback and reports."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from oxship.models import Feedback, Project, User


async def insert(session: AsyncSession, values: dict[str, Any]) -> Feedback:
    """Insert a feedback item and flush it."""
    item = Feedback(**values)
    session.add(item)
    await session.flush()
    return item


async def project_exists(session: AsyncSession, project_id: uuid.UUID) -> bool:
    """Whether an undeleted project has this id."""
    stmt = select(Project.id).where(Project.id == project_id, Project.is_deleted.is_(False))
    return (await session.execute(stmt)).first() is not None


async def user_exists(session: AsyncSession, user_id: uuid.UUID) -> bool:
    """Whether an undeleted account has this id."""
    stmt = select(User.id).where(User.id == user_id, User.deleted_at.is_(None))
    return (await session.execute(stmt)).first() is not None


def _rows() -> Any:
    sender = aliased(User)
    reported = aliased(User)
    return (
        select(
            Feedback,
            sender.username.label("s_username"),
            sender.display_name.label("s_name"),
            sender.avatar_url.label("s_avatar"),
            reported.username.label("r_username"),
            reported.display_name.label("r_name"),
            reported.avatar_url.label("r_avatar"),
            Project.title.label("p_title"),
            Project.is_deleted.label("p_deleted"),
        )
        .join(sender, sender.id == Feedback.user_id, isouter=True)
        .join(reported, reported.id == Feedback.reported_user_id, isouter=True)
        .join(Project, Project.id == Feedback.reported_project_id, isouter=True)
    )


async def page(
    session: AsyncSession,
    *,
    feedback_type: str | None,
    status: str | None,
    offset: int,
    limit: int,
) -> tuple[list[Any], int]:
    """Rows of one page, newest first, and the total (2 statements)."""
    conds = []
    if feedback_type is not None:
        conds.append(Feedback.feedback_type == feedback_type)
    if status is not None:
        conds.append(Feedback.status == status)
    total_stmt = select(func.count()).select_from(Feedback).where(*conds)
    total = int((await session.execute(total_stmt)).scalar_one())
    stmt = (
        _rows()
        .where(*conds)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total


async def row(session: AsyncSession, feedback_id: uuid.UUID) -> Any:
    """The list row of one item, or None."""
    return (await session.execute(_rows().where(Feedback.id == feedback_id))).first()


async def get(
    session: AsyncSession, feedback_id: uuid.UUID, *, lock: bool = False
) -> Feedback | None:
    """One item (row-locked with `lock`)."""
    stmt = select(Feedback).where(Feedback.id == feedback_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).one_or_none()


async def delete_one(session: AsyncSession, feedback_id: uuid.UUID) -> bool:
    """Delete an item; False when there was none."""
    result = await session.execute(delete(Feedback).where(Feedback.id == feedback_id))
    return bool(getattr(result, "rowcount", 0))
