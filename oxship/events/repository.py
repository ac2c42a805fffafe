"""SQL for events, their entries and their subscribers."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, case, cast, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.events.filters import EventFilters
from oxship.kit.clock import utcnow
from oxship.kit.sql import dialect_name, insert_ignoring_conflicts, like_escape
from oxship.models import Event, EventProject, EventSubscriber, Project, User
from oxship.projects.repository import FeedFilters, feed_conditions

LIVE = Event.is_deleted.is_(False)
SEP = "\x1f"


def sorts(sort: str, now: datetime) -> tuple[Any, ...]:
    """ORDER BY of an event list; `upcoming` puts events not yet ended first, soonest start first,
    then ended ones, most recently ended first."""
    if sort == "upcoming":
        ended = case((Event.end_date < now, 1), else_=0)
        start_if_live = case((Event.end_date >= now, Event.start_date))
        return (ended.asc(), start_if_live.asc(), Event.end_date.desc(), Event.id.asc())
    if sort == "newest":
        return (Event.created_at.desc(), Event.id.desc())
    if sort == "popular":
        return (
            Event.subscriber_count.desc(),
            Event.view_count.desc(),
            Event.created_at.desc(),
            Event.id.desc(),
        )
    if sort == "prize":
        no_prize = case((Event.prize_pool.is_(None), 1), else_=0)
        return (no_prize.asc(), Event.prize_pool.desc(), Event.start_date.asc(), Event.id.asc())
    if sort == "ending_soon":
        return (Event.end_date.asc(), Event.id.asc())
    raise ValueError(f"unknown sort {sort!r}")


def _has_category(category: str, dialect: str) -> ColumnElement[bool]:
    """Case-insensitive membership: `text[]` on PostgreSQL, a JSON array on SQLite."""
    if dialect == "postgresql":
        joined = func.concat(SEP, func.lower(func.array_to_string(Event.categories, SEP)), SEP)
        return joined.like(f"%{SEP}{like_escape(category)}{SEP}%", escape="\\")
    quoted = like_escape(json.dumps(category))  # the JSON text of the element, quotes included
    return func.lower(cast(Event.categories, Text)).like(f"%{quoted}%", escape="\\")


def _flag(condition: ColumnElement[bool], wanted: bool | None) -> list[ColumnElement[bool]]:
    if wanted is None:
        return []
    return [condition if wanted else ~condition]


def _where(filters: EventFilters, sort: str, dialect: str) -> list[ColumnElement[bool]]:
    now = filters.now
    conds: list[ColumnElement[bool]] = [LIVE]
    if filters.search:
        pattern = f"%{like_escape(filters.search.lower())}%"
        conds.append(
            or_(
                Event.name_key.like(pattern, escape="\\"),
                func.lower(Event.tagline).like(pattern, escape="\\"),
                func.lower(Event.description).like(pattern, escape="\\"),
            )
        )
    if filters.event_type:
        conds.append(Event.event_type == filters.event_type)
    if filters.category:
        conds.append(_has_category(filters.category.lower(), dialect))
    conds += _flag(Event.start_date > now, filters.upcoming)
    conds += _flag(Event.end_date < now, filters.past)
    conds += _flag((Event.start_date <= now) & (Event.end_date >= now), filters.ongoing)
    if filters.featured is not None:
        conds.append(Event.is_featured.is_(filters.featured))
    if filters.verified is not None:
        conds.append(Event.is_verified.is_(filters.verified))
    if sort == "ending_soon":  # only events that have not ended yet
        conds.append(Event.end_date >= now)
    return conds


def _rows() -> Any:
    return select(Event, User.username, User.display_name, User.avatar_url).join(
        User, User.id == Event.creator_id
    )


async def page(
    session: AsyncSession, *, filters: EventFilters, sort: str, offset: int, limit: int
) -> tuple[list[Any], int]:
    """(Event, username, display_name, avatar_url) rows of one page, and the total."""
    conds = _where(filters, sort, dialect_name(session))
    total_stmt = select(func.count()).select_from(Event).where(*conds)
    total = int((await session.execute(total_stmt)).scalar_one())
    stmt = _rows().where(*conds).order_by(*sorts(sort, filters.now)).offset(offset).limit(limit)
    return list((await session.execute(stmt)).all()), total


async def row_by_id(session: AsyncSession, event_id: uuid.UUID) -> Any | None:
    """The live event row with its organizer's card fields."""
    return (await session.execute(_rows().where(Event.id == event_id, LIVE))).first()


