"""Projects entered in events: add, edit results, remove, and the event's project list."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.errors import Conflict, Forbidden, NotFound
from oxship.events import repository
from oxship.events.cache import event_changed
from oxship.events.schemas import EventProjectAdd, EventProjectPatch, metadata_json
from oxship.events.service import is_admin, live
from oxship.kit.clock import utcnow
from oxship.kit.pagination import PageParams, page_body
from oxship.models import Event, EventProject, User
from oxship.projects.listing import project_items
from oxship.projects.service import get_live

RESULT_FIELDS = ("prize", "rank", "is_winner", "is_finalist")


def _runs(event: Event, user: User) -> bool:
    return event.creator_id == user.id or is_admin(user)


def _sets_results(body: EventProjectAdd) -> bool:
    """Whether the body gives a result a plain project owner may not set (null/false are no-ops)."""
    return any(getattr(body, name) not in (None, False) for name in RESULT_FIELDS)


def _added(event_id: uuid.UUID, project_id: uuid.UUID, count: int, row: Any) -> dict[str, Any]:
    return {
        "event_id": str(event_id),
        "project_id": str(project_id),
        "project_count": int(count),
        "event_metadata": metadata_json(row),
    }


async def add(
    session: AsyncSession, *, slug: str, user: User, body: EventProjectAdd
) -> dict[str, Any]:
    """Enter a live project (organizer, the project's owner or an admin); 409 when it is in."""
    event = await live(session, slug)
    # The project row lock serializes the entries of one project; the primary key decides anyway.
    project = await get_live(session, body.project_id, lock=True)
    organizer = _runs(event, user)
    if not organizer and project.user_id != user.id:
        raise Forbidden("Only the organizer, the project's owner or an admin can enter it")
    if not organizer and _sets_results(body):
        raise Forbidden("Only the organizer or an admin can set prize, rank, winner or finalist")
    values = {
        "event_id": event.id,
        "project_id": project.id,
        "track": body.track,
        "prize": body.prize,
        "rank": body.rank,
        "is_winner": bool(body.is_winner),
        "is_finalist": bool(body.is_finalist),
        "added_by": user.id,
        "added_at": utcnow(),
    }
    if not await repository.insert_entry(session, values):
        raise Conflict("The project is already in this event")
    (count,) = await repository.add_to_counters(session, event.id, project_count=1)
    event_changed(session, event.id)
    return _added(event.id, project.id, count, EventProject(**values))


async def edit(
    session: AsyncSession,
    *,
    slug: str,
    user: User,
    project_id: uuid.UUID,
    body: EventProjectPatch,
) -> dict[str, Any]:
    """Change an entry's track and results (organizer or admin)."""
    event = await live(session, slug)
    if not _runs(event, user):
        raise Forbidden("Only the organizer or an admin can edit results")
    row = await repository.entry(session, event.id, project_id)
    if row is None:
        raise NotFound("The project is not in this event")
    for name, value in body.model_dump(exclude_unset=True).items():
        if name in ("is_winner", "is_finalist"):
            value = bool(value)
        setattr(row, name, value)
    await session.flush()
    event_changed(session, event.id)
    return _added(event.id, project_id, event.project_count, row)


async def remove(
    session: AsyncSession, *, slug: str, user: User, project_id: uuid.UUID
) -> dict[str, Any]:
    """Take a project out (organizer, the project's owner or an admin); 404 when not in."""
    event = await live(session, slug)
    owner_id = await repository.project_owner(session, project_id)
    if owner_id is None:
        raise NotFound("Project not found")
    if not _runs(event, user) and owner_id != user.id:
        raise Forbidden("Only the organizer, the project's owner or an admin can remove it")
    if not await repository.delete_entry(session, event.id, project_id):
        raise NotFound("The project is not in this event")
    (count,) = await repository.add_to_counters(session, event.id, project_count=-1)
    event_changed(session, event.id)
    return {"removed": True, "project_count": int(count)}


async def projects_page(
    session: AsyncSession,
    *,
    event: Event,
    track: str | None,
    sort: str,
    params: PageParams,
) -> dict[str, Any]:
    """The event's live projects as anonymous full project JSON + `event_metadata`, with
    `meta.tracks` (5 statements whatever the page size)."""
    rows, total = await repository.projects_page(
        session, event.id, track=track, sort=sort, offset=params.offset, limit=params.limit
    )
    items = await project_items(session, [row[:4] for row in rows])
    for item, row in zip(items, rows, strict=True):
        item["event_metadata"] = metadata_json(row[4])
    tracks = await repository.tracks(session, event.id)
    return page_body(items, params, total, meta={"tracks": tracks})
