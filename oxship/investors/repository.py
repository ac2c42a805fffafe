"""SQL for investor applications, the directory, its stats and project matches."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Float, case, delete, func, insert, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.investors.filters import DirectoryFilters, DirectorySort
from oxship.kit.sql import like_escape
from oxship.models import InvestorProfile, InvestorTag, Project, ProjectTag, User
from oxship.projects.repository import FeedFilters, feed_conditions, tag_key

TAG_MAX = 100  # InvestorTag.tag
OPEN_STATUSES = ("pending", "approved")

# The directory's visibility rule: an approved public profile of an active, undeleted account.
VISIBLE = (
    InvestorProfile.status == "approved",
    InvestorProfile.is_public.is_(True),
    User.is_active.is_(True),
    User.deleted_at.is_(None),
)


def investor_tag(text: str) -> str:
    """The stored form of a directory filter value: trimmed, lower-cased, cut to the column."""
    return text.strip().lower()[:TAG_MAX]


async def insert_application(
    session: AsyncSession, values: dict[str, Any]
) -> InvestorProfile | None:
    """Insert an application in a savepoint; None when the user already has an open one."""
    profile = InvestorProfile(**values)
    try:
        async with session.begin_nested():  # the partial unique index decides, under any race
            session.add(profile)
    except IntegrityError:
        return None
    return profile


async def flush(session: AsyncSession) -> None:
    """Write pending attribute changes now (so constraint errors surface in the service)."""
    await session.flush()


async def replace_tags(
    session: AsyncSession,
    profile_id: uuid.UUID,
    *,
    stages: Iterable[str],
    industries: Iterable[str],
    geographies: Iterable[str],
) -> None:
    """Set the lower-cased filter tags of a profile from its lists."""
    await session.execute(delete(InvestorTag).where(InvestorTag.profile_id == profile_id))
    rows = [
        {"profile_id": profile_id, "kind": kind, "tag": tag}
        for kind, values in (
            ("stage", stages),
            ("industry", industries),
            ("geography", geographies),
        )
        for tag in sorted({investor_tag(v) for v in values if v and v.strip()})
    ]
    if rows:
        await session.execute(insert(InvestorTag), rows)


async def get(
    session: AsyncSession, profile_id: uuid.UUID, *, lock: bool = False
) -> InvestorProfile | None:
    """An application by id (row-locked with `lock`)."""
    stmt = select(InvestorProfile).where(InvestorProfile.id == profile_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).one_or_none()


async def latest_of_user(
    session: AsyncSession, user_id: uuid.UUID, *, lock: bool = False
) -> InvestorProfile | None:
    """The user's most recent application."""
    stmt = (
        select(InvestorProfile)
        .where(InvestorProfile.user_id == user_id)
        .order_by(InvestorProfile.created_at.desc(), InvestorProfile.id.desc())
        .limit(1)
    )
    if lock:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).one_or_none()


async def open_of_user(
    session: AsyncSession, user_id: uuid.UUID, *, status: str | None = None, lock: bool = False
) -> InvestorProfile | None:
    """The user's pending or approved application (only `status` when given)."""
    wanted = (status,) if status else OPEN_STATUSES
    stmt = select(InvestorProfile).where(
        InvestorProfile.user_id == user_id, InvestorProfile.status.in_(wanted)
    )
    if lock:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt.limit(1))).one_or_none()


async def latest_decided_at(
    session: AsyncSession, user_id: uuid.UUID, *, status: str
) -> datetime | None:
    """When the user's latest application with this status was decided."""
    stmt = select(func.max(InvestorProfile.decided_at)).where(
        InvestorProfile.user_id == user_id, InvestorProfile.status == status
    )
    value: datetime | None = (await session.execute(stmt)).scalar_one_or_none()
    return value


