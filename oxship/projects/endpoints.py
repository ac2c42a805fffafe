"""HTTP routes of /api/projects (and the user project lists under /api/users)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from oxship.auth.dependencies import AdminUser, ClientIp, CurrentUser, OptionalUser
from oxship.chains import membership
from oxship.db import SessionDep
from oxship.kit.cache import CacheDep, cached_json, caller_overlay
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, JSONBody, PageEnvelope, ok, success
from oxship.kit.pagination import Pagination
from oxship.models import User
from oxship.projects import listing, service
from oxship.projects.cache import (
    CHAIN_BRIEFS,
    DETAIL_TTL,
    FEED,
    FEED_TTL,
    LEADERBOARD,
    LIST_TTL,
    TAGGED,
    project_ns,
    user_projects_ns,
)
from oxship.projects.listing import FeedFilters, Timeframe
from oxship.projects.schemas import (
    LeaderboardOut,
    ProjectCreate,
    ProjectCreatedOut,
    ProjectOut,
    ProjectPatch,
    ScoringStatusOut,
    ShareOut,
    ViewIn,
    ViewOut,
)
from oxship.validation import service as validation

router = APIRouter(prefix="/api/projects", tags=["projects"], responses=ERROR_RESPONSES)
users_router = APIRouter(prefix="/api/users", tags=["projects"], responses=ERROR_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=100, description="1..100")]


class FeedSort(StrEnum):
    """Feed orders and their aliases."""

    TRENDING = "trending"
    HOT = "hot"
    NEWEST = "newest"
    NEW = "new"
    TOP_RATED = "top_rated"
    TOP_RATED_DASH = "top-rated"
    TOP = "top"
    MOST_VOTED = "most_voted"
    MOST_VOTED_DASH = "most-voted"


SORT_ALIASES = {
    FeedSort.HOT: "trending",
    FeedSort.NEW: "newest",
    FeedSort.TOP_RATED_DASH: "top_rated",
    FeedSort.TOP: "top_rated",
    FeedSort.MOST_VOTED_DASH: "most_voted",
}


@router.get("", response_model=PageEnvelope[ProjectOut])
async def feed(
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    params: Pagination,
    sort: FeedSort = FeedSort.TRENDING,
    category: Annotated[str | None, Query(max_length=50)] = None,
    tech: Annotated[
        list[str] | None, Query(max_length=10, description="repeatable; all match")
    ] = None,
    hackathon: Annotated[str | None, Query(max_length=200)] = None,
    min_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    max_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    has_demo: bool | None = None,
    has_github: bool | None = None,
    featured: bool | None = None,
    badge: Annotated[str | None, Query(max_length=50)] = None,
    search: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """The project feed: sorts, filters, pagination; never deleted or banned owners' projects."""
    order = SORT_ALIASES.get(sort, sort.value)
    filters = FeedFilters(
        category=category,
        tech=tuple(t for t in tech or () if t.strip()),
        hackathon=hackathon,
        min_score=min_score,
        max_score=max_score,
        has_demo=has_demo,
        has_github=has_github,
        featured=featured,
        badge=badge,
        search=search,
    )

    async def load() -> dict[str, Any]:
        return await listing.page(session, filters=filters, sort=order, params=params)

    return await _serve(request, session, cache, viewer, load)


