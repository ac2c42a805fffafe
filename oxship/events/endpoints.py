"""HTTP routes of /api/events."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from oxship.auth.dependencies import AdminUser, CurrentUser, OptionalUser
from oxship.auth.write_limits import write_limit
from oxship.db import SessionDep, WriteSessionDep
from oxship.events import entries, service
from oxship.events.cache import EVENTS, LIST_TTL, PROJECTS_TTL, event_ns
from oxship.events.filters import EventFilters
from oxship.events.schemas import (
    EventCreate,
    EventOut,
    EventProjectAdd,
    EventProjectAddOut,
    EventProjectOut,
    EventProjectPatch,
    EventProjectRemovedOut,
    EventTypeOut,
    EventUpdate,
    FeatureStateOut,
    SubscribeStateOut,
    VerifyStateOut,
)
from oxship.kit.cache import CacheDep, cached_json, caller_overlay
from oxship.kit.clock import utcnow
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, ErrorOut, JSONBody, PageEnvelope, ok
from oxship.kit.pagination import Pagination
from oxship.projects import listing
from oxship.projects.cache import FEED

router = APIRouter(prefix="/api/events", tags=["events"], responses=ERROR_RESPONSES)

PRIVATE = {"Cache-Control": "private, no-store"}


class EventSort(StrEnum):
    """Event list orders."""

    UPCOMING = "upcoming"
    NEWEST = "newest"
    POPULAR = "popular"
    PRIZE = "prize"
    ENDING_SOON = "ending_soon"


class EventTypeParam(StrEnum):
    """Event types."""

    HACKATHON = "hackathon"
    CONFERENCE = "conference"
    COMPETITION = "competition"
    SHOWCASE = "showcase"
    WORKSHOP = "workshop"


class EventProjectSort(StrEnum):
    """Event project list orders."""

    TOP = "top"
    WINNERS = "winners"
    FINALISTS = "finalists"
    NEWEST = "newest"


def _clean(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


@router.post(
    "",
    status_code=201,
    response_model=Envelope[EventOut],
    responses={409: {"model": ErrorOut, "description": "Name taken"}},
)
async def create_event(body: EventCreate, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Create an event; the slug comes from the name (`-2`, `-3`… on collision)."""
    event = await service.create(session, organizer=user, data=body)
    return ok(event, status_code=201)


@router.get("", response_model=PageEnvelope[EventOut])
async def list_events(
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    params: Pagination,
    sort: EventSort = EventSort.UPCOMING,
    search: Annotated[str | None, Query(max_length=200)] = None,
    event_type: EventTypeParam | None = None,
    category: Annotated[str | None, Query(max_length=50)] = None,
    upcoming: bool | None = None,
    past: bool | None = None,
    ongoing: bool | None = None,
    featured: bool | None = None,
    verified: bool | None = None,
) -> Response:
    """Live events with filters and sorts (cached 60 s: the time filters follow the clock)."""
    filters = EventFilters(
        now=utcnow(),
        search=_clean(search),
        event_type=event_type.value if event_type else None,
        category=_clean(category),
        upcoming=upcoming,
        past=past,
        ongoing=ongoing,
        featured=featured,
        verified=verified,
    )

    async def load() -> dict[str, Any]:
        return await service.page(
            session, viewer=None, filters=filters, sort=sort.value, params=params
        )

    return await cached_json(
        request,
        cache,
        namespaces=[EVENTS],
        ttl=LIST_TTL,
        load=load,
        overlay=caller_overlay(service.overlay_caller, session, viewer),
    )


@router.get("/featured", response_model=PageEnvelope[EventOut])
async def featured_events(
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    params: Pagination,
) -> Response:
    """Featured live events, those not yet ended first (soonest start first)."""

    async def load() -> dict[str, Any]:
        return await service.featured(session, params=params)

    return await cached_json(
        request,
        cache,
        namespaces=[EVENTS],
        ttl=LIST_TTL,
        load=load,
        overlay=caller_overlay(service.overlay_caller, session, viewer),
    )


@router.get("/types", response_model=Envelope[list[EventTypeOut]])
async def event_types(request: Request, session: SessionDep, cache: CacheDep) -> Response:
    """The five event types, each with its count of live events."""

    async def load() -> dict[str, Any]:
        return await service.types(session)

    return await cached_json(request, cache, namespaces=[EVENTS], ttl=LIST_TTL, load=load)


