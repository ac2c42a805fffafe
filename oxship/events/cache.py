"""Cache namespaces of events, and the bumps an event change implies."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.outbox import outbox_of

EVENTS = "events"
# Event lists depend on the clock (upcoming / ongoing / past) and show view counts, which do not
# bump them (a view would empty the list cache): both catch up within this time.
LIST_TTL = 60
# An event's project list shows no clock-dependent data; votes refresh it through the feed namespace.
PROJECTS_TTL = 300


def event_ns(event_id: uuid.UUID | str) -> str:
    """One event's project list (and anything else shown per event)."""
    return f"event:{event_id}"


def event_changed(session: AsyncSession, event_id: uuid.UUID) -> None:
    """Invalidate what shows this event: its project list and the event lists."""
    outbox_of(session).bump(event_ns(event_id), EVENTS)


def events_changed(session: AsyncSession, event_ids: Iterable[uuid.UUID]) -> None:
    """Invalidate several events at once (e.g. when a deleted project leaves them)."""
    names = [event_ns(event_id) for event_id in event_ids]
    if names:
        outbox_of(session).bump(*names, EVENTS)
