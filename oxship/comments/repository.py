"""SQL for comments and comment votes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit import vote_rows
from oxship.kit.clock import utcnow
from oxship.models import Comment, CommentVote, User


class Deleted(NamedTuple):
    """What a soft delete needs to move counters and karma."""

    user_id: uuid.UUID
    parent_id: uuid.UUID | None
    upvotes: int


SORTS: dict[str, tuple[Any, ...]] = {
    "newest": (Comment.created_at.desc(), Comment.id.desc()),
    "top": (
        (Comment.upvotes - Comment.downvotes).desc(),
        Comment.created_at.desc(),
        Comment.id.desc(),
    ),
    "oldest": (Comment.created_at, Comment.id),
}


async def insert_comment(session: AsyncSession, values: dict[str, Any]) -> Comment:
    """Insert a comment row and flush it."""
    comment = Comment(**values)
    session.add(comment)
    await session.flush()
    return comment


async def get(
    session: AsyncSession, comment_id: uuid.UUID, *, lock: bool = False
) -> Comment | None:
    """A comment in any state (row-locked with `lock`)."""
    stmt = select(Comment).where(Comment.id == comment_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).one_or_none()


async def project_of(session: AsyncSession, comment_id: uuid.UUID) -> uuid.UUID | None:
    """The project a comment belongs to."""
    stmt = select(Comment.project_id).where(Comment.id == comment_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def with_author(session: AsyncSession, comment_id: uuid.UUID) -> tuple[Comment, User]:
    """A comment and its author."""
    stmt = (
        select(Comment, User)
        .join(User, User.id == Comment.user_id)
        .where(Comment.id == comment_id)
        .execution_options(populate_existing=True)
    )
    comment, author = (await session.execute(stmt)).one()
    return comment, author


async def set_content(session: AsyncSession, comment_id: uuid.UUID, content: str) -> bool:
    """Replace a live comment's content and mark it edited; False if it was deleted meanwhile."""
    result = await session.execute(
        update(Comment)
        .where(Comment.id == comment_id, Comment.is_deleted.is_(False))
        .values(content=content, is_edited=True, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def mark_deleted(session: AsyncSession, comment_id: uuid.UUID) -> Deleted | None:
    """Soft-delete a live comment; its (user_id, parent_id, upvotes), or None if already deleted.

    The `NOT is_deleted` condition makes the transition happen once, so counters move once.
    """
    now = utcnow()
    stmt = (
        update(Comment)
        .where(Comment.id == comment_id, Comment.is_deleted.is_(False))
        .values(is_deleted=True, deleted_at=now, updated_at=now)
        .returning(Comment.user_id, Comment.parent_id, Comment.upvotes)
        .execution_options(synchronize_session=False)
    )
    row = (await session.execute(stmt)).one_or_none()
    return None if row is None else Deleted(*row)


async def add_to_counters(
    session: AsyncSession, comment_id: uuid.UUID, **deltas: int
) -> tuple[int, ...]:
    """`counter = counter + delta` in SQL for each given counter; the new values."""
    values = {name: getattr(Comment, name) + delta for name, delta in deltas.items()}
    stmt = (
        update(Comment)
        .where(Comment.id == comment_id)
        .values(**values)
        .returning(*(getattr(Comment, name) for name in deltas))
        .execution_options(synchronize_session=False)
    )
    return tuple((await session.execute(stmt)).one())


async def top_level_page(
    session: AsyncSession, project_id: uuid.UUID, *, sort: str, offset: int, limit: int
) -> tuple[list[Any], int]:
    """A page of (Comment, author) top-level comments of a project and the total (2 statements)."""
    conditions = (Comment.project_id == project_id, Comment.parent_id.is_(None))
    return await _page(session, conditions, SORTS[sort], offset=offset, limit=limit)


async def replies_page(
    session: AsyncSession, parent_id: uuid.UUID, *, offset: int, limit: int
) -> tuple[list[Any], int]:
    """A page of (Comment, author) direct replies, oldest first, and the total (2 statements)."""
    return await _page(
        session, (Comment.parent_id == parent_id,), SORTS["oldest"], offset=offset, limit=limit
    )


async def _page(
    session: AsyncSession,
    conditions: Sequence[Any],
    order: Sequence[Any],
    *,
    offset: int,
    limit: int,
) -> tuple[list[Any], int]:
    count = select(func.count()).select_from(Comment).where(*conditions)
    total = int((await session.execute(count)).scalar_one())
    stmt = (
        select(Comment, User)
        .join(User, User.id == Comment.user_id)
        .where(*conditions)
        .order_by(*order)
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total


async def thread(session: AsyncSession, project_id: uuid.UUID, *, limit: int) -> list[Any]:
    """The first `limit` (Comment, author) rows of a project by creation time (1 statement).

    Oldest first, so every reply's ancestors come before it.
    """
    stmt = (
        select(Comment, User)
        .join(User, User.id == Comment.user_id)
        .where(Comment.project_id == project_id)
        .order_by(*SORTS["oldest"])
        .limit(limit)
    )
    return list((await session.execute(stmt)).all())


async def caller_votes(
    session: AsyncSession, user_id: uuid.UUID, comment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The caller's vote type on each of these comments (1 statement)."""
    return await vote_rows.types_for(
        session, CommentVote, "comment_id", user_id=user_id, target_ids=comment_ids
    )


async def get_vote(
    session: AsyncSession, *, user_id: uuid.UUID, comment_id: uuid.UUID
) -> CommentVote | None:
    """The user's vote on a comment, if any."""
    found: CommentVote | None = await vote_rows.find(
        session, CommentVote, "comment_id", user_id=user_id, target_id=comment_id
    )
    return found


async def insert_vote(
    session: AsyncSession, *, user_id: uuid.UUID, comment_id: uuid.UUID, vote_type: str
) -> None:
    """Insert a comment vote (the unique (user, comment) constraint backs the caller's row lock)."""
    await vote_rows.add(
        session,
        CommentVote,
        "comment_id",
        user_id=user_id,
        target_id=comment_id,
        vote_type=vote_type,
    )


async def set_vote_type(session: AsyncSession, vote_id: uuid.UUID, vote_type: str) -> None:
    """Switch a comment vote to the other type."""
    await vote_rows.switch(session, CommentVote, vote_id, vote_type)


async def delete_vote(session: AsyncSession, vote_id: uuid.UUID) -> None:
    """Delete a comment vote."""
    await vote_rows.remove(session, CommentVote, vote_id)
