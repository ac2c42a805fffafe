"""SQL for chains and their followers."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.chains.filters import ChainFilters
from oxship.kit.clock import utcnow
from oxship.kit.sql import dialect_name, insert_ignoring_conflicts, like_escape
from oxship.models import (
    Chain,
    ChainFollower,
    ChainPost,
    ChainProject,
    ChainProjectRequest,
    Project,
    User,
)
from oxship.projects.repository import SORTS as PROJECT_SORTS
from oxship.projects.repository import FeedFilters, feed_conditions

RECENT_POSTS = timedelta(days=7)
SORTS: dict[str, tuple[Any, ...]] = {
    "newest": (Chain.created_at.desc(), Chain.id.desc()),
    "most_projects": (Chain.project_count.desc(), Chain.created_at.desc(), Chain.id.desc()),
    "most_followers": (Chain.follower_count.desc(), Chain.created_at.desc(), Chain.id.desc()),
    "alphabetical": (Chain.name_key.asc(), Chain.id.asc()),
}


def trending_score() -> Any:
    """API §2.4: `0.6·projects + 0.3·followers + 0.1·views + 2·posts of the last 7 days`."""
    recent_posts = (
        select(func.count())
        .where(
            ChainPost.chain_id == Chain.id,
            ChainPost.created_at >= utcnow() - RECENT_POSTS,
            ChainPost.is_deleted.is_(False),
        )
        .correlate(Chain)
        .scalar_subquery()
    )
    return (
        0.6 * Chain.project_count
        + 0.3 * Chain.follower_count
        + 0.1 * Chain.view_count
        + 2 * recent_posts
    )


def _order(sort: str) -> tuple[Any, ...]:
    if sort == "trending":
        return (trending_score().desc(), Chain.created_at.desc(), Chain.id.desc())
    return SORTS[sort]


def _followed_by(user_id: uuid.UUID) -> ColumnElement[bool]:
    return exists().where(ChainFollower.chain_id == Chain.id, ChainFollower.user_id == user_id)


def _where(filters: ChainFilters, dialect: str) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [Chain.is_deleted.is_(False)]
    if filters.visibility == "mine" and filters.viewer_id is not None:
        conds.append(or_(Chain.creator_id == filters.viewer_id, _followed_by(filters.viewer_id)))
    elif filters.visibility != "all":
        conds.append(Chain.is_public.is_(True))
    if filters.search:
        pattern = f"%{like_escape(filters.search.strip().lower())}%"
        conds.append(
            or_(
                Chain.name_key.like(pattern, escape="\\"),
                func.lower(Chain.description).like(pattern, escape="\\"),
            )
        )
    if filters.category:
        conds.append(_has_category(filters.category.strip().lower(), dialect))
    if filters.featured is not None:
        conds.append(Chain.is_featured.is_(filters.featured))
    if filters.creator_id is not None:
        conds.append(Chain.creator_id == filters.creator_id)
    if filters.followed_by is not None:
        conds.append(_followed_by(filters.followed_by))
    if filters.active_only:
        suspension_over = (Chain.status == "suspended") & (Chain.suspended_until <= utcnow())
        conds.append(or_(Chain.status == "active", suspension_over))
    return conds


SEP = "\x1f"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _has_category(category: str, dialect: str) -> ColumnElement[bool]:
    """Case-insensitive membership: `text[]` on PostgreSQL, a JSON array on SQLite."""
    if dialect == "postgresql":
        joined = func.concat(SEP, func.lower(func.array_to_string(Chain.categories, SEP)), SEP)
        return joined.like(f"%{SEP}{_escape(category)}{SEP}%", escape="\\")
    quoted = _escape(json.dumps(category))  # the JSON text of the element, quotes included
    return func.lower(cast(Chain.categories, Text)).like(f"%{quoted}%", escape="\\")


def _rows() -> Any:
    return select(Chain, User.username, User.display_name, User.avatar_url).join(
        User, User.id == Chain.creator_id, isouter=True
    )


async def page(
    session: AsyncSession, *, filters: ChainFilters, sort: str, offset: int, limit: int
) -> tuple[list[Any], int]:
    """(Chain, username, display_name, avatar_url) rows of one page, and the total."""
    conds = _where(filters, dialect_name(session))
    total = int(
        (await session.execute(select(func.count()).select_from(Chain).where(*conds))).scalar_one()
    )
    stmt = _rows().where(*conds).order_by(*_order(sort)).offset(offset).limit(limit)
    return list((await session.execute(stmt)).all()), total


async def top(session: AsyncSession, *, filters: ChainFilters, limit: int) -> list[Any]:
    """The first `limit` rows by trending."""
    stmt = (
        _rows()
        .where(*_where(filters, dialect_name(session)))
        .order_by(*_order("trending"))
        .limit(limit)
    )
    return list((await session.execute(stmt)).all())


async def by_slug(session: AsyncSession, slug: str) -> Any | None:
    """The live chain row with that slug, with its creator's card fields."""
    stmt = _rows().where(Chain.slug == slug, Chain.is_deleted.is_(False))
    return (await session.execute(stmt)).first()


