"""SQL for users."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Numeric, cast, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from oxship.kit.sql import like_escape
from oxship.models import Badge, Comment, Notification, Project, User


def _live() -> Any:
    return (User.is_active.is_(True)) & (User.deleted_at.is_(None))


async def get(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    """A user by id (any state)."""
    return await session.get(User, user_id)


async def get_live_by_username(session: AsyncSession, username: str) -> User | None:
    """An active, undeleted user by (lower-cased) username."""
    stmt = select(User).where(User.username == username.lower(), _live())
    return (await session.scalars(stmt)).one_or_none()


async def get_by_login(session: AsyncSession, identifier: str) -> User | None:
    """An undeleted user by email or username (both stored lower-cased)."""
    ident = identifier.strip().lower()
    column = User.email if "@" in ident else User.username
    stmt = select(User).where(column == ident, User.deleted_at.is_(None))
    return (await session.scalars(stmt)).one_or_none()


async def taken(session: AsyncSession, *, email: str, username: str) -> tuple[bool, bool]:
    """Whether the email and the username are already used (by any account)."""
    stmt = select(User.email, User.username).where(
        or_(User.email == email, User.username == username)
    )
    rows = (await session.execute(stmt)).all()
    return any(r.email == email for r in rows), any(r.username == username for r in rows)


async def insert(session: AsyncSession, **values: Any) -> User | None:
    """Insert a user in a savepoint; None when a unique constraint (email, username) refuses it."""
    user = User(**values)
    try:
        async with session.begin_nested():
            session.add(user)
    except IntegrityError:
        return None
    return user


async def update_fields(session: AsyncSession, user_id: uuid.UUID, **values: Any) -> None:
    """Set columns of one user."""
    await session.execute(update(User).where(User.id == user_id).values(**values))


async def search_prefix(session: AsyncSession, prefix: str, *, limit: int) -> Sequence[User]:
    """Active users whose username or display name starts with `prefix` (case-insensitive)."""
    pattern = like_escape(prefix.lower()) + "%"
    stmt = (
        select(User)
        .where(
            _live(),
            or_(
                User.username.like(pattern, escape="\\"),
                func.lower(User.display_name).like(pattern, escape="\\"),
            ),
        )
        .order_by(User.karma.desc(), User.username)
        .limit(limit)
    )
    return (await session.scalars(stmt)).all()


async def add_karma(session: AsyncSession, user_id: uuid.UUID, delta: float) -> str | None:
    """`karma = round(karma + delta, 2)` in one statement; the username."""
    stmt = (
        update(User)
        .where(User.id == user_id)
        .values(karma=func.round(cast(User.karma + delta, Numeric), 2))
        .returning(User.username, User.karma)
        .execution_options(synchronize_session=False)
    )
    row = (await session.execute(stmt)).one_or_none()
    if row is None:
        return None
    loaded = session.identity_map.get(identity_key(User, user_id))
    if loaded is not None:
        set_committed_value(loaded, "karma", row.karma)
    return str(row.username)


async def refresh_karma(session: AsyncSession, user_id: uuid.UUID) -> str | None:
    """Recompute karma from source rows (API §2.3); the username.

    The user's row is locked first, in a statement of its own: under READ COMMITTED the sum is then
    read by a later statement, whose snapshot includes any karma move (a vote's delta on another
    project) this one waited for; summing inside the locking UPDATE would read the older snapshot
    and lose that move.
    """
    await session.execute(select(User.id).where(User.id == user_id).with_for_update())
    projects = (
        select(func.coalesce(func.sum(Project.proof_score), 0.0))
        .where(Project.user_id == user_id, Project.is_deleted.is_(False))
        .scalar_subquery()
    )
    badges = (
        select(func.count()).select_from(Badge).where(Badge.validator_id == user_id)
    ).scalar_subquery()
    comment_upvotes = (
        select(func.coalesce(func.sum(Comment.upvotes), 0))
        .where(Comment.user_id == user_id, Comment.is_deleted.is_(False))
        .scalar_subquery()
    )
    stmt = (
        update(User)
        .where(User.id == user_id)
        .values(karma=func.round(cast(projects + 2 * badges + comment_upvotes, Numeric), 2))
        .returning(User.username, User.karma)
        # The default sync would expire `karma` on a loaded User (the SQL cannot be evaluated in
        # Python), and reading it later would lazy-load outside the async context: set it instead.
        .execution_options(synchronize_session=False)
    )
    row = (await session.execute(stmt)).one_or_none()
    if row is None:
        return None
    loaded = session.identity_map.get(identity_key(User, user_id))
    if loaded is not None:
        set_committed_value(loaded, "karma", row.karma)
    return str(row.username)


async def add_project_count(session: AsyncSession, user_id: uuid.UUID, delta: int) -> None:
    """`project_count = project_count + delta` in SQL."""
    await session.execute(
        update(User).where(User.id == user_id).values(project_count=User.project_count + delta)
    )


async def top_by_karma(session: AsyncSession, *, limit: int) -> Sequence[User]:
    """Active users by karma, highest first."""
    stmt = select(User).where(_live()).order_by(User.karma.desc(), User.id).limit(limit)
    return (await session.scalars(stmt)).all()


async def dashboard_counts(session: AsyncSession, user_id: uuid.UUID, *, active_since: Any) -> Any:
    """The caller's dashboard counters from source rows, in one statement."""
    live_project = (Project.user_id == user_id) & (Project.is_deleted.is_(False))

    def scalar(stmt: Any) -> Any:
        return stmt.scalar_subquery()

    stmt = select(
        scalar(select(func.count()).select_from(Project).where(live_project)).label(
            "project_count"
        ),
        scalar(
            select(func.count())
            .select_from(Project)
            .where(live_project, Project.updated_at >= active_since)
        ).label("active_projects"),
        scalar(select(func.coalesce(func.sum(Project.proof_score), 0.0)).where(live_project)).label(
            "total_proof_score"
        ),
        scalar(
            select(func.count())
            .select_from(Comment)
            .where(Comment.user_id == user_id, Comment.is_deleted.is_(False))
        ).label("comment_count"),
        scalar(select(func.count()).select_from(Badge).where(Badge.validator_id == user_id)).label(
            "badges_given"
        ),
        scalar(
            select(func.count())
            .select_from(Badge)
            .join(Project, Project.id == Badge.project_id)
            .where(live_project)
        ).label("badges_received"),
        scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.is_read.is_(False))
        ).label("unread_notifications"),
    )
    return (await session.execute(stmt)).one()
