"""The prefetch bundles: each part in its own read unit of work, all parts concurrently.

A SQLAlchemy `AsyncSession` cannot run two statements at once, so every part opens its own
read-only transaction (`transaction(runtime, write=False)`) and calls the owning domain's service:
no SQL of another domain is repeated here. The parts are gathered; the first failure cancels the
others and fails the whole bundle (a key is never silently null).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.admin import service as admin
from oxship.chains import service as chains
from oxship.db import transaction
from oxship.intros import service as intros
from oxship.investors import directory as investors
from oxship.kit.pagination import PageParams
from oxship.leaderboards import service as leaderboards
from oxship.messages import service as messages
from oxship.models import User
from oxship.notifications import service as notifications
from oxship.projects import listing
from oxship.projects.listing import FeedFilters
from oxship.runtime import Runtime
from oxship.saved import repository as saved
from oxship.users import service as users
from oxship.users.schemas import own_user, roles_of
from oxship.validation import validators

MY_PROJECTS = 10
RECENT_NOTIFICATIONS = 20
CONVERSATIONS = 20
FOLLOWED_CHAINS = 20
TRENDING_CHAINS = 10
SAVED_IDS = 500
MATCHES_PREVIEW = 3
# Parts in flight per request: each holds a pool connection, so a burst of prefetches cannot drain
# the pool (request's own connection + 4), while the slowest parts still overlap.
PARALLEL_PARTS = 4

Part = Callable[[AsyncSession], Awaitable[Any]]


async def _run(runtime: Runtime, part: Part) -> Any:
    async with transaction(runtime, write=False) as session:
        return await part(session)


async def gather_parts(runtime: Runtime, parts: Mapping[str, Part]) -> dict[str, Any]:
    """Run every part concurrently, each in its own read transaction → `{name: result}`.

    The first error cancels the parts still running (their transactions roll back) and is raised.
    """
    slots = asyncio.Semaphore(PARALLEL_PARTS)

    async def bounded(part: Part) -> Any:
        async with slots:
            return await _run(runtime, part)

    tasks = {name: asyncio.ensure_future(bounded(part)) for name, part in parts.items()}
    try:
        results = await asyncio.gather(*tasks.values())
    except BaseException:
        for task in tasks.values():
            task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)
        raise
    return dict(zip(tasks, results, strict=True))


# --- parts (each receives its own session) -------------------------------------------------------


def _stats(user: User) -> Part:
    async def part(session: AsyncSession) -> Any:
        return await users.stats(session, user=user)

    return part


def _unread_parts(user: User) -> dict[str, Part]:
    async def unread_notifications(session: AsyncSession) -> int:
        return await notifications.unread_count(session, user_id=user.id)

    async def unread_messages(session: AsyncSession) -> int:
        return int((await messages.unread_count(session, user=user))["unread_count"])

    async def pending_intros(session: AsyncSession) -> int:
        return int((await intros.pending_count(session, user=user))["pending_count"])

    return {
        "unread_notifications": unread_notifications,
        "unread_messages": unread_messages,
        "pending_intros": pending_intros,
    }


def _unread(results: Mapping[str, Any]) -> dict[str, int]:
    counts = {
        "notifications": int(results["unread_notifications"]),
        "messages": int(results["unread_messages"]),
        "intro_requests": int(results["pending_intros"]),
    }
    return {**counts, "total": sum(counts.values())}


def _my_projects(user: User) -> Part:
    """As `GET /api/users/{id}/projects` for the caller: newest live first, with the overlay."""

    async def part(session: AsyncSession) -> list[dict[str, Any]]:
        items = await listing.top(
            session, filters=FeedFilters(owner_id=user.id), sort="newest", limit=MY_PROJECTS
        )
        await listing.overlay_caller(session, user, {"data": items})
        return items

    return part


def _bootstrap_parts(user: User) -> dict[str, Part]:
    async def recent_notifications(session: AsyncSession) -> list[Any]:
        params = PageParams(page=1, per_page=RECENT_NOTIFICATIONS)
        body = await notifications.page(
            session, user=user, unread_only=False, types=None, params=params
        )
        return list(body["data"])

    async def conversations(session: AsyncSession) -> list[Any]:
        params = PageParams(page=1, per_page=CONVERSATIONS)
        body = await messages.conversations(session, user=user, params=params)
        return list(body["data"])

    async def followed_chains(session: AsyncSession) -> list[Any]:
        params = PageParams(page=1, per_page=FOLLOWED_CHAINS)
        body = await chains.following(session, user_id=user.id, viewer=user, params=params)
        return list(body["data"])

    async def trending_chains(session: AsyncSession) -> list[Any]:
        items = await leaderboards.top_chains(session, limit=TRENDING_CHAINS)
        await chains.overlay_caller(session, user, {"data": items})
        return items

    async def saved_project_ids(session: AsyncSession) -> list[str]:
        # The saved domain's own query (visible projects, newest save first); ids only.
        rows, _ = await saved.page(session, user_id=user.id, offset=0, limit=SAVED_IDS)
        return [str(row[0].id) for row in rows]

    return {
        "stats": _stats(user),
        **_unread_parts(user),
        "my_projects": _my_projects(user),
        "recent_notifications": recent_notifications,
        "conversations": conversations,
        "followed_chains": followed_chains,
        "trending_chains": trending_chains,
        "saved_project_ids": saved_project_ids,
    }


async def bootstrap(runtime: Runtime, *, user: User) -> dict[str, Any]:
    """`{user, stats, unread_counts, my_projects, recent_notifications, conversations,
    followed_chains, trending_chains, saved_project_ids}` for the caller."""
    results = await gather_parts(runtime, _bootstrap_parts(user))
    return {
        "user": own_user(user),
        "stats": results["stats"],
        "unread_counts": _unread(results),
        "my_projects": results["my_projects"],
        "recent_notifications": results["recent_notifications"],
        "conversations": results["conversations"],
        "followed_chains": results["followed_chains"],
        "trending_chains": results["trending_chains"],
        "saved_project_ids": results["saved_project_ids"],
    }


# --- dashboard -----------------------------------------------------------------------------------


def _role_parts(user: User) -> dict[str, Part]:
    parts: dict[str, Part] = {}
    if user.is_admin:

        async def admin_stats(session: AsyncSession) -> dict[str, Any]:
            return await admin.stats(session)

        parts["admin_stats"] = admin_stats
    if user.is_investor:
        one = PageParams(page=1, per_page=1)

        async def received(session: AsyncSession) -> int:
            body = await intros.requests_received(session, user=user, status=None, params=one)
            return int(body["pagination"]["total"])

        async def sent(session: AsyncSession) -> int:
            body = await intros.requests_sent(session, user=user, status=None, params=one)
            return int(body["pagination"]["total"])

        async def matches(session: AsyncSession) -> list[Any]:
            params = PageParams(page=1, per_page=MATCHES_PREVIEW)
            return list((await investors.matches(session, user=user, params=params))["data"])

        parts |= {"intros_received": received, "intros_sent": sent, "matches": matches}
    if user.is_validator:

        async def validator_stats(session: AsyncSession) -> dict[str, Any]:
            return await validators.stats(session, user=user)

        parts["validator_stats"] = validator_stats
    return parts


def _role_data(user: User, results: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if user.is_admin:
        stats = results["admin_stats"]
        data["admin"] = {
            "pending_feedback": int(stats["feedback"]["by"]["pending"]),
            "pending_investor_requests": int(stats["investor_requests"]["by"]["pending"]),
            "total_users": int(stats["users"]["total"]),
            "total_projects": int(stats["projects"]["total"]),
        }
    if user.is_investor:
        data["investor"] = {
            "received_intro_requests": results["intros_received"],
            "sent_intro_requests": results["intros_sent"],
            "matches_preview": results["matches"],
        }
    if user.is_validator:
        stats = results["validator_stats"]
        data["validator"] = {
            "pending_assignments": int(stats["assignments_by_status"]["pending"]),
            "badges_awarded": int(stats["badges_awarded"]),
        }
    return data


async def dashboard(runtime: Runtime, *, user: User) -> dict[str, Any]:
    """`{stats, unread, projects, role_data, user_roles}` for the caller."""
    parts = {
        "stats": _stats(user),
        **_unread_parts(user),
        "projects": _my_projects(user),
        **_role_parts(user),
    }
    results = await gather_parts(runtime, parts)
    return {
        "stats": results["stats"],
        "unread": _unread(results),
        "projects": results["projects"],
        "role_data": _role_data(user, results),
        "user_roles": ["user", *roles_of(user)],
    }