def _live_members(chain_id: uuid.UUID) -> Any:
    return (
        select(Project)
        .join(ChainProject, ChainProject.project_id == Project.id)
        .where(ChainProject.chain_id == chain_id, Project.is_deleted.is_(False))
    )


async def project_stats(session: AsyncSession, chain_id: uuid.UUID) -> tuple[int, int, float]:
    """(total views, total upvotes, average proof score) of the chain's live projects."""
    members = _live_members(chain_id).subquery()
    stmt = select(
        func.coalesce(func.sum(members.c.view_count), 0),
        func.coalesce(func.sum(members.c.upvotes), 0),
        func.coalesce(func.avg(members.c.proof_score), 0.0),
    )
    views, upvotes, avg = (await session.execute(stmt)).one()
    return int(views), int(upvotes), round(float(avg), 2)


async def daily_counts(
    session: AsyncSession, column: Any, chain_column: Any, chain_id: uuid.UUID, since: datetime
) -> dict[str, int]:
    """Rows per UTC day (`YYYY-MM-DD`) since `since`, where `chain_column` is the chain."""
    utc = func.timezone("UTC", column) if dialect_name(session) == "postgresql" else column
    day = func.date(utc)
    stmt = select(day, func.count()).where(chain_column == chain_id, column >= since).group_by(day)
    return {str(d): int(n) for d, n in await session.execute(stmt)}


