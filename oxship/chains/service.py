"""Chain rules: unique names and slugs, privacy, read-only suspended chains, follows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.chains import repository
from oxship.chains.cache import chain_changed
from oxship.chains.filters import ChainFilters
from oxship.chains.schemas import ChainCreate, ChainUpdate, chain_json
from oxship.errors import Conflict, Forbidden, NotFound, Unauthorized
from oxship.kit.clock import iso, utcnow
from oxship.kit.pagination import PageParams, page_body
from oxship.kit.slugs import first_free, slugify
from oxship.models import Chain, ChainFollower, ChainProject, User
from oxship.notifications.service import notify, notify_many
from oxship.projects.cache import chain_briefs_changed

RECOMMEND_LIMIT = 6
RECOMMEND_POOL = 200


def slug_base(name: str) -> str:
    """The slug a name asks for: lower-case ASCII words joined by `-`."""
    return slugify(name, fallback="chain")


def is_admin(user: User | None) -> bool:
    """Whether the caller is an admin."""
    return user is not None and bool(user.is_admin)


def is_read_only(chain: Chain) -> bool:
    """Suspended (until its time ends) or banned."""
    if chain.status == "banned":
        return True
    if chain.status == "suspended":
        return chain.suspended_until is None or chain.suspended_until > utcnow()
    return False


async def can_see(session: AsyncSession, chain: Chain, viewer: User | None) -> bool:
    """Public chains for all; private ones for the owner, followers and admins."""
    if chain.is_public or is_admin(viewer):
        return True
    if viewer is None:
        return False
    return chain.creator_id == viewer.id or await repository.is_follower(
        session, chain.id, viewer.id
    )


async def visible(session: AsyncSession, slug: str, viewer: User | None) -> Chain:
    """The live chain the viewer may see; 404 otherwise (existence does not leak)."""
    chain = await repository.live_by_slug(session, slug)
    if chain is None or not await can_see(session, chain, viewer):
        raise NotFound("Chain not found")
    return chain


async def _manageable(session: AsyncSession, slug: str, user: User) -> Chain:
    chain = await visible(session, slug, user)
    if chain.creator_id != user.id and not is_admin(user):
        raise Forbidden("Only the chain owner or an admin can do this")
    if is_read_only(chain) and not is_admin(user):
        raise Forbidden("This chain is read-only")
    return chain


async def _unique_slug(session: AsyncSession, name: str) -> str:
    base = slug_base(name)
    return first_free(base, await repository.slugs_like(session, base))


async def _overlay(session: AsyncSession, viewer: User | None, items: list[dict[str, Any]]) -> None:
    if viewer is None or not items:
        return
    ids = [uuid.UUID(item["id"]) for item in items]
    followed = await repository.followed_ids(session, viewer.id, ids)
    for item, chain_id in zip(items, ids, strict=True):
        item["is_following"] = chain_id in followed
        item["is_owner"] = item["creator_id"] == str(viewer.id)


def check_list_access(viewer: User | None, visibility: str) -> None:
    """`mine` needs a user and `all` an admin."""
    if visibility == "mine" and viewer is None:
        raise Unauthorized("Sign in to list your chains")
    if visibility == "all" and not is_admin(viewer):
        raise Forbidden("Only admins can list every chain")


async def overlay_caller(session: AsyncSession, viewer: User, envelope: dict[str, Any]) -> None:
    """Set `is_following` and `is_owner` on the chains of an envelope (one statement)."""
    data = envelope.get("data")
    if isinstance(data, list):
        await _overlay(session, viewer, data)
    elif isinstance(data, dict):
        await _overlay(session, viewer, [data])


async def create(session: AsyncSession, *, owner: User, data: ChainCreate) -> dict[str, Any]:
    """Create a chain → its JSON; 409 when the name is taken in any case."""
    key = data.name.lower()
    if await repository.name_taken(session, key):
        raise Conflict("A chain with this name already exists")
    chain = Chain(
        creator_id=owner.id,
        name=data.name,
        name_key=key,
        slug=await _unique_slug(session, data.name),
        description=data.description,
        banner_url=data.banner_url,
        logo_url=data.logo_url,
        categories=data.categories or [],
        rules=data.rules,
        social_links=data.social_links.model_dump() if data.social_links else {},
        is_public=True if data.is_public is None else data.is_public,
        requires_approval=bool(data.requires_approval),
    )
    session.add(chain)
    await session.flush()
    chain_changed(session, chain.id)
    item = chain_json((chain, owner.username, owner.display_name, owner.avatar_url))
    item["is_owner"] = True
    return item


async def page(
    session: AsyncSession,
    *,
    viewer: User | None,
    filters: ChainFilters,
    sort: str,
    params: PageParams,
) -> dict[str, Any]:
    """A page of chains with the caller's overlay (3 statements whatever the page size).

    With `viewer=None` this is the anonymous body a shared cache entry may hold; callers check
    `check_list_access` first.
    """
    rows, total = await repository.page(
        session, filters=filters, sort=sort, offset=params.offset, limit=params.limit
    )
    items = [chain_json(row) for row in rows]
    await _overlay(session, viewer, items)
    return page_body(items, params, total)


async def count_view(session: AsyncSession, *, slug: str, viewer: User | None) -> tuple[Chain, int]:
    """The chain the viewer may see, and its view count after counting this view."""
    chain = await visible(session, slug, viewer)
    (views,) = await repository.add_to_counters(session, chain.id, view_count=1)
    return chain, int(views)


async def detail(session: AsyncSession, chain: Chain) -> dict[str, Any]:
    """The anonymous JSON of a chain with the stats of its live projects."""
    row = await repository.by_slug(session, chain.slug)
    assert row is not None
    item = chain_json(row)
    views, upvotes, avg = await repository.project_stats(session, chain.id)
    item["stats"] = {"total_views": views, "total_upvotes": upvotes, "avg_proof_score": avg}
    return item


async def overlay_detail(
    session: AsyncSession, viewer: User | None, views: int, envelope: dict[str, Any]
) -> None:
    """Set this request's view count, and `is_following`/`is_owner` for a signed-in viewer."""
    envelope["data"]["view_count"] = views
    await _overlay(session, viewer, [envelope["data"]])