@router.get("/{slug}", response_model=Envelope[EventOut])
async def event_detail(slug: str, session: WriteSessionDep, viewer: OptionalUser) -> JSONBody:
    """An event (counts a view) with the caller's `is_subscribed` and `is_organizer`."""
    return ok(await service.detail(session, slug=slug, viewer=viewer), headers=PRIVATE)


@router.put(
    "/{slug}",
    response_model=Envelope[EventOut],
    responses={409: {"model": ErrorOut, "description": "Name taken"}},
)
async def update_event(
    slug: str, body: EventUpdate, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Update an event (organizer or admin); renaming keeps the slug."""
    return ok(await service.update(session, slug=slug, user=user, data=body))


@router.delete("/{slug}", response_model=Envelope[dict[str, bool]])
async def delete_event(slug: str, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Soft-delete an event (organizer or admin)."""
    await service.delete(session, slug=slug, user=user)
    return ok({"deleted": True}, message="Event deleted")


@router.get("/{slug}/projects", response_model=PageEnvelope[EventProjectOut])
async def event_projects(
    slug: str,
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    params: Pagination,
    sort: EventProjectSort = EventProjectSort.TOP,
    track: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """An event's live projects with their `event_metadata`; `meta.tracks` lists its tracks."""
    event = await service.live(session, slug)
    wanted = _clean(track)

    async def load() -> dict[str, Any]:
        return await entries.projects_page(
            session, event=event, track=wanted, sort=sort.value, params=params
        )

    return await cached_json(
        request,
        cache,
        namespaces=[event_ns(event.id), FEED],
        ttl=PROJECTS_TTL,
        load=load,
        overlay=caller_overlay(listing.overlay_caller, session, viewer),
    )


@router.post(
    "/{slug}/projects",
    status_code=201,
    response_model=Envelope[EventProjectAddOut],
    responses={409: {"model": ErrorOut, "description": "Already in the event"}},
)
async def add_event_project(
    slug: str, body: EventProjectAdd, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Enter a project (organizer, project owner or admin; results: organizer or admin)."""
    data = await entries.add(session, slug=slug, user=user, body=body)
    return ok(data, message="Project added", status_code=201)


@router.patch("/{slug}/projects/{project_id}", response_model=Envelope[EventProjectAddOut])
async def edit_event_project(
    slug: str,
    project_id: uuid.UUID,
    body: EventProjectPatch,
    session: SessionDep,
    user: CurrentUser,
) -> JSONBody:
    """Change an entry's track and results (organizer or admin)."""
    data = await entries.edit(session, slug=slug, user=user, project_id=project_id, body=body)
    return ok(data)


@router.delete("/{slug}/projects/{project_id}", response_model=Envelope[EventProjectRemovedOut])
async def remove_event_project(
    slug: str, project_id: uuid.UUID, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Take a project out (organizer, project owner or admin)."""
    data = await entries.remove(session, slug=slug, user=user, project_id=project_id)
    return ok(data, message="Project removed")


@router.post(
    "/{slug}/subscribe",
    response_model=Envelope[SubscribeStateOut],
    dependencies=[write_limit("follows")],
    responses={409: {"model": ErrorOut, "description": "Already subscribed"}},
)
async def subscribe_event(slug: str, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Subscribe → `{subscriber_count, is_subscribed}`."""
    return ok(await service.subscribe(session, slug=slug, user=user), message="Subscribed")


@router.delete(
    "/{slug}/subscribe",
    response_model=Envelope[SubscribeStateOut],
    dependencies=[write_limit("follows")],
)
async def unsubscribe_event(slug: str, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Unsubscribe (404 when not subscribed)."""
    return ok(await service.unsubscribe(session, slug=slug, user=user), message="Unsubscribed")


@router.post("/{slug}/verify", response_model=Envelope[VerifyStateOut])
async def verify_event(slug: str, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Toggle verified (admin)."""
    return ok(await service.toggle_verify(session, slug=slug))


@router.post("/{slug}/feature", response_model=Envelope[FeatureStateOut])
async def feature_event(slug: str, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Toggle featured (admin)."""
    return ok(await service.toggle_feature(session, slug=slug))
