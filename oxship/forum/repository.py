"""SQL for chain posts and their reactions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import case, func, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from oxship.kit import vote_rows
from oxship.kit.clock import utcnow
from oxship.models import Chain, ChainPost, ChainPostReaction, User

NET = ChainPost.upvote_count - ChainPost.downvote_count
THREAD_SORTS: dict[str, tuple[Any, ...]] = {
    "hot": (
        ChainPost.is_pinned.desc(),
        ChainPost.hot_score.desc(),
        ChainPost.created_at.desc(),
        ChainPost.id.desc(),
    ),
    "new": (ChainPost.is_pinned.desc(), ChainPost.created_at.desc(), ChainPost.id.desc()),
    "top": (
        ChainPost.is_pinned.desc(),
        NET.desc(),
        ChainPost.created_at.desc(),
        ChainPost.id.desc(),
    ),
    "active": (
        ChainPost.is_pinned.desc(),
        ChainPost.last_activity_at.desc(),
        ChainPost.id.desc(),
    ),
}
REPLY_SORTS: dict[str, tuple[Any, ...]] = {
    "top": (NET.desc(), ChainPost.created_at.asc(), ChainPost.id.asc()),
    "new": (ChainPost.created_at.desc(), ChainPost.id.desc()),
}
# A deleted post stays listed (as `[deleted]`) only while live replies hang under it.
SHOWN = or_(not_(ChainPost.is_deleted), ChainPost.total_replies > 0)


class Ancestor(NamedTuple):
    """A post on the path from a post up to its thread (the post itself first)."""

    id: uuid.UUID
    chain_id: uuid.UUID
    author_id: uuid.UUID
    parent_id: uuid.UUID | None
    is_locked: bool
    is_deleted: bool


class Deleted(NamedTuple):
    """What a soft delete needs to move counters."""

    chain_id: uuid.UUID
    parent_id: uuid.UUID | None


async def lock_chain(session: AsyncSession, chain_id: uuid.UUID) -> None:
    """Row-lock the chain: it serializes the structural forum writes of the chain (PostgreSQL;
    SQLite serializes every write)."""
    await session.execute(select(Chain.id).where(Chain.id == chain_id).with_for_update())


async def add_to_post_count(session: AsyncSession, chain_id: uuid.UUID, delta: int) -> int:
    """`chains.post_count += delta` in SQL; the new value."""
    stmt = (
        update(Chain)
        .where(Chain.id == chain_id)
        .values(post_count=Chain.post_count + delta)
        .returning(Chain.post_count)
        .execution_options(synchronize_session=False)
    )
    return int((await session.execute(stmt)).scalar_one())


async def insert_post(session: AsyncSession, values: dict[str, Any]) -> ChainPost:
    """Insert a post row and flush it."""
    post = ChainPost(**values)
    session.add(post)
    await session.flush()
    return post


async def get(
    session: AsyncSession, post_id: uuid.UUID, *, chain_id: uuid.UUID, lock: bool = False
) -> ChainPost | None:
    """A post of the chain in any state (row-locked with `lock`), fresh from the database."""
    stmt = (
        select(ChainPost)
        .where(ChainPost.id == post_id, ChainPost.chain_id == chain_id)
        .execution_options(populate_existing=True)
    )
    if lock:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).one_or_none()


async def with_author(
    session: AsyncSession, post_id: uuid.UUID, *, chain_id: uuid.UUID
) -> tuple[ChainPost, User] | None:
    """A post of the chain and its author, fresh from the database."""
    stmt = (
        select(ChainPost, User)
        .join(User, User.id == ChainPost.author_id)
        .where(ChainPost.id == post_id, ChainPost.chain_id == chain_id)
        .execution_options(populate_existing=True)
    )
    row = (await session.execute(stmt)).one_or_none()
    return None if row is None else (row[0], row[1])


def _path_up(start: uuid.UUID) -> Any:
    """A recursive CTE of (id, parent_id) from `start` up to its thread."""
    base = select(ChainPost.id, ChainPost.parent_id).where(ChainPost.id == start)
    path = base.cte("post_path", recursive=True)
    up = aliased(ChainPost)
    return path.union_all(select(up.id, up.parent_id).join(path, up.id == path.c.parent_id))


async def ancestors(session: AsyncSession, post_id: uuid.UUID) -> list[Ancestor]:
    """The post and every ancestor, in any order (1 statement)."""
    path = _path_up(post_id)
    stmt = select(
        ChainPost.id,
        ChainPost.chain_id,
        ChainPost.author_id,
        ChainPost.parent_id,
        ChainPost.is_locked,
        ChainPost.is_deleted,
    ).where(ChainPost.id.in_(select(path.c.id)))
    return [Ancestor(*row) for row in await session.execute(stmt)]


async def move_thread_counters(
    session: AsyncSession, parent_id: uuid.UUID, delta: int, *, now: datetime | None
) -> None:
    """A reply under `parent_id` appeared (+1) or went (-1), in ONE statement: the parent's
    `comment_count` and every ancestor's `total_replies` (the parent included) move by `delta`;
    with `now`, their `last_activity_at` becomes `now`."""
    path = _path_up(parent_id)
    values: dict[str, Any] = {
        "total_replies": ChainPost.total_replies + delta,
        "comment_count": ChainPost.comment_count
        + case((ChainPost.id == parent_id, delta), else_=0),
    }
    if now is not None:
        values["last_activity_at"] = now
    await session.execute(
        update(ChainPost)
        .where(ChainPost.id.in_(select(path.c.id)))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def set_fields(session: AsyncSession, post_id: uuid.UUID, values: dict[str, Any]) -> bool:
    """Edit a live post and mark it edited; False if it was deleted meanwhile."""
    result = await session.execute(
        update(ChainPost)
        .where(ChainPost.id == post_id, ChainPost.is_deleted.is_(False))
        .values(**values, is_edited=True, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def mark_deleted(session: AsyncSession, post_id: uuid.UUID) -> Deleted | None:
    """Soft-delete a live post; None if it was already deleted.

    The `NOT is_deleted` condition makes the transition happen once, so counters move once.
    """
    now = utcnow()
    stmt = (
        update(ChainPost)
        .where(ChainPost.id == post_id, ChainPost.is_deleted.is_(False))
        .values(is_deleted=True, deleted_at=now, updated_at=now)
        .returning(ChainPost.chain_id, ChainPost.parent_id)
        .execution_options(synchronize_session=False)
    )
    row = (await session.execute(stmt)).one_or_none()
    return None if row is None else Deleted(*row)


async def set_flag(
    session: AsyncSession, post_id: uuid.UUID, flag: str, value: bool | None
) -> bool:
    """Set a boolean column of a post, or flip it in SQL when `value` is None; its new value."""
    column = getattr(ChainPost, flag)
    stmt = (
        update(ChainPost)
        .where(ChainPost.id == post_id)
        .values({flag: not_(column) if value is None else value, "updated_at": utcnow()})
        .returning(column)
        .execution_options(synchronize_session=False)
    )
    return bool((await session.execute(stmt)).scalar_one())


async def add_to_reactions(
    session: AsyncSession, post_id: uuid.UUID, *, up: int, down: int
) -> tuple[int, int, datetime]:
    """Move the reaction counters in SQL; (upvote_count, downvote_count, created_at)."""
    stmt = (
        update(ChainPost)
        .where(ChainPost.id == post_id)
        .values(
            upvote_count=ChainPost.upvote_count + up,
            downvote_count=ChainPost.downvote_count + down,
        )
        .returning(ChainPost.upvote_count, ChainPost.downvote_count, ChainPost.created_at)
        .execution_options(synchronize_session=False)
    )
    up_count, down_count, created_at = (await session.execute(stmt)).one()
    return int(up_count), int(down_count), created_at


async def set_hot_score(session: AsyncSession, post_id: uuid.UUID, score: float) -> None:
    """Store a recomputed hot score."""
    await session.execute(
        update(ChainPost)
        .where(ChainPost.id == post_id)
        .values(hot_score=score)
        .execution_options(synchronize_session=False)
    )


async def threads_page(
    session: AsyncSession, chain_id: uuid.UUID, *, sort: str, offset: int, limit: int
) -> tuple[list[tuple[ChainPost, User]], int]:
    """A page of (post, author) threads of a chain and the total (2 statements)."""
    conditions = (ChainPost.chain_id == chain_id, ChainPost.parent_id.is_(None), SHOWN)
    return await _page(session, conditions, THREAD_SORTS[sort], offset=offset, limit=limit)


async def replies_page(
    session: AsyncSession, parent_id: uuid.UUID, *, sort: str, offset: int, limit: int
) -> tuple[list[tuple[ChainPost, User]], int]:
    """A page of (post, author) direct replies and the total (2 statements)."""
    conditions = (ChainPost.parent_id == parent_id, SHOWN)
    return await _page(session, conditions, REPLY_SORTS[sort], offset=offset, limit=limit)


async def _page(
    session: AsyncSession,
    conditions: Sequence[Any],
    order: Sequence[Any],
    *,
    offset: int,
    limit: int,
) -> tuple[list[tuple[ChainPost, User]], int]:
    count = select(func.count()).select_from(ChainPost).where(*conditions)
    total = int((await session.execute(count)).scalar_one())
    stmt = (
        select(ChainPost, User)
        .join(User, User.id == ChainPost.author_id)
        .where(*conditions)
        .order_by(*order)
        .offset(offset)
        .limit(limit)
    )
    return [(row[0], row[1]) for row in await session.execute(stmt)], total


async def caller_reactions(
    session: AsyncSession, user_id: uuid.UUID, post_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The caller's reaction on each of these posts (1 statement)."""
    return await vote_rows.types_for(
        session, ChainPostReaction, "post_id", user_id=user_id, target_ids=post_ids
    )


async def get_reaction(
    session: AsyncSession, *, user_id: uuid.UUID, post_id: uuid.UUID
) -> ChainPostReaction | None:
    """The user's reaction on a post, if any."""
    found: ChainPostReaction | None = await vote_rows.find(
        session, ChainPostReaction, "post_id", user_id=user_id, target_id=post_id
    )
    return found


async def insert_reaction(
    session: AsyncSession, *, user_id: uuid.UUID, post_id: uuid.UUID, reaction: str
) -> None:
    """Insert a reaction (the unique (user, post) constraint backs the caller's row lock)."""
    await vote_rows.add(
        session,
        ChainPostReaction,
        "post_id",
        user_id=user_id,
        target_id=post_id,
        vote_type=reaction,
    )


async def set_reaction(session: AsyncSession, reaction_id: uuid.UUID, reaction: str) -> None:
    """Switch a reaction to the other type."""
    await vote_rows.switch(session, ChainPostReaction, reaction_id, reaction)


async def delete_reaction(session: AsyncSession, reaction_id: uuid.UUID) -> None:
    """Delete a reaction."""
    await vote_rows.remove(session, ChainPostReaction, reaction_id)
