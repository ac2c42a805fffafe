"""HTTP routes of /api/chains."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from oxship.auth.dependencies import AdminUser, CurrentUser, OptionalUser
from oxship.auth.write_limits import write_limit
from oxship.chains import membership, service
from oxship.chains.cache import CHAINS, DETAIL_TTL, LIST_TTL, chain_ns
from oxship.chains.filters import ChainFilters
from oxship.chains.schemas import (
    ChainAnalyticsOut,
    ChainCreate,
    ChainDetailOut,
    ChainFollowerOut,
    ChainOut,
    ChainProjectAdd,
    ChainProjectAddOut,
    ChainProjectApprove,
    ChainProjectOut,
    ChainProjectPin,
    ChainProjectReject,
    ChainProjectRemovedOut,
    ChainProjectRequestOut,
    ChainUpdate,
    FeatureStateOut,
    FollowStateOut,
    PinStateOut,
)
from oxship.db import SessionDep, WriteSessionDep
from oxship.kit.cache import CacheDep, cached_json, caller_overlay
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
from oxship.projects import listing
from oxship.projects.cache import FEED

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
        overlay=caller_overlay(service.overlay_caller, session, viewer),
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
        overlay=caller_overlay(service.overlay_caller, session, viewer),
    )


@router.get("/user/{user_id}/following", response_model=PageEnvelope[ChainOut])
async def user_following(
    user_id: uuid.UUID, session: SessionDep, viewer: OptionalUser, params: Pagination
) -> JSONBody:
    """Chains a user follows (public ones only unless the caller is that user)."""
    body = await service.following(session, user_id=user_id, viewer=viewer, params=params)
    return JSONBody(body, headers=PRIVATE)


@router.get("/{slug}", response_model=Envelope[ChainDetailOut])
async def chain_detail(
    slug: str, request: Request, session: WriteSessionDep, cache: CacheDep, viewer: OptionalUser
) -> Response:
    """A chain with its stats (counts a view); private chains 404 for outsiders."""
    chain, views = await service.count_view(session, slug=slug, viewer=viewer)

    async def load() -> dict[str, Any]:
        return success(await service.detail(session, chain))

    async def overlay(envelope: dict[str, Any]) -> None:
        await service.overlay_detail(session, viewer, views, envelope)

    if not chain.is_public:  # never in a shared entry
        body = await load()
        await overlay(body)
        return JSONBody(body, headers=PRIVATE)
    return await cached_json(
        request, cache, namespaces=[chain_ns(chain.id)], ttl=DETAIL_TTL, load=load, overlay=overlay
    )


@router.get("/{slug}/analytics", response_model=Envelope[ChainAnalyticsOut])
async def chain_analytics(slug: str, session: SessionDep, user: CurrentUser) -> JSONBody:
    """30-day follower and project growth, top projects and engagement (chain owner or admin)."""
    return ok(await service.analytics(session, slug=slug, user=user), headers=PRIVATE)


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
    dependencies=[write_limit("follows")],
    responses={409: {"model": ErrorOut, "description": "Already following"}},
)
async def follow_chain(slug: str, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Follow a chain → `{follower_count}`."""
    return ok(await service.follow(session, slug=slug, user=user), message="Following")


@router.delete(
    "/{slug}/follow",
    response_model=Envelope[FollowStateOut],
    dependencies=[write_limit("follows")],
)
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


