"""Event rules: unique names and slugs, organizer rights, subscriptions, admin toggles."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.errors import Conflict, Forbidden, NotFound, ValidationFailed
from oxship.events import repository
from oxship.events.cache import event_changed
from oxship.events.filters import EventFilters
from oxship.events.schemas import EVENT_TYPES, EventCreate, EventUpdate, event_json
from oxship.kit.clock import utcnow
from oxship.kit.envelope import success
from oxship.kit.pagination import PageParams, page_body
from oxship.kit.slugs import first_free, slugify
from oxship.models import Event, User

FEATURED_LIMIT = 20


def is_admin(user: User | None) -> bool:
    """Whether the caller is an admin."""
    return user is not None and bool(user.is_admin)


def event_slug_base(name: str) -> str:
    """The slug a name asks for (`event` when the name has no ASCII letter or digit)."""
    return slugify(name, fallback="event")


async def live(session: AsyncSession, slug: str, *, lock: bool = False) -> Event:
    """The live event with that slug; 404 otherwise."""
    event = await repository.live_by_slug(session, slug, lock=lock)
    if event is None:
        raise NotFound("Event not found")
    return event


async def _managed(session: AsyncSession, slug: str, user: User) -> Event:
    event = await live(session, slug)
    if event.creator_id != user.id and not is_admin(user):
        raise Forbidden("Only the organizer or an admin can do this")
    return event


async def _unique_slug(session: AsyncSession, name: str) -> str:
    base = event_slug_base(name)
    return first_free(base, await repository.slugs_like(session, base))


async def _overlay(session: AsyncSession, viewer: User | None, items: list[dict[str, Any]]) -> None:
    if viewer is None or not items:
        return
    ids = [uuid.UUID(item["id"]) for item in items]
    subscribed = await repository.subscribed_ids(session, viewer.id, ids)
    for item, event_id in zip(items, ids, strict=True):
        item["is_subscribed"] = event_id in subscribed
        item["is_organizer"] = item["creator_id"] == str(viewer.id)


async def overlay_caller(session: AsyncSession, viewer: User, envelope: dict[str, Any]) -> None:
    """Set `is_subscribed` and `is_organizer` on the events of an envelope (one statement)."""
    data = envelope.get("data")
    if isinstance(data, list):
        await _overlay(session, viewer, [d for d in data if isinstance(d, dict) and "slug" in d])
    elif isinstance(data, dict):
        await _overlay(session, viewer, [data])


async def _item(session: AsyncSession, event_id: uuid.UUID, viewer: User | None) -> dict[str, Any]:
    row = await repository.row_by_id(session, event_id)
    if row is None:
        raise NotFound("Event not found")
    item = event_json(row)
    await _overlay(session, viewer, [item])
    return item


async def create(session: AsyncSession, *, organizer: User, data: EventCreate) -> dict[str, Any]:
    """Create an event → its JSON; 409 when the name is taken in any case."""
    key = data.name.lower()
    if await repository.name_taken(session, key):
        raise Conflict("An event with this name already exists")
    event = Event(
        creator_id=organizer.id,
        name=data.name,
        name_key=key,
        slug=await _unique_slug(session, data.name),
        description=data.description,
        tagline=data.tagline or None,
        banner_url=data.banner_url,
        logo_url=data.logo_url,
        event_type=data.event_type,
        start_date=data.start_date,
        end_date=data.end_date,
        location=data.location or None,
        website_url=data.website_url,
        prize_pool=data.prize_pool,
        categories=data.categories or [],
    )
    session.add(event)
    try:
        async with session.begin_nested():  # a concurrent create of the same name or slug
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("An event with this name already exists") from exc
    event_changed(session, event.id)
    item = event_json((event, organizer.username, organizer.display_name, organizer.avatar_url))
    item["is_organizer"] = True
    return item


async def page(
    session: AsyncSession,
    *,
    viewer: User | None,
    filters: EventFilters,
    sort: str,
    params: PageParams,
) -> dict[str, Any]:
    """A page of events with the caller's overlay (2 statements, 3 with a viewer).

    With `viewer=None` this is the anonymous body a shared cache entry may hold.
    """
    rows, total = await repository.page(
        session, filters=filters, sort=sort, offset=params.offset, limit=params.limit
    )
    items = [event_json(row) for row in rows]
    await _overlay(session, viewer, items)
    return page_body(items, params, total)


async def featured(session: AsyncSession, *, params: PageParams) -> dict[str, Any]:
    """Featured live events, those not yet ended first (soonest start first)."""
    filters = EventFilters(now=utcnow(), featured=True)
    return await page(session, viewer=None, filters=filters, sort="upcoming", params=params)


async def types(session: AsyncSession) -> dict[str, Any]:
    """The five event types with their counts of live events."""
    counts = await repository.type_counts(session)
    return success([{"event_type": kind, "count": counts.get(kind, 0)} for kind in EVENT_TYPES])


async def detail(session: AsyncSession, *, slug: str, viewer: User | None) -> dict[str, Any]:
    """The event; counts a view (in SQL)."""
    event_id = await repository.count_view(session, slug)
    if event_id is None:
        raise NotFound("Event not found")
    return await _item(session, event_id, viewer)


async def update(
    session: AsyncSession, *, slug: str, user: User, data: EventUpdate
) -> dict[str, Any]:
    """Update the fields sent (organizer or admin); a rename keeps the slug."""
    event = await _managed(session, slug, user)
    fields = data.model_dump(exclude_unset=True)
    start = fields.get("start_date", event.start_date)
    end = fields.get("end_date", event.end_date)
    if end < start:
        raise ValidationFailed.field("end_date", "must not be before start_date")
    if "name" in fields:
        key = fields["name"].lower()
        if await repository.name_taken(session, key, except_id=event.id):
            raise Conflict("An event with this name already exists")
        event.name_key = key
    for name, value in fields.items():
        if name == "categories":
            value = value or []
        elif name in ("tagline", "location"):
            value = value or None
        setattr(event, name, value)
    event.updated_at = utcnow()
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("An event with this name already exists") from exc
    event_changed(session, event.id)
    return await _item(session, event.id, user)


async def delete(session: AsyncSession, *, slug: str, user: User) -> None:
    """Soft delete (organizer or admin); the name stays reserved."""
    event = await _managed(session, slug, user)
    event.is_deleted = True
    event.deleted_at = utcnow()
    await session.flush()
    event_changed(session, event.id)


async def subscribe(session: AsyncSession, *, slug: str, user: User) -> dict[str, Any]:
    """Subscribe → `{subscriber_count, is_subscribed}`; 409 when already subscribed."""
    event = await live(session, slug)
    if not await repository.insert_subscriber(session, event.id, user.id):
        raise Conflict("Already subscribed to this event")
    (count,) = await repository.add_to_counters(session, event.id, subscriber_count=1)
    event_changed(session, event.id)
    return {"subscriber_count": int(count), "is_subscribed": True}


async def unsubscribe(session: AsyncSession, *, slug: str, user: User) -> dict[str, Any]:
    """Unsubscribe → `{subscriber_count, is_subscribed}`; 404 when not subscribed."""
    event = await live(session, slug)
    if not await repository.delete_subscriber(session, event.id, user.id):
        raise NotFound("Not subscribed to this event")
    (count,) = await repository.add_to_counters(session, event.id, subscriber_count=-1)
    event_changed(session, event.id)
    return {"subscriber_count": int(count), "is_subscribed": False}


async def toggle_feature(session: AsyncSession, *, slug: str) -> dict[str, Any]:
    """Feature or unfeature (admin)."""
    event = await live(session, slug, lock=True)
    event.is_featured = not event.is_featured
    await session.flush()
    event_changed(session, event.id)
    return {"is_featured": event.is_featured}


async def toggle_verify(session: AsyncSession, *, slug: str) -> dict[str, Any]:
    """Verify or unverify (admin)."""
    event = await live(session, slug, lock=True)
    event.is_verified = not event.is_verified
    await session.flush()
    event_changed(session, event.id)
    return {"is_verified": event.is_verified}
