"""HTTP routes of /api/notifications: the caller's own notifications only, never cached."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from oxship.auth.dependencies import CurrentUser
from oxship.db import SessionDep
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, JSONBody, PageEnvelope, ok
from oxship.kit.pagination import Pagination
from oxship.notifications import service
from oxship.notifications.schemas import (
    DeletedAllOut,
    DeletedOneOut,
    NotificationOut,
    ReadAllOut,
    UnreadCountOut,
)

router = APIRouter(prefix="/api/notifications", tags=["notifications"], responses=ERROR_RESPONSES)

PRIVATE = {"Cache-Control": "private, no-store"}


async def types_filter(
    types: Annotated[
        str | None,
        Query(max_length=1000, description="Comma-separated notification types (API §3.17)"),
    ] = None,
) -> list[str] | None:
    """Dependency: the validated `types` filter (422 for an unknown type)."""
    return service.parse_types(types)


TypesFilter = Annotated[list[str] | None, Depends(types_filter)]


@router.get("", response_model=PageEnvelope[NotificationOut])
async def list_notifications(
    session: SessionDep,
    user: CurrentUser,
    params: Pagination,
    types: TypesFilter,
    unread_only: bool = False,
) -> JSONBody:
    """The caller's notifications, latest activity first; `meta.unread_count`."""
    body = await service.page(
        session, user=user, unread_only=unread_only, types=types, params=params
    )
    return JSONBody(body, headers=PRIVATE)


@router.get("/unread-count", response_model=Envelope[UnreadCountOut])
async def unread_count(session: SessionDep, user: CurrentUser) -> JSONBody:
    """How many of the caller's notifications are unread."""
    count = await service.unread_count(session, user_id=user.id)
    return ok({"unread_count": count}, headers=PRIVATE)


@router.post("/read-all", response_model=Envelope[ReadAllOut])
async def read_all(session: SessionDep, user: CurrentUser) -> JSONBody:
    """Mark every notification of the caller read."""
    return ok(await service.mark_all_read(session, user=user))


@router.put("/{notification_id}/read", response_model=Envelope[NotificationOut])
async def read_one(notification_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Mark one of the caller's notifications read (404 if not theirs)."""
    return ok(await service.mark_read(session, user=user, notification_id=notification_id))


@router.delete("/all", response_model=Envelope[DeletedAllOut])
async def delete_all(session: SessionDep, user: CurrentUser) -> JSONBody:
    """Delete every notification of the caller."""
    return ok(await service.delete_all(session, user=user))


@router.delete("/{notification_id}", response_model=Envelope[DeletedOneOut])
async def delete_one(
    notification_id: uuid.UUID, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Delete one of the caller's notifications (404 if not theirs)."""
    return ok(await service.delete(session, user=user, notification_id=notification_id))