ANALYTICS_DAYS = 30
TOP_PROJECTS = 5


def _series(counts: dict[str, int], since: datetime) -> list[dict[str, Any]]:
    days = [(since + timedelta(days=i)).date().isoformat() for i in range(ANALYTICS_DAYS + 1)]
    return [{"date": day, "count": counts.get(day, 0)} for day in days]


async def analytics(session: AsyncSession, *, slug: str, user: User) -> dict[str, Any]:
    """Owner analytics: 30-day follower and project growth, top projects, engagement."""
    chain = await visible(session, slug, user)
    if chain.creator_id != user.id and not is_admin(user):
        raise Forbidden("Only the chain owner or an admin can see its analytics")
    since = datetime.combine(utcnow().date() - timedelta(days=ANALYTICS_DAYS), time(), UTC)
    follows = await repository.daily_counts(
        session, ChainFollower.created_at, ChainFollower.chain_id, chain.id, since
    )
    adds = await repository.daily_counts(
        session, ChainProject.added_at, ChainProject.chain_id, chain.id, since
    )
    top = await repository.top_projects(session, chain.id, TOP_PROJECTS)
    upvotes, comments, posts, recent_posts = await repository.engagement(session, chain.id, since)
    return {
        "chain_id": str(chain.id),
        "period_days": ANALYTICS_DAYS,
        "followers": {
            "total": chain.follower_count,
            "new": sum(follows.values()),
            "daily": _series(follows, since),
        },
        "projects": {
            "total": chain.project_count,
            "new": sum(adds.values()),
            "daily": _series(adds, since),
        },
        "top_projects": [
            {
                "id": str(p.id),
                "title": p.title,
                "proof_score": round(p.proof_score, 2),
                "upvotes": p.upvotes,
                "comment_count": p.comment_count,
                "view_count": p.view_count,
            }
            for p in top
        ],
        "engagement": {
            "chain_views": chain.view_count,
            "project_upvotes": int(upvotes),
            "project_comments": int(comments),
            "posts": int(posts),
            "posts_in_period": int(recent_posts),
        },
    }


async def update(
    session: AsyncSession, *, slug: str, user: User, data: ChainUpdate
) -> dict[str, Any]:
    """Update the fields sent; a rename keeps the slug."""
    chain = await _manageable(session, slug, user)
    fields = data.model_dump(exclude_unset=True)
    if "name" in fields:
        key = fields["name"].lower()
        if await repository.name_taken(session, key, except_id=chain.id):
            raise Conflict("A chain with this name already exists")
        chain.name_key = key
    for name, value in fields.items():
        if name == "social_links":
            value = value or {}
        elif name == "categories":
            value = value or []
        elif name in ("is_public", "requires_approval") and value is None:
            continue
        setattr(chain, name, value)
    await session.flush()
    chain_changed(session, chain.id)
    if fields.keys() & {"name", "logo_url", "is_public"}:
        chain_briefs_changed(session)
    return await _reload(session, chain, user)


async def _reload(session: AsyncSession, chain: Chain, viewer: User | None) -> dict[str, Any]:
    row = await repository.by_slug(session, chain.slug)
    assert row is not None
    item = chain_json(row)
    await _overlay(session, viewer, [item])
    return item


