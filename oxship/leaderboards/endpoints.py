"""HTTP routes of /api/leaderboard."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from oxship.auth.dependencies import OptionalUser
from oxship.chains import service as chains
from oxship.chains.cache import CHAINS
from oxship.chains.schemas import ChainOut
from oxship.db import SessionDep
from oxship.kit.cache import CacheDep, cached_json, caller_overlay
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, success
from oxship.leaderboards import service
from oxship.leaderboards.schemas import TrendingOut
from oxship.projects import listing
from oxship.projects.cache import FEED, LEADERBOARD
from oxship.projects.schemas import ProjectOut
from oxship.users.schemas import UserOut

router = APIRouter(prefix="/api/leaderboard", tags=["leaderboard"], responses=ERROR_RESPONSES)

# Writes bump these boards; the short lifetime bounds what no bump covers (e.g. karma from comment
# votes) to the 5 seconds of API §3.20.
TTL = 5
Limit = Annotated[int, Query(ge=1, le=100, description="1..100")]


@router.get("/projects", response_model=Envelope[list[ProjectOut]])
async def project_board(
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    period: service.Period = "all_time",
    limit: Limit = 10,
) -> Response:
    """Projects of the period by proof score, then upvotes."""

    async def load() -> dict[str, Any]:
        return success(await service.projects(session, period=period, limit=limit))

    return await cached_json(
        request,
        cache,
        namespaces=[LEADERBOARD, FEED],
        ttl=TTL,
        load=load,
        overlay=caller_overlay(listing.overlay_caller, session, viewer),
    )


@router.get("/users", response_model=Envelope[list[UserOut]])
async def user_board(
    request: Request, session: SessionDep, cache: CacheDep, limit: Limit = 10
) -> Response:
    """Active users by karma."""

    async def load() -> dict[str, Any]:
        return success(await service.top_users(session, limit=limit))

    return await cached_json(request, cache, namespaces=[LEADERBOARD], ttl=TTL, load=load)


@router.get("/chains", response_model=Envelope[list[ChainOut]])
async def chain_board(
    request: Request, session: SessionDep, cache: CacheDep, viewer: OptionalUser, limit: Limit = 10
) -> Response:
    """Public active chains by trending."""

    async def load() -> dict[str, Any]:
        return success(await service.top_chains(session, limit=limit))

    return await cached_json(
        request,
        cache,
        namespaces=[CHAINS],
        ttl=TTL,
        load=load,
        overlay=caller_overlay(chains.overlay_caller, session, viewer),
    )


@router.get("/trending", response_model=Envelope[TrendingOut])
async def trending(
    request: Request, session: SessionDep, cache: CacheDep, viewer: OptionalUser
) -> Response:
    """The top 10 projects, users and chains in one call."""

    async def load() -> dict[str, Any]:
        return success(await service.trending(session))

    return await cached_json(
        request,
        cache,
        namespaces=[LEADERBOARD, FEED, CHAINS],
        ttl=TTL,
        load=load,
        overlay=caller_overlay(service.overlay_caller, session, viewer),
    )
