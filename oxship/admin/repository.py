"""SQL of the admin console: user lists and account changes, content sweeps, lists and counters."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.sql import like_escape
from oxship.models import (
    AuthSession,
    Badge,
    Chain,
    ChainProject,
    Comment,
    Feedback,
    InvestorProfile,
    Project,
    User,
)

# --- users -------------------------------------------------------------------------------------


def _pattern(text: str) -> str:
    return f"%{like_escape(text.strip().lower())}%"


def _user_conditions(
    search: str | None, role: str | None, is_active: bool | None
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if search and search.strip():
        pattern = _pattern(search)
        conds.append(
            or_(
                User.username.like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
                func.lower(User.display_name).like(pattern, escape="\\"),
            )
        )
    if role == "admin":
        conds.append(User.is_admin.is_(True))
    elif role == "validator":
        conds.append(User.is_validator.is_(True))
    elif role == "investor":
        conds.append(User.is_investor.is_(True))
    elif role == "user":
        conds.append(
            and_(
                User.is_admin.is_(False), User.is_validator.is_(False), User.is_investor.is_(False)
            )
        )
    if is_active is not None:
        conds.append(User.is_active.is_(is_active))
    return conds


async def users_page(
    session: AsyncSession,
    *,
    search: str | None,
    role: str | None,
    is_active: bool | None,
    offset: int,
    limit: int,
) -> tuple[list[User], int]:
    """Users of one page, newest first, and the total (2 statements)."""
    conds = _user_conditions(search, role, is_active)
    total_stmt = select(func.count()).select_from(User).where(*conds)
    total = int((await session.execute(total_stmt)).scalar_one())
    stmt = (
        select(User)
        .where(*conds)
        .order_by(User.created_at.desc(), User.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all()), total


async def get_user(session: AsyncSession, user_id: uuid.UUID, *, lock: bool = False) -> User | None:
    """A user in any state (row-locked with `lock`)."""
    stmt = select(User).where(User.id == user_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return (await session.scalars(stmt)).one_or_none()


async def lock_projects_touched_by(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Row-lock, in id order, the user's live projects and the projects of their live comments.

    The house lock order is project rows, then comment rows, then user rows (see comments
    service): an account deletion takes these before it touches the account or its comments.
    """
    commented = select(Comment.project_id).where(
        Comment.user_id == user_id, Comment.is_deleted.is_(False)
    )
    stmt = (
        select(Project.id)
        .where(
            or_(
                and_(Project.user_id == user_id, Project.is_deleted.is_(False)),
                Project.id.in_(commented),
            )
        )
        .order_by(Project.id)
        .with_for_update()
    )
    await session.execute(stmt)