@router.post(
    "/{slug}/projects",
    status_code=201,
    response_model=Envelope[ChainProjectAddOut],
    responses={
        202: {"model": Envelope[ChainProjectAddOut], "description": "Request pending"},
        409: {"model": ErrorOut, "description": "Already in, pending, or 5 chains reached"},
    },
)
async def add_chain_project(
    slug: str, body: ChainProjectAdd, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Add your project (201) or request it (202) when the chain requires approval."""
    status, data = await membership.add(
        session, slug=slug, user=user, project_id=body.project_id, message=body.message
    )
    message = "Project added" if status == 201 else "Request sent"
    return ok(data, message=message, status_code=status)


@router.delete("/{slug}/projects/{project_id}", response_model=Envelope[ChainProjectRemovedOut])
async def remove_chain_project(
    slug: str, project_id: uuid.UUID, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Remove a project (its owner, the chain owner or an admin)."""
    data = await membership.remove(session, slug=slug, user=user, project_id=project_id)
    return ok(data, message="Project removed")


@router.post("/{slug}/projects/{project_id}/pin", response_model=Envelope[PinStateOut])
async def pin_chain_project(
    slug: str,
    project_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    body: ChainProjectPin | None = None,
) -> JSONBody:
    """Toggle a project's pin, or set it with `{is_pinned}` (chain owner)."""
    target = body.is_pinned if body else None
    data = await membership.toggle_pin(
        session, slug=slug, user=user, project_id=project_id, target=target
    )
    return ok(data)


class RequestStatus(StrEnum):
    """Request states."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@router.get("/{slug}/requests", response_model=PageEnvelope[ChainProjectRequestOut])
async def chain_requests(
    slug: str,
    session: SessionDep,
    user: CurrentUser,
    params: Pagination,
    status: RequestStatus | None = None,
) -> JSONBody:
    """The chain's project requests, newest first (chain owner)."""
    body = await membership.requests(
        session, slug=slug, user=user, status=status.value if status else None, params=params
    )
    return JSONBody(body, headers=PRIVATE)


@router.post(
    "/{slug}/requests/{request_id}/approve",
    response_model=Envelope[ChainProjectRequestOut],
    responses={409: {"model": ErrorOut, "description": "Already decided"}},
)
async def approve_request(
    slug: str,
    request_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    body: ChainProjectApprove | None = None,
) -> JSONBody:
    """Approve a pending request (chain owner); the project joins the chain."""
    note = body.message if body else None
    data = await membership.approve(session, slug=slug, user=user, request_id=request_id, note=note)
    return ok(data, message="Request approved")


@router.post(
    "/{slug}/requests/{request_id}/reject",
    response_model=Envelope[ChainProjectRequestOut],
    responses={409: {"model": ErrorOut, "description": "Already decided"}},
)
async def reject_request(
    slug: str,
    request_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    body: ChainProjectReject | None = None,
) -> JSONBody:
    """Reject a pending request with an optional reason (chain owner)."""
    reason = body.reason if body else None
    data = await membership.reject(
        session, slug=slug, user=user, request_id=request_id, reason=reason
    )
    return ok(data, message="Request rejected")


class ChainProjectSort(StrEnum):
    """Chain project list orders (pinned always first)."""

    TRENDING = "trending"
    NEWEST = "newest"
    TOP_RATED = "top_rated"
    MOST_VOTED = "most_voted"


@router.get("/{slug}/projects", response_model=PageEnvelope[ChainProjectOut])
async def chain_projects(
    slug: str,
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    params: Pagination,
    sort: ChainProjectSort = ChainProjectSort.TRENDING,
    tech_stack: Annotated[
        list[str] | None, Query(max_length=10, description="repeatable or comma list; all match")
    ] = None,
    min_proof_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    pinned_only: bool = False,
) -> Response:
    """A chain's projects, pinned first (same visibility as the chain)."""
    chain = await membership.chain_for_projects(session, slug=slug, viewer=viewer)
    techs = [t.strip() for value in tech_stack or () for t in value.split(",") if t.strip()][:10]

    async def load() -> dict[str, Any]:
        return await membership.projects_page(
            session,
            chain=chain,
            sort=sort.value,
            tech_stack=techs,
            min_proof_score=min_proof_score,
            pinned_only=pinned_only,
            params=params,
        )

    overlay = caller_overlay(listing.overlay_caller, session, viewer)
    if not chain.is_public:  # never in a shared entry
        body = await load()
        if overlay is not None:
            await overlay(body)
        return JSONBody(body, headers=PRIVATE)
    return await cached_json(
        request,
        cache,
        namespaces=[chain_ns(chain.id), FEED],
        ttl=LIST_TTL,
        load=load,
        overlay=overlay,
    )
