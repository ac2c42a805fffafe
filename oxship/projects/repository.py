"""SQL for projects: rows, screenshots, tags, counters, scores, views."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, func, insert, literal, or_, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.clock import utcnow
from oxship.kit.sql import insert_ignoring_conflicts, like_escape
from oxship.models import (
    Badge,
    Chain,
    ChainProject,
    Event,
    EventProject,
    Project,
    ProjectScreenshot,
    ProjectTag,
    ProjectView,
    SavedProject,
    User,
    Vote,
)

OWNER_VISIBLE = (User.is_active.is_(True)) & (User.deleted_at.is_(None))
LIVE = Project.is_deleted.is_(False)


async def insert_project(session: AsyncSession, values: dict[str, Any]) -> Project:
    """Insert a project row and flush it."""
    project = Project(**values)
    session.add(project)
    await session.flush()
    return project


async def replace_screenshots(
    session: AsyncSession, project_id: uuid.UUID, urls: Sequence[str]
) -> None:
    """Set the project's screenshots to `urls`, in order."""
    await session.execute(
        delete(ProjectScreenshot).where(ProjectScreenshot.project_id == project_id)
    )
    if urls:
        await session.execute(
            insert(ProjectScreenshot),
            [
                {"id": uuid.uuid4(), "project_id": project_id, "url": url, "order_index": i}
                for i, url in enumerate(urls)
            ],
        )


TAG_MAX = 200  # ProjectTag.tag


def tag_key(text: str) -> str:
    """The stored form of a filter tag: trimmed, lower-cased, cut to the column's length.

    Lower-casing can lengthen a string (`"İ".lower()` is two code points), so a valid 200-char
    hackathon name must still fit.
    """
    return text.strip().lower()[:TAG_MAX]


async def replace_tags(
    session: AsyncSession, project_id: uuid.UUID, kind: str, tags: Iterable[str]
) -> None:
    """Set the lower-cased filter tags of one kind (category, tech, hackathon, member)."""
    await session.execute(
        delete(ProjectTag).where(ProjectTag.project_id == project_id, ProjectTag.kind == kind)
    )
    values = sorted({tag_key(t) for t in tags if t and t.strip()})
    if values:
        await session.execute(
            insert(ProjectTag),
            [{"kind": kind, "tag": tag, "project_id": project_id} for tag in values],
        )


async def get_live(
    session: AsyncSession, project_id: uuid.UUID, *, lock: bool = False
) -> Project | None:
    """A project that is not deleted and whose owner is active (row-locked with `lock`)."""
    stmt = (
        select(Project)
        .join(User, User.id == Project.user_id)
        .where(Project.id == project_id, LIVE, OWNER_VISIBLE)
    )
    if lock:
        stmt = stmt.with_for_update(of=Project)
    return (await session.scalars(stmt)).one_or_none()


async def get_any(session: AsyncSession, project_id: uuid.UUID) -> Project | None:
    """A project in any state."""
    return await session.get(Project, project_id)


async def detail_row(session: AsyncSession, project_id: uuid.UUID) -> Any:
    """A live project with its creator's card columns."""
    stmt = (
        select(Project, User.username, User.display_name, User.avatar_url)
        .join(User, User.id == Project.user_id)
        .where(Project.id == project_id, LIVE, OWNER_VISIBLE)
    )
    return (await session.execute(stmt)).first()


async def score_inputs(session: AsyncSession, project_id: uuid.UUID) -> Row[Any]:
    """The columns the proof and trending scores are computed from."""
    stmt = (
        select(
            Project.user_id,
            Project.upvotes,
            Project.downvotes,
            Project.comment_count,
            Project.badge_points,
            Project.demo_url,
            Project.github_url,
            Project.screenshot_count,
            func.length(Project.description).label("description_length"),
            Project.is_featured,
            Project.created_at,
            Project.is_deleted,
            Project.proof_score.label("stored_proof"),
            User.email_verified,
            User.has_oxcert,
            User.github_connected,
        )
        .join(User, User.id == Project.user_id)
        .where(Project.id == project_id)
    )
    return (await session.execute(stmt)).one()


async def store_scores(
    session: AsyncSession, project_id: uuid.UUID, values: dict[str, Any]
) -> None:
    """Write the computed score columns."""
    await session.execute(update(Project).where(Project.id == project_id).values(**values))


async def add_to_counters(session: AsyncSession, project_id: uuid.UUID, **deltas: int) -> Row[Any]:
    """`counter = counter + delta` in SQL for each given counter; the new values."""
    values = {name: getattr(Project, name) + delta for name, delta in deltas.items()}
    stmt = (
        update(Project)
        .where(Project.id == project_id)
        .values(**values)
        .returning(*(getattr(Project, name) for name in deltas))
    )
    return (await session.execute(stmt)).one()


async def update_fields(
    session: AsyncSession, project_id: uuid.UUID, values: dict[str, Any]
) -> None:
    """Set columns of one project."""
    await session.execute(update(Project).where(Project.id == project_id).values(**values))


