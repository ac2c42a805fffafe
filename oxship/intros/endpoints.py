"""HTTP routes of intros."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from oxship.auth.dependencies import CurrentUser, InvestorUser
from oxship.db import SessionDep
from oxship.intros import builder_intros, service
from oxship.intros.cache import CONNECTIONS, CONNECTIONS_TTL
from oxship.intros.schemas import (
    AcceptIntroIn,
    AcceptRequestIn,
    ConnectionOut,
    DeclineIn,
    IntroIn,
    IntroOut,
    IntroRequestIn,
    IntroRequestOut,
    IntroStatus,
    PendingCountOut,
)
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
from oxship.projects.cache import FEED

router = APIRouter(prefix="/api/intro-requests", tags=["intro-requests"], responses=ERROR_RESPONSES)
intros_router = APIRouter(prefix="/api/intros", tags=["intros"], responses=ERROR_RESPONSES)

PRIVATE = {"Cache-Control": "private, no-store"}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "Already open or already answered"}
}
StatusFilter = Annotated[IntroStatus | None, Query(description="Only this status")]


# ---- investor → builder: /api/intro-requests ----------------------------------------------------


@router.post("/send", status_code=201, response_model=Envelope[IntroRequestOut], responses=CONFLICT)
async def send_request(body: IntroRequestIn, session: SessionDep, user: InvestorUser) -> JSONBody:
    """Ask a project's builder for an introduction (investors; free plan: 5 a month)."""
    data = await service.send_request(
        session, investor=user, project_id=body.project_id, message=body.message
    )
    return ok(data, message="Intro request sent", status_code=201)


@router.get("/received", response_model=PageEnvelope[IntroRequestOut])
async def requests_received(
    session: SessionDep, user: CurrentUser, params: Pagination, status: StatusFilter = None
) -> JSONBody:
    """Intro requests about the caller's projects, newest first."""
    body = await service.requests_received(
        session, user=user, status=status.value if status else None, params=params
    )
    return JSONBody(body, headers=PRIVATE)


@router.get("/sent", response_model=PageEnvelope[IntroRequestOut])
async def requests_sent(
    session: SessionDep, user: InvestorUser, params: Pagination, status: StatusFilter = None
) -> JSONBody:
    """Intro requests the investor sent, newest first."""
    body = await service.requests_sent(
        session, user=user, status=status.value if status else None, params=params
    )
    return JSONBody(body, headers=PRIVATE)


@router.get("/pending-count", response_model=Envelope[PendingCountOut])
async def pending_count(session: SessionDep, user: CurrentUser) -> JSONBody:
    """Pending introductions the caller received (requests as a builder, intros as an investor)."""
    return ok(await service.pending_count(session, user=user), headers=PRIVATE)


@router.post("/{request_id}/accept", response_model=Envelope[IntroRequestOut], responses=CONFLICT)
async def accept_request(
    request_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    body: AcceptRequestIn | None = None,
) -> JSONBody:
    """Accept a pending request (the builder, once): opens a conversation with the investor."""
    data = await service.accept_request(
        session, user=user, request_id=request_id, note=body.message if body else None
    )
    return ok(data, message="Intro request accepted")


@router.post("/{request_id}/decline", response_model=Envelope[IntroRequestOut], responses=CONFLICT)
async def decline_request(
    request_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    body: DeclineIn | None = None,
) -> JSONBody:
    """Decline a pending request (the builder), with an optional reason."""
    data = await service.decline_request(
        session, user=user, request_id=request_id, reason=body.reason if body else None
    )
    return ok(data, message="Intro request declined")


# ---- builder → investor: /api/intros -----------------------------------------------------------


@intros_router.post(
    "/request", status_code=201, response_model=Envelope[IntroOut], responses=CONFLICT
)
async def request_intro(body: IntroIn, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Introduce one of the caller's projects to an investor open to requests."""
    data = await builder_intros.request_intro(
        session,
        user=user,
        project_id=body.project_id,
        recipient_id=body.recipient_id,
        message=body.message,
        contact=str(body.requester_contact),
    )
    return ok(data, message="Intro sent", status_code=201)


@intros_router.put("/{intro_id}/accept", response_model=Envelope[IntroOut], responses=CONFLICT)
async def accept_intro(
    intro_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    body: AcceptIntroIn | None = None,
) -> JSONBody:
    """Accept a pending intro (its investor), optionally sharing contact details."""
    data = await builder_intros.accept_intro(
        session, user=user, intro_id=intro_id, contact_info=body.contact_info if body else None
    )
    return ok(data, message="Intro accepted")


@intros_router.put("/{intro_id}/decline", response_model=Envelope[IntroOut], responses=CONFLICT)
async def decline_intro(
    intro_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    body: DeclineIn | None = None,
) -> JSONBody:
    """Decline a pending intro (its investor), with an optional reason."""
    data = await builder_intros.decline_intro(
        session, user=user, intro_id=intro_id, reason=body.reason if body else None
    )
    return ok(data, message="Intro declined")


@intros_router.get("/received", response_model=PageEnvelope[IntroOut])
async def intros_received(
    session: SessionDep, user: CurrentUser, params: Pagination, status: StatusFilter = None
) -> JSONBody:
    """Intros sent to the caller, newest first."""
    body = await builder_intros.intros_received(
        session, user=user, status=status.value if status else None, params=params
    )
    return JSONBody(body, headers=PRIVATE)


@intros_router.get("/sent", response_model=PageEnvelope[IntroOut])
async def intros_sent(
    session: SessionDep, user: CurrentUser, params: Pagination, status: StatusFilter = None
) -> JSONBody:
    """Intros the caller sent, newest first."""
    body = await builder_intros.intros_sent(
        session, user=user, status=status.value if status else None, params=params
    )
    return JSONBody(body, headers=PRIVATE)


@intros_router.get("/recent-connections", response_model=Envelope[list[ConnectionOut]])
async def recent_connections(
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    limit: Annotated[int, Query(ge=1, le=100, description="How many, 1..100")] = 10,
) -> Response:
    """Recent accepted introductions: the project and the two public user cards only."""

    async def load() -> dict[str, Any]:
        return success(await service.recent_connections(session, limit=limit))

    return await cached_json(
        request, cache, namespaces=[CONNECTIONS, FEED], ttl=CONNECTIONS_TTL, load=load
    )
