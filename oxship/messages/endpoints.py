"""HTTP routes of messages."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from oxship.auth.dependencies import CurrentUser
from oxship.auth.write_limits import write_limit
from oxship.db import SessionDep, WriteSessionDep
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, JSONBody, PageEnvelope, ok
from oxship.kit.pagination import Pagination
from oxship.messages import service
from oxship.messages.schemas import (
    ConversationOut,
    MessageOut,
    SendIn,
    ThreadEnvelope,
    UnreadCountOut,
)

router = APIRouter(prefix="/api/messages", tags=["messages"], responses=ERROR_RESPONSES)

PRIVATE = {"Cache-Control": "private, no-store"}


@router.post(
    "/send",
    status_code=201,
    response_model=Envelope[MessageOut],
    dependencies=[write_limit("messages")],
)
async def send_message(body: SendIn, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Send a direct message to another user."""
    data = await service.send(
        session, sender=user, recipient_id=body.recipient_id, body=body.message
    )
    return ok(data, message="Message sent", status_code=201)


@router.get("/conversations", response_model=PageEnvelope[ConversationOut])
async def conversations(session: SessionDep, user: CurrentUser, params: Pagination) -> JSONBody:
    """The caller's conversations, most recent first, with unread counts."""
    body = await service.conversations(session, user=user, params=params)
    return JSONBody(body, headers=PRIVATE)


@router.get("/conversation/{other_user_id}", response_model=ThreadEnvelope)
async def conversation(
    other_user_id: uuid.UUID,
    user: CurrentUser,
    session: WriteSessionDep,
    before: Annotated[
        uuid.UUID | None, Query(description="Id of the oldest message already shown")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Messages per page, 1..100")] = 50,
) -> JSONBody:
    """A page of the conversation with another user (oldest to newest); marks it read."""
    body = await service.thread(
        session, user=user, other_user_id=other_user_id, before=before, limit=limit
    )
    return JSONBody(body, headers=PRIVATE)


@router.get("/unread-count", response_model=Envelope[UnreadCountOut])
async def unread_count(session: SessionDep, user: CurrentUser) -> JSONBody:
    """How many direct messages addressed to the caller are unread."""
    return ok(await service.unread_count(session, user=user), headers=PRIVATE)


@router.post("/{message_id}/mark-read", response_model=Envelope[MessageOut])
async def mark_read(message_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Mark a message addressed to the caller as read."""
    return ok(await service.mark_read(session, user=user, message_id=message_id))