@router.post("", status_code=201, response_model=Envelope[ProjectCreatedOut])
async def create_project(body: ProjectCreate, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Create a project (scores computed at once) and add it to `chain_ids`, or request it."""
    project = await service.create(session, owner=user, data=body)
    await validation.assign_new_project(session, project_id=uuid.UUID(project["id"]))
    results: list[dict[str, Any]] = []
    if body.chain_ids:
        project_id = uuid.UUID(project["id"])
        results = await membership.join_on_create(
            session, user=user, project_id=project_id, chain_ids=body.chain_ids
        )
        project = await service.detail(session, project_id)
    return ok({**project, "chain_results": results}, status_code=201)


@router.get("/leaderboard", response_model=Envelope[LeaderboardOut])
async def leaderboard(
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    timeframe: Timeframe = "all",
    limit: Limit = 10,
) -> Response:
    """Top projects by proof score in the timeframe, top builders by karma, featured projects."""

    async def load() -> dict[str, Any]:
        return await listing.leaderboard(session, timeframe=timeframe, limit=limit)

    return await _serve(
        request, session, cache, viewer, load, namespaces=[LEADERBOARD, FEED], ttl=FEED_TTL
    )


async def _serve(
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: User | None,
    load: Callable[[], Awaitable[dict[str, Any]]],
    *,
    namespaces: list[str] | None = None,
    ttl: int = FEED_TTL,
) -> Response:
    """Serve a project list or detail from the cache, with the caller's overlay."""
    return await cached_json(
        request,
        cache,
        namespaces=namespaces or [FEED],
        ttl=ttl,
        load=load,
        overlay=caller_overlay(listing.overlay_caller, session, viewer),
    )


@router.get("/featured", response_model=Envelope[list[ProjectOut]])
async def featured_projects(
    request: Request, session: SessionDep, cache: CacheDep, viewer: OptionalUser, limit: Limit = 10
) -> Response:
    """Featured projects, most recently featured first."""

    async def load() -> dict[str, Any]:
        items = await listing.top(
            session, filters=FeedFilters(featured=True), sort="featured", limit=limit
        )
        return success(items)

    return await _serve(request, session, cache, viewer, load)


@router.get("/rising-stars", response_model=Envelope[list[ProjectOut]])
async def rising_stars(
    request: Request, session: SessionDep, cache: CacheDep, viewer: OptionalUser, limit: Limit = 10
) -> Response:
    """Projects of the last 30 days by upvotes + comments + views/10."""

    async def load() -> dict[str, Any]:
        return await listing.rising(session, limit=limit)

    return await _serve(request, session, cache, viewer, load)


@router.get("/most-requested", response_model=Envelope[list[ProjectOut]])
async def most_requested(
    request: Request, session: SessionDep, cache: CacheDep, viewer: OptionalUser, limit: Limit = 10
) -> Response:
    """Projects by introduction requests received."""

    async def load() -> dict[str, Any]:
        items = await listing.top(
            session, filters=FeedFilters(), sort="most_requested", limit=limit
        )
        return success(items)

    return await _serve(request, session, cache, viewer, load)


@router.get("/by-category/{category}", response_model=Envelope[list[ProjectOut]])
async def by_category(
    request: Request,
    category: Annotated[str, Path(min_length=1, max_length=50)],
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    limit: Limit = 10,
) -> Response:
    """Trending projects of one category (case-insensitive)."""

    async def load() -> dict[str, Any]:
        items = await listing.top(
            session, filters=FeedFilters(category=category), sort="trending", limit=limit
        )
        return success(items)

    return await _serve(request, session, cache, viewer, load)


@router.get("/{project_id}", response_model=Envelope[ProjectOut])
async def get_project(
    request: Request,
    project_id: uuid.UUID,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
) -> Response:
    """A project (404 if deleted); does not count a view."""

    async def load() -> dict[str, Any]:
        return success(await service.detail(session, project_id))

    return await _serve(
        request,
        session,
        cache,
        viewer,
        load,
        namespaces=[project_ns(project_id), CHAIN_BRIEFS],
        ttl=DETAIL_TTL,
    )


@router.put(
    "/{project_id}", response_model=Envelope[ProjectOut], operation_id="projects-put-project"
)
@router.patch(
    "/{project_id}", response_model=Envelope[ProjectOut], operation_id="projects-patch-project"
)
async def update_project(
    project_id: uuid.UUID, body: ProjectPatch, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Partial update by the owner or an admin; scores recomputed."""
    project = await service.update(session, project_id=project_id, user=user, changes=body)
    envelope = success(project)
    await listing.overlay_caller(session, user, envelope)
    return JSONBody(envelope)


@router.delete("/{project_id}", response_model=Envelope[dict[str, bool]])
async def delete_project(project_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Soft delete by the owner or an admin."""
    await service.delete(session, project_id=project_id, user=user)
    return ok({"deleted": True}, message="Project deleted")


@router.post("/{project_id}/feature", response_model=Envelope[ProjectOut])
async def feature_project(project_id: uuid.UUID, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Toggle the featured flag (admin); featuring notifies the owner."""
    envelope = success(await service.toggle_feature(session, project_id=project_id, admin=admin))
    await listing.overlay_caller(session, admin, envelope)
    return JSONBody(envelope)


@router.post("/{project_id}/view", response_model=Envelope[ViewOut])
async def view_project(
    project_id: uuid.UUID,
    session: SessionDep,
    viewer: OptionalUser,
    ip: ClientIp,
    body: ViewIn | None = None,
) -> JSONBody:
    """Count a view: once per user, per anonymous session id, or per anonymous IP per day."""
    key = service.viewer_key(
        user=viewer, session_id=body.session_id if body else None, client_ip=ip
    )
    return ok(await service.record_view(session, project_id=project_id, key=key))


@router.post("/{project_id}/share", response_model=Envelope[ShareOut])
async def share_project(project_id: uuid.UUID, session: SessionDep) -> JSONBody:
    """Count a share."""
    return ok(await service.share(session, project_id=project_id))


@router.get("/{project_id}/scoring-status", response_model=Envelope[ScoringStatusOut])
async def scoring_status(project_id: uuid.UUID, session: SessionDep) -> JSONBody:
    """Scoring is synchronous: always `completed`, with the score and its breakdown."""
    return ok(await service.scoring_status(session, project_id=project_id))


@users_router.get("/{user_id}/projects", response_model=PageEnvelope[ProjectOut])
async def user_projects(
    request: Request,
    user_id: uuid.UUID,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    params: Pagination,
) -> Response:
    """A user's live projects, newest first."""

    async def load() -> dict[str, Any]:
        return await listing.page(
            session, filters=FeedFilters(owner_id=user_id), sort="newest", params=params
        )

    return await _serve(
        request,
        session,
        cache,
        viewer,
        load,
        namespaces=[user_projects_ns(user_id), CHAIN_BRIEFS],
        ttl=LIST_TTL,
    )


@users_router.get("/{user_id}/tagged-projects", response_model=PageEnvelope[ProjectOut])
async def tagged_projects(
    request: Request,
    user_id: uuid.UUID,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    params: Pagination,
) -> Response:
    """Projects that list the user among their team members, newest first."""

    async def load() -> dict[str, Any]:
        return await listing.page(
            session, filters=FeedFilters(member_id=user_id), sort="newest", params=params
        )

    return await _serve(
        request, session, cache, viewer, load, namespaces=[TAGGED, CHAIN_BRIEFS], ttl=LIST_TTL
    )