async def delete(session: AsyncSession, *, slug: str, user: User) -> None:
    """Soft delete."""
    chain = await _manageable(session, slug, user)
    chain.is_deleted = True
    chain.deleted_at = utcnow()
    await session.flush()
    await notify_many(
        session,
        recipients=repository.follower_ids_query(chain.id, exclude=user.id),
        actor_id=user.id,
        type="system",
        title="A chain you follow was deleted",
        message=f"{chain.name} was deleted",
        data={"event": "chain_deleted", "chain_id": str(chain.id), "chain_slug": chain.slug},
    )
    chain_changed(session, chain.id)
    chain_briefs_changed(session)


async def follow(session: AsyncSession, *, slug: str, user: User) -> dict[str, Any]:
    """Follow → `{follower_count}`; 409 when already following; 403 on a read-only chain."""
    chain = await visible(session, slug, user)
    if is_read_only(chain) and not is_admin(user):
        raise Forbidden("This chain is read-only")
    if not await repository.insert_follower(session, chain.id, user.id):
        raise Conflict("Already following this chain")
    (count,) = await repository.add_to_counters(session, chain.id, follower_count=1)
    await notify(
        session,
        user_id=chain.creator_id,
        actor_id=user.id,
        type="chain_follower",
        title="New follower",
        message=f"{user.display_name or user.username} followed {chain.name}",
        data={"chain_id": str(chain.id), "chain_slug": chain.slug},
    )
    chain_changed(session, chain.id)
    return {"follower_count": int(count)}


async def unfollow(session: AsyncSession, *, slug: str, user: User) -> dict[str, Any]:
    """Unfollow → `{follower_count}`; 404 when not following."""
    chain = await repository.live_by_slug(session, slug)
    if chain is None:
        raise NotFound("Chain not found")
    if not await repository.delete_follower(session, chain.id, user.id):
        raise NotFound("Not following this chain")
    (count,) = await repository.add_to_counters(session, chain.id, follower_count=-1)
    chain_changed(session, chain.id)
    return {"follower_count": int(count)}


async def followers(
    session: AsyncSession, *, slug: str, viewer: User | None, params: PageParams
) -> dict[str, Any]:
    """The chain's followers, newest first."""
    chain = await visible(session, slug, viewer)
    rows, total = await repository.followers_page(
        session, chain.id, offset=params.offset, limit=params.limit
    )
    items = [
        {
            "id": str(row.id),
            "username": row.username,
            "display_name": row.display_name,
            "avatar_url": row.avatar_url,
            "followed_at": iso(row.followed_at),
        }
        for row in rows
    ]
    return page_body(items, params, total)


async def following(
    session: AsyncSession, *, user_id: uuid.UUID, viewer: User | None, params: PageParams
) -> dict[str, Any]:
    """The chains a user follows: public ones only unless the caller is that user."""
    own = viewer is not None and viewer.id == user_id
    filters = ChainFilters(visibility="all" if own else "public", followed_by=user_id)
    rows, total = await repository.page(
        session, filters=filters, sort="newest", offset=params.offset, limit=params.limit
    )
    items = [chain_json(row) for row in rows]
    await _overlay(session, viewer, items)
    return page_body(items, params, total)


async def toggle_feature(session: AsyncSession, *, slug: str, admin: User) -> dict[str, Any]:
    """Feature or unfeature; the owner is notified when featured."""
    chain = await visible(session, slug, admin)
    chain.is_featured = not chain.is_featured
    await session.flush()
    if chain.is_featured:
        await notify(
            session,
            user_id=chain.creator_id,
            actor_id=admin.id,
            type="chain_featured",
            title="Chain featured",
            message=f"{chain.name} is now featured",
            data={"chain_id": str(chain.id), "chain_slug": chain.slug},
        )
    chain_changed(session, chain.id)
    return {"is_featured": chain.is_featured}


async def recommendations(
    session: AsyncSession, *, categories: list[str], viewer: User | None
) -> list[dict[str, Any]]:
    """Up to 6 public active chains: most shared categories first, then trending."""
    rows = await repository.top(
        session, filters=ChainFilters(active_only=True), limit=RECOMMEND_POOL
    )
    wanted = {c.strip().lower() for c in categories if c.strip()}
    ranked = sorted(
        enumerate(rows),
        key=lambda pair: (
            -len(wanted & {c.lower() for c in pair[1][0].categories or []}),
            pair[0],
        ),
    )
    items = [chain_json(row) for _, row in ranked[:RECOMMEND_LIMIT]]
    await _overlay(session, viewer, items)
    return items


async def leaderboard(session: AsyncSession, *, limit: int) -> list[dict[str, Any]]:
    """Public active chains by trending (API §2.4), anonymous JSON."""
    rows = await repository.top(session, filters=ChainFilters(active_only=True), limit=limit)
    return [chain_json(row) for row in rows]


async def room_for(session: AsyncSession, user: User | None, slug: str) -> str | None:
    """The real-time room `chain:{id}` when the user may see the chain, else None."""
    chain = await repository.live_by_slug(session, slug)
    if chain is None or not await can_see(session, chain, user):
        return None
    return f"chain:{chain.id}"