async def admin_page(
    session: AsyncSession, *, status: str | None, offset: int, limit: int
) -> tuple[list[Any], int]:
    """(InvestorProfile, User) rows, newest application first, and the total."""
    conditions = [InvestorProfile.status == status] if status else []
    count = select(func.count()).select_from(InvestorProfile).where(*conditions)
    total = int((await session.execute(count)).scalar_one())
    stmt = (
        select(InvestorProfile, User)
        .join(User, User.id == InvestorProfile.user_id)
        .where(*conditions)
        .order_by(InvestorProfile.created_at.desc(), InvestorProfile.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total


def _card_columns() -> tuple[Any, ...]:
    return (InvestorProfile, User.username, User.display_name, User.avatar_url)


async def public_profile(session: AsyncSession, user_id: uuid.UUID) -> Any:
    """(InvestorProfile, username, display_name, avatar_url) of the user's visible profile."""
    stmt = (
        select(*_card_columns())
        .join(User, User.id == InvestorProfile.user_id)
        .where(InvestorProfile.user_id == user_id, *VISIBLE)
        .limit(1)
    )
    return (await session.execute(stmt)).first()


def _has_any_tag(kind: str, values: Sequence[str]) -> Any:
    return (
        select(InvestorTag.profile_id)
        .where(
            InvestorTag.profile_id == InvestorProfile.id,
            InvestorTag.kind == kind,
            InvestorTag.tag.in_([investor_tag(v) for v in values]),
        )
        .exists()
    )


def directory_conditions(f: DirectoryFilters) -> list[Any]:
    """WHERE clauses of the directory: visible profiles matching every filter given."""
    conditions: list[Any] = list(VISIBLE)
    if f.investor_type:
        conditions.append(InvestorProfile.investor_type == f.investor_type)
    for kind, values in (("stage", f.stages), ("industry", f.industries)):
        if values:
            conditions.append(_has_any_tag(kind, values))
    if f.geographies:
        conditions.append(_has_any_tag("geography", f.geographies))
    # Ranges overlap when each starts before the other ends; an unknown bound is open.
    if f.min_ticket is not None:
        conditions.append(
            or_(
                InvestorProfile.ticket_size_max.is_(None),
                InvestorProfile.ticket_size_max >= f.min_ticket,
            )
        )
    if f.max_ticket is not None:
        conditions.append(
            or_(
                InvestorProfile.ticket_size_min.is_(None),
                InvestorProfile.ticket_size_min <= f.max_ticket,
            )
        )
    if f.open_to_requests is not None:
        conditions.append(InvestorProfile.open_to_requests.is_(f.open_to_requests))
    if f.search:
        pattern = f"%{like_escape(f.search.lower())}%"
        conditions.append(
            or_(
                func.lower(InvestorProfile.name).like(pattern, escape="\\"),
                func.lower(InvestorProfile.company_name).like(pattern, escape="\\"),
                func.lower(InvestorProfile.investment_thesis).like(pattern, escape="\\"),
            )
        )
    return conditions


SORTS: dict[DirectorySort, tuple[Any, ...]] = {
    DirectorySort.NEWEST: (InvestorProfile.decided_at.desc(), InvestorProfile.id.desc()),
    DirectorySort.MOST_ACTIVE: (
        InvestorProfile.accepted_intro_count.desc(),
        InvestorProfile.decided_at.desc(),
        InvestorProfile.id.desc(),
    ),
    DirectorySort.TICKET_SIZE: (
        InvestorProfile.ticket_size_max.is_(None),  # false sorts first: unknown tickets last
        InvestorProfile.ticket_size_max.desc(),
        InvestorProfile.id.desc(),
    ),
    DirectorySort.ALPHABETICAL: (func.lower(InvestorProfile.name), InvestorProfile.id),
}


async def directory_page(
    session: AsyncSession, f: DirectoryFilters, *, sort: DirectorySort, offset: int, limit: int
) -> tuple[list[Any], int]:
    """One directory page of (InvestorProfile, username, display_name, avatar_url) and the total."""
    conditions = directory_conditions(f)
    count = (
        select(func.count())
        .select_from(InvestorProfile)
        .join(User, User.id == InvestorProfile.user_id)
        .where(*conditions)
    )
    total = int((await session.execute(count)).scalar_one())
    stmt = (
        select(*_card_columns())
        .join(User, User.id == InvestorProfile.user_id)
        .where(*conditions)
        .order_by(*SORTS[sort])
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total


async def type_counts(session: AsyncSession) -> list[Any]:
    """(investor_type, investors, open to requests) over visible profiles."""
    stmt = (
        select(
            InvestorProfile.investor_type,
            func.count(),
            func.coalesce(
                func.sum(case((InvestorProfile.open_to_requests.is_(True), 1), else_=0)), 0
            ),
        )
        .join(User, User.id == InvestorProfile.user_id)
        .where(*VISIBLE)
        .group_by(InvestorProfile.investor_type)
    )
    return list((await session.execute(stmt)).all())


async def tag_counts(session: AsyncSession, kinds: Sequence[str]) -> list[Any]:
    """(kind, tag, investors) over visible profiles, most common first."""
    n = func.count().label("n")
    stmt = (
        select(InvestorTag.kind, InvestorTag.tag, n)
        .join(InvestorProfile, InvestorProfile.id == InvestorTag.profile_id)
        .join(User, User.id == InvestorProfile.user_id)
        .where(InvestorTag.kind.in_(kinds), *VISIBLE)
        .group_by(InvestorTag.kind, InvestorTag.tag)
        .order_by(InvestorTag.kind, n.desc(), InvestorTag.tag)
    )
    return list((await session.execute(stmt)).all())


def match_columns(industries: Sequence[str], recency: Sequence[tuple[datetime, float]]) -> Any:
    """(industry, proof, recency, total) score expressions of a project for an investor."""
    keys = sorted({tag_key(i) for i in industries if i.strip()})
    if keys:

        def categories(*extra: Any) -> Any:
            return (
                select(func.count())
                .select_from(ProjectTag)
                .where(ProjectTag.project_id == Project.id, ProjectTag.kind == "category", *extra)
                .correlate(Project)
                .scalar_subquery()
            )

        matched, total = categories(ProjectTag.tag.in_(keys)), categories()
        # Full points for two matching categories, or when every category of the project matches.
        industry: Any = case(
            (matched >= 2, 50.0), (matched == 0, 0.0), (matched == total, 50.0), else_=25.0
        )
    else:
        industry = literal(0.0, Float)
    proof = Project.proof_score * 0.3
    fresh = case(*((Project.created_at >= since, points) for since, points in recency), else_=0.0)
    return industry, proof, fresh, industry + proof + fresh


async def match_page(
    session: AsyncSession,
    *,
    investor_id: uuid.UUID,
    industries: Sequence[str],
    recency: Sequence[tuple[datetime, float]],
    offset: int,
    limit: int,
) -> tuple[list[Any], int]:
    """Live projects (not the investor's own) ranked by match score: rows and the total.

    Rows: (Project, username, display_name, avatar_url, industry, proof, recency, score).
    """
    conditions = [*feed_conditions(FeedFilters()), Project.user_id != investor_id]
    count = select(func.count()).select_from(Project).join(User, User.id == Project.user_id)
    total = int((await session.execute(count.where(*conditions))).scalar_one())
    industry, proof, fresh, score = match_columns(industries, recency)
    ranked = score.label("match_score")
    stmt = (
        select(
            Project,
            User.username,
            User.display_name,
            User.avatar_url,
            industry.label("industry_points"),
            proof.label("proof_points"),
            fresh.label("recency_points"),
            ranked,
        )
        .join(User, User.id == Project.user_id)
        .where(*conditions)
        .order_by(
            ranked.desc(), Project.proof_score.desc(), Project.created_at.desc(), Project.id.desc()
        )
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total