async def revoke_sessions(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> None:
    """End every live login session of the user (their access and refresh tokens stop working)."""
    await session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def soft_delete_projects_of(
    session: AsyncSession, user_id: uuid.UUID, now: datetime
) -> list[uuid.UUID]:
    """Soft-delete every live project of the user in one statement; their ids."""
    stmt = (
        update(Project)
        .where(Project.user_id == user_id, Project.is_deleted.is_(False))
        .values(is_deleted=True, deleted_at=now, updated_at=now)
        .returning(Project.id)
        .execution_options(synchronize_session=False)
    )
    return list((await session.execute(stmt)).scalars().all())


async def leave_chains(session: AsyncSession, project_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """Take these projects out of their chains, moving each chain's `project_count` once per
    membership; the chains' ids."""
    if not project_ids:
        return []
    memberships = (
        select(func.count())
        .select_from(ChainProject)
        .where(ChainProject.chain_id == Chain.id, ChainProject.project_id.in_(project_ids))
        .correlate(Chain)
        .scalar_subquery()
    )
    in_chains = select(ChainProject.chain_id).where(ChainProject.project_id.in_(project_ids))
    stmt = (
        update(Chain)
        .where(Chain.id.in_(in_chains))
        .values(project_count=Chain.project_count - memberships)
        .returning(Chain.id)
        .execution_options(synchronize_session=False)
    )
    chain_ids = list((await session.execute(stmt)).scalars().all())
    if chain_ids:
        await session.execute(delete(ChainProject).where(ChainProject.project_id.in_(project_ids)))
    return chain_ids


async def soft_delete_comments_of(
    session: AsyncSession, user_id: uuid.UUID, now: datetime
) -> list[tuple[uuid.UUID, uuid.UUID | None]]:
    """Soft-delete the user's live comments and move their parents' `reply_count` and their
    projects' `comment_count` once per comment; (project_id, parent_id) of each comment."""
    stmt = (
        update(Comment)
        .where(Comment.user_id == user_id, Comment.is_deleted.is_(False))
        .values(is_deleted=True, deleted_at=now, updated_at=now)
        .returning(Comment.project_id, Comment.parent_id)
        .execution_options(synchronize_session=False)
    )
    rows = [(r[0], r[1]) for r in (await session.execute(stmt)).all()]
    per_parent = Counter(parent for _, parent in rows if parent is not None)
    per_project = Counter(project for project, _ in rows)
    for parent_id, n in per_parent.items():
        await session.execute(
            update(Comment)
            .where(Comment.id == parent_id)
            .values(reply_count=Comment.reply_count - n)
            .execution_options(synchronize_session=False)
        )
    for project_id, n in per_project.items():
        await session.execute(
            update(Project)
            .where(Project.id == project_id)
            .values(comment_count=Project.comment_count - n)
            .execution_options(synchronize_session=False)
        )
    return rows


async def live_project_ids(
    session: AsyncSession, project_ids: list[uuid.UUID]
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(id, owner id) of the undeleted projects among these."""
    if not project_ids:
        return []
    stmt = select(Project.id, Project.user_id).where(
        Project.id.in_(project_ids), Project.is_deleted.is_(False)
    )
    return [(r[0], r[1]) for r in (await session.execute(stmt)).all()]


# --- projects ----------------------------------------------------------------------------------


async def projects_page(
    session: AsyncSession, *, search: str | None, include_deleted: bool, offset: int, limit: int
) -> tuple[list[Any], int]:
    """(Project, username, display_name, avatar_url) rows of every owner, newest first; total."""
    conds: list[ColumnElement[bool]] = []
    if not include_deleted:
        conds.append(Project.is_deleted.is_(False))
    if search and search.strip():
        pattern = _pattern(search)
        conds.append(
            or_(
                func.lower(Project.title).like(pattern, escape="\\"),
                func.lower(Project.tagline).like(pattern, escape="\\"),
                func.lower(Project.description).like(pattern, escape="\\"),
                User.username.like(pattern, escape="\\"),
            )
        )
    total_stmt = (
        select(func.count())
        .select_from(Project)
        .join(User, User.id == Project.user_id)
        .where(*conds)
    )
    total = int((await session.execute(total_stmt)).scalar_one())
    stmt = (
        select(Project, User.username, User.display_name, User.avatar_url)
        .join(User, User.id == Project.user_id)
        .where(*conds)
        .order_by(Project.created_at.desc(), Project.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total


async def project_with_owner(
    session: AsyncSession, project_id: uuid.UUID, *, lock: bool = False
) -> tuple[Project, User] | None:
    """A project in any state and its owner (the project row-locked with `lock`)."""
    stmt = (
        select(Project, User).join(User, User.id == Project.user_id).where(Project.id == project_id)
    )
    if lock:
        stmt = stmt.with_for_update(of=Project)
    row = (await session.execute(stmt)).first()
    return None if row is None else (row[0], row[1])


async def project_row(session: AsyncSession, project_id: uuid.UUID) -> Any:
    """(Project, username, display_name, avatar_url) of a project in any state."""
    stmt = (
        select(Project, User.username, User.display_name, User.avatar_url)
        .join(User, User.id == Project.user_id)
        .where(Project.id == project_id)
    )
    return (await session.execute(stmt)).one()


async def soft_delete_project(session: AsyncSession, project_id: uuid.UUID, now: datetime) -> None:
    """Mark one project deleted."""
    await session.execute(
        update(Project)
        .where(Project.id == project_id, Project.is_deleted.is_(False))
        .values(is_deleted=True, deleted_at=now, updated_at=now)
    )


async def restore_project(session: AsyncSession, project_id: uuid.UUID, now: datetime) -> bool:
    """Undo a soft delete; False when the project was not deleted (so counters move once)."""
    result = await session.execute(
        update(Project)
        .where(Project.id == project_id, Project.is_deleted.is_(True))
        .values(is_deleted=False, deleted_at=None, updated_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


# --- chains ------------------------------------------------------------------------------------


def _suspension_running(now: datetime) -> ColumnElement[bool]:
    return and_(
        Chain.status == "suspended",
        or_(Chain.suspended_until.is_(None), Chain.suspended_until > now),
    )


def _status_is(status: str, now: datetime) -> ColumnElement[bool]:
    if status == "banned":
        return Chain.status == "banned"
    if status == "suspended":
        return _suspension_running(now)
    return and_(Chain.status != "banned", ~_suspension_running(now))


async def chains_page(
    session: AsyncSession,
    *,
    status: str | None,
    search: str | None,
    now: datetime,
    offset: int,
    limit: int,
) -> tuple[list[Any], int]:
    """(Chain, username, display_name, avatar_url) rows of undeleted chains, private ones
    included, newest first; the total."""
    conds: list[ColumnElement[bool]] = [Chain.is_deleted.is_(False)]
    if status is not None:
        conds.append(_status_is(status, now))
    if search and search.strip():
        pattern = _pattern(search)
        conds.append(
            or_(
                Chain.name_key.like(pattern, escape="\\"),
                Chain.slug.like(pattern, escape="\\"),
                func.lower(Chain.description).like(pattern, escape="\\"),
            )
        )
    total_stmt = select(func.count()).select_from(Chain).where(*conds)
    total = int((await session.execute(total_stmt)).scalar_one())
    stmt = (
        select(Chain, User.username, User.display_name, User.avatar_url)
        .join(User, User.id == Chain.creator_id, isouter=True)
        .where(*conds)
        .order_by(Chain.created_at.desc(), Chain.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total


async def chain_for_update(session: AsyncSession, slug: str) -> Chain | None:
    """The undeleted chain with that slug, row-locked."""
    stmt = select(Chain).where(Chain.slug == slug, Chain.is_deleted.is_(False)).with_for_update()
    return (await session.scalars(stmt)).one_or_none()


async def chain_row(session: AsyncSession, chain_id: uuid.UUID) -> Any:
    """(Chain, username, display_name, avatar_url) of a chain."""
    stmt = (
        select(Chain, User.username, User.display_name, User.avatar_url)
        .join(User, User.id == Chain.creator_id, isouter=True)
        .where(Chain.id == chain_id)
    )
    return (await session.execute(stmt)).one()


async def chain_id_by_slug(session: AsyncSession, slug: str) -> uuid.UUID | None:
    """The id of the chain with that slug, deleted chains included (slugs are unique)."""
    return (await session.execute(select(Chain.id).where(Chain.slug == slug))).scalar_one_or_none()


# --- stats -------------------------------------------------------------------------------------


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def user_stats(session: AsyncSession) -> Any:
    """(total, active, banned, deleted, admins, validators, investors) in one statement."""
    alive = User.deleted_at.is_(None)
    stmt = select(
        func.count(),
        _count_if(and_(alive, User.is_active.is_(True))),
        _count_if(and_(alive, User.is_active.is_(False))),
        _count_if(User.deleted_at.is_not(None)),
        _count_if(and_(alive, User.is_admin.is_(True))),
        _count_if(and_(alive, User.is_validator.is_(True))),
        _count_if(and_(alive, User.is_investor.is_(True))),
    ).select_from(User)
    return (await session.execute(stmt)).one()


async def project_stats(session: AsyncSession) -> Any:
    """(total, live, deleted, featured live) in one statement."""
    live = Project.is_deleted.is_(False)
    stmt = select(
        func.count(),
        _count_if(live),
        _count_if(Project.is_deleted.is_(True)),
        _count_if(and_(live, Project.is_featured.is_(True))),
    ).select_from(Project)
    return (await session.execute(stmt)).one()


async def chain_stats(session: AsyncSession, now: datetime) -> Any:
    """(total undeleted, active, suspended, banned, deleted) in one statement."""
    alive = Chain.is_deleted.is_(False)
    stmt = select(
        _count_if(alive),
        _count_if(and_(alive, _status_is("active", now))),
        _count_if(and_(alive, _status_is("suspended", now))),
        _count_if(and_(alive, _status_is("banned", now))),
        _count_if(Chain.is_deleted.is_(True)),
    ).select_from(Chain)
    return (await session.execute(stmt)).one()


async def grouped_counts(session: AsyncSession, column: Any) -> dict[str, int]:
    """Rows per value of `column` (one GROUP BY statement)."""
    stmt = select(column, func.count()).group_by(column)
    return {str(key): int(n) for key, n in (await session.execute(stmt)).all()}


async def badge_counts(session: AsyncSession) -> dict[str, int]:
    """Badges per type."""
    return await grouped_counts(session, Badge.badge_type)


async def investor_request_counts(session: AsyncSession) -> dict[str, int]:
    """Investor applications per status."""
    return await grouped_counts(session, InvestorProfile.status)


async def feedback_counts(session: AsyncSession) -> dict[str, int]:
    """Feedback items per status."""
    return await grouped_counts(session, Feedback.status)
