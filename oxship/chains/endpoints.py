"""HTTP routes of /api/chains."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from oxship.auth.dependencies import AdminUser, CurrentUser, OptionalUser
from oxship.chains import service
from oxship.chains.cache import CHAINS, LIST_TTL
from oxship.chains.filters import ChainFilters
from oxship.chains.schemas import (
    ChainCreate,
    ChainDetailOut,
    ChainFollowerOut,
    ChainOut,
    ChainUpdate,
    FeatureStateOut,
    FollowStateOut,
)
from oxship.db import SessionDep
from oxship.kit.cache import CacheDep, cached_json
from oxship.kit.envelope import (
    ERROR_RESPONSES,
    Envelope,
    ErrorOut,
    JSONBody,
    PageEnvelope,
    ok,
    success,
)
from oxship.kit.pagination import Pagination
from oxship.models import User

router = APIRouter(prefix="/api/chains", tags=["chains"], responses=ERROR_RESPONSES)

PRIVATE = {"Cache-Control": "private, no-store"}


class ChainSort(StrEnum):
    """Chain list orders."""

    TRENDING = "trending"
    NEWEST = "newest"
    MOST_PROJECTS = "most_projects"
    MOST_FOLLOWERS = "most_followers"
    ALPHABETICAL = "alphabetical"


class Visibility(StrEnum):
    """Which chains a list covers."""

    PUBLIC = "public"
    MINE = "mine"
    ALL = "all"


@router.post(
    "",
    status_code=201,
    response_model=Envelope[ChainOut],
    responses={409: {"model": ErrorOut, "description": "Name taken"}},
)
async def create_chain(body: ChainCreate, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Create a chain; the slug comes from the name (`-2`, `-3`… on collision)."""
    chain = await service.create(session, owner=user, data=body)
    return ok(chain, status_code=201)


def _overlay(
    session: SessionDep, viewer: User | None
) -> Callable[[dict[str, Any]], Awaitable[None]] | None:
    if viewer is None:
        return None

    async def apply(envelope: dict[str, Any]) -> None:
        await service.overlay_caller(session, viewer, envelope)

    return apply


@router.get("", response_model=PageEnvelope[ChainOut])
async def list_chains(
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    params: Pagination,
    sort: ChainSort = ChainSort.TRENDING,
    search: Annotated[str | None, Query(max_length=200)] = None,
    category: Annotated[str | None, Query(max_length=50)] = None,
    featured: bool | None = None,
    creator_id: uuid.UUID | None = None,
    visibility: Visibility = Visibility.PUBLIC,
) -> Response:
    """Chains with sorts, filters and visibility modes (`mine` needs a user, `all` an admin)."""
    service.check_list_access(viewer, visibility.value)
    filters = ChainFilters(
        visibility=visibility.value,
        viewer_id=viewer.id if viewer else None,
        search=search.strip() if search and search.strip() else None,
        category=category.strip() if category and category.strip() else None,
        featured=featured,
        creator_id=creator_id,
    )
    if visibility is Visibility.MINE:  # per caller: never in a shared entry
        body = await service.page(
            session, viewer=viewer, filters=filters, sort=sort.value, params=params
        )
        return JSONBody(body, headers=PRIVATE)

    async def load() -> dict[str, Any]:
        return await service.page(
            session, viewer=None, filters=filters, sort=sort.value, params=params
        )

    return await cached_json(
        request,
        cache,
        namespaces=[CHAINS],
        ttl=LIST_TTL,
        load=load,
        overlay=_overlay(session, viewer),
    )


@router.get("/recommendations", response_model=Envelope[list[ChainOut]])
async def recommendations(
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    categories: Annotated[str | None, Query(max_length=600, description="comma list")] = None,
) -> Response:
    """Up to 6 public active chains, by shared categories then trending."""
    wanted = [c for c in (categories or "").split(",") if c.strip()][:10]

    async def load() -> dict[str, Any]:
        return success(await service.recommendations(session, categories=wanted, viewer=None))

    return await cached_json(
        request,
        cache,
        namespaces=[CHAINS],
        ttl=LIST_TTL,
        load=load,
        overlay=_overlay(session, viewer),
    )


@router.get("/user/{user_id}/following", response_model=PageEnvelope[ChainOut])
async def user_following(
    user_id: uuid.UUID, session: SessionDep, viewer: OptionalUser, params: Pagination
) -> JSONBody:
    """Chains a user follows (public ones only unless the caller is that user)."""
    body = await service.following(session, user_id=user_id, viewer=viewer, params=params)
    return JSONBody(body, headers=PRIVATE)


@router.get("/{slug}", response_model=Envelope[ChainDetailOut])
async def chain_detail(slug: str, session: SessionDep, viewer: OptionalUser) -> JSONBody:
    """A chain with its stats (counts a view); private chains 404 for outsiders."""
    return ok(await service.detail(session, slug=slug, viewer=viewer), headers=PRIVATE)


@router.put("/{slug}", response_model=Envelope[ChainOut])
async def update_chain(
    slug: str, body: ChainUpdate, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Update a chain (owner or admin); renaming keeps the slug."""
    return ok(await service.update(session, slug=slug, user=user, data=body))


@router.delete("/{slug}", response_model=Envelope[dict[str, bool]])
async def delete_chain(slug: str, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Soft-delete a chain (owner or admin)."""
    await service.delete(session, slug=slug, user=user)
    return ok({"deleted": True}, message="Chain deleted")


@router.post(
    "/{slug}/follow",
    response_model=Envelope[FollowStateOut],
    responses={409: {"model": ErrorOut, "description": "Already following"}},
)
async def follow_chain(slug: str, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Follow a chain → `{follower_count}`."""
    return ok(await service.follow(session, slug=slug, user=user), message="Following")


@router.delete("/{slug}/follow", response_model=Envelope[FollowStateOut])
async def unfollow_chain(slug: str, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Unfollow a chain → `{follower_count}` (404 when not following)."""
    return ok(await service.unfollow(session, slug=slug, user=user), message="Unfollowed")


@router.get("/{slug}/followers", response_model=PageEnvelope[ChainFollowerOut])
async def chain_followers(
    slug: str, session: SessionDep, viewer: OptionalUser, params: Pagination
) -> JSONBody:
    """A chain's followers, newest first (same visibility as the chain)."""
    body = await service.followers(session, slug=slug, viewer=viewer, params=params)
    return JSONBody(body, headers=PRIVATE)


@router.post("/{slug}/feature", response_model=Envelope[FeatureStateOut])
async def feature_chain(slug: str, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Toggle featured (admin)."""
    return ok(await service.toggle_feature(session, slug=slug, admin=admin))