async def screenshots_for(
    session: AsyncSession, project_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """The ordered screenshots of each project, in one statement."""
    found: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    if not project_ids:
        return found
    stmt = (
        select(ProjectScreenshot)
        .where(ProjectScreenshot.project_id.in_(project_ids))
        .order_by(ProjectScreenshot.project_id, ProjectScreenshot.order_index)
    )
    for shot in await session.scalars(stmt):
        found[shot.project_id].append(
            {"id": str(shot.id), "url": shot.url, "order_index": shot.order_index}
        )
    return found


async def chains_for(
    session: AsyncSession, project_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """The live public chains of each project (pinned first, then oldest), in one statement.

    Project JSON is shared by every caller, so private chains never appear in it.
    """
    found: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    if not project_ids:
        return found
    stmt = (
        select(ChainProject.project_id, ChainProject.is_pinned, Chain.id, Chain.name, Chain.slug)
        .add_columns(Chain.logo_url)
        .join(Chain, Chain.id == ChainProject.chain_id)
        .where(
            ChainProject.project_id.in_(project_ids),
            Chain.is_deleted.is_(False),
            Chain.is_public.is_(True),
        )
        .order_by(ChainProject.project_id, ChainProject.is_pinned.desc(), ChainProject.added_at)
    )
    for project_id, is_pinned, chain_id, name, slug, logo_url in await session.execute(stmt):
        found[project_id].append(
            {
                "id": str(chain_id),
                "name": name,
                "slug": slug,
                "logo_url": logo_url,
                "is_pinned": is_pinned,
            }
        )
    return found


async def badges_for(
    session: AsyncSession, project_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """The badges of each project, newest first, in one statement."""
    found: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    if not project_ids:
        return found
    stmt = (
        select(Badge, User.username)
        .join(User, User.id == Badge.validator_id)
        .where(Badge.project_id.in_(project_ids))
        .order_by(Badge.project_id, Badge.created_at.desc())
    )
    for badge, username in await session.execute(stmt):
        found[badge.project_id].append(
            {
                "id": str(badge.id),
                "badge_type": badge.badge_type,
                "points": badge.points,
                "validator_id": str(badge.validator_id),
                "validator_username": username,
                "created_at": badge.created_at,
            }
        )
    return found


async def record_view(session: AsyncSession, project_id: uuid.UUID, viewer_key: str) -> bool:
    """Insert the (project, viewer) view unless it exists; True when it is new."""
    stmt = insert_ignoring_conflicts(
        session,
        ProjectView,
        {"project_id": project_id, "viewer_key": viewer_key, "created_at": utcnow()},
    )
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))


async def live_ids_of_owner(session: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
    """Ids of a user's undeleted projects (whatever the owner's state)."""
    stmt = select(Project.id).where(Project.user_id == user_id, LIVE)
    return list((await session.scalars(stmt)).all())


@dataclass(frozen=True, slots=True)
class FeedFilters:
    """Every filter the project lists understand (API §3.5)."""

    category: str | None = None
    tech: tuple[str, ...] = ()
    hackathon: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    has_demo: bool | None = None
    has_github: bool | None = None
    featured: bool | None = None
    badge: str | None = None
    search: str | None = None
    since: datetime | None = None
    owner_id: uuid.UUID | None = None
    member_id: uuid.UUID | None = None


def _has_tag(kind: str, tag: str) -> Any:
    return (
        select(ProjectTag.project_id)
        .where(
            ProjectTag.kind == kind,
            ProjectTag.tag == tag_key(tag),
            ProjectTag.project_id == Project.id,
        )
        .exists()
    )


def _present(column: Any, wanted: bool) -> Any:
    present = (column.is_not(None)) & (column != "")
    return present if wanted else ~present


def feed_conditions(f: FeedFilters) -> list[Any]:
    """WHERE clauses of a filtered list of live projects of active owners."""
    conditions: list[Any] = [LIVE, OWNER_VISIBLE]
    if f.category:
        conditions.append(_has_tag("category", f.category))
    for tech in f.tech:
        conditions.append(_has_tag("tech", tech))
    if f.hackathon:
        conditions.append(_has_tag("hackathon", f.hackathon))
    if f.member_id:
        conditions.append(_has_tag("member", str(f.member_id)))
    if f.min_score is not None:
        conditions.append(Project.proof_score >= f.min_score)
    if f.max_score is not None:
        conditions.append(Project.proof_score <= f.max_score)
    if f.has_demo is not None:
        conditions.append(_present(Project.demo_url, f.has_demo))
    if f.has_github is not None:
        conditions.append(_present(Project.github_url, f.has_github))
    if f.featured is not None:
        conditions.append(Project.is_featured.is_(f.featured))
    if f.badge:
        conditions.append(
            select(Badge.id)
            .where(Badge.project_id == Project.id, Badge.badge_type == f.badge.strip().lower())
            .exists()
        )
    if f.search:
        pattern = f"%{like_escape(f.search.strip().lower())}%"
        conditions.append(
            or_(
                func.lower(Project.title).like(pattern, escape="\\"),
                func.lower(Project.tagline).like(pattern, escape="\\"),
                func.lower(Project.description).like(pattern, escape="\\"),
            )
        )
    if f.since is not None:
        conditions.append(Project.created_at >= f.since)
    if f.owner_id is not None:
        conditions.append(Project.user_id == f.owner_id)
    return conditions


SORTS: dict[str, tuple[Any, ...]] = {
    "trending": (Project.trending_score.desc(), Project.id.desc()),
    "newest": (Project.created_at.desc(), Project.id.desc()),
    "top_rated": (Project.proof_score.desc(), Project.upvotes.desc(), Project.id.desc()),
    "most_voted": (
        (Project.upvotes + Project.downvotes).desc(),
        Project.trending_score.desc(),
        Project.id.desc(),
    ),
    "rising": (
        (Project.upvotes + Project.comment_count + Project.view_count / 10.0).desc(),
        Project.id.desc(),
    ),
    "most_requested": (
        Project.intro_request_count.desc(),
        Project.trending_score.desc(),
        Project.id.desc(),
    ),
    "featured": (Project.featured_at.desc(), Project.id.desc()),
}


def _feed_total(conditions: list[Any]) -> Any:
    """The number of matching projects whose owner is visible, in one statement.

    Counted as all matching live projects (an index-only scan of a partial index, no join) minus
    those of hidden owners (banned or deleted: few, reached through their user rows), because a
    join with every owner made the total the feed's slowest part (~75 ms of ~80 on 100k projects).
    """
    own = [c for c in conditions if c is not OWNER_VISIBLE]
    matching = select(func.count()).select_from(Project).where(*own).scalar_subquery()
    hidden = (
        select(func.count())
        .select_from(Project)
        .join(User, User.id == Project.user_id)
        .where(*own, or_(User.is_active.is_(False), User.deleted_at.is_not(None)))
        .scalar_subquery()
    )
    return select(matching - hidden)


async def feed_page(
    session: AsyncSession,
    filters: FeedFilters,
    *,
    sort: str,
    offset: int,
    limit: int,
    with_total: bool = True,
) -> tuple[list[Any], int]:
    """One page of (Project, username, display_name, avatar_url) rows and the total."""
    conditions = feed_conditions(filters)
    total = 0
    if with_total:
        total = int((await session.execute(_feed_total(conditions))).scalar_one())
    stmt = (
        select(Project, User.username, User.display_name, User.avatar_url)
        .join(User, User.id == Project.user_id)
        .where(*conditions)
        .order_by(*SORTS[sort])
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total


async def caller_marks(
    session: AsyncSession, user_id: uuid.UUID, project_ids: Sequence[uuid.UUID]
) -> tuple[dict[uuid.UUID, str], set[uuid.UUID]]:
    """The caller's vote type on each of these projects and which they saved, in one statement."""
    if not project_ids:
        return {}, set()
    votes = select(Vote.project_id, Vote.vote_type).where(
        Vote.user_id == user_id, Vote.project_id.in_(project_ids)
    )
    saves = select(SavedProject.project_id, literal(None).label("vote_type")).where(
        SavedProject.user_id == user_id, SavedProject.project_id.in_(project_ids)
    )
    voted: dict[uuid.UUID, str] = {}
    saved: set[uuid.UUID] = set()
    for row in (await session.execute(union_all(votes, saves))).mappings():
        if row["vote_type"] is None:
            saved.add(row["project_id"])
        else:
            voted[row["project_id"]] = row["vote_type"]
    return voted, saved


async def _leave(
    session: AsyncSession, project_id: uuid.UUID, group: Any, link: Any, group_id: Any
) -> list[uuid.UUID]:
    """Delete a project's `link` rows and move each `group`'s `project_count`; the groups' ids."""
    group_ids = select(group_id).where(link.project_id == project_id)
    stmt = (
        update(group)
        .where(group.id.in_(group_ids))
        .values(project_count=group.project_count - 1)
        .returning(group.id)
        .execution_options(synchronize_session=False)
    )
    ids = list((await session.execute(stmt)).scalars().all())
    if ids:
        await session.execute(delete(link).where(link.project_id == project_id))
    return ids


async def leave_chains(session: AsyncSession, project_id: uuid.UUID) -> list[uuid.UUID]:
    """Take a deleted project out of its chains (moving their `project_count`); the chains' ids."""
    return await _leave(session, project_id, Chain, ChainProject, ChainProject.chain_id)


async def leave_events(session: AsyncSession, project_id: uuid.UUID) -> list[uuid.UUID]:
    """Take a deleted project out of its events (moving their `project_count`); the events' ids."""
    return await _leave(session, project_id, Event, EventProject, EventProject.event_id)