async def top_projects(session: AsyncSession, chain_id: uuid.UUID, limit: int) -> list[Project]:
    """The chain's live projects by proof score, then upvotes."""
    stmt = (
        _live_members(chain_id)
        .order_by(Project.proof_score.desc(), Project.upvotes.desc(), Project.id)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def engagement(session: AsyncSession, chain_id: uuid.UUID, since: datetime) -> Any:
    """Upvotes and comments on the chain's projects, and its posts (all, and since `since`)."""
    members = _live_members(chain_id).subquery()
    live_posts = (ChainPost.chain_id == chain_id) & ChainPost.is_deleted.is_(False)
    stmt = select(
        select(func.coalesce(func.sum(members.c.upvotes), 0)).scalar_subquery(),
        select(func.coalesce(func.sum(members.c.comment_count), 0)).scalar_subquery(),
        select(func.count()).where(live_posts).scalar_subquery(),
        select(func.count()).where(live_posts, ChainPost.created_at >= since).scalar_subquery(),
    )
    return (await session.execute(stmt)).one()


async def live_by_id(session: AsyncSession, chain_id: uuid.UUID) -> Chain | None:
    """The live chain with that id."""
    stmt = select(Chain).where(Chain.id == chain_id, Chain.is_deleted.is_(False))
    return (await session.execute(stmt)).scalar_one_or_none()


async def live_by_slug(session: AsyncSession, slug: str) -> Chain | None:
    """The live chain with that slug."""
    stmt = select(Chain).where(Chain.slug == slug, Chain.is_deleted.is_(False))
    return (await session.execute(stmt)).scalar_one_or_none()


async def name_taken(
    session: AsyncSession, name_key: str, *, except_id: uuid.UUID | None = None
) -> bool:
    """Whether another chain (deleted ones included: the constraint covers them) has the name."""
    stmt = select(Chain.id).where(Chain.name_key == name_key)
    if except_id is not None:
        stmt = stmt.where(Chain.id != except_id)
    return (await session.execute(stmt)).first() is not None


async def slugs_like(session: AsyncSession, base: str) -> set[str]:
    """Existing slugs equal to `base` or `base-…`."""
    stmt = select(Chain.slug).where(or_(Chain.slug == base, Chain.slug.like(f"{base}-%")))
    return set((await session.execute(stmt)).scalars().all())


async def followed_ids(
    session: AsyncSession, user_id: uuid.UUID, chain_ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of the chains the user follows (one statement)."""
    if not chain_ids:
        return set()
    stmt = select(ChainFollower.chain_id).where(
        ChainFollower.user_id == user_id, ChainFollower.chain_id.in_(chain_ids)
    )
    return set((await session.execute(stmt)).scalars().all())


async def is_follower(session: AsyncSession, chain_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Whether the user follows the chain."""
    stmt = select(ChainFollower.chain_id).where(
        ChainFollower.chain_id == chain_id, ChainFollower.user_id == user_id
    )
    return (await session.execute(stmt)).first() is not None


async def insert_follower(session: AsyncSession, chain_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Follow unless the primary key says so already; True when new."""
    stmt = insert_ignoring_conflicts(
        session, ChainFollower, {"chain_id": chain_id, "user_id": user_id, "created_at": utcnow()}
    )
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))


async def delete_follower(session: AsyncSession, chain_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Unfollow; False when the user did not follow."""
    result = await session.execute(
        delete(ChainFollower).where(
            ChainFollower.chain_id == chain_id, ChainFollower.user_id == user_id
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def add_to_counters(session: AsyncSession, chain_id: uuid.UUID, **deltas: int) -> Any:
    """Move counters in SQL; the new values, in the order given."""
    values = {name: getattr(Chain, name) + delta for name, delta in deltas.items()}
    stmt = (
        update(Chain)
        .where(Chain.id == chain_id)
        .values(**values)
        .returning(*(getattr(Chain, name) for name in deltas))
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).one()


async def followers_page(
    session: AsyncSession, chain_id: uuid.UUID, *, offset: int, limit: int
) -> tuple[list[Any], int]:
    """(id, username, display_name, avatar_url, followed_at) of active followers, newest first."""
    conds = (
        ChainFollower.chain_id == chain_id,
        User.is_active.is_(True),
        User.deleted_at.is_(None),
    )
    total_stmt = (
        select(func.count())
        .select_from(ChainFollower)
        .join(User, User.id == ChainFollower.user_id)
        .where(*conds)
    )
    total = int((await session.execute(total_stmt)).scalar_one())
    stmt = (
        select(
            User.id,
            User.username,
            User.display_name,
            User.avatar_url,
            ChainFollower.created_at.label("followed_at"),
        )
        .select_from(ChainFollower)
        .join(User, User.id == ChainFollower.user_id)
        .where(*conds)
        .order_by(ChainFollower.created_at.desc(), User.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total


async def membership(
    session: AsyncSession, chain_id: uuid.UUID, project_id: uuid.UUID
) -> ChainProject | None:
    """The project's row in the chain, if any."""
    return await session.get(ChainProject, (chain_id, project_id))


async def chain_count_of_project(session: AsyncSession, project_id: uuid.UUID) -> int:
    """How many chains the project is in."""
    stmt = (
        select(func.count()).select_from(ChainProject).where(ChainProject.project_id == project_id)
    )
    return int((await session.execute(stmt)).scalar_one())


async def pending_request(
    session: AsyncSession, chain_id: uuid.UUID, project_id: uuid.UUID
) -> ChainProjectRequest | None:
    """The pending request for the pair, if any."""
    stmt = select(ChainProjectRequest).where(
        ChainProjectRequest.chain_id == chain_id,
        ChainProjectRequest.project_id == project_id,
        ChainProjectRequest.status == "pending",
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def insert_membership(
    session: AsyncSession,
    chain_id: uuid.UUID,
    project_id: uuid.UUID,
    added_by: uuid.UUID | None,
) -> tuple[ChainProject, int]:
    """Add the project to the chain and move `project_count` in SQL; the row and the count."""
    row = ChainProject(
        chain_id=chain_id,
        project_id=project_id,
        added_by=added_by,
        added_at=utcnow(),
        is_pinned=False,
    )
    session.add(row)
    await session.flush()
    (count,) = await add_to_counters(session, chain_id, project_count=1)
    return row, int(count)


async def delete_membership(
    session: AsyncSession, chain_id: uuid.UUID, project_id: uuid.UUID
) -> int | None:
    """Remove the project from the chain and move `project_count`; the count, None when absent."""
    result = await session.execute(
        delete(ChainProject).where(
            ChainProject.chain_id == chain_id, ChainProject.project_id == project_id
        )
    )
    if not getattr(result, "rowcount", 0):
        return None
    (count,) = await add_to_counters(session, chain_id, project_count=-1)
    return int(count)


async def request_by_id(
    session: AsyncSession, chain_id: uuid.UUID, request_id: uuid.UUID, *, lock: bool = False
) -> ChainProjectRequest | None:
    """A request of the chain (row-locked with `lock`)."""
    stmt = select(ChainProjectRequest).where(
        ChainProjectRequest.id == request_id, ChainProjectRequest.chain_id == chain_id
    )
    if lock:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def requests_page(
    session: AsyncSession, chain_id: uuid.UUID, *, status: str | None, offset: int, limit: int
) -> tuple[list[ChainProjectRequest], int]:
    """A chain's requests, newest first, and the total."""
    conds = [ChainProjectRequest.chain_id == chain_id]
    if status is not None:
        conds.append(ChainProjectRequest.status == status)
    total_stmt = select(func.count()).select_from(ChainProjectRequest).where(*conds)
    total = int((await session.execute(total_stmt)).scalar_one())
    stmt = (
        select(ChainProjectRequest)
        .where(*conds)
        .order_by(ChainProjectRequest.created_at.desc(), ChainProjectRequest.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars().all()), total


def follower_ids_query(chain_id: uuid.UUID, *, exclude: uuid.UUID | None) -> Any:
    """A select of the chain's follower ids (without `exclude`), for set-based inserts."""
    stmt = select(ChainFollower.user_id).where(ChainFollower.chain_id == chain_id)
    if exclude is not None:
        stmt = stmt.where(ChainFollower.user_id != exclude)
    return stmt


async def projects_page(
    session: AsyncSession,
    chain_id: uuid.UUID,
    *,
    filters: FeedFilters,
    pinned_only: bool,
    sort: str,
    offset: int,
    limit: int,
) -> tuple[list[Any], int]:
    """(Project, username, display_name, avatar_url, ChainProject) rows, pinned first; the total.

    Live projects of active owners only (the project lists' own conditions).
    """
    conds = [ChainProject.chain_id == chain_id, *feed_conditions(filters)]
    if pinned_only:
        conds.append(ChainProject.is_pinned.is_(True))
    base = (
        select(func.count())
        .select_from(ChainProject)
        .join(Project, Project.id == ChainProject.project_id)
        .join(User, User.id == Project.user_id)
        .where(*conds)
    )
    total = int((await session.execute(base)).scalar_one())
    stmt = (
        select(Project, User.username, User.display_name, User.avatar_url, ChainProject)
        .select_from(ChainProject)
        .join(Project, Project.id == ChainProject.project_id)
        .join(User, User.id == Project.user_id)
        .where(*conds)
        .order_by(ChainProject.is_pinned.desc(), *PROJECT_SORTS[sort])
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total
