"""Project lists: the feed, rankings, a user's projects, and the per-caller overlay."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.clock import utcnow
from oxship.kit.envelope import success
from oxship.kit.pagination import PageParams, page_body
from oxship.models import User
from oxship.projects import repository
from oxship.projects.repository import FeedFilters
from oxship.projects.schemas import project_out
from oxship.users import service as users
from oxship.users.schemas import public_user

__all__ = [
    "FeedFilters",
    "Timeframe",
    "leaderboard",
    "overlay_caller",
    "page",
    "project_items",
    "rising",
    "top",
]

Timeframe = Literal["week", "month", "all"]
TIMEFRAMES: dict[str, timedelta | None] = {
    "week": timedelta(days=7),
    "month": timedelta(days=30),
    "all": None,
}
RISING_WINDOW = timedelta(days=30)


async def project_items(session: AsyncSession, rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Anonymous project JSON for (Project, username, display_name, avatar_url) rows: 3 statements."""
    ids = [row[0].id for row in rows]
    shots = await repository.screenshots_for(session, ids)
    badges = await repository.badges_for(session, ids)
    chains = await repository.chains_for(session, ids)
    items = []
    for project, username, display_name, avatar_url in rows:
        creator = {
            "id": str(project.user_id),
            "username": username,
            "display_name": display_name,
            "avatar_url": avatar_url,
        }
        items.append(
            project_out(
                project,
                creator,
                screenshots=shots.get(project.id, []),
                badges=badges.get(project.id, []),
                chains=chains.get(project.id, []),
            )
        )
    return items


async def page(
    session: AsyncSession,
    *,
    filters: FeedFilters,
    sort: str,
    params: PageParams,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A paginated envelope of projects (4 statements whatever the page size)."""
    rows, total = await repository.feed_page(
        session, filters, sort=sort, offset=params.offset, limit=params.limit
    )
    return page_body(await project_items(session, rows), params, total, meta=meta)


async def top(
    session: AsyncSession, *, filters: FeedFilters, sort: str, limit: int
) -> list[dict[str, Any]]:
    """The first `limit` projects of a list (3 statements)."""
    rows, _ = await repository.feed_page(
        session, filters, sort=sort, offset=0, limit=limit, with_total=False
    )
    return await project_items(session, rows)


async def leaderboard(session: AsyncSession, *, timeframe: Timeframe, limit: int) -> dict[str, Any]:
    """`{top_projects, top_builders, featured, timeframe, limit}`."""
    window = TIMEFRAMES[timeframe]
    since = utcnow() - window if window else None
    builders = await users.top_by_karma(session, limit=limit)
    return success(
        {
            "top_projects": await top(
                session, filters=FeedFilters(since=since), sort="top_rated", limit=limit
            ),
            "top_builders": [public_user(u) for u in builders],
            "featured": await top(
                session, filters=FeedFilters(featured=True), sort="featured", limit=limit
            ),
            "timeframe": timeframe,
            "limit": limit,
        }
    )


async def rising(session: AsyncSession, *, limit: int) -> dict[str, Any]:
    """Projects of the last 30 days by upvotes + comments + views/10."""
    since = utcnow() - RISING_WINDOW
    return success(await top(session, filters=FeedFilters(since=since), sort="rising", limit=limit))


def _walk(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [d for d in data if isinstance(d, dict) and "user_vote" in d]
    if isinstance(data, dict):
        if "user_vote" in data:
            return [data]
        return [p for value in data.values() for p in _walk(value)]
    return []


async def overlay_caller(session: AsyncSession, user: User, envelope: dict[str, Any]) -> None:
    """Set `user_vote` and `is_saved` of every project in the envelope (1 statement)."""
    projects = _walk(envelope.get("data"))
    if not projects:
        return
    ids = list({uuid.UUID(p["id"]) for p in projects})
    votes, saved = await repository.caller_marks(session, user.id, ids)
    for p in projects:
        pid = uuid.UUID(p["id"])
        p["user_vote"] = votes.get(pid)
        p["is_saved"] = pid in saved