async def live_by_slug(session: AsyncSession, slug: str, *, lock: bool = False) -> Event | None:
    """The live event with that slug (row-locked with `lock`)."""
    stmt = select(Event).where(Event.slug == slug, LIVE)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def count_view(session: AsyncSession, slug: str) -> uuid.UUID | None:
    """Add a view to the live event with that slug in SQL; its id, None when there is none."""
    stmt = (
        update(Event)
        .where(Event.slug == slug, LIVE)
        .values(view_count=Event.view_count + 1)
        .returning(Event.id)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def name_taken(
    session: AsyncSession, name_key: str, *, except_id: uuid.UUID | None = None
) -> bool:
    """Whether another event (deleted ones included: the constraint covers them) has the name."""
    stmt = select(Event.id).where(Event.name_key == name_key)
    if except_id is not None:
        stmt = stmt.where(Event.id != except_id)
    return (await session.execute(stmt)).first() is not None


async def slugs_like(session: AsyncSession, base: str) -> set[str]:
    """Existing slugs equal to `base` or `base-…`."""
    pattern = f"{like_escape(base)}-%"
    stmt = select(Event.slug).where(or_(Event.slug == base, Event.slug.like(pattern, escape="\\")))
    return set((await session.execute(stmt)).scalars().all())


async def type_counts(session: AsyncSession) -> dict[str, int]:
    """Live events per type."""
    stmt = select(Event.event_type, func.count()).where(LIVE).group_by(Event.event_type)
    return {str(kind): int(n) for kind, n in (await session.execute(stmt)).all()}


async def add_to_counters(session: AsyncSession, event_id: uuid.UUID, **deltas: int) -> Any:
    """Move counters in SQL; the new values, in the order given."""
    values = {name: getattr(Event, name) + delta for name, delta in deltas.items()}
    stmt = (
        update(Event)
        .where(Event.id == event_id)
        .values(**values)
        .returning(*(getattr(Event, name) for name in deltas))
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).one()


async def subscribed_ids(
    session: AsyncSession, user_id: uuid.UUID, event_ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of the events the user is subscribed to (one statement)."""
    if not event_ids:
        return set()
    stmt = select(EventSubscriber.event_id).where(
        EventSubscriber.user_id == user_id, EventSubscriber.event_id.in_(event_ids)
    )
    return set((await session.execute(stmt)).scalars().all())


async def insert_subscriber(session: AsyncSession, event_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Subscribe unless the primary key says so already; True when new."""
    stmt = insert_ignoring_conflicts(
        session, EventSubscriber, {"event_id": event_id, "user_id": user_id, "created_at": utcnow()}
    )
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))


async def delete_subscriber(session: AsyncSession, event_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Unsubscribe; False when the user was not subscribed."""
    result = await session.execute(
        delete(EventSubscriber).where(
            EventSubscriber.event_id == event_id, EventSubscriber.user_id == user_id
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def entry(
    session: AsyncSession, event_id: uuid.UUID, project_id: uuid.UUID
) -> EventProject | None:
    """The project's entry in the event, if any."""
    stmt = select(EventProject).where(
        EventProject.event_id == event_id, EventProject.project_id == project_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def insert_entry(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Enter a project unless the primary key says it is in already; True when new."""
    result = await session.execute(insert_ignoring_conflicts(session, EventProject, values))
    return bool(getattr(result, "rowcount", 0))


async def delete_entry(session: AsyncSession, event_id: uuid.UUID, project_id: uuid.UUID) -> bool:
    """Take a project out of the event; False when it was not in."""
    result = await session.execute(
        delete(EventProject).where(
            EventProject.event_id == event_id, EventProject.project_id == project_id
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def project_owner(session: AsyncSession, project_id: uuid.UUID) -> uuid.UUID | None:
    """The owner of a project in any state, None when there is no such project."""
    stmt = select(Project.user_id).where(Project.id == project_id)
    return (await session.execute(stmt)).scalar_one_or_none()


PROJECT_SORTS: dict[str, tuple[Any, ...]] = {
    "top": (Project.proof_score.desc(), Project.upvotes.desc(), Project.id.desc()),
    "winners": (
        EventProject.is_winner.desc(),
        case((EventProject.rank.is_(None), 1), else_=0).asc(),
        EventProject.rank.asc(),
        Project.proof_score.desc(),
        Project.id.desc(),
    ),
    "finalists": (
        EventProject.is_finalist.desc(),
        EventProject.is_winner.desc(),
        case((EventProject.rank.is_(None), 1), else_=0).asc(),
        EventProject.rank.asc(),
        Project.proof_score.desc(),
        Project.id.desc(),
    ),
    "newest": (EventProject.added_at.desc(), Project.id.desc()),
}


async def projects_page(
    session: AsyncSession,
    event_id: uuid.UUID,
    *,
    track: str | None,
    sort: str,
    offset: int,
    limit: int,
) -> tuple[list[Any], int]:
    """(Project, username, display_name, avatar_url, EventProject) rows of live projects; total."""
    conds = [EventProject.event_id == event_id, *feed_conditions(FeedFilters())]
    if track:
        conds.append(func.lower(EventProject.track) == track.lower())
    total_stmt = (
        select(func.count())
        .select_from(EventProject)
        .join(Project, Project.id == EventProject.project_id)
        .join(User, User.id == Project.user_id)
        .where(*conds)
    )
    total = int((await session.execute(total_stmt)).scalar_one())
    stmt = (
        select(Project, User.username, User.display_name, User.avatar_url, EventProject)
        .select_from(EventProject)
        .join(Project, Project.id == EventProject.project_id)
        .join(User, User.id == Project.user_id)
        .where(*conds)
        .order_by(*PROJECT_SORTS[sort])
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total


async def tracks(session: AsyncSession, event_id: uuid.UUID) -> list[str]:
    """The distinct tracks of the event's entries."""
    stmt = (
        select(EventProject.track)
        .where(EventProject.event_id == event_id, EventProject.track.is_not(None))
        .distinct()
    )
    return sorted((str(t) for t in (await session.execute(stmt)).scalars().all()), key=str.lower)
