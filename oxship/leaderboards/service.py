"""The leaderboards of API §3.20, as anonymous JSON (per-caller fields overlaid by the caller)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.chains import service as chains
from oxship.kit.clock import iso, utcnow
from oxship.models import User
from oxship.projects import listing
from oxship.projects.listing import FeedFilters
from oxship.users import service as users
from oxship.users.schemas import public_user

Period = Literal["all_time", "week", "month"]
PERIODS: dict[str, timedelta | None] = {
    "all_time": None,
    "week": timedelta(days=7),
    "month": timedelta(days=30),
}
TRENDING_SIZE = 10


async def projects(session: AsyncSession, *, period: Period, limit: int) -> list[dict[str, Any]]:
    """Live projects created in the period, by proof score then upvotes."""
    window = PERIODS[period]
    filters = FeedFilters(since=utcnow() - window if window else None)
    return await listing.top(session, filters=filters, sort="top_rated", limit=limit)


async def top_users(session: AsyncSession, *, limit: int) -> list[dict[str, Any]]:
    """Active users by karma."""
    return [public_user(u) for u in await users.top_by_karma(session, limit=limit)]


async def top_chains(session: AsyncSession, *, limit: int) -> list[dict[str, Any]]:
    """Public active chains by trending."""
    return await chains.leaderboard(session, limit=limit)


async def trending(session: AsyncSession) -> dict[str, Any]:
    """`{projects, users, chains, generated_at}`: the top 10 of each board."""
    return {
        "projects": await projects(session, period="all_time", limit=TRENDING_SIZE),
        "users": await top_users(session, limit=TRENDING_SIZE),
        "chains": await top_chains(session, limit=TRENDING_SIZE),
        "generated_at": iso(utcnow()),
    }


async def overlay_caller(session: AsyncSession, viewer: User, envelope: dict[str, Any]) -> None:
    """The caller's `user_vote`/`is_saved` on projects and `is_following`/`is_owner` on chains."""
    data = envelope.get("data")
    if isinstance(data, dict) and "chains" in data:
        await chains.overlay_caller(session, viewer, {"data": data["chains"]})
    await listing.overlay_caller(session, viewer, envelope)
